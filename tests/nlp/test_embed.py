import json
import struct

import numpy as np
import pytest

from qualtally.nlp import embed
from qualtally.nlp.embed import read_safetensors, write_safetensors
from qualtally.nlp.wordpiece import WordPiece, basic_tokens

needs_model = pytest.mark.skipif(not embed.available(), reason="models/minilm-l6-v2 not present")


def test_basic_tokens_lowercase_accents_punctuation():
    assert basic_tokens("Hello, World!") == ["hello", ",", "world", "!"]
    assert basic_tokens("Naïve café\tRÉSUMÉ") == ["naive", "cafe", "resume"]
    assert basic_tokens("don't  3.5\x00") == ["don", "'", "t", "3", ".", "5"]


def test_basic_tokens_drop_every_other_category_as_tokenizer_json_does():
    # private use (Co) and unassigned (Cn) characters are dropped, as the model's own
    # tokenizer.json (Hugging Face tokenizers) drops them; found by
    # benchmarks/nlp/tokenizer_compare.py, the one difference on 10,530 texts
    assert basic_tokens("private\ue000use") == ["privateuse"]
    assert basic_tokens("un\U000e0080assigned caf\u00e9") == ["unassigned", "cafe"]


def test_wordpiece_greedy_longest_match():
    vocab = {
        t: i
        for i, t in enumerate(
            [
                "[PAD]",
                "[UNK]",
                "[CLS]",
                "[SEP]",
                "un",
                "##aff",
                "##able",
                "##ord",
                "aff",
                "rent",
                "##s",
                ",",
            ]
        )
    }
    wp = WordPiece(vocab, max_len=6)
    assert wp.tokens("unaffordable rents,") == ["[CLS]", "un", "##aff", "##ord", "##able", "[SEP]"]
    assert wp.tokens("rents, xyz") == ["[CLS]", "rent", "##s", ",", "[UNK]", "[SEP]"]


@needs_model
def test_wordpiece_with_shipped_vocab():
    wp = WordPiece.from_vocab_file(embed.model_dir() / "vocab.txt")
    assert wp.tokens("Tokenization of embeddings") == [
        "[CLS]",
        "token",
        "##ization",
        "of",
        "em",
        "##bed",
        "##ding",
        "##s",
        "[SEP]",
    ]
    assert wp.encode("Hello, world!") == [101, 7592, 1010, 2088, 999, 102]
    assert len(wp.encode("word " * 500)) == 128


def test_safetensors_round_trip(tmp_path):
    tensors = {
        "a": np.arange(6, dtype=np.float32).reshape(2, 3),
        "b": np.array([1.5, -2], dtype=np.float16),
    }
    write_safetensors(tmp_path / "t.safetensors", tensors, {"format": "np"})
    raw = (tmp_path / "t.safetensors").read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    assert header["a"] == {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}
    back = read_safetensors(tmp_path / "t.safetensors")
    assert back["a"].dtype == np.float32 and np.array_equal(back["a"], tensors["a"])
    assert back["b"].dtype == np.float16 and np.array_equal(back["b"], tensors["b"])


@needs_model
def test_embedding_shape_and_norm():
    E = embed.embed(["The cat sits on the mat", "", "Rents are too high"])
    assert E.shape == (3, 384) and E.dtype == np.float32
    assert np.allclose(np.linalg.norm(E, axis=1), 1.0, atol=1e-4)
    assert np.array_equal(embed.embed(["Rents are too high"])[0], E[2])  # cached


@needs_model
def test_semantic_sanity_and_published_scores():
    a, b, c = embed.embed(
        ["The cat sits on the mat", "A cat is sitting on a mat", "The stock market fell sharply"]
    )
    assert a @ b > 0.8 and a @ c < 0.3
    # the scores sentence-transformers documents for all-MiniLM-L6-v2
    s1 = embed.embed(
        ["The cat sits outside", "A man is playing guitar", "The new movie is awesome"]
    )
    s2 = embed.embed(
        ["The dog plays in the garden", "A woman watches TV", "The new movie is so great"]
    )
    assert np.allclose((s1 * s2).sum(1), [0.2838, -0.0327, 0.8939], atol=2e-3)


@needs_model
def test_batches_match_single_texts():
    texts = [
        "short",
        "a somewhat longer answer about the clinic being far away",
        "mid length text here",
    ]
    together = embed.embed(texts, cache=False)
    alone = np.stack([embed.embed([t], cache=False)[0] for t in texts])
    assert np.allclose(together, alone, atol=1e-5)


@needs_model
def test_suggester_with_embeddings():
    from nlp_fixtures import make_rows

    from qualtally.nlp.model import CodeSuggester

    rows = make_rows(60, seed=3)
    m = CodeSuggester(random_state=0, embeddings=True).fit(
        [r["text"] for r in rows], [tuple(r["codes"].split(";")) for r in rows]
    )
    assert m.use_embeddings_ and m.weights_.shape == (4,) and abs(m.weights_.sum() - 1) < 1e-9
    s = m.scores(["the grant was not enough for us"])
    assert s.shape == (1, len(m.classes_)) and np.all((s >= 0) & (s <= 1 + 1e-9))



def test_in_place_gelu_is_bit_for_bit_the_formula():
    from qualtally.nlp.embed import _gelu, _gelu_exact

    x = np.concatenate(
        [np.linspace(-12, 12, 100_000), np.random.default_rng(0).normal(0, 3, 50_000)]
    )
    x = x.astype(np.float32).reshape(-1, 50)
    assert np.array_equal(_gelu(x.copy()), _gelu_exact(x))


@needs_model
def test_embeddings_unchanged_by_the_in_place_gelu(monkeypatch):
    from qualtally.nlp import embed as E

    texts = ["The grant was not enough [inaudible] to cover costs.", "Trainers were knowledgeable.",
             " ".join(["We waited months for the payments to arrive from the ministry."] * 8)]
    model = E.MiniLM(E.model_dir(), runtime="numpy")
    now = model.encode(texts)
    monkeypatch.setattr(E, "_gelu", E._gelu_exact)
    assert np.array_equal(now, model.encode(texts))


@needs_model
def test_onnxruntime_and_numpy_forward_agree():
    # the shipped model.onnx reads model.safetensors' float16 weights (make_minilm_onnx.py
    # --store shared); both runtimes must give the same vectors, so the demo's shipped
    # embeddings and a project's saved ones stay valid whichever one runs
    from qualtally.nlp import embed as E

    ort = E.MiniLM(E.model_dir(), runtime="onnxruntime")
    npy = E.MiniLM(E.model_dir(), runtime="numpy")
    assert ort.runtime == "onnxruntime" and npy.runtime == "numpy"
    texts = ["Rents are far too high for young families here.", "No comment", "",
             " ".join(["The clinic moved and the bus takes two hours each way."] * 12)]
    a, b = ort.encode(texts), npy.encode(texts)
    assert a.shape == b.shape == (4, 384)
    assert np.abs(a - b).max() < 1e-5


@needs_model
def test_default_runtime_and_the_numpy_switch(monkeypatch):
    from qualtally.nlp import embed as E

    assert E.MiniLM(E.model_dir()).runtime == "onnxruntime"  # a dependency: always there
    monkeypatch.setenv(E.RUNTIME_ENV, "numpy")
    m = E.MiniLM(E.model_dir())
    assert m.runtime == "numpy" and m.word.shape == (30522, 384)


@needs_model
def test_demo_embeddings_match_the_running_encoder():
    # models/iom-demo/embeddings.npz was written by the numpy forward; the default runtime
    # must reproduce it (float16 storage: within 1e-3)
    from qualtally.nlp import embed as E

    root = E.model_dir().parent
    npz = root / "iom-demo" / "embeddings.npz"
    coded = root.parent / "corpus" / "iom-evaluation" / "coded.csv"
    if not npz.is_file() or not coded.is_file():
        pytest.skip("the demo's files are not beside the model")
    import csv

    with open(coded, newline="", encoding="utf-8") as f:
        texts = [r["text"] for r in csv.DictReader(f)][:20]
    with np.load(npz, allow_pickle=False) as data:
        row = {k.decode("ascii"): i for i, k in enumerate(data["keys"].tolist())}
        saved = data["vectors"].astype(np.float32)
    hits = [(t, row[E.text_key(t)]) for t in texts if E.text_key(t) in row]
    assert len(hits) >= 10
    got = E.MiniLM(E.model_dir()).encode([t for t, _ in hits])
    assert np.abs(got - saved[[i for _, i in hits]]).max() < 1e-3
