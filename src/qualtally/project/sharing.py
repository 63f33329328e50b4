"""Sharing outside the team: attributes marked identifying, and the pseudonymised export.

``Sharing`` keeps the list of identifying attributes in the ``settings`` table (key
``export.identifying``; each change a ``setting.set`` event naming who and when) and
builds the :class:`~qualtally.core.pseudonym.Pseudonymiser` of a project: its
respondents, and the speaker labels the importer saw on each respondent's turns.
:func:`export_pseudonymised` hands each export writer the pseudonymised view
(``core/pseudonym_views.py``): the writers are the ordinary ones and never see a name.
The mapping from respondents to pseudonyms is written only to the file the user names.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qualtally.core import pseudonym_views as views
from qualtally.core.errors import InputError
from qualtally.core.location import is_url
from qualtally.core.models import Document
from qualtally.core.pseudonym import Pseudonymiser
from qualtally.project.reads import Reads
from qualtally.storage.store import Store

IDENTIFYING = "export.identifying"


class Sharing:
    def __init__(self, reads: Reads, store: Store) -> None:
        self.reads = reads
        self.store = store

    def identifying(self) -> list[str]:
        return list(self.reads.setting(IDENTIFYING) or [])

    def set_identifying(self, attribute: str, on: bool, actor: str) -> list[str]:
        """Mark (or unmark) a respondent attribute as identifying: a pseudonymised export
        leaves it out. Returns the attributes marked now."""
        marked = self.identifying()
        if on and attribute not in marked:
            names = sorted({k for r in self.reads.respondents() for k in r.attributes})
            if attribute not in names:
                raise InputError(attribute, "no respondent attribute of this name (attributes: "
                                 f"{', '.join(names) or 'none yet'})")
            marked = sorted([*marked, attribute])
        elif not on and attribute in marked:
            marked = [a for a in marked if a != attribute]
        else:
            return marked  # nothing changes: no event
        self.store.set_setting(IDENTIFYING, marked, actor)
        return marked

    def pseudonymiser(self, documents: list[Document], column: str | None = None) -> Pseudonymiser:
        labels: dict[str, dict[str, None]] = {}
        for d in documents:
            for turn in d.turns:
                if turn.respondent_key:
                    labels.setdefault(turn.respondent_key, {})[turn.speaker] = None
        return Pseudonymiser.build(self.reads.respondents(), labels, column=column,
                                   identifying=self.identifying())


class SharedView:
    """What the XLSX and HTML writers ask a project for, pseudonymised."""

    def __init__(self, project, p: Pseudonymiser, documents: list[Document]) -> None:
        self.project, self.p, self.docs = project, p, documents
        path = project.path
        self.path = path if is_url(path) else Path(path).with_name(p.text(Path(path).name))
        self._real: dict[int, tuple[Any, Any]] = {}  # id -> (pseudonymised tally, the project's)

    def respondents(self):
        return views.respondents(self.project.respondents(), self.p)

    def coders(self) -> list[str]:
        return self.project.coders()

    def export_rows(self) -> list[dict[str, object]]:
        return views.rows(self.project.export_rows(), self.docs, self.p)

    def tally(self, by: str | None = None, coder: str | None = None):
        real = self.project.tally(by=by, coder=coder)
        shown = views.tally(real, self.p)
        self._real[id(shown)] = (shown, real)  # the pair keeps the id from being reused
        return shown

    def audit(self, tally, coder: str | None = None):
        real = self._real[id(tally)][1]
        return views.checks(self.project.audit(tally=real, coder=coder), self.p)

    def drilldown(self, key: str, coder: str | None = None, tally=None):
        real = self._real[id(tally)][1] if id(tally) in self._real else None
        return views.drilldown(self.project.drilldown(key, coder=coder, tally=real), self.p)


def export_pseudonymised(project, out: Path, *, coder: str | None = None,
                         column: str | None = None, mapping: Path | None = None,
                         progress=None) -> Path:
    suffix = out.suffix.lower()
    if mapping is not None and Path(mapping).suffix.lower() != ".csv":
        raise InputError(str(mapping), "the mapping file is a CSV: give it a .csv name")
    if mapping is not None and Path(mapping).resolve() == out.resolve():
        raise InputError(str(mapping), "the mapping file must not be the export itself")
    snap = project.exchange_snapshot(coder if suffix == ".qdpx" else None)
    p = project.sharing.pseudonymiser(snap.documents, column)
    if suffix in (".qdpx", ".qdc"):
        from qualtally.exports.refi import write_qdc, write_qdpx

        shared = views.snapshot(snap, p)
        if suffix == ".qdc":
            write_qdc(shared, out)
        else:
            write_qdpx(shared, out, progress=progress)
    elif suffix == ".csv":
        from qualtally.exports.csv_export import write_coded_csv

        write_coded_csv(views.rows(project.export_rows(), snap.documents, p), out)
    elif suffix in (".xlsx", ".html"):
        view = SharedView(project, p, snap.documents)
        tally = view.tally(coder=coder)
        checks = view.audit(tally, coder=coder)
        if suffix == ".xlsx":
            from qualtally.exports.xlsx import write_xlsx

            write_xlsx(view, tally, checks, out)
        else:
            from qualtally.exports.html import write_html

            write_html(view, tally, checks, out)
    else:
        raise InputError(str(out), f"cannot export to {suffix or 'a file without extension'} "
                         "(use .csv, .xlsx, .html, .qdpx or .qdc)")
    if mapping is not None:
        from qualtally.exports.mapping import write_mapping

        write_mapping(p.mapping, Path(mapping))
    return out
