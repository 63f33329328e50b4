"""The façade: the only way the CLI, the TUI and the exports touch a project.

A :class:`Project` wraps one project file. Every business rule lives below it (core,
storage, importers, nlp); this class only composes them, so the TUI and the CLI cannot
drift apart. Methods return core objects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from qualtally.core.errors import InputError
from qualtally.facade_analysis import AnalysisMixin
from qualtally.facade_suggest import SuggestionsMixin
from qualtally.core.models import ORIGIN_HUMAN, Code, Document, Excerpt, Finding, QuantifierScale, Respondent, default_coder
from qualtally.storage import coder_state, history, queries
from qualtally.storage.engine import open_engine
from qualtally.storage.store import Store

Progress = Callable[[str, int, int], None]
"""``progress(label, done, total)``; long operations call it as they go."""


class Project(SuggestionsMixin, AnalysisMixin):
    def __init__(self, path: Path | str, *, create: bool = False) -> None:
        # a file path, or a SQLAlchemy URL (e.g. postgresql+psycopg://...) for a team server
        self.path = str(path) if "://" in str(path) else Path(path)
        self.engine = open_engine(self.path, create=create)
        self.store = Store(self.engine)

    @classmethod
    def new(cls, path: str | Path) -> "Project":
        return cls(path, create=True)

    @classmethod
    def open(cls, path: str | Path) -> "Project":
        return cls(path, create=False)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Project":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading ------------------------------------------------------------------------
    def _read(self, fn, *args, **kwargs):
        with self.engine.connect() as conn:
            return fn(conn, *args, **kwargs)

    def info(self) -> dict[str, Any]:
        data = self._read(queries.counts)
        data["coder_names"] = self._read(queries.coders)
        return data

    def respondents(self) -> list[Respondent]:
        return self._read(queries.respondents)

    def documents(self) -> list[Document]:
        return self._read(queries.documents)

    def document(self, doc_id: int) -> Document:
        return self._read(queries.document, doc_id)

    def excerpts(self, document_id: int | None = None) -> list[Excerpt]:
        return self._read(queries.excerpts, document_id)

    def excerpt(self, excerpt_id: int) -> Excerpt:
        return self._read(queries.excerpt, excerpt_id)

    def codes(self) -> list[Code]:
        return self._read(queries.codes)

    def findings(self) -> list[Finding]:
        return self._read(queries.findings)

    def scale(self) -> QuantifierScale | None:
        return self._read(queries.scale)

    def codings(self, excerpt_ids: Iterable[int], coder: str | None = None) -> dict[int, list[tuple[int, str, str]]]:
        return self._read(queries.codings_for, list(excerpt_ids), coder)

    def rejections(self, excerpt_id: int, coder: str | None = None) -> set[int]:
        return self._read(queries.rejections, excerpt_id, coder)

    def memo(self, excerpt_id: int, coder: str) -> str:
        return self._read(queries.memo, excerpt_id, coder)

    def coders(self) -> list[str]:
        return self._read(queries.coders)

    def history(self, limit: int = 200) -> list[dict]:
        return self._read(queries.history, limit)

    # -- where a coder left off -----------------------------------------------------------
    def coder_state(self, coder: str) -> dict[str, Any]:
        """The coder's saved place (``screen``, ``document``, ``excerpt``, ``order``, ``filter``)."""
        return self._read(coder_state.read, coder)

    def save_coder_state(self, coder: str, **values: Any) -> None:
        """Save some of the coder's place at once (one small transaction, no event logged)."""
        coder_state.write(self.engine, coder, values)

    # -- importing ------------------------------------------------------------------------
    def import_paths(self, paths: list[str | Path], *, actor: str | None = None, unit: str = "turn",
                     progress: Progress | None = None) -> dict[str, Any]:
        """Import files or folders in one transaction; InputError (and nothing written) if bad."""
        from qualtally.importers import load_paths

        if unit not in ("turn", "sentence"):
            raise InputError(unit, "unit must be 'turn' or 'sentence'")
        bundle = load_paths([Path(p) for p in paths], progress=progress, existing=self.respondents())
        bundle.unit = unit
        if unit == "sentence" and bundle.documents:
            from qualtally.nlp.segment import sentence_spans

            bundle.sentences = sentence_spans(bundle.documents, progress=progress)
        counts = self.store.import_bundle(bundle, actor or default_coder())
        return {**counts, "skipped": list(bundle.skipped)}

    # -- coding -------------------------------------------------------------------------------
    def apply_code(self, excerpt_id: int, code_id: int, coder: str, origin: str = ORIGIN_HUMAN) -> bool:
        return self.store.apply_code(excerpt_id, code_id, coder, origin)

    def remove_code(self, excerpt_id: int, code_id: int, coder: str) -> bool:
        return self.store.remove_code(excerpt_id, code_id, coder)

    def toggle_code(self, excerpt_id: int, code_id: int, coder: str) -> bool:
        """Apply the code if this coder lacks it on the excerpt, else remove it; True if now applied."""
        if self.store.apply_code(excerpt_id, code_id, coder):
            return True
        self.store.remove_code(excerpt_id, code_id, coder)
        return False

    def reject_suggestion(self, excerpt_id: int, code_id: int, coder: str) -> None:
        self.store.reject_suggestion(excerpt_id, code_id, coder)

    def set_memo(self, excerpt_id: int, coder: str, text: str) -> None:
        self.store.set_memo(excerpt_id, coder, text)

    def narrow(self, excerpt_id: int, start: int, end: int, coder: str) -> int:
        return self.store.narrow_excerpt(excerpt_id, start, end, coder)

    def undo(self, coder: str) -> str | None:
        return history.step(self.engine, coder, redo=False)

    def redo(self, coder: str) -> str | None:
        return history.step(self.engine, coder, redo=True)

    # -- codebook ---------------------------------------------------------------------------
    def add_code(self, code: Code, actor: str) -> int:
        return self.store.add_code(code, actor)

    def update_code(self, code_id: int, actor: str, **fields: Any) -> None:
        self.store.update_code(code_id, actor, **fields)

    def code_by_path(self, path: str) -> Code | None:
        return next((c for c in self.codes() if c.path == path), None)

    # -- exporting ----------------------------------------------------------------------------
    def export_rows(self) -> list[dict[str, object]]:
        return self._read(queries.export_rows)

    def export(self, out: str | Path, coder: str | None = None) -> Path:
        """Write the project to ``out``; the format follows the extension.

        ``coder`` limits the report's counts (XLSX, HTML) to one coder's codings; the CSV
        always holds every coder's rows.
        """
        out = Path(out)
        suffix = out.suffix.lower()
        if suffix == ".csv":
            from qualtally.exports.csv_export import write_coded_csv

            write_coded_csv(self.export_rows(), out)
            return out
        if suffix in (".xlsx", ".html"):
            return self.export_report(out, coder=coder)
        raise InputError(str(out), f"cannot export to {suffix or 'a file without extension'} (use .csv, .xlsx or .html)")
