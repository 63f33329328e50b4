"""The codebook as a tree, each code with the live number of distinct respondents.

Enter or space on a code posts ``CodeApplied`` (the screen toggles it on the current
excerpt); the tree never touches the project. ``filter`` keeps the codes whose path,
keywords or definition match, with their ancestors, so ``/`` then a few letters then
Enter codes an excerpt without the mouse. Labels are ``Text`` objects, never markup.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input, Tree
from textual.widgets.tree import TreeNode

from qualtally.core.models import Code


class CodebookTree(Tree[int]):
    COMPONENT_CLASSES = {"codebook--applied", "codebook--count"}
    DEFAULT_CSS = """
    CodebookTree {
        & > .codebook--applied { color: $success; text-style: bold; }
        & > .codebook--count { color: $text-muted; }
    }
    """
    BINDINGS = [
        Binding("enter,space", "apply_code", "Toggle code", show=False),
        Binding("right", "expand", "Expand", show=False),
        Binding("left", "collapse", "Collapse", show=False),
    ]

    @dataclass
    class CodeApplied(Message):
        """The user asked to toggle ``code_id`` on the current excerpt."""

        code_id: int

    def __init__(self, **kwargs) -> None:
        super().__init__("Codebook", **kwargs)
        self.show_root = False
        self.guide_depth = 2
        self.auto_expand = False
        self.codes: list[Code] = []
        self._by_id: dict[int, Code] = {}
        self.counts: dict[int, int] = {}
        self.applied: set[int] = set()
        self.query_text = ""
        self._code_nodes: dict[int, TreeNode[int]] = {}

    # -- attributes down ------------------------------------------------------------
    def set_codes(self, codes: list[Code]) -> None:
        self.codes = codes
        self._rebuild()

    def set_counts(self, counts: dict[int, int]) -> None:
        changed = {k for k in set(counts) | set(self.counts) if counts.get(k) != self.counts.get(k)}
        self.counts = counts
        self._relabel(changed)

    def set_applied(self, applied: set[int]) -> None:
        changed = applied ^ self.applied
        self.applied = set(applied)
        self._relabel(changed)

    def filter(self, query: str) -> None:
        self.query_text = query.strip().lower()
        self._rebuild()
        first = next(
            (n for cid, n in self._code_nodes.items() if self._matches(self._by_id[cid])), None
        )
        if first is not None and self.query_text:
            self._move(first)

    @property
    def highlighted_code(self) -> int | None:
        node = self.cursor_node
        return node.data if node is not None else None

    # -- building -----------------------------------------------------------------------
    def _matches(self, code: Code) -> bool:
        q = self.query_text
        if not q:
            return True
        hay = " ".join((code.path, code.definition, *code.keywords)).lower()
        return all(word in hay for word in q.split())

    def _rebuild(self) -> None:
        keep_cursor = self.highlighted_code
        self._by_id = {c.id: c for c in self.codes}
        visible = {c.id for c in self.codes if self._matches(c)}
        for c in list(self.codes):
            if c.id in visible:
                parent = c.parent_id
                while parent is not None and parent not in visible:
                    visible.add(parent)
                    parent = self._by_id[parent].parent_id if parent in self._by_id else None
        self.clear()
        self._code_nodes = {}
        for c in self.codes:
            if c.id not in visible:
                continue
            parent = self._code_nodes.get(c.parent_id, self.root) if c.parent_id else self.root
            has_kids = any(k.parent_id == c.id for k in self.codes)
            node = parent.add(self._label(c), data=c.id, expand=True, allow_expand=has_kids)
            self._code_nodes[c.id] = node
        if keep_cursor in self._code_nodes:
            self._move(self._code_nodes[keep_cursor])
        elif self._code_nodes:
            self._move(next(iter(self._code_nodes.values())))

    def select_code(self, code_id: int | None) -> None:
        if code_id in self._code_nodes:
            self._move(self._code_nodes[code_id])

    def _move(self, node: TreeNode[int]) -> None:
        """Put the cursor on ``node``. Tree builds its line table lazily, so right after the
        tree changed ``node.line`` can be stale: the line is found through the public API
        (a scan of the lines; the codebook has tens to hundreds of them)."""
        lines = range(self.last_line + 1)
        line = next((i for i in lines if self.get_node_at_line(i) is node), None)
        if line is not None:
            self.cursor_line = line
            self.scroll_to_line(line, animate=False)

    def _label(self, code: Code) -> Text:
        label = Text(no_wrap=True, overflow="ellipsis")
        label.append(
            "✓ " if code.id in self.applied else "  ", style=self._style("codebook--applied")
        )
        # the count comes first: a narrow panel crops the end of a line, and a cropped
        # count ("1" for "12") would be a wrong number, while a cropped name is only short
        n = self.counts.get(code.id)
        label.append(f"{n:>3} " if n is not None else "    ", style=self._style("codebook--count"))
        if code.colour.startswith("#"):
            label.append("● ", style=code.colour)
        label.append(code.name)
        return label

    def _style(self, name: str):
        return self.get_component_rich_style(name, partial=True) if self.is_mounted else ""

    def _relabel(self, code_ids: set[int]) -> None:
        """Relabel only the nodes that changed: each relabel repaints the tree."""
        for code_id in code_ids:
            node = self._code_nodes.get(code_id)
            code = self._by_id.get(code_id)
            if node is not None and code is not None:
                node.set_label(self._label(code))

    # -- messages up ------------------------------------------------------------------------
    def action_apply_code(self) -> None:
        if self.highlighted_code is not None:
            self.post_message(self.CodeApplied(self.highlighted_code))

    def action_expand(self) -> None:
        if self.cursor_node is not None:
            self.cursor_node.expand()

    def action_collapse(self) -> None:
        if self.cursor_node is not None:
            self.cursor_node.collapse()


class CodeFilter(Input):
    """The ``/`` box above the tree: typing filters, up/down move the tree's cursor."""

    BINDINGS = [
        Binding("down", "move(1)", "Next code", show=False),
        Binding("up", "move(-1)", "Previous code", show=False),
        Binding("escape", "done", "Close filter", show=False),
    ]

    @dataclass
    class Move(Message):
        delta: int

    @dataclass
    class Done(Message):
        """Escape: clear the filter and give the keys back to the coding screen."""

    def action_move(self, delta: int) -> None:
        self.post_message(self.Move(delta))

    def action_done(self) -> None:
        self.post_message(self.Done())
