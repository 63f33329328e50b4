"""Turning a file's bytes into the one text every offset is computed on.

Transcripts arrive from Word, Excel, transcription services and old Windows machines, so
we accept UTF-8 (with or without a BOM), UTF-16/UTF-32 with a BOM and, failing UTF-8,
CP1252. Line ends are normalised to LF *before* anything computes an offset, so that
``document.text[start:end]`` means the same thing in Python, SQLite and every export.
Binary data and empty files are refused with an :class:`InputError` naming the file.
Office files (.docx, .xlsx) are ZIP packages: :func:`check_zip` refuses a damaged one, one
with unsafe member paths, or one that would inflate beyond reason, before a parser sees it.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from qualtally.core.errors import InputError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# C0 controls other than tab, LF, VT, FF, CR, and DEL: never in a real transcript or CSV.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def read_bytes(path: Path, label: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as err:
        raise InputError(label, f"cannot read file ({err.strerror or err})") from None


def decode(data: bytes, label: str) -> str:
    """Decode ``data`` and normalise line ends; InputError if binary or empty."""
    text: str | None = None
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(encoding)
            except UnicodeDecodeError:
                raise InputError(label, "binary file, not text") from None
            break
    if text is None:
        if b"\x00" in data:
            raise InputError(label, "binary file, not text")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                raise InputError(label, "binary file, not text") from None
    if _CONTROL.search(text):
        raise InputError(label, "binary file, not text")
    text = normalise_newlines(text)
    if not text.strip():
        raise InputError(label, "empty file")
    return text


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_text(path: Path, label: str) -> str:
    return decode(read_bytes(path, label), label)


MAX_UNZIPPED = 512 * 1024 * 1024


def check_zip(data: bytes, label: str, kind: str) -> None:
    """InputError ``not a valid .docx (...)`` unless ``data`` is a sound, safe ZIP package."""
    import io
    import zipfile
    import zlib

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            for info in infos:
                name = info.filename.replace("\\", "/")
                if name.startswith("/") or ".." in name.split("/") or ":" in name.split("/")[0]:
                    raise InputError(
                        label, f"not a valid {kind} (unsafe member path {info.filename!r})"
                    )
            if sum(i.file_size for i in infos) > MAX_UNZIPPED:
                raise InputError(label, f"not a valid {kind} (it would unpack to more than 512 MB)")
            bad = zf.testzip()
            if bad is not None:
                raise InputError(label, f"not a valid {kind} (corrupt member {bad})")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError,
            NotImplementedError, zlib.error) as err:  # zlib.error: damaged deflate data
        raise InputError(label, f"not a valid {kind} ({err or type(err).__name__})") from None
