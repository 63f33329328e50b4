"""Saving and loading an engine with skops, beside a model card (``meta.json``).

Models are never loaded through pickle or joblib: ``skops.io.load`` refuses any type not
in :data:`TRUSTED`, an explicit list checked on every load. The card records library
versions, a hash of the codebook, the training size, the date and the cross-validated
metrics; :func:`load_engine` refuses a model whose codebook hash no longer matches, so
the caller retrains instead of suggesting codes from an old codebook.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path

from qualtally.nlp.coldstart import CodeProfile
from qualtally.nlp.engine import Engine

MODEL_FILE = "model.skops"
META_FILE = "meta.json"
TRUSTED = [
    "qualtally.nlp.model.CodeSuggester",
    "qualtally.nlp.features.TextFeatures",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "numpy.float32",
    "numpy.float64",
    "numpy.int64",
    "numpy.int8",
    "numpy.dtype",
    "builtins.slice",
    "scipy.sparse._csr.csr_matrix",
    "scipy.sparse._csr.csr_array",
]


class StaleModel(Exception):
    """The saved model does not match the current codebook (or cannot be read)."""


def codebook_hash(codes: list[str], profiles: list[CodeProfile] = ()) -> str:
    data = {"codes": sorted(codes), "profiles": sorted(json.dumps(asdict(p), sort_keys=True) for p in profiles)}
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


def versions() -> dict[str, str]:
    import numpy
    import scipy
    import skops
    import sklearn
    import spacy

    from qualtally import __version__

    return {"qualtally": __version__, "scikit-learn": sklearn.__version__, "spacy": spacy.__version__,
            "skops": skops.__version__, "numpy": numpy.__version__, "scipy": scipy.__version__}


def save_engine(engine: Engine, out: str | Path, *, codebook: str, training_size: int,
                metrics: dict | None = None, extra: dict | None = None) -> Path:
    import skops.io as sio

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    sio.dump({"models": engine.models}, out / MODEL_FILE)
    meta = {
        "format": 1,
        "versions": versions(),
        "codebook_hash": codebook,
        "training_size": training_size,
        "trained_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "questions": {q: [str(c) for c in m.classes_] for q, m in engine.models.items()},
        "profiles": [asdict(p) for p in engine.profiles],
        "seed": engine.seed,
        "metrics": metrics or {},
        **(extra or {}),
    }
    (out / META_FILE).write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return out


def read_meta(folder: str | Path) -> dict:
    path = Path(folder) / META_FILE
    if not path.is_file():
        raise StaleModel(f"no {META_FILE} in {folder}")
    return json.loads(path.read_text(encoding="utf-8"))


def load_engine(folder: str | Path, expect_hash: str | None = None) -> tuple[Engine, dict]:
    """Load a saved engine; StaleModel if missing, untrusted or for another codebook."""
    import skops.io as sio

    folder = Path(folder)
    meta = read_meta(folder)
    if expect_hash is not None and meta.get("codebook_hash") != expect_hash:
        raise StaleModel("the codebook changed since this model was trained")
    path = folder / MODEL_FILE
    if not path.is_file():
        raise StaleModel(f"no {MODEL_FILE} in {folder}")
    unknown = [t for t in sio.get_untrusted_types(file=path) if t not in TRUSTED]
    if unknown:
        raise StaleModel(f"refusing to load untrusted types: {', '.join(unknown)}")
    data = sio.load(path, trusted=TRUSTED)
    profiles = [CodeProfile(p["path"], tuple(p["keywords"]), p["description"], tuple(p["examples"]))
                for p in meta.get("profiles", [])]
    return Engine(data["models"], profiles, int(meta.get("seed", 0))), meta
