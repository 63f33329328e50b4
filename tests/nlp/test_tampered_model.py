"""A model file someone changed is refused with one clear line, and none of its code runs.

The tampered file is real: a skops file whose ``models`` hold a ``Payload`` that writes a
marker file when skops builds it (``tamper_payload.py``). A control load that trusts it
shows the payload does run; then ``qualtally suggest --model`` (a real process that could
import the payload's module) refuses it, whether the card's sha256 was left alone (the file
no longer matches its card) or updated to match (an untrusted type is found before anything
is built), and the marker is never written. A card naming a file outside its folder is
refused too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from qualtally.nlp import card
from qualtally.nlp.persist import StaleModel, load_model, save_model
from qualtally.nlp.suggester import Suggester

HERE = Path(__file__).resolve().parent


def _env() -> dict[str, str]:
    src = str(HERE.parents[1] / "src")
    return {**os.environ, "PYTHONPATH": os.pathsep.join([src, str(HERE)])}


def _tamper(folder: Path, marker: Path, *, update_card: bool) -> None:
    import skops.io as sio
    from tamper_payload import Payload

    meta = card.read_meta(folder)
    path = card.model_path(folder, meta)
    sio.dump({"models": {"": Payload(str(marker))}}, path)
    if update_card:
        meta["model_sha256"] = card.file_sha256(path)
        (folder / card.META_FILE).write_text(json.dumps(meta))


@pytest.fixture
def saved(tmp_path) -> Path:
    folder = tmp_path / "model"
    save_model(Suggester(), folder, codebook="x", training_size=0)
    return folder


def test_the_payload_runs_when_trusted(saved, tmp_path):
    """The control: the tampered file is live (so the refusals below mean something)."""
    marker = tmp_path / "ran.txt"
    _tamper(saved, marker, update_card=True)
    path = card.model_path(saved, card.read_meta(saved))
    code = ("import sys, skops.io as sio; p = sys.argv[1]; "
            "sio.load(p, trusted=sio.get_untrusted_types(file=p))")
    subprocess.run([sys.executable, "-c", code, str(path)], env=_env(), check=True)
    assert marker.exists()


@pytest.mark.parametrize("update_card, says", [
    (False, "is not the one its model card records"),
    (True, "refusing to load untrusted types: tamper_payload.Payload"),
])
def test_a_tampered_model_is_refused_and_runs_nothing(saved, tmp_path, update_card, says):
    marker = tmp_path / "ran.txt"
    _tamper(saved, marker, update_card=update_card)
    texts = tmp_path / "texts.csv"
    texts.write_text("id,text\n1,fees were high [inaudible]\n")
    done = subprocess.run(
        [sys.executable, "-m", "qualtally", "suggest", "--model", str(saved), "--input",
         str(texts)], capture_output=True, text=True, env=_env(), timeout=300)
    assert done.returncode == 2, done.stderr
    err = done.stderr.strip()
    assert "\n" not in err and says in err and "not loaded" in err, err
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert not marker.exists(), "the tampered model's code ran"
    with pytest.raises(StaleModel, match=says):  # the same in this process
        load_model(saved)
    assert not marker.exists()


def test_a_card_naming_a_file_elsewhere_is_refused(saved, tmp_path):
    meta = card.read_meta(saved)
    meta["model_file"] = "../elsewhere.skops"
    (saved / card.META_FILE).write_text(json.dumps(meta))
    with pytest.raises(StaleModel, match="not a qualtally model file name"):
        load_model(saved)
    assert card.pick_model([saved], "x") is None
