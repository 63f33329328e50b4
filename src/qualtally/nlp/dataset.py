"""Coded-excerpts and texts CSV files as training and prediction items.

The CLI harness (``suggest --train``, ``evaluate``) must work on any coded-excerpts CSV
without a project, so this small reader turns one into multi-label :class:`Item` rows:
rows with the same (document, text) and coder are one excerpt, their codes merged. When
several coders coded the same excerpt, one coder's view is kept (``coder`` or the first
alphabetically), because averaging two people's codes would train on neither.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from qualtally.core.errors import InputError
from qualtally.core.models import PATH_SEP, CodedRow, split_path
from qualtally.importers.decoding import read_text


@dataclass
class Item:
    """One excerpt with its set of codes (empty = coded as nothing applies)."""

    text: str
    codes: tuple[str, ...]
    question: str = ""
    document: str = ""
    respondent: str = ""
    key: str = ""


def norm_code(path: str) -> str:
    return PATH_SEP.join(split_path(path))


def _read(path: str | Path) -> list[dict[str, str]]:
    csv.field_size_limit(2**31 - 1)  # long transcript passages exceed the 128 KB default
    path = Path(path)
    if not path.is_file():
        raise InputError(str(path), "file not found")
    # the importers' decoding: UTF-8 (BOM or not), UTF-16 with BOM, CP1252; binary refused
    reader = csv.DictReader(io.StringIO(read_text(path, str(path)), newline=""))
    try:
        fields = [f.strip().lower() for f in (reader.fieldnames or [])]
        rows = [
            {k.strip().lower(): (v or "") for k, v in raw.items() if k is not None}
            for raw in reader
        ]
    except csv.Error as err:
        raise InputError(
            str(path), f"not a readable CSV file (line {reader.line_num}: {err})"
        ) from None
    return rows if rows or fields else []


def rows_to_items(rows: list[CodedRow], coder: str | None = None) -> list[Item]:
    """Merge coded rows into multi-label items, keeping one coder's view."""
    coders = sorted({r.coder for r in rows})
    if coder is not None and coder not in coders:
        raise InputError(coder, f"no rows by this coder (coders: {', '.join(coders)})")
    by_key: dict[tuple, Item] = {}
    seen_by: dict[tuple, set[str]] = defaultdict(set)
    for r in rows:
        key = (r.document or "", r.text.strip(), r.question or "")
        seen_by[key].add(r.coder)
    for r in rows:
        key = (r.document or "", r.text.strip(), r.question or "")
        chosen = coder if coder is not None else min(seen_by[key])
        if r.coder != chosen:
            continue
        item = by_key.get(key)
        if item is None:
            item = by_key[key] = Item(r.text.strip(), (), r.question or "", r.document or "",
                                      r.respondent, f"{r.document or ''}#{len(by_key)}")
        new = [norm_code(c) for c in r.codes if norm_code(c)]
        item.codes = tuple(dict.fromkeys(item.codes + tuple(new)))
    return list(by_key.values())


def load_coded(path: str | Path, coder: str | None = None) -> list[Item]:
    """Read a coded-excerpts CSV (``respondent``, ``text``, ``codes`` at least)."""
    rows = _read(path)
    if not rows:
        raise InputError(str(path), "no rows")
    missing = {"text", "codes"} - set(rows[0])
    if missing:
        raise InputError(str(path), f"missing column(s): {', '.join(sorted(missing))}")
    coded = []
    for i, r in enumerate(rows, start=2):
        if not r["text"].strip():
            continue
        codes = tuple(c for c in (x.strip() for x in r["codes"].split(";")) if c)
        coded.append(
            CodedRow(
                r.get("respondent", ""),
                r["text"],
                codes,
                r.get("coder") or "imported",
                r.get("document") or None,
                r.get("question") or None,
                line=i,
            )
        )
    items = rows_to_items(coded, coder)
    if not any(it.codes for it in items):
        raise InputError(str(path), "no row has a code: nothing to learn from")
    return items


def load_texts(path: str | Path) -> list[tuple[str, str, str]]:
    """Read a texts CSV (``id``, ``text``, optional ``question``) as (id, text, question).

    Every row needs its own non-empty ``id``: the output is matched back to the input by
    it, so a missing column, a blank id or one used twice is refused, not guessed.
    """
    rows = _read(path)
    if not rows:
        raise InputError(str(path), "no rows")
    missing = {"id", "text"} - set(rows[0])
    if missing:
        raise InputError(str(path), f"missing column(s): {', '.join(sorted(missing))}")
    out, seen = [], {}
    for line, r in enumerate(rows, start=2):
        ident = (r["id"] or "").strip()
        if not ident:
            raise InputError(str(path), f"line {line}: empty id")
        if ident in seen:
            raise InputError(
                str(path), f"line {line}: id {ident!r} already used on line {seen[ident]}"
            )
        seen[ident] = line
        out.append((ident, r["text"] or "", r.get("question") or ""))
    return out
