"""The private Textual names ``tui/textual_private.py`` relies on are still there and still
behave as it assumes. Each failure names the module and what to re-check, so an upgrade
of Textual that breaks the hook fails here, loudly, rather than drawing partial frames."""

from __future__ import annotations

import importlib.metadata
import inspect

from textual.app import App
from textual.screen import Screen
from textual.widgets import Label

from qualtally.tui import textual_private as tp

RECHECK = ("qualtally/tui/textual_private.py relies on it: re-measure the first frame "
           "(tests/tui/test_startup_imports.py, benchmarks/tui/bench_first_screen.py), then adapt "
           "the hook or drop it, and the textual pin in pyproject.toml with it")


def test_textual_is_the_minor_version_the_hooks_were_checked_against():
    installed = importlib.metadata.version("textual")
    assert installed.split(".")[:2] == tp.TEXTUAL_CHECKED.split("."), (
        f"Textual {installed} is installed, the private hooks were checked against "
        f"{tp.TEXTUAL_CHECKED}: {RECHECK}")


def test_screen_still_has_the_overridden_method():
    method = getattr(Screen, "_compositor_refresh", None)
    assert callable(method), f"Textual's Screen has no _compositor_refresh any more: {RECHECK}"
    assert list(inspect.signature(method).parameters) == ["self"], (
        f"Screen._compositor_refresh{inspect.signature(method)} takes arguments now: {RECHECK}")


def test_the_app_still_counts_its_batches():
    app = App()
    assert isinstance(getattr(app, "_batch_count", None), int), (
        f"App._batch_count is gone or no longer a count: {RECHECK}")
    assert not tp.in_batch(app)
    with app.batch_update():
        assert tp.in_batch(app), f"App.batch_update() no longer raises App._batch_count: {RECHECK}"
        with app.batch_update():
            assert tp.in_batch(app)
        assert tp.in_batch(app)
    assert not tp.in_batch(app)


async def test_the_first_screen_renders_in_the_startup_batch_and_the_hook_keeps_that_frame():
    """Without the hook Textual renders the first screen inside its start-up batch (the
    frame it drops); with it, the first frame handed to ``App._display`` outside the
    batch is a full one (a ``LayoutUpdate``)."""
    seen: list[bool] = []
    frames: list[tuple[bool, str]] = []

    class Record:
        def compose(self):
            yield Label("probe")

        def _compositor_refresh(self) -> None:
            seen.append(tp.in_batch(self.app))
            super()._compositor_refresh()

    class Plain(Record, Screen):
        pass

    class Hooked(Record, tp.NoFrameInStartupBatch, Screen):
        pass

    def run(screen_class):
        class ProbeApp(App):  # started as QualtallyApp is: directly in a mode's screen
            MODES = {"probe": screen_class}
            DEFAULT_MODE = "probe"

            def _display(self, screen, renderable) -> None:
                if renderable is not None:
                    frames.append((tp.in_batch(self), type(renderable).__name__))
                super()._display(screen, renderable)
        return ProbeApp()

    async with run(Plain).run_test(size=(40, 10)) as pilot:
        await pilot.pause()
    assert True in seen, ("Textual no longer renders the first screen inside its start-up batch, "
                          f"so the hook may have no purpose: {RECHECK}")
    assert (True, "LayoutUpdate") in frames, (
        f"the frame rendered in the batch is not a full one: {RECHECK}")

    seen.clear()
    frames.clear()
    async with run(Hooked).run_test(size=(40, 10)) as pilot:
        await pilot.pause()
    assert True in seen and False in seen, (
        f"Screen._compositor_refresh is not called as it was: {RECHECK}")
    assert frames, f"App._display was never called: {RECHECK}"
    assert frames[0] == (False, "LayoutUpdate"), (
        f"with the hook the first frame is {frames[0]} (in batch, kind), not a full one after "
        f"the batch: {RECHECK}")


def test_no_other_module_reaches_into_textual():
    """Private Textual modules and the names hooked above appear nowhere but in
    ``tui/textual_private.py`` (``textual._wait`` was one: opening.py now has its own)."""
    import ast
    from pathlib import Path

    import qualtally

    hooked = {"_batch_count", "_compositor_refresh", "_repaint_required", "_display", "_tree_lines"}
    found = []
    for path in sorted(Path(qualtally.__file__).parent.rglob("*.py")):
        if path.name == "textual_private.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            modules = []
            if isinstance(node, ast.ImportFrom) and node.module:
                modules = [node.module]
            elif isinstance(node, ast.Import):
                modules = [a.name for a in node.names]
            found += [f"{path.name}: import {m}" for m in modules if m.split(".")[0] == "textual"
                      and any(p.startswith("_") for p in m.split("."))]
            if isinstance(node, ast.Attribute) and node.attr in hooked:
                found.append(f"{path.name}: .{node.attr}")
            if isinstance(node, ast.FunctionDef) and node.name in hooked:
                found.append(f"{path.name}: def {node.name}")
    assert found == [], f"private Textual names outside tui/textual_private.py: {found}"
