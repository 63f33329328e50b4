"""An export killed with SIGKILL never leaves half a file under its final name.

For each format (.csv, .xlsx, .html, .qdpx, .qdc) a child (``export_child.py``, forked
from ``zygote.py`` so a kill costs no start-up) exports the project again and again to one
name: first it is killed inside its first export, right before the rename, with the whole
new file written under its temporary name (the final name must not exist yet); then at
random moments (seeded), after which the file under the final name, if any, must be a
whole, readable file of its format. A last export removes the killed runs' partial files.
"""

from __future__ import annotations

import csv
import os
import random
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from qualtally.project import Project

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tui.demo_project import build  # noqa: E402

HERE = Path(__file__).resolve().parent
FORMATS = (".csv", ".xlsx", ".html", ".qdpx", ".qdc")
RANDOM_KILLS = 3
SEED = 7
MAX_DELAY = 0.6


def _whole(path: Path, rows: int) -> None:
    suffix = path.suffix
    if suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as fh:
            got = list(csv.DictReader(fh))
        assert len(got) == rows and got[-1]["created"], "a cut CSV"
    elif suffix == ".xlsx":
        from openpyxl import load_workbook

        assert "about" in load_workbook(path, read_only=True).sheetnames
    elif suffix == ".html":
        assert path.read_text(encoding="utf-8").rstrip().endswith("</html>")
    elif suffix == ".qdpx":
        with zipfile.ZipFile(path) as z:
            assert z.testzip() is None and "project.qde" in z.namelist()
    else:
        from defusedxml import ElementTree

        assert ElementTree.parse(path).getroot().tag.endswith("CodeBook")


class Zygote:
    """``zygote.py`` running ``module``: forks children, kills and reaps them."""

    def __init__(self, module: str = "export_child") -> None:
        src = str(HERE.parents[1] / "src")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH",
                                                                                 "")])}
        self.proc = subprocess.Popen([sys.executable, str(HERE / "zygote.py"), module],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                     env=env)
        assert self.proc.stdout.readline().strip() == "ready"

    def fork(self, *args: str) -> int:
        self.proc.stdin.write("fork " + " ".join(args) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline().split()
        assert line[0] == "pid", line
        return int(line[1])

    def kill(self, pid: int) -> None:
        os.kill(pid, signal.SIGKILL)
        self.proc.stdin.write(f"wait {pid}\n")
        self.proc.stdin.flush()
        status = int(self.proc.stdout.readline().split()[1])
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


@pytest.mark.slow
def test_a_killed_export_leaves_the_old_file_or_the_new_one(tmp_path):
    project = build(tmp_path / "crash.qtally")
    with Project.open(project) as p:
        p.apply_code(p.excerpts()[1].id, p.codes()[1].id, "ana")
        rows = len(p.export_rows())
    rnd = random.Random(SEED)
    zygote = Zygote()
    mid_write = 0
    try:
        for suffix in FORMATS:
            out = tmp_path / f"report{suffix}"
            pid = zygote.fork(str(project), str(out), str(tmp_path / "r.txt"), "1")
            assert zygote.proc.stdout.readline().strip() == "replacing"
            zygote.kill(pid)
            assert not out.exists(), f"{out.name} exists before its first rename"
            assert list(tmp_path.glob(f".{out.name}.{pid}.partial{suffix}"))
            for _ in range(RANDOM_KILLS):
                pid = zygote.fork(str(project), str(out), str(tmp_path / "r.txt"), "0")
                time.sleep(rnd.uniform(0.1, MAX_DELAY))  # a random moment, not a check
                zygote.kill(pid)
                mid_write += bool(list(tmp_path.glob(f".{out.name}.{pid}.partial{suffix}")))
                if out.exists():
                    _whole(out, rows)
            with Project.open(project) as p:
                p.export(out)
            _whole(out, rows)
            assert not list(tmp_path.glob(f".{out.name}.*")), "a killed export's partial file"
    finally:
        zygote.close()
    print(f"{len(FORMATS) * (RANDOM_KILLS + 1)} kills; {mid_write} random kills mid-write")
