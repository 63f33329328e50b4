"""Typed respondent attributes (numbers, yes/no, dates) split the tally like text does."""

from __future__ import annotations

from qualtally.core.models import Code, CodedRow, ImportBundle, Respondent
from qualtally.project import Project


def test_split_by_number_and_boolean_attributes(tmp_path):
    with Project.new(tmp_path / "t.qtally") as p:
        p.store.import_bundle(
            ImportBundle(
                "t",
                respondents=[
                    Respondent("A", {"years": 3, "hq": True}),
                    Respondent("B", {"years": 12, "hq": False}),
                    Respondent("C", {"years": None, "hq": False}),
                ],
                codes=[Code("Need")],
                coded=[
                    CodedRow("A", "we need it", ("Need",), "x"),
                    CodedRow("B", "we need it too", ("Need",), "x"),
                    CodedRow("C", "no opinion", (), "x"),
                ],
                coded_source="c.csv",
            ),
            "t",
        )
        by_years = {c.path: c.by for c in p.tally(by="years").codes}
        assert by_years["Need"] == {"3": 1, "12": 1, "(none)": 0}
        by_hq = {c.path: c.by for c in p.tally(by="hq").codes}
        assert by_hq["Need"] == {"yes": 1, "no": 1}
        out = p.export(tmp_path / "r.html")
        assert "12" in out.read_text()
