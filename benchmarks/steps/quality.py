"""Suggestion quality beside keyword search and a plain TF-IDF + LR, 5-fold CV, seed 0
(``benchmarks/nlp/compare.py``): real data first (PDPilot, when ``--pdpilot`` names the
shared data's ``pdpilot-interviews`` folder), then the demo corpus (synthetic, ours)."""

from __future__ import annotations

import subprocess
import sys

from benchmarks.steps import ROOT, args, child_env, python, write


def main() -> None:
    a = args(__doc__.splitlines()[0])
    sys.path.insert(0, str(ROOT / "benchmarks" / "nlp"))
    from compare import run

    sets = {}
    if a.pdpilot:
        csv = a.work / "pdpilot.csv"
        subprocess.run([python(), str(ROOT / "benchmarks" / "nlp" / "pdpilot_to_csv.py"),
                        str(a.pdpilot), str(csv), "--question", "top"],
                       check=True, env=child_env(), stdout=subprocess.DEVNULL)
        sets["pdpilot (real)"] = (csv, "question")
    sets["demo (synthetic)"] = (ROOT / "corpus" / "iom-evaluation" / "coded.csv", None)
    out = {}
    for name, (csv, by) in sets.items():
        r = run(str(csv), by, 5, 0)
        out[name] = {k: round(v, 3) for k, v in r.items()}
    write(a.json, {"micro_f1": out})


if __name__ == "__main__":
    main()
