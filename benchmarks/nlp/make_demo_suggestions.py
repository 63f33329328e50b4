"""Write models/iom-demo/suggestions.json.gz: the demo model's suggestions for the demo corpus.

A fresh ``qualtally demo`` copies them into its suggestion cache when it builds the project
(``qualtally.demo.seed_suggestions``), so the very first open shows suggestions before
scikit-learn, spaCy and the model have loaded. Each entry is keyed by the model's key and
the excerpt's text hash, exactly as the cache is, so an entry is used only for the same
model and the same text. Rebuild after rebuilding the demo model or changing the corpus
or the engine, from the repository root:

    PYTHONPATH=src python benchmarks/nlp/make_demo_suggestions.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))


def main() -> None:
    out = ROOT / "models" / "iom-demo" / "suggestions.json.gz"
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XDG_DATA_HOME"] = tmp
        out.unlink(missing_ok=True)  # build the project without seeding from an old file
        from qualtally.demo import ensure_demo_project
        from qualtally.project import Project

        with Project.open(ensure_demo_project()) as project:
            project.load_suggester()  # the shipped model: fills every excerpt's cache entry
            n = project.export_suggestion_cache(out)
    print(f"{n} excerpts' suggestions -> {out.relative_to(ROOT)} ({out.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
