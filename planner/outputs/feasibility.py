"""The feasibility report of `planner check --out` on an infeasible scenario: a workbook of the conflicts
(``conflicts.xlsx``) for the organisation department, and a short document for the standing committee
(``bao-cao-kha-nang-thuc-hien.docx``, *Báo cáo khả năng thực hiện*): the verdict, the smallest conflict and
the calendar facts behind it, every distinct conflict found, the least change that makes the rules hold, and
for each quota rule the largest value every member can meet and who falls short at the value asked.

Every sentence is `planner.checks.explain`'s (the same words as the terminal); every text in the workbook
goes through `planner.io.cells`. Returns bytes; the command writes them through `planner.io.output.Output`.
"""

from __future__ import annotations

import io
from typing import Any

from planner.checks.diagnose import Diagnosis
from planner.checks.explain import (
    change_text,
    conflict_subjects,
    correction_lines,
    kind_line,
    quota_lines,
    rules_text,
    statements,
)
from planner.checks.facts import facts
from planner.checks.precheck import CapacityCounter
from planner.checks.words import Words
from planner.instance import Instance

XLSX_NAME = "conflicts.xlsx"
DOCX_NAME = "bao-cao-kha-nang-thuc-hien.docx"

_HEAD = {
    "conflicts": ("Conflicts", "Mâu thuẫn"),
    "instances": ("Instances", "Chi tiết"),
    "correction": ("Least change", "Điều chỉnh ít nhất"),
    "quotas": ("Quotas", "Chỉ tiêu"),
    "verdict": ("Verdict", "Kết luận"),
    "members": ("Members", "Đồng chí"),
}


def _sheet(wb: Any, w: Words, name: str, header: list[str], widths: list[int]) -> Any:
    from openpyxl.styles import Alignment, Font, PatternFill

    from planner.io.cells import append_row

    ws = wb.create_sheet(w.t(*_HEAD[name]))
    append_row(ws, header)
    for c in ws[1]:
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor="DDEBF7")
        c.alignment = Alignment(wrap_text=True, vertical="top")
    for i, width in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    ws.freeze_panes = "A2"
    ws.row_dimensions[1].height = 30
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.print_title_rows = "1:1"
    return ws


def _wrap(ws: Any) -> None:
    import math

    from openpyxl.styles import Alignment

    widths = {k: d.width or 10 for k, d in ws.column_dimensions.items()}
    for row in ws.iter_rows(min_row=2):
        lines = 1
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical="top")
            if isinstance(c.value, str):
                width = widths.get(c.column_letter, 10)
                lines = max(lines, sum(math.ceil(max(1, len(t)) / (width * 0.95)) for t in c.value.split("\n")))
        ws.row_dimensions[row[0].row].height = 15 * min(lines, 25)  # LibreOffice and Excel do not grow rows


def month_ranges(months: list[str]) -> str:
    """``01–05/2026, 09/2026``: runs of consecutive months as ranges."""
    runs: list[list[str]] = []
    for mo in sorted(months):
        y, m = int(mo[:4]), int(mo[5:7])
        if runs:
            py, pm = int(runs[-1][-1][:4]), int(runs[-1][-1][5:7])
            if (y, m) == ((py, pm + 1) if pm < 12 else (py + 1, 1)) and y == int(runs[-1][0][:4]):
                runs[-1].append(mo)
                continue
        runs.append([mo])
    return ", ".join(f"{r[0][5:7]}/{r[0][:4]}" if len(r) == 1 else f"{r[0][5:7]}–{r[-1][5:7]}/{r[0][:4]}" for r in runs)


def _conflicts(inst: Instance, diag: Diagnosis) -> list[Any]:
    """The conflicts to list: every distinct one (with --all), else the smallest one alone."""
    if diag.enumeration is not None and diag.enumeration.conflicts:
        return list(diag.enumeration.conflicts)
    from planner.checks.mus import Conflict, group_of

    if not diag.core:
        return []
    groups = tuple(dict.fromkeys(group_of(k) for k in diag.core))
    return [Conflict(groups, (), [list(diag.core)], example=list(diag.core))]


def conflicts_xlsx(inst: Instance, diag: Diagnosis, lang: str = "vi") -> bytes:
    from openpyxl import Workbook

    from planner.io.cells import append_row

    w, counter = Words(inst, lang), CapacityCounter(inst)
    wb = Workbook()
    wb.remove(wb.active)
    ws = _sheet(
        wb,
        w,
        "conflicts",
        [
            "#",
            w.t("rules", "quy định"),
            w.t("members", "đồng chí"),
            w.t("units", "đơn vị"),
            w.t("months", "tháng"),
            w.t("instances", "số trường hợp"),
            w.t("example", "ví dụ"),
            w.t("calendar facts", "dữ kiện lịch"),
        ],
        [4, 28, 30, 24, 16, 9, 50, 60],
    )
    conflicts = _conflicts(inst, diag)
    for i, c in enumerate(conflicts, start=1):
        members, units, months = conflict_subjects(inst, c)
        append_row(
            ws,
            [
                i,
                rules_text(w, c.groups),
                ", ".join(f"{inst.members[m].name} ({m})" for m in members),
                ", ".join(f"{inst.units[u].name} ({u})" for u in units),
                month_ranges(months),
                len(c.instances),
                "\n".join(statements(w, c.example)),
                "\n".join(facts(w, c.example, counter)),
            ],
        )
    _wrap(ws)
    ws = _sheet(
        wb,
        w,
        "instances",
        [
            w.t("conflict", "mâu thuẫn"),
            w.t("family", "loại"),
            w.t("rule", "quy định"),
            w.t("member or unit", "đồng chí hoặc đơn vị"),
            w.t("period or day", "kỳ hoặc ngày"),
            w.t("detail", "chi tiết"),
        ],
        [10, 20, 26, 36, 14, 24],
    )
    for i, c in enumerate(conflicts, start=1):
        for j, mus in enumerate(c.instances, start=1):
            for k in mus:
                who = inst.members[k.subject].name if k.subject in inst.members else ""
                who = who or (inst.units[k.subject].name if k.subject in inst.units else k.subject)
                append_row(
                    ws, [f"{i}.{j}", k.family, k.rule, f"{who} ({k.subject})" if k.subject else "", k.period, k.extra]
                )
    ws = _sheet(
        wb,
        w,
        "correction",
        [
            w.t("field", "mục"),
            w.t("now", "hiện tại"),
            w.t("changed to", "đổi thành"),
            w.t("change", "mức thay đổi"),
            w.t("in words", "diễn giải"),
        ],
        [36, 10, 12, 12, 70],
    )
    corr = diag.correction
    if corr is not None:
        for ch in corr.changes:
            append_row(ws, [ch.field.name, ch.field.current, ch.value, ch.cost, change_text(w, ch)])
        for line in correction_lines(w, corr, diag.core):
            append_row(ws, ["", "", "", "", line.strip()])
    _wrap(ws)
    ws = _sheet(
        wb,
        w,
        "quotas",
        [
            w.t("rule", "quy định"),
            w.t("field", "mục"),
            w.t("asked", "yêu cầu"),
            w.t("largest every member meets", "mức cao nhất mọi người đạt"),
            w.t("member falling short", "đồng chí không đạt"),
            w.t("period", "kỳ"),
            w.t("missing", "còn thiếu"),
        ],
        [24, 22, 10, 16, 36, 12, 10],
    )
    for q in diag.quotas:
        if not q.short:
            append_row(ws, [q.rule, q.field, q.asked, q.largest, "", "", ""])
        for m, period, _need, miss in q.short:
            append_row(ws, [q.rule, q.field, q.asked, q.largest, f"{inst.members[m].name} ({m})", period, miss])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _document(inst: Instance, w: Words) -> tuple[Any, Any, Any]:
    """A4 page, Times New Roman 13, the party header (the committee and ĐẢNG CỘNG SẢN VIỆT NAM): the document
    and its ``para(text, …)`` and ``bullet(text)``."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21), Cm(29.7)
    sec.left_margin, sec.right_margin, sec.top_margin, sec.bottom_margin = Cm(3), Cm(2), Cm(2), Cm(2)
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(13)

    top = next((u for u in inst.scenario.units if u.parent is None), None)
    head = doc.add_table(rows=1, cols=2)
    left, right = head.rows[0].cells
    left.text = ""
    p = left.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    r = p.add_run((top.name if top is not None else inst.scenario.name).upper())
    r.bold = True
    left.add_paragraph("*").alignment = WD_ALIGN_PARAGRAPH.CENTER
    p = right.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    r = p.add_run(w.t("COMMUNIST PARTY OF VIETNAM", "ĐẢNG CỘNG SẢN VIỆT NAM"))
    r.bold, r.underline = True, True

    def para(text: str, bold: bool = False, center: bool = False, size: int | None = None, italic: bool = False):
        p = doc.add_paragraph()
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        else:
            p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        run = p.add_run(text)
        run.bold, run.italic = bold, italic
        if size:
            run.font.size = Pt(size)
        p.paragraph_format.space_after = Pt(4)
        return p

    def bullet(text: str) -> None:
        p = para("– " + text)
        p.paragraph_format.left_indent = Cm(0.6)

    doc.add_paragraph()
    para(w.t("FEASIBILITY REPORT", "BÁO CÁO KHẢ NĂNG THỰC HIỆN"), bold=True, center=True, size=15)
    para(w.t(f"On: {inst.scenario.name}", f"Về: {inst.scenario.name}"), center=True, italic=True)
    return doc, para, bullet


def _table(doc: Any, header: tuple[str, ...], rows: list[list[str]], widths: tuple[float, ...] = ()) -> None:
    """A bordered table, 11 pt; ``widths`` in cm (the text block is 16 cm wide)."""
    from docx.shared import Cm, Pt

    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.autofit = not widths
    for c, text in zip(table.rows[0].cells, header):
        c.text = ""
        c.paragraphs[0].add_run(text).bold = True
    for values in rows:
        cells = table.add_row().cells
        for c, text in zip(cells, values):
            c.text = text
    for i, width in enumerate(widths):  # the grid's widths (LibreOffice reads these) and each cell's (Word)
        table.columns[i].width = Cm(width)
    for row in table.rows:
        for i, cell in enumerate(row.cells):
            if i < len(widths):
                cell.width = Cm(widths[i])
            for p in cell.paragraphs:
                for run in p.runs:
                    run.font.size = Pt(11)


def _bytes(doc: Any) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def report_docx(inst: Instance, diag: Diagnosis, lang: str = "vi") -> bytes:
    """The standing committee's report on an infeasible scenario (Vietnamese; English with ``lang="en"``)."""
    w, counter = Words(inst, lang), CapacityCounter(inst)
    doc, para, bullet = _document(inst, w)

    para(w.t("I. CONCLUSION", "I. KẾT LUẬN"), bold=True)
    para(
        w.t(
            "No assignment plan satisfies every rule of the scenario together. The sections below give the smallest "
            "conflict, the calendar facts behind it, the distinct conflicts found and the least change that makes "
            "a plan possible.",
            "Không có kế hoạch phân công nào thỏa mãn đồng thời mọi quy định của kịch bản. Các phần dưới đây nêu "
            "mâu thuẫn nhỏ nhất, các dữ kiện lịch dẫn tới mâu thuẫn, các mâu thuẫn khác nhau đã tìm thấy và phương "
            "án điều chỉnh ít nhất để kế hoạch khả thi.",
        )
    )
    para(w.t("II. THE CAUSE (THE SMALLEST CONFLICT)", "II. NGUYÊN NHÂN (MÂU THUẪN NHỎ NHẤT)"), bold=True)
    if diag.core:
        para(
            w.t(
                f"These {len(diag.core)} constraints cannot all be met together:",
                f"{len(diag.core)} ràng buộc sau không thể cùng được đáp ứng:",
            )
            if len(diag.core) > 1
            else w.t(
                "This constraint cannot be met, whatever the other rules:",
                "Ràng buộc sau không thể được đáp ứng, dù các quy định khác thế nào:",
            )
        )
        for text in statements(w, diag.core):
            bullet(text)
        para(kind_line(w, diag).strip(), italic=True)
        fs = facts(w, diag.core, counter)
        if fs:
            para(w.t("The facts behind the conflict:", "Các dữ kiện dẫn tới mâu thuẫn:"))
            for f in fs:
                bullet(f)
    else:
        para(
            w.t(
                "No plan exists (proven), but the clashing rules were not isolated within the time allowed.",
                "Đã chứng minh không có kế hoạch khả thi nhưng chưa tách được các quy định mâu thuẫn trong thời gian "
                "cho phép.",
            )
        )

    conflicts = _conflicts(inst, diag)
    para(w.t("III. THE DISTINCT CONFLICTS", "III. CÁC MÂU THUẪN KHÁC NHAU"), bold=True)
    if diag.enumeration is None:
        para(
            w.t(
                "(Run planner check --all to list every distinct conflict.)",
                "(Chạy planner check --all để liệt kê mọi mâu thuẫn khác nhau.)",
            ),
            italic=True,
        )
    rows = []
    for i, c in enumerate(conflicts, start=1):
        members, units, months = conflict_subjects(inst, c)
        who = ", ".join(inst.members[m].name for m in members) or ", ".join(inst.units[u].name for u in units)
        rows.append([str(i), rules_text(w, c.groups), who, month_ranges(months), str(len(c.instances))])
    _table(
        doc,
        (
            w.t("No.", "TT"),
            w.t("Rules", "Quy định"),
            w.t("Members / units", "Đồng chí / đơn vị"),
            w.t("Months", "Tháng"),
            w.t("Instances", "Số trường hợp"),
        ),
        rows,
        (1.1, 5.4, 4.7, 2.4, 2.4),
    )

    para(w.t("IV. THE LEAST CHANGE", "IV. PHƯƠNG ÁN ĐIỀU CHỈNH ÍT NHẤT"), bold=True)
    if diag.correction is not None:
        lines = correction_lines(w, diag.correction, diag.core)
        para(lines[0])
        for line in lines[1:]:
            bullet(line.strip().removeprefix("- "))
    else:
        para(w.t("(Not computed.)", "(Không tính.)"), italic=True)
    if diag.quotas:
        para(w.t("V. THE QUOTAS THAT CAN HOLD", "V. MỨC CHỈ TIÊU CÓ THỂ ĐẠT"), bold=True)
        for q in diag.quotas:
            lines = quota_lines(w, q)
            para(lines[0])
            for line in lines[1:]:
                bullet(line.strip().removeprefix("- "))
    doc.add_paragraph()
    para(
        w.t(
            f"({diag.rule_instances} constraints checked; {diag.solves} solves; {diag.seconds:.1f} s.)",
            f"({diag.rule_instances} ràng buộc được kiểm tra; {diag.solves} lần giải; {diag.seconds:.1f} giây.)",
        ),
        italic=True,
        size=11,
    )
    return _bytes(doc)


# ---------------------------------------------------------------------------------------------- it holds
def key_numbers(w: Words, plan: Any, summary: Any = None) -> list[tuple[str, str, Any]]:
    """The plan's key numbers: (English, Vietnamese, value)."""
    inst = w.inst
    held = len(plan.meetings)
    rows: list[tuple[str, str, Any]] = [
        ("members", "đồng chí", len(inst.members)),
        ("units with a regular meeting", "đơn vị có lịch sinh hoạt", len(inst.meeting_units)),
        ("months", "tháng", len(inst.months)),
        ("charges (member in charge of a unit)", "lượt phân công phụ trách", len(plan.charges)),
        ("meetings held", "cuộc họp được tổ chức", held),
        ("attendances", "lượt dự sinh hoạt", len(plan.attendance)),
    ]
    if summary is not None:
        status = str(summary.status)
        vi = {"optimal": "tối ưu (optimal)", "feasible": "khả thi, chưa chứng minh tối ưu (feasible)"}.get(
            status, status
        )
        rows.append(("search", "kết quả tìm kiếm", w.t(status, vi)))
        if summary.objective is not None:
            rows.append(("objective (higher is better)", "điểm mục tiêu (càng cao càng tốt)", summary.objective))
        if summary.bound is not None:
            b = float(summary.bound)
            rows.append(("proven bound", "cận đã chứng minh", int(b) if b.is_integer() else round(b, 2)))
    return rows


def _per_member(inst: Instance, plan: Any) -> list[tuple[str, int, int]]:
    charges: dict[str, int] = {m: 0 for m in inst.members}
    visits: dict[str, int] = {m: 0 for m in inst.members}
    for m, _u in plan.charges:
        charges[m] = charges.get(m, 0) + 1
    for m, _u, _d in plan.attendance:
        visits[m] = visits.get(m, 0) + 1
    return [(m, charges[m], visits[m]) for m in inst.members]


def holds_xlsx(inst: Instance, diag: Diagnosis, plan: Any, summary: Any = None, lang: str = "vi") -> bytes:
    """The workbook of a scenario that holds: the verdict and the plan's key numbers, and per member the charges
    and attendances."""
    from openpyxl import Workbook

    from planner.io.cells import append_row

    w = Words(inst, lang)
    wb = Workbook()
    wb.remove(wb.active)
    ws = _sheet(wb, w, "verdict", [w.t("item", "mục"), w.t("value", "giá trị")], [46, 60])
    append_row(ws, [w.t("verdict", "kết luận"), _holds_sentence(w, diag)])
    append_row(ws, [w.t("rule instances checked", "ràng buộc được kiểm tra"), diag.rule_instances])
    for en, vi, value in key_numbers(w, plan, summary):
        append_row(ws, [w.t(en, vi), value])
    _wrap(ws)
    ws = _sheet(
        wb,
        w,
        "members",
        [w.t("member", "đồng chí"), w.t("charges", "lượt phụ trách"), w.t("attendances", "lượt dự sinh hoạt")],
        [40, 16, 18],
    )
    for m, n_charges, n_visits in _per_member(inst, plan):
        append_row(ws, [f"{inst.members[m].name} ({m})", n_charges, n_visits])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _holds_sentence(w: Words, diag: Diagnosis) -> str:
    return w.t(
        f"The rules can all hold: a plan satisfies every one of the {diag.rule_instances} rule instances "
        f"(checked by verify).",
        f"Các quy định có thể cùng được thực hiện: có kế hoạch thỏa mãn cả {diag.rule_instances} ràng buộc "
        f"(đã kiểm tra bằng verify).",
    )


def holds_docx(inst: Instance, diag: Diagnosis, plan: Any, summary: Any = None, lang: str = "vi") -> bytes:
    """The standing committee's report on a scenario that holds: the conclusion, the plan's key numbers, per
    member the charges and attendances, and where the plan is written."""
    w = Words(inst, lang)
    doc, para, bullet = _document(inst, w)
    para(w.t("I. CONCLUSION", "I. KẾT LUẬN"), bold=True)
    para(_holds_sentence(w, diag))
    para(
        w.t(
            "The plan below was planned as `planner solve` plans it and is written beside this report (the charges, "
            "meetings and attendances, and the plan workbook).",
            "Kế hoạch dưới đây được lập như lệnh `planner solve` và được ghi cùng thư mục với báo cáo này (phân công "
            "phụ trách, lịch họp, lượt dự sinh hoạt và bảng tính kế hoạch).",
        )
    )
    para(w.t("II. THE PLAN'S KEY NUMBERS", "II. CÁC SỐ LIỆU CHÍNH CỦA KẾ HOẠCH"), bold=True)
    _table(
        doc,
        (w.t("Item", "Mục"), w.t("Value", "Giá trị")),
        [[w.t(en, vi), str(v)] for en, vi, v in key_numbers(w, plan, summary)],
        (9.0, 7.0),
    )
    para(w.t("III. PER MEMBER", "III. THEO TỪNG ĐỒNG CHÍ"), bold=True)
    _table(
        doc,
        (w.t("Member", "Đồng chí"), w.t("Charges", "Lượt phụ trách"), w.t("Attendances", "Lượt dự sinh hoạt")),
        [[inst.members[m].name, str(c), str(a)] for m, c, a in _per_member(inst, plan)],
        (8.0, 4.0, 4.0),
    )
    doc.add_paragraph()
    para(
        w.t(
            f"({diag.rule_instances} constraints checked; {diag.seconds:.1f} s.)",
            f"({diag.rule_instances} ràng buộc được kiểm tra; {diag.seconds:.1f} giây.)",
        ),
        italic=True,
        size=11,
    )
    return _bytes(doc)


def holds_files(inst: Instance, diag: Diagnosis, plan: Any, summary: Any = None, lang: str = "vi") -> dict[str, bytes]:
    """The report's two files on a scenario that holds, name → bytes."""
    return {
        XLSX_NAME: holds_xlsx(inst, diag, plan, summary, lang),
        DOCX_NAME: holds_docx(inst, diag, plan, summary, lang),
    }


def feasibility_files(inst: Instance, diag: Diagnosis, lang: str = "vi") -> dict[str, bytes]:
    """The report's two files, name → bytes."""
    return {XLSX_NAME: conflicts_xlsx(inst, diag, lang), DOCX_NAME: report_docx(inst, diag, lang)}
