"""The child of ``test_crash_export.py``: exports a project without end, to one file name.

``run(PROJECT, OUT, REPORT, PAUSE)``: ``Project.export(OUT)`` over and over, appending a line
to REPORT after each; with ``PAUSE`` = ``1`` it stops inside its first export, right before
the rename into place (the whole new file written under its temporary name), says
``replacing`` on stdout and waits to be killed.
"""

from __future__ import annotations

import os
import time


def prepare() -> None:
    import openpyxl  # noqa: F401 - every writer's imports, paid once in the zygote

    import qualtally.exports.csv_export  # noqa: F401
    import qualtally.exports.html  # noqa: F401
    import qualtally.exports.refi  # noqa: F401
    import qualtally.exports.xlsx  # noqa: F401
    from qualtally.project import Project  # noqa: F401


def run(project: str, out: str, report: str, pause: str) -> None:
    from qualtally.exports import atomic
    from qualtally.project import Project

    if pause == "1":
        real = os.replace

        def stop_before(src, dst):
            if str(dst) == out:
                os.write(1, b"replacing\n")
                time.sleep(600)
            real(src, dst)

        atomic.os.replace = stop_before
    fd = os.open(report, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with Project.open(project) as p:
        n = 0
        while True:
            n += 1
            p.export(out)
            os.write(fd, f"{n}\n".encode())
