"""What real .qdpx/.qdc files do differently, each in a small file written here: line ends
counted as one or two, UTF-16 units, byte-order marks, ``Sources`` or ``sources``,
``plainTextPath`` or ``PlainTextContent``, relative and absolute paths, nameless cases,
codes without colours, undeclared codes and users, docx/pdf/media sources, memos."""

from __future__ import annotations

from pathlib import Path

from qualtally.project import Project
from refi.refi_files import G, project_xml, write_qdpx

TEXT = ("Interviewer: Hello, thanks for coming.\r\n"
        "Ann Lee: I think the fees are too high.\r\n"
        "Interviewer: Why is that?\r\n"
        "Ann Lee: Because of the budget cuts, mostly.\r\n")
PHRASES = ("I think the fees are too high.", "Because of the budget cuts, mostly.")


def _pos(raw: str, phrase: str, *, crlf_two: bool = True, utf16: bool = False,
         bom: bool = False) -> tuple[int, int]:
    text = raw if crlf_two else raw.replace("\r\n", "\n")
    i = text.index(phrase)

    def units(s: str) -> int:
        return len(s.encode("utf-16-le")) // 2 if utf16 else len(s)

    return units(text[:i]) + bom, units(text[:i]) + units(phrase) + bom


def _codebook(*codes: str) -> str:
    return "<CodeBook><Codes>" + "".join(codes) + "</Codes></CodeBook>"


CODEBOOK = _codebook(f'<Code guid="{G[1]}" name="Fees" isCodable="true" color="#FF0000"/>')
USERS = f'<Users><User guid="{G[9]}" name="maria"/></Users>'


def _selection(n: int, start: int, end: int, code: str = G[1], user: str = G[9],
               inner: str = "") -> str:
    return (f'<PlainTextSelection guid="{G[100 + n]}" startPosition="{start}" '
            f'endPosition="{end}" creatingUser="{user}">{inner}'
            f'<Coding guid="{G[150 + n]}" creatingUser="{user}"><CodeRef targetGUID="{code}"/>'
            "</Coding></PlainTextSelection>")


def _source(selections: str, *, path: str = "internal://a.txt", name: str = "ann-interview",
            guid: str = G[20], extra: str = "", content: str | None = None) -> str:
    attr = f' plainTextPath="{path}"' if content is None else ""
    body = f"<PlainTextContent>{content}</PlainTextContent>" if content is not None else ""
    return (f'<Sources><TextSource guid="{guid}" name="{name}"{attr}{extra}>{body}{selections}'
            "</TextSource></Sources>")


def _import(tmp_path: Path, qde: str | bytes, members=None, name: str = "x.qdpx"):
    path = write_qdpx(tmp_path / name, qde, members)
    project = Project.new(tmp_path / f"{name}.qtally")
    counts = project.import_paths([path], actor="test")
    return project, counts


def _coded(project: Project) -> list[tuple[str, str, str, str | None]]:
    """(text, code path, coder, respondent) of every coding, in document order."""
    out = []
    for row in project.export_rows():
        for code in filter(None, row["codes"].split(";")):
            out.append((row["text"], code, row["coder"], row["respondent"] or None))
    return out


def test_line_ends_counted_as_two_or_as_one(tmp_path):
    for crlf_two in (True, False):
        sels = "".join(_selection(i, *_pos(TEXT, p, crlf_two=crlf_two))
                       for i, p in enumerate(PHRASES))
        qde = project_xml(USERS + CODEBOOK + _source(sels))
        folder = tmp_path / str(crlf_two)
        folder.mkdir()
        project, counts = _import(folder, qde, {"sources/a.txt": TEXT})
        assert [c[0] for c in _coded(project)] == list(PHRASES)
        note = any("a line end as one" in n for n in counts["notes"])
        assert note is not crlf_two  # the standard's way is not remarked upon
        project.close()


def test_utf16_units_and_a_byte_order_mark(tmp_path):
    text = "Interviewer: Hi 😀 there 🎉.\r\nAnn Lee: Fees 💸 are 💸 too high.\r\n"
    phrase = "too high."
    for utf16, bom in ((True, False), (False, True), (True, True)):
        qde = project_xml(USERS + CODEBOOK + _source(
            _selection(0, *_pos(text, phrase, utf16=utf16, bom=bom))
            + _selection(1, *_pos(text, "Fees", utf16=utf16, bom=bom))))
        folder = tmp_path / f"{utf16}{bom}"
        folder.mkdir()
        project, counts = _import(folder, qde,
                                  {"sources/a.txt": "\ufeff" + text if bom else text})
        assert sorted(c[0] for c in _coded(project)) == ["Fees", "too high."]
        said = " ".join(counts["notes"])
        assert ("UTF-16 code units" in said) is utf16
        assert ("with the byte-order mark" in said) is bom
        doc = project.document(project.documents()[0].id)
        assert not doc.text.startswith("\ufeff") and "\r" not in doc.text
        project.close()


def test_sources_folder_in_any_case_and_inline_text(tmp_path):
    sels = _selection(0, *_pos(TEXT, PHRASES[0]))
    qde = project_xml(USERS + CODEBOOK + _source(sels, path="internal://ABC.txt"))
    project, _ = _import(tmp_path, qde, {"Sources/abc.TXT": TEXT}, name="upper.qdpx")
    assert [c[0] for c in _coded(project)] == [PHRASES[0]]
    # inline: XML makes its line ends LF, positions counted with CRLF as two still fit
    inline = _source(_selection(0, *_pos(TEXT, PHRASES[1])),
                     content=TEXT.replace("\r\n", "&#10;"))
    project2, _ = _import(tmp_path, project_xml(USERS + CODEBOOK + inline), name="inline.qdpx")
    assert [c[0] for c in _coded(project2)] == [PHRASES[1]]
    inline = _source(_selection(0, *_pos(TEXT, PHRASES[1], crlf_two=False)),
                     content=TEXT.replace("\r\n", "\n"))
    project3, _ = _import(tmp_path, project_xml(USERS + CODEBOOK + inline), name="inline2.qdpx")
    assert [c[0] for c in _coded(project3)] == [PHRASES[1]]


def test_relative_paths_beside_the_file_and_never_outside_it(tmp_path):
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "ann.txt").write_text(TEXT, encoding="utf-8", newline="")
    (tmp_path / "secret.txt").write_text("not to be read", encoding="utf-8")
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / "texts").mkdir()
    (inner / "texts" / "ann.txt").write_text(TEXT, encoding="utf-8", newline="")
    sources = (
        f'<Sources><TextSource guid="{G[20]}" name="ann" plainTextPath="relative://texts/ann.txt">'
        + _selection(0, *_pos(TEXT, PHRASES[0])) + "</TextSource>"
        f'<TextSource guid="{G[21]}" name="up" plainTextPath="relative://../secret.txt"/>'
        f'<TextSource guid="{G[22]}" name="abs" plainTextPath="absolute:///etc/hostname"/>'
        "</Sources>")
    project, counts = _import(inner, project_xml(USERS + CODEBOOK + sources))
    assert [d.name for d in project.documents()] == ["ann"]
    assert [c[0] for c in _coded(project)] == [PHRASES[0]]
    skipped = " ".join(counts["skipped"])
    assert "'relative://../secret.txt' points outside the folder" in skipped
    assert "absolute paths are not followed" in skipped


def test_byte_order_mark_before_the_xml_and_utf16_xml(tmp_path):
    sels = _selection(0, *_pos(TEXT, PHRASES[0]))
    qde = project_xml(USERS + CODEBOOK + _source(sels))
    for i, data in enumerate((b"\xef\xbb\xbf\r\n  " + qde.encode("utf-8"),
                              "\ufeff".encode("utf-16-le")
                              + qde.replace("utf-8", "utf-16").encode("utf-16-le"))):
        folder = tmp_path / str(i)
        folder.mkdir()
        project, _ = _import(folder, data, {"sources/a.txt": TEXT})
        assert [c[0] for c in _coded(project)] == [PHRASES[0]]


def test_no_namespace_and_braced_guids(tmp_path):
    sels = _selection(0, *_pos(TEXT, PHRASES[0]), code="{" + G[1].upper() + "}")
    qde = project_xml(USERS + CODEBOOK + _source(sels), ns=False)
    project, _ = _import(tmp_path, qde, {"sources/a.txt": TEXT})
    assert [c[1] for c in _coded(project)] == ["Fees"]


def test_cases_become_respondents_with_typed_variables(tmp_path):
    variables = (
        "<Variables>"
        f'<Variable guid="{G[30]}" name="age" typeOfVariable="Integer"/>'
        f'<Variable guid="{G[31]}" name="staff" typeOfVariable="Boolean"/>'
        f'<Variable guid="{G[32]}" name="interviewed" typeOfVariable="Date"/>'
        f'<Variable guid="{G[33]}" name="share" typeOfVariable="Float"/>'
        f'<Variable guid="{G[34]}" name="region" typeOfVariable="Text"/>'
        "</Variables>")

    def value(var: int, tag: str, text: str) -> str:
        return (f'<VariableValue><VariableRef targetGUID="{G[var]}"/><{tag}>{text}</{tag}>'
                "</VariableValue>")

    cases = (
        "<Cases>"
        f'<Case guid="{G[40]}" name="Ann Lee">' + value(30, "IntegerValue", "41")
        + value(31, "BooleanValue", "true") + value(32, "DateValue", "2011-03-14")
        + value(33, "FloatValue", "0.25") + value(34, "TextValue", "Ottawa")
        + f'<SourceRef targetGUID="{G[20]}"/></Case>'
        # a case without a name that only holds variables, for the second source
        f'<Case guid="{G[41]}">' + value(30, "IntegerValue", "52")
        + value(34, "TextValue", "Geneva") + f'<SourceRef targetGUID="{G[21]}"/></Case>'
        "</Cases>")
    sources = (
        f'<Sources><TextSource guid="{G[20]}" name="ann" plainTextPath="internal://a.txt">'
        + _selection(0, *_pos(TEXT, PHRASES[0])) + "</TextSource>"
        f'<TextSource guid="{G[21]}" name="P7 notes" plainTextPath="internal://b.txt">'
        + _selection(1, 0, 5) + "</TextSource></Sources>")
    qde = project_xml(USERS + CODEBOOK + variables + cases + sources)
    project, counts = _import(tmp_path, qde, {"sources/a.txt": TEXT,
                                              "sources/b.txt": "Notes on the call, unlabelled."})
    people = {r.key: r.attributes for r in project.respondents()}
    assert people["Ann Lee"] == {"age": 41, "staff": True, "interviewed": "2011-03-14",
                                 "share": 0.25, "region": "Ottawa"}
    assert people["P7"] == {"age": 52, "staff": None, "interviewed": None, "share": None,
                            "region": "Geneva"}
    assert set(people) == {"Ann Lee", "P7"}
    assert sorted(_coded(project)) == [(PHRASES[0], "Fees", "maria", "Ann Lee"),
                                       ("Notes", "Fees", "maria", "P7")]
    assert project.tally(by="age").by == "age"
    assert any("case(s) without a name" in s for s in counts["skipped"])


def test_codes_without_colours_odd_names_undeclared_codes_and_users(tmp_path):
    codebook = _codebook(
        f'<Code guid="{G[1]}" name="Fees" isCodable="true"/>'
        f'<Code guid="{G[2]}" name="Costs &gt; benefits; risks" isCodable="false" '
        f'color="#AABBCCFF"><Code guid="{G[3]}" name="Twin" isCodable="true"/>'
        f'<Code guid="{G[4]}" name="Twin" isCodable="true" color="rgb(1, 2, 3)"/></Code>')
    sels = (_selection(0, *_pos(TEXT, PHRASES[0]), code=G[4])
            + _selection(1, *_pos(TEXT, PHRASES[1]), code=G[77], user=G[78]))
    project, counts = _import(tmp_path, project_xml(USERS + codebook + _source(sels)),
                              {"sources/a.txt": TEXT})
    codes = {c.path: c.colour for c in project.codes()}
    undeclared = f"(undeclared code {G[77][:8]})"
    assert codes == {"Fees": "", "Costs › benefits, risks": "#aabbcc",
                     "Costs › benefits, risks > Twin": "",
                     "Costs › benefits, risks > Twin (2)": "#010203", undeclared: ""}
    assert sorted(_coded(project)) == [
        (PHRASES[1], undeclared, f"user {G[78][:8]}", "Ann Lee"),
        (PHRASES[0], "Costs › benefits, risks > Twin (2)", "maria", "Ann Lee")]
    skipped = " ".join(counts["skipped"])
    assert "1 code(s) referred to but not declared" in skipped
    assert "1 user(s) referred to but not declared" in skipped
    assert "sibling code(s) sharing a name" in skipped


def test_docx_pdf_and_media_sources_with_and_without_plain_text(tmp_path):
    pdf_text = "Page one of the report. Fees are discussed here."
    transcript = "Interviewer: So?\nAnn Lee: The fees again.\n"
    sources = (
        "<Sources>"
        f'<TextSource guid="{G[20]}" name="with text" richTextPath="internal://a.docx" '
        f'plainTextPath="internal://a.txt">' + _selection(0, *_pos(TEXT, PHRASES[0]))
        + "</TextSource>"
        f'<TextSource guid="{G[21]}" name="docx only" richTextPath="internal://b.docx">'
        + _selection(1, 0, 4) + "</TextSource>"
        f'<PDFSource guid="{G[22]}" name="report" path="internal://c.pdf">'
        f'<PDFSelection guid="{G[60]}" page="1" firstX="0" firstY="0" secondX="9" secondY="9"/>'
        f'<Representation guid="{G[23]}" plainTextPath="internal://c.txt">'
        + _selection(2, pdf_text.index("Fees"), pdf_text.index("Fees") + 4)
        + "</Representation></PDFSource>"
        f'<PDFSource guid="{G[24]}" name="scan" path="internal://d.pdf"/>'
        f'<PictureSource guid="{G[25]}" name="photo" path="internal://e.jpg"/>'
        f'<AudioSource guid="{G[26]}" name="call" path="internal://f.m4a">'
        f'<Transcript guid="{G[27]}" plainTextPath="internal://f.txt">'
        f'<SyncPoint guid="{G[61]}" position="{transcript.index("The fees")}" timeStamp="9"/>'
        f'<SyncPoint guid="{G[62]}" position="{transcript.index(" again")}" timeStamp="12"/>'
        f'<TranscriptSelection guid="{G[63]}" fromSyncPoint="{G[61]}" toSyncPoint="{G[62]}">'
        f'<Coding guid="{G[64]}" creatingUser="{G[9]}"><CodeRef targetGUID="{G[1]}"/></Coding>'
        "</TranscriptSelection></Transcript>"
        f'<AudioSelection guid="{G[65]}" begin="0" end="100"/></AudioSource>'
        "</Sources>")
    members = {"sources/a.txt": TEXT, "sources/a.docx": b"PK not really", "sources/b.docx": b"x",
               "sources/c.txt": pdf_text, "sources/c.pdf": b"%PDF", "sources/f.txt": transcript}
    project, counts = _import(tmp_path, project_xml(USERS + CODEBOOK + sources), members)
    assert sorted(d.name for d in project.documents()) == ["call", "report", "with text"]
    assert sorted(c[0] for c in _coded(project)) == ["Fees", PHRASES[0], "The fees"]
    skipped = "\n".join(counts["skipped"])
    assert "source 'docx only': rich-text (.docx) source without a plain-text rendition; " \
           "not imported with its 1 selection(s)" in skipped
    assert "source 'scan': PDF source without a plain-text rendition" in skipped
    assert "1 PDF region selection(s)" in skipped
    assert "source 'photo': picture source not imported" in skipped
    assert "1 time selection(s) not imported" in skipped
    assert any("rich-text (.docx) rendition(s) not kept" in n for n in counts["notes"])


def test_memos_from_note_refs_links_and_descriptions(tmp_path):
    a, b = _pos(TEXT, PHRASES[0]), _pos(TEXT, PHRASES[1])
    sels = (_selection(0, *a, inner="<Description>my quotation comment</Description>")
            + f'<PlainTextSelection guid="{G[120]}" startPosition="{b[0]}" endPosition="{b[1]}" '
            f'creatingUser="{G[9]}"><Coding guid="{G[121]}" creatingUser="{G[9]}">'
            f'<CodeRef targetGUID="{G[1]}"/></Coding><NoteRef targetGUID="{G[50]}"/>'
            "</PlainTextSelection>")
    notes = (
        "<Notes>"
        f'<Note guid="{G[50]}" name="n1" creatingUser="{G[9]}"><PlainTextContent>Budget [sic] '
        "&lt;cuts&gt;</PlainTextContent></Note>"
        f'<Note guid="{G[51]}" name="n2" creatingUser="{G[9]}"><PlainTextContent>linked memo'
        "</PlainTextContent></Note>"
        f'<Note guid="{G[52]}" name="project log"><PlainTextContent>loose</PlainTextContent></Note>'
        "</Notes>"
        f'<Links><Link guid="{G[53]}" originGUID="{G[51]}" targetGUID="{G[100]}"/></Links>')
    project, counts = _import(tmp_path, project_xml(USERS + CODEBOOK + _source(sels) + notes),
                              {"sources/a.txt": TEXT})
    snap = project.exchange_snapshot()
    assert sorted((m.coder, m.text) for m in snap.memos) == [
        ("maria", "Budget [sic] <cuts>"), ("maria", "my quotation comment\n\nlinked memo")]
    assert any("1 note(s) not attached to a coded selection" in s for s in counts["skipped"])


def test_a_selection_over_two_respondents_counts_for_nobody(tmp_path):
    group = ("Moderator: Your views?\nAnn Lee: Fees are high.\nBo Chen: Agreed, too high.\n")
    span = (group.index("Fees"), group.index("too high.") + len("too high."))
    inside = (group.index("Agreed"), group.index("Agreed") + 6)
    cases = (f'<Cases><Case guid="{G[40]}" name="Ann Lee"><SourceRef targetGUID="{G[20]}"/></Case>'
             f'<Case guid="{G[41]}" name="Bo Chen"><SourceRef targetGUID="{G[20]}"/></Case>'
             "</Cases>")
    sels = _selection(0, *span) + _selection(1, *inside)
    project, _ = _import(tmp_path, project_xml(USERS + CODEBOOK + cases + _source(sels)),
                         {"sources/a.txt": group})
    assert sorted(_coded(project), key=lambda c: len(c[0])) == [
        ("Agreed", "Fees", "maria", "Bo Chen"),
        ("Fees are high.\nBo Chen: Agreed, too high.", "Fees", "maria", None)]
    doc = project.document(project.documents()[0].id)
    assert [(t.speaker, t.respondent_key) for t in doc.turns] == [
        ("Moderator", None), ("Ann Lee", "Ann Lee"), ("Bo Chen", "Bo Chen")]


def test_a_codebook_from_another_tool(tmp_path):
    qdc = tmp_path / "codes.qdc"
    qdc.write_bytes(b"\xef\xbb\xbf" + (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="Other 2">'
        f'<Codes><Code guid="{G[1]}" name="Topics" isCodable="false">'
        f'<Code guid="{G[2]}" name="Economy" isCodable="true" color="#ffff00">'
        "<Description>Jobs or taxes\nInclude: not parsed from other tools</Description>"
        "</Code></Code></Codes>"
        f'<Sets><Set guid="{G[3]}" name="econ"><MemberCode guid="{G[2]}"/></Set></Sets>'
        "</CodeBook>").encode())
    project = Project.new(tmp_path / "c.qtally")
    counts = project.import_paths([qdc], actor="test")
    assert [(c.path, c.definition, c.include, c.colour) for c in project.codes()] == [
        ("Topics", "", "", ""),
        ("Topics > Economy", "Jobs or taxes\nInclude: not parsed from other tools", "",
         "#ffff00")]
    assert any("1 set(s) not imported" in s for s in counts["skipped"])
