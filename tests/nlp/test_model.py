import numpy as np
import pytest
from nlp_fixtures import make_rows

from qualtally.nlp.model import CodeSuggester, decide, label_matrix


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


def _rare_code_rows():
    """Three frequent codes and one rare one (2 examples) whose answers never say its name."""
    common = {"Transport": ["the bus was late", "the train takes two hours", "buses are unreliable"],
              "Staff": ["the staff were kind", "coordinators were patient", "the team listened to us"],
              "Cost": ["the fees were too high", "i could not afford the books", "too expensive for me"]}
    X, y = [], []
    for i in range(60):
        code = sorted(common)[i % 3]
        X.append(f"{common[code][i % 3]} {'honestly' if i % 2 else 'overall'}")
        y.append((code,))
    X += ["no one to watch my kids during sessions", "i had to bring my toddler along"]
    y += [("Childcare",), ("Childcare",)]
    return X, y


@pytest.mark.parametrize("embeddings", [False, True])
def test_a_rare_codes_name_counts_as_examples(embeddings):
    """With 2 examples that never say 'childcare', an answer that does is scored higher for it."""
    X, y = _rare_code_rows()
    text = ["childcare was impossible to arrange"]
    assert CodeSuggester().get_params()["name_copies"] == 3
    with_name = CodeSuggester(embeddings=embeddings).fit(X, y)
    without = CodeSuggester(embeddings=embeddings, name_rows=False).fit(X, y)
    k = list(with_name.classes_).index("Childcare")
    s_with, s_without = with_name.scores(text)[0], without.scores(text)[0]
    assert s_with[k] > s_without[k]
    assert int(np.argmax(s_with)) == k
    # the name is a pseudo-example (three copies) for the linear models only: no coded excerpt
    assert with_name.train_texts_ == X and with_name.n_positive_[k] == 2
    assert with_name.train_labels_.shape == (len(X), 4)


def test_code_name_is_the_leaf_or_the_whole_path():
    from qualtally.nlp.model import code_name

    assert code_name("Funding > Delays") == "Delays"
    assert code_name("Funding > Delays", "path") == "Funding Delays"


def test_large_sets_tune_on_one_split_and_still_learn(monkeypatch):
    """Above HOLDOUT_ABOVE rows the thresholds come from one held-out third, not k folds."""
    import qualtally.nlp.model as model_module

    rows = make_rows(150, seed=11)
    X, y = [r["text"] for r in rows], [tuple(r["codes"].split(";")) for r in rows]
    calls = []
    real = model_module.tune_blend
    monkeypatch.setattr(model_module, "tune_blend", lambda comps, *a, **k: calls.append(len(comps[0])) or real(comps, *a, **k))
    monkeypatch.setattr(model_module, "HOLDOUT_ABOVE", 90)
    model = CodeSuggester(embeddings=False).fit(X, y)
    assert calls == [50]  # a third of 150 rows scored out of sample
    held = make_rows(40, seed=12)
    pred = model.predict_labels([r["text"] for r in held])
    exact = np.mean([set(p) == set(r["codes"].split(";")) for p, r in zip(pred, held)])
    assert exact > 0.8
    monkeypatch.setattr(model_module, "HOLDOUT_ABOVE", 1500)
    CodeSuggester(embeddings=False).fit(X, y)
    assert calls[-1] == 150  # below it, every row is scored by k-fold cross-validation
