"""The one spaCy pipeline qualtally uses, built offline and loaded once.

No pretrained model can be downloaded here or on a locked-down machine, so the pipeline
is ``spacy.blank("en")`` with the rule-based sentencizer and the lookup lemmatizer
(tables from the spacy-lookups-data package, read from site-packages). It is cached per
process; workers share it and send ids and results across threads, never ``Doc`` objects.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def get_nlp():
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp
