"""Export then import keeps who coded what, how (human or accepted suggestion) and when."""

from __future__ import annotations

import pytest

from qualtally.core.errors import InputError
from qualtally.core.models import ORIGIN_SUGGESTION
from qualtally.project import Project

TRANSCRIPT = "Interviewer: Why?\nAna Silva: Because of the [inaudible] membership.\n"


def _codings(p: Project) -> set[tuple]:
    paths = {c.id: c.path for c in p.codes()}
    ex = {e.id: e for e in p.excerpts()}
    rows = p.reads.read(lambda conn: conn.exec_driver_sql(
        "select excerpt_id, code_id, coder, origin, created from codings").all())
    return {(ex[e].text, paths[c], coder, origin, created) for e, c, coder, origin, created in rows}


def test_origin_and_created_survive_export_and_import(tmp_path):
    (tmp_path / "R1.txt").write_text(TRANSCRIPT)
    with Project.new(tmp_path / "a.qtally") as a:
        a.import_paths([tmp_path / "R1.txt"])
        e = a.excerpts()[0]
        from qualtally.core.models import Code

        human = a.add_code(Code("Need"), "ana")
        accepted = a.add_code(Code("Benefit"), "ana")
        a.apply_code(e.id, human, "ana")
        a.apply_code(e.id, accepted, "ana", origin=ORIGIN_SUGGESTION)
        a.export(tmp_path / "out.csv")
        before = _codings(a)
    with Project.new(tmp_path / "b.qtally") as b:
        b.import_paths([tmp_path / "R1.txt"])
        b.import_paths([tmp_path / "out.csv"])
        assert _codings(b) == before
        assert {o for *_, o, _ in before} == {"human", ORIGIN_SUGGESTION}


def test_an_origin_list_that_does_not_match_the_codes_is_refused(tmp_path):
    (tmp_path / "R1.txt").write_text(TRANSCRIPT)
    (tmp_path / "c.csv").write_text(
        "respondent,document,text,codes,origin\n"
        "R1,R1.txt,Because of the [inaudible] membership.,A;B,human\n")
    with Project.new(tmp_path / "c.qtally") as p:
        p.import_paths([tmp_path / "R1.txt"])
        with pytest.raises(InputError, match="line 2: origin must give one value per code"):
            p.import_paths([tmp_path / "c.csv"])
        assert p.info()["codings"] == 0
