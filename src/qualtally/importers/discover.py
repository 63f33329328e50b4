"""Which files an import reads, under which names, in which role.

A path given on the command line is a file (its document name is the file name) or a
folder, imported recursively (document names are paths relative to the folder, posix
style: ``interviews/R01-ottawa-hq.txt``). Hidden files and folders (``.git``,
``.DS_Store``), Office lock files (``~$x.docx``) and ``__MACOSX`` are skipped and listed.
With a ``qualtally-manifest.yaml`` in the folder, the manifest gives every file's role
(see :mod:`.manifest`); without one, a README.md/README.txt is skipped and every other
file's role follows from its extension and, for spreadsheets, its columns; a .md or .txt
that reads as a findings report (a quantifier-scale table, ``**F1.**`` finding items) is
findings, never a transcript. ``--as ROLE`` (``as_role``) gives every file named on the
command line its role instead.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

from qualtally.core.errors import InputError
from qualtally.importers.manifest import MANIFEST_NAMES, Manifest, TranscriptEntry, read_manifest

TRANSCRIPT_EXTS = (".txt", ".md", ".docx", ".vtt", ".srt")
TABLE_EXTS = (".csv", ".xlsx")
YAML_EXTS = (".yaml", ".yml")
REFI_EXTS = (".qdpx", ".qdc")
_ROLE_EXTS = {
    "transcript": TRANSCRIPT_EXTS, "respondents": TABLE_EXTS, "coded": TABLE_EXTS,
    "codebook": TABLE_EXTS + YAML_EXTS, "findings": (".md", ".txt"),
}
README_NAMES = ("readme.md", "readme.txt")


@dataclass(frozen=True)
class Job:
    path: Path
    name: str
    role: str
    """``transcript``, ``respondents``, ``codebook``, ``coded``, ``findings``, ``refi`` (a
    REFI-QDA .qdpx or .qdc) or ``auto``."""
    entry: TranscriptEntry | None = None
    interviewers: tuple[str, ...] = ()


def _hidden(part: str) -> bool:
    return part.startswith(".") or part.startswith("~$") or part == "__MACOSX"


ROLES = ("transcript", "findings", "codebook", "respondents", "coded")
_SCALE_HEADING = re.compile(r"^#{1,6}\s.*quantif.*scale|^#{1,6}\s.*scale.*quantif",
                            re.IGNORECASE | re.MULTILINE)


def looks_like_findings(text: str) -> bool:
    """A report: a quantifier-scale heading, or two finding items (``- **F1.** All ...``)."""
    from qualtally.core.claims import ID_ITEM

    if _SCALE_HEADING.search(text):
        return True
    items = 0
    for line in text.splitlines():
        m = ID_ITEM.match(line)
        if m and not m.group("text").lstrip().startswith(":"):  # ``**P1**: ...`` is a turn
            items += 1
    return items >= 2


def _sniff(path: Path) -> str:
    try:
        head = path.read_bytes()[:200_000].decode("utf-8", errors="replace")
    except OSError:
        return "transcript"  # reading it as a transcript names the problem
    return "findings" if looks_like_findings(head) else "transcript"


def auto_role(path: Path, name: str) -> str:
    ext = path.suffix.lower()
    if ext in (".md", ".txt"):
        return _sniff(path)
    if ext in TRANSCRIPT_EXTS:
        return "transcript"
    if ext in TABLE_EXTS:
        return "auto"  # decided by the columns once read
    if ext in YAML_EXTS:
        return "codebook"
    if ext in REFI_EXTS:
        return "refi"
    raise InputError(name, f"cannot tell what this file is: unsupported file type "
                     f"'{ext or '(none)'}' (qualtally imports .txt .md .docx .vtt .srt "
                     ".csv .xlsx .yaml .qdpx .qdc)")


def _walk(folder: Path, skipped: list[str]) -> list[str]:
    files: list[str] = []
    for root, dirs, names in os.walk(folder):
        rel_root = Path(root).relative_to(folder)
        for d in sorted(dirs):
            if _hidden(d):
                skipped.append((rel_root / d).as_posix() + "/")
        dirs[:] = sorted(d for d in dirs if not _hidden(d))
        for n in sorted(names):
            rel = (rel_root / n).as_posix()
            (skipped if _hidden(n) else files).append(rel)
    return files


def _folder_jobs(folder: Path, skipped: list[str]) -> list[Job]:
    label = folder.name or str(folder)
    files = _walk(folder, skipped)
    manifest_rel = next((n for n in MANIFEST_NAMES if n in files), None)
    nested = next((f for f in files if "/" in f and f.rsplit("/", 1)[1] in MANIFEST_NAMES), None)
    if nested:
        raise InputError(nested, "a manifest only works at the top of the folder you import: "
                         f"import {nested.rsplit('/', 1)[0]} on its own, or move the manifest up")
    if manifest_rel is None:
        jobs = []
        for rel in files:
            if Path(rel).name.lower() in README_NAMES:
                skipped.append(rel)
            else:
                jobs.append(Job(folder / rel, rel, auto_role(folder / rel, rel)))
        return jobs
    manifest = read_manifest(folder / manifest_rel, f"{label}/{manifest_rel}")
    return _manifest_jobs(folder, files, manifest_rel, manifest, skipped)


def _manifest_jobs(folder: Path, files: list[str], manifest_rel: str, manifest: Manifest,
                   skipped: list[str]) -> list[Job]:
    present = set(files)
    for rel in manifest.listed():
        if rel not in present:
            raise InputError(
                manifest.name, f"lists {rel!r} but there is no such file in the folder"
            )
    for entry in manifest.transcripts:
        if not any(fnmatchcase(rel, entry.file) for rel in files):
            raise InputError(manifest.name, f"transcripts pattern {entry.file!r} matches no file")
    jobs = []
    for rel in files:
        if rel == manifest_rel:
            continue
        found = manifest.role_of(rel)
        if found is None:
            raise InputError(
                rel, f"not listed in {manifest_rel} (list it under a role, or under ignore)"
            )
        role, entry = found
        if role == "ignore":
            skipped.append(rel)
            continue
        if Path(rel).suffix.lower() not in _ROLE_EXTS[role]:
            raise InputError(rel, f"listed as {role} in {manifest_rel}, but a {role} file must be "
                             + " or ".join(_ROLE_EXTS[role]))
        interviewers = manifest.interviewers + (entry.interviewers if entry else ())
        jobs.append(Job(folder / rel, rel, role, entry, interviewers))
    return jobs


def _given_role(path: Path, role: str) -> Job:
    """A file named on the command line with ``--as ROLE``."""
    if role not in ROLES:
        raise InputError(str(path), f"--as must be one of {', '.join(ROLES)}")
    if path.suffix.lower() not in _ROLE_EXTS[role]:
        raise InputError(str(path), f"given --as {role}, but a {role} file must be "
                         + " or ".join(_ROLE_EXTS[role]))
    return Job(path, path.name, role)


def discover(paths: list[Path], as_role: str | None = None) -> tuple[list[Job], list[str]]:
    """The files to read and the ones deliberately skipped; InputError if a path is missing.
    ``as_role``: the role of every file given (a folder is refused with it)."""
    jobs: list[Job] = []
    skipped: list[str] = []
    for path in paths:
        path = Path(path)
        if path.name in MANIFEST_NAMES and path.is_file():
            path = path.parent  # importing the manifest means importing its folder
        if path.is_dir() and as_role:
            raise InputError(str(path), "--as applies to files; import a folder without it")
        if path.is_dir():
            jobs.extend(_folder_jobs(path, skipped))
        elif path.is_file() and as_role:
            jobs.append(_given_role(path, as_role))
        elif path.is_file():
            jobs.append(Job(path, path.name, auto_role(path, path.name)))
        else:
            raise InputError(str(path), "no such file or folder")
    unique: list[Job] = []
    seen: dict[str, Path] = {}
    resolved: set[Path] = set()
    for job in jobs:
        real = job.path.resolve()
        if real in resolved:
            continue  # the same file given twice
        resolved.add(real)
        if job.role == "transcript" and job.name in seen:
            raise InputError(job.name, f"two transcripts would get this document name "
                             f"({seen[job.name]} and {job.path})")
        seen.setdefault(job.name, job.path)
        unique.append(job)
    return unique, skipped
