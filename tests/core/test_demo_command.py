"""``qualtally demo``: built once in the user's data directory, then reopened as it is."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "qualtally", *args], capture_output=True, text=True, env=env
    )


def test_demo_is_built_under_xdg_data_home_and_reused(tmp_path):
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "HOME": str(tmp_path / "home")}
    first = _run("demo", "--print", env=env)
    assert first.returncode == 0, first.stderr
    path = Path(first.stdout.splitlines()[0])
    assert path == tmp_path / "data" / "qualtally" / "iom-evaluation.qtally"
    info = json.loads(_run("info", str(path), "--json", env=env).stdout)
    assert info["documents"] >= 20 and info["respondents"] == 24 and info["coders"] == 2

    # work done in the demo project survives: the next `demo` reopens the same file
    from qualtally.project import Project

    with Project.open(path) as project:
        excerpt = project.excerpts()[0]
        code = project.codes()[0]
        project.apply_code(excerpt.id, code.id, "visitor")
    second = _run("demo", "--print", env=env)
    assert second.returncode == 0 and Path(second.stdout.splitlines()[0]) == path
    assert "visitor" in second.stdout
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".building")]


def test_the_first_demo_load_reads_the_shipped_embeddings_instead_of_encoding(
    tmp_path, monkeypatch
):
    """models/iom-demo carries the vectors of its corpus: no demo excerpt is encoded again
    (encoding the 310 long turns took ~25 s here), and the vectors are the encoder's."""
    import numpy as np

    from qualtally.demo import ensure_demo_project
    from qualtally.nlp import embed
    from qualtally.project import Project

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    embed._CACHE.clear()
    encoded: list[str] = []
    original = embed.MiniLM.encode

    def counting(self, texts, *args, **kwargs):
        encoded.extend(texts)
        return original(self, texts, *args, **kwargs)

    monkeypatch.setattr(embed.MiniLM, "encode", counting)
    with Project.open(ensure_demo_project()) as project:
        project.load_suggester()
        texts = [e.text for e in project.excerpts()]
        assert project.suggestions(project.excerpts()[0].id, "newcomer")
    assert encoded == [] and all(t in embed._CACHE for t in texts)
    sample = texts[:2]
    fresh = original(embed.get_model(), sample)
    shipped = np.stack([embed._CACHE[t] for t in sample])
    assert np.allclose(fresh, shipped, atol=2e-3)


def _demo_suggestions_builder():
    """models/build/make_demo_suggestions.py, which wrote models/iom-demo/suggestions.json.gz."""
    import importlib.util

    path = Path(__file__).resolve().parents[2] / "models" / "build" / "make_demo_suggestions.py"
    spec = importlib.util.spec_from_file_location("make_demo_suggestions", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_shipped_demo_suggestions_never_cite_their_own_transcript():
    """Every entry of models/iom-demo/suggestions.json.gz names the transcript held out when
    it was made, and none of its suggestions cites, as the most similar coded excerpt, a
    turn of that transcript: the model that made it never saw that transcript's coding. (A
    model's suggestions for its own training data cite the excerpt itself.)"""
    from qualtally.demo import corpus_dir
    from qualtally.nlp.dataset import load_coded

    mds = _demo_suggestions_builder()
    data = mds.read(mds.OUT)
    assert data["held_out"] == "document" and set(data["folds"]) == set(data["entries"])
    turns: dict[str, list[str]] = {}
    for it in load_coded(corpus_dir() / "coded.csv"):
        turns.setdefault(it.document, []).append(it.text)
    assert set(data["folds"].values()) == set(turns)
    cited = 0
    for h, payload in data["entries"].items():
        own = turns[data["folds"][h]]
        for row in payload["s"]:
            similar = row[5]
            if similar:
                cited += 1
                assert not any(t.startswith(similar.rstrip("\u2026")) for t in own), (
                    data["folds"][h],
                    similar,
                )
    assert cited > 1000


@pytest.mark.slow
def test_a_fresh_demo_starts_with_out_of_fold_suggestions_which_the_loader_keeps(
    tmp_path, monkeypatch
):
    """models/iom-demo/suggestions.json.gz fills a new demo's cache under the shipped model's
    key, each excerpt's entry from the fold that held out its transcript. Rebuilding the fold
    of one transcript (the shipped model's training minus that transcript's rows) gives the
    file's entries exactly (a stale file, e.g. after rebuilding the model or changing the
    corpus, would fail here), and the shipped model itself gives other ones. Loading the
    model keeps every seeded entry: none is recomputed in-sample."""
    from qualtally.demo import corpus_dir, ensure_demo_project
    from qualtally.project import Project
    from qualtally.storage import suggestion_cache as sc

    mds = _demo_suggestions_builder()
    data = mds.read(mds.OUT)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    with Project.open(ensure_demo_project()) as project:
        excerpts = project.excerpts()
        docs = {d.id: d.name for d in project.documents()}
        key = project.suggestion_cache.expected_key(project.codes())
        assert data["model_key"] == key
        seeded = project.reads.read(sc.read_many, key)
        assert len(seeded) == len(excerpts) == 312
        for e in excerpts:
            h = sc.text_hash(e.text, e.question)
            assert data["folds"][h] == docs[e.document_id] and seeded[e.id] == (
                h,
                data["entries"][h],
            )
        before = project.suggestions(excerpts[5].id, "newcomer")  # model not loaded: from the cache
        assert before and not project.suggest_state.suggester

        name = "interviews/R10-new-delhi-mission.txt"  # one of the smaller transcripts
        mine = [e for e in excerpts if docs[e.document_id] == name]
        items, profiles = mds.training_inputs(corpus_dir())
        mds.load_vectors([it.text for it in items] + [e.text for e in excerpts])
        rebuilt = mds.fold_entries(mds.fold_engine(items, profiles, name), mine)
        assert len(rebuilt) == len(mine) > 5
        assert rebuilt == {h: data["entries"][h] for h in rebuilt}

        project.load_suggester()
        in_sample = mds.fold_entries(project.suggest_state.suggester, mine)
        assert sum(in_sample[h] != rebuilt[h] for h in rebuilt) == len(rebuilt)
        after = project.reads.read(sc.read_many, key)
        assert [s.code_path for s in project.suggestions(excerpts[5].id, "newcomer")] == [
            s.code_path for s in before
        ]
    assert after == seeded  # the loader's refresh found every seeded entry current


def test_a_damaged_shipped_suggestions_file_is_skipped(tmp_path):
    import gzip

    from qualtally.demo import corpus_dir
    from qualtally.project import Project

    good = gzip.compress(b'{"v": 1, "model_key": "k", "entries": {}}')
    with Project.new(tmp_path / "p.qtally") as project:
        project.import_paths([corpus_dir()], actor="test")
        for name, data in (
            ("truncated", good[: len(good) // 2]),
            ("list", gzip.compress(b"[1, 2]")),
            ("plain", b"not gzip at all"),
            ("foreign", good),
        ):
            path = tmp_path / f"{name}.json.gz"
            path.write_bytes(data)
            assert project.seed_suggestion_cache(path) == 0
