"""``qualtally merge``: three copies of one project, coded apart, brought together.

The target and two coders' copies start as byte copies of one project; each coder codes,
marks "nothing applies", writes memos and rejects suggestions in their own copy (coder b also
narrows a span and adds a code, and renames nothing). Merged: nothing lost (every row of each
copy is in the target, found by document text, offsets, code path and respondent key),
nothing duplicated, the same merge again changes no table, and a copy whose document has
other text under the same name is refused whole, in one line, exit 2.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3

import pytest

from qualtally.cli import main
from qualtally.core.models import Code
from qualtally.project import Project

from .conftest import PAIR_CODES, PAIR_DOCS, build

TABLES = ("documents", "turns", "respondents", "excerpts", "codes", "codings", "reviewed",
          "memos", "rejections", "consensus_decisions", "findings", "events")


def dump(path) -> dict[str, list]:
    conn = sqlite3.connect(path)
    try:
        return {t: sorted(map(repr, conn.execute(f"SELECT * FROM {t}"))) for t in TABLES}
    finally:
        conn.close()


def work(project: Project) -> set[tuple]:
    """Everything people did in a project, keyed the way merge recognises it."""
    texts = {d.id: project.document(d.id).text for d in project.documents()}
    paths = {c.id: c.path for c in project.codes()}
    ex = {e.id: (hashlib.sha256(texts[e.document_id].encode()).hexdigest(), e.start, e.end,
                 e.respondent_key) for e in project.excerpts()}
    out = set()
    for row in project.export_rows():
        out.add(("coded", row["document"], row["start"], row["end"], row["coder"], row["codes"]))
    for e, where in ex.items():
        for coder in ("a", "b"):
            memo = project.memo(e, coder)
            if memo:
                out.add(("memo", where, coder, memo))
            for c in project.rejections(e, coder):
                out.add(("rejected", where, coder, paths[c]))
    return out


@pytest.fixture
def copies(tmp_path):
    base = build(tmp_path / "base.qtally", PAIR_DOCS, PAIR_CODES, rows=[])
    paths = {}
    for name in ("target", "a", "b"):
        paths[name] = tmp_path / f"{name}.qtally"
        shutil.copy(base, paths[name])
    with Project.open(paths["a"]) as a:
        ex = {e.text: e.id for e in a.excerpts()}
        need = a.code_by_path("Need > Refugees").id
        a.apply_code(ex["Yes, for the refugees [inaudible] we resettle."], need, "a")
        a.mark_nothing(ex["Nothing else to add."], "a")
        a.set_memo(ex["Fees are fine [laughs]."], "a", "irony? [check tape]")
        a.reject_suggestion(ex["I am not sure we need it."], a.code_by_path("Need").id, "a")
    with Project.open(paths["b"]) as b:
        ex = {e.text: e.id for e in b.excerpts()}
        turn = ex["Projects follow the money, not the strategy."]
        span = b.narrow(turn, *_span(b, turn, "follow the money"), "b")
        new = b.add_code(Code("Donor-driven", "Concerns", definition="money first"), "b")
        b.apply_code(span, new, "b")
        b.apply_code(ex["Yes, for the refugees [inaudible] we resettle."],
                     b.code_by_path("Need").id, "b")
        b.mark_nothing(ex["Fees are fine [laughs]."], "b")
        b.set_memo(turn, "b", "strategy vs money")
    return paths


def _span(project, excerpt_id, words):
    e = project.excerpt(excerpt_id)
    start = e.start + e.text.index(words)
    return start, start + len(words)


def test_three_copies_merge_losslessly_and_idempotently(copies, capsys):
    target, a, b = (str(copies[k]) for k in ("target", "a", "b"))
    assert main(["merge", target, a, b]) == 0
    assert "merged" in capsys.readouterr().out
    with Project.open(target) as t, Project.open(a) as pa, Project.open(b) as pb:
        merged = work(t)
        assert work(pa) <= merged and work(pb) <= merged  # nothing lost
        assert merged == work(pa) | work(pb)               # nothing else, nothing twice
        assert t.code_by_path("Concerns > Donor-driven").definition == "money first"
        assert t.coders() == ["a", "b"]
        rows = t.export_rows()
        assert len(rows) == len({(r["document"], r["start"], r["end"], r["coder"]) for r in rows})
        assert t.history(1)[0]["action"] == "merge"
        report = t.agreement(unit="excerpt")  # the merged copies can be compared at once
        assert report.coders == ("a", "b") and report.code("Need").n_units == 1
    before = dump(target)
    assert main(["merge", target, a, b]) == 0
    assert "nothing to merge" in capsys.readouterr().out
    assert dump(target) == before                          # the same merge again: no change
    assert main(["merge", target, b, "--json"]) == 0
    assert capsys.readouterr().out.strip() == "{}"
    assert dump(target) == before


def test_a_conflicting_copy_is_refused_whole(copies, tmp_path, capsys):
    bad = tmp_path / "bad.qtally"
    shutil.copy(copies["b"], bad)
    conn = sqlite3.connect(bad)
    conn.execute("UPDATE documents SET text = text || 'edited' WHERE name = 'r2.txt'")
    conn.commit()
    conn.close()
    target = str(copies["target"])
    before = dump(target)
    assert main(["merge", target, str(copies["a"]), str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "nothing merged" in err and "r2.txt" in err
    assert dump(target) == before                          # not even copy a's work


def test_documents_are_recognised_by_their_text_and_sources_stay_untouched(copies, capsys):
    conn = sqlite3.connect(copies["a"])
    conn.execute("UPDATE documents SET name = 'renamed-r1.txt' WHERE name = 'r1.txt'")
    conn.commit()
    conn.close()
    source = hashlib.sha256(copies["a"].read_bytes()).hexdigest()
    assert main(["merge", str(copies["target"]), str(copies["a"])]) == 0
    assert hashlib.sha256(copies["a"].read_bytes()).hexdigest() == source
    with Project.open(copies["target"]) as t:
        assert sorted(d.name for d in t.documents()) == ["r1.txt", "r2.txt", "r3.txt"]
        assert ("coded", "r1.txt") in {x[:2] for x in work(t)}


def test_bad_sources_are_one_line_and_exit_2(copies, tmp_path, capsys):
    target = str(copies["target"])
    junk = tmp_path / "junk.qtally"
    junk.write_text("not a database")
    for args, problem in (([str(tmp_path / "missing.qtally")], "no such project"),
                          ([str(junk)], "not a qualtally project"),
                          ([target], "is the target itself")):
        assert main(["merge", target, *args]) == 2
        err = capsys.readouterr().err.strip()
        assert err.count("\n") == 0 and problem in err
