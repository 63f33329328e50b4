"""The folder manifest, ``qualtally-manifest.yaml``: every file's role, stated once.

When a folder holds a manifest, the manifest decides the role of every file in it; a
file neither listed nor ignored is an error, so nothing is silently skipped or read as
the wrong thing. Example::

    respondents: respondents.csv        # one file or a list, for each of the four roles
    codebook: codebook.yaml
    findings: findings.md
    coded: coded.csv
    ignore: [README.md, drafts/*]       # glob patterns; a folder name ignores its content
    interviewers: [Interviewer, Q, Moderator]
    transcripts:
      - interviews/R02-*.txt            # a path or a glob pattern
      - file: interviews/R01-ottawa-hq.txt
        respondent: R01
      - file: interviews/FG1-focus-group.docx
        speakers: {"Marie Tremblay": R10, "Ahmed Karimi": R15, "Dan": null}  # null: interviewer
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path

from qualtally.core.errors import InputError
from qualtally.importers.decoding import read_text

MANIFEST_NAMES = ("qualtally-manifest.yaml", "qualtally-manifest.yml")
ROLES = ("respondents", "codebook", "findings", "coded")
_KEYS = {*ROLES, "ignore", "interviewers", "transcripts"}
_ENTRY_KEYS = {"file", "respondent", "speakers", "interviewers"}


@dataclass(frozen=True)
class TranscriptEntry:
    file: str
    respondent: str | None = None
    speakers: dict[str, str | None] | None = None
    """Speaker label -> respondent key; a null key marks an interviewer."""
    interviewers: tuple[str, ...] = ()


@dataclass
class Manifest:
    name: str
    roles: dict[str, list[str]] = field(default_factory=dict)
    ignore: list[str] = field(default_factory=list)
    interviewers: tuple[str, ...] = ()
    transcripts: list[TranscriptEntry] = field(default_factory=list)

    def role_of(self, rel: str) -> tuple[str, TranscriptEntry | None] | None:
        """``(role, entry)`` of the file at ``rel`` (posix, relative), ``("ignore", None)``, or
        None."""
        found = [(role, None) for role, files in self.roles.items() if rel in files]
        exact = [e for e in self.transcripts if e.file == rel]
        globbed = [e for e in self.transcripts if e.file != rel and fnmatchcase(rel, e.file)]
        if exact or globbed:
            found.append(("transcript", (exact or globbed)[0]))
        if len(found) > 1:
            raise InputError(self.name, f"{rel!r} is listed under two roles: "
                             f"{found[0][0]} and {found[1][0]}")
        if found:
            return found[0]
        if any(fnmatchcase(rel, p) or rel.startswith(p.rstrip("/") + "/") for p in self.ignore):
            return ("ignore", None)
        return None

    def listed(self) -> list[str]:
        """Every exact path the manifest names (these must exist)."""
        names = [f for files in self.roles.values() for f in files]
        return names + [e.file for e in self.transcripts if not _is_glob(e.file)]


def _is_glob(pattern: str) -> bool:
    return any(ch in pattern for ch in "*?[")


def _files(name: str, key: str, value: object) -> list[str]:
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(v, str) and v.strip() for v in items):
        raise InputError(name, f"'{key}' must be a file name or a list of file names")
    return [v.strip().replace("\\", "/").removeprefix("./") for v in items]


def _entry(name: str, item: object) -> TranscriptEntry:
    if isinstance(item, str):
        return TranscriptEntry(_files(name, "transcripts", item)[0])
    if not isinstance(item, dict) or "file" not in item:
        raise InputError(name, "each 'transcripts' entry needs a 'file'")
    unknown = set(map(str, item)) - _ENTRY_KEYS
    if unknown:
        raise InputError(name, f"transcript {item['file']!r}: unknown key {sorted(unknown)[0]!r}")
    speakers = item.get("speakers")
    if speakers is not None and not (isinstance(speakers, dict) and speakers):
        raise InputError(
            name, f"transcript {item['file']!r}: 'speakers' must map names to respondents"
        )
    respondent = item.get("respondent")
    return TranscriptEntry(
        file=_files(name, "file", item["file"])[0],
        respondent=str(respondent).strip() if respondent is not None else None,
        speakers={str(k): (None if v is None else str(v)) for k, v in speakers.items()}
        if speakers else None,
        interviewers=tuple(_files(name, "interviewers", item["interviewers"]))
        if item.get("interviewers") else (),
    )


def read_manifest(path: Path, name: str) -> Manifest:
    import yaml

    try:
        data = yaml.safe_load(read_text(path, name))
    except yaml.YAMLError as err:
        raise InputError(name, f"not valid YAML ({' '.join(str(err).split())})") from None
    if not isinstance(data, dict):
        raise InputError(name, "a manifest must be a mapping of roles to files")
    unknown = set(map(str, data)) - _KEYS
    if unknown:
        raise InputError(
            name, f"unknown key {sorted(unknown)[0]!r} (known: {', '.join(sorted(_KEYS))})"
        )
    manifest = Manifest(name)
    for role in ROLES:
        if data.get(role):
            manifest.roles[role] = _files(name, role, data[role])
    if data.get("ignore"):
        manifest.ignore = _files(name, "ignore", data["ignore"])
    if data.get("interviewers"):
        manifest.interviewers = tuple(_files(name, "interviewers", data["interviewers"]))
    entries = data.get("transcripts") or []
    if not isinstance(entries, list):
        raise InputError(name, "'transcripts' must be a list")
    manifest.transcripts = [_entry(name, item) for item in entries]
    return manifest
