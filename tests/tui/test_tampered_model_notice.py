"""A project's saved model that was tampered with is refused, said on the coding screen, and
none of its code runs; the screen goes on with a newly trained model.

Real files: the project's own saved model (``retrain_suggester``: the codebook's cold
start) is replaced by a skops file holding ``tamper_payload.Payload`` (which writes a
marker when built), with the card's sha256 updated to match, so only the trusted-types
check stands between it and the payload. The app loads its model as ``qualtally code``
does, in its background thread.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from qualtally.nlp import card
from qualtally.nlp.persist import load_model
from qualtally.project import Project
from qualtally.tui.app import make_app

from .conftest import CODER, SIZE, settle

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "nlp"))


def _tamper(folder: Path, marker: Path) -> str:
    import skops.io as sio
    from tamper_payload import Payload

    meta = card.read_meta(folder)
    path = card.model_path(folder, meta)
    sio.dump({"models": {"": Payload(str(marker))}}, path)
    meta["model_sha256"] = card.file_sha256(path)
    (folder / card.META_FILE).write_text(json.dumps(meta))
    return path.name


async def test_a_tampered_saved_model_is_refused_on_screen(project_path, tmp_path):
    marker = tmp_path / "ran.txt"
    with Project.open(project_path) as p:
        p.retrain_suggester(refresh=False)
        folder = p.model_dir()
    tampered = _tamper(folder, marker)
    project = Project.open(project_path)
    notices: list[tuple[str, str]] = []
    try:
        app = make_app(project, CODER)
        app.notify = lambda message, **kw: notices.append((kw.get("title"), str(message)))
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("q")
    finally:
        project.close()
    refused = [m for title, m in notices if title == "saved model refused"]
    assert len(refused) == 1, notices
    assert "untrusted types: tamper_payload.Payload" in refused[0]
    assert "A new model was trained" in refused[0]
    assert not marker.exists(), "the tampered model's code ran"
    _, meta = load_model(folder)  # the screen went on with a new, whole model
    assert card.model_path(folder, meta).name != tampered
