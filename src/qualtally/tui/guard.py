"""Turn any exception in a key handler into a notification with its cause.

A coder must never see a traceback: store refusals (``InputError``) and unexpected
failures alike become an error toast naming what went wrong, and the screen carries on.
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
    return f"{type(err).__name__}: {err}" if str(err) else type(err).__name__


def guarded(fn):
    """Decorate a method of a Textual node; errors become ``self.notify(..., severity='error')``."""
    if inspect.iscoroutinefunction(fn):
        @functools.wraps(fn)
        async def async_wrapper(self, *args, **kwargs):
            try:
                return await fn(self, *args, **kwargs)
            except Exception as err:  # noqa: BLE001 - reported to the user
                log.exception("action failed")
                self.notify(describe(err), title="Could not do that", severity="error", markup=False)
        return async_wrapper

    @functools.wraps(fn)
    def wrapper(self, *args, **kwargs):
        try:
            return fn(self, *args, **kwargs)
        except Exception as err:  # noqa: BLE001 - reported to the user
            log.exception("action failed")
            self.notify(describe(err), title="Could not do that", severity="error", markup=False)
    return wrapper
