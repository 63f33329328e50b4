"""What can be known about a saved model without loading it: its card and its key.

A reopened project shows cached suggestions before scikit-learn, skops and spaCy have
been imported (they take seconds), so deciding *which* saved model the background loader
will pick, and the key that names it, must cost a JSON read and a hash. This module
imports neither of those libraries (``tests/nlp/test_suggestion_cache.py`` checks it).

The model key is a hash of the model file's bytes (recorded in the card by
:func:`qualtally.nlp.persist.save_model` as ``model_sha256``; hashed from the file for an
older card), of the codebook hash the card names and of the qualtally version, so a
retrained model, a different shipped model or a new release never reuses a cached entry.

The card also records the versions of the libraries a saved model depends on
(:data:`CHECKED_VERSIONS`); a model whose card names other versions than the running ones
is stale (:func:`check_versions`, asked by ``load_model`` and :func:`pick_model`): it is
retrained rather than used with libraries it was not fitted with. The running versions
come from the installed packages' metadata, so checking imports none of them.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path

MODEL_FILE = "model.skops"
"""The model file of a card that names none (shipped models, models saved before 0.x)."""
META_FILE = "meta.json"
_MODEL_NAME = re.compile(r"^model(-[0-9a-f]{16})?\.skops$")


def model_path(folder: str | Path, meta: dict) -> Path:
    """The model file the card names (``model_file``: ``model-<sha256[:16]>.skops``, written
    by ``persist.save_model``), or :data:`MODEL_FILE`. A name that is not one of ours (a
    path elsewhere, say) is refused: the card never points outside its folder."""
    name = str(meta.get("model_file") or MODEL_FILE)
    if not _MODEL_NAME.match(name):
        raise UntrustedModel(f"{Path(folder) / META_FILE}: names {name!r} as its model file, "
                         "which is not a qualtally model file name; not loaded")
    return Path(folder) / name


class StaleModel(Exception):
    """The saved model does not match the current codebook (or cannot be read)."""


class UntrustedModel(StaleModel):
    """The saved model is not what qualtally saved: its file differs from the sha256 its card
    records, it holds types qualtally does not trust, or the card names a file elsewhere.
    Refused before anything is built from it; the user is told (it may have been tampered
    with), not only retrained past."""


def codebook_hash(codes: list[str], profiles=()) -> str:
    """Hash of the code paths and their cold-start profiles (keywords, definitions, examples)."""
    data = {
        "codes": sorted(codes),
        "profiles": sorted(json.dumps(asdict(p), sort_keys=True) for p in profiles),
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


def read_meta(folder: str | Path) -> dict:
    path = Path(folder) / META_FILE
    if not path.is_file():
        raise StaleModel(f"no {META_FILE} in {folder}")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StaleModel(f"{path}: unreadable model card ({exc})") from exc


def file_sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


_FILE_HASHES: dict[tuple[str, int, int], str] = {}


def _model_sha256(folder: Path, meta: dict) -> str:
    recorded = meta.get("model_sha256")
    if recorded:
        return str(recorded)
    path = model_path(folder, meta)
    st = path.stat()
    ident = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    if ident not in _FILE_HASHES:
        _FILE_HASHES[ident] = file_sha256(path)
    return _FILE_HASHES[ident]


def model_key(folder: str | Path, meta: dict | None = None) -> str:
    """The key naming this folder's model in the suggestion cache (StaleModel if unreadable)."""
    from qualtally import __version__

    folder = Path(folder)
    meta = read_meta(folder) if meta is None else meta
    if not model_path(folder, meta).is_file():
        raise StaleModel(f"no {model_path(folder, meta).name} in {folder}")
    parts = [_model_sha256(folder, meta), str(meta.get("codebook_hash")), __version__]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


CHECKED_VERSIONS = {"scikit-learn": 2, "scipy": 2, "numpy": 1, "skops": 2, "spacy": 2,
                    "spacy-lookups-data": 3}
"""Package -> how many leading parts of its version the running one must share with the
card's. scikit-learn: its estimators' fitted internals may change in any minor release
(the pin allows only 1.9.x); scipy: the saved sparse matrices are its classes; numpy:
arrays, major versions only; skops: its file format (0.x: any minor); spaCy: its
tokenizer rules make the words the TF-IDF counts; spacy-lookups-data: the lemma tables,
exactly (a lemma that changes moves a word to another column)."""


@lru_cache(maxsize=1)
def library_versions() -> dict[str, str]:
    """The running versions of :data:`CHECKED_VERSIONS`' packages (metadata, no import)."""
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in CHECKED_VERSIONS:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def version_drift(meta: dict) -> list[str]:
    """``"NAME RECORDED (running RUNNING)"`` for each checked package whose version differs."""
    recorded = meta.get("versions") or {}
    running = library_versions()
    out = []
    for name, parts in CHECKED_VERSIONS.items():
        was = str(recorded.get(name, "unrecorded"))
        if was.split(".")[:parts] != running[name].split(".")[:parts]:
            out.append(f"{name} {was} (running {running[name]})")
    return out


def check_versions(meta: dict) -> None:
    """StaleModel, in one line saying to retrain, when the card's library versions differ."""
    drift = version_drift(meta)
    if drift:
        raise StaleModel(f"trained with other library versions: {', '.join(drift)}; retrain it")


STATIC_NAME = "minilm-l6-v2-static"  # = static_embed.STATIC_NAME (not imported: numpy)


def check_tables(meta: dict) -> None:
    """StaleModel when a card's static embedding table is not the installed one.

    Its vectors would not fit the model (``load_model`` and :func:`pick_model` both ask).
    Reads the table's card only, and only for a model that uses the table."""
    if STATIC_NAME not in set(meta.get("embedders", {}).values()):
        return
    from qualtally.nlp import static_embed

    recorded, installed = meta.get("embedding_tables", {}).get(STATIC_NAME), static_embed.table_id()
    if installed is None:
        raise StaleModel(f"fitted with the {STATIC_NAME} embedding table, which is not installed")
    if recorded != installed:
        raise StaleModel(
            f"fitted with another {STATIC_NAME} embedding table ({str(recorded)[:8]}, installed "
            f"{installed[:8]}): retrain it"
        )


def pick_model(folders, expect_hash: str) -> tuple[Path, str] | None:
    """(folder, model key) of the first folder whose card matches the codebook, as the loader
    picks."""
    for folder in folders:
        folder = Path(folder)
        try:
            meta = read_meta(folder)
            if meta.get("codebook_hash") != expect_hash:
                continue
            check_tables(meta)
            check_versions(meta)
            return folder, model_key(folder, meta)
        except (StaleModel, OSError):
            continue
    return None
