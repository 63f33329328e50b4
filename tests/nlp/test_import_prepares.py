"""`qualtally import` caches suggestions when that needs no training.

That is: while nothing is coded (the codebook's cold start), or when a saved model fits the
codebook. So the first coding screen after an import shows suggestions from the cache at
once, in a process that has imported none of the model libraries. Real files from the demo corpus
(with the codebook's root renamed, so the shipped demo model does not match it), a real
project file, a fresh Python process for the read.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from qualtally.cli import main
from qualtally.project import Project

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus" / "iom-evaluation"
SRC = str(ROOT / "src")


def _files(tmp_path: Path) -> list[str]:
    book = tmp_path / "codebook.yaml"
    text = (CORPUS / "codebook.yaml").read_text(encoding="utf-8")
    book.write_text(
        text.replace("- name: Relevance\n", "- name: Relevance of membership\n", 1),
        encoding="utf-8",
    )
    return [
        str(CORPUS / "respondents.csv"),
        str(CORPUS / "interviews" / "R01-ottawa-cic-multilateral.txt"),
        str(CORPUS / "interviews" / "R04-ottawa-cic-migration-health-notes.txt"),
        str(book),
    ]


def _fresh(body: str) -> str:
    """stdout of ``body`` run in a fresh Python process (nothing of this one loaded)."""
    out = subprocess.run(
        [sys.executable, "-c", "import sys\nfrom qualtally.project import Project\n" + body],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": SRC, "PATH": "/usr/bin:/bin"},
    )
    return out.stdout


HEAVY = "' '.join(m for m in ('sklearn', 'skops', 'spacy') if m in sys.modules)"


def _peek(path: Path) -> tuple[int, int, list[str]]:
    """In a fresh process: excerpts with cached suggestions, excerpts, model libraries imported."""
    shown, total, *heavy = _fresh(
        f"p = Project.open({str(path)!r})\n"
        "ids = [e.id for e in p.excerpts()]\n"
        f"print(sum(1 for i in ids if p.suggestions(i, 'newcomer')), len(ids), {HEAVY})\n").split()
    return int(shown), int(total), heavy


def _imported(tmp_path: Path, *flags: str) -> Path:
    """A new project with two demo transcripts and the renamed codebook imported."""
    path = tmp_path / "p.qtally"
    assert main(["new", str(path)]) == 0
    assert main(["import", str(path), *_files(tmp_path), "--quiet", *flags]) == 0
    return path


def _coded_with_model(path: Path) -> int:
    """Code 12 excerpts and retrain, as a coding session leaves it; returns the excerpt count."""
    with Project.open(path) as p:
        codes = [c for c in p.codes() if c.parent_path]
        for e, c in zip(p.excerpts()[:12], codes * 4):
            p.apply_code(e.id, c.id, "ann")
        p.retrain_suggester("ann")  # the model a coding session leaves beside the project
        return len(p.excerpts())


def test_import_caches_codebook_suggestions_for_the_first_screen(tmp_path, capsys):
    path = _imported(tmp_path)
    out = capsys.readouterr().out
    with Project.open(path) as p:
        n = len(p.excerpts())
    assert n > 10
    assert f"suggestions cached for {n} of {n} excerpts" in out
    shown, total, heavy = _peek(path)
    assert (shown, total, heavy) == (n, n, [])


def test_no_suggestions_flag_and_a_coded_project_without_a_model_leave_the_cache_alone(
    tmp_path, capsys
):
    path = _imported(tmp_path, "--no-suggestions")
    assert "suggestions cached" not in capsys.readouterr().out
    assert _peek(path)[0] == 0
    with Project.open(path) as p:  # coded, no model yet: the coding screen trains instead
        e = p.excerpts()[0]
        code = next(c for c in p.codes() if c.parent_path)
        p.apply_code(e.id, code.id, "ann")
        assert p.prepare_suggestions() is None
    assert main(["import", str(path), str(CORPUS / "interviews" / "R02-ottawa-cic-policy.txt"),
                 "--quiet"]) == 0
    assert "suggestions cached" not in capsys.readouterr().out
    assert _peek(path)[0] == 0


def test_a_coded_project_with_a_fitting_model_gets_the_new_excerpts_cached(tmp_path, capsys):
    path = _imported(tmp_path)
    before = _coded_with_model(path)
    capsys.readouterr()
    assert (
        main(
            [
                "import",
                str(path),
                str(CORPUS / "interviews" / "R02-ottawa-cic-policy.txt"),
                "--quiet",
            ]
        )
        == 0
    )
    with Project.open(path) as p:
        n = len(p.excerpts())
    assert n > before
    assert f"suggestions cached for {n} of {n} excerpts" in capsys.readouterr().out
    assert _peek(path) == (n, n, [])


def _in_fresh_process(path: Path) -> tuple[str, list[str]]:
    result, _, heavy = _fresh(
        f"p = Project.open({str(path)!r})\nprint(p.prepare_suggestions(), '|', {HEAVY})\n"
    ).partition(" | ")
    return result, heavy.split()


def test_nothing_to_cache_loads_no_model_library(tmp_path, capsys):
    """A second import that brings no new excerpt finds every entry valid from the card and
    the cache alone: no scikit-learn, skops or spaCy (it cost ~4 s before)."""
    path = _imported(tmp_path)
    with Project.open(path) as p:
        n = len(p.excerpts())
    result, heavy = _in_fresh_process(path)
    assert result == str({"cached": n, "excerpts": n, "left": 0}) and heavy == []


def test_many_excerpts_to_embed_are_left_to_the_coding_screen(tmp_path, capsys, monkeypatch):
    from qualtally.project import suggestions

    path = _imported(tmp_path)
    before = _coded_with_model(path)
    monkeypatch.setattr(suggestions, "PREPARE_MAX_EMBED", 3)
    capsys.readouterr()
    assert (
        main(
            [
                "import",
                str(path),
                str(CORPUS / "interviews" / "R02-ottawa-cic-policy.txt"),
                "--quiet",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    with Project.open(path) as p:
        n = len(p.excerpts())
    assert f"suggestions cached for {before} of {n} excerpts" in out
    assert f"{n - before} excerpts left to the coding screen" in out
    assert _peek(path)[0] == before


def test_a_failure_after_the_import_is_one_line_and_keeps_the_import(tmp_path, capsys, monkeypatch):
    path = tmp_path / "p.qtally"
    assert main(["new", str(path)]) == 0

    def broken(self, progress=None):
        raise KeyError("examples")

    monkeypatch.setattr(Project, "prepare_suggestions", broken)
    assert main(["import", str(path), *_files(tmp_path), "--quiet"]) == 0
    got = capsys.readouterr()
    assert "imported" in got.out and len(got.err.strip().splitlines()) == 1
    assert "suggestions not prepared (KeyError" in got.err
    with Project.open(path) as p:
        assert p.excerpts()


def test_a_codebook_over_many_uncoded_excerpts_is_left_to_the_coding_screen(
    tmp_path, capsys, monkeypatch
):
    """Nothing coded and the demo codebook imported last: every excerpt would be scored in
    the import (a cold start, or the shipped model with the static table). Above
    PREPARE_MAX_SCORE excerpts that is left to the coding screen, as embedding is; it held a
    codebook import into 1,000 transcripts (66,858 excerpts) for minutes."""
    from qualtally.project import suggestions

    path = tmp_path / "p.qtally"
    assert main(["new", str(path)]) == 0
    transcripts = [str(p) for p in sorted((CORPUS / "interviews").glob("*.txt"))[:3]]
    assert main(["import", str(path), *transcripts, "--quiet"]) == 0
    with Project.open(path) as p:
        n = len(p.excerpts())
    monkeypatch.setattr(suggestions, "PREPARE_MAX_SCORE", n - 1)
    monkeypatch.setattr(suggestions, "PREPARE_MAX_EMBED", n - 1)
    capsys.readouterr()
    assert main(["import", str(path), str(CORPUS / "codebook.yaml"), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert f"{n} excerpts left to the coding screen" in out
