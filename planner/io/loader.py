"""Load a scenario file: YAML (and optional CSV/XLSX tables) in, a validated `Scenario` out.

This is the only place that sees raw files. It reads the YAML with the safe loader while remembering the line
of every key, reads unit/member tables, validates everything with the pydantic models of `planner.scenario`,
then checks what a single model cannot: cross-references, the unit tree, selectors that select nothing,
months in which a meeting has no possible day, and pins that contradict the calendar.

Every problem found becomes a `Problem` naming the file, the YAML line or table row, the field (as a path such
as ``members[3] (uv-04).committee``, indices 0-based) and, where possible, a fix. All of them are raised together
as one `InputError`; no other exception escapes for bad input.

Hygiene and limits (what a hand-typed scenario or an Excel export can throw at it):

- every string read (keys, ids, names, selectors, table cells) is Unicode NFC, so a name typed on macOS or
  exported by Excel in decomposed form (NFD) is the same name;
- tables may be CSV in UTF-8 (with or without BOM), UTF-16/UTF-32 with a BOM (Excel's "Unicode text") or
  Windows-1258 (the Vietnamese ANSI code page), separated by ``,``, ``;`` or tabs (told by the header row);
- files over `MAX_FILE_BYTES`, YAML nested deeper than `MAX_DEPTH` or whose aliases expand beyond
  `MAX_NODES` values ("billion laughs"), and tables over `MAX_TABLE_ROWS` rows are refused with the figures;
- only safe YAML (no ``!!python/...`` tags); a relative table path may not leave the scenario's folder.

The parts live next to this module, which joins them: `planner.io.files` (limits, bytes, encodings, NFC),
`planner.io.yaml_reader` (the YAML and the line of every key), `planner.io.tables` (CSV/XLSX tables),
`planner.io.validation` (pydantic and the wording of its errors), `planner.io.cross_checks` (the checks across
fields) and `planner.io.locations` (how a problem names its file, line or row, and field).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from planner.errors import InputError, Problem
from planner.io.cross_checks import cross_check
from planner.io.files import MAX_FILE_BYTES, decode, nfc, read_bytes
from planner.io.locations import FieldPath, Where
from planner.io.tables import load_table, name_columns, resolve_references
from planner.io.validation import expects_bool, validate
from planner.io.yaml_reader import parse_yaml
from planner.scenario import Scenario

__all__ = ["load_scenario", "read_yaml_mapping", "validate_mapping", "MAX_FILE_BYTES"]


def load_scenario(path: str | Path) -> Scenario:
    """Read, validate and cross-check a scenario file; raise `InputError` with every problem found. A path
    ending in ``.xlsx`` is a scenario workbook (`planner.io.workbook`, written by ``planner init``/``export``).

    The result carries ``source`` (the path as given) and ``sha256`` (of the YAML bytes followed by the bytes
    of each table file it names, units first).
    """
    file = str(path)
    if Path(path).suffix.lower() == ".xlsx":  # a workbook is a whole scenario (planner init / export)
        from planner.io.workbook import load_workbook

        return load_workbook(path)
    raw = read_bytes(Path(path), file)
    data, lines = parse_yaml(decode(raw, file), file, expects_bool)
    where = Where(file, lines, data)
    digest = hashlib.sha256(raw)
    problems: list[Problem] = []
    data = dict(data)
    for key in ("units", "members"):
        if isinstance(data.get(key), str):
            data[key] = load_table(Path(path).parent, key, data[key], where, digest, problems)
    if where.tables:
        resolve_references(data, where, problems)  # units named by name in the tables
    where.data = data
    scenario = validate(data, where, problems)
    if scenario is None or problems:
        raise InputError(name_columns(_sorted(problems, file), where))
    problems = cross_check(scenario, where)
    if problems:
        raise InputError(name_columns(_sorted(problems, file), where))
    return scenario.model_copy(update={"source": file, "sha256": digest.hexdigest()})


def read_yaml_mapping(path: str | Path) -> tuple[dict[str, Any], dict[FieldPath, int]]:
    """Read a YAML file that holds one mapping (as scenario files do), with the same checks and messages as
    `load_scenario`; return the data and the 1-based line of every key and list item, by path."""
    file = str(path)
    return parse_yaml(decode(read_bytes(Path(path), file), file), file)


def validate_mapping(
    data: dict[str, Any], source: str = "<memory>", lines: dict[FieldPath, int] | None = None
) -> Scenario:
    """Validate and cross-check an already-parsed scenario mapping (tables inlined), as `load_scenario` does
    after reading the files; raise `InputError` naming ``source`` (and the lines, when given)."""
    data = nfc(data)
    where = Where(source, dict(lines or {}), data)
    problems: list[Problem] = []
    scenario = validate(dict(data), where, problems)
    if scenario is None or problems:
        raise InputError(_sorted(problems, source))
    problems = cross_check(scenario, where)
    if problems:
        raise InputError(_sorted(problems, source))
    return scenario.model_copy(update={"source": source})


def _sorted(problems: list[Problem], file: str) -> list[Problem]:
    """The YAML file's problems first, in line order, then each table's in row order."""
    return sorted(problems, key=lambda p: (p.file != file, p.file, p.line or 0))
