"""Saving and loading a suggester with skops, beside a model card (``meta.json``).

Models are never loaded through pickle or joblib: ``skops.io.load`` refuses any type not
in :data:`TRUSTED`, an explicit list checked on every load. The card records library
versions, a hash of the codebook, the training size, the date and the cross-validated
metrics; :func:`load_model` refuses a model whose codebook hash no longer matches, or
whose recorded versions of scikit-learn, scipy, numpy, skops, spaCy or its lemma tables
differ from the running ones, so the caller retrains instead of suggesting codes from an
old codebook or from libraries the model was not fitted with. The card also names
the sentence embedder of each question's model (``embedders``; the model itself keeps it as
the plain string ``CodeSuggester.embedder``, so no trusted type is added). It holds
the model file's sha256, which names the model in the suggestion cache
(:mod:`qualtally.nlp.card`) and is checked on load, so a torn save is not used.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from qualtally.core.processes import alive
from qualtally.nlp.card import (
    META_FILE,
    MODEL_FILE,
    StaleModel,
    UntrustedModel,
    check_tables,
    check_versions,
    codebook_hash,  # noqa: F401 - re-exported for callers
    file_sha256,
    library_versions,
    model_path,
    read_meta,
)
from qualtally.nlp.coldstart import CodeProfile
from qualtally.nlp.suggester import Suggester

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


def versions() -> dict[str, str]:
    """What the card records: qualtally's version and those :func:`check_versions` compares."""
    from qualtally import __version__

    return {"qualtally": __version__, **library_versions()}


def _tables(suggester: Suggester) -> dict[str, str | None]:
    """embedder -> the table it used, for embedders whose table can be rebuilt (the static one)."""
    from qualtally.nlp import static_embed

    used = suggester.embedders()
    return (
        {static_embed.STATIC_NAME: static_embed.table_id()}
        if static_embed.STATIC_NAME in used
        else {}
    )


def _durable_replace(tmp: Path, final: Path) -> None:
    """Put ``tmp`` under ``final`` so that a crash leaves the old file or the new one, whole:
    the bytes reach the disk (fsync) before the rename, and the rename before returning."""
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, final)
    folder = os.open(final.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def save_model(suggester: Suggester, out: str | Path, *, codebook: str, training_size: int,
                metrics: dict | None = None, extra: dict | None = None) -> Path:
    """Save under a name of the model's own sha256, then switch the card to it.

    The card (``meta.json``) is what a load reads first, and it names its model file
    (``model_file``) and that file's sha256. The new model file is written whole and
    synced under its own name; only then does the card's atomic replace switch from the old
    model to the new one; the files no card names are removed last. A SIGKILL or a power
    cut at any moment leaves a card naming a whole model: the old one or the new one
    (``tests/nlp/test_crash_retrain.py`` kills retrainings to check)."""
    import skops.io as sio

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tmp = out / f".{MODEL_FILE}.{os.getpid()}.tmp"
    sio.dump({"models": suggester.models}, tmp)
    sha = file_sha256(tmp)
    model = out / f"model-{sha[:16]}.skops"
    meta = {
        "format": 1,
        "versions": versions(),
        "codebook_hash": codebook,
        "training_size": training_size,
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "questions": {q: [str(c) for c in m.classes_] for q, m in suggester.models.items()},
        "profiles": [asdict(p) for p in suggester.profiles],
        "seed": suggester.seed,
        "embedders": suggester.embedders_by_question(),
        "embedding_tables": _tables(suggester),
        "metrics": metrics or {},
        "model_file": model.name,
        "model_sha256": sha,
        **(extra or {}),
    }
    meta_tmp = out / f".{META_FILE}.{os.getpid()}.tmp"
    meta_tmp.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    _durable_replace(tmp, model)
    _durable_replace(meta_tmp, out / META_FILE)  # the switch: old model -> new model
    for old in out.glob("model*.skops"):
        if old != model:
            old.unlink(missing_ok=True)
    for name in (MODEL_FILE, META_FILE):  # a killed save's; ours are already renamed
        for stale in out.glob(f".{name}.*.tmp"):
            pid = stale.name[len(name) + 2:-len(".tmp")]
            if pid.isdigit() and not alive(int(pid)):
                stale.unlink(missing_ok=True)
    return out



def load_model(folder: str | Path, expect_hash: str | None = None) -> tuple[Suggester, dict]:
    """Load a saved suggester; StaleModel if missing, changed since it was saved, holding
    types we do not trust, for another codebook or trained with other versions of the
    libraries it depends on (``card.check_versions``).

    The file's sha256 is checked against the card, then the types it would construct
    against :data:`TRUSTED`, both before skops builds anything from it: a refused file runs
    none of its code (``tests/nlp/test_tampered_model.py``)."""
    import skops.io as sio

    folder = Path(folder)
    meta = read_meta(folder)
    if expect_hash is not None and meta.get("codebook_hash") != expect_hash:
        raise StaleModel("the codebook changed since this model was trained")
    path = model_path(folder, meta)
    if not path.is_file():
        raise StaleModel(f"no {path.name} in {folder}")
    check_tables(meta)
    check_versions(meta)
    if meta.get("model_sha256") and file_sha256(path) != meta["model_sha256"]:
        raise UntrustedModel(f"{path}: its sha256 is not the one its model card records (changed "
                         "since it was saved, or a torn save); not loaded, retrain it")
    try:
        unknown = [t for t in sio.get_untrusted_types(file=path) if t not in TRUSTED]
    except Exception as err:  # noqa: BLE001 - any unreadable file is refused the same way
        raise UntrustedModel(f"{path}: not a readable skops file ({type(err).__name__}); "
                         "not loaded, retrain it") from None
    if unknown:
        raise UntrustedModel(f"{path}: refusing to load untrusted types: {', '.join(unknown)} "
                         "(not a model qualtally saved: tampered with?); not loaded, retrain it")
    data = sio.load(path, trusted=TRUSTED)
    profiles = [CodeProfile(p["path"], tuple(p["keywords"]), p["description"], tuple(p["examples"]))
                for p in meta.get("profiles", [])]
    return Suggester(data["models"], profiles, int(meta.get("seed", 0))), meta
