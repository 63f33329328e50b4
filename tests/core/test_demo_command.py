"""``qualtally demo``: built once in the user's data directory, then reopened as it is."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qualtally", *args], capture_output=True, text=True, env=env)


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


def test_the_first_demo_load_reads_the_shipped_embeddings_instead_of_encoding(tmp_path, monkeypatch):
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


def test_a_fresh_demo_starts_with_the_shipped_suggestions_and_they_are_the_model_s(tmp_path, monkeypatch):
    """models/iom-demo/suggestions.json.gz fills a new demo's suggestion cache, so the very
    first open shows suggestions before the model loads; loading the model then computes the
    same entries (a stale file, e.g. after rebuilding the model alone, would fail here)."""
    from qualtally.demo import ensure_demo_project
    from qualtally.project import Project
    from qualtally.storage import suggestion_cache as sc

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    with Project.open(ensure_demo_project()) as project:
        ids = [e.id for e in project.excerpts()]
        key = project.suggestion_cache.expected_key(project.codes())
        seeded = project.reads.read(sc.read_many, key)
        assert len(seeded) == len(ids) == 312  # coder-b's two own spans since issue 13
        before = project.suggestions(ids[5], "newcomer")  # model not loaded: from the cache
        assert before and not project.suggest_state.suggester
        project.load_suggester()
        for eid in ids[:40:3]:  # computed afresh by the loaded engine: the same
            text, question = project.suggest_state.texts[eid]
            suggester = project.suggest_state.suggester
            (found, margin), = suggester.suggest_many([text], question, limit=16)
            assert sc.payload(found, margin) == seeded[eid][1]
        after = project.reads.read(sc.read_many, key)
        assert [s.code_path for s in project.suggestions(ids[5], "newcomer")] == [s.code_path for s in before]
    assert after == seeded  # the loader's refresh found every seeded entry current


def test_a_damaged_shipped_suggestions_file_is_skipped(tmp_path):
    import gzip

    from qualtally.demo import corpus_dir
    from qualtally.project import Project

    good = gzip.compress(b'{"v": 1, "model_key": "k", "entries": {}}')
    with Project.new(tmp_path / "p.qtally") as project:
        project.import_paths([corpus_dir()], actor="test")
        for name, data in (("truncated", good[: len(good) // 2]), ("list", gzip.compress(b"[1, 2]")),
                           ("plain", b"not gzip at all"), ("foreign", good)):
            path = tmp_path / f"{name}.json.gz"
            path.write_bytes(data)
            assert project.seed_suggestion_cache(path) == 0
