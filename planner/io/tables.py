"""Unit and member tables: ``units:``/``members:`` given as the path of a CSV or XLSX file (which must stay
inside the scenario's folder when relative). CSV text is told by its BOM, else UTF-8, else Windows-1258; the
separator (``,``, ``;`` or tab, or an Excel ``sep=`` line) by the header row; XLSX workbooks are read from the
first sheet, merged cells refused. Every cell becomes NFC text, the header names the fields (unknown, repeated
and missing required columns are problems), and each non-blank row becomes one item like those written inline
(lists split on ``;``, dates, ranges and weekdays of conflicts and the meeting's flex parsed).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import unicodedata
from pathlib import Path
from typing import Any

from planner.errors import InputError, Problem, did_you_mean
from planner.io.files import MAX_FILE_BYTES, MAX_TABLE_COLUMNS, MAX_TABLE_ROWS, decode_bom, megabytes, read_bytes
from planner.io.locations import Table, Where, show
from planner.scenario import WEEKDAYS, Meeting, Member, Unit

_UNIT_COLUMNS = tuple(n for n in Unit.model_fields if n != "meeting") + tuple(
    f"meeting_{n}" for n in Meeting.model_fields
)
_MEMBER_COLUMNS = tuple(Member.model_fields)
_LIST_COLUMNS = frozenset({"roles", "sectors", "tags", "meeting_weekdays"})
_CONFLICT_COLUMNS = frozenset({"unavailable", "closed"})
_DATE_RE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
_INT_RE = re.compile(r"^[+-]?\d+$")


def load_table(base: Path, key: str, ref: str, where: Where, digest: Any, problems: list[Problem]) -> list[Any]:
    """``units:``/``members:`` as a path: the table must exist and be .csv or .xlsx. A relative path is taken
    from the YAML file's folder and may not leave it (``../../etc/passwd.csv`` is refused); an absolute path
    is the user's own choice and is read as given.

    Returns the rows as items like those written inline; the table's bytes are added to ``digest``.
    """
    if os.sep == "/":
        ref = ref.replace("\\", "/")  # tables\units.csv, as written on Windows
    path = Path(ref) if Path(ref).is_absolute() else base / ref
    where.tables[key] = table = Table(str(path))

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
        raise InputError.one(
            file,
            row,
            None,
            f"the table has more than {MAX_TABLE_ROWS:,} rows",
            "check that this is the right table (one row per unit or member)",
            row=True,
        )


def _xlsx_rows(raw: bytes, file: str) -> list[tuple[int, list[str]]]:
    """The non-blank rows of the first sheet of an .xlsx workbook, every cell as NFC text. Merged cells are
    refused (a merged header hides column names; merged data cells hold their value only in the first)."""
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
        index = visible[0] if visible else 0  # the first sheet a person sees (a hidden one is skipped)
        sheet, source = book.worksheets[index], formulas.worksheets[index]
        _check_merged(book, sheet, file)
        width = min(sheet.max_column or MAX_TABLE_COLUMNS, MAX_TABLE_COLUMNS)
        rows = []
        problems: list[Problem] = []
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
        if problems:
            raise InputError(problems[:20])
        return rows
    finally:
        book.close()
        formulas.close()


def _column_letter(n: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(n)


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
            problems.append(
                Problem(
                    file,
                    1,
                    None,
                    f"the header cells {ref} are merged",
                    "unmerge them (Excel: Home → Merge & Center) so that every column has its own "
                    "name in row 1; put any title above the table on another sheet",
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


def _table_items(
    rows: list[tuple[int, list[str]]], key: str, table: Table, problems: list[Problem]
) -> list[dict[str, Any]]:
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
            problems.append(
                Problem(
                    table.file,
                    header_row,
                    name,
                    f"unknown column '{name}'",
                    did_you_mean(name, allowed) or f"columns are {', '.join(allowed)}",
                    row=True,
                )
            )
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
            problems.append(
                Problem(
                    table.file,
                    header_row,
                    name,
                    f"the required column '{name}' is missing",
                    f"add a column '{name}' to the header row",
                    row=True,
                )
            )
    items = []
    for number, cells in rows[1:]:
        if not any(cells):
            continue
        items.append(_row_item(number, cells, columns, ignored, table.file, problems))
        table.rows.append(number)
    return items


def _row_item(
    number: int, cells: list[str], columns: list[str], ignored: set[int], file: str, problems: list[Problem]
) -> dict[str, Any]:
    """One row as an item: empty cells omitted, lists split on ';', conflicts and the meeting parsed."""
    item: dict[str, Any] = {}
    meeting: dict[str, Any] = {}
    for i, text in enumerate(cells):
        if not text or i in ignored:
            continue
        name = columns[i] if i < len(columns) else ""
        if not name:
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
    hint = did_you_mean(text.lower(), WEEKDAYS)
    raise ValueError(
        f"'{text}' is not a date (2026-03-08), a range (2026-05-10..2026-05-20) or a weekday "
        f"(mon..sun){'; ' + hint if hint else ''}"
    )


def _date(text: str) -> dt.date:
    if not _DATE_RE.match(text):
        raise ValueError(f"'{text}' is not a date; write YYYY-MM-DD, e.g. 2026-03-08")
    year, month, day = (int(p) for p in text.split("-"))
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"'{text}' is not a valid date ({exc})") from None
