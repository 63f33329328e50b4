"""The demo's agreement facts (corpus/README.md, "Agreement, coder-a against coder-b").

From a fresh import of ``corpus/iom-evaluation``: the codes below Krippendorff's 0.667, the
tentative ones, the ones in full agreement, and the findings whose label depends on who
coded. The per-code figures are also recomputed here from ``coded.csv`` with the reference
packages, without qualtally's units: each row is placed in the turn whose text holds it,
and a code counts for its ancestors by path prefix.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from qualtally.cli import main
from qualtally.project import Project

from .conftest import by_path, icr

CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "iom-evaluation"
BELOW = {
    "Relevance > Reservations about membership": 0.000,
    "Performance > Better-suited research bodies": 0.000,
    "Performance > Coordination seen as adequate": 0.489,
    "Performance > Active and influential member": 0.573,
    "Other > Project reporting and accountability": 0.662,
    "Performance": 0.663,
}
TENTATIVE = {
    "Relevance > Services support departmental activities > Transportation and movements": 0.786,
    "Relevance > Services support departmental activities > Canadian Orientation Abroad": 0.794,
    "Performance > Active and influential member > Governance and budget committees": 0.794,
    "Performance > Mandate expansion concerns > Project alignment with strategic direction": 0.794,
    "Performance > Mandate expansion concerns > Impact on core migration services": 0.786,
    "Performance > Growth as a response to member demand": 0.794,
    "Performance > Priority access and membership benefits": 0.737,
}
FULL = {
    "Relevance > Services support departmental activities",
    "Relevance > Need for continued membership > Managed migration approach",
    "Performance > International Dialogue on Migration",
    "Performance > Few alternatives to IOM services > Efficiency of a single provider",
    "Other > Program integrity and security screening",
    "Other > Vulnerable migrants and protection",
    "Other > Human smuggling and irregular arrivals",
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.qtally"
    assert main(["new", str(path)]) == 0
    assert main(["import", str(path), str(CORPUS), "--quiet", "--no-suggestions"]) == 0
    return path


def test_the_agreement_facts_of_the_readme(demo, capsys):
    report = icr(capsys, demo)
    assert report["coders"] == ["coder-a", "coder-b"] and report["unit"] == "excerpt"
    codes = by_path(report)
    assert {c["n_units"] for c in codes.values()} == {71}
    below = {p: round(c["alpha"], 3) for p, c in codes.items()
             if c["alpha"] is not None and c["alpha"] < 0.667}
    assert below == BELOW
    tentative = {p: round(c["alpha"], 3) for p, c in codes.items()
                 if c["alpha"] is not None and 0.667 <= c["alpha"] < 0.8}
    assert tentative == TENTATIVE
    assert {p for p, c in codes.items() if c["alpha"] == 1.0} == FULL
    assert codes["Other > Cost of services"]["alpha"] is None
    rest = [c["alpha"] for p, c in codes.items() if c["alpha"] is not None
            and p not in BELOW and p not in TENTATIVE and p not in FULL]
    assert len(rest) == 13 and all(0.8 <= a < 0.956 for a in rest)

    findings = {f["key"]: f for f in report["findings"]}
    r1, p7 = findings["R1"]["by_coder"], findings["P7"]["by_coder"]
    assert (r1["coder-a"], r1["coder-b"]) == ({"n": 8, "N": 8, "label": "all"},
                                              {"n": 7, "N": 8, "label": "most"})
    assert (p7["coder-a"]["n"], p7["coder-a"]["label"]) == (3, "some")
    assert (p7["coder-b"]["n"], p7["coder-b"]["label"]) == (5, "most")
    changed = {k for k, f in findings.items() if not f["stable"]}
    assert changed == {"R1", "R2", "P1", "P3", "P4", "P5", "P6", "P7"}


def rolled(codes: str) -> set[str]:
    out = set()
    for path in filter(None, codes.split(";")):
        levels = path.split(" > ")
        out |= {" > ".join(levels[:i]) for i in range(1, len(levels) + 1)}
    return out


def from_csv(demo: Path):
    """(document, turn start) -> {coder: codes}, and turn -> respondent, from coded.csv."""
    with Project.open(demo) as project:
        names = {d.id: d.name for d in project.documents()}
        turns = [(names[e.document_id], e.start, e.text, e.respondent_key)
                 for e in project.excerpts() if e.parent_id is None]
        paths = [c.path for c in project.codes()]
    units: dict[tuple, dict[str, set]] = {}
    owner = {}
    with (CORPUS / "coded.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            doc, start, _, key = next(t for t in turns
                                      if t[0] == row["document"] and row["text"] in t[2])
            units.setdefault((doc, start), {}).setdefault(row["coder"], set()).update(
                rolled(row["codes"]))
            owner[(doc, start)] = key
    return units, owner, paths


def reference(units, path: str):
    cells = [[math.nan if c not in u else int(path in u[c]) for c in ("coder-a", "coder-b")]
             for u in units.values()]
    both = [(a, b) for a, b in cells if not (math.isnan(a) or math.isnan(b))]
    y1, y2 = [a for a, _ in both], [b for _, b in both]
    kappa = cohen_kappa_score(y1, y2, labels=[0, 1]) if len(set(y1) | set(y2)) > 1 else None
    try:
        alpha = krippendorff.alpha(reliability_data=np.array(cells).T,
                                   level_of_measurement="nominal")
    except ValueError:
        alpha = None
    return len(both), kappa, alpha


@pytest.mark.parametrize("unit", ["excerpt", "respondent"])
def test_the_demo_figures_are_the_packages_own(demo, capsys, unit):
    units, owner, paths = from_csv(demo)
    if unit == "respondent":
        docs = {c: {d for (d, _), u in units.items() if c in u} for c in ("coder-a", "coder-b")}
        both = docs["coder-a"] & docs["coder-b"]
        people: dict[str, dict[str, set]] = {}
        for (doc, start), u in units.items():
            if doc in both:
                for c, codes in u.items():
                    people.setdefault(owner[(doc, start)], {}).setdefault(c, set()).update(codes)
        units = people
    codes = by_path(icr(capsys, demo, "--unit", unit))
    for path in paths:
        n, kappa, alpha = reference(units, path)
        got = codes[path]
        assert got["n_units"] == n, path
        for name, want in (("kappa", kappa), ("alpha", alpha)):
            if want is None or math.isnan(want):
                assert got[name] is None, (path, name)
            else:
                assert got[name] == pytest.approx(want, abs=5e-4), (path, name)
