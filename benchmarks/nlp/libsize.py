"""What installing a library adds to qualtally's install: its own files and every
dependency it pulls in that qualtally does not already require (issue 21's "not much
heavier to install"). Read from the installed distributions' RECORD files.

    python benchmarks/nlp/libsize.py tokenizers onnxruntime model2vec
"""

from __future__ import annotations

import re
import sys
from importlib import metadata


def _name(req: str) -> str:
    return re.split(r"[ ;<>=!~\[(]", req, maxsplit=1)[0].lower().replace("_", "-")


def closure(name: str, extras_ok: bool = False) -> set[str]:
    """The distribution and its runtime dependencies (no extras), installed ones only."""
    seen: set[str] = set()
    todo = [name.lower().replace("_", "-")]
    while todo:
        n = todo.pop()
        if n in seen:
            continue
        try:
            dist = metadata.distribution(n)
        except metadata.PackageNotFoundError:
            continue
        seen.add(n)
        for req in dist.requires or []:
            if "extra ==" in req and not extras_ok:
                continue
            todo.append(_name(req))
    return seen


def size(name: str) -> int:
    dist = metadata.distribution(name)
    total = 0
    for f in dist.files or []:
        p = f.locate()
        try:
            total += p.stat().st_size
        except OSError:
            pass
    return total


def added(name: str) -> tuple[list[str], int]:
    """(distributions added, bytes) on top of what qualtally's own dependencies install."""
    base = closure("qualtally") - {"qualtally"}
    new = sorted(closure(name) - base)
    return new, sum(size(n) for n in new)


def main(argv=None) -> int:
    for name in (argv or sys.argv[1:]):
        new, total = added(name)
        print(f"{name}: +{total / 1e6:.1f} MB installed: "
              + ", ".join(f"{n} {size(n) / 1e6:.1f}" for n in new))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
