"""Properties of turn detection over arbitrary text, and of caption reassembly."""

from __future__ import annotations

import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from importer_files import write

from qualtally.core.errors import InputError
from qualtally.importers import load_paths
from qualtally.importers.attribution import Attribution, norm
from qualtally.importers.captions import Cue, cues_to_document
from qualtally.importers.turns import parse_turns

_line = st.one_of(
    st.text(max_size=30),
    st.builds(
        lambda lab, c: f"{lab}: {c}",
        st.sampled_from(["Q", "A", "Marie", "Int.", "Dr. Li"]),
        st.text(max_size=20),
    ),
    st.builds(
        lambda ts, c: f"[{ts}] Interviewer: {c}",
        st.sampled_from(["00:01:02", "1:02", "1:02:03.5"]),
        st.text(max_size=10),
    ),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_line, max_size=12))
def test_turns_are_ordered_trimmed_slices_of_the_text(lines):
    text = "\n".join(line.replace("\r", "") for line in lines)
    who = Attribution("R01.txt")
    turns = parse_turns(text, who)
    previous_end = 0
    for turn in turns:
        assert previous_end <= turn.start <= turn.end <= len(text)
        content = text[turn.start:turn.end]
        assert content == content.strip()
        assert (turn.respondent_key is None) == who.is_interviewer(turn.speaker)
        previous_end = turn.end
    # one speaker besides the interviewer is the file's respondent; several are never merged
    keys = {norm(t.speaker): t.respondent_key for t in turns if t.respondent_key}
    if len(keys) <= 1:
        assert set(keys.values()) <= {"R01"}
    else:
        assert len(set(keys.values())) == len(keys)


_cue = st.builds(Cue, st.just("00:00:01.000"), st.just("00:00:02.000"),
                 st.sampled_from(["", "Ana", "Interviewer", "Bo Li"]),
                 st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1,
                         max_size=15).map(lambda s: " ".join(s.split()) or "x"))


@given(st.lists(_cue, min_size=1, max_size=10))
def test_captions_give_one_line_per_turn_and_exact_offsets(cues):
    doc = cues_to_document(cues, "R02.vtt", "vtt", Attribution("R02.vtt"))
    lines = doc.text.split("\n")
    assert len(lines) == len(doc.turns)
    for line, turn in zip(lines, doc.turns):
        prefix = f"{turn.speaker}: " if turn.speaker else ""
        assert line == prefix + doc.text[turn.start:turn.end]
    assert " ".join(doc.text[t.start:t.end] for t in doc.turns) == " ".join(c.text for c in cues)


def test_docx_with_an_unsafe_member_path_is_refused(tmp_path):
    bad = tmp_path / "R1.docx"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("../../evil.xml", "<x/>")
    with pytest.raises(InputError) as info:
        load_paths([bad])
    assert info.value.problem.startswith("not a valid .docx (unsafe member path")


def test_vtt_cue_straight_under_the_header(tmp_path):
    f = write(tmp_path / "R3.vtt", "WEBVTT\n00:00:01.000 --> 00:00:02.000\n<v Ana>Hi.\n\n"
              "00:00:02.000 --> 00:00:03.000\n<v Ana>Bye.\n")
    assert load_paths([f]).documents[0].text == "Ana: Hi. Bye."
