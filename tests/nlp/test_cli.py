import json

import pytest
from nlp_fixtures import make_rows, write_csv

from qualtally.cli import main


def test_suggest_train_input_json(tmp_path, capsys):
    rows = make_rows(60, seed=1, question="Q1") + make_rows(40, seed=2, question="Q2")
    coded = write_csv(tmp_path / "coded.csv", rows)
    texts = tmp_path / "texts.csv"
    texts.write_text(
        "id,text,question\na,the grant was not enough,Q1\nb,the trainers were knowledgeable,Q2\n"
    )
    assert main(["suggest", "--train", str(coded), "--input", str(texts), "--json"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [x["id"] for x in lines] == ["a", "b"]
    first = lines[0]["suggestions"]
    assert set(first[0]) == {"code", "score", "suggested"}
    assert first[0]["code"] == "Funding > Amount" and first[0]["suggested"] is True
    assert [s["score"] for s in first] == sorted((s["score"] for s in first), reverse=True)
    assert lines[1]["suggestions"][0]["code"] == "Training"


def test_evaluate_json_compares_model_and_keywords(coded_csv, capsys):
    assert main(["evaluate", str(coded_csv), "--json", "--folds", "3"]) == 0
    out = json.loads(capsys.readouterr().out)
    for key in ("micro_f1", "macro_f1", "precision_at_1", "recall_at_3"):
        assert set(out["summary"][key]) == {"model", "keyword"}
    assert out["model"]["micro_f1"] > out["keyword"]["micro_f1"]
    assert set(out["learning_curve"]) == {"25", "50", "100", "200"}
    assert out["learning_curve"]["25"] is not None and out["learning_curve"]["200"] is None
    assert "Training" in out["model"]["per_code"]


def test_evaluate_by_question(tmp_path, capsys):
    rows = make_rows(30, seed=1, question="Q1") + make_rows(30, seed=2, question="Q2")
    coded = write_csv(tmp_path / "coded.csv", rows)
    assert main(["evaluate", str(coded), "--by", "question", "--json", "--no-curve"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out["questions"]) == {"Q1", "Q2"} and out["summary"]["codebooks"] == 2


def test_train_writes_model_and_card(coded_csv, tmp_path, capsys):
    out = tmp_path / "model"
    assert main(["train", str(coded_csv), "--out", str(out), "--no-eval"]) == 0
    meta = json.loads((out / "meta.json").read_text())
    assert meta["training_size"] == 60 and (out / meta["model_file"]).is_file()
    texts = tmp_path / "t.csv"
    texts.write_text("id,text\n1,staff training was excellent\n")
    assert main(["suggest", "--model", str(out), "--input", str(texts), "--json"]) == 0
    line = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert line["suggestions"][0]["code"] == "Training"


def test_help_does_not_import_heavy_libraries():
    import subprocess
    import sys

    code = ("import sys; from qualtally.cli import build_parser; build_parser(); "
            "print(any(m in sys.modules for m in ('sklearn', 'spacy', 'skops')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_suggest_project_json(tmp_path, capsys):
    from qualtally.core.models import CodedRow, Document, ImportBundle, Turn
    from qualtally.project import Project

    rows = [CodedRow(r["respondent"], r["text"], tuple(r["codes"].split(";")), "ann", f"d{i}.txt")
            for i, r in enumerate(make_rows(40, seed=4))]
    text = "Trainers were knowledgeable and kind."
    doc = Document("new.txt", text, (Turn(0, len(text), "Respondent", "R9"),))
    path = tmp_path / "p.qtally"
    with Project.new(path) as p:
        p.store.import_bundle(ImportBundle("t", coded=rows, documents=[doc]), "ann")
    assert main(["suggest", str(path), "--json", "--limit", "2"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert len(lines) == 1 and lines[0]["suggestions"][0]["code"] == "Training"
    assert len(lines[0]["suggestions"]) == 2


def test_suggest_blank_text_gets_no_code_and_bad_texts_file_exits_2(tmp_path, capsys):
    coded = write_csv(tmp_path / "coded.csv", make_rows(60, seed=1, question="Q1"))
    texts = tmp_path / "texts.csv"
    texts.write_text('id,text,question\na,the grant was not enough,Q1\nb,"  ",Q1\n')
    assert main(["suggest", "--train", str(coded), "--input", str(texts), "--json"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [x["id"] for x in lines] == ["a", "b"]
    assert any(s["suggested"] for s in lines[0]["suggestions"]) and lines[1]["suggestions"] == []
    texts.write_text("ident,text\n1,the grant was not enough\n")
    assert main(["suggest", "--train", str(coded), "--input", str(texts), "--json"]) == 2
    out = capsys.readouterr()
    assert out.out == "" and "texts.csv" in out.err and "missing column(s): id" in out.err
    assert len(out.err.strip().splitlines()) == 1


def test_suggest_refuses_unlearnable_or_unreadable_input_in_one_line(tmp_path, capsys):
    coded = write_csv(tmp_path / "coded.csv", make_rows(30, seed=1, question="Q1"))
    texts = tmp_path / "texts.csv"
    texts.write_bytes(b"id,text\n1,caf\xe9 prices were too high\n")  # CP1252, as Excel writes
    uncoded = tmp_path / "uncoded.csv"
    uncoded.write_text("respondent,text,codes\nR1,hello,\nR2,bye,\n")
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"id,text\n1,\x00\x01\x02\n")
    assert main(["suggest", "--train", str(coded), "--input", str(texts), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["id"] == "1"
    for args, name, problem in (
        (["--train", str(uncoded), "--input", str(texts)], "uncoded.csv", "no row has a code"),
        (["--train", str(coded), "--input", str(binary)], "binary.csv", "binary file"),
        (["--model", str(tmp_path / "missing"), "--input", str(texts)], "missing", "meta.json"),
    ):
        assert main(["suggest", *args, "--json"]) == 2
        out = capsys.readouterr()
        assert out.out == "" and name in out.err and problem in out.err
        assert len(out.err.strip().splitlines()) == 1


def test_the_static_embedder_is_chosen_saved_and_used_again(coded_csv, tmp_path, capsys):
    """--embedder static trains on the distilled table, says so on the card, and the
    saved model embeds new text with it (never with MiniLM, whose vectors would not fit)."""
    from qualtally.nlp import embed
    from qualtally.nlp.static_embed import STATIC_NAME

    out = tmp_path / "model"
    assert (
        main(["train", str(coded_csv), "--out", str(out), "--no-eval", "--embedder", "static"]) == 0
    )
    meta = json.loads((out / "meta.json").read_text())
    assert set(meta["embedders"].values()) == {STATIC_NAME}
    assert meta["command"].endswith("--embedder static")
    texts = tmp_path / "t.csv"
    texts.write_text("id,text\n1,the trainers ran a fine staff training day\n")
    before = len(embed.cache_for(embed.MODEL_NAME))
    assert main(["suggest", "--model", str(out), "--input", str(texts), "--json"]) == 0
    line = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert line["suggestions"][0]["code"] == "Training"
    assert "the trainers ran a fine staff training day" in embed.cache_for(STATIC_NAME)
    assert len(embed.cache_for(embed.MODEL_NAME)) == before
    assert (
        main(
            [
                "evaluate",
                str(coded_csv),
                "--json",
                "--folds",
                "3",
                "--no-curve",
                "--embedder",
                "static",
            ]
        )
        == 0
    )
    ev = json.loads(capsys.readouterr().out)
    assert ev["model"]["micro_f1"] > ev["keyword"]["micro_f1"]


def test_a_static_model_is_refused_with_another_table_or_none(
    coded_csv, tmp_path, capsys, monkeypatch
):
    """A static model records its table's sha256; a rebuilt table (or none) makes it stale,
    refused in one line (exit 2), as is --embedder beside a saved model or a missing table."""
    from qualtally.nlp import static_embed
    from qualtally.nlp.persist import StaleModel, load_model

    out = tmp_path / "model"
    assert (
        main(["train", str(coded_csv), "--out", str(out), "--no-eval", "--embedder", "static"]) == 0
    )
    meta = json.loads((out / "meta.json").read_text())
    assert meta["embedding_tables"] == {static_embed.STATIC_NAME: static_embed.table_id()}
    assert len(static_embed.table_id()) == 64
    load_model(out)  # the installed table: fine
    texts = tmp_path / "t.csv"
    texts.write_text("id,text\n1,the trainers ran a fine staff training day\n")
    capsys.readouterr()

    def refused(args, *words):
        assert main(args) == 2
        got = capsys.readouterr()
        assert got.out == "" and len(got.err.strip().splitlines()) == 1
        assert all(w in got.err for w in words), got.err

    refused(
        ["suggest", "--model", str(out), "--input", str(texts), "--embedder", "static"],
        "--embedder",
        "--train",
    )
    meta["embedding_tables"][static_embed.STATIC_NAME] = "0" * 64
    (out / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(StaleModel, match="another"):
        load_model(out)
    from qualtally.nlp import card

    # the loader will not pick it either
    assert card.pick_model([out], meta["codebook_hash"]) is None
    refused(
        ["suggest", "--model", str(out), "--input", str(texts)],
        "model",
        "another",
        "embedding table",
    )
    monkeypatch.setattr(static_embed, "find_dir", lambda: None)
    monkeypatch.setattr(static_embed, "_TABLE_ID", [])
    with pytest.raises(StaleModel, match="not installed"):
        load_model(out)
    refused(
        [
            "train",
            str(coded_csv),
            "--out",
            str(tmp_path / "m2"),
            "--no-eval",
            "--embedder",
            "static",
        ],
        "--embedder",
        "not installed",
    )
    assert not (tmp_path / "m2").exists()


def test_a_table_without_a_card_is_identified_by_its_own_hash(tmp_path, monkeypatch):
    import hashlib

    from qualtally.nlp import static_embed

    (tmp_path / static_embed.TABLE_FILE).write_bytes(b"not really a table")
    (tmp_path / "vocab.txt").write_text("[PAD]\n")
    monkeypatch.setattr(static_embed, "find_dir", lambda: tmp_path)
    monkeypatch.setattr(static_embed, "_TABLE_ID", [])
    assert static_embed.table_id() == hashlib.sha256(b"not really a table").hexdigest()


def test_suggest_refuses_a_model_from_other_library_versions_in_one_line(coded_csv, tmp_path,
                                                                         capsys):
    out = tmp_path / "model"
    args = ["train", str(coded_csv), "--out", str(out), "--no-eval", "--embedder", "static"]
    assert main(args) == 0
    texts = tmp_path / "t.csv"
    texts.write_text("id,text\n1,the trainers ran a fine staff training day\n")
    assert main(["suggest", "--model", str(out), "--input", str(texts), "--json"]) == 0
    meta = json.loads((out / "meta.json").read_text())
    meta["versions"]["scikit-learn"] = "1.0.2"
    (out / "meta.json").write_text(json.dumps(meta))
    capsys.readouterr()
    assert main(["suggest", "--model", str(out), "--input", str(texts), "--json"]) == 2
    got = capsys.readouterr()
    assert got.out == "" and len(got.err.strip().splitlines()) == 1
    assert "scikit-learn 1.0.2 (running " in got.err and "retrain it" in got.err, got.err
