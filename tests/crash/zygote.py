"""A process that imports once and forks a fresh child per run, so each SIGKILL costs a fork.

``python zygote.py MODULE``: imports ``MODULE`` (from this folder) and everything it
imports, then reads commands on stdin: ``fork ARG...`` forks a child that runs
``MODULE.run(ARG...)`` (it never returns; the test kills it) and prints ``pid N``;
``wait N`` reaps that child and prints ``status S`` (its wait status). Nothing holds a
database connection or a thread when it forks; each child opens its own.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> None:
    module = importlib.import_module(sys.argv[1])
    module.prepare()
    print("ready", flush=True)
    for line in sys.stdin:
        cmd, *args = line.split()
        if cmd == "fork":
            pid = os.fork()
            if pid == 0:
                try:
                    module.run(*args)
                finally:
                    os._exit(1)
            print(f"pid {pid}", flush=True)
        elif cmd == "wait":
            _, status = os.waitpid(int(args[0]), 0)
            print(f"status {status}", flush=True)


if __name__ == "__main__":
    main()
