"""The verbal quantifier scale: which label an n/N earns, and how a claimed label compares.

Evaluation reports say "most respondents" or "a few interviewees"; a methodologist must
be able to check that the words match the counts. This module holds the one rule that
turns a count into a label, so the TUI, the CLI and every export print the same label
for the same n/N. Standard library only.

Rule: the share is ``n / N`` rounded *down* to two decimals (integer arithmetic, so
23/24 is 0.95, never 0.9583 drifting across a boundary), except that a non-zero count
never rounds to 0.00; the label is the scale step whose ``[low, high]`` contains it.
"""

from __future__ import annotations

from dataclasses import dataclass

from qualtally.core.models import QuantifierScale, ScaleStep

DEFAULT_SCALE = QuantifierScale(
    steps=(
        ScaleStep("all", 1.00, 1.00),
        ScaleStep("almost all", 0.90, 0.99),
        ScaleStep("most", 0.60, 0.89),
        ScaleStep("many", 0.45, 0.59),
        ScaleStep("some", 0.25, 0.44),
        ScaleStep("a few", 0.01, 0.24),
        ScaleStep("none", 0.00, 0.00),
    ),
    source=("qualtally's built-in default, not taken from any published report: replace it with "
            "your report's own table (`qualtally scale PROJECT --from findings.md`)"),
)

NO_DENOMINATOR = "n/a"


def share(n: int, total: int) -> float | None:
    """``n/total`` floored to two decimals; None when there is no denominator."""
    if total <= 0:
        return None
    hundredths = (100 * n) // total
    if n > 0 and hundredths == 0:
        hundredths = 1
    return hundredths / 100


def find_step(scale: QuantifierScale, label: str | None) -> ScaleStep | None:
    if not label:
        return None
    wanted = " ".join(label.lower().split())
    return next((s for s in scale.steps if s.label.lower() == wanted), None)


def label_for(n: int, total: int, scale: QuantifierScale) -> str:
    """The scale label for n of total respondents (``"n/a"`` without a denominator)."""
    s = share(n, total)
    if s is None:
        return NO_DENOMINATOR
    for step in scale.steps:
        if step.low - 1e-9 <= s <= step.high + 1e-9:
            return step.label
    # A gap in a user-edited scale: take the highest step whose floor the share reaches.
    below = [st for st in scale.steps if st.low <= s]
    return max(below, key=lambda st: st.low).label if below else NO_DENOMINATOR


def fmt(n: int, total: int, scale: QuantifierScale) -> str:
    """``"17/24 most"``: a label is never printed without its n/N."""
    return f"{n}/{total} {label_for(n, total, scale)}"


@dataclass(frozen=True)
class Comparison:
    verdict: str  # consistent | overstated | understated | unknown label | no denominator
    actual: str


def compare(claimed: str, n: int, total: int, scale: QuantifierScale) -> Comparison:
    """Compare a claimed label with n/N: overstated when the claim's band lies above the share."""
    actual = label_for(n, total, scale)
    step = find_step(scale, claimed)
    s = share(n, total)
    if step is None:
        return Comparison("unknown label", actual)
    if s is None:
        return Comparison("no denominator", actual)
    if s < step.low - 1e-9:
        return Comparison("overstated", actual)
    if s > step.high + 1e-9:
        return Comparison("understated", actual)
    return Comparison("consistent", actual)


def validate(scale: QuantifierScale) -> list[str]:
    """Problems with a scale a user typed (empty, inverted or out-of-range steps, duplicates)."""
    problems: list[str] = []
    if not scale.steps:
        problems.append("the scale has no steps")
    seen: set[str] = set()
    for st in scale.steps:
        if not st.label.strip():
            problems.append("a step has no label")
        if st.label.lower() in seen:
            problems.append(f"label {st.label!r} appears twice")
        seen.add(st.label.lower())
        if not (0 <= st.low <= st.high <= 1):
            problems.append(f"{st.label!r}: need 0 <= from <= to <= 1, got {st.low}..{st.high}")
    if not problems:
        problems += coverage_problems(scale)
    return problems


def coverage_problems(scale: QuantifierScale) -> list[str]:
    """Gaps and overlaps: every share the rule can produce (0.00, 0.01, ... 1.00) must fall
    in exactly one step, or a count would get no label, or two."""
    def steps_at(h: int) -> list[str]:
        return [st.label for st in scale.steps if st.low - 1e-9 <= h / 100 <= st.high + 1e-9]

    problems: list[str] = []
    runs: list[tuple[int, int, tuple[str, ...]]] = []  # (first, last hundredth, labels)
    for h in range(101):
        labels = tuple(steps_at(h))
        if len(labels) == 1:
            continue
        if runs and runs[-1][1] == h - 1 and runs[-1][2] == labels:
            runs[-1] = (runs[-1][0], h, labels)
        else:
            runs.append((h, h, labels))
    for first, last, labels in runs:
        span = f"{first / 100:.2f}" + (f"–{last / 100:.2f}" if last != first else "")
        if not labels:
            problems.append(f"gap: no step covers the shares {span}")
        else:
            problems.append(f"overlap: the shares {span} fall in "
                            + " and ".join(repr(x) for x in labels))
    return problems


def scale_to_json(scale: QuantifierScale) -> dict:
    return {"steps": [[s.label, s.low, s.high] for s in scale.steps], "source": scale.source}
