"""Progress for long CLI work: a rich bar in a terminal, plain lines otherwise."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from qualtally.project import Progress


@contextmanager
def cli_progress(enabled: bool = True) -> Iterator[Progress]:
    """Yield a ``progress(label, done, total)`` callback that draws on stderr."""
    if not enabled:
        yield lambda label, done, total: None
        return
    if sys.stderr.isatty():
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn
        from rich.progress import Progress as Bar

        with Bar(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                 transient=True, console=Console(stderr=True)) as bar:
            tasks: dict[str, int] = {}

            def update(label: str, done: int, total: int) -> None:
                if label not in tasks:
                    tasks[label] = bar.add_task(label, total=total)
                bar.update(tasks[label], completed=done, total=total)

            yield update
        return
    last: dict[str, int] = {}

    def plain(label: str, done: int, total: int) -> None:
        # one line per tenth of the work, so logs stay readable
        step = max(1, total // 10)
        if done == total or done - last.get(label, -step) >= step:
            last[label] = done
            print(f"{label}: {done}/{total}", file=sys.stderr, flush=True)

    yield plain
