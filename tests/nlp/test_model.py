import numpy as np
import pytest

from qualtally.nlp.model import CodeSuggester, decide, label_matrix

from nlp_fixtures import make_rows


@pytest.fixture(scope="module")
def fitted():
    rows = make_rows(80, seed=3)
    model = CodeSuggester(random_state=0).fit([r["text"] for r in rows],
                                              [tuple(r["codes"].split(";")) for r in rows])
    return model


def test_learns_codes_it_was_shown(fitted):
    pred = fitted.predict_labels(["the grant was not enough for us", "the trainers were knowledgeable"])
    assert pred[0] == ("Funding > Amount",)
    assert pred[1] == ("Training",)


def test_held_out_rows_are_mostly_right(fitted):
    rows = make_rows(40, seed=99)
    pred = fitted.predict_labels([r["text"] for r in rows])
    exact = np.mean([set(p) == set(r["codes"].split(";")) for p, r in zip(pred, rows)])
    assert exact > 0.8


def test_learned_attributes_and_params(fitted):
    assert fitted.get_params()["random_state"] == 0
    assert len(fitted.thresholds_) == len(fitted.classes_) == 4
    assert 0.0 <= fitted.blend_ <= 1.0
    s = fitted.scores(["payments were delayed again"])
    assert s.shape == (1, 4) and np.all((s >= 0) & (s <= 1))


def test_same_seed_same_model():
    rows = make_rows(50, seed=5)
    X, y = [r["text"] for r in rows], [tuple(r["codes"].split(";")) for r in rows]
    a = CodeSuggester(random_state=1).fit(X, y).scores(X[:5])
    b = CodeSuggester(random_state=1).fit(X, y).scores(X[:5])
    assert np.allclose(a, b)


def test_rejections_only_label_the_rejected_code():
    Y, known = label_matrix([("A",), ()], ["A", "B"], negatives=[None, {"B"}])
    assert Y.tolist() == [[1, 0], [0, 0]]
    assert known.tolist() == [[True, True], [False, True]]


def test_at_least_one_rescue_picks_the_closest_code():
    S = np.array([[0.30, 0.10], [0.05, 0.02]])
    th = np.array([0.5, 0.5])
    assert decide(S, th, None).sum() == 0
    out = decide(S, th, 0.5)
    assert out.tolist() == [[True, False], [False, False]]
