"""Each counting rule has one definition: every place that shows a count agrees with the tally.

Group membership (``core.tally.respondent_group``) and roll-up (``core.tally.subtree``) are
each asked by the tally, the audit, the drill-down and the reports. These tests compare the
places with each other, so a second definition that drifted (``a.get(by) or MISSING`` once
listed nobody behind a cell showing 1/2 for an integer or yes/no attribute) fails here.
"""

from __future__ import annotations

import pytest

from qualtally.core.models import Code, CodedRow, Finding, ImportBundle, Respondent
from qualtally.core.tally import MISSING
from qualtally.project import Project

TYPED = [
    Respondent("A", {"years": 3, "hq": True, "since": "2011-03-14", "region": "North"}),
    Respondent("B", {"years": 12, "hq": False, "since": "2015-06-01", "region": None}),
    Respondent("C", {"years": None, "hq": False, "since": "2011-03-14", "region": "South"}),
    Respondent("D", {"years": 0, "hq": False, "since": None, "region": ""}),
    Respondent("E", {"years": 3, "hq": True, "since": "2015-06-01", "region": "North"}),
]
GROUPS = {
    "years": {"0", "3", "12", MISSING},
    "hq": {"yes", "no"},
    "since": {"2011-03-14", "2015-06-01", MISSING},
    "region": {"North", "South", MISSING},
}


@pytest.fixture
def typed(tmp_path):
    codes = [
        Code("Need", finding="F1"),
        Code("Managed", "Need"),
        Code("Deep", "Need > Managed"),
        Code("Concerns", finding="F2"),
    ]
    findings = [
        Finding("F1", "Most respondents cited a need.", code_paths=("Need",)),
        Finding("F2", "Some raised concerns.", code_paths=("Concerns",)),
        Finding(
            "F3",
            "All North respondents raised concerns.",
            code_paths=("Concerns",),
            asked=("A", "B", "C", "E"),
        ),
    ]
    coded = [
        CodedRow("A", "we need it", ("Need > Managed > Deep",), "x"),
        CodedRow("B", "a need", ("Need",), "x"),
        CodedRow("C", "worried", ("Concerns",), "x"),
        CodedRow("D", "managed, yes", ("Need > Managed",), "x"),
        CodedRow("D", "and worried", ("Concerns",), "x"),
        CodedRow("E", "nothing to add", (), "x"),
    ]
    with Project.new(tmp_path / "typed.qtally") as p:
        p.store.import_bundle(
            ImportBundle(
                "t",
                respondents=TYPED,
                codes=codes,
                findings=findings,
                coded=coded,
                coded_source="c.csv",
            ),
            "t",
        )
        yield p


@pytest.mark.parametrize("by", sorted(GROUPS))
def test_drilldown_of_each_cell_lists_whom_the_cell_counts(typed, by):
    """Integer, yes/no, date and missing attribute values: a drilled cell shows the cell's n/N,
    its supporters and non-supporters all in the cell's group."""
    tally = typed.tally(by=by)
    assert set(tally.groups) == GROUPS[by]
    for f in tally.findings:
        for group, cell in f.by.items():
            d = typed.drilldown(f.key, by=by, group=group)
            assert (d.n, d.total, d.label) == (cell.n, cell.total, cell.label), (by, f.key, group)
            members = set(d.supporters) | set(d.non_supporters)  # supporters: outside ones too
            assert members and all(tally.respondent_groups[k] == group for k in members)
            assert set(d.supporters) - set(d.outside) == {
                k for k in f.supporters if tally.respondent_groups[k] == group
            }
    for c in tally.codes:
        for group, n in c.by.items():
            d = typed.drilldown(c.path, by=by, group=group)
            assert d.n == n and sum(map(len, d.supporters.values())) == c.excerpts_by[group]


def test_a_yes_no_cell_is_not_empty_in_the_drilldown(typed):
    """The case that once listed nobody: ``False`` is the group "no", ``0`` the group "0"."""
    assert typed.tally(by="hq").finding("F1").by["no"].n == 2  # B and D
    assert sorted(typed.drilldown("F1", by="hq", group="no").supporters) == ["B", "D"]
    assert sorted(typed.drilldown("F1", by="years", group="0").supporters) == ["D"]
    assert sorted(typed.drilldown("F1", by="years", group="3").supporters) == ["A"]


def test_the_audit_reads_a_group_claim_as_the_cell_does(typed):
    """ "All North respondents" is checked against the North cell of a split by region."""
    check = next(c for c in typed.audit() if c.finding_key == "F3")
    cell = typed.tally(by="region").finding("F3").by["North"]
    assert (check.group, check.attribute) == ("North", "region")
    assert (check.n, check.total) == (cell.n, cell.total) == (0, 2)


def test_reports_split_by_a_yes_no_attribute_like_the_tally(typed, tmp_path):
    """A yes/no attribute is a report split like a text one: ``hq`` (yes, no) ties with
    ``region`` (North, South) for the fewest groups and wins by name; the workbook's cells
    are the tally's."""
    from openpyxl import load_workbook

    from qualtally.exports.report_common import report_attribute

    attributes = {r.key: r.attributes for r in typed.respondents()}
    by = report_attribute(attributes)
    assert by == "hq"
    tally = typed.tally(by=by)
    rows = list(
        load_workbook(typed.export(tmp_path / "r.xlsx"))["finding x group"].iter_rows(
            values_only=True
        )
    )
    assert rows[0][8:] == tuple(f"{by}: {g}" for g in tally.groups)
    for f in tally.findings:
        row = next(r for r in rows if r[0] == f.key)
        assert list(row[8 : 8 + len(tally.groups)]) == [str(f.by[g]) for g in tally.groups]


def test_roll_up_drilldown_lists_exactly_the_counted_excerpts(typed):
    """A code's drill-down lists its grandchildren's excerpts, as its count does."""
    tally = typed.tally()
    for c in tally.codes:
        d = typed.drilldown(c.path)
        assert set(d.supporters) == set(c.supporters)
        assert sum(map(len, d.supporters.values())) == c.excerpts, c.path
    need = typed.drilldown("Need")
    assert {e.text for es in need.supporters.values() for e in es} == {
        "we need it",
        "a need",
        "managed, yes",
    }
