"""The demo project: built once from the bundled corpus into the user's data directory.

``qualtally demo`` finds the corpus (inside the installed package, or in the source
checkout for an editable install), imports it into a fresh project file the first time,
and reopens that same file ever after, so a user's demo coding is never thrown away.
The file is built under a temporary name (``.NAME.<pid>.building``) and renamed into
place, so an interrupted build never leaves a half-imported demo behind; the files a
killed build leaves are removed by any later run once that process is gone.
"""

from __future__ import annotations

import os
from pathlib import Path

from qualtally.core.errors import InputError
from qualtally.core.processes import alive

DEMO_NAME = "iom-evaluation"


def corpus_dir() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "demo_corpus" / DEMO_NAME, here.parents[1] / "corpus" / DEMO_NAME):
        if (candidate / "qualtally-manifest.yaml").exists():
            return candidate
    raise InputError(DEMO_NAME, "the demo corpus is not installed with this copy of qualtally")


def data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("qualtally", appauthor=False))


def demo_project_path() -> Path:
    return data_dir() / f"{DEMO_NAME}.qtally"


def ensure_demo_project(progress=None) -> Path:
    """Path of the demo project, building it from the corpus on first use.

    Every call first removes what builds killed earlier left behind (their process is
    gone), whether or not the demo exists by now; an existing demo is returned without
    importing the project package."""
    path = demo_project_path()
    if path.parent.is_dir():
        _remove_leftovers(path)
    if path.exists():
        return path
    from qualtally.project import Project

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.building")
    try:
        with Project.new(tmp) as project:
            project.import_paths([corpus_dir()], actor="demo", progress=progress)
            project.exclude_from_training(project.coders(), actor="demo")
            seed_suggestions(project)
            with project.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        os.replace(tmp, path)
    finally:
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            leftover.unlink(missing_ok=True)
    return path


def _remove_leftovers(path: Path) -> None:
    """Files of earlier builds whose process is gone (killed mid-build), and this one's."""
    for leftover in path.parent.glob(f".{path.name}.*.building*"):
        pid = leftover.name[len(path.name) + 2:].split(".", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and alive(int(pid)):
            continue  # another process is building the demo right now
        leftover.unlink(missing_ok=True)



SUGGESTIONS_FILE = "suggestions.json.gz"


def seed_suggestions(project) -> int:
    """Start the demo with shipped suggestions for its excerpts (derived data).

    Each transcript's suggestions were made by a model trained on the demo's coding without
    that transcript (out of fold), so they are what the engine suggests for a transcript it
    has not seen; they are stored under the shipped model's key, so the loader keeps them.
    Without them the very first ``qualtally demo`` shows suggestions only once scikit-learn,
    spaCy and the model have loaded; with them, from the first frame. Built by
    ``models/build/make_demo_suggestions.py``.
    """
    from qualtally.nlp import shipped

    for folder in shipped.model_dirs():
        if (folder / SUGGESTIONS_FILE).is_file():
            n = project.seed_suggestion_cache(folder / SUGGESTIONS_FILE)
            if n:
                return n
    return 0
