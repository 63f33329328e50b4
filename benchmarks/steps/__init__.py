"""One module per step of ``python -m benchmarks``; each runs in its own process.

A step is run as ``python -m benchmarks.steps.NAME --size S --work DIR --json OUT`` and
writes its figures to OUT; the runner adds the process's wall time and peak memory.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SIZES = ("demo", "1k", "10k")


def args(description: str) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--size", choices=SIZES, default="demo")
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--json", type=Path, required=True)
    ap.add_argument("--pdpilot", type=Path)
    return ap.parse_args()


def write(path: Path, figures: dict) -> None:
    figures["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    path.write_text(json.dumps(figures, indent=2) + "\n")


def pct(values, q: float) -> float:
    xs = sorted(values)
    return xs[min(len(xs) - 1, round(q * (len(xs) - 1)))]


def summary(values, unit_scale: float = 1.0, digits: int = 3) -> dict:
    xs = [v * unit_scale for v in values]
    return {"n": len(xs), "p50": round(statistics.median(xs), digits),
            "p95": round(pct(xs, 0.95), digits), "max": round(max(xs), digits)}


def child_env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT / "src"), str(ROOT)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])
    )
    return env


def python() -> str:
    return sys.executable
