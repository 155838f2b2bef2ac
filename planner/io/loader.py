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
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import hashlib
import io
import os
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

import yaml
from pydantic import BaseModel, ValidationError

from planner.calendar import Calendar, Month, month_days, preferred_date
from planner.errors import InputError, Problem
from planner.instance import Instance
from planner.scenario import (
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

__all__ = ["load_scenario", "read_yaml_mapping", "validate_mapping", "MAX_FILE_BYTES"]

MAX_FILE_BYTES = 5_000_000  # a scenario or table file; a whole province's scenario is well under 1 MB
MAX_DEPTH = 64  # nesting of lists and mappings (the format needs about 6)
MAX_NODES = 1_000_000  # values in the YAML once every alias is expanded
MAX_TABLE_ROWS = 50_000  # rows of a unit or member table
_MAX_TABLE_COLUMNS = 256  # columns read from a sheet (the format has about 15)


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
    data = _nfc(data)
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
def _read_bytes(path: Path, file: str, what: str = "scenario file") -> bytes:
    """The file must exist, be a regular file, be readable and hold at most `MAX_FILE_BYTES` bytes."""
    def fail(message: str, hint: str = "") -> InputError:
        return InputError([Problem(file, None, None, message, hint)])

    if path.is_dir():
        raise fail("this is a directory, not a scenario file", "give the path of a .yaml file")
    if not path.exists():
        raise fail("file not found", "check the path (it is relative to the current directory)")
    if not path.is_file():
        raise fail(f"this is not a regular file (a device or a pipe), not a {what}")
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)  # never more, whatever the file claims to be
            size = max(os.fstat(fh.fileno()).st_size, len(raw))
    except OSError as exc:
        raise fail(f"cannot read the file: {exc.strerror or exc}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise fail(f"the file is too large ({_megabytes(size)}); a {what} may be at most "
                   f"{_megabytes(MAX_FILE_BYTES)}", "check that this is the right file (a whole province's "
                   "scenario is well under 1 MB)")
    return raw


def _megabytes(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 100_000 else f"{n:,} bytes"


_BOMS = ((b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32"), (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32"),
         (b"\xef\xbb\xbf", "utf-8", "UTF-8"), (b"\xfe\xff", "utf-16-be", "UTF-16"),
         (b"\xff\xfe", "utf-16-le", "UTF-16"))


def _bom(raw: bytes) -> tuple[str, str, int] | None:
    """(codec, name, length) of the byte-order mark ``raw`` starts with, if any (UTF-32 tested before UTF-16)."""
    for mark, codec, name in _BOMS:
        if raw.startswith(mark):
            return codec, name, len(mark)
    return None


def _decode_bom(raw: bytes, file: str, row: bool) -> str | None:
    """The text of a file that starts with a byte-order mark (None if it has none)."""
    bom = _bom(raw)
    if bom is None:
        return None
    codec, name, length = bom
    try:
        return raw[length:].decode(codec)
    except UnicodeDecodeError as exc:
        raise InputError([Problem(file, None, None, f"the file starts as {name} text but is damaged at byte "
                                  f"{exc.start + length}", "save it again as UTF-8", row=row)]) from None


def _decode(raw: bytes, file: str) -> str:
    """Scenario files are UTF-8 (a leading BOM is allowed; UTF-16/32 with a BOM, as Notepad's "Unicode", too)."""
    text = _decode_bom(raw, file, row=False)
    if text is not None:
        return text
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError([Problem(file, line, None, f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x})",
                                  "save it as UTF-8 (in Notepad: Save as… → Encoding: UTF-8)")]) from None


def _nfc(value: Any) -> Any:
    """``value`` with every string in it (keys too) in Unicode NFC."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {_nfc(k): _nfc(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_nfc(v) for v in value)
    return value


def _timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    """A date as the safe loader reads it, except that an impossible date (``2026-02-30``) stays text so that
    validation can name it."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError, AttributeError):  # AttributeError: "!!timestamp x", not a date at all
        return loader.construct_scalar(node)


class _Loader(yaml.SafeLoader):
    """The safe loader (pure Python: its error messages are the ones we show), with `_timestamp`."""


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)
_FastLoader: type | None = None
if getattr(yaml, "__with_libyaml__", False):
    class _FastLoader(yaml.CSafeLoader):  # type: ignore[no-redef]
        """The same safe loader on libyaml, about ten times faster; used only for files it reads without error."""

    _FastLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)

_MAP_TAG, _SEQ_TAG = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"


def _parse_yaml(text: str, file: str) -> tuple[dict[str, Any], dict[FieldPath, int]]:
    """Safe-load the YAML into plain data (every string NFC) plus a map from each key's path to its 1-based line.

    The file must hold one mapping at the top; syntax errors, duplicate keys and keys that are not words are
    problems with their line. Nesting deeper than `MAX_DEPTH` and aliases that expand beyond `MAX_NODES`
    values are refused before anything is built from them.
    """
    _check_nesting(text, file)
    problems: list[Problem] = []
    lines: dict[FieldPath, int] = {}
    try:
        loader, node = _compose(text)
        try:
            if node is not None:
                _check_expansion(node, file)
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


def _compose(text: str) -> tuple[yaml.SafeLoader, yaml.Node | None]:
    """Compose ``text`` into nodes: with libyaml when it reads the file without error, else with the
    pure-Python loader, whose errors (and messages) are the ones raised. Returns the loader (to construct
    values with) and the root node."""
    if _FastLoader is not None and not yaml.reader.Reader.NON_PRINTABLE.search(text):
        fast = _FastLoader(text)
        try:
            return fast, fast.get_single_node()
        except yaml.YAMLError:
            fast.dispose()
    loader = _Loader(text)  # checks that every character is printable
    try:
        return loader, loader.get_single_node()
    except BaseException:
        loader.dispose()
        raise


_NESTING_RE = re.compile(r"[\[\]{}]|(?:^|(?<=\s))[-?](?=\s|$)")


def _check_nesting(text: str, file: str) -> None:
    """Refuse text that may nest deeper than `MAX_DEPTH` levels before a parser sees it (libyaml overflows its
    stack on deep nesting, PyYAML hits Python's recursion limit). A cheap over-estimate, line by line: the
    indentation, plus the flow brackets open, plus the block indicators (``- ``, ``? ``) on the line."""
    limit = 4 * MAX_DEPTH  # generous: an indentation of two spaces per level counts two
    flow = 0
    for number, line in enumerate(text.splitlines(), 1):
        base = len(line) - len(line.lstrip(" "))
        deepest = base + flow
        indicators = 0
        for match in _NESTING_RE.finditer(line):
            char = match.group()
            if char in "[{":
                flow += 1
            elif char in "]}":
                flow = max(0, flow - 1)
            else:
                indicators += 1
            deepest = max(deepest, base + flow + indicators)
        if deepest > limit:
            raise InputError([Problem(file, number, None, f"lists and mappings nest too deeply here (more than "
                                      f"{MAX_DEPTH} levels)", "a scenario needs only a few levels; check the "
                                      "brackets and the indentation")])


def _check_expansion(root: yaml.Node, file: str) -> None:
    """Count the values the YAML holds once every alias (``*name``) is expanded, and their depth, without
    expanding anything: aliases that make a small file huge ("billion laughs") are refused here."""
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    active: set[int] = set()

    def visit(node: yaml.Node, level: int) -> None:
        key = id(node)
        if key in size or key in active:
            return
        if level > MAX_DEPTH:
            raise InputError([Problem(file, node.start_mark.line + 1, None, f"lists and mappings nest more than "
                                      f"{MAX_DEPTH} levels deep (counting what aliases repeat)",
                                      "a scenario needs only a few levels")])
        active.add(key)
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        total, deepest = 1, 0
        for child in children:
            visit(child, level + 1)
            total += size.get(id(child), 1)
            deepest = max(deepest, depth.get(id(child), 0))
        active.discard(key)
        size[key], depth[key] = total, deepest + 1
        if total > MAX_NODES:
            raise InputError([Problem(file, node.start_mark.line + 1, None, f"aliases (*name) repeat this part so "
                                      f"often that the file would hold more than {MAX_NODES:,} values",
                                      "write the items out, or repeat less (anchors and aliases copy what they "
                                      "name at every use)")])
        if level + depth[key] > MAX_DEPTH + 1:
            raise InputError([Problem(file, node.start_mark.line + 1, None, f"lists and mappings nest more than "
                                      f"{MAX_DEPTH} levels deep (counting what aliases repeat)",
                                      "a scenario needs only a few levels")])

    visit(root, 1)


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
    """Construct the data of ``node`` (as ``yaml.safe_load`` would, every string NFC), recording the line of
    every key and item."""
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
        return _construct(loader, node, path, problems, file)
    except yaml.constructor.ConstructorError as exc:
        problems.append(_yaml_problem(exc, file))
        return None


def _construct(loader: yaml.SafeLoader, node: yaml.Node, path: FieldPath, problems: list[Problem],
               file: str) -> Any:
    """A scalar (or a set, omap, …) as the safe loader constructs it, NFC; a value its tag cannot hold
    (``!!int x``, ``!!bool maybe``, an integer of 5000 digits) is a problem, not an exception."""
    try:
        return _nfc(loader.construct_object(node, deep=True))
    except yaml.constructor.ConstructorError:
        raise
    except (ValueError, OverflowError, KeyError, AttributeError, TypeError, IndexError) as exc:
        shown = node.value if isinstance(node, yaml.ScalarNode) and isinstance(node.value, str) else ""
        if "digits" in str(exc):
            message = f"a number of {sum(c.isdigit() for c in shown)} digits is too long"
            hint = "the numbers of a scenario are small (at most 100,000)"
        else:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            message = f"cannot read {_show(shown)} as {tag}" if shown else f"cannot read this value as {tag}"
            hint = "remove the tag (!!…) or write a value of that type"
        problems.append(Problem(file, node.start_mark.line + 1, _path_text(path) or None, message, hint))
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
        before = len(problems)
        key = _construct(loader, key_node, path, problems, file) if isinstance(key_node, yaml.ScalarNode) else None
        if len(problems) > before:
            continue
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
    """``units:``/``members:`` as a path: the table must exist and be .csv or .xlsx. A relative path is taken
    from the YAML file's folder and may not leave it (``../../etc/passwd.csv`` is refused); an absolute path
    is the user's own choice and is read as given.

    Returns the rows as items like those written inline; the table's bytes are added to ``digest``.
    """
    if os.sep == "/":
        ref = ref.replace("\\", "/")  # tables\units.csv, as written on Windows
    path = Path(ref) if Path(ref).is_absolute() else base / ref
    where.tables[key] = table = _Table(str(path))

    def fail(message: str, hint: str = "") -> list[Any]:
        problems.append(Problem(where.file, where.line((key,)), key, message, hint))
        return []

    if "\x00" in ref or not ref.strip():
        return fail(f"{_show(ref)} is not the name of a table file", f"give a .csv or .xlsx file, or list the {key} here")
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        return fail(f"'{ref}' is not a table: give a .csv or .xlsx file, or list the {key} here",
                    "save the spreadsheet as .xlsx or as CSV UTF-8" if suffix in (".xls", ".ods") else "")
    if not Path(ref).is_absolute():
        try:
            inside = path.resolve().is_relative_to(base.resolve())
        except (OSError, RuntimeError, ValueError):
            inside = False
        if not inside:
            return fail(f"'{ref}' lies outside the folder of the scenario file ({base.resolve()})",
                        "a relative table path may only lead into that folder or below it; move the table "
                        "there, or give its absolute path")
    if not path.is_file():
        return fail(f"table file '{ref}' not found (looked for {path})",
                    "the path is relative to the folder of the scenario file")
    try:
        raw = _read_bytes(path, table.file, "table")
        if suffix == ".csv":
            rows = _csv_rows(raw, table.file, _UNIT_COLUMNS if key == "units" else _MEMBER_COLUMNS)
        else:
            rows = _xlsx_rows(raw, table.file)
    except InputError as exc:
        problems.extend(exc.problems)
        return []
    except Exception as exc:  # openpyxl/zipfile/csv raise many kinds for a damaged file
        return fail(f"cannot read table '{ref}': {exc}", "open it in a spreadsheet program and save it again")
    digest.update(raw)
    return _table_items(rows, key, table, problems)


def _table_text(raw: bytes, file: str) -> str:
    """The text of a CSV table, as Excel and others write it: UTF-8 (BOM or not), UTF-16/32 with a BOM
    ("Unicode text"), else Windows-1258, the Vietnamese ANSI code page of Excel's plain "CSV"."""
    def fail(message: str, hint: str, row: int | None = None) -> InputError:
        return InputError([Problem(file, row, None, message, hint, row=True)])

    text = _decode_bom(raw, file, row=True)
    if text is not None:
        return text
    if raw.startswith(b"PK\x03\x04"):
        raise fail("this is an Excel workbook (.xlsx), not CSV text", "rename it to .xlsx, or save it as CSV UTF-8")
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise fail("this is an old Excel workbook (.xls), not CSV text",
                   "open it in Excel and save it as .xlsx or as CSV UTF-8")
    head = raw[:4096]
    if head.count(b"\x00") * 4 > len(head):  # UTF-16 without a BOM: every other byte of ASCII text is 0
        codec = "utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be"
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            raise fail("this is not a text file (it holds binary data)", "save the table as CSV UTF-8") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1258")
    except UnicodeDecodeError as exc:
        raise fail(f"the table is not UTF-8 text, nor Windows-1258 (byte 0x{raw[exc.start]:02x})",
                   "save it as 'CSV UTF-8' (Excel: Save as → CSV UTF-8)", raw[: exc.start].count(b"\n") + 1) from None


def _csv_rows(raw: bytes, file: str, allowed: tuple[str, ...]) -> list[tuple[int, list[str]]]:
    """The non-blank rows of a CSV table, numbered from 1 (the header), every cell stripped and NFC. The
    separator is ``,``, ``;`` (Excel in locales that write decimal commas) or a tab, whichever makes the
    header row name the most known columns; an Excel ``sep=;`` line is honoured."""
    text = _table_text(raw, file)
    first, _, rest = text.partition("\n")
    sep = re.fullmatch(r"sep=(.)\r?", first)
    if sep:
        text, first = rest, rest.partition("\n")[0]
    delimiter = _delimiter(first, allowed) if not sep else sep.group(1)
    rows = []
    for n, cells in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), 1):
        cells = [unicodedata.normalize("NFC", c.strip()) for c in cells]
        if any(cells):
            rows.append((n, cells))
            _check_rows(len(rows), file, n)
    return rows


def _delimiter(header: str, allowed: tuple[str, ...]) -> str:
    best, score = ",", (-1, -1)
    for candidate in (",", ";", "\t"):
        names = [c.strip().lower() for c in next(csv.reader([header], delimiter=candidate), [])]
        here = (sum(name in allowed for name in names), len(names))
        if here > score:
            best, score = candidate, here
    return best


def _check_rows(count: int, file: str, row: int) -> None:
    if count > MAX_TABLE_ROWS + 1:
        raise InputError([Problem(file, row, None, f"the table has more than {MAX_TABLE_ROWS:,} rows",
                                  "check that this is the right table (one row per unit or member)", row=True)])


def _xlsx_rows(raw: bytes, file: str) -> list[tuple[int, list[str]]]:
    """The non-blank rows of the first sheet of an .xlsx workbook, every cell as NFC text. Merged cells are
    refused (a merged header hides column names; merged data cells hold their value only in the first)."""
    import zipfile

    import openpyxl

    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > 20 * MAX_FILE_BYTES:
        raise InputError([Problem(file, None, None, f"the workbook unpacks to {_megabytes(unpacked)}, more than "
                                  f"{_megabytes(20 * MAX_FILE_BYTES)}", "keep only the table in it, on the first "
                                  "sheet", row=True)])
    book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        _check_merged(book, sheet, file)
        width = min(sheet.max_column or _MAX_TABLE_COLUMNS, _MAX_TABLE_COLUMNS)
        rows = []
        for n, values in enumerate(sheet.iter_rows(max_col=width, values_only=True), 1):
            cells = [_cell_text(v) for v in values[:width]]
            if any(cells):
                rows.append((n, cells))
                _check_rows(len(rows), file, n)
        return rows
    finally:
        book.close()


def _check_merged(book: Any, sheet: Any, file: str) -> None:
    """Refuse merged cells, naming them (read from the sheet's XML: openpyxl's read-only mode skips them)."""
    from xml.etree.ElementTree import iterparse

    from openpyxl.utils.cell import range_boundaries

    try:
        source = book._archive.open(sheet._worksheet_path)
    except (AttributeError, KeyError):  # another openpyxl: merged cells then show up as blank cells
        return
    refs = []
    with source:
        for _, element in iterparse(source):
            if element.tag.rpartition("}")[2] == "mergeCell" and element.get("ref"):
                refs.append(element.get("ref"))
            element.clear()
    problems = []
    for ref in refs[:20]:
        try:
            top = range_boundaries(ref)[1]
        except ValueError:
            continue
        if top == 1:
            problems.append(Problem(file, 1, None, f"the header cells {ref} are merged",
                                    "unmerge them (Excel: Home → Merge & Center) so that every column has its own "
                                    "name in row 1; put any title above the table on another sheet", row=True))
        else:
            problems.append(Problem(file, top, None, f"the cells {ref} are merged: only the first holds the value",
                                    "unmerge them and write the value in every cell", row=True))
    if problems:
        raise InputError(problems)


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
    return unicodedata.normalize("NFC", str(value).strip())


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
        _check_country, _check_selectors, _check_meeting_days, _check_fixed, _check_formula_text,
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
        _report_duplicate_ids(ctx, key, items, key[:-1], "; ids must be unique")


def _report_duplicate_ids(ctx: _Ctx, key: str, items, what: str, hint: str = "") -> None:
    """Each item whose id an earlier item of ``items`` (at ``key``) already has, reported at the duplicate."""
    first: dict[str, int] = {}
    for i, item in enumerate(items):
        if not item.id:
            continue
        if item.id in first:
            ctx.add((key, i, "id"), f"duplicate {what} id '{item.id}'",
                    f"first used at {ctx.where.at((key, first[item.id]))}{hint}")
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


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _check_formula_text(ctx: _Ctx) -> None:
    """Ids, names and kinds go into the plan's CSV files; one starting with ``=``, ``+``, ``-`` or ``@`` would be
    run as a formula by the spreadsheet that opens them, so a scenario cannot smuggle code into a plan."""
    fields = {"units": ("id", "name", "kind"), "members": ("id", "name")}
    for key, items in (("units", ctx.s.units), ("members", ctx.s.members)):
        for i, item in enumerate(items):
            for name in fields[key]:
                text = getattr(item, name)
                if text.startswith(_FORMULA_STARTS):
                    ctx.add((key, i, name), f"{_show(text)} starts with {_show(text[0])}, which a spreadsheet "
                            "opening the plan would run as a formula", f"remove the leading {_show(text[0])}")


def _check_rule_ids(ctx: _Ctx) -> None:
    """Rule ids are unique within each family (responsibility, attendance, coverage)."""
    for family in ("responsibility", "attendance", "coverage"):
        _report_duplicate_ids(ctx, family, getattr(ctx.s, family), f"{family} rule")


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
