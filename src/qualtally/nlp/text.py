"""Lemma-normalised text: the one string form that features, keywords and matchers share.

A TF-IDF vectoriser, a keyword matcher and a similarity search only agree with each
other if they see words the same way, so all of them go through :func:`lemma_texts`
(lower-cased lookup lemmas from the shared spaCy pipeline, punctuation dropped). A small
per-process cache makes repeated calls for the same excerpt (the TUI moving back and
forth) free.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable

_CACHE: OrderedDict[str, str] = OrderedDict()
_CACHE_MAX = 50_000
_LOCK = threading.Lock()

STOP_WORDS = frozenset("""
a about above after again against all am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further
had has have having he her here hers herself him himself his how i if in into is it its itself
just me more most my myself no nor not now of off on once only or other our ours ourselves out
over own same she should so some such than that the their theirs them themselves then there
these they this those through to too under until up very was we were what when where which
while who whom why will with would you your yours yourself yourselves um uh yeah like know
mean kind sort really just thing think get go s 's n't be do have
""".split())
"""Words ignored when a code's name becomes keywords or when terms explain a score."""


def _lemmatise(docs) -> list[str]:
    """Each Doc as its lower-cased lemmas, punctuation and spaces dropped.

    A token's word depends only on the token (lookup lemmas, lexical punctuation and space
    flags), so it is worked out once per distinct token and process, as
    :func:`_lemmatise_tokens` does, and looked up by the token's hash after that.
    """
    from spacy.attrs import ORTH

    words_of = _WORDS
    if len(words_of) > _WORDS_MAX:
        words_of.clear()
    out = []
    for doc in docs:
        words = []
        for i, orth in enumerate(doc.to_array(ORTH).tolist() if len(doc) else ()):
            w = words_of.get(orth, _UNSEEN)
            if w is _UNSEEN:
                tok = doc[i]
                w = words_of[orth] = (
                    None if tok.is_punct or tok.is_space else (tok.lemma_ or tok.text).lower()
                )
            if w is not None:
                words.append(w)
        out.append(" ".join(words))
    return out


_UNSEEN = object()
_WORDS_MAX = 500_000
_WORDS: dict[int, str | None] = {}


def _lemmatise_tokens(docs) -> list[str]:
    """:func:`_lemmatise` token by token (what it caches per distinct token)."""
    out = []
    for doc in docs:
        words = []
        for tok in doc:
            if tok.is_punct or tok.is_space:
                continue
            lemma = (tok.lemma_ or tok.text).lower()
            words.append(lemma)
        out.append(" ".join(words))
    return out


def lemma_texts(texts: Iterable[str], batch_size: int = 256) -> list[str]:
    """Each text as space-separated lower-case lemmas (cached per text)."""
    texts = [t or "" for t in texts]
    with _LOCK:
        known = {t: _CACHE[t] for t in texts if t in _CACHE}
    missing = [t for t in dict.fromkeys(texts) if t not in known]
    if missing:
        known.update(zip(missing, _lemmatise(_docs(missing, batch_size))))
        _remember(missing, [known[t] for t in missing])
    return [known[t] for t in texts]


def lemma_docs(texts: Iterable[str], batch_size: int = 256) -> list:
    """spaCy Docs of the lower-cased texts with lookup lemmas (no sentence boundaries).

    The lookup tables miss capitalised forms ("Members"), hence lower-case first. The
    sentencizer is skipped: lemmas and the keyword matcher do not use sentences. The
    texts' lemma strings go to :func:`lemma_texts`'s cache, so the keyword matcher's pass
    over an excerpt (``coldstart.py``) is also its lemmatisation. Docs stay in the calling
    thread (see ``pipeline.py``).
    """
    texts = [t or "" for t in texts]
    docs = list(_docs(texts, batch_size))
    _remember(texts, _lemmatise(docs))
    return docs


def _docs(texts: list[str], batch_size: int):
    """Tokenised lower-cased Docs with the lookup lemmatizer's lemmas, set in bulk.

    The lookup lemmatizer is context-free (a token's lemma is ``table.get(text, text)``),
    so each distinct token is looked up once per process and a Doc's lemmas are written
    with one ``from_array``: the same lemmas as running the pipeline's lemmatizer, at a
    fraction of its per-token Python cost (about 2 ms on a long interview turn not yet
    cached). ``batch_size`` is kept for the callers' signature.
    """
    from spacy.attrs import LEMMA, ORTH

    nlp, lemma_of = _lemma_lookup()
    if len(_LEMMAS) > _WORDS_MAX:
        _LEMMAS.clear()
    for t in texts:
        doc = nlp.make_doc(t.lower())
        if len(doc):
            orths = doc.to_array(ORTH)
            doc.from_array(
                [LEMMA],
                _np().fromiter(
                    (lemma_of(o) for o in orths.tolist()), dtype="uint64", count=len(orths)
                ),
            )
        yield doc


def _np():
    import numpy

    return numpy


_LEMMAS: dict[int, int] = {}


def _lemma_lookup():
    """(pipeline, orth hash -> lemma hash), the lookup lemmatizer's table behind a cache."""
    from qualtally.nlp.pipeline import get_nlp

    nlp = get_nlp()
    strings = nlp.vocab.strings
    table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup", {})
    cache = _LEMMAS

    def lemma_of(orth: int) -> int:
        h = cache.get(orth)
        if h is None:
            text = strings[orth]
            lemma = table.get(text, text)
            h = cache[orth] = strings.add(lemma if isinstance(lemma, str) else lemma[0])
        return h

    return nlp, lemma_of


def _remember(texts: list[str], lemmas: list[str]) -> None:
    with _LOCK:
        _CACHE.update(zip(texts, lemmas))
        while len(_CACHE) > _CACHE_MAX:
            _CACHE.popitem(last=False)


def lemma_text(text: str) -> str:
    return lemma_texts([text])[0]


def content_words(lemmas: str) -> list[str]:
    """The lemmas of a lemma string that carry meaning (no stop words, no 1-letter tokens)."""
    return [w for w in lemmas.split() if w not in STOP_WORDS and len(w) > 1 and not w.isdigit()]
