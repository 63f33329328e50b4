"""``qualtally merge``: coders' own copies of a project brought into one, in one transaction.

Documents are recognised by their text (a copy may have renamed one), codes by path,
respondents by key, excerpts by (document, start, end). Everything a copy holds that the
target lacks is added: documents with their turns and excerpts, respondents, codes (with
their definitions), findings, codings (each keeping its coder, origin and time),
"nothing applies" marks, memos, rejected suggestions and consensus decisions. What the
target already holds is left as it is, so merging the same copy twice changes nothing.
What cannot be reconciled -- a document of the same name with other text, a respondent
attribute with two values, two memos of one coder on one excerpt, two decisions on one
disagreement, an excerpt attributed to two people -- is collected; if there is any, the
merge raises :class:`MergeConflict` listing them all and the transaction writes nothing.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from qualtally.core.errors import InputError
from qualtally.storage import tables as t
from qualtally.storage.engine import begin_write
from qualtally.storage.merge_read import Copy
from qualtally.storage.rows import _code_values, ensure_code_path, log_event
from qualtally.storage.tally_cache import maintained


def _inserted(res: Any) -> int:
    key = res.inserted_primary_key
    assert key is not None
    return int(key[0])


class MergeConflict(InputError):
    def __init__(self, conflicts: list[str]) -> None:
        self.conflicts = conflicts
        more = f" (and {len(conflicts) - 1} more)" if len(conflicts) > 1 else ""
        super().__init__("merge", f"nothing merged: {conflicts[0]}{more}")


class _Merger:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.counts: Counter[str] = Counter()
        self.conflicts: list[str] = []
        c = conn.execute
        self.resp = dict(c(sa.select(t.respondents.c.key, t.respondents.c.id)).all())
        self.attrs = dict(c(sa.select(t.respondents.c.key, t.respondents.c.attributes)).all())
        self.docs = {r.name: (r.id, r.text) for r in c(sa.select(t.documents.c.id,
                                                                   t.documents.c.name,
                                                                   t.documents.c.text))}
        self.by_text: dict[str, list[tuple[str, int]]] = {}
        for name, (doc_id, text) in self.docs.items():
            self.by_text.setdefault(text, []).append((name, doc_id))
        self.codes: dict[str, int] = dict(c(sa.select(t.codes.c.path, t.codes.c.id)).all())

    # -- people, codes, documents ---------------------------------------------------------
    def respondent(self, key: str | None, attributes: dict[str, Any], src: str) -> int | None:
        if key is None:
            return None
        if key not in self.resp:
            res = self.conn.execute(sa.insert(t.respondents).values(key=key, attributes=attributes))
            self.resp[key], self.attrs[key] = _inserted(res), dict(attributes)
            self.counts["respondents"] += 1
            return self.resp[key]
        have = dict(self.attrs[key] or {})
        for name, value in attributes.items():
            if name in have and have[name] != value:
                self.conflicts.append(f"{src}: respondent {key} has {name}={value!r}, "
                                      f"the target {have[name]!r}")
        missing = {k: v for k, v in attributes.items() if k not in have}
        if missing:
            self.attrs[key] = {**have, **missing}
            self.conn.execute(sa.update(t.respondents).where(t.respondents.c.key == key)
                              .values(attributes=self.attrs[key]))
            self.counts["respondent attributes"] += len(missing)
        return self.resp[key]

    def code(self, path: str, source: Copy) -> int:
        if path not in self.codes:
            code_id = ensure_code_path(self.conn, path, self.codes)
            found = next((c for c in source.codes if c.path == path), None)
            if found is not None:
                self.conn.execute(sa.update(t.codes).where(t.codes.c.id == code_id)
                                  .values(**_code_values(found)))
            self.counts["codes"] += 1
        return self.codes[path]

    def document(self, doc: dict[str, Any], src: str) -> int | None:
        same_text = self.by_text.get(doc["text"], [])
        if same_text:
            return next((i for name, i in same_text if name == doc["name"]), same_text[0][1])
        if doc["name"] in self.docs:
            self.conflicts.append(f"{src}: document {doc['name']} has other text than the "
                                  "target's document of that name")
            return None
        res = self.conn.execute(sa.insert(t.documents).values(
            name=doc["name"], kind=doc["kind"], text=doc["text"], meta=doc["meta"]))
        doc_id = _inserted(res)
        self.docs[doc["name"]] = (doc_id, doc["text"])
        self.by_text.setdefault(doc["text"], []).append((doc["name"], doc_id))
        for turn in doc["turns"]:
            rid = self.respondent(turn["respondent"], {}, src)
            self.conn.execute(sa.insert(t.turns).values(
                document_id=doc_id, idx=turn["idx"], start=turn["start"], end=turn["end"],
                speaker=turn["speaker"], respondent_id=rid, meta=turn["meta"]))
        self.counts["documents"] += 1
        return doc_id

    def excerpt(self, e: dict[str, Any], doc_id: int, src: str) -> int | None:
        rid = self.respondent(e["respondent"], {}, src)
        row = self.conn.execute(sa.select(t.excerpts.c.id, t.excerpts.c.respondent_id).where(
            (t.excerpts.c.document_id == doc_id) & (t.excerpts.c.start == e["start"])
            & (t.excerpts.c.end == e["end"]))).first()
        if row is not None:
            if row.respondent_id != rid:
                self.conflicts.append(f"{src}: the excerpt at {e['start']}-{e['end']} is "
                                      "attributed to someone else in the target")
            return int(row.id)
        parent = self.conn.execute(sa.select(t.excerpts.c.id).where(
            (t.excerpts.c.document_id == doc_id) & (t.excerpts.c.start <= e["start"])
            & (t.excerpts.c.end >= e["end"]) & t.excerpts.c.parent_id.is_(None))
            .order_by(t.excerpts.c.start)).first()
        res = self.conn.execute(sa.insert(t.excerpts).values(
            document_id=doc_id, start=e["start"], end=e["end"], respondent_id=rid,
            parent_id=parent.id if parent is not None and e["parent_id"] is not None else None,
            question=e["question"]))
        self.counts["excerpts"] += 1
        return _inserted(res)

    # -- what people did --------------------------------------------------------------------
    def _absent(self, table: sa.Table, **keys: Any) -> bool:
        cond = sa.and_(*(table.c[k] == v for k, v in keys.items()))
        return self.conn.execute(sa.select(sa.literal(1)).select_from(table).where(cond)).first() \
            is None

    def work(self, source: Copy, excerpts: dict[int, int]) -> None:
        conn, src = self.conn, source.name
        for r in source.codings:
            if r["excerpt_id"] not in excerpts:
                continue
            key = {"excerpt_id": excerpts[r["excerpt_id"]],
                   "code_id": self.code(r["path"], source), "coder": r["coder"]}
            if self._absent(t.codings, **key):
                conn.execute(sa.insert(t.codings).values(**key, origin=r["origin"],
                                                         created=r["created"]))
                self.counts["codings"] += 1
        for excerpt_id, coder in source.reviewed:
            if excerpt_id in excerpts and self._absent(t.reviewed, excerpt_id=excerpts[excerpt_id],
                                                       coder=coder):
                conn.execute(sa.insert(t.reviewed).values(excerpt_id=excerpts[excerpt_id],
                                                          coder=coder))
                self.counts["nothing-applies marks"] += 1
        for m in source.memos:
            if m["excerpt_id"] not in excerpts:
                continue
            eid = excerpts[m["excerpt_id"]]
            have = conn.execute(sa.select(t.memos.c.text).where(
                (t.memos.c.excerpt_id == eid) & (t.memos.c.coder == m["coder"]))).scalar()
            if have is None:
                conn.execute(sa.insert(t.memos).values(**{**m, "excerpt_id": eid}))
                self.counts["memos"] += 1
            elif have != m["text"]:
                self.conflicts.append(f"{src}: {m['coder']}'s memo on an excerpt differs from "
                                      "the target's")
        for r in source.rejections:
            if r["excerpt_id"] not in excerpts:
                continue
            key = {"excerpt_id": excerpts[r["excerpt_id"]],
                   "code_id": self.code(r["path"], source), "coder": r["coder"]}
            if self._absent(t.rejections, **key):
                conn.execute(sa.insert(t.rejections).values(**key, created=r["created"]))
                self.counts["rejections"] += 1
        for d in source.decisions:
            self.decision(d, source, excerpts)

    def decision(self, d: dict[str, Any], source: Copy, excerpts: dict[int, int]) -> None:
        D = t.consensus_decisions
        if d["excerpt_id"] is not None and d["excerpt_id"] not in excerpts:
            return
        values = {"kind": d["kind"], "code_id": self.code(d["path"], source),
                  "coder_a": d["coder_a"], "coder_b": d["coder_b"],
                  "excerpt_id": excerpts.get(d["excerpt_id"]) if d["excerpt_id"] else None,
                  "respondent_id": self.resp.get(d["respondent"]) if d["respondent"] else None}
        cond = sa.and_(*((D.c[k].is_(None) if v is None else D.c[k] == v)
                         for k, v in values.items()))
        have = self.conn.execute(sa.select(D.c.choice).where(cond)).scalar()
        if have is None:
            self.conn.execute(sa.insert(D).values(**values, choice=d["choice"], actor=d["actor"],
                                                  at=d["at"]))
            self.counts["consensus decisions"] += 1
        elif have != d["choice"]:
            self.conflicts.append(f"{source.name}: a disagreement on {d['path']} was resolved "
                                  f"as {d['choice']!r} there and {have!r} in the target")

    def findings_and_settings(self, source: Copy) -> None:
        known = set(self.conn.execute(sa.select(t.findings.c.key)).scalars())
        n = len(known)
        for f in source.findings:
            if f.key not in known:
                self.conn.execute(sa.insert(t.findings).values(
                    key=f.key, statement=f.statement, section=f.section,
                    quantifier=f.quantifier, asked=list(f.asked), ordinal=n))
                known.add(f.key)
                n += 1
                self.counts["findings"] += 1
        have = dict(self.conn.execute(sa.select(t.settings.c.key, t.settings.c.value)).all())
        for key in ("scale", "attribute_types"):
            if key in source.settings and key not in have:
                self.conn.execute(sa.insert(t.settings).values(key=key,
                                                               value=source.settings[key]))
                self.counts["settings"] += 1


def merge(engine: Engine, sources: list[Copy], actor: str) -> dict[str, int]:
    """Merge ``sources`` into the project at ``engine``; counts of what was added."""
    with begin_write(engine) as conn, maintained(conn, structure=True, new_codings=True) as tracker:
        m = _Merger(conn)
        for source in sources:
            for key, attributes in source.respondents.items():
                m.respondent(key, attributes, source.name)
            for code in source.codes:
                m.code(code.path, source)
            docs = {i: m.document(d, source.name) for i, d in source.documents.items()}
            excerpts: dict[int, int] = {}
            turns_first = sorted(source.excerpts.items(),
                                 key=lambda kv: kv[1]["parent_id"] is not None)
            for eid, e in turns_first:
                doc_id = docs.get(e["document_id"])
                if doc_id is not None:
                    got = m.excerpt(e, doc_id, source.name)
                    if got is not None:
                        excerpts[eid] = got
            tracker.excerpts(list(excerpts.values()))
            m.work(source, excerpts)
            m.findings_and_settings(source)
        if m.conflicts:
            raise MergeConflict(m.conflicts)
        counts = {k: v for k, v in m.counts.items() if v}
        if counts:
            log_event(conn, actor, "merge", "project", None, None,
                      {"sources": [s.name for s in sources], **counts})
    return counts
