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
    pred = fitted.predict_labels(
        ["the grant was not enough for us", "the trainers were knowledgeable"]
    )
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
    common = {
        "Transport": ["the bus was late", "the train takes two hours", "buses are unreliable"],
        "Staff": ["the staff were kind", "coordinators were patient", "the team listened to us"],
        "Cost": ["the fees were too high", "i could not afford the books", "too expensive for me"],
    }
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
    # like for like on the blended engine (without name rows there is no stacking: its
    # name-similarity features come from the name rows)
    with_name = CodeSuggester(embeddings=embeddings, stack=False).fit(X, y)
    without = CodeSuggester(embeddings=embeddings, name_rows=False).fit(X, y)
    assert not without.stacked_
    k = list(with_name.classes_).index("Childcare")
    s_with, s_without = with_name.scores(text)[0], without.scores(text)[0]
    assert s_with[k] > s_without[k]
    assert int(np.argmax(s_with)) == k
    # the default, stacked engine also ranks the rare code first for it
    stacked = CodeSuggester(embeddings=embeddings).fit(X, y)
    assert stacked.stacked_ and int(np.argmax(stacked.scores(text)[0])) == k
    # the name is a pseudo-example (three copies) for the linear models only: no coded excerpt
    assert stacked.train_texts_ == X and stacked.n_positive_[k] == 2
    assert stacked.train_labels_.shape == (len(X), 4)


def test_a_name_feature_that_never_varied_cannot_swing_the_score():
    """Standardised meta features are clipped, so an unseen level of one is bounded."""
    from qualtally.nlp.stacking import CLIP, apply_meta

    F = np.zeros((1, 1, 2))
    F[0, 0, 1] = 0.75  # e.g. a name similarity 0.75 where training saw 0.02 +- 0.02
    mu, sd, w = np.array([0.0, 0.02]), np.array([1.0, 0.02]), np.array([0.0, -1.0])
    assert apply_meta(F, w, 0.0, mu, sd)[0, 0] == pytest.approx(1 / (1 + np.exp(CLIP)))
    assert apply_meta(F, w, 0.0, mu, sd, clip=None)[0, 0] < 1e-10


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
    monkeypatch.setattr(
        model_module,
        "tune_blend",
        lambda comps, *a, **k: calls.append(len(comps[0])) or real(comps, *a, **k),
    )
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


def test_relative_rule_drops_codes_far_below_the_answers_best():
    S = np.array([[0.90, 0.40, 0.20], [0.30, 0.28, 0.05]])
    th = np.array([0.25, 0.25, 0.15])
    assert decide(S, th, None).tolist() == [[True, True, True], [True, True, False]]
    # with ratio 0.5 a code must also reach half the answer's best score
    assert decide(S, th, (None, 0.5)).tolist() == [[True, False, False], [True, True, False]]
    # the rescue still applies to answers with no code over its threshold
    assert decide(np.array([[0.2, 0.1, 0.0]]), th, (0.75, 0.5)).tolist() == [[True, False, False]]


@pytest.mark.parametrize("embeddings", [False, True])
def test_stacked_meta_learner_learns_and_survives_a_skops_round_trip(embeddings, tmp_path):
    """The stacked model's decisions come from one meta-learner over all codes' component scores."""
    import skops.io as sio

    from qualtally.nlp.persist import TRUSTED
    from qualtally.nlp.stacking import meta_features

    rows = make_rows(80, seed=3)
    X, y = [r["text"] for r in rows], [tuple(r["codes"].split(";")) for r in rows]
    model = CodeSuggester(stack=True, embeddings=embeddings).fit(X, y)
    assert model.stacked_
    # features per component: its score and its distance to the answer's best code; then the
    # zero-shot name similarities (TF-IDF, and embedding when used) and the code prior
    n_comps = (4 if model.use_embeddings_ else 2) + (2 if model.use_embeddings_ else 1)
    assert model.meta_w_.shape == (2 * n_comps + 1,)
    assert meta_features([np.zeros((3, 4))] * n_comps, np.zeros(4)).shape == (3, 4, 2 * n_comps + 1)
    held = make_rows(40, seed=99)
    pred = model.predict_labels([r["text"] for r in held])
    exact = np.mean([set(p) == set(r["codes"].split(";")) for p, r in zip(pred, held)])
    assert exact > 0.8
    sio.dump({"m": model}, tmp_path / "m.skops")
    assert set(sio.get_untrusted_types(file=tmp_path / "m.skops")) <= set(TRUSTED)
    loaded = sio.load(tmp_path / "m.skops", trusted=TRUSTED)["m"]
    texts = ["payments were delayed again", "the trainers were knowledgeable"]
    s = loaded.scores(texts)
    assert np.allclose(s, model.scores(texts)) and np.all((s >= 0) & (s <= 1))
