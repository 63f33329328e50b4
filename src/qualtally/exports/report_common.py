"""What the XLSX workbook and the HTML report share: the split attribute, wording, atomic writes.

Both exports must show the very numbers ``qualtally tally`` prints, so both take a
:class:`~qualtally.core.tally.Tally` computed once by the façade and only lay it out.
"""

from __future__ import annotations

from qualtally.core.tally import MISSING, respondent_group
from qualtally.exports.atomic import write_atomically  # noqa: F401 - the reports' writer

COUNT_RULE = (
    "A respondent supports a code or finding when at least one excerpt attributed to them "
    "(per speaker turn) carries that code, one of its sub-codes, or a code linked to the finding, "
    "applied by a person (coded by hand or an accepted suggestion). Each respondent counts once "
    "however many excerpts or documents they appear in. N is the respondents interviewed "
    "(everyone with an excerpt), or those asked about the topic where the finding says so. "
    "Shares are floored to two decimals before the scale's label is read."
)

NAME_LIKE = {"name", "label", "full name", "respondent", "key", "email"}


def report_attribute(attributes: dict[str, dict[str, object]]) -> str | None:
    """The attribute to split findings by: ``group`` if present, else the smallest useful one.

    Groups are counted as the tally forms them (``core.tally.respondent_group``), so a
    yes/no or numeric attribute is a candidate like a text one.
    """
    values: dict[str, set[str]] = {}
    for attrs in attributes.values():
        for k in attrs:
            group = respondent_group(attrs, k)
            if k.lower() not in NAME_LIKE and group != MISSING:
                values.setdefault(k, set()).add(group)
    if "group" in values:
        return "group"
    useful = [(len(v), k) for k, v in values.items() if 1 < len(v) <= 12]
    return min(useful)[1] if useful else None


def coder_note(project, coder: str | None) -> str:
    """Whose codings the numbers count, said in every report so nobody misreads pooled counts."""
    if coder:
        return f"codings by {coder}"
    coders = project.coders()
    if len(coders) > 1:
        return f"codings by any of {len(coders)} coders ({', '.join(coders)})"
    return f"codings by {coders[0]}" if coders else "no codings yet"
