"""What the coding screen imports before its first frame, and what that frame holds.

The first screen of the demo has to appear in about a second, so nothing heavy may be
imported on the way: not numpy (the tally imports it in a worker, after the first
frame), not scikit-learn, spaCy or skops (the model-loading worker), not Alembic (only
for an out-of-date file), and not the screens and dialogs that are opened later.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
LATER = (
    "numpy",
    "sklearn",
    "spacy",
    "skops",
    "alembic",
    "pandas",
    "scipy",
    "qualtally.nlp",
    "qualtally.tui.screens.codebook",
    "qualtally.tui.screens.findings",
    "qualtally.tui.modals.add_code",
    "qualtally.tui.modals.memo",
    "qualtally.tui.modals.narrow",
    "qualtally.tui.modals.search",
    "qualtally.tui.modals.pick",
)


def test_the_app_and_the_facade_import_nothing_heavy():
    code = ("import json, sys; import qualtally.cli as c; c.build_parser(); "
            "import qualtally.project, qualtally.tui.app; print(json.dumps(sorted(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True,
                         env={"PYTHONPATH": str(SRC), "PATH": ""}).stdout
    loaded = set(json.loads(out))
    assert "textual.app" in loaded and "sqlalchemy" in loaded  # the check itself works
    early = sorted(m for m in loaded if any(m == p or m.startswith(p + ".") for p in LATER))
    assert early == []


FIRST_FRAME = r"""
import json, sys
from textual.app import App

display = App._display
HEAVY = ("sqlalchemy", "alembic", "numpy", "sklearn", "spacy", "skops", "qualtally.project",
         "qualtally.nlp")

def first_frame(self, screen, renderable):
    if renderable is not None and not self._batch_count and not getattr(first_frame, "done", False):
        first_frame.done = True
        strips = getattr(renderable, "strips", None)
        text = "".join(s.text for row in strips for s in row) if strips is not None else ""
        loaded = sorted(m for m in sys.modules
                        if any(m == p or m.startswith(p + ".") for p in HEAVY))
        with open(sys.argv[2], "w") as fh:
            json.dump({"kind": type(renderable).__name__, "text": text, "loaded": loaded}, fh)
    return display(self, screen, renderable)

App._display = first_frame
from qualtally.cli import main
sys.exit(main(["code", sys.argv[1], "--coder", "first-frame"]))
"""


def test_the_first_frame_is_whole_and_drawn_before_the_heavy_imports(tmp_path):
    """Run ``qualtally code`` on a pseudo-terminal and look at the first frame Textual
    writes: a full frame holding the status line and the transcript, drawn from the
    read-only peek before SQLAlchemy, numpy, scikit-learn, spaCy or skops are imported."""
    import os
    import select
    import time

    from .demo_project import build

    project = build(tmp_path / "demo.qtally")
    report = tmp_path / "first-frame.json"
    master, slave = os.openpty()
    import fcntl
    import struct
    import termios

    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 48, 160, 0, 0))
    env = {"PYTHONPATH": str(SRC), "PATH": os.environ.get("PATH", ""), "TERM": "xterm-256color",
           "HOME": str(tmp_path)}
    proc = subprocess.Popen(
        [sys.executable, "-c", FIRST_FRAME, str(project), str(report)],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,
    )
    os.close(slave)
    try:
        deadline = time.monotonic() + 60
        while not report.exists() or not report.stat().st_size:
            assert time.monotonic() < deadline and proc.poll() is None, "no first frame"
            if select.select([master], [], [], 0.1)[0]:
                try:
                    os.read(master, 65536)
                except OSError:
                    pass
        time.sleep(0.2)
        os.write(master, b"q")
        end = time.monotonic() + 20
        while proc.poll() is None and time.monotonic() < end:
            if select.select([master], [], [], 0.1)[0]:
                try:
                    os.read(master, 65536)
                except OSError:
                    pass
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        os.close(master)
    frame = json.loads(report.read_text())
    assert proc.returncode == 0
    assert frame["kind"] == "LayoutUpdate"  # a full frame, not a partial one missing widgets
    assert "excerpt 1/" in frame["text"] and "Interviewer" in frame["text"]
    assert frame["loaded"] == []
