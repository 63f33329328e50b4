"""The codebook screen: browse every code and edit its fields, add, delete, merge, move codes.

The tree on the left (with the same live respondent counts as the coding screen) and
the selected code's form on the right. ``ctrl+s`` writes the form through
``project.update_code``; ``d`` deletes the highlighted code (its codings to the parent code or
removed, as the user chooses), ``m`` merges it into another code and ``v`` moves it under
another (all through the façade); every edit is an undoable event like a coding.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Header, Label, Tree

from qualtally.tui.guard import guarded, mount_guarded
from qualtally.tui.modals.add_code import AddCodeModal
from qualtally.tui.modals.delete_code import DeleteCodeModal
from qualtally.tui.modals.pick import TOP_LEVEL, PickModal, code_choices
from qualtally.tui.screens.counted import CountedCodebookScreen
from qualtally.tui.widgets.code_form import CodeForm
from qualtally.tui.widgets.codebook_tree import CodebookTree, CodeFilter
from qualtally.tui.widgets.key_bar import KeyBar


class CodebookScreen(CountedCodebookScreen):
    CSS_PATH = "codebook.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save code"),
        Binding("n", "new_code", "New code under this one"),
        Binding("N", "new_top_code", "New top-level code"),
        Binding("slash", "filter_codes", "Filter codes"),
        Binding("d", "delete_code", "Delete"),
        Binding("m", "merge_code", "Merge"),
        Binding("v", "move_code", "Move"),
    ]

    def __init__(self, project, coder: str) -> None:
        super().__init__()
        self.project = project
        self.coder = coder
        self.codes = []
        self.editing: int | None = None

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with Horizontal(id="codebook-body"):
            with Vertical(id="codebook-left"):
                yield CodeFilter(placeholder="filter codes…", id="codebook-filter")
                yield CodebookTree(id="codebook-tree")
            with Vertical(id="codebook-right"):
                yield Label(id="codebook-heading")
                yield CodeForm([], [], id="codebook-form")
        yield KeyBar()

    @property
    def tree(self) -> CodebookTree:
        return self.query_one(CodebookTree)

    @mount_guarded
    def on_mount(self) -> None:
        self.reload()
        self.tree.focus()

    @mount_guarded
    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self, focus_excerpt: int | None = None) -> None:
        self.codes = self.project.codes()
        self.tree.set_codes(self.codes)
        self.show_form(self.tree.highlighted_code)
        self.recount()

    @on(Tree.NodeHighlighted)
    def highlighted(self, event: Tree.NodeHighlighted) -> None:
        if event.node.data != self.editing:
            self.show_form(event.node.data)

    @on(CodebookTree.CodeApplied)
    def edit_code(self, event: CodebookTree.CodeApplied) -> None:
        self.query_one("#code-name").focus()

    def show_form(self, code_id: int | None) -> None:
        form = self.query_one(CodeForm)
        code = next((c for c in self.codes if c.id == code_id), None)
        self.editing = code.id if code else None
        heading = Text(code.path if code else "No code selected", style="bold")
        if code:
            heading.append("   ctrl+s saves · escape goes back to coding", style="dim")
        self.query_one("#codebook-heading", Label).update(heading)
        form.display = code is not None
        if code is not None:
            form.codes = self.codes
            form.findings = self.project.findings()
            form.load(code)

    @guarded
    def action_save(self) -> None:
        if self.editing is None:
            return
        code = next(c for c in self.codes if c.id == self.editing)
        values = self.query_one(CodeForm).values()
        fields = {}
        if values["name"] != code.name:
            fields["name"] = values["name"]
        for key in ("definition", "include", "exclude"):
            if values[key] != getattr(code, key):
                fields[key] = values[key]
        if tuple(values["keywords"]) != tuple(code.keywords):
            fields["keywords"] = list(values["keywords"])
        if values["finding"] != code.finding:
            fields["finding_key"] = values["finding"]
        if values["parent_id"] != code.parent_id:
            fields["parent_id"] = values["parent_id"]
        if not fields:
            self.notify("Nothing changed", timeout=1.5, markup=False)
            return
        self.project.update_code(code.id, self.coder, **fields)
        self.notify(f"Saved {values['name']}", timeout=1.5, markup=False)
        self.editing = None
        self.reload()

    def action_new_code(self, top: bool = False) -> None:
        parent = None if top else self.tree.highlighted_code
        self.app.push_screen(
            AddCodeModal(self.codes, self.project.findings(), parent), self.code_added
        )

    def action_new_top_code(self) -> None:
        self.action_new_code(top=True)

    @guarded
    def code_added(self, result) -> None:
        if result is None:
            return
        code, _apply = result
        code_id = self.project.add_code(code, self.coder)
        self.notify(f"Added {code.path}", timeout=1.5, markup=False)
        self.reload()
        self.tree.select_code(code_id)

    def action_filter_codes(self) -> None:
        box = self.query_one(CodeFilter)
        box.display = True
        box.focus()

    @on(CodeFilter.Changed, "CodeFilter")
    def filter_changed(self, event: CodeFilter.Changed) -> None:
        self.tree.filter(event.value)

    @on(CodeFilter.Move)
    def filter_move(self, event: CodeFilter.Move) -> None:
        self.tree.cursor_line = max(
            0, min(self.tree.cursor_line + event.delta, self.tree.last_line)
        )

    @on(CodeFilter.Submitted, "CodeFilter")
    @on(CodeFilter.Done)
    def filter_done(self) -> None:
        self.tree.focus()

    # -- delete, merge, move -----------------------------------------------------------------
    def _highlighted(self):
        code = next((c for c in self.codes if c.id == self.tree.highlighted_code), None)
        if code is None:
            self.notify("Highlight a code first", markup=False)
        return code

    @guarded
    def action_delete_code(self) -> None:
        code = self._highlighted()
        if code is None:
            return
        parent = next((c for c in self.codes if c.id == code.parent_id), None)
        row = next((r for r in self.project.tally().codes if r.code_id == code.id), None)
        modal = DeleteCodeModal(code, parent, row.respondents if row else 0,
                                row.excerpts if row else 0)
        self.app.push_screen(modal, lambda mode: self._delete(code, mode))

    @guarded
    def _delete(self, code, mode: str | None) -> None:
        if mode is None:
            return
        done = self.project.delete_code(code.id, self.coder, codings=mode)
        what = "moved to the parent" if mode == "parent" else "removed"
        self.notify(f"Deleted {code.path}: {done['codings']} coding(s) {what} · ctrl+z undoes",
                    timeout=3, markup=False)
        self.editing = None
        self.reload()
        self.tree.select_code(code.parent_id)

    def action_merge_code(self) -> None:
        code = self._highlighted()
        if code is None:
            return
        others = [c for c in self.codes
                  if c.id != code.id and not c.path.startswith(code.path + " > ")]
        self.app.push_screen(PickModal(f"Merge {code.path} into", code_choices(others)),
                             lambda target: self._merge(code, target))

    @guarded
    def _merge(self, code, target: int | None) -> None:
        if target is None:
            return
        done = self.project.merge_codes(code.id, target, self.coder)
        into = next(c.path for c in self.codes if c.id == target)
        self.notify(f"Merged {code.path} into {into}: {done['codings']} coding(s) · "
                    "ctrl+z undoes", timeout=3, markup=False)
        self.editing = None
        self.reload()
        self.tree.select_code(target)

    def action_move_code(self) -> None:
        code = self._highlighted()
        if code is None:
            return
        parents = [c for c in self.codes if c.id not in (code.id, code.parent_id)
                   and not c.path.startswith(code.path + " > ")]
        self.app.push_screen(
            PickModal(f"Move {code.path} under",
                      code_choices(parents, top_level=code.parent_id is not None)),
            lambda parent: self._move(code, parent))

    @guarded
    def _move(self, code, parent: int | None) -> None:
        if parent is None:
            return
        self.project.move_code(code.id, None if parent == TOP_LEVEL else parent, self.coder)
        self.notify(f"Moved {code.name} · ctrl+z undoes", timeout=3, markup=False)
        self.editing = None
        self.reload()
        self.tree.select_code(code.id)
