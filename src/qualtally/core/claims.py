"""Quantifier claims in report text: "all respondents", "most interviewees", "some concerns".

The audit needs to know what a report *claims* before it can compare that with the
tally. This module reads plain text or Markdown with a small, explicit vocabulary and
links every claim to the finding it belongs to (by the finding's id, or by word overlap
with the stored statements when the report is free text). Standard library only.

Two kinds of claim are read:

* explicit: a quantifier followed by a respondent noun, optionally through "of the"
  and a named respondent group ("most of the CIC headquarters respondents");
* implicit: a sentence that *opens* with a quantifier ("Some concerns exist ...").

A quantifier anywhere else ("there are few alternatives") is not a claim about
respondents, and a statement without one ("there is a perceived need") makes no claim.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

VOCABULARY: tuple[tuple[str, str], ...] = (
    # (phrase regex, scale label) -- longest phrases first
    (
        r"almost all|nearly all|virtually all|almost every|nearly every|(?:the|a) vast majority of",
        "almost all",
    ),
    (r"all|every|each", "all"),
    (r"most|(?:the|a) majority of|majority of", "most"),
    (r"many", "many"),
    (r"several|some", "some"),
    (r"a few|few|a handful of|a small number of", "a few"),
    (r"none|no", "none"),
)
RESPONDENT_NOUNS = (
    r"respondents?|interviewees?|informants?|participants?|stakeholders?|people interviewed"
    r"|those (?:interviewed|consulted)|persons? interviewed|individuals interviewed|of them"
)
ID_ITEM = re.compile(r"^\s*(?:[-*+•]\s*)?\*\*(?P<key>[A-Za-z]+\d+)\.?\*\*\.?\s*(?P<text>.+)$")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“‘(])")
WORD = re.compile(r"[a-z][a-z'-]+")
STOP = frozenset(
    "the a an of to and or in on for with by as at that this is are was were be been it its "
    "from which who their there they has have had not but also such more than into said "
    "all almost nearly most many some several few none each every majority respondents "
    "respondent interviewees interviewee informants participants stakeholders".split()
)


@dataclass(frozen=True)
class Claim:
    """One quantifier claim: the words as written and the scale label they map to."""

    phrase: str
    label: str
    sentence: str
    explicit: bool
    group: str | None = None
    offset: int = 0
    """Where the phrase starts in the whitespace-normalised text (to find the claim's line)."""


@dataclass(frozen=True)
class Passage:
    """A piece of a report that may carry claims, with the finding it belongs to (if known)."""

    text: str
    line: int
    finding_key: str | None = None
    breaks: tuple[int, ...] = ()
    """Offsets in the whitespace-normalised text where the passage's 2nd, 3rd... line begin."""

    def line_at(self, offset: int) -> int:
        """The report line holding the character at ``offset`` of the normalised text."""
        return self.line + bisect_right(self.breaks, offset)


def _quantifier_regex(labels: tuple[str, ...]) -> list[tuple[re.Pattern, str]]:
    extra = [(re.escape(l), l) for l in sorted(labels, key=len, reverse=True)
             if l.lower() not in {v for _, v in VOCABULARY}]
    return [(re.compile(p, re.I), lab) for p, lab in extra] + [
        (re.compile(p, re.I), lab) for p, lab in VOCABULARY
    ]


def parse_claims(
    text: str, labels: tuple[str, ...] = (), groups: tuple[str, ...] = ()
) -> list[Claim]:
    """All quantifier claims about respondents in ``text``, in reading order."""
    quants = _quantifier_regex(tuple(labels))
    qalt = "|".join(f"(?:{q.pattern})" for q, _ in quants)
    galt = "|".join(re.escape(g) for g in sorted(groups, key=len, reverse=True) if g)
    group_part = rf"(?:(?P<group>{galt})\s+)?" if galt else ""
    explicit = re.compile(
        rf"(?<![\w-])(?<!not )(?<!how )(?P<q>{qalt})\s+(?:of\s+(?:the|those|these)\s+)?{group_part}"
        rf"(?:(?:[\w-]+\s+){{0,2}}?)(?P<noun>{RESPONDENT_NOUNS})\b"
        + (
            rf"|(?<![\w-])(?<!not )(?<!how )(?P<q2>{qalt})\s+"
            rf"(?:of\s+(?:the|those|these)\s+)?(?P<group2>{galt})\b"
            if galt
            else ""
        ),
        re.I,
    )
    opening = re.compile(rf"^\W*(?P<q>{qalt})\s+(?!of\s+(?:this|that|these|which)\b)[a-z]", re.I)
    out: list[Claim] = []
    flat, cursor = " ".join(text.split()), 0
    for sentence in split_sentences(text):
        at = flat.find(sentence, cursor)
        at = cursor if at < 0 else at
        cursor = at + len(sentence)
        found = False
        for m in explicit.finditer(sentence):
            q = m.group("q") or m.group("q2")
            group = m.groupdict().get("group") or m.groupdict().get("group2")
            out.append(
                Claim(m.group(0).strip(), _label(q, quants), sentence, True, _canon(group, groups),
                      at + m.start())
            )
            found = True
        if not found:
            m = opening.match(sentence)
            if m and m.group("q").lower() not in ("each", "every", "no"):
                words = sentence[m.start("q"):].split()
                out.append(
                    Claim(
                        " ".join(words[:3]).rstrip(",;:."),
                        _label(m.group("q"), quants),
                        sentence,
                        False,
                        offset=at + m.start("q"),
                    )
                )
    return out


def _label(q: str, quants: list[tuple[re.Pattern, str]]) -> str:
    for pattern, label in quants:
        if pattern.fullmatch(q.strip()):
            return label
    return q.lower()


def _canon(group: str | None, groups: tuple[str, ...]) -> str | None:
    if not group:
        return None
    return next((g for g in groups if g.lower() == group.lower()), group)


def split_sentences(text: str) -> list[str]:
    text = " ".join(text.split())
    return [s for s in SENTENCE_END.split(text) if s.strip()]


def passages(report: str) -> list[Passage]:
    """Split a Markdown or plain-text report into passages that may carry claims.

    ``- **R1.** ...`` items carry their finding id; headings, tables and block quotes are
    skipped, and so is the quantifier-scale section (it defines the words: "shares are
    divided by all 24 respondents" claims nothing); other paragraphs and bullet items become
    passages without an id.
    """
    out: list[Passage] = []
    buf: list[str] = []
    start = 0

    def flush() -> None:
        if buf:
            lines = [" ".join(b.split()) for b in buf]
            breaks, at = [], 0
            for prev in lines[:-1]:
                at += len(prev) + 1
                breaks.append(at)
            out.append(Passage(" ".join(lines), start, breaks=tuple(breaks)))
            buf.clear()

    in_scale = False
    for no, raw in enumerate(report.splitlines(), 1):
        line = raw.strip()
        if line.startswith("#"):
            title = line.lstrip("#").lower()
            in_scale = "quantif" in title and "scale" in title
        if in_scale:
            flush()
            continue
        m = ID_ITEM.match(line)
        if (
            not line
            or line.startswith(("#", "|", ">"))
            or m
            or re.match(r"^([-*+•]|\d+[.)])\s", line)
        ):
            flush()
            if m:
                out.append(Passage(m.group("text").strip(), no, m.group("key")))
            elif line and not line.startswith(("#", "|", ">")):
                out.append(Passage(re.sub(r"^([-*+•]|\d+[.)])\s+", "", line), no))
            continue
        if not buf:
            start = no
        buf.append(line)
    flush()
    return out


def content_words(text: str) -> set[str]:
    """The words of ``text`` that say what it is about (lower case, stop words left out)."""
    return _words(text)


def _words(text: str) -> set[str]:
    return {w for w in WORD.findall(text.lower()) if w not in STOP}


def link(passage_text: str, statements: dict[str, str], threshold: float = 0.25) -> str | None:
    """The finding whose statement shares the most content words with the passage, if close
    enough."""
    words = _words(passage_text)
    best, best_score = None, 0.0
    for key, statement in statements.items():
        other = _words(statement)
        if not words or not other:
            continue
        shared = len(words & other)
        score = shared / min(len(words), len(other)) if shared >= 2 else 0.0
        if score > best_score:
            best, best_score = key, score
    return best if best_score >= threshold else None


def primary_claim(
    statement: str, labels: tuple[str, ...] = (), groups: tuple[str, ...] = ()
) -> Claim | None:
    """The claim that stands for a whole finding: its first explicit one, else its first implicit
    one."""
    claims = parse_claims(statement, labels, groups)
    return next((c for c in claims if c.explicit), claims[0] if claims else None)
