"""REFI-QDA imports: a project (.qdpx) or a codebook (.qdc) written by any QDA program.

What maps to what (the exporter, ``exports/refi.py``, writes the same mapping back):

* ``Users`` -> coders, by name (else id; a user a coding names but the file does not
  declare becomes ``user XXXXXXXX``, the first characters of its GUID).
* ``CodeBook`` -> codes with their hierarchy, ``Description`` as the definition (in a file
  qualtally wrote, the packed definition, include, exclude, keywords and examples) and
  ``color`` as ``#rrggbb`` (a code without one has none). ``>`` and ``;`` in a name become
  ``›`` and ``,`` (qualtally's path separators); twin siblings get `` (2)``.
* ``Variables`` and ``Cases`` -> respondents keyed by the case name, with typed attributes
  (Text, Boolean, Integer, Float, Date; DateTime kept as text). A case with values has
  every typed variable, None where it has no value (as an empty cell of a respondents
  table); a case without values has no attributes. A case without a name takes the key
  of the one source it refers to, else ``case XXXXXXXX``.
* ``TextSource`` (and a ``PDFSource``'s text ``Representation``) -> a document whose text
  is the plain-text rendition (``plainTextPath``: ``internal://`` in the archive's
  ``sources``/``Sources`` folder, any case; ``relative://`` beside the .qdpx, never outside
  its folder; or inline ``PlainTextContent``). Turns are found in it as in any transcript
  (:mod:`.turns`, :mod:`.attribution`); a source that exactly one case refers to is that
  respondent's (as a manifest's ``respondent:``). A qualtally export records each
  document's turns (the ``qualtally speakers`` variable): they are used when they fit the
  text, and its speaker map otherwise (as a manifest's ``speakers:``).
* ``PlainTextSelection`` -> an excerpt at its positions (counted as :mod:`.refi_positions`
  finds the file counts them), with each ``Coding`` a coding by its ``creatingUser``; a
  selection's respondent is that of the turns it covers; over several respondents' turns
  it counts for nobody. A coding of a whole source codes its whole text. A ``CodeRef`` to
  an undeclared code makes a code ``(undeclared code XXXXXXXX)``.
* ``Notes`` referred to by a selection or its codings (``NoteRef``, or a ``Link`` between
  note and selection), and a selection's own ``Description``, -> memos on the excerpt by
  the note's (else the selection's) user; several for the same excerpt and coder are
  joined by a blank line.
* A selection named ``qualtally: nothing applies`` without codings -> the user's
  "nothing applies" mark. Sets named ``qualtally finding KEY`` -> findings; the project
  note ``qualtally quantifier scale`` -> the verbal quantifier scale.

Not imported, each listed in the import's output as skipped: pictures, audio and video,
PDF region selections, rich text (.docx) and PDF sources without a plain-text rendition,
external files given by absolute path, notes attached to nothing coded, other sets,
links and graphs, variables of sources, selections without codings.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from xml.etree.ElementTree import Element

from qualtally.core.errors import InputError
from qualtally.core.models import CodedRow, Document, ImportBundle, MemoRow, Turn
from qualtally.core.refi import NOTHING_APPLIES, ORIGIN, SCALE_NOTE
from qualtally.importers.attribution import Attribution, known_respondents
from qualtally.importers.refi_archive import MAX_QDE, Archive, parse_xml
from qualtally.importers.refi_positions import choose, for_source
from qualtally.importers.refi_reader import (
    Reader,
    child_text,
    gid,
    read_cases,
    read_codebook,
    report,
    with_findings,
)
from qualtally.importers.refi_sources import (
    Files,
    Source,
    decode_text,
    read_sources,
    speaker_maps,
)
from qualtally.importers.turns import parse_turns


def _turn_key(t: Turn) -> tuple[int, int, str, str | None]:
    return t.start, t.end, t.speaker, t.respondent_key


class _Speakers(Attribution):
    """A manifest-like speakers map that falls back to the ordinary rules for a label it
    lacks (a file qualtally did not write may carry a partial map)."""

    def respondent_for(self, label: str) -> str | None:
        from qualtally.importers.attribution import norm

        if self.speakers is not None and label.strip() and norm(label) not in self.speakers:
            saved, self.speakers = self.speakers, None
            try:
                return super().respondent_for(label)
            finally:
                self.speakers = saved
        return super().respondent_for(label)


def _span(src: Source, conv, start: str | None, end: str | None, r: Reader, sel: Element
          ) -> tuple[int, int]:
    try:
        a, b = sorted((int(start or ""), int(end or "")))
    except ValueError:
        raise InputError(r.label, f"selection {sel.get('guid')!r} in source {src.name!r}: "
                         f"positions {start!r}-{end!r} are not whole numbers") from None
    here = for_source(conv, src.text)
    got = src.text.span(a, b, here)
    for slack in (1, 2):  # an end a line end past the text (a final CRLF counted): clamp it
        if got is not None:
            break
        near = src.text.span(a, b - slack, here)
        if near is not None and near[1] == len(src.text.text):
            got = near
    if got is None:
        raise InputError(r.label, f"selection {sel.get('guid')!r} in source {src.name!r}: "
                         f"positions {a}-{b} lie outside its text "
                         f"({len(src.text.text)} characters)")
    return got


def read_project(root: Element, label: str, files: Files, known: dict[str, str],
                 progress=None) -> ImportBundle:
    if root.tag != "Project":
        raise InputError(label, f"not a REFI-QDA project (its XML is a {root.tag!r}, "
                         "not a Project)")
    r = Reader(label, ours=(root.get("origin") or "").startswith(ORIGIN))
    files.r = r
    r.read_users(root)
    r.read_codes(root.find("CodeBook/Codes"))
    notes = {gid(n.get("guid")): n for n in root.iterfind("Notes/Note")}
    sources = read_sources(r, root, files)
    speaker_maps(r, root, sources)
    src_names = {s.guid: s.name for s in sources}
    selection_source = {gid(sel.get("guid")): s.guid for s in sources for sel in s.selections}
    respondents, types, linked = read_cases(r, root, src_names, selection_source)
    known = {**known, **known_respondents(respondents)}

    spans = [(s.text, [(min(int(a), int(b)), max(int(a), int(b)))
                       for a, b in ((x.get("startPosition"), x.get("endPosition"))
                                    for x in s.selections)
                       if (a or "").strip().lstrip("-").isdigit()
                       and (b or "").strip().lstrip("-").isdigit()])
             for s in sources]
    conv = choose([x for x in spans if x[1]])
    links: dict[str, list[str]] = defaultdict(list)
    for link in root.iterfind("Links/Link"):
        a, b = gid(link.get("originGUID")), gid(link.get("targetGUID"))
        if a in notes:
            links[b].append(a)
        elif b in notes:
            links[a].append(b)
        else:
            r.count("links")

    bundle = ImportBundle(source=label, respondents=respondents, attribute_types=types)
    used_notes: set[str] = set()
    memos: dict[tuple[str, int, int, str], list[str]] = defaultdict(list)
    memo_when: dict[tuple[str, int, int, str], str] = {}
    for i, s in enumerate(sources, 1):
        cases = linked.get(s.guid, [])
        who = _Speakers(s.name, speakers=s.speakers,
                        respondent=cases[0] if len(cases) == 1 else None, known=known)
        text = s.text.text
        turns = parse_turns(text, who)
        if s.turns is not None:  # a qualtally export: its turns, as recorded
            if [_turn_key(t) for t in s.turns] != [_turn_key(t) for t in turns]:
                r.count("turns as recorded")
            turns = s.turns
        bundle.documents.append(Document(s.name, text, turns, "txt", {"refi_guid": s.guid}))
        whole = s.element.findall("Coding")
        if whole:
            r.count("codings of whole sources", len(whole))
        rows: dict[tuple[int, int, str], list[tuple[str, str]]] = defaultdict(list)
        for coding in whole:
            coder = r.user(coding.get("creatingUser"), s.element.get("creatingUser"),
                           root.get("creatingUserGUID"))
            rows[(0, len(text), coder)].append(
                (r.code(coding.find("CodeRef").get("targetGUID")
                        if coding.find("CodeRef") is not None else None),
                 coding.get("creationDateTime") or ""))
        for sel in s.selections:
            start, end = _span(s, conv, sel.get("startPosition"), sel.get("endPosition"), r, sel)
            codings = sel.findall("Coding")
            sel_user = sel.get("creatingUser") or root.get("creatingUserGUID")
            if start == end:
                r.count("empty selections")
                continue
            if not codings:
                if r.ours and sel.get("name") == NOTHING_APPLIES:
                    rows.setdefault((start, end, r.user(sel_user)), [])
                else:
                    r.count("selections without codings")
            for coding in codings:
                ref = coding.find("CodeRef")
                coder = r.user(coding.get("creatingUser"), sel_user)
                rows[(start, end, coder)].append(
                    (r.code(ref.get("targetGUID") if ref is not None else None),
                     coding.get("creationDateTime") or sel.get("creationDateTime") or ""))
            desc = child_text(sel, "Description").strip()
            if desc and not r.ours:  # a comment on the selection (ATLAS.ti's quotation comment)
                memos[(s.name, start, end, r.user(sel_user))].append(desc)
            refs = [gid(n.get("targetGUID")) for n in sel.iterfind("NoteRef")]
            refs += [gid(n.get("targetGUID")) for c in codings for n in c.iterfind("NoteRef")]
            refs += links.get(gid(sel.get("guid")), [])
            for ref in dict.fromkeys(refs):
                note = notes.get(ref)
                if note is None:
                    continue
                used_notes.add(ref)
                body = child_text(note, "PlainTextContent").strip()
                if not body and note.get("plainTextPath"):
                    data = files.read(note.get("plainTextPath", ""), f"note {note.get('name')!r}")
                    body = decode_text(data)[0].strip() if data else ""
                if body:
                    key = (s.name, start, end, r.user(note.get("creatingUser"), sel_user))
                    memos[key].append(body)
                    memo_when[key] = note.get("modifiedDateTime") or \
                        note.get("creationDateTime") or ""
        for (start, end, coder), pairs in rows.items():
            paths = list(dict.fromkeys(p for p, _ in pairs))
            created = tuple(next(c for p2, c in pairs if p2 == p) for p in paths)
            bundle.coded.append(CodedRow(
                respondent="", text=text[start:end], codes=tuple(paths), coder=coder,
                document=s.name, start=start, end=end, line=0,
                question=s.questions.get((start, end)),
                created=created if any(created) else (), across_turns=True))
        if progress is not None:
            progress("reading sources", i, len(sources))
    for (doc, start, end, coder), bodies in memos.items():
        text = next(d.text for d in bundle.documents if d.name == doc)
        bundle.memos.append(MemoRow(doc, start, end, text[start:end], coder,
                                    "\n\n".join(dict.fromkeys(bodies)),
                                    memo_when.get((doc, start, end, coder), "")))
    bundle.findings = r.read_findings(root, notes)
    finding_notes = {gid(m.get("targetGUID")) for s in root.iterfind("Sets/Set")
                     for m in s.iterfind("MemberNote")} if r.ours else set()
    for ref, note in notes.items():
        if r.ours and note.get("name") == SCALE_NOTE:
            from qualtally.importers.findings_md import parse_findings

            bundle.scale = parse_findings(child_text(note, "PlainTextContent"),
                                          f"{label}: {SCALE_NOTE}")[1]
            finding_notes.add(ref)
    loose = len(set(notes) - used_notes - finding_notes)
    if loose:
        r.skip(f"{loose} note(s) not attached to a coded selection (project, code or "
               "source notes) not imported")
    bundle.codes = with_findings(r.code_list, bundle.findings)
    if root.find("Graphs") is not None:
        r.count("graphs", len(root.findall("Graphs/Graph")))
    report(r, conv if any(x[1] for x in spans) else None)
    bundle.skipped, bundle.notes = r.notes, r.info
    return bundle


def read_refi(path: Path, label: str, known: dict[str, str] | None = None,
              progress=None) -> ImportBundle:
    """A .qdpx or .qdc as a bundle (codes, respondents, documents, codings, memos, findings);
    ``bundle.skipped`` lists what was left out. InputError (naming ``label``) if unsafe or bad."""
    path = Path(path)
    if path.suffix.lower() == ".qdc":
        try:
            size = path.stat().st_size
        except OSError as err:
            raise InputError(label, f"cannot read file ({err.strerror or err})") from None
        if size > MAX_QDE:
            raise InputError(label, f"refused: larger than {MAX_QDE // (1024 * 1024)} MiB")
        return read_codebook(parse_xml(path.read_bytes(), label, "the codebook"), label)
    archive = Archive(path, label)
    try:
        member = archive.project_member()
        root = parse_xml(archive.read(member, MAX_QDE), label, member)
        return read_project(root, label, Files(Reader(label), archive, path.parent),
                            known or {}, progress)
    finally:
        archive.close()
