"""The Excel workbook the organisation department works in (openpyxl).

Sheets, in this order: Decision (who is in charge of what, by committee and role), Calendar (member × month,
the dates and units), Attendance, Meetings, Quotas (required vs planned per period; tight in yellow, broken in
red), Coverage (the same per unit), Summary. Every table sheet has a bold frozen header row, an autofilter and
column widths fitted to its text; dates are real Excel dates.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from planner.io.cells import append_row, clean_text
from planner.outputs.facts import Facts, QuotaRow
from planner.outputs.labels import Labels

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="8B1A1A")  # a deep party red
TIGHT_FILL = PatternFill("solid", fgColor="FFF2CC")
BAD_FILL = PatternFill("solid", fgColor="F4CCCC")
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
MAX_WIDTH = 60

# a fixed creation time, so that the workbook's properties do not depend on the clock
_EPOCH = dt.datetime(2000, 1, 1)


def _width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, (dt.date, dt.datetime)):
        return 10
    return max((len(line) for line in str(value).splitlines()), default=0)


def _table(
    ws: Worksheet, header: Sequence[str], rows: Sequence[Sequence[Any]], date_format: str, wrap: Sequence[int] = ()
) -> None:
    """Header row (bold, frozen, filtered), rows, real dates, widths fitted to the text."""
    append_row(ws, header)
    for cell in ws[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in rows:
        append_row(ws, row)  # through the guard: no formula, no illegal character
    widths = [_width(h) for h in header]
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c)
            if isinstance(value, dt.date):
                cell.number_format = date_format
            cell.alignment = WRAP if c - 1 in wrap else TOP
            widths[c - 1] = max(widths[c - 1], _width(value))
    for c, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = min(MAX_WIDTH, max(6, w + 2))
    ws.freeze_panes = "B2" if len(header) > 3 else "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(1, len(rows) + 1)}"
    # printed: A4 landscape, as wide as one page, the header row on every page
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"


CALENDAR_MONTHS_PER_PAGE = 3  # printed: a quarter a page across, the member and role columns on every page
_CAL_WIDTHS = (22, 18, 20)  # characters: member, role, each month


def _lines(value: Any, width: int) -> int:
    """How many lines a wrapped text takes in a column ``width`` characters wide."""
    if value is None:
        return 1
    return sum(max(1, -(-len(line) // max(1, width - 1))) for line in str(value).splitlines() or [""])


def _print_calendar(ws: Worksheet, rows: Sequence[Sequence[Any]], months: int) -> None:
    """The calendar readable on A4: landscape at a fixed scale (never shrunk to one page's width), a quarter
    (three months) a page across with the member and role columns and the header row repeated, every cell
    wrapped and every row as tall as its longest cell, so that two-line cells never run into each other."""
    from openpyxl.worksheet.pagebreak import Break, ColBreak

    member_w, role_w, month_w = _CAL_WIDTHS
    ws.column_dimensions["A"].width = member_w
    ws.column_dimensions["B"].width = role_w
    for c in range(3, 3 + months):
        ws.column_dimensions[get_column_letter(c)].width = month_w
    ws.column_dimensions[get_column_letter(3 + months)].width = 8
    for r, row in enumerate(rows, start=2):
        widths = [member_w, role_w, *([month_w] * months), 8]
        lines = max(_lines(v, w) for v, w in zip(row, widths))
        ws.row_dimensions[r].height = 15 * lines + 4
        for c in range(1, len(row) + 1):
            ws.cell(row=r, column=c).alignment = WRAP
    ws.row_dimensions[1].height = 32
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 0, 0
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.scale = 95
    ws.page_setup.pageOrder = "overThenDown"
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_title_rows = "1:1"
    ws.print_title_cols = "A:B"
    ws.col_breaks = ColBreak()
    for end in range(2 + CALENDAR_MONTHS_PER_PAGE, 2 + months, CALENDAR_MONTHS_PER_PAGE):
        ws.col_breaks.append(Break(id=end))
    ws.oddHeader.center.text = clean_text(ws.title)
    ws.oddFooter.center.text = "&P / &N"


def _quota_sheet(
    ws: Worksheet, L: Labels, qrows: Sequence[QuotaRow], name_of: Callable[[str], str], subject: str, planned: str
) -> None:
    """Required vs planned per subject (``member`` or ``unit``) and period, shaded by state; ``planned``: the
    label of the planned count."""
    rows = [
        (q.subject, name_of(q.subject), q.rule, q.period, q.at_least, q.at_most, q.planned, L(q.state)) for q in qrows
    ]
    _table(
        ws,
        [L(f"{subject}_id"), L(subject), L("rule"), L("period"), L("at_least"), L("at_most"), L(planned), L("state")],
        rows,
        L.date_format,
    )
    _shade(ws, qrows, 8)


def _shade(ws: Worksheet, rows: Sequence[QuotaRow], state_col: int) -> None:
    for r, q in enumerate(rows, start=2):
        fill = BAD_FILL if q.state in ("below", "above") else TIGHT_FILL if q.state == "tight" else None
        if fill is not None:
            for c in range(1, state_col + 1):
                ws.cell(row=r, column=c).fill = fill


def render_xlsx(facts: Facts, L: Labels) -> bytes:
    f, inst = facts, facts.inst
    wb = Workbook()
    wb.properties.creator = "planner"
    wb.properties.title = clean_text(f.name)
    wb.properties.created = wb.properties.modified = _EPOCH
    df = L.date_format

    # Decision: one row per charge, members grouped by committee and role.
    ws = wb.active
    ws.title = L("decision")
    rows = []
    n = 0
    for m in f.members:
        mem = inst.members[m]
        n += 1
        units = f.charges.get(m, [])
        for u in units or [None]:
            unit = (u, f.unit_name(u), L.kind(inst.units[u].kind), L.basis(f.basis(m, u))) if u else (None,) * 4
            role = L.roles(mem.roles) + (f"; {mem.title}" if mem.title else "")
            rows.append((n, m, mem.name, role, f.unit_name(mem.committee), *unit, len(f.by_member.get(m, []))))
    _table(
        ws,
        [
            L("no"),
            L("member_id"),
            L("member"),
            L("role"),
            L("committee"),
            L("unit_id"),
            L("unit"),
            L("kind"),
            L("basis"),
            L("attendances"),
        ],
        rows,
        df,
    )

    # Calendar: member × month, each cell the dates and units of that month.
    ws = wb.create_sheet(L("calendar"))
    rows = []
    for m in f.members:
        cells = []
        for mo in f.months:
            atts = f.by_member_month.get((m, mo), [])
            cells.append("\n".join(f"{L.day_month(a.date)} {f.unit_name(a.unit)}" for a in atts) or None)
        rows.append((f.member_name(m), L.roles(inst.members[m].roles), *cells, len(f.by_member.get(m, []))))
    header = [L("member"), L("role"), *(L.month(mo) for mo in f.months), L("total")]
    _table(ws, header, rows, df, wrap=range(1, 2 + len(f.months)))
    _print_calendar(ws, rows, len(f.months))

    # Attendance: one row per attendance, by date.
    ws = wb.create_sheet(L("attendance"))
    rows = [
        (
            a.date,
            a.month,
            a.member,
            f.member_name(a.member),
            a.unit,
            f.unit_name(a.unit),
            L.kind(inst.units[a.unit].kind) if a.unit in inst.units else "",
            f.parent_name(a.unit),
        )
        for a in f.attendances
    ]
    _table(
        ws,
        [L("date"), L("month"), L("member_id"), L("member"), L("unit_id"), L("unit"), L("kind"), L("parent")],
        rows,
        df,
    )

    # Meetings: every planned meeting, its regular day, the days moved, who attends.
    ws = wb.create_sheet(L("meetings"))
    rows = []
    for u, mo, d, ms in f.meetings:
        pref = f.preferred(u, mo)
        rows.append(
            (
                u,
                f.unit_name(u),
                mo,
                d,
                pref,
                abs((d - pref).days) if pref else None,
                ", ".join(f.member_name(m) for m in ms) or None,
            )
        )
    _table(
        ws,
        [L("unit_id"), L("unit"), L("month"), L("date"), L("preferred_date"), L("shift"), L("attendees")],
        rows,
        df,
        wrap=(6,),
    )

    # Quotas per member and period; coverage per unit and period.
    _quota_sheet(wb.create_sheet(L("quotas")), L, f.quota_rows, f.member_name, subject="member", planned="planned")
    _quota_sheet(wb.create_sheet(L("coverage")), L, f.coverage_rows, f.unit_name, subject="unit", planned="visits")

    # Summary: status, objective and its terms, bound, gap, hash, seed.
    ws = wb.create_sheet(L("summary"))
    s = f.summary
    rows = [
        (L("scenario"), f.name, None, None),
        (L("window"), f.start, f.end, None),
        (L("status"), L.status(s.status), s.status, None),
        (L("objective"), s.objective, None, None),
        (L("bound"), s.bound, None, None),
        (L("gap"), s.gap, None, None),
        (L("seconds"), round(s.seconds, 3), None, None),
        (L("scenario_sha256"), s.scenario_sha256 or None, None, None),
        (L("seed"), s.seed, None, None),
        (L("n_members"), len(inst.members), None, None),
        (L("n_units"), len(inst.meeting_units), None, None),
        (L("n_charges"), len(f.plan.charges), None, None),
        (L("n_attendances"), len(f.plan.attendance), None, None),
    ]
    if f.violations is not None:
        rows.append((L("verify"), L("verify_ok") if not f.violations else L("verify_bad", n=f.violations), None, None))
    rows.append((None, None, None, None))
    rows.append((L("term"), L("count"), L("weight"), L("contribution")))
    term_start = len(rows) + 1
    for name, count, weight, contrib in f.term_rows():
        rows.append((f"{name} — {L.term(name)}", count, weight, contrib))
    rows.append((L("total"), None, None, sum(t[3] for t in f.term_rows())))
    _table(ws, [L("field"), L("value"), "", ""], rows, df)
    ws.auto_filter.ref = None
    ws.freeze_panes = "A2"
    for cell in ws[term_start]:
        cell.font = Font(bold=True)
    if s.gap is not None:
        ws.cell(row=7, column=2).number_format = "0.0%"

    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
