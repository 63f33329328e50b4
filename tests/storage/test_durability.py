"""An acknowledged coding survives a SIGKILL of the process a moment later."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

from qualtally.project import Project

CHILD = textwrap.dedent(
    """
    import sys, time
    from qualtally.project import Project
    p = Project.open(sys.argv[1])
    excerpt = p.excerpts()[0].id
    code = p.code_by_path("Relevance > Need").id
    assert p.apply_code(excerpt, code, "killed-coder")
    print("acknowledged", flush=True)
    time.sleep(60)
    """
)


def test_coding_survives_sigkill(project):
    path = project.path
    project.close()
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout.readline().strip() == "acknowledged"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    with Project.open(path) as again:
        coders = {
            c
            for rows in again.codings([e.id for e in again.excerpts()]).values()
            for _, c, _ in rows
        }
        assert coders == {"killed-coder"}
