"""The façade: the only way the CLI, the TUI and the exports touch a project.

A :class:`Project` wraps one project file (or a PostgreSQL URL). It opens the store and
composes small services, each given the SQLAlchemy engine, the store and the services it
needs in its constructor: :class:`Reads` (every read), :class:`Coding` (what people
change), :class:`Analysis` (tally, audit, drill-down), :class:`Suggestions` with its
:class:`SuggestionCache` and :class:`Embeddings` (sharing one typed
:class:`SuggestState`). The methods here only hand each call to its service, so the list
below is the whole API the TUI and the CLI use; business rules live in core, storage,
importers and nlp. Methods return core objects.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from qualtally.core.agreement_report import AgreementReport
from qualtally.core.audit import ClaimCheck, Drilldown
from qualtally.core.errors import InputError
from qualtally.core.exchange import ExchangeSnapshot
from qualtally.core.models import (
    ORIGIN_HUMAN,
    Code,
    Document,
    DocumentProgress,
    Excerpt,
    Finding,
    QuantifierScale,
    Respondent,
    Suggestion,
)
from qualtally.core.reconcile import Shown
from qualtally.core.search import SearchHit
from qualtally.core.speakers import SpeakerDecisions, SpeakerLabel
from qualtally.core.tally import Tally
from qualtally.project import cache_files
from qualtally.project.agreement import Agreement
from qualtally.project.analysis import Analysis
from qualtally.project.coding import Coding, Progress
from qualtally.project.corrections import Corrections
from qualtally.project.embeddings import Embeddings
from qualtally.project.model_folder import ModelFolder, ServerModelFolder
from qualtally.project.reads import Reads
from qualtally.project.sharing import Sharing
from qualtally.project.suggest_state import SuggestState
from qualtally.project.suggestion_cache import SuggestionCache
from qualtally.project.suggestions import Suggestions
from qualtally.storage import backups
from qualtally.storage.changes import ChangeSignal
from qualtally.storage.engine import open_engine
from qualtally.storage.store import Store


class Project:
    def __init__(self, path: Path | str, *, create: bool = False) -> None:
        # a file path, or a SQLAlchemy URL (e.g. postgresql+psycopg://...) for a team server
        self.path = str(path) if "://" in str(path) else Path(path)
        self.engine = open_engine(self.path, create=create)
        """The SQLAlchemy engine (the suggestion model is ``suggest_state.suggester``)."""
        self.models = (
            ModelFolder(Path(f"{self.path}.models"))
            if isinstance(self.path, Path)
            else ServerModelFolder(self.engine)
        )
        """The model folder: beside the file, or in the database (project/model_folder.py)."""
        self.store = Store(self.engine)
        self.reads = Reads(self.engine)
        self.coding = Coding(self.engine, self.store, self.reads, backup=self.backup)
        self.corrections = Corrections(self.engine, backup=self.backup)
        self.analysis = Analysis(self.engine, self.store, self.reads)
        self.agreeing = Agreement(self.engine, self.store, self.reads, self.analysis,
                                  backup=self.backup)
        self.sharing = Sharing(self.reads, self.store)
        self.suggest_state = SuggestState()
        self.suggestion_cache = SuggestionCache(
            self.engine, self.reads, self.suggest_state, self.model_dir(), self.models.ready
        )
        self.embeddings = Embeddings(
            self.suggest_state, self.model_dir(), self.models.saved, self.models.ready
        )
        self.suggesting = Suggestions(
            self.reads,
            self.coding,
            self.suggestion_cache,
            self.embeddings,
            self.suggest_state,
            self.model_dir(),
            self.models.saved,
        )

    @classmethod
    def new(cls, path: str | Path) -> Project:
        return cls(path, create=True)

    @classmethod
    def open(cls, path: str | Path) -> Project:
        return cls(path, create=False)

    def coded_items(self, coder: str | None = None) -> tuple[list[Any], list[Any]]:
        """The project's coded excerpts as the suggester's training items (one coder's when
        given), and its codebook's profiles: what ``qualtally evaluate PROJECT`` scores."""
        from qualtally.project import training

        _, profiles, _ = training.codebook(self.reads)
        items, _, _ = training.training_data(self.reads, coder, coder)
        return [i for i in items if i.codes], profiles

    def change_signal(self) -> ChangeSignal:
        """A non-blocking check that someone committed a change (storage/changes.py); the
        caller closes it."""
        return ChangeSignal(self.engine)

    def close(self) -> None:
        self.models.close()
        self.engine.dispose()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- backup copies (storage/backups.py; files only: a server has its own tools) --------
    def backup(self, reason: str) -> Path | None:
        """Take a backup copy now (before a bulk write); None for a project on a server."""
        if not isinstance(self.path, Path):
            return None
        info = self.reads.info()
        if not any(info[k] for k in ("documents", "respondents", "codes", "findings")):
            return None  # nothing in it yet to lose
        return backups.take(self.path, reason)

    def exclude_from_training(self, coders: Iterable[str], actor: str = "system") -> None:
        """Never train the project's model on these coders' decisions (the demo's own
        coders: its newcomer's suggestions must not be learnt from what they are scored
        against)."""
        from qualtally.project.training import EXCLUDED

        self.store.set_setting(EXCLUDED, sorted(set(coders)), actor)

    def identifying(self) -> list[str]:
        """Respondent attributes a pseudonymised export leaves out."""
        return self.sharing.identifying()

    def set_identifying(self, attribute: str, on: bool, actor: str = "system") -> list[str]:
        return self.sharing.set_identifying(attribute, on, actor)

    def set_backup_keep(self, keep: int, actor: str = "system") -> None:
        if keep < 1:
            raise InputError(str(keep), "keep at least one backup copy")
        self.store.set_setting("backups.keep", keep, actor)

    @staticmethod
    def backups(path: str | Path) -> list[backups.Backup]:
        """A project file's backup copies, oldest first (the project is not opened)."""
        return backups.listing(Path(path))

    @staticmethod
    def restore(path: str | Path, name: str | None = None) -> tuple[backups.Backup, Path | None]:
        """Put a backup copy's state back into the project file (the newest copy, or the one
        ``name`` names), after copying the state it replaces; works on a damaged file too,
        so the project is not opened first. Returns (the copy restored, the copy taken)."""
        if "://" in str(path):
            raise InputError(str(path), "a project on a server is restored with the server's tools")
        path = Path(path)
        if not path.exists():
            raise InputError(str(path), "no such project")
        chosen = backups.find(path, name)
        return chosen, backups.restore(path, chosen)

    def lock_coder(self, coder: str):
        """Hold this coder's coding-screen lock until ``.release()``; InputError (one line)
        when another screen of the same coder has the project open. A file project's lock
        is ``core/coder_lock.py``'s flock, a server project's a session advisory lock."""
        if isinstance(self.path, Path):
            from qualtally.core.coder_lock import FileCoderLock

            return FileCoderLock(self.path, coder)
        from qualtally.storage.coder_lock import ServerCoderLock

        return ServerCoderLock(self.engine, self.path, coder)

    def model_dir(self) -> Path:
        """Where this project's model and card are read and saved: beside the project file,
        or a server project's private working copy of its ``model_files`` rows."""
        return self.models.path

    # -- reading (Reads) ----------------------------------------------------------------
    def info(self) -> dict[str, Any]:
        return self.reads.info()

    def respondents(self) -> list[Respondent]:
        return self.reads.respondents()

    def attribute_names(self) -> list[str]:
        return self.reads.attribute_names()

    def documents(self) -> list[Document]:
        return self.reads.documents()

    def document(self, doc_id: int) -> Document:
        return self.reads.document(doc_id)

    def excerpts(self, document_id: int | None = None) -> list[Excerpt]:
        return self.reads.excerpts(document_id)

    def excerpt(self, excerpt_id: int) -> Excerpt:
        return self.reads.excerpt(excerpt_id)

    def document_progress(self, coder: str) -> list[DocumentProgress]:
        """Each document (by name): respondents, and top-level excerpts coded by ``coder``
        (with codes or "nothing applies", directly or in a narrowed span) of all."""
        return self.reads.document_progress(coder)

    def search(self, query: str) -> list[SearchHit]:
        return self.reads.search(query)

    def codes(self) -> list[Code]:
        return self.reads.codes()

    def code_by_path(self, path: str) -> Code | None:
        return self.reads.code_by_path(path)

    def findings(self) -> list[Finding]:
        return self.reads.findings()

    def scale(self) -> QuantifierScale | None:
        return self.reads.scale()

    def codings(
        self, excerpt_ids: Iterable[int], coder: str | None = None
    ) -> dict[int, list[tuple[int, str, str]]]:
        return self.reads.codings(excerpt_ids, coder)

    def rejections(self, excerpt_id: int, coder: str | None = None) -> set[int]:
        return self.reads.rejections(excerpt_id, coder)

    def memo(self, excerpt_id: int, coder: str) -> str:
        return self.reads.memo(excerpt_id, coder)

    def memo_ids(self, excerpt_ids: Iterable[int], coder: str) -> set[int]:
        """Of ``excerpt_ids``, those ``coder`` wrote a memo on."""
        return self.reads.memo_ids(excerpt_ids, coder)

    def coders(self) -> list[str]:
        return self.reads.coders()

    def history(self, limit: int = 200) -> list[dict]:
        return self.reads.history(limit)

    def coder_state(self, coder: str) -> dict[str, Any]:
        return self.reads.coder_state(coder)

    def export_rows(self) -> list[dict[str, object]]:
        return self.reads.export_rows()

    def exchange_snapshot(self, coder: str | None = None) -> ExchangeSnapshot:
        """Everything a REFI-QDA export writes (``coder``: only that coder's work)."""
        name = self.path.stem if isinstance(self.path, Path) else self.path.rsplit("/", 1)[-1]
        return self.reads.exchange(name, coder)

    # -- changing (Coding) ----------------------------------------------------------------
    def import_paths(
        self,
        paths: list[str | Path],
        *,
        actor: str | None = None,
        unit: str = "turn",
        progress: Progress | None = None,
        decisions: SpeakerDecisions | None = None,
        as_role: str | None = None,
    ) -> dict[str, Any]:
        """Import in one transaction. Beside a respondents list, speaker labels that match
        no listed respondent raise :class:`UnmatchedSpeakers` (nothing written) unless
        ``decisions`` settle them; ``counts["speakers"]`` lists the labels that became new
        respondents."""
        return self.coding.import_paths(paths, actor=actor, unit=unit, progress=progress,
                                        decisions=decisions, as_role=as_role)

    def speaker_review(self, paths: list[str | Path], decisions: SpeakerDecisions | None = None,
                       as_role: str | None = None) -> tuple[list[SpeakerLabel], dict[str, str]]:
        """The unmatched speaker labels of an import, read without writing anything, and the
        listed respondents' names (key -> name) to choose from."""
        return self.coding.speaker_review(paths, decisions, as_role)

    # -- corrections (Corrections) -----------------------------------------------------------
    def merge_respondents(self, source: str, target: str, actor: str) -> dict[str, Any]:
        return self.corrections.merge_respondents(source, target, actor)

    def reassign_turn(self, document: str, turn_index: int, respondent: str | None,
                      actor: str) -> dict[str, Any]:
        return self.corrections.reassign_turn(document, turn_index, respondent, actor)

    def imports(self) -> list[dict[str, Any]]:
        return self.corrections.imports()

    def undo_import_plan(self, number: int | None = None) -> dict[str, Any]:
        return self.corrections.undo_import_plan(number)

    def undo_import(self, number: int | None, actor: str) -> dict[str, Any]:
        return self.corrections.undo_import(number, actor)

    def remove_preview(self, kind: str, name: str) -> dict[str, Any]:
        return self.corrections.remove_preview(kind, name)

    def remove(self, kind: str, name: str, actor: str) -> dict[str, Any]:
        """Remove a document, respondent or code with its codings (backup first, logged)."""
        return self.corrections.remove(kind, name, actor)

    def apply_code(
        self, excerpt_id: int, code_id: int, coder: str, origin: str = ORIGIN_HUMAN
    ) -> bool:
        return self.coding.apply_code(excerpt_id, code_id, coder, origin)

    def remove_code(self, excerpt_id: int, code_id: int, coder: str) -> bool:
        return self.coding.remove_code(excerpt_id, code_id, coder)

    def toggle_code(self, excerpt_id: int, code_id: int, coder: str) -> bool:
        return self.coding.toggle_code(excerpt_id, code_id, coder)

    def accept_suggestion(self, excerpt_id: int, code_path: str, coder: str) -> Code | None:
        return self.coding.accept_suggestion(excerpt_id, code_path, coder)

    def reject_suggestion(self, excerpt_id: int, code_id: int, coder: str) -> None:
        self.coding.reject_suggestion(excerpt_id, code_id, coder)

    def set_memo(self, excerpt_id: int, coder: str, text: str) -> None:
        self.coding.set_memo(excerpt_id, coder, text)

    def narrow(self, excerpt_id: int, start: int, end: int, coder: str) -> int:
        return self.coding.narrow(excerpt_id, start, end, coder)

    def undo(self, coder: str) -> str | None:
        return self.coding.undo(coder)

    def redo(self, coder: str) -> str | None:
        return self.coding.redo(coder)

    def add_code(self, code: Code, actor: str) -> int:
        return self.coding.add_code(code, actor)

    def update_code(self, code_id: int, actor: str, **fields: Any) -> None:
        self.coding.update_code(code_id, actor, **fields)

    def delete_code(self, code: int | str, actor: str, codings: str = "parent") -> dict[str, int]:
        return self.coding.delete_code(code, actor, codings)

    def merge_codes(self, source: int | str, target: int | str, actor: str) -> dict[str, int]:
        return self.coding.merge_codes(source, target, actor)

    def move_code(self, code: int | str, parent: int | str | None, actor: str) -> None:
        self.coding.move_code(code, parent, actor)

    def save_coder_state(self, coder: str, **values: Any) -> None:
        self.coding.save_coder_state(coder, **values)

    # -- counting (Analysis) --------------------------------------------------------------
    def tally(
        self, by: str | None = None, coder: str | None = None, *, exact: bool = False
    ) -> Tally:
        return self.analysis.tally(by, coder, exact=exact)

    def audit(
        self, report: str | Path | None = None, coder: str | None = None, tally: Tally | None = None
    ) -> list[ClaimCheck]:
        return self.analysis.audit(report, coder, tally)

    def drilldown(
        self,
        key: str,
        coder: str | None = None,
        group: str | None = None,
        by: str | None = None,
        tally: Tally | None = None,
    ) -> Drilldown:
        return self.analysis.drilldown(key, coder, group, by, tally)

    def set_scale(self, scale: QuantifierScale, actor: str = "system") -> None:
        self.analysis.set_scale(scale, actor)

    def set_asked(self, finding_key: str, asked: list[str], actor: str = "system") -> None:
        self.analysis.set_asked(finding_key, asked, actor)

    # -- agreement, consensus, blind mode, nothing applies (Agreement) --------------------------
    def blind(self) -> bool:
        return self.agreeing.blind()

    def set_blind(self, on: bool, actor: str) -> None:
        self.agreeing.set_blind(on, actor)

    def counted_coder(self, coder: str) -> str | None:
        return self.agreeing.counted_coder(coder)

    def mark_nothing(self, excerpt_id: int, coder: str, marked: bool = True) -> bool:
        return self.agreeing.mark_nothing(excerpt_id, coder, marked)

    def nothing_marks(self, excerpt_ids: Iterable[int], coder: str) -> set[int]:
        return self.agreeing.nothing_marks(list(excerpt_ids), coder)

    def agreement_coders(self) -> list[str]:
        return self.agreeing.coders()

    def agreement(self, coders: list[str] | None = None, unit: str = "excerpt") -> AgreementReport:
        return self.agreeing.report(coders, unit)

    def disagreements(self, code_path: str, a: str, b: str, unit: str = "excerpt") -> list[Shown]:
        return self.agreeing.disagreements(code_path, a, b, unit)

    def resolve(self, a: str, b: str, kind: str, key: object, code_id: int, choice: str,
                actor: str) -> None:
        self.agreeing.resolve(a, b, kind, key, code_id, choice, actor)

    def merge(self, sources: list[str | Path], actor: str) -> dict[str, int]:
        """Bring coders' copies of this project in (``project/merge.py``), one transaction."""
        from qualtally.project.merge import merge

        return merge(self.engine, self.path, sources, actor, backup=self.backup)

    # -- suggesting (Suggestions) -----------------------------------------------------------
    def load_suggester(self, progress: Progress | None = None, coder: str | None = None) -> None:
        self.suggesting.load_suggester(progress, coder)

    def refused_models(self) -> list[str]:
        """One line per saved model the loader refused as not what qualtally saved (changed
        since it was saved, untrusted types): the coding screen tells the coder."""
        return list(self.suggest_state.refused)

    def prepare_suggestions(self, progress: Progress | None = None) -> dict[str, int] | None:
        return self.suggesting.prepare_suggestions(progress)

    def retrain_suggester(self, coder: str | None = None, refresh: bool = True) -> None:
        self.suggesting.retrain_suggester(coder, refresh)

    def maybe_retrain(self, coder: str | None = None, refresh: bool = True) -> bool:
        return self.suggesting.maybe_retrain(coder, refresh)

    def suggestions(self, excerpt_id: int, coder: str, limit: int = 9) -> list[Suggestion]:
        return self.suggesting.suggestions(excerpt_id, coder, limit)

    def uncoded_suggestions(
        self, coder: str | None = None, limit: int = 9
    ) -> list[tuple[int, list[Suggestion]]]:
        return self.suggesting.uncoded_suggestions(coder, limit)

    def uncertainty_order(
        self, document_id: int | None = None, coder: str | None = None
    ) -> list[int]:
        return self.suggesting.uncertainty_order(document_id, coder)

    def bulk_accept_preview(
        self, code_path: str, min_score: float, coder: str
    ) -> list[tuple[int, str, float]]:
        return self.suggesting.bulk_accept_preview(code_path, min_score, coder)

    def bulk_accept(
        self, code_path: str, min_score: float, coder: str, excerpt_ids: list[int] | None = None
    ) -> int:
        self.backup("before-bulk-accept")
        return self.suggesting.bulk_accept(code_path, min_score, coder, excerpt_ids)

    def refresh_suggestion_cache(self, progress: Progress | None = None, chunk: int = 256) -> int:
        return self.suggestion_cache.refresh(progress, chunk)

    def flush_suggestion_cache(self, timeout: float = 10.0) -> None:
        self.suggestion_cache.flush(timeout)

    def export_suggestion_cache(self, path: Path) -> int:
        return cache_files.export(self.suggestion_cache, path)

    def seed_suggestion_cache(self, path: Path) -> int:
        return cache_files.seed(self.suggestion_cache, path)

    # -- exporting ----------------------------------------------------------------------------
    def export(
        self,
        out: str | Path,
        coder: str | None = None,
        progress: Progress | None = None,
        *,
        pseudonymise: bool = False,
        pseudonym_column: str | None = None,
        mapping: str | Path | None = None,
    ) -> Path:
        """Write the project to ``out``; the format follows the extension.

        ``coder`` limits the report's counts (XLSX, HTML) to one coder's codings, and a
        REFI-QDA project (.qdpx) to that coder's codings, memos and marks; the CSV always
        holds every coder's rows. A .qdc holds the codebook only. ``pseudonymise``: for
        sharing outside the team (``project/sharing.py``); respondents become R01, R02, ...
        (or ``pseudonym_column``'s values), names are replaced in every text, identifying
        attributes are left out, and the mapping is written to ``mapping`` only if given.
        """
        out = Path(out)
        suffix = out.suffix.lower()
        if pseudonymise:
            from qualtally.project.sharing import export_pseudonymised

            return export_pseudonymised(self, out, coder=coder, column=pseudonym_column,
                                        mapping=Path(mapping) if mapping else None,
                                        progress=progress)
        if pseudonym_column or mapping:
            raise InputError(str(out), "--pseudonym-column and --mapping go with --pseudonymise")
        if suffix in (".qdpx", ".qdc"):
            from qualtally.exports.refi import write_qdc, write_qdpx

            snapshot = self.exchange_snapshot(coder)
            if suffix == ".qdc":
                return write_qdc(snapshot, out)
            return write_qdpx(snapshot, out, progress=progress)
        if suffix == ".csv":
            from qualtally.exports.csv_export import write_coded_csv

            write_coded_csv(self.export_rows(), out)
            return out
        if suffix in (".xlsx", ".html"):
            return self.export_report(out, coder=coder)
        raise InputError(
            str(out),
            f"cannot export to {suffix or 'a file without extension'} "
            "(use .csv, .xlsx, .html, .qdpx or .qdc)",
        )

    def export_report(self, out: Path, coder: str | None = None) -> Path:
        """The XLSX workbook or HTML report: one tally and its audit, laid out by ``exports/``."""
        out = Path(out)
        tally = self.tally(coder=coder)
        checks = self.audit(tally=tally, coder=coder)
        if out.suffix.lower() == ".xlsx":
            from qualtally.exports.xlsx import write_xlsx

            write_xlsx(self, tally, checks, out)
        else:
            from qualtally.exports.html import write_html

            write_html(self, tally, checks, out)
        return out
