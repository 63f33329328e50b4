"""Sentence embeddings from all-MiniLM-L6-v2, run by onnxruntime or in plain numpy (no torch).

The model (a 6-layer, 384-wide BERT trained by sentence-transformers to put paraphrases
close together; Apache-2.0) ships as float16 weights in ``models/minilm-l6-v2`` and is
read here without pickle (``tensorfile.py``). Its ``model.onnx`` is the same network as an
ONNX graph that reads those weights; onnxruntime runs it when installed (a dependency,
faster), and the numpy forward below is the fallback (``MiniLM``).

``embed(texts)`` returns L2-normalised mean-pooled vectors (n, 384) as float32. Texts are
batched by length so padding stays small, and every vector is cached by text, so a
project's excerpts are embedded once and a later suggestion for one of them costs a
dictionary look-up.

``embed(texts, embedder=STATIC_NAME)`` uses the static table distilled from this model
(``static_embed.py``) instead. A suggester records the embedder it was trained with and
always embeds with it; the caches (in memory and on disk) are kept per embedder, so two
embedders' vectors never mix.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np
from scipy.special import erf

from qualtally.nlp import shipped, static_embed
from qualtally.nlp.blas import one_blas_thread_briefly
from qualtally.nlp.static_embed import STATIC_NAME
from qualtally.nlp.tensorfile import read_safetensors, write_safetensors  # noqa: F401 - re-exported
from qualtally.nlp.wordpiece import WordPiece

MODEL_NAME = "minilm-l6-v2"
DIM = 384

# -- where the model lives ----------------------------------------------------------------
def model_dir() -> Path | None:
    """The shipped model folder: in a checkout (repo/models) or an installed wheel."""
    return shipped.find(MODEL_NAME, "model.safetensors")


def available(embedder: str = MODEL_NAME) -> bool:
    if embedder in _EXTRA:
        return True
    if embedder == MODEL_NAME:
        return model_dir() is not None
    if embedder == STATIC_NAME:
        return static_embed.find_dir() is not None
    return False  # a model trained with an embedder this version does not know


def dim(embedder: str = MODEL_NAME) -> int:
    return DIM if embedder == MODEL_NAME else get_encoder(embedder).dim


# -- the encoder ----------------------------------------------------------------------------
def _layer_norm(x, w, b, eps):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b


def _gelu_exact(x):
    return 0.5 * x * (1.0 + erf(x * np.float32(1 / np.sqrt(2))))


def _gelu(x):
    """:func:`_gelu_exact` in place on ``x`` (the FFN's fresh product): one temporary, not four.

    Bit for bit the same: halving is exact, so ``0.5 * x * (1 + e)`` rounds as
    ``(x * (1 + e)) * 0.5``. (The exact ``erf`` stays: one built from numpy's vectorised
    exp is within 2e-7, no faster under load, and would change the embeddings.)
    """
    y = x * np.float32(1 / np.sqrt(2))
    erf(y, out=y)
    y += np.float32(1.0)
    x *= y
    x *= np.float32(0.5)
    return x


RUNTIME_ENV = "QUALTALLY_EMBED_RUNTIME"
"""Set to ``numpy`` to run the numpy forward even where onnxruntime is installed."""


def _onnx_session(folder: Path):
    """An onnxruntime session on ``folder/model.onnx`` (None: no file, or no onnxruntime).

    The graph (``models/build/make_minilm_onnx.py --store shared``) holds no weights: it
    reads the float16 tensors of ``model.safetensors`` beside it, so both runtimes use the
    same bytes. One intra-op thread: faster than numpy on one text and on batches here
    (models/README.md), and it leaves the other core to the TUI and the training lane.
    """
    import os

    if os.environ.get(RUNTIME_ENV, "").lower() == "numpy" or not (folder / "model.onnx").is_file():
        return None
    try:
        import onnxruntime as ort
    except ImportError:
        return None
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    so.log_severity_level = 3
    return ort.InferenceSession(str(folder / "model.onnx"), so, providers=["CPUExecutionProvider"])


class MiniLM:
    """BERT encoder + mean pooling + L2 normalisation, float32 arithmetic.

    The forward pass runs in onnxruntime when it is installed and the model folder has
    ``model.onnx``, else in numpy (``runtime`` forces one: "numpy" or "onnxruntime").
    The two agree to float noise (cosine > 0.99999 on the NHS answers; models/README.md).
    """

    def __init__(self, folder: str | Path, runtime: str | None = None):
        folder = Path(folder)
        self.folder = folder
        cfg = json.loads((folder / "config.json").read_text())
        self.heads = cfg["num_attention_heads"]
        self.layers = cfg["num_hidden_layers"]
        self.eps = cfg.get("layer_norm_eps", 1e-12)
        self.dim = cfg.get("hidden_size", DIM)
        self.max_len = 128
        self.tok = WordPiece.from_vocab_file(folder / "vocab.txt", max_len=self.max_len)
        self.session = None if runtime == "numpy" else _onnx_session(folder)
        if runtime == "onnxruntime" and self.session is None:
            raise FileNotFoundError(f"{folder}/model.onnx or onnxruntime not available")
        self.runtime = "onnxruntime" if self.session is not None else "numpy"
        self._numpy = False
        if self.session is None:
            self._load_numpy()

    def __getattr__(self, name):
        # the numpy weights, loaded on first use (the static-table build reads them)
        if name in ("word", "pos", "type0", "ln", "blocks") and not self.__dict__.get("_numpy"):
            self._load_numpy()
            return getattr(self, name)
        raise AttributeError(name)

    def _load_numpy(self) -> None:
        folder = self.folder
        self._numpy = True
        w = {
            k: v.astype(np.float32)
            for k, v in read_safetensors(folder / "model.safetensors").items()
            if not k.startswith("pooler.") and not k.endswith("position_ids")
        }
        self.word = w["embeddings.word_embeddings.weight"]
        self.pos = w["embeddings.position_embeddings.weight"]
        self.type0 = w["embeddings.token_type_embeddings.weight"][0]
        self.ln = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self.blocks = []
        for i in range(self.layers):
            p = f"encoder.layer.{i}."

            def g(n, p=p):
                return w[p + n]

            qkv_w = np.concatenate(
                [
                    g("attention.self.query.weight"),
                    g("attention.self.key.weight"),
                    g("attention.self.value.weight"),
                ]
            ).T.copy()
            qkv_b = np.concatenate([g("attention.self.query.bias"), g("attention.self.key.bias"),
                                    g("attention.self.value.bias")])
            self.blocks.append(
                (
                    qkv_w,
                    qkv_b,
                    g("attention.output.dense.weight").T.copy(),
                    g("attention.output.dense.bias"),
                    g("attention.output.LayerNorm.weight"),
                    g("attention.output.LayerNorm.bias"),
                    g("intermediate.dense.weight").T.copy(),
                    g("intermediate.dense.bias"),
                    g("output.dense.weight").T.copy(),
                    g("output.dense.bias"),
                    g("output.LayerNorm.weight"),
                    g("output.LayerNorm.bias"),
                )
            )

    def _forward_onnx(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return self.session.run(None, {"input_ids": ids.astype(np.int64),
                                       "attention_mask": mask.astype(np.int64)})[0]

    def _forward(self, ids: np.ndarray, mask: np.ndarray, pool=None) -> np.ndarray:
        """Pooled, normalised outputs; ``pool`` (T,) bool, if given, picks the positions pooled."""
        B, T = ids.shape
        H = self.word.shape[1]
        nh, hd = self.heads, H // self.heads
        x = self.word[ids] + self.pos[:T][None] + self.type0
        x = _layer_norm(x, *self.ln, self.eps)
        bias = (
            None if mask.all() else np.where(mask[:, None, None, :], 0.0, -1e9).astype(np.float32)
        )
        scale = np.float32(1 / np.sqrt(hd))
        for (qkv_w, qkv_b, o_w, o_b, ln1_w, ln1_b, i_w, i_b, f_w, f_b, ln2_w, ln2_b) in self.blocks:
            qkv = x.reshape(B * T, H) @ qkv_w + qkv_b
            qkv = qkv.reshape(B, T, 3, nh, hd).transpose(2, 0, 3, 1, 4)  # 3, B, nh, T, hd
            q, k, v = qkv[0], qkv[1], qkv[2]
            att = q @ k.transpose(0, 1, 3, 2)
            att *= scale
            if bias is not None:  # padding in the batch (never for one text)
                att += bias
            att -= att.max(-1, keepdims=True)
            np.exp(att, out=att)
            att /= att.sum(-1, keepdims=True)
            ctx = (att @ v).transpose(0, 2, 1, 3).reshape(B * T, H)
            x = _layer_norm((ctx @ o_w + o_b).reshape(B, T, H) + x, ln1_w, ln1_b, self.eps)
            h = _gelu(x.reshape(B * T, H) @ i_w + i_b)
            x = _layer_norm((h @ f_w + f_b).reshape(B, T, H) + x, ln2_w, ln2_b, self.eps)
        m = (mask if pool is None else mask & pool[None, :])[:, :, None].astype(np.float32)
        pooled = (x * m).sum(1) / np.maximum(m.sum(1), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    def encode(self, texts: list[str], batch_tokens: int = 4096) -> np.ndarray:
        """(n, 384) float32, L2-normalised; batches of similar length."""
        enc = [self.tok.encode(str(t)) for t in texts]
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        order = np.argsort([len(e) for e in enc], kind="stable")
        i = 0
        while i < len(order):
            T = len(enc[order[i]])
            j = i
            while j < len(order) and (j - i + 1) * len(enc[order[j]]) <= max(
                batch_tokens, len(enc[order[j]])
            ):
                j += 1
            j = max(j, i + 1)
            batch = order[i:j]
            T = max(len(enc[b]) for b in batch)
            ids = np.zeros((len(batch), T), dtype=np.int64)
            mask = np.zeros((len(batch), T), dtype=bool)
            for r, b in enumerate(batch):
                ids[r, :len(enc[b])] = enc[b]
                mask[r, :len(enc[b])] = True
            if self.session is not None:
                out[batch] = self._forward_onnx(ids, mask)
            elif ids.size <= SMALL_BATCH_TOKENS:  # threads cost more than they save on a few tokens
                with one_blas_thread_briefly():  # see nlp/blas.py
                    out[batch] = self._forward(ids, mask)
            else:
                out[batch] = self._forward(ids, mask)
            i = j
        return out


SMALL_BATCH_TOKENS = 512
_MODEL: MiniLM | None = None
_STATIC: list = []
_EXTRA: dict = {}  # encoders registered by name (benchmarks comparing other tables)
_LOCK = threading.Lock()
_CACHES: dict[str, dict[str, np.ndarray]] = {MODEL_NAME: {}, STATIC_NAME: {}}
_CACHE = _CACHES[MODEL_NAME]  # MiniLM's vectors only (text -> vector); others in _CACHES[name]
CACHE_MAX = 200_000


def get_model() -> MiniLM:
    global _MODEL
    with _LOCK:
        if _MODEL is None:
            folder = model_dir()
            if folder is None:
                raise FileNotFoundError(f"sentence-embedding model {MODEL_NAME} not found")
            _MODEL = MiniLM(folder)
        return _MODEL


def get_encoder(embedder: str = MODEL_NAME):
    """The encoder of ``embedder`` (``encode(list) -> (n, dim)``), loaded once."""
    if embedder == MODEL_NAME:
        return get_model()
    if embedder in _EXTRA:
        return _EXTRA[embedder]
    if embedder != STATIC_NAME:
        raise FileNotFoundError(f"unknown sentence embedder {embedder!r}")
    with _LOCK:
        if not _STATIC:
            folder = static_embed.find_dir()
            if folder is None:
                raise FileNotFoundError(f"static embedding table {STATIC_NAME} not found")
            _STATIC.append(static_embed.StaticEmbedder(folder))
        return _STATIC[0]


def register(name: str, encoder) -> None:
    """Make ``encoder`` (``encode(list)``, ``dim``) usable as ``embedder=name`` (benchmarks)."""
    if name in (MODEL_NAME, STATIC_NAME):
        raise ValueError(f"{name} is a shipped embedder")
    with _LOCK:
        _EXTRA[name] = encoder
        _CACHES[name] = {}


def cache_for(embedder: str = MODEL_NAME) -> dict[str, np.ndarray]:
    """The in-memory cache (text -> vector) of one embedder."""
    with _LOCK:
        return _CACHES.setdefault(embedder, {})


def embed(texts, cache: bool = True, embedder: str = MODEL_NAME) -> np.ndarray:
    """(n, dim) L2-normalised float32 embeddings by ``embedder``, cached by text per embedder."""
    texts = [str(t) for t in texts]
    if not cache:
        return get_encoder(embedder).encode(texts)
    store = cache_for(embedder)
    missing = list(dict.fromkeys(t for t in texts if t not in store))
    if missing:  # the encoder is loaded only when something is not cached
        vecs = get_encoder(embedder).encode(missing)
        with _LOCK:
            if len(store) + len(missing) > CACHE_MAX:
                store.clear()
            for t, v in zip(missing, vecs):
                store[t] = v
    if not texts:
        return np.zeros((0, dim(embedder)), dtype=np.float32)
    return np.stack(
        [store[t] if t in store else get_encoder(embedder).encode([t])[0] for t in texts]
    )


# -- the persistent cache (a project's texts, saved beside its model) ------------------------
CACHE_FORMAT = f"{MODEL_NAME}/1"  # a file's format names its embedder: "<embedder>/1"


def text_key(text: str) -> str:
    """What the persistent cache files a text under: 128 bits of its sha256, in hex."""
    import hashlib

    return hashlib.sha256(str(text).encode("utf-8")).hexdigest()[:32]


def load_cache(path: str | Path, texts, embedder: str = MODEL_NAME) -> int:
    """Put the saved embeddings of ``texts`` found in ``path`` into the in-memory cache.

    ``path`` is an ``.npz`` written by :func:`save_cache` (read with ``allow_pickle=False``:
    text keys as fixed-width bytes, vectors as float16). Returns how many were loaded; a
    missing, unreadable or other-embedder file loads nothing (it is only a cache).
    """
    try:
        with np.load(path, allow_pickle=False) as data:
            if str(data["format"]) != f"{embedder}/1" or data["vectors"].shape[1:] != (
                dim(embedder),
            ):
                return 0
            keys, vectors = data["keys"], data["vectors"]
    except Exception:  # noqa: BLE001 - torn, truncated or foreign file (BadZipFile, EOFError...)
        return 0
    row = {k.decode("ascii"): i for i, k in enumerate(keys.tolist())}
    loaded = 0
    store = cache_for(embedder)
    with _LOCK:
        for text in dict.fromkeys(str(t) for t in texts):
            i = row.get(text_key(text))
            if i is not None and text not in store:
                store[text] = vectors[i].astype(np.float32)
                loaded += 1
    return loaded


def save_cache(path: str | Path, texts, embedder: str = MODEL_NAME) -> int:
    """Write the in-memory embeddings of ``texts`` (those computed so far) to ``path``.

    Written to a temporary file of its own (two savers never share one), flushed to disk,
    then renamed into place, so a crash leaves the old file or the new one, never a torn
    one. Returns the number of rows saved.
    """
    import os
    import tempfile

    path = Path(path)
    store = cache_for(embedder)
    with _LOCK:
        pairs = [
            (text_key(t), store[t]) for t in dict.fromkeys(str(t) for t in texts) if t in store
        ]
    keys = np.array([k.encode("ascii") for k, _ in pairs], dtype="S32")
    vectors = (np.stack([v for _, v in pairs]) if pairs else np.zeros((0, dim(embedder)))).astype(
        np.float16
    )
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, 0o644)  # mkstemp makes it owner-only; this is a plain cache file
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, format=np.array(f"{embedder}/1"), keys=keys, vectors=vectors)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(pairs)
