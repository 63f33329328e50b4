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
