"""Turn any exception in a key handler into a notification with its cause.

A coder must never see a traceback: store refusals (``InputError``), writes the database
could not commit (busy past the timeout, a read-only or full disk) and unexpected failures
alike become an error toast naming what went wrong, and the screen carries on. The screen
updates only after a write returns, so a refused write is never shown as applied.
Worker failures take the other path, the app's single ``Worker.StateChanged`` handler.
"""

from __future__ import annotations

import functools
import inspect
import logging

from qualtally.core.errors import InputError

log = logging.getLogger("qualtally.tui")


def describe(err: BaseException) -> str:
    if isinstance(err, InputError):
        return str(err)
    orig = getattr(err, "orig", None)  # SQLAlchemy wraps the database driver's error
    if orig is not None:
        text = str(orig).strip() or type(orig).__name__
        if "locked" in text or "busy" in text or "lock timeout" in text:
            return (f"not saved: another program kept the project busy ({text}); "
                    "nothing was changed, try again")
        return f"not saved: the database refused it ({text}); nothing was changed"
    return f"{type(err).__name__}: {err}" if str(err) else type(err).__name__


def guarded(fn):
    """Decorate a method of a Textual node; errors become ``self.notify(..., severity='error')``."""
    if inspect.iscoroutinefunction(fn):
        @functools.wraps(fn)
        async def async_wrapper(self, *args, **kwargs):
            try:
                return await fn(self, *args, **kwargs)
            except Exception as err:
                log.exception("action failed")
                self.notify(
                    describe(err), title="Could not do that", severity="error", markup=False
                )
        return async_wrapper

    @functools.wraps(fn)
    def wrapper(self, *args, **kwargs):
        try:
            return fn(self, *args, **kwargs)
        except Exception as err:
            log.exception("action failed")
            self.notify(describe(err), title="Could not do that", severity="error", markup=False)
    return wrapper


def mount_guarded(fn):
    """For a mode screen's ``on_mount``: a failure is reported and the app goes back to the
    coding screen (``QualtallyApp.screen_failed``) instead of crashing; success tells the app
    the screen is shown (``screen_shown``), so a restored place is saved only once it works."""
    @functools.wraps(fn)
    def wrapper(self, *args, **kwargs):
        try:
            result = fn(self, *args, **kwargs)
        except Exception as err:
            log.exception("screen failed to mount")
            failed = getattr(self.app, "screen_failed", None)
            if failed is None:
                raise
            failed(self, err)
            return None
        shown = getattr(self.app, "screen_shown", None)
        if shown is not None:
            shown(self)
        return result
    return wrapper
