"""Codebooks: a YAML tree or a CSV table of codes, read into parent-first Code objects.

YAML: ``codes:`` is a list of mappings with ``name`` and optionally ``definition``,
``include``, ``exclude``, ``keywords``, ``examples``, ``colour``, ``finding`` and
``children`` (a nested list). Unknown keys are errors, so a typo is not silently lost.
CSV: either a ``path`` column (levels joined by " > "; missing ancestors are created
empty) or ``name`` + ``parent`` columns (parent = another code's name; cycles are
errors); plus ``definition``, ``include``, ``exclude``, ``keywords`` (";"-separated),
``examples`` (one per line in the cell), ``finding``, ``colour``.
Names must be non-empty and free of ">" and ";", which separate levels and paths.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from qualtally.core.errors import InputError
from qualtally.core.models import Code, join_path, split_levels, split_path
from qualtally.importers.decoding import read_text
from qualtally.importers.tables import Table

_YAML_KEYS = {"name", "definition", "include", "exclude", "keywords", "examples", "colour",
              "color", "finding", "children"}


def check_name(source: str, name: str, where: str) -> str:
    name = " ".join(str(name).split())
    if not name:
        raise InputError(source, f"{where}: empty code name")
    if len(split_path(name)) > 1 or ";" in name:
        raise InputError(source, f"{where}: code name {name!r} contains ' > ' or ';'")
    return name


def _strings(value: object, sep: str | None = None) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else (str(value).split(sep) if sep else [value])
    return tuple(str(v).strip() for v in items if v is not None and str(v).strip())


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def read_codebook_yaml(path: Path, name: str) -> list[Code]:
    import yaml

    try:
        data = yaml.safe_load(read_text(path, name))
    except yaml.YAMLError as err:
        raise InputError(name, f"not valid YAML ({' '.join(str(err).split())})") from None
    items = data.get("codes") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise InputError(name, "a codebook needs a 'codes:' list")
    out: dict[str, Code] = {}

    def walk(nodes: object, parent: str | None) -> None:
        if not isinstance(nodes, list):
            raise InputError(name, f"'children' of {parent!r} must be a list")
        for node in nodes:
            if isinstance(node, str):
                node = {"name": node}
            if not isinstance(node, dict) or "name" not in node:
                raise InputError(name, f"every code needs a 'name' (under {parent or 'codes'!r})")
            code_name = check_name(name, node["name"], f"code under {parent or 'codes'!r}")
            unknown = set(map(str, node)) - _YAML_KEYS
            if unknown:
                raise InputError(name, f"code {code_name!r}: unknown key {sorted(unknown)[0]!r}")
            code = Code(
                name=code_name,
                parent_path=parent,
                definition=_text(node.get("definition")),
                include=_text(node.get("include")),
                exclude=_text(node.get("exclude")),
                keywords=_strings(node.get("keywords"), ";"),
                examples=_strings(node.get("examples")),
                colour=_text(node.get("colour", node.get("color"))),
                finding=_text(node.get("finding")) or None,
            )
            if code.path in out:
                raise InputError(name, f"code {code.path!r} appears twice")
            out[code.path] = code
            walk(node.get("children") or [], code.path)

    walk(items, None)
    return list(out.values())


def _fields(row: dict[str, str]) -> dict[str, object]:
    return dict(
        definition=row.get("definition", "").strip(), include=row.get("include", "").strip(),
        exclude=row.get("exclude", "").strip(), keywords=_strings(row.get("keywords", ""), ";"),
        examples=_strings(row.get("examples", ""), "\n"),
        colour=(row.get("colour") or row.get("color") or "").strip(),
        finding=row.get("finding", "").strip() or None,
    )


def _from_paths(table: Table) -> list[Code]:
    out: dict[str, Code] = {}
    explicit: set[str] = set()
    for line, row in table.rows:
        levels = [check_name(table.name, lv, f"line {line}")
                  for lv in split_levels(row["path"])]
        path = join_path(levels)
        if path in explicit:
            raise InputError(table.name, f"line {line}: code {path!r} appears twice")
        explicit.add(path)
        for depth in range(1, len(levels)):
            sub = join_path(levels[:depth])
            out.setdefault(sub, Code(levels[depth - 1], join_path(levels[:depth - 1]) or None))
        code = Code(levels[-1], join_path(levels[:-1]) or None, **_fields(row))
        out[path] = replace(out[path], **_fields(row)) if path in out else code
    return list(out.values())


def _from_parents(table: Table) -> list[Code]:
    nodes: dict[str, tuple[int, str, dict[str, str]]] = {}
    for line, row in table.rows:
        code_name = check_name(table.name, row["name"], f"line {line}")
        if code_name in nodes:
            raise InputError(table.name, f"line {line}: code name {code_name!r} appears twice "
                             "(use a 'path' column for codes that share a name)")
        parent = " ".join(row.get("parent", "").split())
        nodes[code_name] = (line, parent, row)
    for code_name, (line, parent, _) in nodes.items():
        if parent and parent not in nodes:
            raise InputError(
                table.name, f"line {line}: parent {parent!r} of {code_name!r} is not a code"
            )
    for start in nodes:
        chain, cur = [start], nodes[start][1]
        while cur:
            if cur in chain:
                cycle = chain[chain.index(cur):] + [cur]
                raise InputError(table.name, "codebook has a cycle: " + " > ".join(cycle))
            chain.append(cur)
            cur = nodes[cur][1]
    out: list[Code] = []

    def emit(parent_name: str, parent_path: str | None) -> None:
        for code_name, (_, parent, row) in nodes.items():
            if parent == parent_name:
                code = Code(code_name, parent_path, **_fields(row))
                out.append(code)
                emit(code_name, code.path)

    emit("", None)
    return out


def read_codebook_table(table: Table) -> list[Code]:
    if "path" in table.columns:
        return _from_paths(table)
    table.require("name", "parent")
    return _from_parents(table)
