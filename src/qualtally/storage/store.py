"""The store: every write the project makes, each in one transaction, each logged.

Reads live in ``storage/queries.py``; undo/redo in ``storage/history.py``. Writes that a
person makes (apply or remove a code, a memo, a narrowed excerpt, a code edit) append an
undoable event in the same transaction as the change itself, so the event log is the
audit trail and the undo stack at once.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from qualtally.core.errors import InputError
from qualtally.core.models import (
    ORIGIN_HUMAN,
    ORIGINS,
    Code,
    ImportBundle,
    Turn,
)
from qualtally.core.placement import place_rows
from qualtally.storage import import_undo, marks
from qualtally.storage import tables as t
from qualtally.storage.engine import begin_write
from qualtally.storage.import_memos import write_memos
from qualtally.storage.rows import (
    _code_values,
    _write_memo,
    apply_code_fields,
    ensure_code_path,
    log_event,
    now,
)
from qualtally.storage.tally_cache import maintained


class Store:
    """Writes to one project database. Thread-safe: each call opens its own connection."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- settings -----------------------------------------------------------------
    def set_setting(self, key: str, value: Any, actor: str = "system") -> None:
        with begin_write(self.engine) as conn:
            old = conn.execute(sa.select(t.settings.c.value).where(t.settings.c.key == key)).first()
            if old is None:
                conn.execute(sa.insert(t.settings).values(key=key, value=value))
            else:
                conn.execute(
                    sa.update(t.settings).where(t.settings.c.key == key).values(value=value)
                )
            log_event(conn, actor, "setting.set", "settings", None,
                      {"key": key, "value": old[0] if old else None}, {"key": key, "value": value})

    # -- import ---------------------------------------------------------------------
    def import_bundle(self, bundle: ImportBundle, actor: str) -> dict[str, int]:
        """Write a whole import in one transaction; raise InputError and write nothing if bad."""
        counts = dict(
            respondents=0, documents=0, excerpts=0, codes=0, codings=0, findings=0, updated=0
        )
        with (
            begin_write(self.engine) as conn,
            maintained(conn, structure=True, new_codings=True, build=True),
        ):
            undo = import_undo.start(conn)  # what undoing this import will need
            if bundle.respondents:
                import_undo.remember_setting(conn, undo, import_undo.LISTED)
                conn.execute(sa.delete(t.settings).where(t.settings.c.key == import_undo.LISTED))
                conn.execute(sa.insert(t.settings).values(key=import_undo.LISTED, value=True))
            resp_ids = {
                r.key: r.id
                for r in conn.execute(sa.select(t.respondents.c.key, t.respondents.c.id))
            }
            for r in bundle.respondents:
                if r.key in resp_ids:
                    _update_logged(
                        conn,
                        t.respondents,
                        resp_ids[r.key],
                        {"attributes": dict(r.attributes)},
                        actor,
                        "respondent.update",
                        counts,
                    )
                else:
                    res = conn.execute(
                        sa.insert(t.respondents).values(key=r.key, attributes=dict(r.attributes))
                    )
                    resp_ids[r.key] = int(res.inserted_primary_key[0])
                    counts["respondents"] += 1

            if bundle.attribute_types:
                import_undo.remember_setting(conn, undo, "attribute_types")
                old = conn.execute(sa.select(t.settings.c.value)
                                   .where(t.settings.c.key == "attribute_types")).first()
                conn.execute(sa.delete(t.settings).where(t.settings.c.key == "attribute_types"))
                conn.execute(
                    sa.insert(t.settings).values(
                        key="attribute_types",
                        value={**(old[0] if old else {}), **bundle.attribute_types},
                    )
                )

            code_cache: dict[str, int] = {}
            before_codes = conn.execute(
                sa.select(sa.func.count()).select_from(t.codes)
            ).scalar_one()
            for code in bundle.codes:
                known_code = code.path in code_cache or conn.execute(
                    sa.select(t.codes.c.id).where(t.codes.c.path == code.path)).first() is not None
                code_id = ensure_code_path(conn, code.path, code_cache)
                if known_code:
                    _update_logged(
                        conn, t.codes, code_id, _code_values(code), actor, "code.update", counts
                    )
                else:
                    conn.execute(
                        sa.update(t.codes)
                        .where(t.codes.c.id == code_id)
                        .values(**_code_values(code))
                    )

            for i, f in enumerate(bundle.findings):
                values = dict(statement=f.statement, section=f.section, quantifier=f.quantifier,
                              asked=list(f.asked), ordinal=i)
                exists = conn.execute(
                    sa.select(t.findings.c.id).where(t.findings.c.key == f.key)
                ).first()
                if exists:
                    _update_logged(
                        conn, t.findings, exists.id, values, actor, "finding.update", counts
                    )
                else:
                    conn.execute(sa.insert(t.findings).values(key=f.key, **values))
                    counts["findings"] += 1
                for path in f.code_paths:
                    code_id = ensure_code_path(conn, path, code_cache)
                    import_undo.remember_link(conn, undo, code_id)
                    conn.execute(
                        sa.update(t.codes).where(t.codes.c.id == code_id).values(finding_key=f.key)
                    )
            if bundle.scale is not None:
                import_undo.remember_setting(conn, undo, "scale")
                value = {"steps": [[s.label, s.low, s.high] for s in bundle.scale.steps],
                         "source": bundle.scale.source}
                old = conn.execute(
                    sa.select(t.settings.c.value).where(t.settings.c.key == "scale")
                ).first()
                if old is None or old[0] != value:
                    conn.execute(sa.delete(t.settings).where(t.settings.c.key == "scale"))
                    conn.execute(sa.insert(t.settings).values(key="scale", value=value))
                    log_event(
                        conn, actor, "scale.set", "settings", None, old[0] if old else None, value
                    )

            known = {
                row.name: row.text
                for row in conn.execute(sa.select(t.documents.c.name, t.documents.c.text))
            }
            turns_of = _stored_turns(conn) if bundle.coded else {}
            docs = list(bundle.documents)
            for doc in docs:
                if doc.name in known:
                    raise InputError(
                        doc.name, "a document with this name is already in the project"
                    )
                known[doc.name] = doc.text
                turns_of[doc.name] = list(doc.turns)
            synthetic, placements = place_rows(
                bundle.coded, known, bundle.coded_source or bundle.source, turns_of
            )
            docs.extend(synthetic)

            doc_ids: dict[str, int] = {}
            for doc in docs:
                doc_ids[doc.name] = self._insert_document(conn, doc, bundle, resp_ids, counts)
            for name, doc_id in conn.execute(sa.select(t.documents.c.name, t.documents.c.id)):
                doc_ids.setdefault(name, doc_id)

            for p in placements:
                row = p.row
                bad = [o for o in row.origins if o not in ORIGINS]
                if bad or (row.origins and len(row.origins) != len(row.codes)):
                    raise InputError(
                        bundle.coded_source or bundle.source,
                        f"line {row.line}: origin must list one of {', '.join(ORIGINS)} per code",
                    )
                resp_key = p.respondent
                if resp_key and resp_key not in resp_ids:
                    res = conn.execute(sa.insert(t.respondents).values(key=resp_key, attributes={}))
                    resp_ids[resp_key] = int(res.inserted_primary_key[0])
                    counts["respondents"] += 1
                excerpt_id = self._ensure_excerpt(conn, doc_ids[p.document], p.start, p.end,
                                                  resp_ids.get(resp_key) if resp_key else None,
                                                  row.question, counts)
                if row.memo:
                    conn.execute(sa.delete(t.memos).where((t.memos.c.excerpt_id == excerpt_id)
                                                          & (t.memos.c.coder == row.coder)))
                    conn.execute(sa.insert(t.memos).values(excerpt_id=excerpt_id, coder=row.coder,
                                                           text=row.memo, updated=now()))
                    counts["memos"] = counts.get("memos", 0) + 1
                if not row.codes and not row.memo:  # a memo alone does not say "nothing applies"
                    conn.execute(
                        sa.delete(t.reviewed).where(
                            (t.reviewed.c.excerpt_id == excerpt_id)
                            & (t.reviewed.c.coder == row.coder)
                        )
                    )
                    conn.execute(
                        sa.insert(t.reviewed).values(excerpt_id=excerpt_id, coder=row.coder)
                    )
                for i, path in enumerate(row.codes):
                    code_id = ensure_code_path(conn, path, code_cache)
                    exists = conn.execute(sa.select(t.codings.c.id).where(
                        (t.codings.c.excerpt_id == excerpt_id) & (t.codings.c.code_id == code_id)
                        & (t.codings.c.coder == row.coder))).first()
                    if exists is None:
                        conn.execute(
                            sa.insert(t.codings).values(
                                excerpt_id=excerpt_id,
                                code_id=code_id,
                                coder=row.coder,
                                origin=row.origins[i] if row.origins else ORIGIN_HUMAN,
                                created=row.created[i]
                                if i < len(row.created) and row.created[i]
                                else now(),
                            )
                        )
                        counts["codings"] += 1
            if bundle.memos:
                write_memos(conn, bundle.memos, bundle.source, known, turns_of, doc_ids, resp_ids,
                            counts, self._ensure_excerpt)
            after_codes = conn.execute(sa.select(sa.func.count()).select_from(t.codes)).scalar_one()
            counts["codes"] = after_codes - before_codes
            log_event(conn, actor, "import", "project", None, import_undo.finish(conn, undo),
                      {"source": bundle.source, **counts})
        return counts

    def _insert_document(self, conn, doc, bundle: ImportBundle, resp_ids, counts) -> int:
        res = conn.execute(sa.insert(t.documents).values(
            name=doc.name, kind=doc.kind, text=doc.text, meta=dict(doc.meta)))
        doc_id = int(res.inserted_primary_key[0])
        counts["documents"] += 1
        sentences = bundle.sentences.get(doc.name) if bundle.unit == "sentence" else None
        turn_rows, excerpt_rows = [], []
        for idx, turn in enumerate(doc.turns):
            if turn.respondent_key and turn.respondent_key not in resp_ids:
                res = conn.execute(
                    sa.insert(t.respondents).values(key=turn.respondent_key, attributes={})
                )
                resp_ids[turn.respondent_key] = int(res.inserted_primary_key[0])
                counts["respondents"] += 1
            rid = resp_ids.get(turn.respondent_key) if turn.respondent_key else None
            turn_rows.append(dict(document_id=doc_id, idx=idx, start=turn.start, end=turn.end,
                                  speaker=turn.speaker, respondent_id=rid, meta=dict(turn.meta)))
            if rid is None or turn.end <= turn.start or doc.kind == "csv":
                continue
            spans = [(turn.start, turn.end)]
            if sentences is not None:
                spans = [(s, e) for s, e in sentences if turn.start <= s and e <= turn.end] or spans
            # a new document has no excerpts yet, and turns (or their sentences) never nest
            excerpt_rows.extend(dict(document_id=doc_id, start=s, end=e, respondent_id=rid,
                                     parent_id=None, question=turn.meta.get("question"))
                                for s, e in dict.fromkeys(spans))
        if turn_rows:
            conn.execute(sa.insert(t.turns), turn_rows)
        if excerpt_rows:
            conn.execute(sa.insert(t.excerpts), excerpt_rows)
            counts["excerpts"] += len(excerpt_rows)
        return doc_id

    @staticmethod
    def _ensure_excerpt(conn, doc_id, start, end, rid, question, counts) -> int:
        row = conn.execute(sa.select(t.excerpts.c.id).where(
            (t.excerpts.c.document_id == doc_id) & (t.excerpts.c.start == start)
            & (t.excerpts.c.end == end))).first()
        if row is not None:
            if question:
                conn.execute(sa.update(t.excerpts).where(t.excerpts.c.id == row.id)
                             .where(t.excerpts.c.question.is_(None)).values(question=question))
            return int(row.id)
        parent = conn.execute(sa.select(t.excerpts.c.id).where(
            (t.excerpts.c.document_id == doc_id) & (t.excerpts.c.start <= start)
            & (t.excerpts.c.end >= end) & (t.excerpts.c.parent_id.is_(None)))
            .order_by(t.excerpts.c.start)).first()
        res = conn.execute(sa.insert(t.excerpts).values(
            document_id=doc_id, start=start, end=end, respondent_id=rid,
            parent_id=parent.id if parent else None, question=question))
        counts["excerpts"] += 1
        return int(res.inserted_primary_key[0])

    # -- coding -------------------------------------------------------------------------
    def apply_code(
        self, excerpt_id: int, code_id: int, coder: str, origin: str = ORIGIN_HUMAN
    ) -> bool:
        """Apply a code; False if this coder already had it on this excerpt."""
        with begin_write(self.engine) as conn, maintained(conn) as tally_cache:
            tally_cache.excerpts([excerpt_id])
            exists = conn.execute(sa.select(t.codings.c.id).where(
                (t.codings.c.excerpt_id == excerpt_id) & (t.codings.c.code_id == code_id)
                & (t.codings.c.coder == coder))).first()
            if exists is not None:
                return False
            data = dict(
                excerpt_id=excerpt_id, code_id=code_id, coder=coder, origin=origin, created=now()
            )
            res = conn.execute(sa.insert(t.codings).values(**data))
            cleared = marks.clear_for_coding(conn, excerpt_id, coder)
            # the nothing-applies marks the coding replaced, so that undoing it restores them
            before = ({"excerpt_id": excerpt_id, "coder": coder, "nothing_applies": cleared}
                      if cleared else None)
            log_event(conn, coder, "coding.add", "codings", int(res.inserted_primary_key[0]),
                      before, data, undoable=True)
        return True

    def remove_code(self, excerpt_id: int, code_id: int, coder: str) -> bool:
        with begin_write(self.engine) as conn, maintained(conn) as tally_cache:
            tally_cache.excerpts([excerpt_id])
            row = conn.execute(sa.select(t.codings).where(
                (t.codings.c.excerpt_id == excerpt_id) & (t.codings.c.code_id == code_id)
                & (t.codings.c.coder == coder))).first()
            if row is None:
                return False
            conn.execute(sa.delete(t.codings).where(t.codings.c.id == row.id))
            before = dict(excerpt_id=row.excerpt_id, code_id=row.code_id, coder=row.coder,
                          origin=row.origin, created=row.created)
            log_event(conn, coder, "coding.remove", "codings", row.id, before, None, undoable=True)
        return True

    def reject_suggestion(self, excerpt_id: int, code_id: int, coder: str) -> None:
        with begin_write(self.engine) as conn:
            exists = conn.execute(sa.select(t.rejections.c.id).where(
                (t.rejections.c.excerpt_id == excerpt_id) & (t.rejections.c.code_id == code_id)
                & (t.rejections.c.coder == coder))).first()
            if exists:
                return
            data = dict(excerpt_id=excerpt_id, code_id=code_id, coder=coder, created=now())
            res = conn.execute(sa.insert(t.rejections).values(**data))
            log_event(conn, coder, "suggestion.reject", "rejections",
                      int(res.inserted_primary_key[0]), None, data, undoable=True)

    def set_memo(self, excerpt_id: int, coder: str, text: str) -> None:
        with begin_write(self.engine) as conn:
            old = conn.execute(sa.select(t.memos).where(
                (t.memos.c.excerpt_id == excerpt_id) & (t.memos.c.coder == coder))).first()
            before = {"excerpt_id": excerpt_id, "coder": coder, "text": old.text} if old else None
            after = {"excerpt_id": excerpt_id, "coder": coder, "text": text} if text else None
            _write_memo(conn, excerpt_id, coder, text)
            log_event(conn, coder, "memo.set", "memos", excerpt_id, before, after, undoable=True)

    def narrow_excerpt(self, excerpt_id: int, start: int, end: int, coder: str) -> int:
        """Create (or find) a span excerpt inside ``excerpt_id``; return its id."""
        with begin_write(self.engine) as conn, maintained(conn):  # a new excerpt has no codings yet
            base = conn.execute(sa.select(t.excerpts).where(t.excerpts.c.id == excerpt_id)).first()
            if base is None:
                raise InputError(f"excerpt {excerpt_id}", "no such excerpt")
            if not (base.start <= start < end <= base.end):
                raise InputError(f"excerpt {excerpt_id}", "the span lies outside the excerpt")
            existing = conn.execute(sa.select(t.excerpts.c.id).where(
                (t.excerpts.c.document_id == base.document_id) & (t.excerpts.c.start == start)
                & (t.excerpts.c.end == end))).first()
            if existing:
                return int(existing.id)
            data = dict(document_id=base.document_id, start=start, end=end,
                        respondent_id=base.respondent_id, parent_id=base.id, question=base.question)
            res = conn.execute(sa.insert(t.excerpts).values(**data))
            new_id = int(res.inserted_primary_key[0])
            log_event(conn, coder, "excerpt.add", "excerpts", new_id, None, {**data, "id": new_id},
                      undoable=True)
            return new_id

    # -- codebook -----------------------------------------------------------------------
    def add_code(self, code: Code, actor: str) -> int:
        with begin_write(self.engine) as conn, maintained(conn, structure=True):
            exists = conn.execute(
                sa.select(t.codes.c.id).where(t.codes.c.path == code.path)
            ).first()
            if exists:
                raise InputError(code.path, "a code with this path already exists")
            code_id = ensure_code_path(conn, code.path)
            values = _code_values(code)
            conn.execute(sa.update(t.codes).where(t.codes.c.id == code_id).values(**values))
            log_event(conn, actor, "code.add", "codes", code_id, None,
                      {"path": code.path, **values}, undoable=True)
            return code_id

    def update_code(self, code_id: int, actor: str, **fields: Any) -> None:
        allowed = {
            "definition",
            "include",
            "exclude",
            "keywords",
            "examples",
            "colour",
            "finding_key",
            "name",
            "parent_id",
        }
        bad = set(fields) - allowed
        if bad:
            raise ValueError(f"cannot update {sorted(bad)}")
        with begin_write(self.engine) as conn, maintained(conn, structure=True):
            row = conn.execute(sa.select(t.codes).where(t.codes.c.id == code_id)).first()
            if row is None:
                raise InputError(f"code {code_id}", "no such code")
            before = {k: getattr(row, k) for k in fields}
            apply_code_fields(conn, row, fields)
            log_event(
                conn, actor, "code.update", "codes", code_id, before, dict(fields), undoable=True
            )


def _update_logged(conn: Connection, table, row_id: int, values: dict[str, Any], actor: str,
                   action: str, counts: dict[str, int]) -> None:
    """Update a row an import brings again; log the fields that changed, before and after."""
    old = conn.execute(sa.select(table).where(table.c.id == row_id)).first()
    changed = {k: v for k, v in values.items() if getattr(old, k) != v}
    if not changed:
        return
    conn.execute(sa.update(table).where(table.c.id == row_id).values(**changed))
    log_event(conn, actor, action, table.name, row_id,
              {k: getattr(old, k) for k in changed}, changed)
    counts["updated"] += 1


def _stored_turns(conn: Connection) -> dict[str, list[Turn]]:
    """Document name -> its turns with respondent keys, for checking coded rows."""
    q = (sa.select(t.documents.c.name, t.turns.c.start, t.turns.c.end, t.turns.c.speaker,
                   t.respondents.c.key)
         .join(t.documents, t.documents.c.id == t.turns.c.document_id)
         .outerjoin(t.respondents, t.respondents.c.id == t.turns.c.respondent_id)
         .order_by(t.turns.c.document_id, t.turns.c.idx))
    out: dict[str, list[Turn]] = {}
    for name, start, end, speaker, key in conn.execute(q):
        out.setdefault(name, []).append(Turn(start, end, speaker, key))
    return out
