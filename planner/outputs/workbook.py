"""The scenario workbook (``planner init`` and ``planner export``): a whole scenario in one .xlsx, in
Vietnamese, that `planner.io.workbook` reads back into the same scenario.

Sheets, in order: Hướng dẫn (how to fill it in), Thiết lập (name, year or period, holidays, limits, weights),
Đơn vị (units), Cấp ủy viên (members), Quy tắc (one rule a row), Lịch (days off, days a unit does not meet,
days a member is away, with reasons), Cố định (pins) and Văn bản (the documents the rules apply). Headers and
coded values are the first labels of `planner.io.aliases`; each header cell's comment names the field; the
columns of coded values carry drop-down lists (Excel data validation) and the columns naming a unit or member
a list of the names; the header rows are frozen, the columns sized to their text, and the pages set up for A4.

`render_workbook` writes a scenario; with ``ids=False`` (the template) the id columns are left blank and every
unit and member is named by name, as a clerk would write them (the reader derives the ids).
`template_scenario` is the example of each level that ``planner init`` writes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from planner.io.aliases import COLUMNS, ROLE_LABELS, ROLES_OFFERED, SETTINGS, SHEETS, VALUES, Column, label
from planner.io.cells import append_row, clean_text
from planner.io.tables import Names, parse_roles
from planner.io.yaml_writer import flow
from planner.scenario import WEEKDAYS, Conflict, FixedAttendance, FixedCharge, Scenario

__all__ = ["render_workbook", "template_scenario", "LEVELS"]

LEVELS = ("commune", "district", "province")
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="8B1A1A")  # the deep party red of the plan workbook
TITLE_FONT = Font(bold=True, size=14, color="8B1A1A")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
DATE_FORMAT = "DD/MM/YYYY"
MAX_WIDTH = 32
SPARE_ROWS = 300  # rows below the data that the drop-down lists reach
_EPOCH = dt.datetime(2000, 1, 1)  # a fixed creation time: the same scenario gives the same workbook
_SKIPPED = {"units": ("closed",), "members": ("unavailable", "excused")}  # written in the calendar sheet, with reasons
_CHOICE_FAMILIES = frozenset(
    (
        "kind",
        "level",
        "period",
        "weekday",
        "session",
        "bool",
        "basis",
        "own_cell",
        "rule",
        "calendar",
        "fixed",
        "flex_when",
    )
)


# ---------------------------------------------------------------------------------------------- values
class _Writer:
    """What the sheets share: the scenario, how a unit or member is named, how values are written."""

    def __init__(self, scenario: Scenario, ids: bool):
        self.s, self.ids = scenario, ids
        units = [{"id": u.id, "name": u.name} for u in scenario.units]
        members = [{"id": m.id, "name": m.name} for m in scenario.members]
        self.names = Names(units, members)
        self.unit_name = {u.id: u.name for u in scenario.units}
        self.member_name = {m.id: m.name for m in scenario.members}

    def ref(self, what: str, ident: str | None) -> str | None:
        """A unit or member as a cell names it: by name when the name reads back as it, else by id."""
        if ident is None:
            return None
        name = (self.unit_name if what == "unit" else self.member_name).get(ident)
        if name is None:
            return ident
        try:
            if self.names.find(what, name) == ident:
                return name
        except ValueError:
            pass
        return ident

    def refs(self, what: str, idents: Sequence[str] | None) -> str | None:
        return "; ".join(self.ref(what, i) or "" for i in idents) if idents else None


def _codes(family: str, values: Sequence[str] | None) -> str | None:
    return "; ".join(label(family, v) for v in values) if values else None


def _weekdays(values: Sequence[str] | None) -> str | None:
    """Weekdays as labels; a run of three or more in order as a range (``Thứ Hai - Thứ Sáu``)."""
    if not values:
        return None
    idx = [WEEKDAYS.index(v) for v in values]
    if len(idx) >= 3 and idx == list(range(idx[0], idx[-1] + 1)):
        return f"{label('weekday', values[0]).title()} - {label('weekday', values[-1]).title()}"
    return "; ".join(label("weekday", v).title() for v in values)


def _roles(roles: Sequence[str]) -> str | None:
    """A member's roles as labels that read back as exactly these roles, in this order (a role no label
    gives so is written as its code)."""
    if not roles:
        return None
    target, out, parts = list(roles), list[str](), list[str]()
    for role in target:
        if role in out:
            continue
        for text, meant in ROLE_LABELS:
            if meant[0] != role or text.isascii():
                continue
            after = out + [r for r in meant if r not in out]
            if after == target[: len(after)]:
                out = after
                parts.append(text)
                break
        else:
            out.append(role)
            parts.append(role)
    assert parse_roles("; ".join(parts))[0] == target, (parts, target)
    return "; ".join(parts)


def _selector_roles(roles: Sequence[str] | None) -> str | None:
    """Roles in a selector: the label whose first role each is (``Bí thư`` selects the secretaries)."""
    if not roles:
        return None
    first: dict[str, str] = {}
    for text, meant in ROLE_LABELS:
        if not text.isascii():
            first.setdefault(meant[0], text)
    return "; ".join(first.get(r, r) for r in roles)


def _flex(flex: tuple[int, int]) -> str | None:
    if flex == (0, 0):
        return None
    return str(flex[0]) if flex[0] == flex[1] else f"{flex[0]};{flex[1]}"


def _text(value: Any) -> Any:
    if value is None or value == () or value == []:
        return None
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    return value


# ---------------------------------------------------------------------------------------------- sheets
def _sheet(wb: Workbook, key: str) -> Worksheet:
    ws = wb.create_sheet(SHEETS[key][0])
    ws.sheet_properties.tabColor = "8B1A1A" if key in ("units", "members", "rules") else "C9A227"
    return ws


def _header(ws: Worksheet, columns: Sequence[Column]) -> None:
    append_row(ws, [c.header for c in columns])
    for i, (cell, col) in enumerate(zip(ws[1], columns)):
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        note = f"{col.name}" + (f": {col.note}" if col.note else "")
        cell.comment = Comment(clean_text(note), "planner", width=260, height=70)
        del i
    ws.row_dimensions[1].height = 62
    ws.freeze_panes = "C2" if len(columns) > 4 else "A2"
    ws.print_title_rows = "1:1"
    _page(ws, landscape=True)


def _page(ws: Worksheet, landscape: bool) -> None:
    """Printed on A4, as wide as one page."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4


def _rows(ws: Worksheet, columns: Sequence[Column], rows: list[dict[str, Any]]) -> None:
    """The data rows (through the cells guard), dates as dates, widths fitted, lists on the coded columns."""
    for row in rows:
        append_row(ws, [row.get(c.path) for c in columns])
    widths = [max(9, min(16, max(len(word) for word in c.header.split()) + 3)) for c in columns]
    for r in range(2, ws.max_row + 1):
        for c, _col in enumerate(columns, start=1):
            cell = ws.cell(row=r, column=c)
            if isinstance(cell.value, (dt.date, dt.datetime)):
                cell.number_format = DATE_FORMAT
                widths[c - 1] = max(widths[c - 1], 12)
            elif cell.value is not None:
                widths[c - 1] = min(MAX_WIDTH, max(widths[c - 1], len(str(cell.value)) + 1))
            cell.alignment = WRAP
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    _heights(ws, widths, first=2)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(2, ws.max_row)}"


def _heights(ws: Worksheet, widths: Sequence[float], first: int) -> None:
    """Each row as high as its most wrapped cell (a spreadsheet program does not always grow it on opening)."""
    for r in range(first, ws.max_row + 1):
        lines = 1
        for c, width in enumerate(widths, start=1):
            value = ws.cell(row=r, column=c).value
            if isinstance(value, str):
                lines = max(lines, sum(-(-max(1, len(part)) // max(1, int(width) - 1)) for part in value.split("\n")))
        if lines > 1:
            ws.row_dimensions[r].height = 15 * lines


def _lists(ws: Worksheet, columns: Sequence[Column], lists: dict[str, str]) -> None:
    """Drop-down lists: the labels of each coded column, the unit or member names of each naming column."""
    last = ws.max_row + SPARE_ROWS
    for c, col in enumerate(columns, start=1):
        formula = None
        if col.family == "role":
            formula = '"' + ",".join(ROLES_OFFERED) + '"'
        elif col.family in _CHOICE_FAMILIES:
            labels = [ls[0].title() if col.family == "weekday" else ls[0] for ls in VALUES[col.family].values()]
            formula = '"' + ",".join(labels) + '"'
        elif col.ref in lists:
            formula = lists[col.ref]
        if formula is None or len(formula) > 255:
            continue
        free = col.family in ("kind", "role", "weekday") or col.ref is not None  # several values, or names
        dv = DataValidation(
            type="list",
            formula1=formula,
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="information" if free else "warning",
            errorTitle="Giá trị chưa có trong danh sách",
            error="Chọn trong danh sách (có thể ghi nhiều giá trị, cách nhau bởi dấu ;)."
            if free
            else "Nên chọn một giá trị trong danh sách.",
        )
        letter = get_column_letter(c)
        dv.add(f"{letter}2:{letter}{last}")
        ws.add_data_validation(dv)


def _units(w: _Writer) -> list[dict[str, Any]]:
    rows = []
    for u in w.s.units:
        row: dict[str, Any] = {
            "id": u.id if w.ids else None,
            "name": u.name,
            "kind": label("kind", u.kind),
            "parent": w.ref("unit", u.parent),
            "level": label("level", u.level) if u.level else None,
            "tags": _text(u.tags),
            "apart_from": w.refs("unit", u.apart_from),
            "term": u.term,
            "superior": u.superior,
            "active.from": u.active.from_ if u.active else None,
            "active.to": u.active.to if u.active else None,
        }
        if u.meeting is not None:
            m = u.meeting
            row |= {
                "meeting.day": m.day,
                "meeting.flex": _flex(m.flex),
                "meeting.weekdays": _weekdays(m.weekdays),
                "meeting.time": m.time,
                "meeting.session": label("session", m.session) if m.session else None,
                "meeting.duration": m.duration,
                "meeting.place": m.place,
                "meeting.flex_when": label("flex_when", m.flex_when) if m.flex_when != "always" else None,
                "meeting.frequency": label("period", m.frequency) if m.frequency != "month" else None,
                "meeting.months": _text(m.months),
            }
        rows.append(row)
    return rows


def _members(w: _Writer) -> list[dict[str, Any]]:
    return [
        {
            "id": m.id if w.ids else None,
            "name": m.name,
            "committee": w.ref("unit", m.committee),
            "roles": _roles(m.roles),
            "title": m.title,
            "residence": w.ref("unit", m.residence),
            "home_cell": w.ref("unit", m.home_cell),
            "sectors": _codes("kind", m.sectors),
            "tags": _text(m.tags),
            "max_per_month": m.max_per_month,
            "person": m.person,
            "active.from": m.active.from_ if m.active else None,
            "active.to": m.active.to if m.active else None,
        }
        for m in w.s.members
    ]


def _not(sel: Any, fields: tuple[str, ...], where: str) -> Any:
    """The ``not`` of a selector, if the workbook's columns can hold it (``fields``); else an error."""
    from planner.errors import InputError

    rest = sel.not_.model_dump(exclude_defaults=True) if sel.not_ is not None else {}
    extra = [k for k in rest if k not in fields]
    if extra:
        raise InputError.one(
            "<export>",
            None,
            where,
            f"its 'not' selects by {', '.join(extra)}, which the workbook has no column for",
            "keep this scenario in YAML, or select by " + " or ".join(fields) + " in 'not'",
        )
    return sel.not_


def _member_selector(w: _Writer, sel: Any, where: str = "") -> dict[str, Any]:
    neg = _not(sel, ("roles", "ids"), where)
    return {
        "members.not.roles": _selector_roles(neg.roles) if neg else None,
        "members.not.ids": w.refs("member", neg.ids) if neg else None,
        "members.committee": w.refs("unit", sel.committee),
        "members.level": _codes("level", sel.level),
        "members.roles": _selector_roles(sel.roles),
        "members.tags": _text(sel.tags),
        "members.ids": w.refs("member", sel.ids),
    }


def _unit_selector(w: _Writer, sel: Any, where: str = "") -> dict[str, Any]:
    neg = _not(sel, ("kind", "ids"), where)
    return {
        "units.not.kind": _codes("kind", neg.kind) if neg else None,
        "units.not.ids": w.refs("unit", neg.ids) if neg else None,
        "units.kind": _codes("kind", sel.kind),
        "units.under": w.refs("unit", sel.under),
        "units.level": _codes("level", sel.level),
        "units.tags": _text(sel.tags),
        "units.ids": w.refs("unit", sel.ids),
    }


def _yes(value: bool) -> str | None:
    return label("bool", "true") if value else None


def _rules(w: _Writer) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for r in w.s.responsibility:
        rows.append(
            {
                "kind": label("rule", "responsibility"),
                "id": r.id or None,
                **_member_selector(w, r.members),
                **_unit_selector(w, r.units),
                "at_least": r.per_unit.min,
                "at_most": r.per_unit.max,
                "per_member.min": r.per_member.min,
                "per_member.max": r.per_member.max,
                "basis": label("basis", r.basis),
                "own_cell": label("own_cell", r.own_cell),
                "source": r.source,
            }
        )
    for a in w.s.attendance:
        rows.append(
            {
                "kind": label("rule", "attendance"),
                "id": a.id or None,
                **_member_selector(w, a.members),
                **_unit_selector(w, a.units),
                "in_charge": _yes(a.units.in_charge),
                "per": label("period", a.per),
                "at_least": a.at_least,
                "at_most": a.at_most,
                "including": _including(a),
                "own_cell": label("own_cell", a.own_cell) if a.own_cell != "count" else None,
                "source": a.source,
            }
        )
    for c in w.s.coverage:
        rows.append(
            {
                "kind": label("rule", "coverage"),
                "id": c.id or None,
                **_member_selector(w, c.by),
                **_unit_selector(w, c.units),
                "in_charge": _yes(c.in_charge),
                "per": label("period", c.per),
                "at_least": c.at_least,
                "at_most": c.at_most,
                "own_cell": label("own_cell", c.own_cell) if c.own_cell != "count" else None,
                "source": c.source,
            }
        )
    return rows


def _including(rule: Any) -> str | None:
    """``đảng ủy xã: 1; khu dân cư: 1`` when every sub-count names kinds only (and counts the units in
    charge as the rule does), else the YAML of the list."""
    if not rule.including:
        return None
    short = all(
        set(inc.units.model_dump(exclude_defaults=True)) <= {"kind", "in_charge"}
        and inc.units.kind
        and inc.units.in_charge == rule.units.in_charge
        and all(":" not in k and ";" not in k and "," not in k for k in inc.units.kind)
        for inc in rule.including
    )
    if short:
        return "; ".join(
            f"{', '.join(label('kind', k) for k in inc.units.kind)}: {inc.at_least}" for inc in rule.including
        )
    return flow([inc.model_dump(mode="json", exclude_defaults=True) for inc in rule.including])


def _conflict_row(kind: str, owner: str | None, c: Conflict) -> dict[str, Any]:
    return {
        "kind": label("calendar", kind),
        "owner": owner,
        "date": c.date,
        "from": c.from_,
        "to": c.to,
        "weekdays": "; ".join(label("weekday", d).title() for d in c.weekdays) if c.weekdays else None,
        "reason": c.reason,
    }


def _calendar(w: _Writer) -> list[dict[str, Any]]:
    rows = [_conflict_row("blackout", None, c) for c in w.s.calendar.blackouts]
    rows += [_conflict_row("closed", w.ref("unit", u.id), c) for u in w.s.units for c in u.closed]
    rows += [_conflict_row("unavailable", w.ref("member", m.id), c) for m in w.s.members for c in m.unavailable]
    rows += [_conflict_row("excused", w.ref("member", m.id), c) for m in w.s.members for c in m.excused]
    return rows


def _month(month: str) -> str:
    return f"{month[5:7]}/{month[:4]}"


def _fixed(w: _Writer) -> list[dict[str, Any]]:
    rows = []
    for f in w.s.fixed:
        row: dict[str, Any] = {"unit": w.ref("unit", f.unit)}
        if isinstance(f, FixedCharge):
            row |= {"kind": label("fixed", "charge"), "member": w.ref("member", f.member), "value": _bool(f.charge)}
        elif isinstance(f, FixedAttendance):
            row |= {"kind": label("fixed", "attend"), "member": w.ref("member", f.member), "value": _bool(f.attend)}
            row["month"] = _month(f.month)
        else:
            row |= {
                "kind": label("fixed", "date"),
                "month": _month(f.month),
                "date": f.date,
                "time": f.time,
                "session": label("session", f.session) if f.session else None,
                "place": f.place,
            }
        rows.append(row)
    return rows


def _bool(value: bool) -> str:
    return label("bool", "true" if value else "false")


def _sources(w: _Writer) -> list[dict[str, Any]]:
    return [s.model_dump() for s in w.s.sources]


def _settings(ws: Worksheet, s: Scenario) -> None:
    values: dict[str, Any] = {
        "name": s.name,
        "year": s.year,
        "period.start": s.period.start if s.period else None,
        "period.end": s.period.end if s.period else None,
        "calendar.public_holidays": s.calendar.public_holidays,
        "limits.meetings_per_day": s.limits.meetings_per_day,
        "limits.own_meetings_busy": label("bool", "true" if s.limits.own_meetings_busy else "false"),
        "frozen_until": _month(s.frozen_until) if s.frozen_until else None,
    }
    values |= {f"weights.{k}": v for k, v in s.weights.model_dump().items()}
    notes = {
        "name": "tiêu đề của kế hoạch (in trên quyết định)",
        "year": "năm kế hoạch; hoặc để trống và ghi Từ ngày, Đến ngày",
        "period.start": "ngày đầu của một tháng (01/07/2025)",
        "period.end": "ngày cuối của một tháng (31/12/2025)",
        "calendar.public_holidays": "VN: nghỉ các ngày lễ, Tết của Việt Nam",
        "limits.meetings_per_day": "mỗi đồng chí dự nhiều nhất bấy nhiêu buổi một ngày",
        "limits.own_meetings_busy": "Có: ngày cấp ủy của đồng chí họp thì không đi dự chi bộ",
        "frozen_until": "các tháng đến tháng này giữ nguyên (chỉ các buổi đã cố định)",
        "weights.residence": "càng lớn càng ưu tiên phân công theo nơi cư trú",
        "weights.sector": "càng lớn càng ưu tiên phân công theo lĩnh vực",
        "weights.shift": "càng lớn càng tránh dời ngày họp của chi bộ",
        "weights.visit": "càng lớn càng bớt số buổi dự",
        "weights.balance": "càng lớn càng chia đều giữa các đồng chí",
        "weights.stability": "càng lớn càng giữ nguyên phân công của kế hoạch cũ",
    }
    append_row(ws, ["Mục", "Giá trị", "Giải thích"])
    for cell in ws[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for path, labels, _family in SETTINGS:
        value = values.get(path)
        if path in ("year", "period.start", "period.end") and value is None:
            value = None
        append_row(ws, [labels[0], value, notes.get(path, "")])
        cell = ws.cell(row=ws.max_row, column=2)
        if isinstance(value, dt.date):
            cell.number_format = DATE_FORMAT
        cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
        ws.cell(row=ws.max_row, column=1).font = BOLD
        ws.cell(row=ws.max_row, column=1).alignment = Alignment(vertical="top", wrap_text=True)
    ws.column_dimensions["A"].width = 38
    ws.column_dimensions["B"].width = 50
    ws.column_dimensions["C"].width = 62
    for r in range(2, ws.max_row + 1):
        ws.cell(row=r, column=3).alignment = WRAP
    _heights(ws, (38, 50, 62), first=2)
    dv = DataValidation(type="list", formula1=f'"{_bool(True)},{_bool(False)}"', allow_blank=True)
    row = next(i for i, (p, _, _) in enumerate(SETTINGS, start=2) if p == "limits.own_meetings_busy")
    dv.add(f"B{row}")
    ws.add_data_validation(dv)
    ws.freeze_panes = "A2"
    _page(ws, landscape=True)


_GUIDE = """KẾ HOẠCH PHÂN CÔNG CẤP ỦY VIÊN PHỤ TRÁCH, DỰ SINH HOẠT CHI BỘ
Sổ tính này là một kịch bản đầy đủ: điền các trang, lưu lại, rồi chạy lệnh planner với tệp này.
|
CÁC TRANG
Thiết lập — tên kế hoạch, năm (hoặc Từ ngày, Đến ngày), ngày lễ, giới hạn và trọng số. Mỗi dòng một mục, giá trị ở cột B.
Đơn vị — mỗi dòng một tổ chức đảng: đảng ủy, chi bộ thôn, bản, tổ dân phố, trường, trạm y tế, quân sự, công an, cơ quan.
Cấp ủy viên — mỗi dòng một đồng chí: họ và tên, cấp ủy, chức vụ, nơi cư trú, chi bộ sinh hoạt, lĩnh vực phụ trách.
Quy tắc — mỗi dòng một quy tắc: phụ trách (ai phụ trách chi bộ nào), dự sinh hoạt (mỗi đồng chí dự ít nhất bao nhiêu buổi mỗi tháng, quý, năm), chi bộ được dự (mỗi chi bộ có ít nhất bao nhiêu đồng chí dự).
Lịch — ngày nghỉ chung, ngày chi bộ không họp, ngày đồng chí bận; một ngày, từ ngày đến ngày, hoặc các thứ trong tuần; ghi lý do.
Cố định — những phân công hoặc buổi dự đã quyết, giữ nguyên khi lập kế hoạch; ngày họp đã định của một chi bộ.
Văn bản — các quy định, hướng dẫn làm căn cứ (in ở phần Căn cứ của quyết định).
|
CÁCH ĐIỀN
Mã để trống thì lấy từ tên (Chi bộ thôn Bản Khoét → thon-ban-khoet); hai tên trùng nhau thì thêm -2, -3. Lệnh planner validate cho biết các mã đã lấy.
Ở các cột Trực thuộc, Cấp ủy, Nơi cư trú, Chi bộ sinh hoạt, Áp dụng cho, ghi tên (như ở trang Đơn vị, Cấp ủy viên) hoặc mã.
Chức vụ ghi như thường viết: Bí thư, Phó Bí thư, Phó Bí thư Thường trực, Ủy viên BTV, Ủy viên BCH, Đảng ủy viên, Cán bộ lãnh đạo quản lý. Chức vụ chính quyền (Chủ tịch UBND xã…) ghi ở cột Chức danh.
Nhiều giá trị trong một ô thì cách nhau bởi dấu chấm phẩy: Thứ Hai; Thứ Tư hoặc Thứ Hai - Thứ Sáu.
Ngày ghi dd/mm/yyyy (08/03/2026); tháng ghi mm/yyyy (03/2026). Có hoặc để trống ở các cột Có/Không.
Cột có danh sách thả xuống: chọn trong danh sách hoặc gõ; chữ hoa, chữ thường, có dấu hay không dấu đều được.
Trong đó (quy tắc dự sinh hoạt): trong số buổi phải dự, ít nhất bao nhiêu buổi ở mỗi loại đơn vị, ví dụ: đảng ủy xã: 1; khu dân cư: 1.
Có thể thêm dòng tiêu đề phía trên hàng tiêu đề, cột STT và cột Ghi chú: chương trình bỏ qua.
|
CÁC LỆNH
planner validate TỆP.xlsx — kiểm tra, báo lỗi theo trang, dòng, cột
planner check TỆP.xlsx — có lập được kế hoạch không; nếu không, vì sao
planner solve TỆP.xlsx -o ke-hoach — lập kế hoạch
planner report TỆP.xlsx ke-hoach -o ban-in --format docx,xlsx — quyết định và lịch để in
planner export TỆP.xlsx TỆP.yaml — chuyển sang YAML (và ngược lại)
"""


def _guide(ws: Worksheet) -> None:
    width = 88
    ws.column_dimensions["A"].width = width + 4
    for n, line in enumerate(_GUIDE.strip("\n").splitlines(), start=1):
        text = "" if line == "|" else line
        append_row(ws, [text or None])
        cell = ws.cell(row=n, column=1)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if n == 1:
            cell.font = TITLE_FONT
            ws.row_dimensions[n].height = 24
        elif text and text.isupper():
            cell.font = Font(bold=True, color="8B1A1A")
            ws.row_dimensions[n].height = 18
        else:
            ws.row_dimensions[n].height = 15 * max(1, -(-len(text) // (width + 12)))  # wrapped lines
    ws.sheet_view.showGridLines = False
    _page(ws, landscape=True)


def _columns(key: str) -> tuple[Column, ...]:
    return tuple(c for c in COLUMNS[key] if c.path not in _SKIPPED.get(key, ()))


def render_workbook(scenario: Scenario, ids: bool = True) -> bytes:
    """The scenario as a workbook that `planner.io.workbook.load_workbook` reads back into it (``ids``
    False: the id columns blank, the ids then derived from the names)."""
    w = _Writer(scenario, ids)
    wb = Workbook()
    wb.properties.creator = "planner"
    wb.properties.title = clean_text(scenario.name)
    wb.properties.created = wb.properties.modified = _EPOCH
    guide = wb.active
    guide.title = SHEETS["guide"][0]
    _guide(guide)
    _settings(_sheet(wb, "settings"), scenario)
    unit_col = get_column_letter(next(i for i, c in enumerate(_columns("units"), 1) if c.path == "name"))
    member_col = get_column_letter(next(i for i, c in enumerate(_columns("members"), 1) if c.path == "name"))
    last_u = len(scenario.units) + SPARE_ROWS
    last_m = len(scenario.members) + SPARE_ROWS
    lists = {
        "unit": f"'{SHEETS['units'][0]}'!${unit_col}$2:${unit_col}${last_u}",
        "member": f"'{SHEETS['members'][0]}'!${member_col}$2:${member_col}${last_m}",
    }
    for key, rows in (
        ("units", _units(w)),
        ("members", _members(w)),
        ("rules", _rules(w)),
        ("calendar", _calendar(w)),
        ("fixed", _fixed(w)),
        ("sources", _sources(w)),
    ):
        ws = _sheet(wb, key)
        columns = _columns(key)
        _header(ws, columns)
        _rows(ws, columns, rows)
        _lists(ws, columns, lists)
    wb.active = 0
    out = io.BytesIO()
    wb.save(out)
    return _without_times(out.getvalue())


def _without_times(data: bytes) -> bytes:
    """The workbook with every part, and its 'modified' property, dated 2000-01-01 (openpyxl dates them now):
    the same scenario gives the same bytes."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            part = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            part.compress_type, part.external_attr = zipfile.ZIP_DEFLATED, info.external_attr
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl writes the time of saving as 'modified'
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2000-01-01T00:00:00Z", content)
            dst.writestr(part, content)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------- examples
def template_scenario(level: str, year: int) -> Scenario:
    """The example that ``planner init --level LEVEL`` writes: a small committee of that level, its units,
    members and rules as an office would set them; it loads, and it has a plan."""
    from planner.io.loader import validate_mapping

    data = {"commune": _commune, "district": _district, "province": _province}[level](year)
    return validate_mapping(data, f"<template {level}>")


def _cells_of(parent: str, prefix: str, names: list[tuple[str, str]], first_day: int) -> list[dict[str, Any]]:
    out = []
    for i, (name, kind) in enumerate(names):
        meeting: dict[str, Any] = {"day": first_day + 2 * i, "flex": [2, 7]}  # a week later when Tết falls on it
        if kind == "school":
            meeting["weekdays"] = ["mon", "tue", "wed", "thu", "fri"]
        if kind == "residential":
            meeting |= {"session": "evening", "time": "19:30", "place": f"Nhà văn hóa {name.split('thôn ')[-1]}"}
        out.append({"id": f"{prefix}-{i + 1}", "name": name, "kind": kind, "parent": parent, "meeting": meeting})
    return out


def _commune(year: int) -> dict[str, Any]:
    xa = "xa"
    units = [
        {
            "id": xa,
            "name": "Đảng ủy xã Minh Hòa",
            "kind": "commune_committee",
            "level": "commune",
            "meeting": {"day": 26, "flex": [2, 4]},
        },
        *_cells_of(
            xa,
            "cb",
            [
                ("Chi bộ thôn Bản Khoét", "residential"),
                ("Chi bộ thôn Nà Lầu", "residential"),
                ("Chi bộ thôn Khuổi Hoa", "residential"),
                ("Chi bộ Trường Tiểu học Minh Hòa", "school"),
                ("Chi bộ Trạm Y tế xã", "health"),
                ("Chi bộ Quân sự xã", "military"),
                ("Chi bộ Công an xã", "police"),
                ("Chi bộ cơ quan xã", "agency"),
            ],
            3,
        ),
    ]
    people = [
        ("Hoàng Văn Minh", ["secretary", "standing"], None, "cb-1", "cb-8", ["agency"]),
        ("Nông Thị Lan", ["deputy_secretary", "standing"], "Chủ tịch HĐND xã", "cb-2", "cb-8", ["school"]),
        ("Lý Văn Sinh", ["deputy_secretary", "standing"], "Chủ tịch UBND xã", "cb-3", "cb-8", ["health"]),
        ("Triệu Văn Dũng", ["standing"], "Chỉ huy trưởng Ban CHQS xã", "cb-1", "cb-6", ["military"]),
        ("Ma Thị Hà", ["standing"], "Trưởng Công an xã", "cb-2", "cb-7", ["police"]),
        ("Đặng Văn Quân", ["executive"], "Phó Chủ tịch UBND xã", "cb-3", "cb-3", []),
        ("Lục Thị Huệ", ["executive"], "Chủ tịch Hội Liên hiệp Phụ nữ xã", "cb-1", "cb-1", []),
    ]
    members: list[dict[str, Any]] = [
        {
            "id": f"uv-{i + 1}",
            "name": name,
            "committee": xa,
            "roles": roles,
            **({"title": title} if title else {}),
            "residence": res,
            "home_cell": home,
            "sectors": sectors,
        }
        for i, (name, roles, title, res, home, sectors) in enumerate(people)
    ]
    members[5]["unavailable"] = [
        {"from": f"{year}-09-07", "to": f"{year}-09-25", "reason": "học lớp trung cấp lý luận chính trị"}
    ]
    return {
        "name": f"Đảng ủy xã Minh Hòa — phân công cấp ủy viên phụ trách, dự sinh hoạt chi bộ năm {year}",
        "year": year,
        "calendar": {
            "public_holidays": "VN",
            "blackouts": [{"from": f"{year}-07-20", "to": f"{year}-07-24", "reason": "hội nghị Ban Chấp hành mở rộng"}],
        },
        "units": units,
        "members": members,
        "responsibility": [
            {
                "id": "phu-trach-chi-bo",
                "members": {"committee": xa},
                "units": {"under": xa, "kind": ["residential", "school", "health", "military", "police", "agency"]},
                "per_unit": {"min": 1, "max": 1},
                "per_member": {"min": 1, "max": 2},
                "basis": "prefer",
                "source": "qd-01",
            }
        ],
        "attendance": [
            {
                "id": "du-moi-thang",
                "members": {"committee": xa},
                "units": {"in_charge": True},
                "per": "month",
                "at_least": 1,
                "source": "qd-01",
            }
        ],
        "coverage": [
            {
                "id": "chi-bo-co-cap-uy-du",
                "units": {"under": xa, "kind": ["residential", "school", "health", "military", "police", "agency"]},
                "by": {"committee": xa},
                "in_charge": True,
                "per": "quarter",
                "at_least": 1,
            }
        ],
        "fixed": [{"member": "uv-1", "unit": "cb-8", "charge": True}],
        "sources": [
            {
                "id": "qd-01",
                "kind": "Quy định",
                "number": "01-QĐ/ĐU",
                "date": f"{year - 1}-12-15",
                "issuer": "Ban Thường vụ Đảng ủy xã Minh Hòa",
                "title": "về trách nhiệm của cấp ủy viên phụ trách và dự sinh hoạt chi bộ",
            }
        ],
    } | _closed(units, "cb-4", year)


def _closed(units: list[dict[str, Any]], uid: str, year: int) -> dict[str, Any]:
    for u in units:
        if u["id"] == uid:
            u["closed"] = [{"from": f"{year}-05-11", "to": f"{year}-05-15", "reason": "kiểm tra học kỳ II"}]
    return {}


def _district(year: int) -> dict[str, Any]:
    h = "huyen"
    units: list[dict[str, Any]] = [
        {
            "id": h,
            "name": "Huyện ủy Minh Sơn",
            "kind": "district_committee",
            "level": "district",
            "meeting": {"day": 20, "flex": [2, 4]},
        }
    ]
    members: list[dict[str, Any]] = []
    for n, (xa, name) in enumerate((("xa-a", "Minh Hòa"), ("xa-b", "Minh Tân")), start=1):
        units.append(
            {
                "id": xa,
                "name": f"Đảng ủy xã {name}",
                "kind": "commune_committee",
                "level": "commune",
                "parent": h,
                "meeting": {"day": 20 + n, "flex": [2, 7]},
            }
        )
        cells = [(f"Chi bộ thôn {name} {k}", "residential") for k in (1, 2, 3)] + [
            (f"Chi bộ Trường Tiểu học {name}", "school")
        ]
        units += _cells_of(xa, f"{xa}-cb", cells, 2 + n)
        for k, roles in enumerate(
            (["secretary", "standing"], ["deputy_secretary", "standing"], ["executive"], ["executive"]), 1
        ):
            members.append(
                {
                    "id": f"{xa}-uv{k}",
                    "name": f"Cấp ủy viên {k} xã {name}",
                    "committee": xa,
                    "roles": roles,
                    "residence": f"{xa}-cb-{min(k, 3)}",
                }
            )
    for k, roles in enumerate((["deputy_secretary", "standing"], ["standing"], ["executive"], ["leader"]), 1):
        members.append(
            {
                "id": f"huyen-uv{k}",
                "name": f"Huyện ủy viên {k}",
                "committee": h,
                "roles": roles,
                "residence": "xa-a" if k % 2 else "xa-b",
            }
        )
    kinds = ["residential", "school"]
    return {
        "name": f"Huyện ủy Minh Sơn — phân công cấp ủy viên phụ trách, dự sinh hoạt chi bộ năm {year}",
        "year": year,
        "calendar": {"public_holidays": "VN"},
        "units": units,
        "members": members,
        "responsibility": [
            {
                "id": "huyen-phu-trach-xa",
                "members": {"committee": h},
                "units": {"kind": "commune_committee"},
                "per_unit": {"min": 1, "max": 2},
                "per_member": {"min": 0, "max": 1},
            },
            {
                "id": "xa-phu-trach-chi-bo",
                "members": {"level": "commune"},
                "units": {"kind": kinds},
                "per_unit": {"min": 1, "max": 1},
                "per_member": {"min": 1, "max": 2},
            },
        ],
        "attendance": [
            {
                "id": "huyen-moi-quy",
                "members": {"committee": h, "roles": ["standing", "executive"]},
                "units": {"kind": ["commune_committee", "residential"], "in_charge": True},
                "per": "quarter",
                "at_least": 1,
            },
            {
                "id": "xa-moi-thang",
                "members": {"level": "commune"},
                "units": {"in_charge": True},
                "per": "month",
                "at_least": 1,
            },
        ],
        "coverage": [
            {
                "id": "moi-chi-bo-moi-quy",
                "units": {"kind": kinds},
                "by": {"level": "commune"},
                "in_charge": True,
                "per": "quarter",
                "at_least": 1,
            }
        ],
    }


def _province(year: int) -> dict[str, Any]:
    t = "tinh"
    units: list[dict[str, Any]] = [
        {
            "id": t,
            "name": "Tỉnh ủy Minh Giang",
            "kind": "province_committee",
            "level": "province",
            "meeting": {"day": 15, "flex": [2, 7]},
        }
    ]
    members: list[dict[str, Any]] = []
    for n, (xa, name) in enumerate((("xa-a", "Minh Hòa"), ("xa-b", "Minh Tân"), ("xa-c", "Minh Lộc")), start=1):
        tags = ["difficult"] if n == 3 else []
        units.append(
            {
                "id": xa,
                "name": f"Đảng ủy xã {name}",
                "kind": "commune_committee",
                "level": "commune",
                "parent": t,
                "tags": tags,
                "meeting": {"day": 20 + n, "flex": [2, 7]},
            }
        )
        cells = [(f"Chi bộ thôn {name} {k}", "residential") for k in (1, 2)]
        units += _cells_of(xa, f"{xa}-cb", cells, 2 + 2 * n)
        for k, roles in enumerate((["secretary", "standing"], ["deputy_secretary", "standing"], ["executive"]), 1):
            members.append(
                {
                    "id": f"{xa}-uv{k}",
                    "name": f"Cấp ủy viên {k} xã {name}",
                    "committee": xa,
                    "roles": roles,
                    "residence": f"{xa}-cb-{min(k, 2)}",
                }
            )
    for k, roles in enumerate((["standing"], ["standing"], ["executive"], ["leader"]), 1):
        members.append({"id": f"tinh-uv{k}", "name": f"Tỉnh ủy viên {k}", "committee": t, "roles": roles})
    return {
        "name": f"Tỉnh ủy Minh Giang — cấp ủy viên dự sinh hoạt chi bộ năm {year}",
        "year": year,
        "calendar": {"public_holidays": "VN"},
        "units": units,
        "members": members,
        "responsibility": [
            {
                "id": "tinh-phu-trach-xa",
                "members": {"committee": t},
                "units": {"kind": "commune_committee"},
                "per_unit": {"min": 1, "max": 2},
                "per_member": {"min": 1, "max": 1},
            },
            {
                "id": "xa-phu-trach-thon",
                "members": {"level": "commune"},
                "units": {"kind": "residential"},
                "per_unit": {"min": 1, "max": 2},
                "per_member": {"min": 1, "max": 1},
            },
        ],
        "attendance": [
            {
                "id": "tinh-moi-quy",
                "members": {"committee": t},
                "units": {"kind": ["commune_committee", "residential"], "in_charge": True},
                "per": "quarter",
                "at_least": 1,
            },
            {
                "id": "xa-moi-thang",
                "members": {"level": "commune"},
                "units": {"kind": "residential", "in_charge": True},
                "per": "month",
                "at_least": 1,
            },
        ],
    }
