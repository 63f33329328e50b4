"""Write models/iom-demo/suggestions.json.gz: out-of-fold suggestions for the demo corpus.

A fresh ``qualtally demo`` copies these entries into its suggestion cache when it builds
the project (``qualtally.demo.seed_suggestions``), so the very first open shows
suggestions before scikit-learn, spaCy and the model have loaded.

Each transcript's entries come from a model that never saw that transcript's coding: a
model trained exactly as the shipped one (``qualtally train coded.csv --codebook
codebook.yaml --by none``, the command in ``models/iom-demo/meta.json``) on ``coded.csv``
without the rows of that document (leave one document out; a follow-up interview is its
own document, so the same respondent's other interview may be in the training data, as it
would be for a user's next transcript). What a newcomer sees on opening the demo is then
what the engine suggests for a transcript it has not been trained on, not the shipped
model's answers for its own training data (which are nearly all right).

The entries are stored under the shipped model's cache key, so the loader treats them as
current and keeps them: its refresh recomputes only entries that are missing or were made
for another text. An excerpt whose text is new (a narrowed span) gets the shipped model's
suggestions, and that model saw the turn it was cut from. The file records, for each
entry, the document held out when it was made (``folds``), and how (``held_out``).

Run from the repository root (about 2-3 minutes on 2 cores: 24 trainings of ~5 s):

    .venv/bin/python models/build/make_demo_suggestions.py [--out PATH]

``tests/core/test_demo_command.py`` rebuilds one fold and compares it with the file.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

MODEL_DIR = ROOT / "models" / "iom-demo"
OUT = MODEL_DIR / "suggestions.json.gz"
HELD_OUT = "document"
# entries per excerpt, as the project's cache keeps (project/suggestion_cache.py: CACHE_DEPTH)
DEPTH = 16


def training_inputs(corpus: Path):
    """(items, profiles) exactly as ``qualtally train`` reads them for the shipped model."""
    from qualtally.nlp.coldstart import profiles_from_codes
    from qualtally.nlp.dataset import load_coded
    from qualtally.nlp.training import codes_with_paths, read_codebook

    items = load_coded(corpus / "coded.csv")
    used = {c for it in items for c in it.codes}
    codes = codes_with_paths(read_codebook(corpus / "codebook.yaml"), used)
    return items, profiles_from_codes(codes)


def build_project(folder: Path):
    """A demo project imported from the corpus, without seeding any suggestions."""
    from qualtally.demo import corpus_dir
    from qualtally.project import Project

    project = Project.new(folder / "demo.qtally")
    project.import_paths([corpus_dir()], actor="demo")
    project.exclude_from_training(project.coders(), actor="demo")  # as qualtally.demo does
    return project


def shipped_key(project, model_dir: Path = MODEL_DIR) -> str:
    """The cache key of the shipped model, which the demo project's loader will pick."""
    from qualtally.nlp import card
    from qualtally.nlp.coldstart import profiles_from_codes

    codes = project.codes()
    picked = card.pick_model(
        [model_dir], card.codebook_hash([c.path for c in codes], profiles_from_codes(codes))
    )
    if picked is None:
        raise SystemExit(f"{model_dir} does not fit the demo codebook: rebuild the model first")
    return picked[1]


def load_vectors(texts, model_dir: Path = MODEL_DIR) -> None:
    """The shipped sentence vectors of the corpus (the same ones the demo project reads)."""
    from qualtally.nlp import embed

    embed.load_cache(model_dir / "embeddings.npz", texts)


def fold_engine(items, profiles, document: str):
    """The shipped model's training, minus every coded row of ``document``."""
    from qualtally.nlp.suggester import Suggester

    return Suggester.train(
        [it for it in items if it.document != document], profiles, by_question=False, seed=0
    )


def fold_entries(engine, excerpts) -> dict[str, dict]:
    """text hash -> cache payload for ``excerpts``, as the project's cache refresh computes it."""
    from qualtally.storage import suggestion_cache as sc

    out: dict[str, dict] = {}
    by_question: dict[str, list] = {}
    for e in excerpts:
        by_question.setdefault(e.question or "", []).append(e)
    for question, group in by_question.items():
        found = engine.suggest_many([e.text for e in group], question, limit=DEPTH)
        for e, (f, margin) in zip(group, found):
            out[sc.text_hash(e.text, e.question)] = sc.payload(f, margin)
    return out


def write(path: Path, data: dict) -> None:
    """Gzipped JSON with no time or name in its header, so the same result is the same file."""
    path.write_bytes(gzip.compress(json.dumps(data, sort_keys=True).encode("utf-8"), mtime=0))


def read(path: Path) -> dict:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return json.load(f)


def build(out: Path, corpus: Path | None = None, progress=print) -> dict:
    from qualtally.demo import corpus_dir
    from qualtally.storage import suggestion_cache as sc

    corpus = corpus or corpus_dir()
    items, profiles = training_inputs(corpus)
    with tempfile.TemporaryDirectory() as tmp, build_project(Path(tmp)) as project:
        key = shipped_key(project)
        docs = {d.id: d.name for d in project.documents()}
        excerpts = project.excerpts()
        load_vectors([it.text for it in items] + [e.text for e in excerpts])
        entries: dict[str, dict] = {}
        folds: dict[str, str] = {}
        for n, (doc_id, name) in enumerate(sorted(docs.items(), key=lambda d: d[1]), start=1):
            t = time.perf_counter()
            mine = [e for e in excerpts if e.document_id == doc_id]
            for h, data in fold_entries(fold_engine(items, profiles, name), mine).items():
                if folds.get(h, name) != name:  # the same text and question in two documents
                    raise SystemExit(f"an excerpt of {name} has the text of one in {folds[h]}: "
                                     "one cache entry cannot be out of fold for both")
                entries[h], folds[h] = data, name
            progress(
                f"{n}/{len(docs)} {name}: {len(mine)} excerpts ({time.perf_counter() - t:.1f} s)"
            )
    data = {
        "v": sc.FORMAT,
        "model_key": key,
        "held_out": HELD_OUT,
        "entries": entries,
        "folds": folds,
    }
    write(out, data)
    return data


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    t = time.perf_counter()
    data = build(args.out)
    print(
        f"{len(data['entries'])} excerpts' out-of-fold suggestions "
        f"({len(set(data['folds'].values()))} documents held out one at a time) -> {args.out} "
        f"({args.out.stat().st_size:,} bytes, "
        f"{time.perf_counter() - t:.0f} s)"
    )


if __name__ == "__main__":
    main()
