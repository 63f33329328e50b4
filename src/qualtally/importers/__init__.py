"""Importers: bytes in, core objects out; one module per format.

:func:`load_paths` reads every given file or folder into one :class:`ImportBundle`
*before* anything is written: any bad input raises :class:`InputError` naming the file
and the problem, and the store then writes the whole bundle in one transaction, so an
import either happens completely or not at all.

Which file is what (see :mod:`.discover` and :mod:`.manifest`):

* With a ``qualtally-manifest.yaml`` in an imported folder, the manifest decides every
  file's role; a file neither listed nor ignored is an error.
* Without one, a folder's README.md / README.txt is skipped (and reported), and every
  other file goes by extension: .txt .md .docx .vtt .srt are transcripts; .yaml/.yml is
  a codebook; a .csv/.xlsx with ``text`` and ``codes`` columns is coded excerpts, with
  ``respondent`` (and no ``text``) a respondent list, with ``path`` or ``name`` + ``parent``
  a codebook; .qdpx and .qdc are REFI-QDA projects and codebooks (:mod:`.refi`). Anything
  else is an error saying its role cannot be determined.

Respondents are read before transcripts, so speaker labels can match their keys/names.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from qualtally.core.errors import InputError
from qualtally.core.models import ImportBundle, Respondent
from qualtally.core.speakers import SpeakerDecisions
from qualtally.importers.attribution import Attribution, file_respondents, known_respondents
from qualtally.importers.discover import Job, discover

Progress = Callable[[str, int, int], None]
_ORDER = {"respondents": 0, "auto": 1, "codebook": 2, "findings": 3, "coded": 4, "transcript": 5,
          "refi": 6}


def table_role(columns: set[str]) -> str | None:
    """The role of a spreadsheet from its (lower-cased) columns, or None."""
    if "text" in columns or "codes" in columns:
        return "coded"  # with one of the two missing, reading it names the missing column
    if "respondent" in columns and "text" not in columns:
        return "respondents"
    if "path" in columns or {"name", "parent"} <= columns:
        return "codebook"
    return None


def _read_table_job(job: Job, bundle: ImportBundle) -> None:
    from qualtally.importers.codebook import read_codebook_table
    from qualtally.importers.coded import read_coded
    from qualtally.importers.respondents import read_respondents
    from qualtally.importers.tables import read_table

    table = read_table(job.path, job.name)
    role = job.role if job.role != "auto" else table_role(table.columns)
    if role is None:
        raise InputError(job.name, "cannot tell what this table is: coded excerpts need columns "
                         "'respondent', 'text', 'codes'; respondents 'respondent'; a codebook "
                         "'path' (or 'name' and 'parent')")
    if role == "respondents":
        have = {r.key: r for r in bundle.respondents}
        respondents, types = read_respondents(table)
        for col, kind in types.items():
            if bundle.attribute_types.get(col, kind) != kind:
                raise InputError(job.name, f"attribute {col!r} is {kind} here but "
                                 f"{bundle.attribute_types[col]} in another imported file")
            bundle.attribute_types[col] = kind
        for r in respondents:
            if r.key in have:
                raise InputError(job.name, f"respondent {r.key!r} is also in another imported file")
            bundle.respondents.append(r)
    elif role == "codebook":
        _add_codes(bundle, read_codebook_table(table), job.name)
    else:
        if bundle.coded_source:
            raise InputError(job.name, f"only one coded-excerpts file per import "
                             f"(already reading {bundle.coded_source})")
        bundle.coded = read_coded(table)
        bundle.coded_source = str(job.path)


def _add_codes(bundle: ImportBundle, codes, name: str) -> None:
    have = {c.path for c in bundle.codes}
    for code in codes:
        if code.path in have:
            raise InputError(name, f"code {code.path!r} is also in another imported codebook")
        bundle.codes.append(code)


def _read_refi(job: Job, bundle: ImportBundle, known: dict[str, str],
               progress: Progress | None) -> None:
    """A .qdpx or .qdc read into the bundle (one REFI-QDA project per import, and not beside
    a coded-excerpts table: both would place codings)."""
    from qualtally.importers.refi import read_refi

    part = read_refi(job.path, job.name, known, progress)
    if part.coded or part.memos:
        if bundle.coded_source:
            raise InputError(job.name, f"only one file with codings per import "
                             f"(already reading {bundle.coded_source})")
        bundle.coded, bundle.memos, bundle.coded_source = part.coded, part.memos, job.name
    have = {r.key for r in bundle.respondents}
    for r in part.respondents:
        if r.key in have:
            raise InputError(job.name, f"respondent {r.key!r} is also in another imported file")
        bundle.respondents.append(r)
    for col, kind in part.attribute_types.items():
        if bundle.attribute_types.get(col, kind) != kind:
            raise InputError(job.name, f"attribute {col!r} is {kind} here but "
                             f"{bundle.attribute_types[col]} in another imported file")
        bundle.attribute_types[col] = kind
    _add_codes(bundle, part.codes, job.name)
    if part.findings or part.scale:
        if bundle.findings or bundle.scale:
            raise InputError(job.name, "only one file with findings per import")
        bundle.findings, bundle.scale = part.findings, part.scale
    names = {d.name for d in bundle.documents}
    for doc in part.documents:
        if doc.name in names:
            raise InputError(job.name, f"two documents would be named {doc.name!r}")
        bundle.documents.append(doc)
    bundle.skipped.extend(part.skipped)
    bundle.notes.extend(part.notes)


def _file_key(name: str, files: dict[str, str]) -> str | None:
    from pathlib import PurePosixPath

    base = PurePosixPath(name).name.casefold()
    return files.get(name.casefold()) or files.get(base) or files.get(PurePosixPath(base).stem)


def _read_job(job: Job, bundle: ImportBundle, known: dict[str, str],
              progress: Progress | None = None, decisions: SpeakerDecisions | None = None,
              files: dict[str, str] | None = None) -> None:
    ext = job.path.suffix.lower()
    if job.role == "transcript":
        from qualtally.importers.captions import read_captions
        from qualtally.importers.transcripts import read_docx, read_txt

        entry = job.entry
        who = Attribution(job.name, frozenset(job.interviewers),
                          entry.speakers if entry else None, entry.respondent if entry else None,
                          known, decided=decisions.for_document(job.name) if decisions else {},
                          file_key=_file_key(job.name, files or {}))
        reader = (
            read_docx if ext == ".docx" else read_captions if ext in (".vtt", ".srt") else read_txt
        )
        bundle.documents.append(reader(job.path, job.name, who))
    elif job.role == "findings":
        from qualtally.importers.findings_md import read_findings

        if bundle.findings:
            raise InputError(job.name, "only one findings file per import")
        bundle.findings, bundle.scale = read_findings(job.path)
        if not bundle.findings and bundle.scale is None:
            raise InputError(job.name, "read as a findings report, but it holds no finding "
                             "items (- **F1.** ...) and no quantifier scale")
    elif job.role == "refi":
        _read_refi(job, bundle, known, progress)
    elif job.role == "codebook" and ext in (".yaml", ".yml"):
        from qualtally.importers.codebook import read_codebook_yaml

        _add_codes(bundle, read_codebook_yaml(job.path, job.name), job.name)
    else:
        _read_table_job(job, bundle)


def load_paths(paths: list[Path], progress: Progress | None = None,
               existing: list[Respondent] | None = None,
               decisions: SpeakerDecisions | None = None,
               as_role: str | None = None) -> ImportBundle:
    """Read files and folders into one bundle; InputError (naming the file) on bad input.

    ``existing``: respondents already in the project, so that a transcript imported later
    attributes a label such as ``R07`` or a respondent's name to that respondent (rule 4 of
    :mod:`qualtally.importers.attribution`); respondents in this import take precedence.
    ``decisions``: the speaker review's answers (rule 0 there). ``as_role``: the role of
    every file given by name (``findings``, ``transcript``...), instead of guessing it.
    """
    if not paths:
        raise InputError("import", "no files or folders given")
    jobs, skipped = discover([Path(p) for p in paths], as_role)
    bundle = ImportBundle(source=", ".join(str(p) for p in paths), skipped=skipped)
    jobs.sort(key=lambda j: _ORDER[j.role])  # stable: respondents first, transcripts last
    known: dict[str, str] | None = None
    files: dict[str, str] = {}
    for done, job in enumerate(jobs, start=1):
        if job.role in ("transcript", "refi") and known is None:
            everyone = list({r.key: r for r in [*(existing or []), *bundle.respondents]}.values())
            known = known_respondents(everyone)
            files = file_respondents(everyone)
        _read_job(job, bundle, known or {}, progress, decisions, files)
        if progress is not None:
            progress("reading files", done, len(jobs))
    return bundle
