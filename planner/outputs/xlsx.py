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
    ws: Worksheet,
    L: Labels,
    qrows: Sequence[QuotaRow],
    name_of: Callable[[str], str],
    subject: str,
    planned: str,
    note_of: Callable[[QuotaRow], str] | None = None,
) -> None:
    """Required vs planned per subject (``member`` or ``unit``) and period, shaded by state; ``planned``: the
    label of the planned count; ``note_of``: a note per row (prorated need, own cell not counted), a column
    of its own when some row has one."""
    notes = [note_of(q) if note_of is not None else "" for q in qrows]
    rows: list[tuple[Any, ...]] = [
        (q.subject, name_of(q.subject), q.rule, q.period, q.at_least, q.at_most, q.planned, L(q.state)) for q in qrows
    ]
    header = [L(f"{subject}_id"), L(subject), L("rule"), L("period"), L("at_least"), L("at_most"), L(planned)]
    header.append(L("state"))
    if any(notes):
        rows = [(*r, n or None) for r, n in zip(rows, notes)]
        header.append(L("note"))
    _table(ws, header, rows, L.date_format)
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

    # Decision: one row per charge, members grouped by committee and role; a person with several seats is
    # one number, each seat's charges under it (its role on that seat's committee).
    ws = wb.active
    ws.title = L("decision")
    serving = any(f.service_text(m, L) for m in f.people)
    teams = bool(f.team_charges)
    rows = []
    for n, p in enumerate(f.people, start=1):
        count = len(f.person_attendances(p))
        service = f.service_text(p, L) or None
        charges: list[tuple[str, str | None]] = list(f.person_charges(p)) or [(p, None)]
        for seat, u in charges:
            mem = inst.members[seat]
            several = len(f.seats(p)) > 1
            role = f.person_roles(p, L) if several else L.roles(mem.roles)
            titles = dict.fromkeys(inst.members[s].title for s in f.seats(p) if inst.members[s].title)
            role += "".join(f"; {t}" for t in titles)
            unit: tuple[Any, ...]
            if u:
                team = f.team_of(seat, u)
                basis = L("with_team", team=team.name or team.id) if team is not None else L.basis(f.basis(seat, u))
                unit = (u, f.unit_name(u), L.kind(inst.units[u].kind), basis)
            else:
                unit = (None, None, None, None)
            row: list[Any] = [n, seat, mem.name, role, f.seat_committees(p) if several else f.unit_name(mem.committee)]
            if serving:
                row.append(service)
            rows.append((*row, *unit, count))
    header = [L("no"), L("member_id"), L("member"), L("role"), L("committee")]
    if serving:
        header.append(L("serving"))
    header += [L("unit_id"), L("unit"), L("kind"), L("basis"), L("attendances")]
    wrapped = (
        {3: 40} if any(len(f.seats(p)) > 1 for p in f.people) else {}
    )  # a person's seats: each with its committee, wrapped
    if serving:
        wrapped[5] = 32  # a long excused stretch wraps in a column of its own width, not the sheet's
    _table(ws, header, rows, df, wrap=tuple(wrapped))
    for c, cap in wrapped.items():
        letter = get_column_letter(c + 1)
        ws.column_dimensions[letter].width = min(ws.column_dimensions[letter].width, cap)
    for r, values in enumerate(rows, start=2):
        lines = max((_lines(values[c], cap) for c, cap in wrapped.items()), default=1)
        if lines > 1:  # as tall as its text, so that the wrapped lines never run into the next row
            ws.row_dimensions[r].height = 15 * lines + 2
    if teams:  # the work teams, below the table: name, leader and members, units
        ws.append([])
        ws.append([L("teams")])
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
        for t, units in f.team_charges:
            append_row(
                ws,
                [
                    None,
                    t.id,
                    f.team_text(t, L),
                    None,
                    None,
                    *([None] if serving else []),
                    None,
                    ", ".join(f.unit_name(u) for u in units),
                ],
            )

    # Calendar: person × month, each cell the dates and units of that month (own cell marked; a month the
    # member does not serve says so).
    ws = wb.create_sheet(L("calendar"))
    rows = []
    for p in f.people:
        cells = []
        for mo in f.months:
            atts = f.person_month(p, mo)
            text = "\n".join(f"{L.day_month(a.date)} {f.unit_name(a.unit)}{f.own_mark(p, a.unit, L)}" for a in atts)
            off = f.absence(p, mo, L)
            if off and not atts:
                text = f"({off})"
            cells.append(text or None)
        rows.append((f.member_name(p), f.person_roles(p, L), *cells, len(f.person_attendances(p))))
    header = [L("member"), L("role"), *(L.month(mo) for mo in f.months), L("total")]
    _table(ws, header, rows, df, wrap=range(1, 2 + len(f.months)))
    _print_calendar(ws, rows, len(f.months))

    # Attendance: one row per attendance, by date (a meeting a person attends in two seats once, both ids).
    ws = wb.create_sheet(L("attendance"))
    att_rows: list[list[Any]] = []
    seen: set[tuple[str, str, dt.date]] = set()
    for a in f.attendances:
        key = (f.person(a.member), a.unit, a.date)
        if key in seen:
            continue
        seen.add(key)
        seats = [s for s in f.seats(a.member) if any(b.unit == a.unit and b.date == a.date for b in f.by_member[s])]
        att_rows.append(
            [
                a.date,
                a.month,
                ", ".join(seats),
                f.member_name(a.member),
                a.unit,
                f.unit_name(a.unit),
                L.kind(inst.units[a.unit].kind) if a.unit in inst.units else "",
                f.parent_name(a.unit),
                L("own_cell") if f.own_cell(a.member, a.unit) else None,
            ]
        )
    header = [L("date"), L("month"), L("member_id"), L("member"), L("unit_id"), L("unit"), L("kind"), L("parent")]
    if any(r[-1] for r in att_rows):
        header.append(L("note"))
    else:
        att_rows = [r[:-1] for r in att_rows]
    _table(ws, header, att_rows, df)

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
                ", ".join(
                    dict.fromkeys(f.member_name(m) + f.own_mark(m, u, L) for m in ms if f.seats(m)[0] in f.people)
                )
                or None,
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
    _quota_sheet(
        wb.create_sheet(L("quotas")),
        L,
        f.quota_rows,
        f.member_name,
        subject="member",
        planned="planned",
        note_of=lambda q: f.quota_note(q, L),
    )
    _quota_sheet(
        wb.create_sheet(L("coverage")),
        L,
        f.coverage_rows,
        f.unit_name,
        subject="unit",
        planned="visits",
        note_of=lambda q: f.coverage_note(q, L),
    )

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
        (L("n_members"), len(f.people), None, None),
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
