"""A retraining killed with SIGKILL leaves the old model or the new one, never a broken one.

A child (``retrain_child.py``, forked from ``zygote.py`` with spaCy and scikit-learn
loaded) retrains and saves a model into one folder again and again; it is killed at random
moments (seeded), 10 times, and once more at the worst moment: the new model file written,
the card not yet switched to it. After each kill the folder's model loads (``load_model``
checks the file against its card's sha256 and its types), and its card names the model of
the last save the child reported finished, or, when a save was under way, possibly that
new one: never one the child had replaced before.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
from test_crash_export import Zygote

from qualtally.nlp import card
from qualtally.nlp.persist import load_model

KILLS = 10
SEED = 11
MAX_DELAY = 1.2


def _lines(report: Path) -> list[list[str]]:
    text = report.read_text() if report.exists() else ""
    return [line.split() for line in text.splitlines(keepends=True) if line.endswith("\n")]


@pytest.mark.slow
def test_a_killed_retraining_leaves_a_whole_model(tmp_path):
    folder, rnd = tmp_path / "model", random.Random(SEED)
    zygote = Zygote("retrain_child")
    saved: list[str] = []
    try:
        for run in range(KILLS):
            report = tmp_path / f"report-{run}.txt"
            pid = zygote.fork(str(folder), str(report))
            if run == 0:  # a first model exists before any kill is checked
                deadline = time.monotonic() + 120
                while not any(w[0] == "saved" for w in _lines(report)):
                    assert time.monotonic() < deadline, "the child never saved a model"
                    time.sleep(0.02)
            time.sleep(rnd.uniform(0.0, MAX_DELAY))  # a random moment, not a check
            zygote.kill(pid)
            lines = _lines(report)
            saved += [w[2] for w in lines if w[0] == "saved"]
            in_flight = bool(lines) and lines[-1][0] == "saving"
            _, meta = load_model(folder)  # whole, matching its card, trusted types only
            sha = meta["model_sha256"]
            if in_flight:
                assert sha == saved[-1] or sha not in saved, "an older model came back"
                if sha not in saved:
                    saved.append(sha)  # the save under way finished its switch
            else:
                assert sha == saved[-1]
            named = card.model_path(folder, meta).name
            models = sorted(p.name for p in folder.glob("model*.skops"))
            assert named in models and len(models) <= 2, models
        report = tmp_path / "report-paused.txt"
        pid = zygote.fork(str(folder), str(report), "1")
        deadline = time.monotonic() + 120
        while not (_lines(report) and _lines(report)[-1] == ["pausing"]):
            assert time.monotonic() < deadline, "the child never reached its second card"
            time.sleep(0.02)
        zygote.kill(pid)
        saved += [w[2] for w in _lines(report) if w[0] == "saved"]
        _, meta = load_model(folder)
        assert meta["model_sha256"] == saved[-1]  # the new file is there, unused: the old model
    finally:
        zygote.close()
    print(f"{KILLS + 1} kills, {len(saved)} models saved")
