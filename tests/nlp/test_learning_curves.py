"""benchmarks/nlp/learning_curves.py on a tiny synthetic coded CSV (no ../shared needed):
curves of the right shape, the simulated coder's visiting orders, and the least-sure-first
pick following the same margin rule as the app's ``o`` key and the suggestion cache."""

import sys
from pathlib import Path

import numpy as np
import pytest
from nlp_fixtures import make_rows, write_csv

from qualtally.nlp.dataset import load_coded

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks" / "nlp"))
import learning_curves as lc  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    path = write_csv(tmp_path_factory.mktemp("curves") / "coded.csv", make_rows(70, seed=3))
    items = load_coded(path)
    return path, items, lc.split(len(items), holdout=20, max_budget=40, seed=0)


def test_split_holds_out_answers_no_budget_sees():
    sp = lc.split(70, holdout=20, max_budget=40, seed=0)
    assert len(sp.held) == 20 and len(sp.order) == 50
    assert not set(sp.held) & set(sp.order) and set(sp.held) | set(sp.order) == set(range(70))
    assert lc.split(70, 20, 40, seed=0) == sp and lc.split(70, 20, 40, seed=1) != sp
    small = lc.split(45, holdout=20, max_budget=40, seed=0)  # only what remains after 40
    assert len(small.held) == 5 and len(small.order) == 40


def test_curve_has_a_figure_per_budget_for_both_models(data):
    _, items, sp = data
    out = lc.curve(items, sp, (10, 20, 40), profiles=lc.names_only_codebook(items))
    assert set(out) == {"suggester", "suggester_codebook", "reference"}
    for kind in out.values():
        assert list(kind) == [10, 20, 40]
        assert all(0.0 <= f <= 1.0 for f in kind.values())
    assert out["suggester"][40] > 0.5  # the synthetic codes are learnable from 40 answers


def test_least_sure_first_picks_the_smallest_margin(data):
    _, items, sp = data
    start = 10
    model = lc.train_suggester(lc.in_file_order(items, sp.order[:start]))
    pool = sorted(sp.order[start:])
    codes, S, _, _, _ = model.score([items[i].text for i in pool], "")
    expected = np.abs(S - model.thresholds("", codes)).min(axis=1)
    # the margin the suggestion cache stores for the app's ``o`` key is the same number
    cached = [m for _, m in model.suggest_many([items[i].text for i in pool], "",
                                               explain=False)]
    assert np.allclose(cached, expected)
    ranked = lc.rank(model, items, pool)
    assert ranked == [pool[j] for j in np.argsort(expected, kind="stable")]
    first = lc.visit(items, sp, (start + 1,), "least_sure_first", 5, start=start)
    assert first["visited"] == [pool[int(np.argmin(expected))]]
    once = lc.visit(items, sp, (start + 3,), "least_sure_ranked_once", 5, start=start)
    assert once["visited"] == ranked[:3] and once["retrains"] == 1


def test_document_order_takes_the_next_answers_in_file_order(data):
    _, items, sp = data
    r = lc.visit(items, sp, (15, 20), "document", 5, start=10)
    assert r["visited"] == sorted(sp.order[10:])[:10] and r["retrains"] == 0
    assert list(r["f1"]) == [15, 20]


def test_blind_project_learns_from_the_coders_own_codings_only(data, tmp_path):
    path, items, sp = data
    bp = lc.BlindProject(path, items, tmp_path)
    try:
        r = bp.run("sim-0", sp, (10, 20))
    finally:
        bp.close()
    # the file's 70 answers coded by "ann" are in the project; blind mode hides them
    assert r["training_size"] == {10: 10, 20: 20}
    assert list(r["f1"]) == [10, 20] and all(0.0 <= f <= 1.0 for f in r["f1"].values())
