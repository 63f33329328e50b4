"""The suggestion cache: suggestions from a reopened project before its model has loaded.

Real project files, real models (trained once per module, then the project file and its
model folder are copied for each test), real subprocesses where imports are checked.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa
from nlp_fixtures import TURNS, make_rows, turns_document

from qualtally.core.models import Code, CodedRow, ImportBundle
from qualtally.nlp import card, embed
from qualtally.project import Project
from qualtally.storage import suggestion_cache as sc
from qualtally.storage import tables as t

SRC = str(Path(__file__).resolve().parents[2] / "src")




@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A project whose model was trained and whose cache was filled by load_suggester."""
    path = tmp_path_factory.mktemp("built") / "t.qtally"
    codes = [
        Code("Funding"),
        Code("Delays", "Funding", keywords=("delay",)),
        Code("Amount", "Funding"),
        Code("Training", keywords=("trainer", "workshop")),
        Code("Partnership"),
        Code("Unused", definition="budget lines for vehicles", keywords=("vehicle",)),
    ]
    rows = [CodedRow(r["respondent"], r["text"], tuple(r["codes"].split(";")), "ann", f"d{i}.txt")
            for i, r in enumerate(make_rows(40, seed=4))]
    with Project.new(path) as p:
        p.store.import_bundle(
            ImportBundle("test", codes=codes, coded=rows, documents=[turns_document()]), "ann"
        )
        p.load_suggester()
        p.flush_suggestion_cache()
        with p.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def path(built, tmp_path) -> Path:
    out = tmp_path / built.name
    shutil.copy(built, out)
    shutil.copytree(f"{built}.models", f"{out}.models")
    return out


def _new_ids(project) -> list[int]:
    return [e.id for e in project.excerpts() if e.text in TURNS]


def _loaded_suggestions(path, coder="ann"):
    with Project.open(path) as p:
        p.load_suggester()
        out = {eid: p.suggestions(eid, coder) for eid in _new_ids(p)}
        p.flush_suggestion_cache()
    return out


def test_cache_is_used_before_the_model_loads(path):
    expected = _loaded_suggestions(path)
    assert all(expected.values())
    with Project.open(path) as p:
        got = {eid: p.suggestions(eid, "ann") for eid in _new_ids(p)}
        # nothing loaded or trained
        assert p.suggest_state.suggester is None and not p.suggest_state.loading
    assert got == expected  # scores, flags, keywords, terms, similar excerpt, source
    assert any(s.top_terms and s.similar_excerpt for found in got.values() for s in found)


def test_cached_entries_match_what_the_engine_computes(path):
    with Project.open(path) as p:
        p.load_suggester()
        eid = _new_ids(p)[2]
        cached = p.suggestions(eid, "ann")
        sc.clear(p.engine)
        computed = p.suggestions(eid, "ann")  # a miss: computed now, written back in the background
        p.flush_suggestion_cache()
        key = p.suggest_state.key
        assert computed == cached
        assert p.reads.read(sc.read_one, eid)[0] == key


def test_reading_the_cache_imports_no_model_library(path):
    code = (
        "import sys\n"
        "from qualtally.project import Project\n"
        f"p = Project.open({str(path)!r})\n"
        "eid = [e.id for e in p.excerpts() if e.text.startswith('Payments')][0]\n"
        "found = p.suggestions(eid, 'ann')\n"
        "order = p.uncertainty_order()\n"
        "heavy = [m for m in ('sklearn', 'skops', 'spacy', 'scipy') if m in sys.modules]\n"
        "print(len(found), len(order), ' '.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": SRC, "PATH": "/usr/bin:/bin"})
    n, n_order, *heavy = out.stdout.split()
    assert int(n) > 0 and int(n_order) > 0
    assert heavy == []


def test_changed_text_is_not_served_from_the_cache(path):
    with Project.open(path) as p:
        eid = _new_ids(p)[0]
        other = _new_ids(p)[1]
        assert p.suggestions(eid, "ann")
        with p.engine.begin() as conn:  # same length, so every excerpt keeps its offsets
            conn.execute(
                sa.update(t.documents)
                .where(t.documents.c.name == "new-interviews.txt")
                .values(text=sa.func.replace(t.documents.c.text, "grant", "award"))
            )
        assert p.suggestions(eid, "ann") == []  # its text changed: stale until the model loads
        assert p.suggestions(other, "ann")  # untouched excerpts still served
        p.load_suggester()  # the refresh recomputes the stale entry
        e = p.excerpt(eid)
        assert p.reads.read(sc.read_one, eid)[1] == sc.text_hash(e.text, e.question)


def test_entries_of_an_earlier_model_are_shown_marked_until_the_loader_answers(path):
    with Project.open(path) as p:
        p.load_suggester()
        old_key = p.suggest_state.key
        partnership = p.code_by_path("Partnership").id
        for eid in _new_ids(p) + [e.id for e in p.excerpts()][:3]:
            p.apply_code(eid, partnership, "ann")
        # a new model; the cache still holds the old one's
        p.retrain_suggester("ann", refresh=False)
        new_key = p.suggest_state.key
        assert new_key and new_key != old_key
        assert card.model_key(p.model_dir()) == new_key
    with Project.open(path) as p:
        eid = _new_ids(p)[4]
        assert p.reads.read(sc.read_one, eid)[0] == old_key
        # the loader will pick the new model: old entries, marked
        earlier = p.suggestions(eid, "bob")
        assert earlier and all(x.earlier for x in earlier)
        old_payload = sc.suggestions_of(p.reads.read(sc.read_one, eid)[2])
        assert [x.code_path for x in earlier] == [x.code_path for x in old_payload if x.score > 0][
            :9
        ]
        p.load_suggester()
        assert p.reads.read(sc.read_one, eid)[0] == new_key
        assert not any(x.earlier for x in p.suggestions(eid, "bob"))
    with Project.open(path) as p:
        now = p.suggestions(_new_ids(p)[4], "bob")
        assert now and not any(x.earlier for x in now)


def test_codebook_change_leaves_only_earlier_model_entries(path):
    with Project.open(path) as p:
        eid = _new_ids(p)[0]
        before = p.suggestions(eid, "ann")
        assert before and not any(x.earlier for x in before)
        p.add_code(Code("Brand new"), "ann")  # no saved model matches this codebook: it will train
        after = p.suggestions(eid, "ann")
        assert after and all(x.earlier for x in after)  # shown marked until the new model answers
        assert [x.code_path for x in after] == [x.code_path for x in before]


def test_applied_and_rejected_codes_are_filtered_from_cached_suggestions(path):
    with Project.open(path) as p:
        eid = _new_ids(p)[0]
        before = [s.code_path for s in p.suggestions(eid, "ann")]
        assert len(before) >= 2
        applied, rejected = before[0], before[1]
        p.apply_code(eid, p.code_by_path(applied).id, "ann")
        p.reject_suggestion(eid, p.code_by_path(rejected).id, "ann")
        after = [s.code_path for s in p.suggestions(eid, "ann")]
        assert applied not in after and rejected not in after
        assert after == [c for c in before if c not in (applied, rejected)][: len(after)]
        assert [s.code_path for s in p.suggestions(eid, "bob")] == before  # another coder's view
        assert p.suggest_state.suggester is None


def test_a_cached_suggestion_counts_in_no_tally(path):
    with Project.open(path) as p:
        eid = _new_ids(p)[0]
        sc.clear(p.engine)
        before, exact_before = p.tally(), p.tally(exact=True)
        p.load_suggester()  # fills the cache for every excerpt
        assert p.suggestions(eid, "ann") and p.reads.read(sc.read_one, eid) is not None
        assert p.tally() == before and p.tally(exact=True) == exact_before
        assert p.codings([eid]) == {}


def test_uncertainty_order_runs_from_the_cache(path):
    with Project.open(path) as p:
        p.load_suggester()
        todo = [e for e in p.excerpts() if not p.codings([e.id])]
        scored = p.suggesting.scored(todo)
        computed = {e.id: float(np.min(np.abs(s - th))) for e, _, s, _, th in scored}
        loaded_order = p.uncertainty_order()
        new = set(_new_ids(p))
    with Project.open(path) as p:
        cached = p.suggestion_cache.cached_margins(todo)
        order = p.uncertainty_order()
        assert p.suggest_state.suggester is None  # ranked without loading the model
    assert cached.keys() == computed.keys()
    assert all(abs(cached[k] - computed[k]) < 1e-5 for k in computed)
    assert order == loaded_order
    assert set(order[: len(TURNS)]) == new


def test_embeddings_are_saved_beside_the_model_and_read_back(path, tmp_path):
    saved = Path(f"{path}.models") / "embeddings.npz"
    assert saved.is_file()
    with np.load(saved, allow_pickle=False) as data:
        assert data["vectors"].dtype == np.float16 and data["vectors"].shape[1] == embed.DIM
        n = len(data["keys"])
    texts = [f"an unseen sentence number {i}" for i in range(3)]
    vecs = embed.embed(texts)
    out = tmp_path / "e.npz"
    assert embed.save_cache(out, texts) == 3
    for text in texts:
        embed._CACHE.pop(text)
    assert embed.load_cache(out, texts + ["not saved"]) == 3
    assert np.allclose(np.stack([embed._CACHE[x] for x in texts]), vecs, atol=2e-3)
    whole = out.read_bytes()
    out.write_bytes(whole[: len(whole) // 2])  # a torn file: zipfile.BadZipFile inside np.load
    assert embed.load_cache(out, texts) == 0
    out.write_bytes(b"not an npz")
    assert embed.load_cache(out, texts) == 0
    assert not list(tmp_path.glob(".e.npz.*.tmp"))  # no temporary file left behind
    with Project.open(path) as p:
        p.suggesting.remember_texts()
        embed._CACHE.clear()
        assert p.embeddings.load() == n == len({x for x, _ in p.suggest_state.texts.values()})


def test_a_torn_save_is_not_loaded(path):
    from qualtally.nlp.persist import StaleModel, load_model

    folder = Path(f"{path}.models")
    meta = json.loads((folder / "meta.json").read_text())
    assert meta["model_sha256"] == card.file_sha256(card.model_path(folder, meta))
    meta["model_sha256"] = "0" * 64
    (folder / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(StaleModel, match="is not the one its model card records"):
        load_model(folder)


def test_retraining_refreshes_every_entry_for_the_new_model(path):
    with Project.open(path) as p:
        p.load_suggester()
        training = p.code_by_path("Training").id
        for eid in _new_ids(p):
            p.reject_suggestion(eid, training, "ann")
        steps = []
        assert p.maybe_retrain("ann")
        key = p.suggest_state.key
        entries = p.reads.read(sc.read_many, key)
        assert set(entries) == {e.id for e in p.excerpts()}
        assert p.refresh_suggestion_cache(lambda *a: steps.append(a)) == 0  # nothing stale is left
        assert steps == [("caching suggestions", 0, 0)]


def test_a_file_that_refuses_cache_writes_still_gives_suggestions(path, monkeypatch):
    def refuse(*args, **kwargs):
        raise sa.exc.OperationalError(
            "INSERT", {}, Exception("attempt to write a readonly database")
        )

    with Project.open(path) as p:
        sc.clear(p.engine)
        monkeypatch.setattr(sc, "upsert_many", refuse)
        p.load_suggester()  # the refresh fails quietly; the loader does not
        eid = _new_ids(p)[0]
        assert p.suggestions(eid, "ann")  # computed by the engine
        p.flush_suggestion_cache()
        assert p.reads.read(sc.read_one, eid) is None
        assert p.suggest_state.cache_write_errors >= 2


def test_a_late_write_from_a_replaced_model_does_not_overwrite_the_new_entry(path):
    """An entry computed just before a retraining swapped models in is dropped on write."""
    with Project.open(path) as p:
        p.load_suggester()
        p.flush_suggestion_cache()
        eid = _new_ids(p)[0]
        current = p.suggest_state.key
        with p.engine.connect() as conn:
            before = sc.read_one(conn, eid)
        assert before is not None and before[0] == current
        p.suggestion_cache.writer.put((eid, "an-older-model", before[1], before[2]))
        p.flush_suggestion_cache()
        with p.engine.connect() as conn:
            after = sc.read_one(conn, eid)
        assert after[0] == current


def test_first_open_answers_the_asked_for_excerpts_before_the_refresh(path):
    """No cache yet (a new qualtally version, a fresh demo): what the TUI asked for while the
    model loaded is cached when the loader reports "suggestions" 3/3, before the refresh of
    every other excerpt starts, and it is what the engine computes."""
    with Project.open(path) as p:
        sc.clear(p.engine)
    with Project.open(path) as p:
        wanted = _new_ids(p)[2]
        assert p.suggestions(wanted, "ann") == []  # nothing cached, no model yet
        seen = {}

        def progress(label, done, total):
            if (label, done, total) == ("suggestions", 3, 3):
                key = p.suggest_state.key
                seen["wanted"] = p.reads.read(sc.read_many, key, [wanted])
                seen["all"] = len(p.reads.read(sc.read_keys, key))

        p.load_suggester(progress=progress)
        assert wanted in seen["wanted"] and seen["all"] == 1
        e = next(e for e in p.excerpts() if e.id == wanted)
        (fresh, margin), = p.suggest_state.suggester.suggest_many([e.text], e.question, limit=16)
        assert sc.suggestions_of(seen["wanted"][wanted][1]) == fresh
        assert sc.margin_of(seen["wanted"][wanted][1]) == pytest.approx(margin, abs=1e-6)


def test_refresh_does_the_asked_for_document_first(path):
    with Project.open(path) as p:
        p.load_suggester()
        wanted = p.excerpts()[-1].id  # the last document's, the refresh's last before
        doc = next(e.document_id for e in p.excerpts() if e.id == wanted)
        in_doc = {e.id for e in p.excerpts() if e.document_id == doc}
        sc.clear(p.engine)
        p.suggest_state.answered = [wanted]
        first = []

        def progress(label, done, total):
            if label == "caching suggestions" and done == len(in_doc):
                first.extend(p.reads.read(sc.read_keys, p.suggest_state.key))

        assert p.refresh_suggestion_cache(progress, chunk=len(in_doc)) == len(p.excerpts())
        assert set(first) == in_doc


def test_the_sqlite_read_of_one_look_up_equals_the_core_queries(path):
    """read_for_suggestions's driver-level SQLite statements read what the Core queries read:
    the excerpt (text cut by characters, respondent or none), the codes the coder applied
    or rejected (not other coders'), and the cache entry with its JSON payload."""
    from sqlalchemy.exc import NoResultFound

    from qualtally.storage import queries

    with Project.open(path) as p:
        p.load_suggester()
        p.flush_suggestion_cache()
        ids = [e.id for e in p.excerpts()]
        codes = [c.id for c in p.codes()]
        p.apply_code(ids[0], codes[0], "bob")
        p.apply_code(ids[0], codes[1], "ann")
        p.reject_suggestion(ids[0], codes[2], "bob")
        p.reject_suggestion(ids[0], codes[3], "ann")
        sc.clear(p.engine)
        p.suggestions(ids[1], "bob")  # one entry back in the cache
        p.flush_suggestion_cache()
        checked = 0
        with p.engine.connect() as conn:
            assert conn.dialect.name == "sqlite"
            for eid in ids[:3] + ids[-3:]:
                for coder in ("bob", "ann", "nobody", None):  # None: every coder's codes
                    e, skip, row = sc.read_for_suggestions(conn, eid, coder)
                    assert e == queries.excerpt(conn, eid)
                    applied = {
                        c for c, _, _ in queries.codings_for(conn, [eid], coder).get(eid, [])
                    }
                    assert skip == applied | queries.rejections(conn, eid, coder)
                    assert row == sc.read_one(conn, eid)
                    checked += row is not None
            assert sc.read_for_suggestions(conn, ids[0], "bob")[1] == {codes[0], codes[2]}
            assert sc.read_for_suggestions(conn, ids[0], None)[1] == set(codes[:4])
            assert checked == 4 and any(queries.excerpt(conn, i).respondent_key for i in ids)
            with pytest.raises(NoResultFound):
                sc.read_for_suggestions(conn, max(ids) + 100, "bob")


def test_a_saved_model_from_other_library_versions_is_retrained_not_used(path):
    """The background loader never uses a model whose card names other library versions:
    it trains again, and the new card records the running ones."""
    folder = Path(f"{path}.models")
    meta = json.loads((folder / "meta.json").read_text())
    meta["versions"]["scikit-learn"] = "1.0.2"
    (folder / "meta.json").write_text(json.dumps(meta))
    with Project.open(path) as p:
        assert card.pick_model(p.suggestion_cache.model_folders(), meta["codebook_hash"]) is None
        p.load_suggester()
        assert p.suggest_state.suggester is not None
        p.flush_suggestion_cache()
    again = json.loads((folder / "meta.json").read_text())
    assert again["versions"]["scikit-learn"] == card.library_versions()["scikit-learn"]
    assert again["trained_at"] >= meta["trained_at"]
