"""Write models/iom-demo/embeddings.npz: the MiniLM vectors of the demo corpus's excerpts.

The shipped demo model uses sentence embeddings, and embedding the demo's 312 excerpts,
long interview turns, with the numpy encoder takes ~25 s on a small machine; shipping the
vectors (float16, found by a hash of each text) lets the first ``qualtally demo`` show
suggestions once the model has loaded instead. Rebuild after changing the corpus or
the encoder, from the repository root:

    PYTHONPATH=src python models/build/make_demo_embeddings.py

Only a model that embeds with MiniLM needs the file: if ``models/iom-demo/meta.json``
says the demo model was trained with the static table (``embedders``), nothing is
written (the static vectors of the whole corpus take milliseconds) and an old file is
removed, since it would only be read for a MiniLM model.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))


def main() -> None:
    import json

    out = ROOT / "models" / "iom-demo" / "embeddings.npz"
    meta = json.loads((out.parent / "meta.json").read_text(encoding="utf-8"))
    used = set(meta.get("embedders", {"": "minilm-l6-v2"}).values())  # older cards: MiniLM
    if "minilm-l6-v2" not in used:
        out.unlink(missing_ok=True)
        print(
            f"the demo model embeds with {', '.join(sorted(used)) or 'nothing'}: "
            f"no {out.name} needed"
        )
        return
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XDG_DATA_HOME"] = tmp
        from qualtally.demo import ensure_demo_project
        from qualtally.nlp import embed
        from qualtally.project import Project

        with Project.open(ensure_demo_project()) as project:
            texts = sorted({e.text for e in project.excerpts()})
        embed.embed(texts)
        print(f"{embed.save_cache(out, texts)} vectors -> {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
