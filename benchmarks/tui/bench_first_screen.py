"""Process start to the first frame of the coding screen with the transcript on it.

Not a test (timings vary by machine); run it and read the figures:

    PYTHONPATH=src python benchmarks/tui/bench_first_screen.py [--runs 7] [PROJECT]

Without PROJECT it builds the real demo project (``qualtally demo``'s corpus) in a
temporary data directory first. Each run copies the project to a fresh folder (so no
``.models`` folder or WAL of an earlier run helps), spawns ``python -m qualtally code COPY``
in a fresh process on a pseudo-terminal of 160x48, reads what the program writes, and
stops the clock when the screen holds both the coding screen's status line for the first
excerpt and the first words of that excerpt's text as the transcript draws them (the
bytes are stripped of escape sequences before matching). The clock starts just before the
process is spawned, so interpreter start-up and every import are included. Then it sends
``q`` and waits for the process to end. The machine's load average is printed with the
figures, since other jobs on a small machine change them.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import re
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
"""The qualtally to time; ``--src`` names another checkout's, for a before/after."""
ESCAPES = re.compile(
    rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[PX^_].*?\x1b\\|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]"
)
CODER = "bench-first-screen"
PYCACHE = str(Path(tempfile.gettempdir()) / "qualtally-bench-pycache")
"""Byte-code for the spawned programs, kept outside the tree: an installed qualtally has its
``.pyc`` files (pip compiles them), so the timed runs should not compile from source. One
untimed run fills it first."""


def expected_text(project_path: Path) -> tuple[str, str]:
    """(status fragment, transcript fragment) the first frame must show, read from the project."""
    sys.path.insert(0, str(SRC))
    from qualtally.project import Project
    from qualtally.tui.session import CodingSession

    with Project.open(project_path) as project:
        session = CodingSession(project, CODER)
        session.load()
        e = session.current
        assert e is not None and session.document is not None
        status = f"excerpt {session.index + 1}/{len(session.excerpts)}"
        words = e.text.split()[:3]
    return status, " ".join(words)


def spawn(project_path: Path, size: tuple[int, int]) -> tuple[subprocess.Popen, int]:
    master, slave = os.openpty()
    cols, rows = size
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("TEXTUAL") and k != "PYTHONDONTWRITEBYTECODE"}
    env.update(TERM="xterm-256color", COLORTERM="truecolor", PYTHONPATH=str(SRC),
               QUALTALLY_CODER=CODER, PYTHONPYCACHEPREFIX=PYCACHE)
    proc = subprocess.Popen(
        [sys.executable, "-m", "qualtally", "code", str(project_path), "--coder", CODER],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,
        close_fds=True,
    )
    os.close(slave)
    return proc, master


def one_run(
    project_path: Path, status: str, words: str, size=(160, 48), limit: float = 60.0
) -> float:
    buf = b""
    t0 = time.perf_counter()
    proc, master = spawn(project_path, size)
    try:
        deadline = t0 + limit
        need = (status.encode(), words.encode())
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError(
                    f"no first frame after {limit} s; saw {ESCAPES.sub(b'', buf)[-2000:]!r}"
                )
            ready, _, _ = select.select([master], [], [], left)
            if not ready:
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:
                chunk = b""
            if not chunk:
                raise RuntimeError(
                    f"the program ended before its first frame: {ESCAPES.sub(b'', buf)[-2000:]!r}"
                )
            buf += chunk
            plain = ESCAPES.sub(b"", buf)
            if all(n in plain for n in need):
                elapsed = time.perf_counter() - t0
                break
        os.write(master, b"q")
        end = time.perf_counter() + 20
        while proc.poll() is None and time.perf_counter() < end:
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    os.read(master, 65536)
                except OSError:
                    pass
        return elapsed
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        os.close(master)


def demo_project(tmp: Path) -> Path:
    env = {**os.environ, "XDG_DATA_HOME": str(tmp / "data"), "PYTHONPATH": str(SRC)}
    out = subprocess.run(
        [sys.executable, "-m", "qualtally", "demo", "--print"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return Path(out.splitlines()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "project", nargs="?", type=Path, help="a project file (default: build the demo)"
    )
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--src", type=Path, help="time the qualtally in this src folder instead")
    args = parser.parse_args()
    global SRC
    if args.src:
        SRC = args.src.resolve()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        source = args.project or demo_project(tmp)
        status, words = expected_text(source)
        times = []
        for i in range(-1, args.runs):  # run -1 only fills the byte-code cache
            copy = tmp / f"run{i}" / source.name
            copy.parent.mkdir()
            shutil.copy(source, copy)
            elapsed = one_run(copy, status, words)
            if i >= 0:
                times.append(elapsed)
            shutil.rmtree(copy.parent)
        load = os.getloadavg()
        print(
            f"first screen of {source.name} with {SRC} "
            "(process start -> status and transcript drawn), "
            f"{args.runs} fresh processes, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
        )
        print("  runs (s): " + " ".join(f"{t:.3f}" for t in times))
        print(
            f"  median {statistics.median(times):.3f} s, best {min(times):.3f} s, "
            f"worst {max(times):.3f} s"
        )


if __name__ == "__main__":
    main()
