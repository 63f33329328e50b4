"""The standard benchmark suite: ``python -m benchmarks [--size demo|1k|10k] [--pdpilot DIR]``.

Runs each step of ``benchmarks/steps`` in its own process (so each step's peak memory is
its own), then writes ``benchmarks/results.json`` and the table in ``benchmarks/RESULTS.md``
with the machine, library versions, date, every figure beside the reference it is compared
with in the same run, and which targets hold. Nothing here asserts: it reports.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from benchmarks.steps import ROOT, SIZES, child_env
from benchmarks.targets import check, table

STEPS = ("imports", "tui", "suggest", "retrain", "tally", "quality")


def machine() -> dict:
    libs = {}
    for name in ("qualtally", "textual", "spacy", "scikit-learn", "numpy", "sqlalchemy"):
        try:
            libs[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            libs[name] = "not installed"
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
               platform.processor()) if Path("/proc/cpuinfo").exists() else platform.processor()
    return {"cpus": os.cpu_count(), "cpu": cpu, "python": platform.python_version(),
            "platform": platform.platform(), "libraries": libs}


def run_step(name: str, argv: list[str], work: Path) -> dict:
    out = work / f"{name}.json"
    cmd = [sys.executable, "-m", f"benchmarks.steps.{name}", *argv, "--work", str(work),
           "--json", str(out)]
    print(f"[{time.strftime('%H:%M:%S')}] {name} ...", flush=True)
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=child_env())
    _, status, usage = os.wait4(proc.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    took = round(time.perf_counter() - t, 1)
    if code != 0:
        print(f"  {name} failed (exit {code})", flush=True)
        return {"error": f"exit {code}", "step_s": took}
    figures = json.loads(out.read_text())
    figures.update(step_s=took, step_peak_mb=usage.ru_maxrss // 1024)
    print(f"  done in {took} s", flush=True)
    return figures


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    ap.add_argument("--size", choices=SIZES, default="demo")
    ap.add_argument("--pdpilot", type=Path, help="the shared data's pdpilot-interviews folder")
    ap.add_argument("--only", help="comma-separated steps, of: " + ", ".join(STEPS))
    ap.add_argument("--work", type=Path, help="keep generated files here (default: a temp dir)")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks",
                    help="where results.json and RESULTS.md go")
    a = ap.parse_args()
    steps = a.only.split(",") if a.only else list(STEPS)
    built = a.work is not None and (a.work / "imported.qtally").exists()
    if "tui" in steps and "imports" not in steps and not built:
        steps.insert(0, "imports")  # the TUI step opens the project the import built
    argv = ["--size", a.size] + (["--pdpilot", str(a.pdpilot)] if a.pdpilot else [])
    started = datetime.now(UTC)
    results = {"date": started.isoformat(timespec="seconds"), "size": a.size,
               "machine": machine(), "load_average_before": list(os.getloadavg()), "steps": {}}
    with tempfile.TemporaryDirectory(prefix="qualtally-bench-") as tmp:
        work = a.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        for name in steps:
            results["steps"][name] = run_step(name, argv, work)
    results["total_s"] = round((datetime.now(UTC) - started).total_seconds(), 1)
    results["targets"] = check(results["steps"])
    a.out.mkdir(parents=True, exist_ok=True)
    (a.out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    (a.out / "RESULTS.md").write_text(table(results))
    print(table(results))


if __name__ == "__main__":
    main()
