"""Unit and member tables: ``units:``/``members:`` given as the path of a CSV or XLSX file (which must stay
inside the scenario's folder when relative), and the sheets of a workbook (`planner.io.workbook`). CSV text is
told by its BOM, else UTF-8, else Windows-1258; the separator (``,``, ``;`` or tab, or an Excel ``sep=`` line)
by the header row; XLSX tables are read from the first visible sheet. Every cell becomes NFC text.

A table is read as an office keeps it: the header row is found (title rows above it, merged or not, are
skipped, and so is a row numbering the columns under it: ``(1) (2) (3)``); a header names its field by the
English field name or a Vietnamese name (`planner.io.aliases`: ``Họ và tên``, ``Chức vụ``, ``Nơi cư trú``…,
in any case, with or without diacritics); ``STT``, ``Ghi chú`` and the like are ignored; coded values may be
written as offices write them (``Bí thư``, ``Ủy viên BTV``, ``thôn``, ``Thứ Hai``, dates as 08/03/2026); a
``Chức vụ`` that is not a party role (``Phó Chủ tịch UBND xã``) is the member's ``title``; ids may be left out
(derived from the names, see `derive_ids`), and units and members may be named instead of given by id
(`resolve_references`). Unknown and repeated columns, merged cells in the table and values that cannot be read
are problems naming the row and the column as written.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from planner.errors import InputError, Problem
from planner.io.aliases import (
    COLUMNS,
    ROLE_LABELS,
    ROLE_QUALIFIERS,
    VALUES,
    Column,
    fold,
    header_index,
    value_index,
)
from planner.io.files import MAX_FILE_BYTES, MAX_TABLE_COLUMNS, MAX_TABLE_ROWS, decode_bom, megabytes, read_bytes
from planner.io.locations import Table, Where, show
from planner.scenario import Conflict, Meeting, Member, Unit

_UNIT_COLUMNS = tuple(n for n in Unit.model_fields if n != "meeting") + tuple(
    f"meeting_{n}" for n in Meeting.model_fields
)
_MEMBER_COLUMNS = tuple(Member.model_fields)
_DATE_RE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
_VN_DATE_RE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_INT_RE = re.compile(r"^[+-]?\d+$")
_HEADER_SCAN = 20  # the header row is looked for in the first rows of a sheet


def load_table(base: Path, key: str, ref: str, where: Where, digest: Any, problems: list[Problem]) -> list[Any]:
    """``units:``/``members:`` as a path: the table must exist and be .csv or .xlsx. A relative path is taken
    from the YAML file's folder and may not leave it (``../../etc/passwd.csv`` is refused); an absolute path
    is the user's own choice and is read as given.

    Returns the rows as items like those written inline; the table's bytes are added to ``digest``.
    """
    if os.sep == "/":
        ref = ref.replace("\\", "/")  # tables\units.csv, as written on Windows
    path = Path(ref) if Path(ref).is_absolute() else base / ref
    where.tables[key] = table = SheetTable(str(path))

    def fail(message: str, hint: str = "") -> list[Any]:
        problems.append(Problem(where.file, where.line((key,)), key, message, hint))
        return []

    if "\x00" in ref or not ref.strip():
        return fail(
            f"{show(ref)} is not the name of a table file", f"give a .csv or .xlsx file, or list the {key} here"
        )
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        return fail(
            f"'{ref}' is not a table: give a .csv or .xlsx file, or list the {key} here",
            "save the spreadsheet as .xlsx or as CSV UTF-8" if suffix in (".xls", ".ods") else "",
        )
    if not Path(ref).is_absolute():
        try:
            inside = path.resolve().is_relative_to(base.resolve())
        except (OSError, RuntimeError, ValueError):
            inside = False
        if not inside:
            return fail(
                f"'{ref}' lies outside the folder of the scenario file ({base.resolve()})",
                "a relative table path may only lead into that folder or below it; move the table "
                "there, or give its absolute path",
            )
    if not path.is_file():
        return fail(
            f"table file '{ref}' not found (looked for {path})",
            "the path is relative to the folder of the scenario file",
        )
    try:
        raw = read_bytes(path, table.file, "table")
        merged: list[str] = []
        if suffix == ".csv":
            rows = _csv_rows(raw, table.file, _UNIT_COLUMNS if key == "units" else _MEMBER_COLUMNS)
        else:
            sheets = read_xlsx(raw, table.file, first_only=True)
            rows, merged = sheets[0][1], sheets[0][2]
    except InputError as exc:
        problems.extend(exc.problems)
        return []
    except Exception as exc:  # openpyxl/zipfile/csv raise many kinds for a damaged file
        return fail(f"cannot read table '{ref}': {exc}", "open it in a spreadsheet program and save it again")
    digest.update(raw)
    return table_items(rows, key, table, problems, merged)


def _table_text(raw: bytes, file: str) -> str:
    """The text of a CSV table, as Excel and others write it: UTF-8 (BOM or not), UTF-16/32 with a BOM
    ("Unicode text"), else Windows-1258, the Vietnamese ANSI code page of Excel's plain "CSV"."""

    def fail(message: str, hint: str, row: int | None = None) -> InputError:
        return InputError.one(file, row, None, message, hint, row=True)

    text = decode_bom(raw, file, row=True)
    if text is not None:
        return text
    if raw.startswith(b"PK\x03\x04"):
        raise fail("this is an Excel workbook (.xlsx), not CSV text", "rename it to .xlsx, or save it as CSV UTF-8")
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise fail(
            "this is an old Excel workbook (.xls), not CSV text",
            "open it in Excel and save it as .xlsx or as CSV UTF-8",
        )
    head = raw[:4096]
    if head.count(b"\x00") * 4 > len(head):  # UTF-16 without a BOM: every other byte of ASCII text is 0
        codec = "utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be"
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            raise fail("this is not a text file (it holds binary data)", "save the table as CSV UTF-8") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        _refuse_mixed_encodings(raw, exc.start, fail)
    try:
        return raw.decode("cp1258")
    except UnicodeDecodeError as exc:
        raise fail(
            f"the table is not UTF-8 text, nor Windows-1258 (byte 0x{raw[exc.start]:02x})",
            "save it as 'CSV UTF-8' (Excel: Save as → CSV UTF-8)",
            raw[: exc.start].count(b"\n") + 1,
        ) from None


def _refuse_mixed_encodings(raw: bytes, bad: int, fail: Any) -> None:
    """A table that is not UTF-8 as a whole but holds UTF-8 text on some line (one row pasted from elsewhere,
    or typed in another program) is not one encoding: decoding it all as Windows-1258 would garble those
    rows, so it is refused, naming a row of each kind."""
    bad_line = raw[:bad].count(b"\n") + 1
    for n, line in enumerate(raw.split(b"\n"), 1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            continue
        raise fail(
            f"the table mixes text encodings: line {n} is UTF-8, line {bad_line} is not (Windows-1258?)",
            "save the whole table again as 'CSV UTF-8' (Excel: Save as → CSV UTF-8), and check those rows",
            bad_line,
        )


def _csv_rows(raw: bytes, file: str, allowed: tuple[str, ...]) -> list[tuple[int, list[str]]]:
    """The non-blank rows of a CSV table, numbered from 1 (the header), every cell stripped and NFC. The
    separator is ``,``, ``;`` (Excel in locales that write decimal commas) or a tab, whichever makes the
    header row name the most known columns; an Excel ``sep=;`` line is honoured."""
    text = _table_text(raw, file)
    first, _, rest = text.partition("\n")
    sep = re.fullmatch(r"sep=(.)\r?", first)
    if sep:
        text, first = rest, rest.partition("\n")[0]
    delimiter = _delimiter(text.splitlines()[:_HEADER_SCAN], allowed) if not sep else sep.group(1)
    rows = []
    for n, cells in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), 1):
        cells = [unicodedata.normalize("NFC", c.strip()) for c in cells]
        if any(cells):
            rows.append((n, cells))
            _check_rows(len(rows), file, n)
    return rows


def _delimiter(lines: list[str], allowed: tuple[str, ...]) -> str:
    """The separator that makes one of the first lines (the header, below any title rows) name the most known
    columns (then: the most cells)."""
    known = set(allowed) | set(header_index("units")) | set(header_index("members"))
    best, score = ",", (-1, -1)
    for candidate in (",", ";", "\t"):
        for line in lines:
            cells = next(csv.reader([line], delimiter=candidate), [])
            names = [c.strip().lower() for c in cells]
            here = (sum(n in known or fold(n) in known for n in names), len(names))
            if here > score:
                best, score = candidate, here
    return best


def _check_rows(count: int, file: str, row: int) -> None:
    if count > MAX_TABLE_ROWS + 1:
        raise InputError.one(
            file,
            row,
            None,
            f"the table has more than {MAX_TABLE_ROWS:,} rows",
            "check that this is the right table (one row per unit or member)",
            row=True,
        )


# ---------------------------------------------------------------------------------------------- xlsx
def read_xlsx(
    raw: bytes, file: str, first_only: bool = False
) -> list[tuple[str, list[tuple[int, list[str]]], list[str]]]:
    """The visible sheets of an .xlsx workbook (only the first with ``first_only``): (name, the non-blank rows
    numbered as in the sheet with every cell as NFC text, the merged ranges). A formula whose value was never
    saved is a problem."""
    import zipfile

    import openpyxl

    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > 20 * MAX_FILE_BYTES:
        raise InputError.one(
            file,
            None,
            None,
            f"the workbook unpacks to {megabytes(unpacked)}, more than {megabytes(20 * MAX_FILE_BYTES)}",
            "keep only the table in it, on the first sheet",
            row=True,
        )
    book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    formulas = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
    try:
        visible = [i for i, ws in enumerate(book.worksheets) if getattr(ws, "sheet_state", "visible") == "visible"]
        indices = visible or [0]
        out = []
        problems: list[Problem] = []
        for index in indices[:1] if first_only else indices:
            sheet, source = book.worksheets[index], formulas.worksheets[index]
            name = sheet.title if not first_only else ""
            where = file if first_only else sheet_file(file, name)
            rows = _sheet_rows(sheet, source, where, problems)
            out.append((name, rows, _merged_ranges(book, sheet)))
        if problems:
            raise InputError(problems[:20])
        return out
    finally:
        book.close()
        formulas.close()


def sheet_file(file: str, sheet: str) -> str:
    """How a problem names a sheet of a workbook: ``plan.xlsx, sheet 'Cấp ủy viên'``."""
    return f"{file}, sheet '{sheet}'"


def _sheet_rows(sheet: Any, source: Any, file: str, problems: list[Problem]) -> list[tuple[int, list[str]]]:
    width = min(sheet.max_column or MAX_TABLE_COLUMNS, MAX_TABLE_COLUMNS)
    rows = []
    typed = source.iter_rows(max_col=width, values_only=True)
    for n, values in enumerate(sheet.iter_rows(max_col=width, values_only=True), 1):
        cells = [_cell_text(v) for v in values[:width]]
        written = next(typed, ())
        for c, (value, formula) in enumerate(zip(values[:width], written), 1):
            if value is None and isinstance(formula, str) and formula.startswith("="):
                problems.append(
                    Problem(
                        file,
                        n,
                        None,
                        f"cell {_column_letter(c)}{n} holds a formula ({formula[:40]}) whose value was never saved",
                        "open the workbook in Excel and save it (the values are then stored), or type the value",
                        row=True,
                    )
                )
        if any(cells):
            rows.append((n, cells))
            _check_rows(len(rows), file, n)
    return rows


def _column_letter(n: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(n)


def _merged_ranges(book: Any, sheet: Any) -> list[str]:
    """The merged ranges of a sheet (read from its XML: openpyxl's read-only mode skips them)."""
    from xml.etree.ElementTree import iterparse

    try:
        source = book._archive.open(sheet._worksheet_path)
    except (AttributeError, KeyError):  # another openpyxl: merged cells then show up as blank cells
        return []
    refs: list[str] = []
    with source:
        for _, element in iterparse(source):
            ref = element.get("ref")
            if element.tag.rpartition("}")[2] == "mergeCell" and ref:
                refs.append(ref)
            element.clear()
    return refs


def _check_merged(refs: list[str], header_row: int, file: str, problems: list[Problem]) -> None:
    """Merged cells above the header (a title) are fine; in the header or the table they are refused."""
    from openpyxl.utils.cell import range_boundaries

    for ref in refs[:20]:
        try:
            top, bottom = range_boundaries(ref)[1], range_boundaries(ref)[3]
        except (ValueError, TypeError):
            continue
        if bottom is not None and bottom < header_row:
            continue
        if top is not None and top <= header_row:
            problems.append(
                Problem(
                    file,
                    header_row,
                    None,
                    f"the header cells {ref} are merged",
                    "unmerge them (Excel: Home → Merge & Center) so that every column has its own "
                    "name in the header row; a title above the header row may stay merged",
                    row=True,
                )
            )
        else:
            problems.append(
                Problem(
                    file,
                    top,
                    None,
                    f"the cells {ref} are merged: only the first holds the value",
                    "unmerge them and write the value in every cell",
                    row=True,
                )
            )


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return unicodedata.normalize("NFC", str(value).strip())


# ---------------------------------------------------------------------------------------------- the header
class SheetTable(Table):
    """A `Table` that also knows how its columns are headed (field name → ``column C 'Họ và tên'``), the
    ids it derived from names and which items came from it."""

    def __init__(self, file: str) -> None:
        super().__init__(file)
        self.headers: dict[str, str] = {}
        self.derived: list[str] = []  # notes: "row 3: 'Chi bộ thôn Bản Khoét' → id thon-ban-khoet"
        self.header_row = 1


_NUMBERING = re.compile(r"^\(?\d{1,3}\)?$")


def find_header(rows: list[tuple[int, list[str]]], index: dict[str, Column | None]) -> int:
    """The position in ``rows`` of the header row: the first of the first rows in which at least two cells
    (or every non-blank cell) name known columns; the first row when none does."""
    for pos, (_, cells) in enumerate(rows[:_HEADER_SCAN]):
        filled = [c for c in cells if c]
        known = sum(lookup_header(c, index)[0] for c in filled)
        if known >= 2 or (known and known == len(filled)):
            return pos
    return 0


def lookup_header(text: str, index: dict[str, Column | None]) -> tuple[bool, Column | None]:
    """(known, column) for a header cell: a parenthesised remark (``Ngày họp (hằng tháng)``) may follow."""
    key = fold(text)
    if key in index:
        return True, index[key]
    bare = fold(re.sub(r"\([^)]*\)\s*$", "", text))
    if bare and bare in index:
        return True, index[bare]
    return False, None


def close_match(text: str, choices: list[str]) -> str:
    """``did you mean 'x'?`` comparing folded text (case and diacritics aside), naming the choice as written."""
    import difflib

    folded: dict[str, str] = {}
    for choice in choices:
        folded.setdefault(fold(choice), choice)
    match = difflib.get_close_matches(fold(text), list(folded), n=1, cutoff=0.6)
    return f"did you mean '{folded[match[0]]}'?" if match else ""


def sheet_columns(key: str) -> tuple[Column, ...]:
    """The columns of a sheet: those of `COLUMNS` and, for units and members, every other field of the model
    under its English name (a field added to the format is a column at once)."""
    cols = COLUMNS[key]
    if key not in ("units", "members"):
        return cols
    names = {c.name for c in cols}
    extra = [
        Column(n.replace("meeting_", "meeting.", 1), (n,))
        for n in (_UNIT_COLUMNS if key == "units" else _MEMBER_COLUMNS)
        if n not in names and n != "meeting"
    ]
    return cols + tuple(extra)


def column_index(key: str) -> dict[str, Column | None]:
    index = header_index(key) if key in COLUMNS else {}
    for col in sheet_columns(key):
        for text in (col.name, col.path, *col.headers):
            index.setdefault(fold(text), col)
            index.setdefault(text.lower(), col)
    return index


def read_header(
    rows: list[tuple[int, list[str]]], key: str, table: SheetTable, problems: list[Problem], merged: list[str]
) -> tuple[list[Column | None], list[tuple[int, list[str]]]]:
    """The columns of the header row (None: ignored, unknown or repeated) and the data rows below it."""
    index = column_index(key)
    pos = find_header(rows, index)
    header_row, header = rows[pos]
    table.header_row = header_row
    _check_merged(merged, header_row, table.file, problems)
    columns: list[Column | None] = []
    seen: set[str] = set()
    choices = sorted({t for c in sheet_columns(key) for t in (c.name, *c.headers)})
    for i, name in enumerate(header):
        known, col = lookup_header(name, index) if name else (True, None)
        if not known:
            problems.append(
                Problem(
                    table.file,
                    header_row,
                    name,
                    f"unknown column '{name}'",
                    close_match(name, choices)
                    or f"columns are {', '.join(c.name for c in sheet_columns(key))} (or their Vietnamese names, "
                    "docs/workbook.md); a column to keep but not read may be headed 'Ghi chú'",
                    row=True,
                )
            )
            col = None
        elif col is not None and col.path in seen:
            problems.append(Problem(table.file, header_row, name, f"column '{name}' appears twice", row=True))
            col = None
        elif col is not None:
            seen.add(col.path)
            letter = _column_letter(i + 1)
            same = fold(name) in (fold(col.name), fold(col.path))
            table.headers[col.name] = col.name if same else f"column {letter} '{name}'"
        columns.append(col)
    if any(c is None and n and not lookup_header(n, index)[0] for c, n in zip(columns, header)):
        # an unknown column is reported once: the fields it may have meant are then not "missing" on every row
        table.missing_columns |= {c.name for c in sheet_columns(key) if c.path not in seen}
    body = rows[pos + 1 :]
    if body and all(_NUMBERING.match(c) for c in body[0][1] if c) and sum(bool(c) for c in body[0][1]) >= 2:
        body = body[1:]  # (1) (2) (3)…: the columns numbered under the header
    return columns, body


# ---------------------------------------------------------------------------------------------- the items
def table_items(
    rows: list[tuple[int, list[str]]],
    key: str,
    table: SheetTable,
    problems: list[Problem],
    merged: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """The items of a unit or member table: its header found, each non-blank row below it one item; ids
    derived where none is given, a unit's kind from its name where no kind is given."""
    if not rows:
        problems.append(Problem(table.file, None, None, "the table is empty", "the first row names the columns"))
        return []
    columns, body = read_header(rows, key, table, problems, list(merged))
    paths = {c.path for c in columns if c is not None}
    required = ["name", "committee"] if key == "members" else ["name"]  # a unit's kind may be told by its name
    for name in required:
        written = _col(key, name)
        if name not in paths:
            table.missing_columns.add(name)
            problems.append(
                Problem(
                    table.file,
                    table.header_row,
                    name,
                    f"the required column '{name}' is missing",
                    f"add a column '{name}' to the header row" + (f" (or '{written.header}')" if written else ""),
                    row=True,
                )
            )
    items = []
    for number, cells in body:
        if not any(cells):
            continue
        items.append(row_item(number, cells, columns, key, table.file, problems))
        table.rows.append(number)
    if key == "units":
        untold = []
        for item, number in zip(items, table.rows):
            if "kind" not in item and isinstance(item.get("name"), str):
                kind = kind_from_name(item["name"])
                if kind:
                    item["kind"] = kind
                else:
                    untold.append(str(number))
        if untold and "kind" not in paths:
            table.missing_columns.add("kind")
            problems.append(
                Problem(
                    table.file,
                    table.header_row,
                    "kind",
                    "the required column 'kind' is missing",
                    f"add a column 'kind' (or 'Loại': thôn, trường, y tế, quân sự, công an, cơ quan, đảng ủy xã…); "
                    f"the names in row{'s' if len(untold) > 1 else ''} {', '.join(untold[:5])} do not tell the kind",
                    row=True,
                )
            )
    derive_ids(items, table, "unit" if key == "units" else "member")
    return items


def _col(key: str, path: str) -> Column | None:
    return next((c for c in COLUMNS.get(key, ()) if c.path == path), None)


def row_item(
    number: int, cells: list[str], columns: list[Column | None], key: str, file: str, problems: list[Problem]
) -> dict[str, Any]:
    """One row as an item: empty cells omitted, nested fields (``meeting.day``) nested, values converted."""
    item: dict[str, Any] = {}
    for i, text in enumerate(cells):
        if not text:
            continue
        col = columns[i] if i < len(columns) else None
        if i >= len(columns):
            problems.append(
                Problem(
                    file,
                    number,
                    None,
                    f"a value ('{text}') in a column without a header",
                    "name the column in the header row or empty the cell",
                    row=True,
                )
            )
            continue
        if col is None:
            continue
        try:
            if col.family == "role":
                roles, rest = parse_roles(text)
                if roles:
                    put(item, col.path, roles)
                if rest:
                    if key == "members" and "title" not in item:
                        item["title"] = rest
                    else:
                        raise ValueError(f"'{rest}' is not a party role; write {_role_hint()}")
                continue
            put(item, col.path, cell_value(col, text, MODELS.get(key)))
        except ValueError as exc:
            problems.append(Problem(file, number, col.name, str(exc), row=True))
    return item


def put(item: dict[str, Any], path: str, value: Any) -> None:
    """``item[a][b] = value`` for the path ``a.b``."""
    *parents, last = path.split(".")
    node = item
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = value


MODELS: dict[str, Any] = {"units": Unit, "members": Member}


def _annotation(model: Any, path: str) -> Any:
    """The annotation of the field at ``path`` of a pydantic model (None if unknown)."""
    from planner.io.validation import _find_model

    annotation: Any = None
    for part in path.split("."):
        if model is None:
            return None
        fields = {(f.alias or n): f for n, f in model.model_fields.items()} | dict(model.model_fields)
        if part not in fields:
            return None
        annotation = fields[part].annotation
        model = _find_model(annotation)
    return annotation


def _shape(annotation: Any) -> str:
    """``conflicts``, ``list``, ``date``, ``bool`` or ``text`` for a field's annotation."""
    from typing import get_args, get_origin

    text = str(annotation)
    if "Conflict" in text:
        return "conflicts"
    args = get_args(annotation)
    if get_origin(annotation) is tuple and len(args) == 2 and args[1] is Ellipsis:
        return "list"
    if any(get_origin(a) is tuple and len(get_args(a)) == 2 and get_args(a)[1] is Ellipsis for a in args):
        return "list"
    if annotation is dt.date or dt.date in args:
        return "date"
    if annotation is bool or (bool in args and int not in args):
        return "bool"
    return "text"


def cell_value(col: Column, text: str, model: Any, shape: str | None = None) -> Any:
    """The value of one non-empty cell of ``col``; ValueError says what is wrong with it."""
    if col.path == "meeting.flex":
        parts = split(text)
        if len(parts) not in (1, 2) or not all(_INT_RE.match(p) for p in parts):
            raise ValueError(f"'{text}' is not a flex: write a number of days (2), or before;after (0;3)")
        return int(parts[0]) if len(parts) == 1 else [int(p) for p in parts]
    if shape is None:
        shape = _shape(_annotation(model, col.path)) if model is not None else "text"
    if shape == "conflicts":
        return [conflict_item(part) for part in split(text)]
    if shape == "list":
        parts = split(text)
        if col.family == "weekday":
            return weekdays(parts)
        return [code(col.family, p) if col.family else p for p in parts]
    if shape == "date":
        return parse_date(text)
    if shape == "bool" or col.family == "bool":
        return parse_bool(text)
    return code(col.family, text) if col.family else text


def split(text: str) -> list[str]:
    """The items of a list cell: separated by ``;``, ``,`` or line breaks."""
    return [part.strip() for part in re.split(r"[;,\n]", text) if part.strip()]


_FREE_FAMILIES = frozenset({"kind"})  # a unit kind of the user's own is a kind too


def code(family: str, text: str) -> str:
    """The code of a coded value written as a label or as the code (``Thứ Hai`` → ``mon``)."""
    index = value_index(family)
    key = fold(text)
    if key in index:
        return index[key]
    if family in _FREE_FAMILIES:
        return text
    labels = [t for labels in VALUES[family].values() for t in labels[:1]]
    raise ValueError(
        f"'{text}' is not one of: {', '.join(labels)}"
        + (f"; {hint}" if (hint := close_match(text, [*labels, *VALUES[family]])) else "")
    )


def parse_bool(text: str) -> bool:
    return code("bool", text) == "true"


def weekdays(parts: list[str]) -> list[str]:
    """Weekdays written as codes or labels, a part may be a range (``Thứ Hai - Thứ Sáu``, ``T2-T6``)."""
    from planner.scenario import WEEKDAYS

    out: list[str] = []
    for part in parts:
        bounds = re.split(r"\s*(?:–|—|\.\.|\bđến\b|\s-\s|(?<=\d)-(?=[tT]?\d))\s*", part)
        if len(bounds) == 2:
            a, b = WEEKDAYS.index(code("weekday", bounds[0])), WEEKDAYS.index(code("weekday", bounds[1]))
            if b < a:
                raise ValueError(f"'{part}' ends before it starts; write the earlier weekday first")
            out += [d for d in WEEKDAYS[a : b + 1] if d not in out]
        else:
            out.append(code("weekday", part))
    return out


def parse_roles(text: str) -> tuple[list[str], str]:
    """The party roles in a ``Chức vụ`` cell, and the rest (a government post: the member's title). Parts are
    separated by ``;``, ``,``, line breaks or ``kiêm``; a role label may be followed by its committee's name."""
    labels = sorted(((fold(t), roles) for t, roles in ROLE_LABELS), key=lambda lr: -len(lr[0]))
    roles: list[str] = []
    rest: list[str] = []
    for part in re.split(r"[;,\n]|\bkiêm\b", text):
        part = part.strip()
        if not part:
            continue
        key = fold(part)
        for folded, meant in labels:
            tail = key[len(folded) :].strip()
            if key == folded or (key.startswith(folded + " ") and tail.startswith(ROLE_QUALIFIERS)):
                roles += [r for r in meant if r not in roles]
                break
        else:
            import difflib

            if difflib.get_close_matches(key, [f for f, _ in labels], n=1, cutoff=0.75):
                raise ValueError(f"'{part}' is not a party role; {close_match(part, [t for t, _ in ROLE_LABELS])}")
            rest.append(part)
    return roles, ", ".join(rest)


def _role_hint() -> str:
    from planner.io.aliases import ROLES_OFFERED

    return ", ".join(ROLES_OFFERED)


def kind_from_name(name: str) -> str | None:
    """The kind a unit's name tells: ``Chi bộ thôn Bản Khoét`` → residential, ``Đảng ủy xã …`` → commune
    committee, ``Chi bộ Trường Tiểu học`` → school (None when it tells none)."""
    key = fold(name)
    for prefix in ("chi bo ", "to chuc dang "):
        if key.startswith(prefix):
            key = key[len(prefix) :]
            break
    best: tuple[int, str] | None = None
    for kind, labels in VALUES["kind"].items():
        for folded in map(fold, labels):
            if (key == folded or key.startswith(folded + " ")) and (best is None or len(folded) > best[0]):
                best = (len(folded), kind)
    return best[1] if best else None


# ---------------------------------------------------------------------------------------------- values
def parse_date(text: str) -> dt.date:
    """A date written YYYY-MM-DD or as Vietnamese offices write it, DD/MM/YYYY (08/03/2026, 8-3-2026)."""
    text = text.strip()
    vn = _VN_DATE_RE.match(text)
    if vn:
        day, month, year = (int(g) for g in vn.groups())
    elif _DATE_RE.match(text):
        year, month, day = (int(p) for p in text.split("-"))
    else:
        raise ValueError(f"'{text}' is not a date; write DD/MM/YYYY (08/03/2026) or YYYY-MM-DD (2026-03-08)")
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"'{text}' is not a valid date ({exc})") from None


_date = parse_date


def parse_month(text: str) -> str:
    """A month, YYYY-MM, also written MM/YYYY or ``tháng 3/2026``; a date means its month."""
    key = fold(text).removeprefix("thang ").strip()
    m = re.fullmatch(r"(\d{4}) (\d{1,2})", key) or re.fullmatch(r"(\d{1,2}) (\d{4})", key)
    if m:
        a, b = m.groups()
        year, month = (int(a), int(b)) if len(a) == 4 else (int(b), int(a))
        if 1 <= month <= 12:
            return f"{year:04d}-{month:02d}"
    try:
        return parse_date(text).isoformat()[:7]
    except ValueError:
        raise ValueError(f"'{text}' is not a month; write MM/YYYY (03/2026) or YYYY-MM (2026-03)") from None


def conflict_item(text: str) -> dict[str, Any]:
    """``2026-03-08``, ``08/03/2026``, a range ``2026-05-10..2026-05-20`` (or ``10/5/2026 - 20/5/2026``), or a
    weekday (``mon``, ``Thứ Bảy``: each weekday its own item)."""
    key = fold(text)
    if key in value_index("weekday"):
        return {"weekdays": [value_index("weekday")[key]]}
    parts = re.split(r"\s*(?:\.\.|–|—|\s-\s|\bđến\b)\s*", text.strip())
    if len(parts) == 2:
        return {"from": parse_date(parts[0]), "to": parse_date(parts[1])}
    if _DATE_RE.match(text) or _VN_DATE_RE.match(text):
        return {"date": parse_date(text)}
    hint = close_match(text, [*value_index("weekday")])
    raise ValueError(
        f"'{text}' is not a date (08/03/2026), a range (10/05/2026..20/05/2026) or a weekday "
        f"(Thứ Hai…Chủ nhật, mon..sun){'; ' + hint if hint else ''}"
    )


_conflict_item = conflict_item


def conflict_text(conflict: Conflict) -> str:
    """A conflict as a table cell writes it (without its reason)."""
    if conflict.date is not None:
        return conflict.date.isoformat()
    if conflict.from_ is not None and conflict.to is not None:
        return f"{conflict.from_.isoformat()}..{conflict.to.isoformat()}"
    return "; ".join(conflict.weekdays or ())


# ---------------------------------------------------------------------------------------------- ids
_NAME_PREFIXES = ("chi bo ", "dang uy ", "dang bo ", "to chuc dang ")


def slug(name: str) -> str:
    """The id a name gives: folded, words joined by ``-``, a leading ``Chi bộ``/``Đảng ủy`` left out
    (``Chi bộ thôn Bản Khoét`` → ``thon-ban-khoet``, ``Hoàng Văn Minh`` → ``hoang-van-minh``)."""
    key = fold(name)
    for prefix in _NAME_PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix):
            key = key[len(prefix) :]
            break
    return key.replace(" ", "-")[:60].strip("-")


def derive_ids(items: list[dict[str, Any]], table: SheetTable, what: str) -> None:
    """Give every item without an id one derived from its name (`slug`): stable (the same rows give the same
    ids), collision-safe (an id already given, or derived for an earlier row, gets ``-2``, ``-3``…), and noted
    in ``table.derived`` so that the user sees them."""
    taken = {item["id"] for item in items if isinstance(item.get("id"), str)}
    for n, item in enumerate(items):
        if "id" in item or not isinstance(item.get("name"), str):
            continue
        base = slug(item["name"]) or f"{'don-vi' if what == 'unit' else 'dong-chi'}-{table.rows[n]}"
        ident, k = base, 1
        while ident in taken:
            k += 1
            ident = f"{base}-{k}"
        taken.add(ident)
        item["id"] = ident
        table.derived.append(f"row {table.rows[n]}: {item['name']} → {ident}")


_DERIVED: dict[str, list[str]] = {}


def derived_ids(source: str) -> list[str]:
    """The ids the last load of the scenario file ``source`` derived from names, one note each (``units.xlsx,
    row 3: Chi bộ thôn Bản Khoét → thon-ban-khoet``)."""
    return list(_DERIVED.get(str(source), []))


def record_derived(where: Where) -> None:
    notes = []
    for table in where.tables.values():
        if isinstance(table, SheetTable):
            notes += [f"{table.file}, {note}" for note in table.derived]
    _DERIVED[where.file] = notes


# ---------------------------------------------------------------------------------------------- references
class Names:
    """Units and members by id or by name: ``Chi bộ thôn Bản Khoét``, ``thôn Bản Khoét`` (without ``Chi bộ``)
    and ``chi bo thon ban khoet`` name the same unit."""

    def __init__(self, units: Any, members: Any):
        self.unit_ids, self.units = self._index(units)
        self.member_ids, self.members = self._index(members)
        self.unit_names = [u["name"] for u in _dicts(units) if isinstance(u.get("name"), str)]
        self.member_names = [m["name"] for m in _dicts(members) if isinstance(m.get("name"), str)]

    @staticmethod
    def _index(items: Any) -> tuple[set[str], dict[str, str | None]]:
        ids = {i["id"] for i in _dicts(items) if isinstance(i.get("id"), str)}
        names: dict[str, str | None] = {}
        for item in _dicts(items):
            name, ident = item.get("name"), item.get("id")
            if not isinstance(name, str) or not isinstance(ident, str):
                continue
            keys = {fold(name)}
            key = fold(name)
            for prefix in _NAME_PREFIXES:
                if key.startswith(prefix) and len(key) > len(prefix):
                    keys.add(key[len(prefix) :])
            for k in keys:
                names[k] = ident if names.get(k, ident) == ident else None  # None: two items share the name
        return ids, names

    def find(self, what: str, text: str) -> str:
        """The id of the unit or member (``what``) that ``text`` names; ValueError says why none."""
        ids, names, shown = (
            (self.unit_ids, self.units, self.unit_names)
            if what == "unit"
            else (self.member_ids, self.members, self.member_names)
        )
        if text in ids:
            return text
        key = fold(text)
        if key in names:
            ident = names[key]
            if ident is None:
                raise ValueError(f"two {what}s are named '{text}'; give the id (column 'Mã') instead of the name")
            return ident
        hint = close_match(text, shown) or close_match(text, sorted(ids))  # a name first: the cell names one
        raise ValueError(
            f"no {what} has the id or name '{text}'" + (f"; {hint}" if hint else f"; write a {what}'s name or id")
        )


def _dicts(items: Any) -> list[dict[str, Any]]:
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def resolve_item_references(
    key: str, i: int, item: dict[str, Any], names: Names, where: Where, problems: list[Problem]
) -> None:
    """In one unit or member read from a table, every unit or member it names (by name or id) as its id."""
    for col in COLUMNS[key]:
        if not col.ref or "." in col.path or col.path not in item:
            continue
        value = item[col.path]
        try:
            if isinstance(value, str) and value:
                item[col.path] = names.find(col.ref, value)
            elif isinstance(value, list):
                item[col.path] = [names.find(col.ref, v) if isinstance(v, str) else v for v in value]
        except ValueError as exc:
            problems.append(where.problem((key, i, col.path), str(exc)))


def resolve_references(data: dict[str, Any], where: Where, problems: list[Problem]) -> None:
    """In the items read from tables, the units named by name (``Nơi cư trú: Chi bộ thôn Bản Khoét``) become
    their ids; a name that matches nothing is a problem with a did-you-mean. Also records the derived ids."""
    names = Names(data.get("units"), data.get("members"))
    for key in ("units", "members"):
        if isinstance(where.tables.get(key), SheetTable):
            for i, item in enumerate(_dicts(data.get(key))):
                resolve_item_references(key, i, item, names, where, problems)
    record_derived(where)


def name_columns(problems: list[Problem], where: Where) -> list[Problem]:
    """The problems of table rows with their column named as its header is written (``column C 'Cấp ủy'``)."""
    import dataclasses

    tables = {t.file: t for t in where.tables.values() if isinstance(t, SheetTable)}
    out = []
    for p in problems:
        table = tables.get(p.file)
        if table is not None and p.field and p.field in table.headers:
            p = dataclasses.replace(p, field=table.headers[p.field])
        out.append(p)
    return out
