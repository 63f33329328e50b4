"""Where a project's model folder lives: beside the file, or, for a server project, in the
database with a private working copy.

The suggester code (``nlp/persist.py``, ``Embeddings``) reads and writes a folder of files.
For a project file that folder is ``NAME.qtally.models``. For a project on a server it is a
private temporary folder (never the user's working folder), filled from the database's
``model_files`` rows the first time it is read (``storage/model_store.py``: a model whose
card does not vouch for it is not filled in) and written back, changed files only and one save
in one transaction, each time a model or the embeddings are saved; it is removed when the
project closes. So the database holds the state and every coder's machine loads the same
model.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import threading
from pathlib import Path

from sqlalchemy.engine import Engine

from qualtally.storage import model_store


class ModelFolder:
    """A project file's model folder: nothing to copy anywhere."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.refused: dict[str, str] = {}

    def ready(self) -> None:
        """Called before the folder is read (the loader, the saved embeddings)."""

    def saved(self) -> None:
        """Called after something was saved into the folder."""

    def close(self) -> None:
        """Called when the project closes."""


class ServerModelFolder(ModelFolder):
    """A server project's model folder: rows in the database, worked on in a temp folder."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(Path(tempfile.mkdtemp(prefix="qualtally-models-")))
        self.engine = engine
        self._lock = threading.Lock()
        self._known: dict[tuple[str, str], str] = {}
        self._pulled = False

    def _pull(self) -> None:
        """Fill the folder from the database once (a command that never suggests never
        reads the rows, which hold the embeddings: megabytes). A file saved here first is
        kept: it is newer than the row."""
        if self._pulled:
            return
        self._pulled = True
        folders, self.refused = model_store.load(self.engine)
        for folder, files in folders.items():
            where = self.path / folder
            where.mkdir(parents=True, exist_ok=True)
            for name, data in files.items():
                if not (where / name).exists():
                    (where / name).write_bytes(data)
                    self._known[(folder, name)] = model_store.sha256(data)

    def ready(self) -> None:
        with self._lock:
            self._pull()

    def _changed(self) -> dict[tuple[str, str], bytes]:
        out = {}
        for file in self.path.rglob("*"):
            if not file.is_file() or file.name.startswith("."):  # a save's temporary files
                continue
            data = file.read_bytes()
            rel = file.parent.relative_to(self.path).as_posix()
            key = ("" if rel == "." else rel, file.name)
            if self._known.get(key) != hashlib.sha256(data).hexdigest():
                out[key] = data
        return out

    def saved(self) -> None:
        with self._lock:
            self._pull()
            changed = self._changed()
            model_store.save(self.engine, changed)
            self._known.update({k: model_store.sha256(v) for k, v in changed.items()})

    def close(self) -> None:
        with self._lock:
            shutil.rmtree(self.path, ignore_errors=True)
