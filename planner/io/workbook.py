"""A workbook is a scenario: read an .xlsx written by ``planner init`` or ``planner export`` (or typed by hand
in the same shape) into a validated `Scenario`, as `planner.io.loader.load_scenario` does for YAML.

Sheets are found by name (`planner.io.aliases.SHEETS`: ``Thiết lập``, ``Đơn vị``, ``Cấp ủy viên``, ``Quy tắc``,
``Lịch``, ``Cố định``, ``Văn bản``; any case, with or without diacritics); a sheet of another name (the
``Hướng dẫn``, the user's own notes) is not read. Each sheet is a table read as `planner.io.tables` reads one:
the header row found below any title rows, columns named in English or in Vietnamese, coded values written as
offices write them, ids derived from names where none is given, and units and members named by id or by name.

- **Thiết lập** (settings): one setting a row, its name in the first column and its value in the second: the
  plan's name, the year (or the first and last day of the period), the holidays, the limits and the weights.
- **Đơn vị**, **Cấp ủy viên**: the units and the members, one a row.
- **Quy tắc**: one rule a row; its kind (phụ trách, dự sinh hoạt, chi bộ được dự) tells the family.
- **Lịch**: one conflict a row: a day off for all (``nghỉ chung``), a day a unit does not meet, a day a member
  is away; a date, a range or weekdays, and the reason.
- **Cố định**: one pin a row: a charge, an attendance or a meeting's date, fixed in advance.
- **Văn bản**: the documents the rules apply (the decision's Căn cứ).

Every problem names the workbook, the sheet, the row and the column as headed, and the fix; all of them are
raised together as one `InputError`.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from planner.errors import InputError, Problem
from planner.io.aliases import COLUMNS, SETTINGS, SHEETS, Column, fold
from planner.io.cross_checks import cross_check
from planner.io.files import read_bytes
from planner.io.locations import FieldPath, Where
from planner.io.tables import (
    Names,
    SheetTable,
    cell_value,
    close_match,
    code,
    name_columns,
    parse_bool,
    parse_date,
    parse_month,
    parse_roles,
    put,
    read_header,
    read_xlsx,
    record_derived,
    resolve_item_references,
    sheet_file,
    split,
    table_items,
    weekdays,
)
from planner.io.validation import validate
from planner.scenario import Scenario

__all__ = ["load_workbook", "SHEET_ORDER"]

#: The sheets a workbook holds, in the order they are written.
SHEET_ORDER = ("guide", "settings", "units", "members", "rules", "calendar", "fixed", "sources")
_FAMILY_OF_RULE = {"responsibility": "responsibility", "attendance": "attendance", "coverage": "coverage"}


class WorkbookWhere(Where):
    """`Where` for a workbook: a field path is told by the sheet, row and column its value was read from."""

    def __init__(self, file: str, data: dict[str, Any]):
        super().__init__(file, {}, data)
        self.origins: dict[FieldPath, tuple[str, int | None, str | None]] = {}

    def _origin(self, path: FieldPath) -> tuple[str, int | None, str | None] | None:
        for n in range(len(path), 0, -1):
            if path[:n] in self.origins:
                return self.origins[path[:n]]
        return None

    def problem(self, path: FieldPath, message: str, hint: str = "") -> Problem:
        origin = self._origin(path or ("year",))  # an error of the whole scenario: the settings sheet
        if origin is not None:
            return Problem(origin[0], origin[1], origin[2], message, hint, row=origin[1] is not None)
        if self.table_of(path) is not None:
            return super().problem(path, message, hint)
        return Problem(self.file, None, self.label(path), message, hint)

    def at(self, path: FieldPath) -> str:
        origin = self._origin(path)
        if origin is not None:
            return f"row {origin[1]} of {origin[0]}" if origin[1] else origin[0]
        return super().at(path) if self.table_of(path) is not None else self.label(path) or self.file


def load_workbook(path: str | Path) -> Scenario:
    """Read, validate and cross-check a scenario workbook; raise `InputError` with every problem found. The
    result carries ``source`` (the path as given) and ``sha256`` (of the workbook's bytes)."""
    file = str(path)
    raw = read_bytes(Path(path), file)
    try:
        sheets = read_xlsx(raw, file)
    except InputError:
        raise
    except Exception as exc:  # openpyxl/zipfile raise many kinds for a damaged file
        raise InputError.one(
            file, None, None, f"cannot read the workbook: {exc}", "open it in a spreadsheet program and save it again"
        ) from None
    found = _sheets_by_key(sheets)
    problems: list[Problem] = []
    missing = [k for k in ("settings", "units", "members") if k not in found]
    if missing:
        held = ", ".join(f"'{name}'" for name, _, _ in sheets) or "none"
        raise InputError.one(
            file,
            None,
            None,
            f"a scenario workbook needs the sheets {', '.join(repr(SHEETS[k][0]) for k in missing)} "
            f"(its sheets: {held})",
            "start from the template of `planner init FILE.xlsx`; a roster of one table is named by a YAML "
            "scenario (units: FILE.xlsx, members: FILE.xlsx)",
        )
    data: dict[str, Any] = {}
    where = WorkbookWhere(file, data)
    settings_file = sheet_file(file, found["settings"][0])
    for key in ("name", "year", "period"):
        where.origins[(key,)] = (settings_file, None, None)
    _read_settings(found["settings"], file, data, where, problems)
    for key in ("units", "members"):
        name, rows, merged = found[key]
        table = SheetTable(sheet_file(file, name))
        where.tables[key] = table
        data[key] = table_items(rows, key, table, problems, merged)
    names = Names(data["units"], data["members"])
    _resolve_table_references(data, names, where, problems)
    if "calendar" in found:
        _read_calendar(found["calendar"], file, data, names, where, problems)
    if "rules" in found:
        _read_rules(found["rules"], file, data, names, where, problems)
        including_in_charge(data)
    if "fixed" in found:
        _read_fixed(found["fixed"], file, data, names, where, problems)
    if "sources" in found:
        name, rows, merged = found["sources"]
        table = SheetTable(sheet_file(file, name))
        where.tables["sources"] = table
        columns, body = read_header(rows, "sources", table, problems, merged) if rows else ([], [])
        data["sources"] = [_plain_row(n, cells, columns, table, problems) for n, cells in body if any(cells)]
        table.rows += [n for n, cells in body if any(cells)]
    record_derived(where)
    scenario = validate(data, where, problems)
    if scenario is None or problems:
        raise InputError(_sorted(name_columns(problems, where)))
    problems = cross_check(scenario, where)
    if problems:
        raise InputError(_sorted(name_columns(problems, where)))
    return scenario.model_copy(update={"source": file, "sha256": hashlib.sha256(raw).hexdigest()})


def _sorted(problems: list[Problem]) -> list[Problem]:
    order = {key: i for i, key in enumerate(SHEET_ORDER)}

    def sheet_rank(p: Problem) -> int:
        name = p.file.rpartition(", sheet '")[2].rstrip("'")
        return next((order[k] for k, names in SHEETS.items() if fold(name) in map(fold, names)), 99)

    return sorted(problems, key=lambda p: (sheet_rank(p), p.line if p.line is not None else 1 << 30))


def _sheets_by_key(sheets: list[tuple[str, Any, Any]]) -> dict[str, tuple[str, Any, Any]]:
    found: dict[str, tuple[str, Any, Any]] = {}
    for sheet in sheets:
        key = next((k for k, names in SHEETS.items() if fold(sheet[0]) in map(fold, names)), None)
        if key is not None and key not in found:
            found[key] = sheet
    return found


def _letter(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(i + 1)


# ---------------------------------------------------------------------------------------------- settings
def _read_settings(
    sheet: tuple[str, Any, Any], file: str, data: dict[str, Any], where: WorkbookWhere, problems: list[Problem]
) -> None:
    """One setting a row: its name in the first non-blank cell, its value in the next one."""
    name, rows, _ = sheet
    sfile = sheet_file(file, name)
    labels = {fold(text): (path, family) for path, texts, family in SETTINGS for text in (path, *texts)}
    every = [texts[0] for _, texts, _ in SETTINGS]
    for number, cells in rows:
        filled = [(i, c) for i, c in enumerate(cells) if c]
        if not filled:
            continue
        i, text = filled[0]
        key = fold(text)
        if key in ("muc", "thiet lap", "ten muc", "setting") or key.startswith(("thiet lap cua", "cac thiet lap")):
            continue  # the header row, or a title
        if key not in labels and not any(c for c in cells[i + 1 :]):
            continue  # a title or a remark, no value beside it
        if key not in labels:
            hint = close_match(text, [t for _, texts, _ in SETTINGS for t in texts])
            problems.append(
                Problem(
                    sfile,
                    number,
                    f"column {_letter(i)}",
                    f"unknown setting '{text}'",
                    hint or f"the settings are: {', '.join(every)}",
                    row=True,
                )
            )
            continue
        path, family = labels[key]
        value_at = i + 1
        value = cells[value_at] if value_at < len(cells) else ""
        where.origins[tuple(path.split("."))] = (sfile, number, f"column {_letter(value_at)} ('{text}')")
        if not value:
            continue
        try:
            if family == "bool":
                parsed: Any = parse_bool(value)
            elif path.startswith("period."):
                parsed = parse_date(value)
            elif path == "frozen_until":
                parsed = parse_month(value)
            else:
                parsed = value
        except ValueError as exc:
            problems.append(Problem(sfile, number, f"column {_letter(value_at)} ('{text}')", str(exc), row=True))
            continue
        put(data, path, parsed)


# ---------------------------------------------------------------------------------------------- references
def _resolve_table_references(
    data: dict[str, Any], names: Names, where: WorkbookWhere, problems: list[Problem]
) -> None:
    for key in ("units", "members"):
        for i, item in enumerate(data[key]):
            resolve_item_references(key, i, item, names, where, problems)


def _plain_row(
    number: int, cells: list[str], columns: list[Column | None], table: SheetTable, problems: list[Problem]
) -> dict[str, Any]:
    """A row of a sheet whose cells are values as written (dates read as dates)."""
    item: dict[str, Any] = {}
    for i, text in enumerate(cells):
        col = columns[i] if i < len(columns) else None
        if not text or col is None:
            continue
        try:
            item[col.path] = parse_date(text) if "date" in col.path or col.path.startswith("valid") else text
        except ValueError as exc:
            problems.append(Problem(table.file, number, col.name, str(exc), row=True))
    return item


def _cells(
    number: int, cells: list[str], columns: list[Column | None], table: SheetTable, problems: list[Problem]
) -> dict[str, tuple[Column, str]]:
    """The non-blank cells of a row by column path."""
    out: dict[str, tuple[Column, str]] = {}
    for i, text in enumerate(cells):
        if not text:
            continue
        col = columns[i] if i < len(columns) else None
        if i >= len(columns):
            problems.append(
                Problem(
                    table.file,
                    number,
                    None,
                    f"a value ('{text}') in a column without a header",
                    "name the column in the header row or empty the cell",
                    row=True,
                )
            )
        elif col is not None:
            out[col.path] = (col, text)
    return out


# ---------------------------------------------------------------------------------------------- calendar
def _read_calendar(
    sheet: tuple[str, Any, Any],
    file: str,
    data: dict[str, Any],
    names: Names,
    where: WorkbookWhere,
    problems: list[Problem],
) -> None:
    """One conflict a row: a day off for all, a day a unit does not meet, a day a member is away or excused."""
    name, rows, merged = sheet
    table = SheetTable(sheet_file(file, name))
    if not rows:
        return
    columns, body = read_header(rows, "calendar", table, problems, merged)
    unit_pos = {u.get("id"): i for i, u in enumerate(data["units"])}
    member_pos = {m.get("id"): i for i, m in enumerate(data["members"])}
    for number, row in body:
        cells = _cells(number, row, columns, table, problems)
        if not cells:
            continue

        def fail(path: str, message: str, hint: str = "", cells: Any = cells, number: int = number) -> None:
            col = cells[path][0] if path in cells else next(c for c in COLUMNS["calendar"] if c.path == path)
            problems.append(
                Problem(table.file, number, table.headers.get(col.name, col.header), message, hint, row=True)
            )

        try:
            kind = code("calendar", cells["kind"][1]) if "kind" in cells else None
        except ValueError as exc:
            fail("kind", str(exc))
            continue
        conflict: dict[str, Any] = {}
        bad = False
        for key in ("date", "from", "to"):
            if key in cells:
                try:
                    conflict[key] = parse_date(cells[key][1])
                except ValueError as exc:
                    fail(key, str(exc))
                    bad = True
        if "weekdays" in cells:
            try:
                conflict["weekdays"] = weekdays(split(cells["weekdays"][1]))
            except ValueError as exc:
                fail("weekdays", str(exc))
                bad = True
        if "reason" in cells:
            conflict["reason"] = cells["reason"][1]
        if bad:
            continue
        owner = cells["owner"][1] if "owner" in cells else ""
        if kind is None:
            kind = "blackout" if not owner else "closed" if _is(names, "unit", owner) else "unavailable"
        if kind == "blackout":
            if owner:
                fail(
                    "owner",
                    f"a day off for all ('nghỉ chung') applies to no one unit or member ('{owner}')",
                    "empty the cell, or choose 'chi bộ không họp' or 'đồng chí bận'",
                )
                continue
            blackouts = data.setdefault("calendar", {}).setdefault("blackouts", [])
            where.origins[("calendar", "blackouts", len(blackouts))] = (table.file, number, None)
            blackouts.append(conflict)
            continue
        what = "unit" if kind == "closed" else "member"
        field = {"closed": "closed", "unavailable": "unavailable", "excused": "excused"}[kind]
        if not owner:
            fail(
                "owner",
                f"{'a unit' if what == 'unit' else 'a member'} is needed here",
                f"write the {'unit' if what == 'unit' else 'member'}'s name or id",
            )
            continue
        try:
            ident = names.find(what, owner)
        except ValueError as exc:
            fail("owner", str(exc))
            continue
        key, pos = ("units", unit_pos) if what == "unit" else ("members", member_pos)
        index = pos[ident]
        items = data[key][index].setdefault(field, [])
        where.origins[(key, index, field, len(items))] = (table.file, number, None)
        items.append(conflict)


def _is(names: Names, what: str, text: str) -> bool:
    try:
        names.find(what, text)
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------------------------------------- rules
_ONLY = {
    "per_member.min": ("responsibility",),
    "per_member.max": ("responsibility",),
    "basis": ("responsibility",),
    "including": ("attendance",),
    "per": ("attendance", "coverage"),
    "in_charge": ("attendance", "coverage"),
}
_RULE_WORDS = {"responsibility": "phụ trách", "attendance": "dự sinh hoạt", "coverage": "chi bộ được dự"}


def _read_rules(
    sheet: tuple[str, Any, Any],
    file: str,
    data: dict[str, Any],
    names: Names,
    where: WorkbookWhere,
    problems: list[Problem],
) -> None:
    """One rule a row, its family told by the column 'Loại quy tắc'."""
    name, rows, merged = sheet
    sfile = sheet_file(file, name)
    tables = {family: SheetTable(sfile) for family in _RULE_WORDS}
    if not rows:
        return
    columns, body = read_header(rows, "rules", tables["attendance"], problems, merged)
    for family, table in tables.items():
        table.headers = tables["attendance"].headers
        where.tables[family] = table
    headers = tables["attendance"].headers
    for key in ("members", "by", "units"):
        headers.setdefault(key, "the columns 'Ở đâu: …'" if key == "units" else "the columns 'Ai: …'")
    for key, name in (("per_unit", "at_least"), ("per_member", "per_member_min")):
        if name in headers:
            headers[key] = headers[name]
    for number, row in body:
        cells = _cells(number, row, columns, tables["attendance"], problems)
        if not cells:
            continue

        def fail(col: Column, message: str, hint: str = "", number: int = number) -> None:
            problems.append(Problem(sfile, number, headers.get(col.name, col.header), message, hint, row=True))

        if "kind" not in cells:
            kind_col = next(c for c in COLUMNS["rules"] if c.path == "kind")
            fail(kind_col, "the kind of the rule is missing", f"write {', '.join(_RULE_WORDS.values())}")
            continue
        try:
            family = code("rule", cells["kind"][1])
        except ValueError as exc:
            fail(cells["kind"][0], str(exc))
            continue
        rule: dict[str, Any] = {}
        ok = True
        for path, (col, text) in cells.items():
            if path == "kind":
                continue
            if path in _ONLY and family not in _ONLY[path]:
                fail(
                    col,
                    f"a rule '{_RULE_WORDS[family]}' has no '{col.header}'",
                    f"empty the cell; it is for {' and '.join(repr(_RULE_WORDS[f]) for f in _ONLY[path])} rules",
                )
                ok = False
                continue
            try:
                value = _rule_value(col, text, names, rule)
            except ValueError as exc:
                fail(col, str(exc))
                ok = False
                continue
            _put_rule(rule, family, path, value)
        if not ok:
            continue
        items = data.setdefault(family, [])
        items.append(rule)
        tables[family].rows.append(number)


def _rule_value(col: Column, text: str, names: Names, rule: dict[str, Any]) -> Any:
    if col.path == "including":
        return _including(text)
    if col.path.endswith(".roles"):
        roles, rest = parse_roles(text)
        if rest:
            raise ValueError(f"'{rest}' is not a party role; write Bí thư, Phó Bí thư, Ủy viên BTV, Ủy viên BCH…")
        return _selector_roles(text)
    if col.ref:
        return [names.find(col.ref, part) for part in split(text)]
    if col.path.startswith(("members.", "units.")):  # the other selector fields are lists
        return cell_value(col, text, None, shape="list")
    if col.family == "bool":
        return parse_bool(text)
    return cell_value(col, text, None)


def _selector_roles(text: str) -> list[str]:
    """Roles in a selector: each label selects its first role (``Bí thư`` selects the secretaries, not the
    whole standing committee)."""
    out: list[str] = []
    for part in split(text):
        roles, _ = parse_roles(part)
        if roles and roles[0] not in out:
            out.append(roles[0])
    return out


def _put_rule(rule: dict[str, Any], family: str, path: str, value: Any) -> None:
    if family == "responsibility" and path in ("at_least", "at_most"):
        put(rule, "per_unit." + ("min" if path == "at_least" else "max"), value)
    elif family == "coverage" and path.startswith("members."):
        put(rule, "by." + path.removeprefix("members."), value)
    elif family == "attendance" and path == "in_charge":
        put(rule, "units.in_charge", value)
    else:
        put(rule, path, value)


def _including(text: str) -> list[dict[str, Any]]:
    """``Đảng ủy xã: 1; khu dân cư: 1`` (of which at least 1 at a commune committee and 1 at a residential
    cell, among the units in charge), or the YAML of the list (``[{units: {…}, at_least: 1}]``)."""
    if text.lstrip().startswith(("[", "{")):
        import yaml

        try:
            value = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ValueError(f"cannot read '{text[:40]}' as YAML: {str(exc).splitlines()[0]}") from None
        return value if isinstance(value, list) else [value]
    out = []
    for part in text.split(";"):
        if not part.strip():
            continue
        kinds, sep, count = part.rpartition(":")
        count = count.strip()
        if not sep or not count.isdigit():
            raise ValueError(
                f"'{part.strip()}' is not a sub-count; write the kinds and the number, e.g. 'đảng ủy xã: 1; khu dân cư: 1'"
            )
        out.append(
            {"units": {"kind": [code("kind", k) for k in split(kinds)], "in_charge": "@"}, "at_least": int(count)}
        )
    return out


# ---------------------------------------------------------------------------------------------- pins
def _read_fixed(
    sheet: tuple[str, Any, Any],
    file: str,
    data: dict[str, Any],
    names: Names,
    where: WorkbookWhere,
    problems: list[Problem],
) -> None:
    """One pin a row: a charge (member, unit, yes/no), an attendance (… and the month) or a meeting's date."""
    name, rows, merged = sheet
    table = SheetTable(sheet_file(file, name))
    where.tables["fixed"] = table
    if not rows:
        return
    columns, body = read_header(rows, "fixed", table, problems, merged)
    data["fixed"] = items = []
    for number, row in body:
        cells = _cells(number, row, columns, table, problems)
        if not cells:
            continue
        item: dict[str, Any] = {}
        ok = True
        for path, (col, text) in cells.items():
            try:
                if path == "kind":
                    item["kind"] = code("fixed", text)
                elif col.ref:
                    item[path] = names.find(col.ref, text)
                elif path == "month":
                    item[path] = parse_month(text)
                elif path == "date":
                    item[path] = parse_date(text)
                elif path == "value":
                    item[path] = parse_bool(text)
                elif path == "session":
                    item[path] = code("session", text)
                else:
                    item[path] = text
            except ValueError as exc:
                problems.append(
                    Problem(table.file, number, table.headers.get(col.name, col.header), str(exc), row=True)
                )
                ok = False
        if not ok:
            continue
        kind = item.pop("kind", None) or ("date" if "date" in item else "attend" if "month" in item else "charge")
        value = item.pop("value", True)
        if kind == "date":
            if "month" not in item and "date" in item:
                item["month"] = item["date"].isoformat()[:7]
        else:
            item[kind] = value
        items.append(item)
        table.rows.append(number)


def including_in_charge(data: dict[str, Any]) -> None:
    """The sub-counts written in short take the rule's own 'in charge' (see `_including`)."""
    for rule in data.get("attendance", []):
        in_charge = bool(rule.get("units", {}).get("in_charge", False)) if isinstance(rule, dict) else False
        for inc in rule.get("including", []) if isinstance(rule, dict) else []:
            units = inc.get("units") if isinstance(inc, dict) else None
            if isinstance(units, dict) and units.get("in_charge") == "@":
                if in_charge:
                    units["in_charge"] = True
                else:
                    del units["in_charge"]
