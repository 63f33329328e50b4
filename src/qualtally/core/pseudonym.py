"""Pseudonyms for a shared export: who becomes R01, and how names in text are found.

Interview data leaves the team only without respondents' names. A :class:`Pseudonymiser`
is built from the respondents list (its key, and any name or contact column) and from the
speaker labels the importer saw on each respondent's turns; each of these, and a name's
short forms (first name, surname), is a *form* of that respondent. :meth:`text` replaces
every form, case-insensitively and on word boundaries, in one pass (so ``R03`` becoming
``R05`` never chains on), and :meth:`text_with_map` also returns where each replacement
went, so offsets into the text can be recomputed (``core/offset_map.py``).

Rules (what the README promises):

* a respondent's pseudonym is ``R01``, ``R02``, ... in the order respondents were first
  imported (their id), so one added later takes the next number and nobody's changes; or
  the value of a column the user names (each must be present and distinct);
* a form claimed by two respondents (two Daniels) is replaced by ``[name]``, unless one of
  them has it as their whole key, name or label;
* a speaker label that names a role (``A``, ``Respondent``, ``Speaker 2``) is no form;
* a key becomes a text form only if it has two characters or more and a letter (a key
  ``7`` must not turn every 7 in the text into a pseudonym);
* name and contact columns (``NAME_COLUMNS``) and the attributes marked identifying are
  dropped from the attributes; other attribute values keep their value with names replaced.

Standard library only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from qualtally.core.errors import InputError
from qualtally.core.models import Respondent
from qualtally.core.offset_map import OffsetMap

AMBIGUOUS = "[name]"
NAME_COLUMNS = frozenset({
    "name", "full name", "first name", "given name", "forename", "last name", "family name",
    "surname", "nickname", "preferred name", "known as", "alias", "respondent name",
    "interviewee", "interviewee name", "participant name",
})
CONTACT_COLUMNS = frozenset({
    "email", "e-mail", "email address", "e-mail address", "phone", "telephone", "mobile",
    "phone number", "address",
})
PARTICLES = frozenset({
    "van", "von", "de", "der", "den", "da", "di", "du", "des", "del", "la", "le", "el", "al",
    "bin", "ben", "st", "st.", "mc", "y", "e", "dos", "das", "ter", "ten",
})
TITLES = frozenset({
    "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "miss", "dr", "dr.", "prof", "prof.", "sir",
    "madam", "mx", "mx.",
})

ROLE_WORDS = frozenset({
    "interviewer", "q", "i", "moderator", "facilitator", "evaluator", "int",
    "respondent", "participant", "interviewee", "speaker", "a", "r",
})
"""Speaker labels that name a role, not a person (``Respondent``, ``A``, ``Speaker 2``):
``importers/attribution.py``'s interviewer and respondent roles (a test keeps them equal)."""
_ROLE_SUFFIX = re.compile(r"[\s.]*(\d+|[A-Z])?$")


def is_role(label: str) -> bool:
    words = label.split()
    if len(words) == 2 and _ROLE_SUFFIX.fullmatch(" " + words[1]):
        label = words[0]
    return " ".join(label.split()).casefold().rstrip(".") in ROLE_WORDS


def column_kind(attribute: str) -> str | None:
    """``"name"`` or ``"contact"`` for a column that names or reaches a person, else None."""
    norm = " ".join(attribute.replace("_", " ").replace("-", " ").lower().split())
    if norm in NAME_COLUMNS:  # not any "... name": an organisation's name is no person's
        return "name"
    if norm in CONTACT_COLUMNS or attribute.lower() in CONTACT_COLUMNS:
        return "contact"
    return None


def short_forms(name: str) -> list[str]:
    """A name and the shorter forms it may appear as in text: ``Peter Van Dusen`` ->
    itself, ``Peter``, ``Van Dusen``, ``Dusen``; titles and lone particles are not forms."""
    tokens = [t for t in name.split() if t.lower() not in TITLES]
    forms = [" ".join(name.split())]
    if len(tokens) > 1:
        forms += [tokens[0], " ".join(tokens[1:]), tokens[-1]]
    elif tokens:
        forms.append(tokens[0])
    return [f for f in dict.fromkeys(forms)
            if len(f) >= 2 and f.lower() not in PARTICLES and any(c.isalpha() for c in f)]


def _norm(form: str) -> str:
    return " ".join(form.split()).lower()


@dataclass
class Pseudonymiser:
    mapping: dict[str, str]
    """Respondent key -> pseudonym."""
    forms: dict[str, str] = field(default_factory=dict)
    """A form, normalised (lower case, single spaces) -> what replaces it."""
    removed: frozenset[str] = frozenset()
    """Attributes dropped from a shared export (name and contact columns, identifying ones)."""

    def __post_init__(self) -> None:
        body = _trie_pattern(self.forms)
        self._pattern = re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE) if self.forms else None

    @classmethod
    def build(
        cls,
        respondents: Iterable[Respondent],
        labels: dict[str, Iterable[str]] | None = None,
        *,
        column: str | None = None,
        identifying: Iterable[str] = (),
    ) -> Pseudonymiser:
        """``labels``: respondent key -> the speaker labels of their turns."""
        people = sorted(respondents, key=lambda r: (r.id is None, r.id or 0, r.key))
        mapping = _pseudonyms(people, column)
        claims: dict[str, dict[int, set[str]]] = {}  # form -> {0 whole, 1 short: keys}

        def claim(form: str, key: str, level: int) -> None:
            claims.setdefault(_norm(form), {}).setdefault(level, set()).add(key)

        removed = set(identifying)
        for r in people:
            if len(r.key.strip()) >= 2 and any(c.isalpha() for c in r.key):
                claim(r.key, r.key, 0)
            names = []
            for attr, value in r.attributes.items():
                kind = column_kind(attr)
                if kind is None or attr == column:
                    continue
                removed.add(attr)
                if isinstance(value, str) and value.strip():
                    names.append((value, kind))
            names += [(label, "name") for label in (labels or {}).get(r.key, ())
                      if not is_role(label)]
            for value, kind in names:
                for i, form in enumerate(short_forms(value) if kind == "name" else [value]):
                    claim(form, r.key, 0 if i == 0 else 1)
        forms = {}
        for form, levels in claims.items():
            keys = levels[min(levels)]
            forms[form] = mapping[next(iter(keys))] if len(keys) == 1 else AMBIGUOUS
        return cls(mapping, forms, frozenset(removed))

    def key(self, key: str | None) -> str | None:
        """The pseudonym of a respondent key (a key not in the list: its text, pseudonymised)."""
        if key is None:
            return None
        return self.mapping.get(key) or self.text(key)

    def text(self, text: str) -> str:
        return self.text_with_map(text)[0]

    def text_with_map(self, text: str) -> tuple[str, OffsetMap]:
        """The text with every form replaced, and where each replacement went."""
        if self._pattern is None or not text:
            return text, OffsetMap(())
        out: list[str] = []
        spans: list[tuple[int, int, int, int]] = []
        last = new_len = 0
        for m in self._pattern.finditer(text):
            out.append(text[last:m.start()])
            new_len += m.start() - last
            repl = self.forms.get(_norm(m.group()), AMBIGUOUS)
            spans.append((m.start(), m.end(), new_len, new_len + len(repl)))
            out.append(repl)
            new_len += len(repl)
            last = m.end()
        out.append(text[last:])
        return "".join(out), OffsetMap(spans)

    def attributes(self, attributes: dict[str, object]) -> dict[str, object]:
        """The attributes a shared export keeps, names in their text values replaced."""
        return {k: (self.text(v) if isinstance(v, str) else v)
                for k, v in attributes.items() if k not in self.removed}

    def deep(self, value: object) -> object:
        """Names replaced in every string of a JSON-like value (a document's or turn's meta)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.text(k) if isinstance(k, str) else k: self.deep(v)
                    for k, v in value.items()}
        if isinstance(value, list | tuple):
            return type(value)(self.deep(v) for v in value)
        return value


def _trie_pattern(forms: Iterable[str]) -> str:
    """One regular expression for all the forms, as a trie (``ann|anna|anne`` ->
    ``ann(?:[ae])?``-like), longest first: an alternation of hundreds of names would be
    tried name by name at every position (0.8 s over the demo's texts; a trie: a tenth)."""
    trie: dict = {}
    for form in forms:
        node = trie
        for unit in [" " if c == " " else c for c in form]:
            node = node.setdefault(unit, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        alts = [(r"\s+" if u == " " else re.escape(u)) + pattern(node[u])
                for u in sorted(k for k in node if k)]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return "(?:" + pattern(trie) + ")"


def _pseudonyms(people: list[Respondent], column: str | None) -> dict[str, str]:
    if column is None:
        width = max(2, len(str(len(people))))
        return {r.key: f"R{i:0{width}d}" for i, r in enumerate(people, 1)}
    if not any(column in r.attributes for r in people):
        raise InputError(column, "no respondent attribute of this name to take pseudonyms from")
    mapping: dict[str, str] = {}
    seen: dict[str, str] = {}
    for r in people:
        value = r.attributes.get(column)
        text = "" if value is None else str(value).strip()
        if not text:
            raise InputError(column, f"respondent {r.key} has no value in this pseudonym column")
        if text in seen:
            raise InputError(column, f"respondents {seen[text]} and {r.key} have the same "
                             f"pseudonym {text!r}; a pseudonym column needs distinct values")
        seen[text] = r.key
        mapping[r.key] = text
    return mapping
