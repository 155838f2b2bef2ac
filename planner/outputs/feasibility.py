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
        for line in correction_lines(w, corr):
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


def report_docx(inst: Instance, diag: Diagnosis) -> bytes:
    """The standing committee's report, in Vietnamese."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    w, counter = Words(inst, "vi"), CapacityCounter(inst)
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
    r = p.add_run("ĐẢNG CỘNG SẢN VIỆT NAM")
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
    para("BÁO CÁO KHẢ NĂNG THỰC HIỆN", bold=True, center=True, size=15)
    para(f"Về: {inst.scenario.name}", center=True, italic=True)

    para("I. KẾT LUẬN", bold=True)
    para(
        "Không có kế hoạch phân công nào thỏa mãn đồng thời mọi quy định của kịch bản. Các phần dưới đây nêu "
        "mâu thuẫn nhỏ nhất, các dữ kiện lịch dẫn tới mâu thuẫn, các mâu thuẫn khác nhau đã tìm thấy và phương "
        "án điều chỉnh ít nhất để kế hoạch khả thi."
    )
    para("II. NGUYÊN NHÂN (MÂU THUẪN NHỎ NHẤT)", bold=True)
    if diag.core:
        para(
            f"{len(diag.core)} ràng buộc sau không thể cùng được đáp ứng:"
            if len(diag.core) > 1
            else "Ràng buộc sau không thể được đáp ứng, dù các quy định khác thế nào:"
        )
        for text in statements(w, diag.core):
            bullet(text)
        para(kind_line(w, diag).strip(), italic=True)
        fs = facts(w, diag.core, counter)
        if fs:
            para("Các dữ kiện dẫn tới mâu thuẫn:")
            for f in fs:
                bullet(f)
    else:
        para(
            "Đã chứng minh không có kế hoạch khả thi nhưng chưa tách được các quy định mâu thuẫn trong thời gian cho phép."
        )

    conflicts = _conflicts(inst, diag)
    para("III. CÁC MÂU THUẪN KHÁC NHAU", bold=True)
    if diag.enumeration is None:
        para("(Chạy planner check --all để liệt kê mọi mâu thuẫn khác nhau.)", italic=True)
    table = doc.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for c, text in zip(table.rows[0].cells, ("TT", "Quy định", "Đồng chí / đơn vị", "Tháng", "Số trường hợp")):
        c.text = ""
        c.paragraphs[0].add_run(text).bold = True
    for i, c in enumerate(conflicts, start=1):
        members, units, months = conflict_subjects(inst, c)
        row = table.add_row().cells
        row[0].text = str(i)
        row[1].text = rules_text(w, c.groups)
        row[2].text = ", ".join(inst.members[m].name for m in members) or ", ".join(inst.units[u].name for u in units)
        row[3].text = month_ranges(months)
        row[4].text = str(len(c.instances))
    for row in table.rows:
        for cell in row.cells:
            for p in cell.paragraphs:
                for run in p.runs:
                    run.font.size = Pt(11)

    para("IV. PHƯƠNG ÁN ĐIỀU CHỈNH ÍT NHẤT", bold=True)
    if diag.correction is not None:
        lines = correction_lines(w, diag.correction)
        para(lines[0])
        for line in lines[1:]:
            bullet(line.strip().removeprefix("- "))
    else:
        para("(Không tính.)", italic=True)
    if diag.quotas:
        para("V. MỨC CHỈ TIÊU CÓ THỂ ĐẠT", bold=True)
        for q in diag.quotas:
            lines = quota_lines(w, q)
            para(lines[0])
            for line in lines[1:]:
                bullet(line.strip().removeprefix("- "))
    doc.add_paragraph()
    para(
        f"({diag.rule_instances} ràng buộc được kiểm tra; {diag.solves} lần giải; {diag.seconds:.1f} giây.)",
        italic=True,
        size=11,
    )
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def feasibility_files(inst: Instance, diag: Diagnosis, lang: str = "vi") -> dict[str, bytes]:
    """The report's two files, name → bytes."""
    return {XLSX_NAME: conflicts_xlsx(inst, diag, lang), DOCX_NAME: report_docx(inst, diag)}
