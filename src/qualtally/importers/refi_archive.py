"""Opening REFI-QDA files safely: the .qdpx ZIP, its members, and the XML inside.

A .qdpx comes from someone else's machine, so nothing in it is trusted:

* **XML** is parsed with defusedxml, a DTD refused outright (so no external entity and no
  entity expansion: "billion laughs" is refused before it grows), after a UTF-8 or UTF-16
  byte-order mark and leading blank space are dropped. Namespaces are ignored (element
  names are compared without them), so files that omit or vary the namespace are read.
* **ZIP members** with an absolute path (``/x``, ``C:x``, ``\\\\x``) or a ``..`` component
  refuse the whole file, even members the import would not read.
* **Sizes** are capped from the ZIP's directory before anything is inflated: at most
  ``MAX_MEMBERS`` members, ``MAX_DECLARED`` bytes in all (overlapping-entry bombs declare
  far more), ``MAX_QDE`` for the XML, ``MAX_TEXT`` per plain text, and a member that
  claims to inflate more than ``MAX_RATIO`` times its compressed size beyond 1 MiB is
  refused as a zip bomb. Reading is streamed and stops at the cap, so a member whose
  directory entry lies is refused too, and at most ``MAX_READ`` bytes are inflated per file.

Every refusal is an :class:`InputError` naming the file and the problem, raised before
anything is written.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from xml.etree.ElementTree import Element

from qualtally.core.errors import InputError

MiB = 1024 * 1024
MAX_MEMBERS = 100_000
MAX_DECLARED = 4096 * MiB
MAX_QDE = 256 * MiB
MAX_TEXT = 128 * MiB
MAX_READ = 512 * MiB
MAX_RATIO = 200
_DRIVE = re.compile(r"^[A-Za-z]:")


def unsafe_member(name: str) -> bool:
    """An absolute path, a drive, a ``..`` component or a NUL: never a real source."""
    norm = name.replace("\\", "/")
    return (norm.startswith("/") or bool(_DRIVE.match(norm)) or "\x00" in norm
            or ".." in norm.split("/"))


class Archive:
    """A .qdpx opened for reading; members are looked up case-insensitively."""

    def __init__(self, path: Path, label: str) -> None:
        self.path, self.label = Path(path), label
        self.read_total = 0
        try:
            self.zf = zipfile.ZipFile(self.path)
            infos = self.zf.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as err:
            raise InputError(label, f"not a valid .qdpx (not a ZIP archive: {err})") from None
        if len(infos) > MAX_MEMBERS:
            raise InputError(label, f"refused: {len(infos)} members in the archive "
                             f"(at most {MAX_MEMBERS})")
        for info in infos:
            if unsafe_member(info.filename):
                raise InputError(label, f"refused: unsafe member path {info.filename!r} "
                                 "(absolute or with '..')")
        declared = sum(i.file_size for i in infos)
        if declared > MAX_DECLARED:
            raise InputError(label, f"refused: the archive would inflate to {declared // MiB} MiB "
                             f"(at most {MAX_DECLARED // MiB} MiB; a zip bomb?)")
        self.members = {i.filename.replace("\\", "/"): i for i in infos if not i.is_dir()}
        self._lower = {name.casefold(): name for name in self.members}
        self._base: dict[str, list[str]] = {}
        for name in self.members:
            self._base.setdefault(PurePosixPath(name).name.casefold(), []).append(name)

    def close(self) -> None:
        self.zf.close()

    def find(self, name: str) -> str | None:
        """The member called ``name`` (any case), else the only member with that file name."""
        name = name.replace("\\", "/").lstrip("/")
        if name.casefold() in self._lower:
            return self._lower[name.casefold()]
        for folder in ("sources/", "Sources/"):
            hit = self._lower.get((folder + name).casefold())
            if hit:
                return hit
        same = self._base.get(PurePosixPath(name).name.casefold(), [])
        return same[0] if len(same) == 1 else None

    def project_member(self) -> str:
        """``project.qde`` (any case), else the only ``.qde`` at the top of the archive."""
        hit = self._lower.get("project.qde")
        if hit:
            return hit
        top = [n for n in self.members if "/" not in n and n.casefold().endswith(".qde")]
        if len(top) == 1:
            return top[0]
        raise InputError(self.label, "not a valid .qdpx (no project.qde in the archive)")

    def read(self, member: str, cap: int) -> bytes:
        """A member's bytes, refused if it is (or turns out to be) larger than ``cap``."""
        info = self.members[member]
        if info.flag_bits & 0x1:
            raise InputError(self.label, f"{member}: encrypted members cannot be read")
        if info.file_size > cap:
            raise InputError(self.label, f"refused: {member} would inflate to "
                             f"{info.file_size // MiB} MiB (at most {cap // MiB} MiB)")
        if info.file_size > MiB and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise InputError(self.label, f"refused: {member} would inflate "
                             f"{info.file_size // max(info.compress_size, 1)} times "
                             "(a zip bomb?)")
        if self.read_total + info.file_size > MAX_READ:
            raise InputError(self.label, f"refused: more than {MAX_READ // MiB} MiB to read")
        chunks, size = [], 0
        try:
            with self.zf.open(info) as fh:
                while True:
                    chunk = fh.read(1 << 20)
                    if not chunk:
                        break
                    size += len(chunk)
                    if size > min(cap, info.file_size):
                        raise InputError(self.label, f"refused: {member} inflates beyond "
                                         "what its directory entry declares")
                    chunks.append(chunk)
        except InputError:
            raise
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError,
                RuntimeError, zlib.error) as err:  # zlib.error: damaged deflate data
            raise InputError(self.label, f"not a valid .qdpx (corrupt member {member}: "
                             f"{err})") from None
        self.read_total += size
        return b"".join(chunks)


def _strip_bom(data: bytes) -> bytes:
    """UTF-8 bytes of an XML document, without a byte-order mark or leading blank space."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
        text = re.sub(r"^(\s*<\?xml[^>]*?)\s+encoding=(['\"])[^'\"]*\2", r"\1", text.lstrip())
        return text.encode("utf-8")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return data.lstrip()


def local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def parse_xml(data: bytes, label: str, part: str) -> Element:
    """The root element, every tag without its namespace; InputError if unsafe or malformed."""
    import defusedxml
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        root = fromstring(_strip_bom(data), forbid_dtd=True)
    except defusedxml.DTDForbidden:
        raise InputError(label, f"refused: {part} declares a DTD (entities are not "
                         "allowed in REFI-QDA files)") from None
    except (defusedxml.EntitiesForbidden, defusedxml.ExternalReferenceForbidden):
        raise InputError(label, f"refused: {part} declares entities") from None
    except ParseError as err:
        line, col = getattr(err, "position", (0, 0))
        raise InputError(label, f"{part} is not well-formed XML (line {line}, column {col})"
                         ) from None
    except UnicodeError as err:
        raise InputError(label, f"{part} is not UTF-8 text ({err})") from None
    for el in root.iter():
        el.tag = local(el.tag)
    return root
