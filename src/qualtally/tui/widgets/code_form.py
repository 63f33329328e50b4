"""The fields of a code: name, parent, definition, inclusion, exclusion, keywords, finding.

Used by the add-code modal on the coding screen and by the codebook screen's editor.
``values()`` returns what the user typed as a plain dict; the caller talks to the
project. Select prompts are ``Text``, so a code called "[CIC] liaison" shows as written.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Input, Label, Select, TextArea

from qualtally.core.models import Code, Finding

TOP = -1


def keywords_of(raw: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(k.strip() for k in raw.replace(";", ",").split(",") if k.strip()))


class CodeForm(VerticalScroll):
    DEFAULT_CSS = """
    CodeForm {
        height: 1fr;
        & > Label { color: $text-muted; margin-top: 1; }
        & > TextArea { height: 4; }
        & > Input, & > Select { width: 1fr; }
    }
    """

    def __init__(self, codes: list[Code], findings: list[Finding], code: Code | None = None,
                 parent_id: int | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.codes = codes
        self.findings = findings
        self.code = code
        self.parent_id = code.parent_id if code else parent_id

    def compose(self) -> ComposeResult:
        yield Label(Text("Name"))
        yield Input(placeholder="short name, no '>'", id="code-name")
        yield Label(Text("Parent"))
        yield Select([(Text("(top level)"), TOP)], value=TOP, allow_blank=False, id="code-parent")
        yield Label(Text("Definition"))
        yield TextArea(id="code-definition")
        yield Label(Text("Include when"))
        yield TextArea(id="code-include")
        yield Label(Text("Exclude when"))
        yield TextArea(id="code-exclude")
        yield Label(Text("Keywords (comma-separated)"))
        yield Input(id="code-keywords")
        yield Label(Text("Linked finding"))
        yield Select([(Text("(none)"), "")], value="", allow_blank=False, id="code-finding")

    def on_mount(self) -> None:
        self.load(self.code, self.parent_id)

    def load(self, code: Code | None, parent_id: int | None = None) -> None:
        """Fill the fields from ``code`` (or empty them for a new code under ``parent_id``)."""
        self.code = code
        self.parent_id = code.parent_id if code else parent_id
        c = code
        self.query_one("#code-name", Input).value = c.name if c else ""
        parents = [(Text("(top level)"), TOP)] + [
            (Text("  " * p.depth + p.name), p.id) for p in self.codes if not c or not _within(p, c)]
        parent = self.query_one("#code-parent", Select)
        parent.set_options(parents)
        parent.value = self.parent_id if self.parent_id is not None else TOP
        self.query_one("#code-definition", TextArea).text = c.definition if c else ""
        self.query_one("#code-include", TextArea).text = c.include if c else ""
        self.query_one("#code-exclude", TextArea).text = c.exclude if c else ""
        self.query_one("#code-keywords", Input).value = ", ".join(c.keywords) if c else ""
        finding = self.query_one("#code-finding", Select)
        options = [(Text("(none)"), "")] + [
            (Text(f"{f.key}  {f.statement[:50]}"), f.key) for f in self.findings]
        if c and c.finding and c.finding not in {f.key for f in self.findings}:
            # a codebook may name a finding the project has not imported (yet): keep the link
            options.append((Text(f"{c.finding} (not in this project's findings)"), c.finding))
        finding.set_options(options)
        finding.value = (c.finding or "") if c else ""

    def values(self) -> dict:
        parent = self.query_one("#code-parent", Select).value
        return {
            "name": self.query_one("#code-name", Input).value.strip(),
            "parent_id": None if parent in (TOP, Select.BLANK) else parent,
            "definition": self.query_one("#code-definition", TextArea).text.strip(),
            "include": self.query_one("#code-include", TextArea).text.strip(),
            "exclude": self.query_one("#code-exclude", TextArea).text.strip(),
            "keywords": keywords_of(self.query_one("#code-keywords", Input).value),
            "finding": self.query_one("#code-finding", Select).value or None,
        }


def _within(candidate: Code, code: Code) -> bool:
    """True if ``candidate`` is ``code`` or one of its descendants (not a valid parent)."""
    return candidate.id == code.id or candidate.path.startswith(code.path + " > ")
