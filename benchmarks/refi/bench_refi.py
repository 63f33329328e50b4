"""Benchmark: importing the NVivo sample and exporting the demo as REFI-QDA (issue 14).

Target: each under 2 s. Run from the worktree root:

    .venv/bin/python benchmarks/refi/bench_refi.py [--runs 5] [--shared ../shared]

Times, each over ``--runs`` fresh runs (median and worst):

* ``import (façade)``: ``Project.import_paths([nvivo12-oltas0517.qdpx])`` into a new project
  file: reading the archive, detecting the position convention, finding turns, writing
  the 303 codings in one transaction (with the backup copy taken before it);
* ``import (CLI)``: ``qualtally import P nvivo.qdpx --no-suggestions --quiet`` as a fresh
  process (interpreter start and imports included); ``import (CLI, default)`` the same
  without ``--no-suggestions`` (the suggestion step then decides from the model cards that
  a coded project without a fitting model is left to the coding screen);
* ``export (façade)``: ``Project.export(demo.qdpx)`` on the demo project (24 documents,
  373 codings, 62 "nothing applies" marks) built from ``corpus/`` once beforehand;
* ``export (CLI)``: ``qualtally export DEMO out.qdpx --quiet`` as a fresh process.

The NVivo sample is read from the shared folder (``QUALTALLY_SHARED`` or ``--shared``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from qualtally.demo import corpus_dir
from qualtally.project import Project

ROOT = Path(__file__).resolve().parents[2]
QUALTALLY = Path(sys.executable).with_name("qualtally")


def _timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def _report(label: str, times: list[float]) -> None:
    print(f"{label:<22} median {statistics.median(times):.3f} s   worst {max(times):.3f} s   "
          f"(n={len(times)})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--shared", default=os.environ.get("QUALTALLY_SHARED")
                        or str(ROOT.parent / "shared"))
    args = parser.parse_args()
    nvivo = Path(args.shared) / "refi" / "samples" / "nvivo12-oltas0517.qdpx"
    if not nvivo.is_file():
        sys.exit(f"no NVivo sample at {nvivo} (give --shared)")
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        times = []
        for i in range(args.runs):
            with Project.new(tmp_path / f"f{i}.qtally") as project:
                times.append(_timed(lambda: project.import_paths([nvivo], actor="bench")))
        _report("import (façade)", times)
        times = []
        for i in range(args.runs):
            path = tmp_path / f"c{i}.qtally"
            Project.new(path).close()
            cmd = [str(QUALTALLY), "import", str(path), str(nvivo), "--no-suggestions",
                   "--quiet"]
            times.append(_timed(lambda c=cmd: subprocess.run(c, check=True, capture_output=True)))
        _report("import (CLI)", times)
        times = []
        for i in range(args.runs):
            path = tmp_path / f"d{i}.qtally"
            Project.new(path).close()
            cmd = [str(QUALTALLY), "import", str(path), str(nvivo), "--quiet"]
            times.append(_timed(lambda c=cmd: subprocess.run(c, check=True, capture_output=True)))
        _report("import (CLI, default)", times)

        demo = tmp_path / "demo.qtally"
        with Project.new(demo) as project:
            project.import_paths([corpus_dir()], actor="bench")
            info = project.info()
            times = [_timed(lambda: project.export(tmp_path / "demo.qdpx"))
                     for _ in range(args.runs)]
        _report("export (façade)", times)
        times = []
        for _ in range(args.runs):
            cmd = [str(QUALTALLY), "export", str(demo), str(tmp_path / "cli.qdpx"), "--quiet"]
            times.append(_timed(lambda c=cmd: subprocess.run(c, check=True, capture_output=True)))
        _report("export (CLI)", times)
        size = (tmp_path / "demo.qdpx").stat().st_size
        print(f"demo: {info['documents']} documents, {info['codings']} codings; "
              f"demo.qdpx {size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
