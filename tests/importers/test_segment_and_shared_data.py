"""Sentence spans straight from nlp.segment, and the optional shared interview corpus.

The shared data folder is ``$QUALTALLY_SHARED`` or, without it, ``../shared`` beside the
checkout; the tests that need it are skipped when it is absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from qualtally.core.models import Document, Turn
from qualtally.importers import load_paths
from qualtally.nlp.segment import sentence_spans

SHARED = Path(os.environ.get("QUALTALLY_SHARED") or Path(__file__).resolve().parents[3] / "shared")
PDPILOT = SHARED / "data" / "pdpilot-interviews" / "derived" / "transcripts_txt"


def test_spans_are_trimmed_absolute_and_inside_respondent_turns():
    text = "Q: Why? Tell me.\nR1:  First point.   Second one?\n  Third, over\na line.  \nQ: Thanks."
    start, end = text.index("R1:") + 3, text.index("\nQ: Thanks")  # untrimmed on purpose
    turns = (
        Turn(3, 16, "Q", None),
        Turn(start, end, "R1", "R1"),
        Turn(end + 4, len(text), "Q", None),
    )
    doc = Document("d.txt", text, turns)
    calls = []
    spans = sentence_spans([doc, Document("empty.txt", "x", ())],
                           progress=lambda *a: calls.append(a))
    assert [text[s:e] for s, e in spans["d.txt"]] == [
        "First point.", "Second one?", "Third, over\na line."]
    assert spans["empty.txt"] == []
    assert calls and calls[-1] == ("splitting sentences", 1, 1)


def test_empty_and_whitespace_turns_give_no_spans():
    text = "A: \nA:   \n"
    doc = Document("d.txt", text, (Turn(2, 2, "A", "R1"), Turn(6, 9, "A", "R1")))
    assert sentence_spans([doc]) == {"d.txt": []}


@pytest.mark.skipif(
    not PDPILOT.is_dir(), reason=f"shared corpus not found at {PDPILOT} (set QUALTALLY_SHARED)"
)
def test_shared_pdpilot_transcripts_import():
    bundle = load_paths([PDPILOT])
    assert sorted(d.name for d in bundle.documents) == [f"P{i}.txt" for i in range(1, 8)]
    for doc in bundle.documents:
        stem = doc.name.removesuffix(".txt")
        assert len(doc.turns) > 50
        # "Dan" (the interviewer, not named in any manifest) is a speaker of his own, never
        # merged into the participant, who gets the file's id; P5's one "Particpant:" typo
        # follows Dan's turn, so it stays a turn of its own rather than becoming Dan's words
        keys = {t.speaker: t.respondent_key for t in doc.turns}
        assert keys["Participant"] == stem and keys["Dan"] == "Dan"
        assert set(keys) <= {"Participant", "Dan", "Particpant"}
        assert not doc.text.startswith(doc.text[doc.turns[0].start:doc.turns[0].end])
    spans = sentence_spans(bundle.documents[:1])
    assert len(spans["P1.txt"]) > len(bundle.documents[0].turns)


DEMO = Path(__file__).resolve().parents[2] / "corpus" / "iom-evaluation"


@pytest.mark.skipif(not (DEMO / "qualtally-manifest.yaml").exists(), reason="demo corpus not built")
def test_demo_corpus_imports_with_exact_excerpts(tmp_path):
    from qualtally.project import Project

    with Project.new(tmp_path / "demo.qtally") as project:
        counts = project.import_paths([DEMO], actor="t")
        assert counts["documents"] > 0 and counts["skipped"] == ["README.md"]
        docs = {d.id: project.document(d.id) for d in project.documents()}
        for doc in docs.values():
            assert any(t.respondent_key for t in doc.turns), doc.name
        for e in project.excerpts():
            assert e.text == docs[e.document_id].text[e.start:e.end]


@pytest.mark.skipif(not (PDPILOT.parent / "pdpilot_coded_segments.csv").exists(),
                    reason=f"shared corpus not found at {PDPILOT.parent} (set QUALTALLY_SHARED)")
def test_foreign_coded_segments_are_refused_not_guessed():
    from qualtally.core.errors import InputError

    with pytest.raises(InputError) as info:
        load_paths([PDPILOT.parent / "pdpilot_coded_segments.csv"])
    assert info.value.source == "pdpilot_coded_segments.csv"
    assert info.value.problem.startswith("cannot tell what this table is")
