"""Load a scenario file: YAML (and optional CSV/XLSX tables) in, a validated `Scenario` out.

This is the only place that sees raw files. It reads the YAML with the safe loader while remembering the line
of every key, reads unit/member tables, validates everything with the pydantic models of `planner.scenario`,
then checks what a single model cannot: cross-references, the unit tree, selectors that select nothing,
months in which a meeting has no possible day, and pins that contradict the calendar.

Every problem found becomes a `Problem` naming the file, the YAML line or table row, the field (as a path such
as ``members[3] (uv-04).committee``, indices 0-based) and, where possible, a fix. All of them are raised together
as one `InputError`; no other exception escapes for bad input.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import hashlib
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

import yaml
from pydantic import BaseModel, ValidationError

from .calendar import Calendar, Month, month_days, preferred_date
from .errors import InputError, Problem
from .instance import Instance
from .scenario import (
    WEEKDAYS,
    FixedAttendance,
    FixedCharge,
    FixedDate,
    Meeting,
    Member,
    MemberSelector,
    Scenario,
    Unit,
    UnitSelector,
)

FieldPath = tuple[str | int, ...]

__all__ = ["load_scenario", "read_yaml_mapping", "validate_mapping"]


def load_scenario(path: str | Path) -> Scenario:
    """Read, validate and cross-check a scenario file; raise `InputError` with every problem found.

    The result carries ``source`` (the path as given) and ``sha256`` (of the YAML bytes followed by the bytes
    of each table file it names, units first).
    """
    file = str(path)
    raw = _read_bytes(Path(path), file)
    data, lines = _parse_yaml(_decode(raw, file), file)
    where = _Where(file, lines, data)
    digest = hashlib.sha256(raw)
    problems: list[Problem] = []
    data = dict(data)
    for key in ("units", "members"):
        if isinstance(data.get(key), str):
            data[key] = _load_table(Path(path).parent, key, data[key], where, digest, problems)
    where.data = data
    scenario = _validate(data, where, problems)
    if scenario is None or problems:
        raise InputError(_sorted(problems, file))
    problems = _cross_check(scenario, where)
    if problems:
        raise InputError(_sorted(problems, file))
    return scenario.model_copy(update={"source": file, "sha256": digest.hexdigest()})


def read_yaml_mapping(path: str | Path) -> tuple[dict[str, Any], dict[FieldPath, int]]:
    """Read a YAML file that holds one mapping (as scenario files do), with the same checks and messages as
    `load_scenario`; return the data and the 1-based line of every key and list item, by path."""
    file = str(path)
    return _parse_yaml(_decode(_read_bytes(Path(path), file), file), file)


def validate_mapping(data: dict[str, Any], source: str = "<memory>",
                     lines: dict[FieldPath, int] | None = None) -> Scenario:
    """Validate and cross-check an already-parsed scenario mapping (tables inlined), as `load_scenario` does
    after reading the files; raise `InputError` naming ``source`` (and the lines, when given)."""
    where = _Where(source, dict(lines or {}), data)
    problems: list[Problem] = []
    scenario = _validate(dict(data), where, problems)
    if scenario is None or problems:
        raise InputError(_sorted(problems, source))
    problems = _cross_check(scenario, where)
    if problems:
        raise InputError(_sorted(problems, source))
    return scenario.model_copy(update={"source": source})


# ============================================================================================== locations
@dataclass
class _Table:
    """Where the items of ``units:`` or ``members:`` came from when they were read from a table."""

    file: str
    rows: list[int] = field(default_factory=list)  # the sheet row of each item (header = row 1)
    missing_columns: set[str] = field(default_factory=set)


class _Where:
    """Turns a field path such as ``("members", 3, "committee")`` into the file, line/row and readable field."""

    def __init__(self, file: str, lines: dict[FieldPath, int], data: dict[str, Any]):
        self.file, self.lines, self.data = file, lines, data
        self.tables: dict[str, _Table] = {}

    def table_of(self, path: FieldPath) -> _Table | None:
        if len(path) >= 2 and isinstance(path[1], int) and isinstance(path[0], str) and path[0] in self.tables:
            return self.tables[path[0]]
        return None

    def problem(self, path: FieldPath, message: str, hint: str = "") -> Problem:
        table = self.table_of(path)
        if table is not None:
            index = path[1]
            assert isinstance(index, int)
            row = table.rows[index] if index < len(table.rows) else None
            return Problem(table.file, row, _column(path[2:]), message, hint, row=True)
        return Problem(self.file, self.line(path), self.label(path), message, hint)

    def line(self, path: FieldPath) -> int | None:
        """The line of the deepest key or item of ``path`` found in the file (a missing key: its parent's)."""
        for n in range(len(path), 0, -1):
            if path[:n] in self.lines:
                return self.lines[path[:n]]
        return None

    def label(self, path: FieldPath) -> str | None:
        """``members[3] (uv-04).committee``: keys joined by dots, 0-based indices, the item's id when it has one."""
        out, node = "", self.data
        for part in path:
            if isinstance(part, int):
                out += f"[{part}]"
                node = node[part] if isinstance(node, (list, tuple)) and 0 <= part < len(node) else None
                ident = node.get("id") if isinstance(node, dict) else getattr(node, "id", None)
                if isinstance(ident, str) and ident:
                    out += f" ({ident})"
            else:
                out += f".{part}" if out else str(part)
                node = node.get(part) if isinstance(node, dict) else None
        return out or None

    def at(self, path: FieldPath) -> str:
        """Where ``path`` is, in words, for hints: ``line 14`` or ``row 3 of units.csv``."""
        table = self.table_of(path)
        if table is not None:
            index = path[1]
            assert isinstance(index, int)
            return f"row {table.rows[index]} of {table.file}"
        line = self.line(path)
        return f"line {line}" if line else self.label(path) or "the file"


def _column(sub: FieldPath) -> str | None:
    """The table column of a path inside one row: ``("meeting", "flex", 0)`` → ``meeting_flex``."""
    if not sub:
        return None
    if sub[0] == "meeting":
        return f"meeting_{sub[1]}" if len(sub) > 1 else "meeting_day"
    return str(sub[0])


def _sorted(problems: list[Problem], file: str) -> list[Problem]:
    """The YAML file's problems first, in line order, then each table's in row order."""
    return sorted(problems, key=lambda p: (p.file != file, p.file, p.line or 0))


def _did_you_mean(word: object, choices: list[str] | tuple[str, ...]) -> str:
    match = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f"did you mean '{match[0]}'?" if match else ""


def _show(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    text = f"'{value}'" if isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# ============================================================================================== file and YAML
def _read_bytes(path: Path, file: str) -> bytes:
    """The file must exist, be a regular file and be readable."""
    def fail(message: str, hint: str = "") -> InputError:
        return InputError([Problem(file, None, None, message, hint)])

    if path.is_dir():
        raise fail("this is a directory, not a scenario file", "give the path of a .yaml file")
    if not path.exists():
        raise fail("file not found", "check the path (it is relative to the current directory)")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise fail(f"cannot read the file: {exc.strerror or exc}") from None


def _decode(raw: bytes, file: str) -> str:
    """Scenario files are UTF-8 (a leading BOM is allowed)."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError([Problem(file, line, None, f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x})",
                                  "save it as UTF-8 (in Notepad: Save as… → Encoding: UTF-8)")]) from None


class _Loader(yaml.SafeLoader):
    """The safe loader, except that an impossible date (``2026-02-30``) stays text so validation can name it."""


def _timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)

_MAP_TAG, _SEQ_TAG = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"


def _parse_yaml(text: str, file: str) -> tuple[dict[str, Any], dict[FieldPath, int]]:
    """Safe-load the YAML into plain data plus a map from each key's path to its 1-based line.

    The file must hold one mapping at the top; syntax errors, duplicate keys and keys that are not words are
    problems with their line.
    """
    problems: list[Problem] = []
    lines: dict[FieldPath, int] = {}
    try:
        loader = _Loader(text)  # checks that every character is printable
        try:
            node = loader.get_single_node()
            data = None if node is None else _build(loader, node, (), lines, problems, file, frozenset())
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        raise InputError([_yaml_problem(exc, file)]) from None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise InputError([Problem(file, line, None, f"the character {_char(exc.character)} is not allowed in YAML",
                                  "delete it (it may come from copying out of a PDF or Word)")]) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(file, None, None, f"not valid YAML: {exc}")]) from None
    if problems:
        raise InputError(problems)
    if data is None:
        raise InputError([Problem(file, None, None, "the file is empty",
                                  "a scenario needs at least 'name', 'year' or 'period', 'units' and 'members'")])
    if not isinstance(data, dict):
        raise InputError([Problem(file, 1, None, f"the top level must be a mapping of keys (name:, year:, units:, …), "
                                  f"not a {_yaml_kind(data)}")])
    return data, lines


def _char(code: object) -> str:
    return f"U+{code:04X}" if isinstance(code, int) else repr(code)


def _yaml_kind(value: object) -> str:
    return "list" if isinstance(value, list) else "single value" if not isinstance(value, dict) else "mapping"


def _yaml_problem(exc: yaml.MarkedYAMLError, file: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    what = exc.problem or "syntax error"
    if exc.context:
        what = f"{what} ({exc.context})"
    hint = "check the indentation and the ':' after each key"
    if "'\\t'" in what:
        what, hint = "a tab character; YAML does not allow tabs for indentation", "indent with spaces"
    return Problem(file, mark.line + 1 if mark else None, None, f"YAML syntax error: {what}", hint)


def _build(loader: yaml.SafeLoader, node: yaml.Node, path: FieldPath, lines: dict[FieldPath, int],
           problems: list[Problem], file: str, active: frozenset[int]) -> Any:
    """Construct the data of ``node`` (as ``yaml.safe_load`` would), recording the line of every key and item."""
    if id(node) in active:
        problems.append(Problem(file, node.start_mark.line + 1, None, "an alias refers to itself"))
        return None
    active = active | {id(node)}
    try:
        if isinstance(node, yaml.MappingNode) and node.tag == _MAP_TAG:
            return _build_mapping(loader, node, path, lines, problems, file, active)
        if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ_TAG:
            out = []
            for i, item in enumerate(node.value):
                lines[path + (i,)] = item.start_mark.line + 1
                out.append(_build(loader, item, path + (i,), lines, problems, file, active))
            return out
        return loader.construct_object(node, deep=True)
    except yaml.constructor.ConstructorError as exc:
        problems.append(_yaml_problem(exc, file))
        return None


def _build_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, path: FieldPath,
                   lines: dict[FieldPath, int], problems: list[Problem], file: str,
                   active: frozenset[int]) -> dict[str, Any]:
    loader.flatten_mapping(node)  # merge keys (<<: *anchor): their pairs come first, from outside this mapping
    out: dict[str, Any] = {}
    merged: set[str] = set()
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        from_merge = not node.start_mark.index <= key_node.start_mark.index <= node.end_mark.index
        key = loader.construct_object(key_node, deep=True) if isinstance(key_node, yaml.ScalarNode) else None
        if not isinstance(key, str):
            shown = key_node.value if isinstance(key_node, yaml.ScalarNode) else "a list or mapping"
            problems.append(Problem(file, line, None, f"the key '{shown}' is not a name",
                                    "keys are words such as 'name' or 'units'"))
            continue
        if key in merged:
            merged.discard(key)  # a value from a merge is overridden, as yaml.safe_load does
        elif key in out:
            problems.append(Problem(file, line, _path_text(path + (key,)),
                                    f"duplicate key '{key}' (first at line {lines[path + (key,)]})",
                                    "give each key once"))
            continue
        if from_merge:
            merged.add(key)
        lines[path + (key,)] = line
        out[key] = _build(loader, value_node, path + (key,), lines, problems, file, active)
    return out


def _path_text(path: FieldPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# ============================================================================================== tables
_UNIT_COLUMNS = tuple(n for n in Unit.model_fields if n != "meeting") + tuple(f"meeting_{n}" for n in Meeting.model_fields)
_MEMBER_COLUMNS = tuple(Member.model_fields)
_LIST_COLUMNS = frozenset({"roles", "sectors", "tags", "meeting_weekdays"})
_CONFLICT_COLUMNS = frozenset({"unavailable", "closed"})
_DATE_RE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
_INT_RE = re.compile(r"^[+-]?\d+$")


def _load_table(base: Path, key: str, ref: str, where: _Where, digest: Any, problems: list[Problem]) -> list[Any]:
    """``units:``/``members:`` as a path: the table must exist (relative to the YAML file) and be .csv or .xlsx.

    Returns the rows as items like those written inline; the table's bytes are added to ``digest``.
    """
    path = base / ref
    where.tables[key] = table = _Table(str(path))

    def fail(message: str, hint: str = "") -> list[Any]:
        problems.append(Problem(where.file, where.line((key,)), key, message, hint))
        return []

    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        return fail(f"'{ref}' is not a table: give a .csv or .xlsx file, or list the {key} here",
                    "save the spreadsheet as .xlsx or as CSV UTF-8" if suffix in (".xls", ".ods") else "")
    if not path.is_file():
        return fail(f"table file '{ref}' not found (looked for {path})",
                    "the path is relative to the folder of the scenario file")
    try:
        raw = path.read_bytes()
        rows = _csv_rows(raw, table.file) if suffix == ".csv" else _xlsx_rows(raw)
    except InputError as exc:
        problems.extend(exc.problems)
        return []
    except Exception as exc:  # openpyxl/zipfile/csv raise many kinds for a damaged file
        return fail(f"cannot read table '{ref}': {exc}", "open it in a spreadsheet program and save it again")
    digest.update(raw)
    return _table_items(rows, key, table, problems)


def _csv_rows(raw: bytes, file: str) -> list[tuple[int, list[str]]]:
    """A CSV in UTF-8, with or without BOM; rows numbered from 1 (the header)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = raw[: exc.start].count(b"\n") + 1
        raise InputError([Problem(file, row, None, "the table is not UTF-8 text",
                                  "save it as 'CSV UTF-8' (Excel: Save as → CSV UTF-8)", row=True)]) from None
    return [(n, [c.strip() for c in cells]) for n, cells in enumerate(csv.reader(io.StringIO(text, newline="")), 1)]


def _xlsx_rows(raw: bytes) -> list[tuple[int, list[str]]]:
    """The first sheet of an .xlsx workbook, every cell as text."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        return [(n, [_cell_text(v) for v in values]) for n, values in enumerate(sheet.iter_rows(values_only=True), 1)]
    finally:
        book.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _table_items(rows: list[tuple[int, list[str]]], key: str, table: _Table,
                 problems: list[Problem]) -> list[dict[str, Any]]:
    """Header = field names (unknown columns are errors); each non-blank row becomes one item."""
    allowed = _UNIT_COLUMNS if key == "units" else _MEMBER_COLUMNS
    if not rows:
        problems.append(Problem(table.file, None, None, "the table is empty", "the first row names the columns"))
        return []
    header_row, header = rows[0][0], [name.lower() for name in rows[0][1]]  # ID, Meeting_Day are fine too
    columns: list[str] = []  # "" for a column without a header
    ignored: set[int] = set()  # unknown or repeated columns, reported once in the header
    for i, name in enumerate(header):
        if name and name not in allowed:
            problems.append(Problem(table.file, header_row, name, f"unknown column '{name}'",
                                    _did_you_mean(name, allowed) or f"columns are {', '.join(allowed)}", row=True))
            ignored.add(i)
        elif name and name in columns:
            problems.append(Problem(table.file, header_row, name, f"column '{name}' appears twice", row=True))
            ignored.add(i)
        columns.append(name)
    model = Unit if key == "units" else Member
    required = [n for n, f in model.model_fields.items() if f.is_required()]
    for name in required:
        if name not in columns:
            table.missing_columns.add(name)
            problems.append(Problem(table.file, header_row, name, f"the required column '{name}' is missing",
                                    f"add a column '{name}' to the header row", row=True))
    items = []
    for number, cells in rows[1:]:
        if not any(cells):
            continue
        items.append(_row_item(number, cells, columns, ignored, table.file, problems))
        table.rows.append(number)
    return items


def _row_item(number: int, cells: list[str], columns: list[str], ignored: set[int], file: str,
              problems: list[Problem]) -> dict[str, Any]:
    """One row as an item: empty cells omitted, lists split on ';', conflicts and the meeting parsed."""
    item: dict[str, Any] = {}
    meeting: dict[str, Any] = {}
    for i, text in enumerate(cells):
        if not text or i in ignored:
            continue
        name = columns[i] if i < len(columns) else ""
        if not name:
            problems.append(Problem(file, number, None, f"a value ('{text}') in a column without a header",
                                    "name the column in the header row or empty the cell", row=True))
            continue
        try:
            value = _cell_value(name, text)
        except ValueError as exc:
            problems.append(Problem(file, number, name, str(exc), row=True))
            continue
        if name.startswith("meeting_"):
            meeting[name.removeprefix("meeting_")] = value
        else:
            item[name] = value
    if meeting:
        item["meeting"] = meeting
    return item


def _cell_value(column: str, text: str) -> Any:
    """The value of one non-empty cell; ValueError says what is wrong with it."""
    if column in _CONFLICT_COLUMNS:
        return [_conflict_item(part) for part in _split(text)]
    if column in _LIST_COLUMNS:
        return _split(text)
    if column == "meeting_flex":
        parts = _split(text)
        if len(parts) not in (1, 2) or not all(_INT_RE.match(p) for p in parts):
            raise ValueError(f"'{text}' is not a flex: write a number of days (2), or before;after (0;3)")
        return int(parts[0]) if len(parts) == 1 else [int(p) for p in parts]
    return text


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def _conflict_item(text: str) -> dict[str, Any]:
    """``2026-03-08``, ``2026-05-10..2026-05-20`` or a weekday ``mon``..``sun`` (each weekday its own item)."""
    if text.lower() in WEEKDAYS:
        return {"weekdays": [text.lower()]}
    if ".." in text:
        start, end = text.split("..", 1)
        return {"from": _date(start.strip()), "to": _date(end.strip())}
    if _DATE_RE.match(text):
        return {"date": _date(text)}
    hint = _did_you_mean(text.lower(), WEEKDAYS)
    raise ValueError(f"'{text}' is not a date (2026-03-08), a range (2026-05-10..2026-05-20) or a weekday "
                     f"(mon..sun){'; ' + hint if hint else ''}")


def _date(text: str) -> dt.date:
    if not _DATE_RE.match(text):
        raise ValueError(f"'{text}' is not a date; write YYYY-MM-DD, e.g. 2026-03-08")
    year, month, day = (int(p) for p in text.split("-"))
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"'{text}' is not a valid date ({exc})") from None


# ============================================================================================== validation
_FIXED_SHAPES: tuple[tuple[type[BaseModel], str], ...] = (
    (FixedCharge, "charge"), (FixedAttendance, "attend"), (FixedDate, "date"))
_FIXED_FORMS = "{member, unit, charge: true|false}, {member, unit, month, attend: true|false} or {unit, month, date}"
_INTERNAL = ("source", "sha256")  # Scenario fields the loader sets; not keys of the file


def _validate(data: dict[str, Any], where: _Where, problems: list[Problem]) -> Scenario | None:
    """Validate with the pydantic models; every error becomes a Problem in words (None if any)."""
    data = dict(data)
    for key in _INTERNAL:
        if key in data:
            problems.append(where.problem((key,), f"unknown key '{key}'", _allowed_hint(key, Scenario)))
            del data[key]
    if isinstance(data.get("fixed"), list):
        data["fixed"] = _validate_fixed(data["fixed"], where, problems)
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        root = ("period",) if "period" in data else ("year",) if "year" in data else ()
        problems.extend(_pydantic_problems(exc, where, (), Scenario, root))
        return None


def _validate_fixed(items: list[Any], where: _Where, problems: list[Problem]) -> list[BaseModel]:
    """Each ``fixed`` item has one of three shapes; which one is told by its ``charge``/``attend``/``date`` key."""
    out = []
    for i, item in enumerate(items):
        path: FieldPath = ("fixed", i)
        if not isinstance(item, dict):
            problems.append(where.problem(path, f"a fixed item is a mapping: {_FIXED_FORMS}"))
            continue
        shapes = [(model, key) for model, key in _FIXED_SHAPES if key in item]
        if len(shapes) != 1:
            keys = [k for model, k in shapes] or ["none"]
            shape_keys = [k for _, k in _FIXED_SHAPES]
            hints = [h for k in item if k not in shape_keys and (h := _did_you_mean(k, shape_keys))]
            problems.append(where.problem(path, f"a fixed item has exactly one of 'charge', 'attend' or 'date' "
                                          f"(this one: {', '.join(keys)}); the forms are {_FIXED_FORMS}",
                                          hints[0] if hints else ""))
            continue
        model = shapes[0][0]
        try:
            out.append(model.model_validate(item))
        except ValidationError as exc:
            problems.extend(_pydantic_problems(exc, where, path, model))
    return out


def _pydantic_problems(exc: ValidationError, where: _Where, prefix: FieldPath,
                       root: type[BaseModel], root_path: FieldPath = ()) -> list[Problem]:
    """Pydantic's errors in words, at the line of their ``loc`` (an error of the whole model: at ``root_path``)."""
    out = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        path = prefix + loc if loc or prefix else root_path
        table = where.table_of(path)
        if table is not None and err["type"] == "missing" and _column(path[2:]) in table.missing_columns:
            continue  # already reported once, as a missing column
        message, hint = _explain(err, root, table is not None)
        out.append(where.problem(path, message, hint))
    return out


def _explain(err: Any, root: type[BaseModel], in_table: bool) -> tuple[str, str]:
    """A pydantic error in the words of the scenario format: (message, hint)."""
    kind, loc, value, ctx = err["type"], tuple(err["loc"]), err.get("input"), err.get("ctx") or {}
    last = loc[-1] if loc else None
    if kind == "extra_forbidden":
        model = _model_at(root, loc[:-1])
        return f"unknown key '{last}'", _allowed_hint(last, model) if model else ""
    if kind == "missing":
        return ("empty, but required" if in_table else f"missing required key '{last}'"), ""
    if kind == "literal_error":
        options = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        return f"{_show(value)} is not allowed here; use one of: {', '.join(options)}", _did_you_mean(value, options)
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"expected a whole number, got {_show(value)}", ""
    if kind in ("greater_than_equal", "greater_than"):
        return f"must be at least {ctx.get('ge', ctx.get('gt'))}, got {_show(value)}", ""
    if kind in ("less_than_equal", "less_than"):
        return f"must be at most {ctx.get('le', ctx.get('lt'))}, got {_show(value)}", ""
    if kind.startswith("date") or kind.startswith("datetime"):
        reason = f" ({ctx['error']})" if "error" in ctx else ""
        return f"{_show(value)} is not a valid date{reason}", "write dates as YYYY-MM-DD, e.g. 2026-03-08"
    if kind in ("string_type", "string_sub_type"):
        if last == "month":
            return f"expected a month written YYYY-MM, got {_show(value)}", "e.g. month: 2026-03"
        hint = "put it in quotes" + (" (YAML reads yes/no/on/off as true/false)" if isinstance(value, bool) else "")
        return f"expected text, got {_show(value)}", hint
    if kind in ("bool_type", "bool_parsing"):
        return f"expected true or false, got {_show(value)}", ""
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"expected a mapping (key: value, …), got {_show(value)}", ""
    if kind in ("tuple_type", "list_type", "iterable_type"):
        hint = "or the path of a .csv/.xlsx table" if last in ("units", "members") else ""
        return f"expected a list, got {_show(value)}", hint
    if kind in ("value_error", "assertion_error"):
        return str(ctx.get("error", err["msg"])), ""
    return str(err["msg"]), ""


def _model_at(root: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model whose keys are written at ``loc`` (list indices are stepped over)."""
    model: type[BaseModel] | None = root
    for part in loc:
        if isinstance(part, int):
            continue
        if model is None:
            return None
        fields = {(f.alias or n): f for n, f in model.model_fields.items()} | dict(model.model_fields)
        if part not in fields:
            return None
        model = _find_model(fields[part].annotation)
    return model


def _find_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _find_model(arg)
        if found is not None:
            return found
    return None


def _allowed_hint(key: object, model: type[BaseModel]) -> str:
    allowed = [f.alias or n for n, f in model.model_fields.items() if n not in _INTERNAL]
    return _did_you_mean(key, allowed) or f"allowed keys: {', '.join(allowed)}"


# ============================================================================================== cross-checks
class _Ctx:
    """What the cross-checks share: the scenario, where things are, and the derived instance."""

    def __init__(self, scenario: Scenario, where: _Where):
        self.s, self.where = scenario, where
        self.unit_ids = [u.id for u in scenario.units]
        self.member_ids = [m.id for m in scenario.members]
        self.units = {u.id: u for u in scenario.units}
        self.problems: list[Problem] = []
        country_ok = Calendar.country_known(scenario.calendar.public_holidays)
        safe = scenario if country_ok else scenario.model_copy(
            update={"calendar": scenario.calendar.model_copy(update={"public_holidays": "none"})})
        self.inst = Instance(safe)
        self.cal = self.inst.calendar

    def add(self, path: FieldPath, message: str, hint: str = "") -> None:
        self.problems.append(self.where.problem(path, message, hint))

    def unknown_unit(self, path: FieldPath, uid: str, what: str = "unit") -> None:
        self.add(path, f"unknown {what} '{uid}'", _did_you_mean(uid, self.unit_ids) or "no unit has this id")

    def unknown_member(self, path: FieldPath, mid: str) -> None:
        self.add(path, f"unknown member '{mid}'", _did_you_mean(mid, self.member_ids) or "no member has this id")


def _cross_check(scenario: Scenario, where: _Where) -> list[Problem]:
    """Run every check; a check that trips over an earlier problem is skipped, otherwise errors propagate."""
    try:
        ctx = _Ctx(scenario, where)
    except Exception as exc:  # noqa: BLE001 - the calendar of a scenario the checks below would reject
        return [Problem(where.file, None, "calendar", f"cannot build the calendar: {exc}")]
    checks: list[Callable[[_Ctx], None]] = [
        _check_not_empty, _check_unique_ids, _check_tree, _check_member_refs, _check_rule_ids,
        _check_country, _check_selectors, _check_meeting_days, _check_fixed,
    ]
    for check in checks:
        before = len(ctx.problems)
        try:
            check(ctx)
        except (KeyError, ValueError, TypeError):
            if not ctx.problems:
                raise
            del ctx.problems[before:]
    return ctx.problems


def _check_not_empty(ctx: _Ctx) -> None:
    """A scenario has at least one unit and one member."""
    for key, items in (("units", ctx.s.units), ("members", ctx.s.members)):
        if not items:
            ctx.add((key,), f"no {key} given", f"list at least one of the {key}")


def _check_unique_ids(ctx: _Ctx) -> None:
    """Unit ids are unique among units, member ids among members (reported at the duplicate)."""
    for key, items in (("units", ctx.s.units), ("members", ctx.s.members)):
        first: dict[str, int] = {}
        for i, item in enumerate(items):
            if item.id in first:
                ctx.add((key, i, "id"), f"duplicate {key[:-1]} id '{item.id}'",
                        f"first used at {ctx.where.at((key, first[item.id]))}; ids must be unique")
            else:
                first[item.id] = i


def _check_tree(ctx: _Ctx) -> None:
    """Every ``parent`` names a known unit other than itself, and the units form a forest (no cycles)."""
    index = {u.id: i for i, u in reversed(list(enumerate(ctx.s.units)))}
    for i, u in enumerate(ctx.s.units):
        if u.parent is None:
            continue
        if u.parent == u.id:
            ctx.add(("units", i, "parent"), f"unit '{u.id}' is its own parent", "name the unit above it, or omit 'parent'")
        elif u.parent not in ctx.units:
            ctx.unknown_unit(("units", i, "parent"), u.parent, "parent unit")
    reported: set[str] = set()
    for i, u in enumerate(ctx.s.units):
        chain, cur = [], u.id
        while cur is not None and cur in ctx.units and cur not in chain:
            chain.append(cur)
            cur = ctx.units[cur].parent
        if cur is None or cur not in chain or cur in reported or ctx.units[cur].parent == cur:
            continue
        cycle = chain[chain.index(cur):]
        reported.update(cycle)
        start = min(cycle, key=lambda c: index[c])
        cycle = cycle[cycle.index(start):] + cycle[:cycle.index(start)]
        ctx.add(("units", index[start], "parent"), f"the units form a cycle: {' → '.join(cycle + [start])} "
                "(each is the parent of the one before)", "the units must form a tree; remove one 'parent'")


def _check_member_refs(ctx: _Ctx) -> None:
    """A member's ``committee`` is a known committee unit; ``residence`` and ``home_cell`` are known units."""
    for i, m in enumerate(ctx.s.members):
        path: FieldPath = ("members", i)
        committee = ctx.units.get(m.committee)
        if committee is None:
            ctx.unknown_unit(path + ("committee",), m.committee, "committee")
        elif not committee.is_committee:
            ctx.add(path + ("committee",), f"'{m.committee}' is a unit of kind '{committee.kind}', not a committee",
                    "a committee has kind province_committee, district_committee or commune_committee, "
                    "or a 'level'")
        for key in ("residence", "home_cell"):
            ref = getattr(m, key)
            if ref is not None and ref not in ctx.units:
                ctx.unknown_unit(path + (key,), ref, f"{key} unit")


def _check_rule_ids(ctx: _Ctx) -> None:
    """Rule ids are unique within each family (responsibility, attendance, coverage)."""
    for family in ("responsibility", "attendance", "coverage"):
        first: dict[str, int] = {}
        for i, rule in enumerate(getattr(ctx.s, family)):
            if not rule.id:
                continue
            if rule.id in first:
                ctx.add((family, i, "id"), f"duplicate {family} rule id '{rule.id}'",
                        f"first used at {ctx.where.at((family, first[rule.id]))}")
            else:
                first[rule.id] = i


def _check_country(ctx: _Ctx) -> None:
    """``calendar.public_holidays`` is a country code the holidays package knows, or ``none``."""
    code = ctx.s.calendar.public_holidays
    if Calendar.country_known(code):
        return
    import holidays

    hint = _did_you_mean(code.upper(), list(holidays.list_supported_countries())) or "e.g. VN"
    ctx.add(("calendar", "public_holidays"), f"unknown country code '{code}' for public holidays",
            f"{hint} (or 'none' for no public holidays)")


# ---------------------------------------------------------------------------------------------- selectors
def _selectors(s: Scenario) -> Iterator[tuple[FieldPath, MemberSelector | UnitSelector, FieldPath | None]]:
    """Every selector with its path, and for an ``including`` the path of the rule's own ``units``."""
    for i, r in enumerate(s.responsibility):
        yield ("responsibility", i, "members"), r.members, None
        yield ("responsibility", i, "units"), r.units, None
    for i, a in enumerate(s.attendance):
        yield ("attendance", i, "members"), a.members, None
        yield ("attendance", i, "units"), a.units, None
        for j, inc in enumerate(a.including):
            yield ("attendance", i, "including", j, "units"), inc.units, ("attendance", i, "units")
    for i, c in enumerate(s.coverage):
        yield ("coverage", i, "units"), c.units, None
        yield ("coverage", i, "by"), c.by, None


def _check_selectors(ctx: _Ctx) -> None:
    """Selector ``ids``/``committee``/``under`` name known ids, and no selector selects nothing.

    ``in_charge`` is ignored here (it depends on the plan). An ``including`` must select some of its rule's units.
    """
    for path, sel, main_path in _selectors(ctx.s):
        if _unknown_selector_refs(ctx, path, sel):
            continue
        if isinstance(sel, MemberSelector):
            if not ctx.inst.select_members(sel):
                ctx.add(path, "selects no member", _why_no_members(ctx, sel))
            continue
        picked = ctx.inst.select_units(sel)
        if not picked:
            ctx.add(path, "selects no unit", _why_no_units(ctx, sel))
        elif main_path is not None:
            main = ctx.inst.select_units(ctx.s.attendance[main_path[1]].units)  # type: ignore[index]
            if main and not set(picked) & set(main):
                ctx.add(path, "selects none of the rule's own units",
                        "an 'including' counts a part of the rule's units; widen the rule's 'units' or change this")


def _unknown_selector_refs(ctx: _Ctx, path: FieldPath, sel: MemberSelector | UnitSelector) -> bool:
    found = False
    if isinstance(sel, MemberSelector):
        for mid in sel.ids or ():
            if mid not in ctx.inst.members:
                ctx.unknown_member(path + ("ids",), mid)
                found = True
        refs = [("committee", uid) for uid in sel.committee or ()]
    else:
        refs = [(key, uid) for key in ("ids", "under") for uid in getattr(sel, key) or ()]
    for key, uid in refs:
        if uid not in ctx.units:
            ctx.unknown_unit(path + (key,), uid, "committee" if key == "committee" else "unit")
            found = True
    return found


def _why_no_members(ctx: _Ctx, sel: MemberSelector) -> str:
    known = {
        "committee": {m.committee for m in ctx.s.members},
        "level": {ctx.inst.member_level(m.id) for m in ctx.s.members},
        "roles": {r for m in ctx.s.members for r in m.roles},
        "tags": {t for m in ctx.s.members for t in m.tags},
    }
    return _why_empty(sel, known, "member")


def _why_no_units(ctx: _Ctx, sel: UnitSelector) -> str:
    known = {
        "kind": {u.kind for u in ctx.s.units},
        "level": {ctx.inst.unit_level(u.id) for u in ctx.s.units},
        "tags": {t for u in ctx.s.units for t in u.tags},
    }
    return _why_empty(sel, known, "unit")


def _why_empty(sel: BaseModel, known: dict[str, set[Any]], noun: str) -> str:
    """Name the values no item has (with a did-you-mean); else say the fields exclude each other."""
    reasons = []
    for key, values in known.items():
        for value in getattr(sel, key) or ():
            if value not in values:
                guess = _did_you_mean(value, sorted(v for v in values if v is not None))
                reasons.append(f"no {noun} has {key.rstrip('s')} '{value}'" + (f" ({guess})" if guess else ""))
    if reasons:
        return "; ".join(reasons)
    given = [k for k, v in sel.model_dump(exclude_defaults=True).items() if k != "in_charge" and v is not None]
    return f"no {noun} matches all of {', '.join(given)} at once" if len(given) > 1 else "check the selector's values"


# ---------------------------------------------------------------------------------------------- calendar
def _blocker(ctx: _Ctx, unit: Unit, day: dt.date) -> str | None:
    """Why ``unit``'s meeting cannot be on ``day``: a public holiday, a blackout or a closed day (else None)."""
    if day in ctx.cal.holidays:
        return f"public holiday ({ctx.cal.holidays[day]})"
    for c in ctx.s.calendar.blackouts:
        if c.covers(day):
            return f"blackout ({c.reason})" if c.reason else "blackout"
    for c in unit.closed:
        if c.covers(day):
            return f"closed ({c.reason})" if c.reason else "closed"
    return None


def _check_meeting_days(ctx: _Ctx) -> None:
    """Each unit's meeting has a possible day in every month of the window (unless a fixed date pins it)."""
    pinned = {(f.unit, f.month) for f in ctx.s.fixed if isinstance(f, FixedDate)}
    for i, unit in enumerate(ctx.s.units):
        if unit.meeting is None:
            continue
        bad = [mo for mo in ctx.inst.months if (unit.id, mo) not in pinned
               and not ctx.cal.candidates(unit.meeting, unit.closed, mo)]
        if not bad:
            continue
        details = "; ".join(f"in {mo}: {_blocked_window(ctx, unit, mo)}" for mo in bad)
        ctx.add(("units", i, "meeting"),
                f"the meeting ({_describe_meeting(unit.meeting)}) of '{unit.id}' has no possible day {details}",
                "widen 'flex' or allow more 'weekdays' (or pin a date for that month under 'fixed')")


def _describe_meeting(meeting: Meeting) -> str:
    before, after = meeting.flex
    text = f"day {meeting.day}, flex {before}" if before == after else f"day {meeting.day}, flex [{before}, {after}]"
    return text + (f", weekdays {', '.join(meeting.weekdays)}" if meeting.weekdays is not None else "")


def _blocked_window(ctx: _Ctx, unit: Unit, month: Month) -> str:
    """Each day of the meeting's window in ``month`` and what blocks it, consecutive days as ranges."""
    assert unit.meeting is not None
    pref = preferred_date(unit.meeting, month)
    before, after = unit.meeting.flex
    runs: list[tuple[dt.date, dt.date, str]] = []
    for day in month_days(month):
        if not -before <= (day - pref).days <= after:
            continue
        weekday = WEEKDAYS[day.weekday()]
        if unit.meeting.weekdays is not None and weekday not in unit.meeting.weekdays:
            reason = f"{weekday}, not an allowed weekday"
        else:
            reason = _blocker(ctx, unit, day) or "free"
        if runs and runs[-1][2] == reason and (day - runs[-1][1]).days == 1:
            runs[-1] = (runs[-1][0], day, reason)
        else:
            runs.append((day, day, reason))
    return ", ".join(f"{a.isoformat()}{'..' + b.isoformat() if b != a else ''} {why}" for a, b, why in runs)


# ---------------------------------------------------------------------------------------------- fixed
_MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _check_fixed(ctx: _Ctx) -> None:
    """Pins name known members and units, months ``YYYY-MM`` inside the window, meeting units, and dates that
    lie in their month and are not blocked; two pins on the same thing do not contradict each other."""
    seen: dict[tuple[Any, ...], tuple[int, Any]] = {}
    for i, f in enumerate(ctx.s.fixed):
        path: FieldPath = ("fixed", i)
        if isinstance(f, (FixedCharge, FixedAttendance)) and f.member not in ctx.inst.members:
            ctx.unknown_member(path + ("member",), f.member)
        unit = ctx.units.get(f.unit)
        if unit is None:
            ctx.unknown_unit(path + ("unit",), f.unit)
        month_ok = isinstance(f, FixedCharge) or _check_month(ctx, path, f.month)
        if isinstance(f, (FixedAttendance, FixedDate)) and unit is not None and unit.meeting is None:
            ctx.add(path + ("unit",), f"unit '{f.unit}' holds no meeting", "give the unit a 'meeting' or drop this pin")
        if isinstance(f, FixedDate) and month_ok and unit is not None:
            _check_fixed_date(ctx, path, f, unit)
        key, value = _pin_key(f)
        if key in seen and seen[key][1] != value:
            ctx.add(path, f"contradicts fixed[{seen[key][0]}] ({ctx.where.at(('fixed', seen[key][0]))})",
                    "keep one of the two pins")
        seen.setdefault(key, (i, value))


def _check_month(ctx: _Ctx, path: FieldPath, month: str) -> bool:
    if not _MONTH_RE.match(month):
        ctx.add(path + ("month",), f"'{month}' is not a month written YYYY-MM", "e.g. month: 2026-03")
        return False
    if month not in ctx.inst.months:
        ctx.add(path + ("month",), f"{month} is outside the planning window "
                f"{ctx.inst.months[0]}..{ctx.inst.months[-1]}")
        return False
    return True


def _check_fixed_date(ctx: _Ctx, path: FieldPath, f: FixedDate, unit: Unit) -> None:
    if f"{f.date.year:04d}-{f.date.month:02d}" != f.month:
        ctx.add(path + ("date",), f"{f.date.isoformat()} is not in {f.month}", "the date must lie in the pinned month")
        return
    why = _blocker(ctx, unit, f.date)
    if why is not None:
        ctx.add(path + ("date",), f"'{unit.id}' cannot meet on {f.date.isoformat()}: {why}", "pin another day")


def _pin_key(f: FixedCharge | FixedAttendance | FixedDate) -> tuple[tuple[Any, ...], Any]:
    if isinstance(f, FixedCharge):
        return ("charge", f.member, f.unit), f.charge
    if isinstance(f, FixedAttendance):
        return ("attend", f.member, f.unit, f.month), f.attend
    return ("date", f.unit, f.month), f.date
