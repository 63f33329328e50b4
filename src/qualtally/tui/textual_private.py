"""The one place qualtally reaches into Textual's private names (issue 18).

Textual 8.2 (pinned in ``pyproject.toml``: ``textual>=8.2,<8.3``) has no public way to
keep a screen from rendering inside the app's start-up batch, and that costs the first
frame. At start-up ``App`` composes, resizes and mounts the first screen inside
``batch_update()``; the screen lays itself out there and renders a full frame, which
``App._display`` drops because a batch is open. The frames after the batch are then drawn
from what changed since: the first one written comes from a second full render (the
screen's resize after the batch). On the demo project (pseudo-terminal 160x48, app
created -> first frame written, 2 cores) the hook brings the median from 0.77 s to 0.53 s
at a load average of 7.5-10, and from 0.34 s to 0.30 s at 5-5.7; the second render it
spares takes a median 56-99 ms. So the coding screen keeps the hook: while the start-up
batch is open it renders nothing and stays marked for a repaint, and the first frame
written is the one full render.

``tests/tui/test_textual_private.py`` checks, with a message naming this module, that
Textual still has these names and still calls the override inside and after its
start-up batch; ``tests/tui/test_startup_imports.py`` checks the first frame the terminal
receives on a real pseudo-terminal.
"""

from __future__ import annotations

TEXTUAL_CHECKED = "8.2"
"""The Textual minor version these hooks were checked against (the pin's)."""


def in_batch(app) -> bool:
    """Whether ``app`` is inside ``batch_update()`` (private: ``App._batch_count``).

    False when the attribute is gone (another Textual): the screen then renders as
    Textual does, and the test of this module says why."""
    return bool(getattr(app, "_batch_count", 0))


class NoFrameInStartupBatch:
    """Mixin for a ``Screen``: render no frame while the app's batch is open.

    Overrides the private ``Screen._compositor_refresh`` (which renders the screen and
    hands the frame to ``App._display``). Inside a batch the frame would be dropped, so
    it is not rendered; ``refresh()`` (public) keeps the whole screen due for a repaint,
    which Textual carries out once the batch has ended."""

    def _compositor_refresh(self) -> None:
        if in_batch(self.app) and not self.app.is_inline:
            self.refresh()
            return
        super()._compositor_refresh()
