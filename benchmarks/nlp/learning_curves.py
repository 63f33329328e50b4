"""What a coder feels on the NHS patient-feedback set: learning curves, visiting order, blind mode.

For each NHS file (``../shared/data/nhs-patient-feedback``, see its SOURCE.md), per random
order of its answers (seeds 0..n-1), with a held-out set of ``--holdout`` answers drawn once
per order and never in any training budget (a file smaller than that plus the largest
budget keeps what remains after it):

1. ``learning_curve``: micro-F1 on the held-out answers of the codes marked ``suggested``
   after training on the first B answers of the order, through the CLI's own path
   (``qualtally suggest --train``: ``load_coded`` items into ``Suggester.train``, MiniLM), and
   the same for the plain reference (``compare.CharTfidfLR``: word 1-2 + char_wb 3-5 TF-IDF,
   class-balanced one-vs-rest LR, 0.5 plus the top code). ``suggester_codebook``: the CLI's
   fit given the codebook of code names a project has (its cold start mixed in for codes
   with few examples), which separates that mixing from the rest of part 3's path.
2. ``coding_order``: a simulated coder starts from the order's first 25 answers, then codes
   either the next answers in file order (``document``) or the answers the current model is
   least sure about (``least_sure_first``: ``nlp.uncertainty``, the rule the app's ``o`` key
   ranks by), the model retraining every ``RETRAIN_EVERY`` codings as the app does and the
   rest re-ranked after each retraining; ``least_sure_ranked_once`` ranks once, after the
   first 25, as the app's ``o`` does today (a document's ranking is not redone after a
   retraining). Micro-F1 on the held-out answers at each budget above 25.
3. ``blind``: a coder in a blind-mode project learns only from their own codings and the
   codebook (code names only). Measured through the Project as the app runs it: the NHS
   file imported into a temporary project (the trust staff's codings come in too, and blind
   mode must hide them), ``set_blind``; per order a new coder: ``load_suggester(coder)`` (as
   the coding screen opens), ``apply_code`` for each answer of the budget, then the app's
   retraining (``maybe_retrain(coder, refresh=False)`` and ``refresh_suggestion_cache()``)
   and ``suggestions(excerpt, coder, limit=9)`` (the coding screen's call) on the held-out
   answers; the model's training size is recorded to show nothing else reached it.

Writes ``benchmarks/nlp/results/learning_curves.json`` and prints a markdown table.

    python benchmarks/nlp/learning_curves.py [--files why,good] [--orders 3]
        [--budgets 25,50,100,200] [--holdout 600] [--parts curve,order,blind]
        [--retrain-every N] [--data DIR] [--out FILE] [--cache EMB.npz] [--quick]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
from compare import CharTfidfLR  # noqa: E402 - the reference, defined once there

from qualtally.nlp.dataset import Item, load_coded  # noqa: E402
from qualtally.nlp.metrics import summarise  # noqa: E402
from qualtally.nlp.model import label_matrix  # noqa: E402
from qualtally.nlp.uncertainty import least_sure_first, margins  # noqa: E402

FILES = ("why", "improve", "do-better", "good", "service-111")
DATA = ROOT.parent / "shared" / "data" / "nhs-patient-feedback"
OUT = HERE / "results" / "learning_curves.json"
BUDGETS = (25, 50, 100, 200)
START = 25
"""Answers every simulated coder has coded before the visiting orders part ways."""
SCREEN_LIMIT = 9
"""Suggestions the coding screen asks the façade for (``coding_suggest.py``)."""
ORDERS = ("document", "least_sure_first", "least_sure_ranked_once")
PARTS = {"curve": "learning_curve", "order": "coding_order", "blind": "blind"}

Progress = Callable[[str, int, int], None]


@dataclass
class Split:
    """One random order of a file's answers: the held-out ones, and the rest in order."""

    held: list[int]
    order: list[int]


def split(n: int, holdout: int, max_budget: int, seed: int) -> Split:
    """``holdout`` answers (fewer when ``n - max_budget`` is smaller) out of a seeded
    permutation; the training budgets are prefixes of the rest."""
    perm = [int(i) for i in np.random.default_rng(seed).permutation(n)]
    h = min(holdout, n - max_budget)
    if h <= 0:
        raise SystemExit(f"{n} answers: none left to hold out after {max_budget}")
    return Split(sorted(perm[:h]), perm[h:])


def micro_f1(truth: Sequence[Sequence[str]], pred: Sequence[set[str]]) -> float:
    """Micro-F1 of predicted code sets against the coded ones (``nlp.metrics``)."""
    classes = sorted({c for t in truth for c in t} | {c for p in pred for c in p})
    Y, _ = label_matrix(truth, classes)
    P, _ = label_matrix(pred, classes)
    return summarise(Y, P, P.astype(float), classes)["micro_f1"]


# -- the CLI's path: load_coded items into Suggester.train ------------------------------------
def train_suggester(items: list[Item], profiles=None):
    """What ``qualtally suggest --train`` fits (cli/nlp_cmds.py: default embedder MiniLM);
    with ``profiles``, the codebook's cold start mixed in as a project's model has it."""
    from qualtally.nlp.embed import MODEL_NAME
    from qualtally.nlp.suggester import Suggester

    return Suggester.train(items, profiles, embedder=MODEL_NAME)


def names_only_codebook(items: list[Item]) -> list:
    """The cold-start profiles of a codebook of code names only (no keywords, definitions):
    what the project's codebook of the NHS codes gives (``training.codebook``)."""
    from qualtally.core.models import Code
    from qualtally.nlp.coldstart import profiles_from_codes

    return profiles_from_codes([Code(c) for c in sorted({c for it in items for c in it.codes})])


def in_file_order(items: list[Item], idx: Sequence[int]) -> list[Item]:
    """The chosen answers in file order, the order a project's training data comes in
    (``training.training_data`` reads its excerpts in order), whatever order they were coded
    in. ``Suggester.train``'s model depends on the order of its rows (on why.csv, the same
    50 or 200 answers in random, file or reversed order: held-out micro-F1 apart by up to
    0.02), which would otherwise blur the comparison of visiting orders."""
    return [items[i] for i in sorted(idx)]


def _by_question(items: list[Item], idx: Sequence[int]) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = {}
    for i in idx:
        groups.setdefault(items[i].question or "", []).append(i)
    return groups


def suggested(suggester, items: list[Item], idx: Sequence[int]) -> list[set[str]]:
    """The codes the suggester marks ``suggested`` for each answer (as ``suggest`` prints)."""
    out: dict[int, set[str]] = {}
    for q, group in _by_question(items, idx).items():
        found = suggester.suggest_many([items[i].text for i in group], q, limit=10_000,
                                       explain=False)
        for i, (sugg, _) in zip(group, found):
            out[i] = {s.code_path for s in sugg if s.suggested}
    return [out[i] for i in idx]


def rank(suggester, items: list[Item], pool: Sequence[int]) -> list[int]:
    """``pool`` (in file order) least sure first, scored as ``Project.uncertainty_order``
    scores excerpts (``Suggester.score`` and ``thresholds``, ``nlp.uncertainty``)."""
    margin: dict[int, float] = {}
    for q, group in _by_question(items, pool).items():
        codes, S, _, _, _ = suggester.score([items[i].text for i in group], q)
        margin.update(zip(group, margins(S, suggester.thresholds(q, codes))))
    return least_sure_first(list(pool), margin)


def held_f1(suggester, items: list[Item], held: Sequence[int]) -> float:
    """Micro-F1 of the suggested codes on the held-out answers."""
    return micro_f1([items[i].codes for i in held], suggested(suggester, items, held))


# -- 1. learning curve --------------------------------------------------------------------------
def curve(items: list[Item], sp: Split, budgets: Sequence[int], train=train_suggester,
          progress: Progress | None = None, profiles=None) -> dict[str, dict[int, float]]:
    """{"suggester": {B: F1}, "reference": {B: F1}} on ``sp.held`` after the first B answers;
    with ``profiles`` also ``suggester_codebook``: the same fit with that codebook's cold start
    (isolates what the codebook mixing does from the rest of the project's path)."""
    out: dict[str, dict[int, float]] = {"suggester": {}, "reference": {}}
    if profiles is not None:
        out["suggester_codebook"] = {}
    texts = [it.text for it in items]
    for k, b in enumerate(budgets):
        chosen = in_file_order(items, sp.order[:b])
        model = train(chosen)
        out["suggester"][b] = held_f1(model, items, sp.held)
        if profiles is not None:
            out["suggester_codebook"][b] = held_f1(train(chosen, profiles), items, sp.held)
        ref = CharTfidfLR().fit([it.text for it in chosen], [it.codes for it in chosen])
        P = ref.predict([texts[i] for i in sp.held])
        pred = [{str(c) for c, on in zip(ref.classes_, row) if on} for row in P]
        out["reference"][b] = micro_f1([items[i].codes for i in sp.held], pred)
        if progress:
            progress(k + 1, len(budgets))
    return out


# -- 2. visiting order: a simulated coder -------------------------------------------------------
def visit(items: list[Item], sp: Split, budgets: Sequence[int], order: str, retrain_every: int,
          train=train_suggester, start: int = START) -> dict:
    """Micro-F1 on the held-out answers at each budget above ``start`` for one visiting order.

    The coder has coded ``sp.order[:start]``; then takes the next answers of the pool (the
    answers neither coded nor held out) in file order (``document``) or least sure first.
    The model retrains once ``retrain_every`` codings (codes applied) have been added since
    the last training, as ``Project.maybe_retrain`` counts, and ``least_sure_first``
    re-ranks the rest after each retraining; ``least_sure_ranked_once`` keeps the first
    ranking (its retrainings would change nothing it visits, so they are not run).
    At a budget the model is retrained on exactly the coded answers, if it was not just now.
    Returns ``{"f1": {B: F1}, "visited": [item indices after the start], "retrains": n}``.
    """
    if order not in ORDERS:
        raise ValueError(order)
    coded = list(sp.order[:start])
    pool = sorted(sp.order[start:])  # file order: the "document"
    targets = [b for b in sorted(budgets) if start < b <= start + len(pool)]
    model, retrains, since = None, 0, 0
    queue = list(pool)
    if order != "document":
        model, retrains = train(in_file_order(items, coded)), 1
        queue = rank(model, items, pool)
    f1: dict[int, float] = {}
    while targets:
        i = queue.pop(0)
        coded.append(i)
        fresh = False
        since += len(items[i].codes)
        if order == "least_sure_first" and since >= retrain_every:
            model, since, fresh = train(in_file_order(items, coded)), 0, True
            retrains += 1
            queue = rank(model, items, sorted(queue))  # the rest, ties in file order
        if len(coded) == targets[0]:
            targets.pop(0)
            m = model if fresh else train(in_file_order(items, coded))
            f1[len(coded)] = held_f1(m, items, sp.held)
    return {"f1": f1, "visited": coded[start:], "retrains": retrains}


# -- 3. blind mode, through the Project as the app runs it --------------------------------------
class BlindProject:
    """A temporary project holding one NHS file (its staff codings too), in blind mode."""

    def __init__(self, csv_path: Path, items: list[Item], folder: Path) -> None:
        from qualtally.project import Project

        self.project = Project.new(folder / "nhs.qtally")
        self.project.import_paths([csv_path], actor="benchmark")
        self.project.set_blind(True, "benchmark")
        self.code_id = {c.path: c.id for c in self.project.codes()}
        # load_coded merges the rows of one (document, text, question); the NHS files name no
        # document, so their answers of the same text are one item, coded on its first excerpt
        doc = {d.id: d.name for d in self.project.documents()}
        first: dict[tuple[str, str, str], int] = {}
        for e in self.project.excerpts():
            key = (e.text.strip(), e.question or "")
            first.setdefault(("", *key), e.id)
            first.setdefault((doc[e.document_id], *key), e.id)
        self.excerpt = [first[(it.document, it.text, it.question or "")] for it in items]
        self.items = items

    def close(self) -> None:
        self.project.close()

    def run(self, coder: str, sp: Split, budgets: Sequence[int],
            progress: Progress | None = None) -> dict:
        p = self.project
        p.load_suggester(coder=coder)  # as the coding screen opens: nothing coded, cold start
        f1, sizes, done = {}, {}, 0
        for k, b in enumerate(budgets):
            for i in sp.order[done:b]:
                for path in self.items[i].codes:
                    p.apply_code(self.excerpt[i], self.code_id[path], coder)
            done = b
            if not p.maybe_retrain(coder, refresh=False):  # the app's retraining thread
                raise RuntimeError(f"{coder}: no retraining after {b} answers")
            p.refresh_suggestion_cache()
            sizes[b] = p.suggest_state.meta.get("training_size")
            pred = [{s.code_path for s in p.suggestions(self.excerpt[i], coder, SCREEN_LIMIT)
                     if s.suggested} for i in sp.held]
            f1[b] = micro_f1([self.items[i].codes for i in sp.held], pred)
            if progress:
                progress(k + 1, len(budgets))
        return {"f1": f1, "training_size": sizes}


# -- running and reporting ----------------------------------------------------------------------
def summary(per_seed: list[dict[int, float]]) -> dict[str, dict]:
    """{budget: {"mean", "per_seed"}} over the orders."""
    budgets = sorted({b for d in per_seed for b in d})
    return {str(b): {"mean": round(float(np.mean([d[b] for d in per_seed])), 4),
                     "per_seed": [d[b] for d in per_seed]} for b in budgets}


def run_file(name: str, path: Path, a, progress_factory) -> dict:
    from qualtally.nlp import embed
    from qualtally.project.suggestions import RETRAIN_EVERY

    t0 = time.perf_counter()
    items = load_coded(path)
    with open(path, encoding="utf-8", newline="") as fh:
        n_rows = sum(1 for _ in csv.DictReader(fh))
    splits = [split(len(items), a.holdout, max(a.budgets), seed) for seed in range(a.orders)]
    res: dict = {"csv": str(path), "rows": n_rows, "answers": len(items),
                 "codes": len({c for it in items for c in it.codes}),
                 "holdout": len(splits[0].held), "holdout_asked": a.holdout,
                 "budgets": list(a.budgets),
                 "seeds": list(range(a.orders)), "seconds": {}}
    t = time.perf_counter()
    embed.embed([it.text for it in items], embedder=embed.MODEL_NAME)  # once, cached by text
    res["seconds"]["embed"] = round(time.perf_counter() - t, 1)
    if "curve" in a.parts:
        t = time.perf_counter()
        runs = []
        for seed, sp in enumerate(splits):
            with progress_factory(f"{name} learning curve, order {seed}") as step:
                s0 = time.perf_counter()
                runs.append((curve(items, sp, a.budgets, progress=step,
                                   profiles=names_only_codebook(items)),
                             round(time.perf_counter() - s0, 1)))
        res["learning_curve"] = {kind: summary([r[kind] for r, _ in runs])
                                 for kind in ("suggester", "suggester_codebook", "reference")}
        res["learning_curve"]["seconds_per_seed"] = [s for _, s in runs]
        res["seconds"]["learning_curve"] = round(time.perf_counter() - t, 1)
    if "order" in a.parts:
        t = time.perf_counter()
        every = a.retrain_every or RETRAIN_EVERY
        got: dict[str, list] = {o: [] for o in ORDERS}
        for seed, sp in enumerate(splits):
            with progress_factory(f"{name} visiting orders, order {seed}") as step:
                for k, o in enumerate(ORDERS):
                    s0 = time.perf_counter()
                    r = visit(items, sp, a.budgets, o, every)
                    got[o].append((r, round(time.perf_counter() - s0, 1)))
                    step(k + 1, len(ORDERS))
        co: dict = {"start": START, "retrain_every_codings": every,
                    "app_retrain_every": RETRAIN_EVERY}
        for o in ORDERS:
            co[o] = summary([r["f1"] for r, _ in got[o]])
            co[o]["retrains_per_seed"] = [r["retrains"] for r, _ in got[o]]
            co[o]["seconds_per_seed"] = [s for _, s in got[o]]
        diffs = [{b: r["f1"][b] - d["f1"][b] for b in r["f1"]}
                 for (r, _), (d, _) in zip(got["least_sure_first"], got["document"])]
        co["difference_least_sure_minus_document"] = summary(diffs)
        co["codings_per_answer_visited"] = {
            o: round(float(np.mean([len(items[i].codes) for r, _ in got[o]
                                    for i in r["visited"]])), 3) for o in ORDERS}
        res["coding_order"] = co
        res["seconds"]["coding_order"] = round(time.perf_counter() - t, 1)
    if "blind" in a.parts:
        t = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="qt-curves-") as tmp:
            bp = BlindProject(path, items, Path(tmp))
            try:
                runs = []
                for seed, sp in enumerate(splits):
                    with progress_factory(f"{name} blind project, order {seed}") as step:
                        s0 = time.perf_counter()
                        runs.append((bp.run(f"sim-{seed}", sp, a.budgets, progress=step),
                                     round(time.perf_counter() - s0, 1)))
            finally:
                bp.close()
        res["blind"] = summary([r["f1"] for r, _ in runs])
        res["blind"]["training_size_per_seed"] = [r["training_size"] for r, _ in runs]
        res["blind"]["seconds_per_seed"] = [s for _, s in runs]
        res["blind"]["path"] = (
            "Project.import_paths(csv) (staff codings too), set_blind(True); per seed a new "
            "coder: load_suggester(coder), apply_code per code of each budget answer (on the "
            "answer's first excerpt), maybe_retrain(coder, refresh=False) + "
            "refresh_suggestion_cache(), suggestions(excerpt, coder, limit=9) -> suggested")
        res["seconds"]["blind"] = round(time.perf_counter() - t, 1)
    res["seconds"]["total"] = round(time.perf_counter() - t0, 1)
    return res


def table(name: str, r: dict) -> str:
    """One markdown table per file: mean micro-F1 over the orders at each budget."""
    cols = [("suggester", ("learning_curve", "suggester")),
            ("reference", ("learning_curve", "reference")),
            ("suggester + codebook", ("learning_curve", "suggester_codebook")),
            ("blind (project)", ("blind",)),
            ("document order", ("coding_order", "document")),
            ("least sure first", ("coding_order", "least_sure_first")),
            ("LSF - doc", ("coding_order", "difference_least_sure_minus_document")),
            ("LSF ranked once", ("coding_order", "least_sure_ranked_once"))]

    def get(keys, b):
        d = r
        for k in keys:
            d = d.get(k, {})
        v = d.get(str(b), {}).get("mean")
        return "" if v is None else (f"{v:+.3f}" if "LSF -" in keys[-1] or "difference" in
                                     keys[-1] else f"{v:.3f}")

    shown = [(c, k) for c, k in cols if (r.get(k[0]) or {})]
    held = str(r["holdout"])
    if r["holdout"] < r.get("holdout_asked", r["holdout"]):
        held += f" (all that remains after {max(r['budgets'])})"
    every = (r.get("coding_order") or {}).get("retrain_every_codings")
    head = (f"**{name}**: {r['answers']} answers ({r['rows']} rows), {r['codes']} codes, "
            f"held out {held}, {len(r['seeds'])} order(s)"
            + (f", retraining every {every} codings" if every else "")
            + f", {r['seconds']['total']} s")
    lines = [head, "", "| budget | " + " | ".join(c for c, _ in shown) + " |",
             "|---:|" + "---:|" * len(shown)]
    for b in r["budgets"]:
        lines.append(f"| {b} | " + " | ".join(get(k, b) for _, k in shown) + " |")
    return "\n".join(lines)


def _commit() -> str:
    try:
        return subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def parse(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA, help=f"NHS folder (default {DATA})")
    ap.add_argument("--files", default=",".join(FILES), help="comma-separated, of " +
                    ", ".join(FILES))
    ap.add_argument("--orders", type=int, default=3, help="random orders (seeds 0..n-1)")
    ap.add_argument("--budgets", default=",".join(map(str, BUDGETS)))
    ap.add_argument("--holdout", type=int, default=600)
    ap.add_argument("--parts", default="curve,order,blind")
    ap.add_argument("--retrain-every", type=int, default=0,
                    help="codings between retrainings (default: the app's RETRAIN_EVERY)")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--cache", default="", help="embedding cache file (.npz) kept between runs")
    ap.add_argument("--no-progress", action="store_true")
    ap.add_argument("--quick", action="store_true", help="smoke run: 1 order, why.csv only")
    ap.add_argument("--merge", action="store_true",
                    help="keep the other files and parts of an existing --out (each part "
                    "records the command, date and commit of its run)")
    a = ap.parse_args(argv)
    if a.quick:
        a.orders, a.files = 1, "why"
    a.files = [f.strip().removesuffix(".csv") for f in a.files.split(",") if f.strip()]
    a.budgets = sorted({int(b) for b in a.budgets.split(",")})
    a.parts = {p.strip() for p in a.parts.split(",")}
    unknown = [f for f in a.files if f not in FILES]
    if unknown or not a.parts <= set(PARTS):
        ap.error(f"unknown file(s) or part(s): {unknown or sorted(a.parts)}")
    return a


def main(argv=None) -> dict:
    from contextlib import contextmanager

    from variants import load_cache, save_cache

    from qualtally.cli.progress import cli_progress

    a = parse(argv)
    if not a.data.is_dir():
        raise SystemExit(f"no NHS data at {a.data}: give --data DIR (the folder of why.csv ...; "
                         "see its SOURCE.md)")
    missing = [f for f in a.files if not (a.data / f"{f}.csv").is_file()]
    if missing:
        raise SystemExit(f"{a.data} has no {', '.join(f + '.csv' for f in missing)}")

    if a.merge and a.out.is_file():  # parts measured under other settings would not compare
        before = json.loads(a.out.read_text(encoding="utf-8")).get("files", {})
        for name in a.files:
            old = before.get(name)
            if old and (old.get("holdout_asked"), old.get("seeds"), old.get("budgets")) != (
                    a.holdout, list(range(a.orders)), a.budgets):
                raise SystemExit(f"--merge: {a.out}'s {name} was measured with other "
                                 "--holdout, --orders or --budgets")
    with cli_progress(not a.no_progress) as bar:
        @contextmanager
        def progress_factory(label: str):
            yield lambda done, total: bar(label, done, total)

        load_cache(a.cache)
        t0 = time.perf_counter()
        run = {"command": "python benchmarks/nlp/learning_curves.py " + " ".join(
                   argv if argv is not None else sys.argv[1:]),
               "date": time.strftime("%Y-%m-%d %H:%M"), "commit": _commit(),
               "cpus": os.cpu_count(), "load_average_before": list(os.getloadavg())}
        done = {}
        for name in a.files:
            done[name] = run_file(name, a.data / f"{name}.csv", a, progress_factory)
            save_cache(a.cache)
        run["load_average_after"] = list(os.getloadavg())
        run["total_seconds"] = round(time.perf_counter() - t0, 1)
    out = {"files": {}}
    if a.merge and a.out.is_file():
        out = json.loads(a.out.read_text(encoding="utf-8"))
    for name, r in done.items():
        for part in PARTS.values():
            if part in r:
                r[part]["run"] = run
        kept = out["files"].get(name, {}) if a.merge else {}
        old = kept.pop("run", None)  # an earlier format: one run for the whole file
        for part in PARTS.values():
            if old and part in kept:
                kept[part].setdefault("run", old)
        out["files"][name] = {**kept, **r, "seconds": {**kept.get("seconds", {}),
                                                       **r["seconds"]}}
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    for name in done:
        print(table(name, out["files"][name]) + "\n")
    print(f"total {run['total_seconds']} s (load average {run['load_average_before'][0]:.1f} "
          f"before, {run['load_average_after'][0]:.1f} after); JSON: {a.out}")
    return out


if __name__ == "__main__":
    main()
