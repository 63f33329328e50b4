"""Train a suggester from files and save it with its card: what ``qualtally train`` runs.

The demo's shipped model (``models/iom-demo``) is rebuilt with this, so the command, the
card's metrics and the saved model always come from one run. A codebook file, when given,
adds cold-start profiles (keywords, definitions, examples) and fixes the codebook hash a
project must match before it may use the model.
"""

from __future__ import annotations

from pathlib import Path

from qualtally.core.models import Code, split_path
from qualtally.nlp.coldstart import profiles_from_codes
from qualtally.nlp.dataset import load_coded
from qualtally.nlp.persist import codebook_hash, save_model
from qualtally.nlp.suggester import Suggester


def read_codebook(path: str | Path) -> list[Code]:
    """Codes from a codebook YAML (``codes:`` nested with ``children:``)."""
    try:  # the importer's reader, when this copy has it
        from qualtally.importers.codebook import read_codebook_yaml

        return read_codebook_yaml(Path(path), Path(path).name)
    except ImportError:
        pass
    import yaml

    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    out: list[Code] = []

    def walk(nodes, parent):
        for n in nodes or []:
            code = Code(str(n["name"]).strip(), parent, str(n.get("definition") or "").strip(),
                        str(n.get("include") or "").strip(), str(n.get("exclude") or "").strip(),
                        tuple(str(k) for k in n.get("keywords") or ()),
                        tuple(str(e) for e in n.get("examples") or ()))
            out.append(code)
            walk(n.get("children"), code.path)

    walk(data.get("codes"), None)
    return out


def codes_with_paths(codes: list[Code], extra_paths) -> list[Code]:
    """The codebook plus any code path the data uses that the codebook lacks."""
    have = {c.path for c in codes}
    out = list(codes)
    for path in sorted(extra_paths):
        levels = split_path(path)
        for i in range(1, len(levels) + 1):
            p = " > ".join(levels[:i])
            if p not in have:
                have.add(p)
                out.append(Code(levels[i - 1], " > ".join(levels[: i - 1]) or None))
    return out


def train_to_folder(coded: str | Path, out: str | Path, *, codebook: str | Path | None = None,
                    by: str | None = None, coder: str | None = None, seed: int = 0,
                    evaluate_model: bool = True, embedder: str = "minilm-l6-v2") -> dict:
    items = load_coded(coded, coder=coder)
    used = {c for it in items for c in it.codes}
    codes = codes_with_paths(read_codebook(codebook) if codebook else [], used)
    profiles = profiles_from_codes(codes) if codebook else []
    by_question = None if by is None else by == "question"
    suggester = Suggester.train(items, profiles, by_question=by_question, seed=seed,
                                embedder=embedder)
    metrics = {}
    if evaluate_model:
        from qualtally.nlp.evaluate import evaluate

        per_q = len(suggester.models) > 1 or (by_question is True)
        from qualtally.nlp.model import CodeSuggester

        metrics = evaluate(
            items,
            by="question" if per_q else None,
            seed=seed,
            profiles=profiles or None,
            make_model=lambda: CodeSuggester(random_state=seed, embedder=embedder),
        )
    cb_hash = codebook_hash([c.path for c in codes], profiles)
    extra = {"trained_on": Path(coded).name,
             "command": _command(coded, out, codebook, by, coder, seed, embedder)}
    save_model(suggester, out, codebook=cb_hash, training_size=len(items), metrics=metrics,
               extra=extra)
    from qualtally.nlp.persist import read_meta

    return read_meta(out)


def _command(coded, out, codebook, by, coder, seed, embedder="minilm-l6-v2") -> str:
    parts = ["qualtally", "train", str(coded), "--out", str(out)]
    if codebook:
        parts += ["--codebook", str(codebook)]
    if by:
        parts += ["--by", by]
    if coder:
        parts += ["--coder", coder]
    if seed:
        parts += ["--seed", str(seed)]
    if embedder != "minilm-l6-v2":
        parts += ["--embedder", "static"]
    return " ".join(parts)
