"""Exported files get the user's usual permissions (the umask), not the 0600 of a temporary
file renamed into place (issue 19): every format, under two umasks."""

from __future__ import annotations

import os
import stat

import pytest

FORMATS = ("coded.csv", "report.xlsx", "report.html", "project.qdpx", "codebook.qdc")


@pytest.mark.parametrize("umask", [0o022, 0o002])
def test_every_export_has_the_umask_mode(small, tmp_path, umask):
    old = os.umask(umask)
    try:
        modes = {name: stat.S_IMODE(small.export(tmp_path / name).stat().st_mode)
                 for name in FORMATS}
    finally:
        os.umask(old)
    assert modes == dict.fromkeys(FORMATS, 0o666 & ~umask)
    assert not list(tmp_path.glob(".qualtally-*"))
