"""The speaker review of an import: which labels matched no listed respondent.

Read after :func:`qualtally.importers.load_paths`, before anything is written: every turn
whose respondent key is neither in the project nor in the import's respondents list is
reported, grouped by label, with the listed respondents it most resembles
(:func:`qualtally.core.speakers.closest`). The façade decides with it whether the import
may go on (see ``project/coding.py``).
"""

from __future__ import annotations

from qualtally.core.errors import InputError
from qualtally.core.models import ImportBundle, Respondent
from qualtally.core.speakers import SpeakerDecisions, SpeakerLabel, closest
from qualtally.importers.attribution import norm


def respondent_names(respondents: list[Respondent]) -> dict[str, str]:
    """Key -> the ``name`` attribute ("" when there is none)."""
    out = {}
    for r in respondents:
        name = next((str(v) for a, v in r.attributes.items()
                     if a.strip().casefold() == "name" and v), "")
        out[r.key] = name
    return out


def unmatched_speakers(bundle: ImportBundle, existing: list[Respondent]) -> list[SpeakerLabel]:
    """Each (label, proposed key) whose turns would make a respondent nobody listed."""
    everyone = {r.key: r for r in [*existing, *bundle.respondents]}
    names = respondent_names(list(everyone.values()))
    found: dict[tuple[str, str], tuple[str, list[str], int]] = {}
    for doc in bundle.documents:
        for turn in doc.turns:
            key = turn.respondent_key
            if key is None or key in everyone:
                continue
            label, docs, n = found.get((norm(turn.speaker), key), (turn.speaker, [], 0))
            if doc.name not in docs:
                docs.append(doc.name)
            found[(norm(turn.speaker), key)] = (label, docs, n + 1)
    return [SpeakerLabel(label, tuple(docs), n, key, _candidates(label, key, names))
            for (_, key), (label, docs, n) in found.items()]


def _candidates(label: str, key: str, names: dict[str, str]) -> tuple[str, ...]:
    """Closest to the label, then to the key it would get (``R`` in ``int03-tran.txt``
    would be ``int03``, which resembles ``P03``)."""
    both = closest(label, names) if label else ()
    return tuple(dict.fromkeys(both + closest(key, names)))[:3]


def check_decisions(bundle: ImportBundle, existing: list[Respondent],
                    decisions: SpeakerDecisions) -> None:
    """InputError when a decision names a label no transcript has or a respondent nobody
    listed (a typo there would silently do nothing, or make the very respondent avoided)."""
    keys = {r.key for r in [*existing, *bundle.respondents]}
    labels = {norm(t.speaker) for d in bundle.documents for t in d.turns}
    docs = {d.name for d in bundle.documents}
    for raw in [*decisions.mapping, *decisions.interviewers]:
        doc, sep, label = raw.rpartition(":")
        if sep and doc and doc not in docs:
            raise InputError(raw, f"no imported transcript is named {doc!r}")
        if norm(label) not in labels:
            raise InputError(raw, "no imported transcript has this speaker label")
    for raw, key in decisions.mapping.items():
        if key not in keys:
            raise InputError(raw, f"no respondent {key!r} is listed (map to a listed key)")
