"""Code names and messages with [brackets] are shown literally, never parsed as markup."""

from __future__ import annotations

from qualtally.core.models import Code
from qualtally.tui.app import make_app
from qualtally.tui.widgets.codebook_tree import CodebookTree

from .conftest import CODER, SIZE, codings_of, settle


async def test_a_code_named_with_markup_characters_applies_and_notifies_literally(project):
    code_id = project.add_code(Code("Emergent [/] [bold]x", parent_path="Relevance"), "lead")
    app = make_app(project, CODER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        tree = app.screen.query_one(CodebookTree)
        tree.move_cursor(tree._code_nodes[code_id])
        await pilot.press("enter")
        await pilot.pause(0.3)  # let the toast render
        assert [path for _, path, _ in codings_of(project)] == ["Relevance > Emergent [/] [bold]x"]
        messages = [str(n.message) for n in app._notifications]
        assert any("Emergent [/] [bold]x" in m for m in messages), messages
    assert app.return_code in (None, 0)


def test_every_notification_is_sent_without_markup():
    """Toasts parse markup by default; any message may carry a code name or an error with
    [brackets]."""
    import ast
    from pathlib import Path

    import qualtally.tui

    missing = []
    for path in Path(qualtally.tui.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "notify"
                and not any(
                    k.arg == "markup" and getattr(k.value, "value", True) is False
                    for k in node.keywords
                )
            ):
                missing.append(f"{path.name}:{node.lineno}")
    assert missing == []
