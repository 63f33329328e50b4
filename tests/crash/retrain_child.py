"""The child of ``test_crash_retrain.py``: retrains and saves a model without end.

``run(FOLDER, REPORT, PAUSE)``: trains a suggester on seeded coded rows (another seed each time,
so each model differs), saves it into FOLDER with ``persist.save_model`` (the project's
own way), and appends ``saving N`` before and ``saved N SHA256`` after each save to REPORT.
With ``PAUSE`` = ``1`` the second save stops right before the card is replaced (``pausing``).
The spaCy pipeline and the libraries are loaded once, in the zygote, before it forks.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "nlp"))  # nlp_fixtures


def prepare() -> None:
    run_once(None)


def _train(seed: int):
    from nlp_fixtures import make_rows

    from qualtally.nlp.dataset import Item
    from qualtally.nlp.suggester import Suggester

    rows = make_rows(40, seed=seed)
    return Suggester.train([Item(r["text"], tuple(r["codes"].split(";"))) for r in rows],
                           embedder="static")


def run_once(_folder) -> None:
    import skops.io  # noqa: F401

    from qualtally.nlp import persist  # noqa: F401

    _train(0)  # imports and loads everything a retraining uses


def run(folder: str, report: str, pause: str = "0") -> None:
    import time

    from qualtally.nlp import persist
    from qualtally.nlp.persist import save_model

    fd = os.open(report, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    if pause == "1":  # stop the second save right before its card is replaced
        real = os.replace

        def stop_before_card(src, dst):
            if str(dst).endswith("meta.json") and n >= 2:
                os.write(fd, b"pausing\n")
                time.sleep(600)
            real(src, dst)

        persist.os.replace = stop_before_card
    n = 0
    while True:
        n += 1
        model = _train(n)
        os.write(fd, f"saving {n}\n".encode())
        save_model(model, folder, codebook="crash", training_size=40 + n)
        sha = (Path(folder) / "meta.json").read_text().split('"model_sha256": "')[1][:64]
        os.write(fd, f"saved {n} {sha}\n".encode())
