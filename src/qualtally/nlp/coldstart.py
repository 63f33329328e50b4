"""Cold-start scores: keywords matched by lemma, and similarity to a code's description.

Before anyone has coded much, the only evidence is the codebook: a code's keywords,
definition, include notes and example excerpts. Keywords are matched with a spaCy
PhraseMatcher on lemmas ("refugees" finds "refugee"); the excerpt's TF-IDF cosine to the
code's description and examples catches paraphrases keywords miss. The same matcher,
used alone, is the keyword auto-coding baseline that ``evaluate`` compares against (the
text search QDA packages offer). The matched keywords are part of the explanation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qualtally.core.models import split_path
from qualtally.nlp.text import STOP_WORDS, content_words, lemma_docs, lemma_texts


@dataclass(frozen=True)
class CodeProfile:
    """What the codebook says about one code."""

    path: str
    keywords: tuple[str, ...] = ()
    description: str = ""
    examples: tuple[str, ...] = ()


def name_keywords(path: str) -> tuple[str, ...]:
    """Keywords a QDA user would search for when the codebook lists none: the leaf's words."""
    leaf = split_path(path)[-1] if split_path(path) else path
    words = [w for w in leaf.replace("/", " ").replace("-", " ").split()
             if w.lower().strip("'\"(),.") not in STOP_WORDS and len(w) > 2]
    return tuple(dict.fromkeys(w.lower().strip("'\"(),.") for w in words))


def says_more_than_name(p: CodeProfile) -> bool:
    """Whether the codebook tells anything about the code beyond its name: examples, a
    definition or include note, or keywords other than the name's own words. The learned
    model already reads each code's name (as labelled examples and a similarity feature),
    so a names-only profile adds nothing to it but a cruder copy of the same evidence."""
    if p.examples:
        return True
    if {k.lower() for k in p.keywords} - set(name_keywords(p.path)):
        return True
    leaf = split_path(p.path)[-1] if split_path(p.path) else p.path
    desc = " ".join(p.description.split()).lower()
    return bool(desc) and desc not in {leaf.lower(), p.path.lower()}


def profiles_from_codes(codes) -> list[CodeProfile]:
    """CodeProfiles from core :class:`~qualtally.core.models.Code` objects."""
    out = []
    for c in codes:
        desc = " ".join(x for x in (c.name, c.definition, c.include) if x)
        out.append(
            CodeProfile(c.path, tuple(c.keywords) or name_keywords(c.path), desc, tuple(c.examples))
        )
    return out


class ColdStart:
    """Scores every code for texts from the codebook alone (no training labels)."""

    def __init__(self, profiles: list[CodeProfile]):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from spacy.matcher import PhraseMatcher

        from qualtally.nlp.pipeline import get_nlp

        self.paths = [p.path for p in profiles]
        self.informative = np.array([says_more_than_name(p) for p in profiles], dtype=bool)
        nlp = get_nlp()
        self.matcher = PhraseMatcher(nlp.vocab, attr="LEMMA")
        for p in profiles:
            kws = [k for k in p.keywords if k.strip()]
            if kws:
                self.matcher.add(p.path, list(nlp.pipe(k.lower() for k in kws)))
        self._keys = {nlp.vocab.strings[p.path]: p.path for p in profiles}
        self._index = {p: j for j, p in enumerate(self.paths)}
        descs = lemma_texts(" ".join((p.description, *p.examples)) for p in profiles)
        self.has_desc = np.array([bool(content_words(d)) for d in descs])
        self.vec = TfidfVectorizer(sublinear_tf=True, stop_words=list(STOP_WORDS))
        try:
            self.profile_matrix = self.vec.fit_transform(descs)
        except ValueError:  # no words at all in the codebook
            self.vec = None

    def keyword_hits(self, texts: list[str]) -> list[dict[str, tuple[str, ...]]]:
        """Per text: code path -> the keyword spans matched (as written in the text)."""
        out = []
        for doc in lemma_docs(texts):  # also lemmatises them for lemma_texts (one spaCy pass)
            hits: dict[str, list[str]] = {}
            for key, start, end in self.matcher(doc):
                hits.setdefault(self._keys[key], []).append(doc[start:end].text)
            out.append({k: tuple(dict.fromkeys(v)) for k, v in hits.items()})
        return out

    def scores(self, texts: list[str]) -> tuple[np.ndarray, list[dict[str, tuple[str, ...]]]]:
        """(n, K) scores in [0, 1] and the keyword hits behind them."""
        hits = self.keyword_hits(texts)
        kw = np.zeros((len(texts), len(self.paths)))
        for i, h in enumerate(hits):
            for path, spans in h.items():
                kw[i, self._index[path]] = 0.6 if len(spans) == 1 else 0.8
        sim = np.zeros_like(kw)
        if self.vec is not None and len(texts):
            from qualtally.nlp.features import tfidf_transform

            q = tfidf_transform(self.vec, lemma_texts(texts))
            sim = np.minimum(1.0, 2.0 * (q @ self.profile_matrix.T).toarray()) * self.has_desc
        return 1 - (1 - kw) * (1 - 0.8 * sim), hits

    def suggested(self, S: np.ndarray) -> np.ndarray:
        return S >= 0.5


class KeywordBaseline:
    """Keyword auto-coding: a code applies when one of its keywords occurs (by lemma)."""

    def fit(self, profiles: list[CodeProfile]):
        self.cold_ = ColdStart([CodeProfile(p.path, p.keywords) for p in profiles])
        self.classes_ = np.array(self.cold_.paths, dtype=object)
        return self

    def scores(self, texts):
        hits = self.cold_.keyword_hits(list(texts))
        S = np.zeros((len(texts), len(self.classes_)))
        for i, h in enumerate(hits):
            for path, spans in h.items():
                S[i, self.cold_._index[path]] = len(spans) / (len(spans) + 1)
        return S

    def decide(self, S):
        return S > 0
