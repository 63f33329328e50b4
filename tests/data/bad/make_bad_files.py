"""Write the hostile and broken REFI-QDA files of this folder (each is tested by
tests/refi/test_hostile.py, which lists what each one must be refused for).

    python tests/data/bad/make_bad_files.py

Small on disk: the bombs are zeros that deflate a thousandfold, and the overlapping-entry
bomb repeats one compressed member's directory entry, declaring gigabytes in kilobytes.
"""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
NS = "urn:QDA-XML:project:1.0"
G1 = "00000001-0000-4000-8000-000000000001"
G2 = "00000002-0000-4000-8000-000000000002"
G3 = "00000003-0000-4000-8000-000000000003"
TEXT = "Interviewer: Hello?\nAnn: The fees are too high.\n"


def qde(sources: str = "") -> str:
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="{NS}" name="bad">'
            f'<CodeBook><Codes><Code guid="{G1}" name="Fees" isCodable="true"/></Codes>'
            f"</CodeBook>{sources}</Project>")


def source(start: str, end: str, path: str = "internal://a.txt") -> str:
    return (f'<Sources><TextSource guid="{G2}" name="a" plainTextPath="{path}">'
            f'<PlainTextSelection guid="{G3}" startPosition="{start}" endPosition="{end}">'
            f'<Coding guid="{G1}"><CodeRef targetGUID="{G1}"/></Coding></PlainTextSelection>'
            "</TextSource></Sources>")


def write_zip(name: str, members: dict[str, bytes | str]) -> bytes:
    path = HERE / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for member, data in members.items():
            info = zipfile.ZipInfo(member, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data.encode("utf-8") if isinstance(data, str) else data)
    return path.read_bytes()


def overlap_bomb(name: str, copies: int = 300, size: int = 16 * 1024 * 1024) -> None:
    """One deflated member of ``size`` zeros; its central-directory entry repeated
    ``copies`` times under other names (all pointing at the same data)."""
    data = write_zip(name, {"sources/k000.txt": b"\0" * size})
    cd_start = data.index(b"PK\x01\x02")
    eocd = data.index(b"PK\x05\x06")
    entry = data[cd_start:eocd]
    entries = [entry.replace(b"sources/k000.txt", f"sources/k{i:03d}.txt".encode())
               for i in range(copies)]
    cd = b"".join(entries)
    end = bytearray(data[eocd:])
    struct.pack_into("<HHII", end, 8, copies, copies, len(cd), cd_start)
    (HERE / name).write_bytes(data[:cd_start] + cd + bytes(end))


def lying_size(name: str) -> None:
    """project.qde whose local and central headers declare 200 bytes; it inflates to 8 MiB."""
    data = bytearray(write_zip(name, {"project.qde": qde() + " " * (8 * 1024 * 1024)}))
    local = data.index(b"PK\x03\x04")
    struct.pack_into("<I", data, local + 22, 200)
    central = data.index(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, 200)
    (HERE / name).write_bytes(bytes(data))


def main() -> None:
    xxe = ('<?xml version="1.0"?>\n<!DOCTYPE Project [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
           f'<Project xmlns="{NS}" name="&xxe;"/>')
    lol = ('<?xml version="1.0"?>\n<!DOCTYPE Project [<!ENTITY lol "lol">'
           + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                     for i in range(1, 10))
           + f']><Project xmlns="{NS}" name="&lol9;"/>')
    write_zip("xxe.qdpx", {"project.qde": xxe})
    write_zip("billion-laughs.qdpx", {"project.qde": lol})
    (HERE / "xxe.qdc").write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE CodeBook [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
        f'<Code guid="{G1}" name="&xxe;" isCodable="true"/></Codes></CodeBook>', "utf-8")
    write_zip("zip-slip.qdpx", {"project.qde": qde(), "../../evil.txt": "owned"})
    write_zip("absolute-member.qdpx", {"project.qde": qde(), "/tmp/evil.txt": "owned"})
    write_zip("backslash-slip.qdpx", {"project.qde": qde(), "..\\..\\evil.txt": "owned"})
    write_zip("zip-bomb.qdpx", {"project.qde": b"\0" * (64 * 1024 * 1024)})
    overlap_bomb("overlap-bomb.qdpx")
    lying_size("lying-size.qdpx")
    (HERE / "not-a-zip.qdpx").write_text("This is a text file renamed .qdpx\n", "utf-8")
    good = write_zip("truncated.qdpx", {"project.qde": qde(source("20", "40")),
                                        "sources/a.txt": TEXT * 50})
    (HERE / "truncated.qdpx").write_bytes(good[: len(good) // 2])
    write_zip("no-project.qdpx", {"sources/a.txt": TEXT})
    write_zip("malformed.qdpx", {"project.qde": qde()[:-20]})
    write_zip("wrong-root.qdpx", {"project.qde": "<html><body>hi</body></html>"})
    write_zip("selection-outside.qdpx", {"project.qde": qde(source("20", "99999")),
                                         "sources/a.txt": TEXT})
    write_zip("positions-not-numbers.qdpx", {"project.qde": qde(source("twenty", "40")),
                                             "sources/a.txt": TEXT})
    write_zip("missing-source.qdpx", {"project.qde": qde(source("20", "40",
                                                               "internal://nothere.txt"))})
    deep = "".join(f'<Code guid="{G1}" name="c{i}" isCodable="true">' for i in range(300))
    (HERE / "deep-codes.qdc").write_text(
        '<?xml version="1.0"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
        + deep + "</Code>" * 300 + "</Codes></CodeBook>", "utf-8")


if __name__ == "__main__":
    main()
