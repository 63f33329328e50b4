"""What the coding screen imports before its first frame (in a fresh interpreter).

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
LATER = ("numpy", "sklearn", "spacy", "skops", "alembic", "pandas", "scipy",
         "qualtally.nlp", "qualtally.tui.screens.codebook", "qualtally.tui.screens.findings",
         "qualtally.tui.modals.add_code", "qualtally.tui.modals.memo", "qualtally.tui.modals.narrow")


def test_the_app_and_the_facade_import_nothing_heavy():
    code = ("import json, sys; import qualtally.cli as c; c.build_parser(); "
            "import qualtally.project, qualtally.tui.app; print(json.dumps(sorted(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True,
                         env={"PYTHONPATH": str(SRC), "PATH": ""}).stdout
    loaded = set(json.loads(out))
    assert "textual.app" in loaded and "sqlalchemy" in loaded  # the check itself works
    early = sorted(m for m in loaded if any(m == p or m.startswith(p + ".") for p in LATER))
    assert early == []
