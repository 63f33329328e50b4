import numpy as np

from qualtally.nlp.coldstart import CodeProfile, ColdStart, KeywordBaseline, name_keywords


def test_keywords_match_by_lemma():
    cold = ColdStart(
        [CodeProfile("Refugees", ("refugee", "resettle")), CodeProfile("Money", ("budget",))]
    )
    hits = cold.keyword_hits(["Many Refugees were resettled last year."])[0]
    assert set(hits) == {"Refugees"}
    assert hits["Refugees"] == ("refugees", "resettled")


def test_description_similarity_scores_paraphrase():
    cold = ColdStart([CodeProfile("Training", (), "staff training workshops and courses"),
                      CodeProfile("Money", (), "budget funding and grants")])
    S, _ = cold.scores(["the courses for staff were useful"])
    assert S[0, 0] > S[0, 1]


def test_keyword_baseline_from_code_names():
    assert name_keywords("Funding > Delays in payment") == ("delays", "payment")
    kw = KeywordBaseline().fit([CodeProfile("A > Delays", name_keywords("A > Delays")),
                                CodeProfile("Training", name_keywords("Training"))])
    S = kw.scores(["there was a delay", "nothing here"])
    assert kw.decide(S).tolist() == [[True, False], [False, False]]
    assert np.all(S >= 0)


def test_a_names_only_entry_says_nothing_more_than_the_name():
    from qualtally.nlp.coldstart import says_more_than_name

    path = "Access > Waiting times"
    assert not says_more_than_name(CodeProfile(path, name_keywords(path), "Waiting times"))
    assert not says_more_than_name(CodeProfile(path, (), ""))
    assert says_more_than_name(CodeProfile(path, ("queue",), "Waiting times"))
    assert says_more_than_name(CodeProfile(path, name_keywords(path),
                                           "Waiting times for an ambulance or a call back"))
    assert says_more_than_name(CodeProfile(path, (), "", ("we waited four hours",)))


def test_a_rare_learned_code_blends_only_an_informative_codebook_entry():
    """A code with fewer than FEW examples leans on its codebook entry only when the entry
    says more than the name (a names-only cold start cost up to 0.05 micro-F1 on the NHS
    learning curves, benchmarks/nlp/learning_curves.py --parts blind)."""
    from qualtally.nlp.dataset import Item
    from qualtally.nlp.suggester import Suggester

    items = [Item(f"the staff were kind and caring {i}", ("Staff",)) for i in range(12)]
    items += [Item(f"waited hours for the ambulance {i}", ("Waiting",)) for i in range(3)]
    items += [Item(f"parking at the hospital was hard {i}", ("Parking",)) for i in range(12)]
    texts = ["we waited a long time", "lovely staff", "no parking spaces"]
    plain = Suggester.train(items, by_question=False)
    names = [CodeProfile(c, name_keywords(c), c) for c in ("Staff", "Waiting", "Parking")]
    told = [CodeProfile("Waiting", ("wait", "delay"), "Waiting: delays before help came"),
            *names[::2]]
    codes0, S0, _, _, _ = plain.score(texts)
    codes1, S1, _, _, _ = Suggester(plain.models, names).score(texts)
    codes2, S2, _, _, _ = Suggester(plain.models, told).score(texts)
    j0, j1, j2 = (c.index("Waiting") for c in (codes0, codes1, codes2))
    assert np.allclose(S1[:, j1], S0[:, j0])  # names only: the model's own score
    assert not np.allclose(S2[:, j2], S0[:, j0])  # a real entry is mixed in
