"""Sentence excerpts: each respondent turn split into sentences by the shared pipeline.

With ``--unit sentence`` a coder codes sentences instead of whole turns. The spans are
computed here, before the store's transaction, with the one cached spaCy pipeline
(:func:`qualtally.nlp.pipeline.get_nlp`, rule-based sentencizer) over ``nlp.pipe`` in
batches. Spans are absolute ``[start, end)`` offsets in the document text, trimmed of
whitespace, and always lie inside their turn. Interviewer turns are not split: they are
never excerpts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from qualtally.core.models import Document

BATCH_SIZE = 64
_SENTENCE_COMPONENTS = ("sentencizer", "senter", "parser", "tok2vec")


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None


def sentence_spans(
    documents: Iterable[Document], progress: Callable[[str, int, int], None] | None = None
) -> dict[str, list[tuple[int, int]]]:
    """Sentence spans of every respondent turn, per document name."""
    from qualtally.nlp.pipeline import get_nlp

    nlp = get_nlp()
    docs = list(documents)
    jobs: list[tuple[str, int, str]] = []  # (document name, turn start, turn text)
    spans: dict[str, list[tuple[int, int]]] = {d.name: [] for d in docs}
    for doc in docs:
        for turn in doc.turns:
            if turn.respondent_key is None or turn.end <= turn.start:
                continue
            text = doc.text[turn.start:turn.end]
            if len(text) >= nlp.max_length:  # too long for spaCy: keep the turn whole
                trimmed = _trim(doc.text, turn.start, turn.end)
                if trimmed:
                    spans[doc.name].append(trimmed)
                continue
            jobs.append((doc.name, turn.start, text))
    texts = (text for _, _, text in jobs)
    by_name = {d.name: d for d in docs}
    skip = [n for n in nlp.pipe_names if n not in _SENTENCE_COMPONENTS]  # only sentences needed
    parsed_docs = nlp.pipe(texts, batch_size=BATCH_SIZE, disable=skip)
    for done, ((name, offset, _), parsed) in enumerate(zip(jobs, parsed_docs), start=1):
        full = by_name[name].text
        for sent in parsed.sents:
            trimmed = _trim(full, offset + sent.start_char, offset + sent.end_char)
            if trimmed:
                spans[name].append(trimmed)
        if progress is not None:
            progress("splitting sentences", done, len(jobs))
    for name in spans:
        spans[name].sort()
    return spans
