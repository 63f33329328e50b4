"""Every command with a PostgreSQL URL in place of a project file, against a real database
made and dropped for the module (``tests/qt_pg.py``; skipped with the reason without a
server). The commands run in an empty working folder, which must stay empty except for the
files a command was asked to write (a server project keeps its state on the server)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from qt_pg import fresh_database, server_url

from qualtally.cli import main

CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "iom-evaluation"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def server_project(tmp_path_factory):
    """A database holding the demo corpus, imported through the CLI."""
    with fresh_database() as url:
        work = tmp_path_factory.mktemp("cwd")
        old = os.getcwd()
        os.chdir(work)
        try:
            assert main(["new", url]) == 0
            assert main(["import", url, str(CORPUS), "--no-suggestions", "--quiet"]) == 0
            yield url, work
        finally:
            os.chdir(old)


@pytest.fixture
def in_work(server_project, monkeypatch):
    url, work = server_project
    monkeypatch.chdir(work)
    return url, work


def test_info_tally_audit_scale_icr_blind_on_a_server(in_work, capsys):
    url, work = in_work
    code, out, _ = run(capsys, "info", url, "--json")
    info = json.loads(out)
    assert code == 0 and info["documents"] == 24 and info["coder_names"] == ["coder-a", "coder-b"]
    code, out, _ = run(capsys, "tally", url, "--coder", "coder-a", "--json")
    assert code == 0 and json.loads(out)
    code, out, _ = run(capsys, "audit", url, "--coder", "coder-a", "--json")
    assert code == 0
    audit = json.loads(out)
    assert audit["respondents_total"] == 24 and audit["mismatches"] == 2
    assert {"claimed": "all", "actual": "most"}.items() <= audit["claims"][0].items()
    code, out, _ = run(capsys, "scale", url)
    assert code == 0 and "some" in out
    code, out, _ = run(capsys, "icr", url, "--json")
    assert code == 0 and "codes" in json.loads(out)
    code, out, _ = run(capsys, "blind", url)
    assert code == 0 and "blind mode is off" in out
    assert sorted(os.listdir(work)) == []


@pytest.mark.parametrize("suffix", ["csv", "xlsx", "html", "qdpx", "qdc"])
def test_every_export_format_from_a_server(in_work, capsys, suffix):
    url, work = in_work
    code, out, err = run(capsys, "export", url, f"out.{suffix}", "--quiet")
    assert code == 0, err
    written = work / f"out.{suffix}"
    assert written.stat().st_size > 1000
    if suffix == "html":  # the report names the database, not a path's name of a URL
        assert "qt_" in written.read_text(encoding="utf-8")
    written.unlink()
    assert os.listdir(work) == []


def test_suggest_on_a_server_writes_nothing_here(in_work, capsys):
    url, work = in_work
    code, out, err = run(capsys, "suggest", url, "--json")
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows and all(r["suggestions"] for r in rows)
    assert os.listdir(work) == []
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as conn:  # the excerpts' sentence embeddings are on the server
        saved = conn.exec_driver_sql("SELECT folder, name FROM model_files").all()
    engine.dispose()
    assert ("", "embeddings.npz") in saved


def test_merge_from_and_into_a_server(in_work, capsys, tmp_path):
    url, work = in_work
    copy = tmp_path / "mine.qtally"
    assert run(capsys, "new", copy)[0] == 0
    code, out, err = run(capsys, "merge", copy, url, "--json")
    assert code == 0, err
    assert run(capsys, "info", copy, "--json")[1] == run(capsys, "info", url, "--json")[1]
    code, out, err = run(capsys, "merge", url, copy, "--json")  # nothing new: writes nothing
    assert code == 0, err
    assert os.listdir(work) == []


def test_backups_of_a_server_project_are_the_servers(in_work, capsys):
    url, _ = in_work
    code, out, _ = run(capsys, "backups", url)
    assert code == 0 and "administrator" in out and len(out.strip().splitlines()) == 1
    code, _, err = run(capsys, "restore", url)
    assert code == 2 and "server" in err


def test_new_refuses_a_database_that_holds_a_project(in_work, capsys):
    url, _ = in_work
    code, _, err = run(capsys, "new", url)
    assert code == 2 and "already holds a qualtally project" in err


def _one_line(capsys, *argv) -> str:
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1, err
    return err


def test_unreachable_server_refused_login_or_missing_database_is_one_line(capsys):
    from qt_pg import require_server

    require_server()
    import sqlalchemy as sa

    base = sa.engine.make_url(server_url())
    port = base.port or 5432
    err = _one_line(capsys, "info", base.set(port=1).render_as_string(False))
    assert f"{base.host}:1" in err and "refused" in err.lower()
    err = _one_line(capsys, "new", base.set(username="qt_nobody_here").render_as_string(False))
    assert f"{base.host}:{port}" in err and 'role "qt_nobody_here" does not exist' in err
    err = _one_line(capsys, "tally", base.set(database="qt_no_such_db").render_as_string(False))
    assert 'database "qt_no_such_db" does not exist' in err
    err = _one_line(capsys, "info", base.render_as_string(False))  # the server's own database
    assert "no qualtally project in this database" in err
    secret = base.set(password="s3cret-word", port=1).render_as_string(False)
    assert "s3cret-word" not in _one_line(capsys, "info", secret)


def test_missing_driver_names_the_postgres_extra(tmp_path):
    blocked = ("import sys; sys.modules['psycopg'] = None; from qualtally.cli import main; "
               "raise SystemExit(main(sys.argv[1:]))")
    res = subprocess.run([sys.executable, "-c", blocked, "info",
                          "postgresql+psycopg://someone@127.0.0.1:5432/x"],
                         capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert res.returncode == 2 and res.stdout == ""
    assert res.stderr.count("\n") == 1 and "qualtally[postgres]" in res.stderr, res.stderr


def test_evaluate_a_server_projects_codings(in_work, capsys):
    url, work = in_work
    code, out, err = run(capsys, "evaluate", url, "--coder", "coder-a", "--folds", "2",
                         "--no-curve", "--embedder", "static", "--json")
    assert code == 0, err
    summary = json.loads(out)["summary"]
    assert 0 < summary["micro_f1"]["model"] <= 1 and summary["micro_f1"]["keyword"] >= 0
    assert os.listdir(work) == []


def test_on_a_server_the_coder_is_the_role_connecting():
    from qualtally.project.team import server_user

    assert server_user("postgresql+psycopg://ana@db.example.org:5432/eval") == "ana"
    assert server_user("project.qtally") is None
