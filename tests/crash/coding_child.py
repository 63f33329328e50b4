"""The child of ``test_crash_coding.py``: codes without end through ``Project``.

``python coding_child.py PROJECT REPORT SEED``. Applies, removes, accepts suggestions (a
fixed, model-free rule: ``tests/tui/fixed_suggester.py``), writes memos, narrows spans,
undoes and redoes, as coder ``crash``, picking each step with ``random.Random(SEED)``.
After each step has returned (so it is committed), appends one line to REPORT: the step,
the coder's event count and last event id, and the state (``facts``) read back. The
parent SIGKILLs it at a random moment.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: tui.fixed_suggester

CODER = "crash"


def facts(path: str) -> dict:
    """The coder's codings and memos and every excerpt, as sorted lists (JSON-ready)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {
            "codings": sorted(map(list, conn.execute(
                "SELECT excerpt_id, code_id, origin FROM codings WHERE coder = ?", (CODER,)))),
            "memos": sorted(map(list, conn.execute(
                "SELECT excerpt_id, text FROM memos WHERE coder = ?", (CODER,)))),
            "excerpts": sorted(map(list, conn.execute(
                "SELECT id, document_id, start, \"end\" FROM excerpts"))),
            "events": list(conn.execute(
                "SELECT count(*), coalesce(max(id), 0) FROM events WHERE actor = ?",
                (CODER,)).fetchone()),
        }
    finally:
        conn.close()


def main() -> None:
    from tui.fixed_suggester import fixed_suggestions

    from qualtally.project import Project

    path, report, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
    rnd = random.Random(seed)
    out = os.open(report, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    p = Project.open(path)
    codes = p.codes()
    print("ready", flush=True)
    n = 0
    while True:
        n += 1
        excerpts = p.excerpts()
        top = [e for e in excerpts if e.respondent_key and len(e.text) > 12]
        e = rnd.choice(excerpts)
        mine = facts(path)["codings"]
        step = rnd.choices(["apply", "remove", "accept", "memo", "narrow", "undo", "redo"],
                           [3, 2, 1, 1, 1, 2, 1])[0]
        if step == "apply":
            p.apply_code(e.id, rnd.choice(codes).id, CODER)
        elif step == "remove" and mine:
            excerpt_id, code_id, _ = rnd.choice(mine)
            p.remove_code(excerpt_id, code_id, CODER)
        elif step == "accept":
            best = fixed_suggestions(e.text, codes)[0]
            p.accept_suggestion(e.id, best.code_path, CODER)
        elif step == "memo":
            p.set_memo(e.id, CODER, f"memo {n} [inaudible] {rnd.random():.3f}")
        elif step == "narrow" and top:
            t = rnd.choice(top)
            a = t.start + rnd.randrange(0, len(t.text) // 2)
            p.narrow(t.id, a, rnd.randrange(a + 1, t.end + 1), CODER)
        elif step == "undo":
            p.undo(CODER)
        elif step == "redo":
            p.redo(CODER)
        line = json.dumps({"n": n, "step": step, **facts(path)}) + "\n"
        os.write(out, line.encode())  # one write: in the kernel's hands once it returns


if __name__ == "__main__":
    main()
