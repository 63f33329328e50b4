"""The tally cache: the exact support query's answer, stored per respondent.

``storage/tally.py:support`` stays the one definition of "distinct respondents". Run over
1M codings it takes ~10 s, so its answer is kept in ``tally_cache``: one row per
(coder scope, respondent) holding that respondent's ``(node, counted excerpts)`` pairs as
two packed int32 arrays. A tally then reads ~10k small rows and aggregates them with numpy.

How the cache stays equal to the query:

* A respondent's counts depend only on their own excerpts' codings, so after any coding
  write the store re-runs the *same query* restricted to the touched respondents and
  replaces their rows, inside the write's transaction (:func:`maintained`).
* A change of the code tree or of finding links changes the closure; the nodes whose
  (node, code) pairs changed are recounted by the same query, restricted to those nodes.
* Any other INSERT/UPDATE/DELETE on codings, excerpts, codes or findings issued through
  SQLAlchemy outside :func:`maintained` marks the cache invalid in the same transaction
  (an engine event); a write made outside SQLAlchemy is caught by the codings' count and
  max id recorded with the cache. An invalid cache is rebuilt before it is read.

Because every cache write shares the transaction of the coding write that caused it, a
SIGKILL leaves either both or neither. ``tests/tally/test_tally_cache*.py`` checks the
cached tally against the query after random sequences of writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from qualtally.storage import tables as t
from qualtally.storage.engine import begin_write

WRITER = "qualtally.tally_cache.writer"
"""``conn.info`` flag: a write inside :func:`maintained`, which keeps the cache itself."""
_WATCHED = (t.codings, t.excerpts, t.codes, t.findings)
_DTYPE = "<i4"
FULL_REBUILD_SHARE = 0.25
"""Touching more than this share of the respondents recounts everyone in one query."""
_CHUNK = 900


# -- the closure, with findings as minus their database id ------------------------------
def pairs(conn: Connection) -> list[tuple[int, int]]:
    """(node, code id) pairs of the current code tree and finding links (``core.tally.closure``)."""
    from qualtally.core.tally import closure, finding_node
    from qualtally.storage import queries

    remap = {finding_node(i): -fid for i, fid in enumerate(finding_ids(conn))}
    return [(remap.get(n, n), c) for n, c in closure(queries.codes(conn), queries.findings(conn))]


def finding_ids(conn: Connection) -> list[int]:
    """Database ids of the findings in ``queries.findings`` order (node of finding i = -id)."""
    return [int(r[0]) for r in conn.execute(sa.select(t.findings.c.id)
                                            .order_by(t.findings.c.ordinal, t.findings.c.id))]


# -- packing ----------------------------------------------------------------------------
def _pack(values: Iterable[int]) -> bytes:
    import numpy as np

    return np.asarray(list(values), dtype=_DTYPE).tobytes()


def _group(rows: list[tuple]) -> dict[tuple[bool, str, int], dict[int, int]]:
    """support() rows (either shape) -> {(any_coder, coder, respondent): {node: excerpts}}."""
    out: dict[tuple[bool, str, int], dict[int, int]] = {}
    for row in rows:
        if len(row) == 3:
            node, rid, n = row
            key = (True, "", rid)
        else:
            node, rid, coder, n = row
            key = (False, coder, rid)
        out.setdefault(key, {})[node] = n
    return out


def _compute(
    conn: Connection,
    pair_list: list[tuple[int, int]],
    respondents: list[int] | None = None,
    nodes: set[int] | None = None,
) -> dict[tuple[bool, str, int], dict[int, int]]:
    from qualtally.storage.tally import support

    if respondents is not None and len(respondents) > _CHUNK:
        out: dict[tuple[bool, str, int], dict[int, int]] = {}
        for i in range(0, len(respondents), _CHUNK):
            out.update(_compute(conn, pair_list, respondents[i:i + _CHUNK], nodes))
        return out
    return _group(
        support(conn, pair_list, None, respondents=respondents, nodes=nodes, with_coders=True)
    )


def _insert(conn: Connection, groups: dict[tuple[bool, str, int], dict[int, int]]) -> None:
    batch = [{"any_coder": a, "coder": c, "respondent_id": r,
              "nodes": _pack(nodes), "excerpts": _pack(nodes.values())}
             for (a, c, r), nodes in sorted(groups.items()) if nodes]
    for i in range(0, len(batch), 5000):
        conn.execute(t.tally_cache.insert(), batch[i:i + 5000])


def _unpack(nodes: bytes, excerpts: bytes) -> dict[int, int]:
    import numpy as np

    return dict(
        zip(np.frombuffer(nodes, _DTYPE).tolist(), np.frombuffer(excerpts, _DTYPE).tolist())
    )


# -- state ------------------------------------------------------------------------------
def fingerprint(conn: Connection) -> tuple[int, int]:
    # Two statements: SQLite answers each from an index, but not both in one scan.
    n = conn.execute(sa.select(sa.func.count()).select_from(t.codings)).scalar_one()
    last = conn.execute(sa.select(sa.func.max(t.codings.c.id))).scalar_one()
    return int(n), int(last or 0)


def last_coding(conn: Connection) -> int:
    return int(conn.execute(sa.select(sa.func.max(t.codings.c.id))).scalar_one() or 0)


MAINTAINED = "qualtally.maintained"
"""PostgreSQL setting, on inside :func:`maintained`: the triggers of migration 0007 mark the
cache stale on any write to the counted tables made without it (another program, raw SQL,
a coder's role), so a PostgreSQL cache needs no count of the codings to know it is valid
(``count(*)`` over a million rows is a sequential scan there: 0.13 s measured)."""


def is_valid(conn: Connection) -> bool:
    row = conn.execute(sa.select(t.tally_cache_state).where(t.tally_cache_state.c.id == 1)).first()
    if row is None or not row.valid:
        return False
    if conn.dialect.name == "postgresql":
        return True
    return (row.codings, row.last_coding) == fingerprint(conn)


def _set_state(conn: Connection, valid: bool, known: tuple[int, int] | None = None) -> None:
    n, last = (known or fingerprint(conn)) if valid else (0, 0)
    values = {"valid": valid, "codings": n, "last_coding": last}
    with _writing(conn):
        if conn.execute(sa.update(t.tally_cache_state).where(t.tally_cache_state.c.id == 1)
                        .values(**values)).rowcount == 0:
            conn.execute(sa.insert(t.tally_cache_state).values(id=1, **values))


def invalidate(conn: Connection) -> None:
    """Mark the cache stale (it is rebuilt before its next read)."""
    _set_state(conn, False)


# -- (re)building -----------------------------------------------------------------------
def rebuild(conn: Connection) -> None:
    """Recount everything with the exact query; the caller's transaction commits it."""
    with _writing(conn):
        conn.execute(sa.delete(t.tally_cache))
        _insert(conn, _compute(conn, pairs(conn)))
        _set_state(conn, True)


def _recount_respondents(
    conn: Connection, rids: set[int], pair_list: list[tuple[int, int]]
) -> None:
    """Replace the rows of ``rids`` (every scope) by a fresh count of those respondents."""
    ids = sorted(rids)
    for i in range(0, len(ids), _CHUNK):
        conn.execute(
            sa.delete(t.tally_cache).where(t.tally_cache.c.respondent_id.in_(ids[i : i + _CHUNK]))
        )
    _insert(conn, _compute(conn, pair_list, ids))


def _recount_nodes(conn: Connection, nodes: set[int], pair_list: list[tuple[int, int]]) -> None:
    """Replace the entries of ``nodes`` in every respondent's row by a fresh count of them."""
    fresh = _compute(conn, pair_list, nodes=nodes)
    c = t.tally_cache.c
    merged: dict[tuple[bool, str, int], dict[int, int]] = {}
    for row in conn.execute(sa.select(c.any_coder, c.coder, c.respondent_id, c.nodes, c.excerpts)):
        key = (bool(row.any_coder), row.coder, int(row.respondent_id))
        merged[key] = {n: v for n, v in _unpack(row.nodes, row.excerpts).items() if n not in nodes}
    for key, values in fresh.items():
        merged.setdefault(key, {}).update(values)
    conn.execute(sa.delete(t.tally_cache))  # rewritten in bulk: far cheaper than row-by-row updates
    _insert(conn, merged)


NO_CACHE = "qualtally_no_tally_cache"
"""Engine execution option of a connection whose role may not write the cache (a coder on a
server, ``storage/roles.py``): its writes leave the cache alone (the codings' count and max
id tell the next maintainer it is stale) and its tallies run the exact query."""


def disabled(conn_or_engine: Connection | Engine) -> bool:
    return bool(conn_or_engine.get_execution_options().get(NO_CACHE))


def ensure(engine: Engine) -> None:
    """Rebuild the cache if it is missing or stale (one write transaction)."""
    if disabled(engine):
        return
    with engine.connect() as conn:
        if is_valid(conn):
            return
    with begin_write(engine) as conn:
        if not is_valid(conn):
            rebuild(conn)


# -- keeping it up to date inside a write ------------------------------------------------
@contextmanager
def _writing(conn: Connection) -> Iterator[None]:
    info = conn.info
    before = info.get(WRITER, 0)
    info[WRITER] = before + 1
    try:
        yield
    finally:
        info[WRITER] = before


class Tracker:
    """What a write touched: respondents (directly or through excerpts), new codings, the tree."""

    def __init__(
        self, conn: Connection, structure: bool, new_codings: bool, build: bool = False
    ) -> None:
        self.conn = conn
        self.build = build
        self.rids: set[int] = set()
        self.excerpt_codings: dict[int, int] = {}  # touched excerpt -> its codings before the write
        self.pairs_before = set(pairs(conn)) if structure else None
        self.last_coding = last_coding(conn) if new_codings else None

    def excerpts(self, excerpt_ids: Iterable[int]) -> None:
        """Call before changing the excerpts' codings (or deleting them): respondent and codings
        are read now."""
        ids = [i for i in excerpt_ids if i not in self.excerpt_codings]
        self.excerpt_codings.update(self._codings_on(ids))
        for i in range(0, len(ids), _CHUNK):
            q = (
                sa.select(t.excerpts.c.respondent_id)
                .distinct()
                .where(
                    t.excerpts.c.id.in_(ids[i : i + _CHUNK])
                    & t.excerpts.c.respondent_id.is_not(None)
                )
            )
            self.rids.update(int(r[0]) for r in self.conn.execute(q))

    def _codings_on(self, ids: list[int]) -> dict[int, int]:
        out = dict.fromkeys(ids, 0)
        for i in range(0, len(ids), _CHUNK):
            q = (sa.select(t.codings.c.excerpt_id, sa.func.count()).group_by(t.codings.c.excerpt_id)
                 .where(t.codings.c.excerpt_id.in_(ids[i:i + _CHUNK])))
            out.update({int(e): int(n) for e, n in self.conn.execute(q)})
        return out

    def _codings_now(self, state: Any) -> tuple[int, int]:
        """The codings' (count, max id) after this write, from the recorded one and this write's
        delta (counting a million rows on every click would cost more than the rest of the
        update)."""
        conn = self.conn
        n = int(state.codings) + sum(self._codings_on(list(self.excerpt_codings)).values()) \
            - sum(self.excerpt_codings.values())
        if self.last_coding is not None:
            q = (
                sa.select(sa.func.count())
                .select_from(t.codings)
                .where(t.codings.c.id > self.last_coding)
            )
            if self.excerpt_codings:
                q = q.where(t.codings.c.excerpt_id.not_in(list(self.excerpt_codings)))
            n += int(conn.execute(q).scalar_one())
        last = conn.execute(sa.select(sa.func.max(t.codings.c.id))).scalar_one()
        return n, int(last or 0)

    def respondents(self, rids: Iterable[int | None]) -> None:
        self.rids.update(int(r) for r in rids if r is not None)

    def event(self, entity: str, entity_id: int | None, data: dict[str, Any]) -> None:
        """An event about to be undone or redone: the excerpt it concerns is touched (undoing a
        narrowed span deletes that excerpt, and its codings with it)."""
        if entity == "excerpts" and entity_id is not None:
            self.excerpts([int(entity_id)])
        if data.get("excerpt_id") is not None:
            self.excerpts([int(data["excerpt_id"])])
        self.respondents([data.get("respondent_id")])

    def finish(self) -> None:
        conn = self.conn
        state = conn.execute(
            sa.select(t.tally_cache_state).where(t.tally_cache_state.c.id == 1)
        ).first()
        if state is None or not state.valid:
            if self.build:  # an import: pay the wholesale count now rather than at the next read
                rebuild(conn)
            return  # otherwise stale already: the next read rebuilds it wholesale
        if self.last_coding is not None:
            q = (sa.select(t.excerpts.c.respondent_id).distinct()
                 .select_from(t.codings.join(t.excerpts, t.excerpts.c.id == t.codings.c.excerpt_id))
                 .where(t.codings.c.id > self.last_coding))
            self.respondents(r[0] for r in conn.execute(q))
        everyone = None
        if self.rids:
            everyone = conn.execute(
                sa.select(sa.func.count()).select_from(t.respondents)
            ).scalar_one()
        if everyone and len(self.rids) > FULL_REBUILD_SHARE * everyone:
            rebuild(conn)
            return
        now = pairs(conn) if self.pairs_before is not None or self.rids else []
        if self.pairs_before is not None:
            diff = set(now) ^ self.pairs_before
            codes = sorted({c for _, c in diff})
            if (
                codes
                and conn.execute(
                    sa.select(t.codings.c.id).where(t.codings.c.code_id.in_(codes)).limit(1)
                ).first()
                is not None
            ):
                _recount_nodes(conn, {n for n, _ in diff}, now)
        if self.rids:
            _recount_respondents(conn, self.rids, now)
        _set_state(conn, True, self._codings_now(state))


@contextmanager
def maintained(conn: Connection, *, structure: bool = False, new_codings: bool = False,
               build: bool = False) -> Iterator[Tracker]:
    """Wrap a write: its statements do not invalidate the cache; the cache is updated at the end.

    ``structure``: the write may change the code tree or finding links. ``new_codings``:
    the respondents of codings inserted inside are recounted without being named.
    ``build``: if the cache is stale, rebuild it now (imports).
    """
    flag = conn.dialect.name == "postgresql" and not disabled(conn) and not conn.info.get(WRITER)
    if flag:
        conn.execute(sa.select(sa.func.set_config(MAINTAINED, "on", True)))
    with _writing(conn):
        tracker = Tracker(conn, structure, new_codings, build)
        yield tracker
        if not disabled(conn):
            tracker.finish()
    if flag:
        conn.execute(sa.select(sa.func.set_config(MAINTAINED, "off", True)))


@sa.event.listens_for(Engine, "after_execute")
def _watch(conn: Connection, clause: Any, *_args: Any) -> None:
    """A write to counted tables outside :func:`maintained` makes the cache stale, same
    transaction."""
    if not isinstance(clause, sa.sql.dml.UpdateBase):
        return
    table = getattr(clause, "table", None)
    if any(table is w for w in _WATCHED) and not conn.info.get(WRITER) and not disabled(conn):
        invalidate(conn)


# -- reading ----------------------------------------------------------------------------
def load(conn: Connection, coder: str | None) -> tuple[Any, Any, Any]:
    """(respondent ids, node ids, excerpts) arrays, one entry per (respondent, node) with
    support."""
    import numpy as np

    c = t.tally_cache.c
    q = (sa.select(c.respondent_id, c.nodes, c.excerpts)
         .where((c.any_coder == (coder is None)) & (c.coder == (coder or ""))))
    rows = conn.execute(q).all()
    if not rows:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    rids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    nodes = np.frombuffer(b"".join(r[1] for r in rows), _DTYPE).astype(np.int64)
    counts = np.frombuffer(b"".join(r[2] for r in rows), _DTYPE).astype(np.int64)
    lengths = np.fromiter((len(r[1]) // 4 for r in rows), dtype=np.int64, count=len(rows))
    return np.repeat(rids, lengths), nodes, counts
