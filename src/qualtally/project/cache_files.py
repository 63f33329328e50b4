"""A suggestion cache shipped beside a model: written for the demo, read into a new project.

``models/build/make_demo_suggestions.py`` exports the loaded model's entries for the
demo corpus (gzipped JSON, keyed by text hash, under the model's key); a new demo project
is seeded with them (``qualtally.demo``), so its very first coding screen shows
suggestions before scikit-learn and spaCy are imported.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from qualtally.project.suggestion_cache import SuggestionCache
from qualtally.storage import suggestion_cache as sc


def export(cache: SuggestionCache, path: Path) -> int:
    """Write the loaded model's cache entries to ``path``; the number written."""
    key = cache.state.key
    if key is None:
        raise ValueError("no saved model is loaded: nothing to export")
    rows = cache.reads.read(sc.read_many, key)
    entries = {h: data for h, data in rows.values()}
    with gzip.open(path, "wt", encoding="utf-8") as f:
        json.dump({"v": sc.FORMAT, "model_key": key, "entries": entries}, f, sort_keys=True)
    return len(entries)


def seed(cache: SuggestionCache, path: Path) -> int:
    """Fill the cache from a shipped file, for excerpts whose text it holds; 0 if none fits.

    Entries are used only under the model key the loader will pick for this codebook
    (the file's), and each under its excerpt's text hash, so a seeded entry is exactly
    what that model computes for that text; the loader's refresh keeps or replaces them
    like any other entry.
    """
    try:  # an optional file: truncated, not gzip, not JSON or not ours means no seeding
        with gzip.open(path, "rt", encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, EOFError, ValueError):
        return 0
    if not isinstance(data, dict) or not isinstance(data.get("entries"), dict):
        return 0
    key = data.get("model_key")
    if data.get("v") != sc.FORMAT or key is None or key != cache.expected_key(cache.reads.codes()):
        return 0
    entries = data["entries"]
    rows = []
    for e in cache.reads.excerpts():
        h = sc.text_hash(e.text, e.question)
        if h in entries:
            rows.append((e.id, key, h, entries[h]))
    return sc.upsert_many(cache.engine, rows) if rows else 0
