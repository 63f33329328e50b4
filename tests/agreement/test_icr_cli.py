"""``qualtally icr``: the documented JSON shape, the coders and units asked for, the table,
and bad requests as one line with exit code 2."""

from __future__ import annotations

import pytest

from qualtally.cli import main

from .conftest import icr, pair_project


@pytest.fixture
def path(tmp_path):
    return pair_project(tmp_path / "pair.qtally")


def test_the_json_has_exactly_the_documented_shape(path, capsys):
    report = icr(capsys, path)
    assert set(report) == {"coders", "unit", "codes", "groups", "findings"}
    assert report["coders"] == ["a", "b"] and report["unit"] == "excerpt"
    for c in report["codes"]:
        assert set(c) == {"path", "n_units", "percent_agreement", "kappa", "alpha", "table"}
    for g in report["groups"]:
        assert set(g) == {"path", "n_units", "alpha_nominal"}
    for f in report["findings"]:
        assert set(f) == {"key", "by_coder", "stable"}
        assert all(set(v) == {"n", "N", "label"} for v in f["by_coder"].values())
    f1 = next(f for f in report["findings"] if f["key"] == "F1")
    assert f1 == {"key": "F1", "by_coder": {"a": {"n": 2, "N": 3, "label": "most"},
                                            "b": {"n": 3, "N": 3, "label": "all"}},
                  "stable": False}
    assert all("ac1" in c for c in icr(capsys, path, "--ac1")["codes"])


def test_units_and_coders(path, capsys):
    for unit in ("excerpt", "respondent", "character"):
        assert icr(capsys, path, "--unit", unit)["unit"] == unit
    assert icr(capsys, path, "--coders", "b,a")["coders"] == ["b", "a"]


def test_the_readable_table(path, capsys):
    assert main(["icr", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Agreement of a, b · unit: excerpt" in out
    assert "Concerns" in out and "unreliable" in out
    assert "F1    claimed all       a: 2/3 most  b: 3/3 all  DIFFERS" in out
    assert "alpha >= 0.800 reliable; >= 0.667 tentative" in out


@pytest.mark.parametrize("args, problem", [
    (["--coders", "a,zed"], "zed: no such coder"),
    (["--coders", "a"], "agreement needs at least two coders"),
])
def test_bad_requests_are_one_line(path, capsys, args, problem):
    assert main(["icr", str(path), *args]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and problem in err
