"""The cached tally equals the exact query after any sequence of writes.

``Project.tally()`` reads ``tally_cache`` (kept up to date inside every write's transaction);
``Project.tally(exact=True)`` runs the one support query over all codings. Hypothesis
drives random sequences of imports, apply/remove/undo/redo, narrowing, renames, moves, new
codes, finding-link changes, denominators and writes that bypass the store, and every tally
(any coder and each coder, with and without ``by=``) must agree field by field -- the
supporter sets included -- and the cache must hold exactly what a rebuild would write.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualtally.core.models import (
    ORIGIN_HUMAN,
    ORIGIN_SUGGESTION,
    Code,
    CodedRow,
    Finding,
    ImportBundle,
    Respondent,
)
from qualtally.storage import tables as t
from qualtally.storage import tally_cache as tcache

from .conftest import build, document

CODERS = ("alice", "bob", "carol")
ORIGINS = (ORIGIN_HUMAN, ORIGIN_SUGGESTION, "suggested")
SAYINGS = [
    "We need it.",
    "Mandate creep.",
    "Refugees matter.",
    "Coordination is weak.",
    "Not sure.",
]


def small_project(path: Path):
    respondents = [
        Respondent("R1", {"group": "HQ"}),
        Respondent("R2", {"group": "HQ"}),
        Respondent("R3", {"group": "Missions"}),
        Respondent("R4", {}),
        Respondent("R5", {"group": ""}),
        Respondent("R6", {"group": True}),
    ]  # typed values label their group ("yes")
    docs = [
        document(
            "a.txt",
            [("I", None, "Question one?"), ("Ann", "R1", SAYINGS[0]), ("Ann", "R1", SAYINGS[2])],
        ),
        document("b.txt", [("Ann", "R1", SAYINGS[3])]),  # R1 again, in another document
        document(
            "g.txt",
            [
                ("I", None, "Group?"),
                ("Cy", "R3", SAYINGS[0]),
                ("Di", "R4", SAYINGS[1]),
                ("Cy", "R3", SAYINGS[4]),
                ("Bo", "R2", SAYINGS[2]),
                ("Ed", "R6", SAYINGS[3]),
            ],
        ),  # a focus group
    ]
    codes = [Code("Need", finding="F1"), Code("Managed", "Need"), Code("Deep", "Need > Managed"),
             Code("Refugees", "Need"), Code("Concerns", finding="F2"), Code("Other")]
    findings = [Finding("F1", "All respondents need it."), Finding("F2", "Some are concerned."),
                Finding("F3", "A few want coordination.")]
    coded = [("a.txt", SAYINGS[0], "R1", ["Need > Managed", "Need > Refugees"], "alice"),
             ("g.txt", SAYINGS[1], "R4", ["Concerns"], "bob")]
    return build(
        path, respondents=respondents, documents=docs, codes=codes, findings=findings, coded=coded
    )


op = st.one_of(
    st.tuples(
        st.just("apply"),
        st.integers(0, 30),
        st.integers(0, 30),
        st.sampled_from(CODERS),
        st.sampled_from(ORIGINS),
    ),
    st.tuples(st.just("remove"), st.integers(0, 30), st.integers(0, 30), st.sampled_from(CODERS)),
    st.tuples(st.just("undo"), st.sampled_from(CODERS)),
    st.tuples(st.just("redo"), st.sampled_from(CODERS)),
    st.tuples(st.just("narrow"), st.integers(0, 30), st.sampled_from(CODERS)),
    st.tuples(
        st.just("link"),
        st.integers(0, 30),
        st.sampled_from([None, "F1", "F2", "F3", "F9"]),
        st.sampled_from(CODERS),
    ),
    st.tuples(st.just("rename"), st.integers(0, 30), st.sampled_from(["X", "Y", "Z"])),
    st.tuples(st.just("add_code"), st.integers(0, 30), st.sampled_from([None, "F1", "F3"])),
    st.tuples(
        st.just("import"),
        st.integers(0, 30),
        st.lists(st.integers(0, 30), max_size=3),
        st.sampled_from(CODERS),
        st.booleans(),
    ),
    st.tuples(
        st.just("asked"),
        st.sampled_from(["F1", "F2"]),
        st.sampled_from([[], ["R1", "R4"], ["code:Concerns"], ["code:Need > Managed", "R5"]]),
    ),
    st.tuples(st.just("raw"), st.integers(0, 30), st.sampled_from(ORIGINS)),
    st.tuples(st.just("move"), st.integers(0, 30), st.one_of(st.none(), st.integers(0, 30))),
)


def apply_op(project, o) -> None:
    excerpts = project.excerpts()
    codes = project.codes()
    pick = lambda seq, i: seq[i % len(seq)]  # noqa: E731
    kind = o[0]
    if kind == "apply":
        project.apply_code(pick(excerpts, o[1]).id, pick(codes, o[2]).id, o[3], origin=o[4])
    elif kind == "remove":
        project.remove_code(pick(excerpts, o[1]).id, pick(codes, o[2]).id, o[3])
    elif kind == "undo":
        try:
            project.undo(o[1])
        except Exception:  # e.g. undoing a code that is in use: refused, nothing written
            pass
    elif kind == "redo":
        try:
            project.redo(o[1])
        except Exception:
            pass
    elif kind == "narrow":
        e = pick(excerpts, o[1])
        if e.end - e.start >= 4:
            project.narrow(e.id, e.start + 1, e.end - 1, o[2])
    elif kind == "link":
        project.update_code(pick(codes, o[1]).id, o[3], finding_key=o[2])
    elif kind == "rename":
        c = pick(codes, o[1])
        try:
            project.update_code(c.id, "alice", name=f"{o[2]}{c.id}")
        except Exception:
            pass
    elif kind == "add_code":
        parent = pick(codes, o[1])
        project.add_code(Code(f"New{len(codes)}", parent.path, finding=o[2]), "bob")
    elif kind == "import":
        e = pick(excerpts, o[1])
        paths = [pick(codes, i).path for i in o[2]] + (["Imported > Fresh"] if o[4] else [])
        doc = next(d for d in project.documents() if d.id == e.document_id)
        text = project.document(doc.id).text[e.start:e.end]
        bundle = ImportBundle(
            "t",
            coded=[
                CodedRow(
                    e.respondent_key or "R1",
                    text,
                    tuple(paths),
                    o[3],
                    doc.name,
                    start=e.start,
                    end=e.end,
                    line=1,
                )
            ],
            findings=[
                Finding("F3", "A few want coordination.", code_paths=(pick(codes, o[1] + 1).path,))
            ]
            if o[4]
            else [],
        )
        try:
            project.store.import_bundle(bundle, o[3])
        except Exception:
            pass
    elif kind == "asked":
        project.set_asked(o[1], o[2])
    elif kind == "move":  # a new parent: the roll-up changes for old and new ancestors
        try:
            project.update_code(pick(codes, o[1]).id, "carol",
                                parent_id=None if o[2] is None else pick(codes, o[2]).id)
        except Exception:  # under itself, or a clashing path: refused, nothing written
            pass
    elif kind == "raw":  # a write that bypasses the store
        with project.engine.begin() as conn:
            ids = [r[0] for r in conn.execute(sa.select(t.codings.c.id).order_by(t.codings.c.id))]
            if ids:
                conn.execute(
                    sa.update(t.codings)
                    .where(t.codings.c.id == pick(ids, o[1]))
                    .values(origin=o[2])
                )


def as_plain(tally) -> dict:
    return {
        "total": tally.respondents_total,
        "groups": tally.groups,
        "rg": tally.respondent_groups,
        "codes": [
            (
                c.code_id,
                c.path,
                c.respondents,
                c.excerpts,
                c.by,
                c.excerpts_by,
                frozenset(c.supporters),
            )
            for c in tally.codes
        ],
        "findings": [
            (
                f.key,
                f.code_paths,
                f.respondents,
                f.excerpts,
                f.denominator,
                f.label,
                f.verdict,
                {g: (x.n, x.total, x.label, x.excerpts) for g, x in f.by.items()},
                frozenset(f.supporters),
                frozenset(f.base),
                frozenset(f.outside),
            )
            for f in tally.findings
        ],
    }


def cache_rows(conn) -> dict:
    return {(r.any_coder, r.coder, r.respondent_id): tcache._unpack(r.nodes, r.excerpts)
            for r in conn.execute(sa.select(t.tally_cache))}


def assert_cache_exact(project) -> None:
    with project.engine.connect() as conn:
        valid = tcache.is_valid(conn)
    for coder in (None, *CODERS):
        for by in (None, "group"):
            assert as_plain(project.tally(by=by, coder=coder)) == as_plain(
                project.tally(by=by, coder=coder, exact=True)
            ), (coder, by)
    # An incrementally kept cache holds exactly what a rebuild writes (no stale nodes or
    # respondents).
    if valid:
        with project.engine.connect() as conn:
            trans = conn.begin()
            kept = cache_rows(conn)
            tcache.rebuild(conn)
            assert kept == cache_rows(conn)
            trans.rollback()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(op, min_size=1, max_size=12))
def test_cached_tally_equals_exact_query_after_random_writes(ops):
    with tempfile.TemporaryDirectory() as tmp:
        project = small_project(Path(tmp) / "p.qtally")
        try:
            project.tally()  # the cache is valid from here on; every store write must keep it so
            bypassed = False
            for i, o in enumerate(ops):
                apply_op(project, o)
                bypassed |= o[0] == "raw"
                if i == len(ops) // 2 or i == len(ops) - 1:
                    with project.engine.connect() as conn:
                        # store writes never leave it stale
                        assert bypassed or tcache.is_valid(conn)
                    assert_cache_exact(project)  # (which rebuilds a stale cache)
                    bypassed = False
        finally:
            project.close()


def test_store_writes_keep_the_cache_valid_and_raw_writes_invalidate_it(small):
    small.tally()
    e = next(x for x in small.excerpts() if x.respondent_key == "R4")
    code = small.code_by_path("Concerns")
    small.apply_code(e.id, code.id, "carol")
    small.undo("carol")
    small.redo("carol")
    small.update_code(code.id, "alice", finding_key="F3")
    small.set_asked("F1", ["R1"])
    with small.engine.connect() as conn:
        assert tcache.is_valid(conn)
    with small.engine.begin() as conn:
        conn.execute(sa.delete(t.codings).where(t.codings.c.coder == "carol"))
    with small.engine.connect() as conn:
        assert not tcache.is_valid(conn)  # marked in the same transaction as the raw delete
    # Concerns now feeds F3; carol's R4 is gone
    assert small.tally().finding("F3").supporters == {"R2", "R3"}
    assert as_plain(small.tally()) == as_plain(small.tally(exact=True))
    with small.engine.connect() as conn:
        assert tcache.is_valid(conn)


def test_a_write_outside_sqlalchemy_is_caught_by_the_fingerprint(small):
    import sqlite3

    before = small.tally().finding("F2").supporters
    e = next(x for x in small.excerpts() if x.respondent_key == "R4")
    con = sqlite3.connect(small.path)
    con.execute(
        "INSERT INTO codings (excerpt_id, code_id, coder, origin, created) "
        "VALUES (?, ?, 'zed', 'human', '')",
        (e.id, small.code_by_path("Concerns").id),
    )
    con.commit()
    con.close()
    assert small.tally().finding("F2").supporters == set(before) | {"R4"}


def test_a_failed_write_leaves_cache_and_codings_as_they_were(small):
    small.tally()
    e = next(x for x in small.excerpts() if x.respondent_key == "R4")
    with pytest.raises(RuntimeError, match="crash before commit"):
        with small.engine.begin() as conn, tcache.maintained(conn) as tr:
            conn.execute(
                sa.insert(t.codings).values(
                    excerpt_id=e.id,
                    code_id=small.code_by_path("Concerns").id,
                    coder="x",
                    origin="human",
                    created="",
                )
            )
            tr.excerpts([e.id])
            raise RuntimeError("crash before commit")
    with small.engine.connect() as conn:
        assert tcache.is_valid(conn)
    assert as_plain(small.tally()) == as_plain(small.tally(exact=True))


KILLED_WRITER = """
import sys
from qualtally.project import Project
p = Project.open(sys.argv[1])
excerpts = [e.id for e in p.excerpts()]
codes = [c.id for c in p.codes()]
i = 0
while True:  # write until killed, mid-transaction at some point
    e, c = excerpts[i % len(excerpts)], codes[(i * 7) % len(codes)]
    (p.apply_code if (i // len(excerpts)) % 2 == 0 else p.remove_code)(e, c, "killed")
    if i % 3 == 2:
        p.undo("killed")
    print("ack", flush=True)
    i += 1
"""


def test_sigkill_mid_write_leaves_cache_and_codings_consistent(small):
    import os
    import signal
    import subprocess
    import sys

    path = small.path
    small.tally()
    small.close()
    for acks in (3, 17):
        child = subprocess.Popen(
            [sys.executable, "-c", KILLED_WRITER, str(path)], stdout=subprocess.PIPE, text=True
        )
        try:
            for _ in range(acks):
                assert child.stdout.readline().strip() == "ack"
            os.kill(child.pid, signal.SIGKILL)
        finally:
            child.wait(timeout=30)
        from qualtally.project import Project

        with Project.open(path) as again:
            with again.engine.connect() as conn:
                assert tcache.is_valid(conn)
            for coder in (None, "killed"):
                assert as_plain(again.tally(coder=coder)) == as_plain(
                    again.tally(coder=coder, exact=True)
                )


def test_undoing_a_narrowed_span_with_codings_keeps_the_cache_valid(small):
    """Found by hypothesis: the undo deletes the span and (cascade) its codings."""
    small.tally()
    e = next(x for x in small.excerpts() if x.respondent_key == "R4")
    span = small.narrow(e.id, e.start + 1, e.end - 1, "bob")
    small.apply_code(span, small.code_by_path("Concerns").id, "alice")
    assert small.undo("bob") == "excerpt.add"
    with small.engine.connect() as conn:
        assert tcache.is_valid(conn)
    assert as_plain(small.tally()) == as_plain(small.tally(exact=True))


def test_moving_a_code_recounts_old_and_new_ancestors(small):
    small.tally()
    concerns, need = small.code_by_path("Concerns"), small.code_by_path("Need")
    small.update_code(concerns.id, "alice", parent_id=need.id)
    after = {c.path: c.respondents for c in small.tally().codes}
    assert after["Need"] == 3 and after["Need > Concerns"] == 2  # R1, R3 + R2 (Concerns only)
    assert as_plain(small.tally()) == as_plain(small.tally(exact=True))
    small.undo("alice")
    with small.engine.connect() as conn:
        assert tcache.is_valid(conn)
    assert {c.path: c.respondents for c in small.tally().codes}["Need"] == 2
    assert as_plain(small.tally(by="group")) == as_plain(small.tally(by="group", exact=True))
