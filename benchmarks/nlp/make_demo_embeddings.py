"""Write models/iom-demo/embeddings.npz: the MiniLM vectors of the demo corpus's excerpts.

The shipped demo model uses sentence embeddings, and embedding the demo's 310 long
interview turns with the numpy encoder takes ~25 s on a small machine; shipping the
vectors (float16, found by a hash of each text) lets the first ``qualtally demo`` show
suggestions once the model has loaded instead. Rebuild after changing the corpus or
the encoder, from the repository root:

    PYTHONPATH=src python benchmarks/nlp/make_demo_embeddings.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XDG_DATA_HOME"] = tmp
        from qualtally.demo import ensure_demo_project
        from qualtally.nlp import embed
        from qualtally.project import Project

        with Project.open(ensure_demo_project()) as project:
            texts = sorted({e.text for e in project.excerpts()})
        embed.embed(texts)
        out = ROOT / "models" / "iom-demo" / "embeddings.npz"
        print(f"{embed.save_cache(out, texts)} vectors -> {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
