"""Cross-validated accuracy of the suggester against keyword auto-coding.

This is the harness ``qualtally evaluate`` runs and outside reviewers rerun: k-fold
cross-validation over a coded-excerpts CSV, one codebook per question when asked
(``by="question"``), the model and the keyword baseline scored on the same folds, and a
learning curve (micro-F1 after 25, 50, 100, 200 training excerpts) so a team can see how
much coding the model needs. Every model is refitted inside each fold; nothing learned
from a test fold reaches its predictions.
"""

from __future__ import annotations

import numpy as np
from sklearn.model_selection import KFold

from qualtally.nlp.coldstart import CodeProfile, KeywordBaseline, name_keywords
from qualtally.nlp.dataset import Item
from qualtally.nlp.metrics import align, summarise
from qualtally.nlp.model import CodeSuggester, label_matrix

CURVE_SIZES = (25, 50, 100, 200)


def _oof(items: list[Item], classes, folds: int, seed: int, make_model, sizes=()):
    """Pooled out-of-fold (scores, decisions) for the model, and learning-curve decisions."""
    texts = [it.text for it in items]
    n, K = len(items), len(classes)
    S, P = np.zeros((n, K)), np.zeros((n, K), dtype=bool)
    curve = {s: (np.zeros((n, K), dtype=bool), np.zeros(n, dtype=bool)) for s in sizes}
    rng = np.random.default_rng(seed)
    for tr, te in KFold(folds, shuffle=True, random_state=seed).split(texts):
        model = make_model().fit([texts[i] for i in tr], [items[i].codes for i in tr])
        s = model.scores([texts[i] for i in te])
        S[te] = align(s, model.classes_, classes)
        P[te] = align(model.decide(s).astype(float), model.classes_, classes) > 0
        for size in sizes:
            if size > len(tr):
                continue
            sub = rng.choice(tr, size=size, replace=False)
            m = make_model().fit([texts[i] for i in sub], [items[i].codes for i in sub])
            curve[size][0][te] = (
                align(m.predict([texts[i] for i in te]).astype(float), m.classes_, classes) > 0
            )
            curve[size][1][te] = True
    return S, P, curve


def evaluate_items(items: list[Item], folds: int = 5, seed: int = 0, profiles=None,
                   make_model=None, curve: bool = True) -> dict:
    """Figures for one codebook (one question, or the whole file)."""
    make_model = make_model or (lambda: CodeSuggester(random_state=seed))
    classes = sorted({c for it in items for c in it.codes})
    Y, _ = label_matrix([it.codes for it in items], classes)
    folds = max(2, min(folds, len(items)))
    S, P, lc = _oof(items, classes, folds, seed, make_model, CURVE_SIZES if curve else ())
    model = summarise(Y, P, S, classes)
    given = {p.path: p for p in profiles or () if p.keywords}
    profiles = [given.get(c) or CodeProfile(c, name_keywords(c)) for c in classes]
    kw = KeywordBaseline().fit(profiles)
    ks = align(kw.scores([it.text for it in items]), kw.classes_, classes)
    keyword = summarise(Y, ks > 0, ks, classes)
    learning = {}
    for size, (pred, done) in lc.items():
        if done.any():
            learning[str(size)] = summarise(Y[done], pred[done], pred[done].astype(float), classes)[
                "micro_f1"
            ]
        else:
            learning[str(size)] = None
    return {"excerpts": len(items), "codes": len(classes), "folds": folds, "model": model,
            "keyword": keyword, "learning_curve": learning}


def evaluate(items: list[Item], by: str | None = None, folds: int = 5, seed: int = 0,
             curve: bool = True, make_model=None, progress=None, profiles=None) -> dict:
    """Whole-file or per-question evaluation; per question adds means over questions.

    ``profiles`` (from a codebook) give the keyword baseline the codebook's keywords;
    without them it searches for the words of each code's name.
    """
    if by != "question":
        result = evaluate_items(items, folds, seed, profiles, make_model, curve)
        return {
            "by": None,
            "seed": seed,
            "keywords_from": "codebook" if profiles else "code names",
            **result,
            "summary": _summary([result]),
        }
    groups: dict[str, list[Item]] = {}
    for it in items:
        groups.setdefault(it.question or "", []).append(it)
    out, skipped = {}, {}
    for i, (q, group) in enumerate(sorted(groups.items())):
        if progress:
            progress("evaluate", i, len(groups))
        if not any(it.codes for it in group) or len(group) < 4:
            skipped[q] = (
                f"{len(group)} excerpts, {len({c for it in group for c in it.codes})} codes: "
                "too few to cross-validate"
            )
            continue
        out[q] = evaluate_items(group, folds, seed, profiles, make_model, curve)
    if progress:
        progress("evaluate", len(groups), len(groups))
    return {
        "by": "question",
        "seed": seed,
        "keywords_from": "codebook" if profiles else "code names",
        "questions": out,
        "skipped": skipped,
        "summary": _summary(list(out.values())),
    }


def _summary(results: list[dict]) -> dict:
    """Means over codebooks, model vs keyword side by side."""
    keys = ("micro_f1", "macro_f1", "precision_at_1", "recall_at_3")
    summary = {}
    for k in keys:
        m = [r["model"][k] for r in results]
        kw = [r["keyword"][k] for r in results]
        summary[k] = {"model": round(float(np.mean(m)), 4) if m else None,
                      "keyword": round(float(np.mean(kw)), 4) if kw else None}
    summary["codebooks"] = len(results)
    return summary
