"""The bare reference an import is compared with: spaCy blank("en") + sentencizer over the
same texts, then one SQLite executemany insert of the sentences, in a fresh process.

This is the floor the issue names ("comparable work"): read every file, split it into
sentences with spaCy, store them durably in one transaction. It keeps no respondents,
turns, event log or tally cache, so qualtally's import is expected to be slower; the
target is at least 60% of this reference's throughput (time ratio reference/import).

    python benchmarks/import/bare_reference.py FOLDER DB_FILE
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path


def main(folder: Path, db: Path) -> None:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
    rows = []
    for i, doc in enumerate(nlp.pipe(texts, batch_size=16)):
        rows.extend((i, s.start_char, s.end_char, s.text) for s in doc.sents)
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE IF NOT EXISTS sentence (doc INT, start INT, stop INT, text TEXT)")
    with con:
        con.executemany("INSERT INTO sentence VALUES (?, ?, ?, ?)", rows)
    con.close()
    print(f"{len(texts)} files, {len(rows)} sentences")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
