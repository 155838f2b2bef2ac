"""The sweep's outputs, made from the stored results: ``results.csv`` (the table, UTF-8 with a BOM),
``results.xlsx`` (the table, the counts per province, the settings) and ``report.html`` (one self-contained
page: the change set, the counts per status and per cause, a chart per province drawn with matplotlib, the
table per province, and the communes that are not feasible).

Rows are ordered by commune id (then scenario file). The CSV's header and status words are English (the
contract); its ``reason`` and ``suggestion`` follow ``--lang``, as do the workbook's and the page's labels.
Everything but ``seconds`` depends only on the inputs and the settings: the same sweep gives the same
``results.csv`` bytes but for that column. No text written starts with ``=``, ``+``, ``-``, ``@`` (a
spreadsheet would run it as a formula): such a text gets a leading apostrophe.

Each file is written whole or not at all (into a temporary file beside it, fsynced, then renamed over the old
one): the directory also holds the live results store, so it cannot be swapped as a whole as plan directories
are (`planner.io.write_directory`).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import secrets
from collections import Counter, defaultdict
from html import escape
from pathlib import Path
from typing import Any

from planner.io import csv_text

OUTPUT_FILES = ("results.csv", "results.xlsx", "report.html")
COLUMNS = (
    "commune",
    "commune_name",
    "province",
    "scenario",
    "members",
    "cells",
    "status",
    "decided_by",
    "cause",
    "rule",
    "quota",
    "largest_quota",
    "largest_quota_note",
    "shortfall",
    "shortfall_note",
    "reason",
    "suggestion",
    "seconds",
)
STATUS_ORDER = ("feasible", "infeasible", "undecided", "error")
COLOURS = {"feasible": "#2e7d32", "infeasible": "#b42318", "undecided": "#c98a00", "error": "#7a7a7a"}
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_EPOCH = dt.datetime(2000, 1, 1)  # the workbook's fixed creation time (as planner.outputs.xlsx)
MOST_LISTED = 500  # communes listed on the page (all are in the CSV and the workbook)

LABELS = {
    "commune": ("commune id", "mã xã"),
    "commune_name": ("commune", "xã"),
    "province": ("province", "tỉnh"),
    "scenario": ("scenario file", "tệp kịch bản"),
    "members": ("members", "số cấp ủy viên"),
    "cells": ("cells", "số chi bộ"),
    "status": ("status", "kết luận"),
    "decided_by": ("decided by", "căn cứ"),
    "cause": ("cause", "nguyên nhân"),
    "rule": ("rule", "quy định"),
    "quota": ("quota", "chỉ tiêu"),
    "largest_quota": ("largest quota that holds", "chỉ tiêu cao nhất khả thi"),
    "largest_quota_note": ("largest quota is", "chỉ tiêu cao nhất là"),
    "shortfall": ("shortfall (visits)", "thiếu hụt (lượt)"),
    "shortfall_note": ("shortfall is", "thiếu hụt là"),
    "reason": ("reason", "lý do"),
    "suggestion": ("what would hold", "điều chỉnh khả thi"),
    "seconds": ("seconds", "giây"),
    "feasible": ("feasible", "khả thi"),
    "infeasible": ("infeasible", "không khả thi"),
    "undecided": ("undecided", "chưa kết luận"),
    "error": ("error", "lỗi"),
    "communes": ("communes", "xã"),
    "n_communes": ("communes", "số xã"),
    "provinces": ("provinces", "tỉnh"),
    "summary": ("summary", "tóm tắt"),
    "total": ("total", "tổng"),
    "share_infeasible": ("share infeasible", "tỷ lệ không khả thi"),
    "title": ("Sweep of a rule over the communes", "Rà soát quy định trên các xã"),
    "change_set": ("Change set", "Bộ thay đổi"),
    "settings": ("Settings", "Thiết lập"),
    "by_status": ("Communes by status", "Số xã theo kết luận"),
    "by_cause": ("Communes by cause", "Số xã theo nguyên nhân"),
    "by_province": ("Communes by province", "Số xã theo tỉnh"),
    "not_feasible": ("Communes that are not feasible", "Các xã không khả thi hoặc chưa kết luận"),
    "notes": ("Notes", "Ghi chú"),
    "time_limit": ("time limit per commune (deterministic s)", "thời gian cho mỗi xã (giây tất định)"),
    "seed": ("seed", "hạt giống"),
    "scenarios": ("scenarios", "kịch bản"),
    "none": ("(none)", "(không có)"),
    "more": ("… and {n} more: see results.xlsx", "… và {n} xã khác: xem results.xlsx"),
    "no_province": ("(no province)", "(không thuộc tỉnh)"),
}
CAUSES = {
    "charges": (
        "a quota needs more charges than the responsibility rules allow",
        "chỉ tiêu cần nhiều lượt phân công hơn mức cho phép",
    ),
    "calendar": ("a member cannot attend enough meetings (calendar)", "cấp ủy viên không dự đủ số buổi (lịch)"),
    "capacity": ("a cell cannot receive enough visits", "chi bộ không nhận đủ lượt dự"),
    "responsibility": ("the responsibility rules cannot all hold", "các quy định phân công không thể cùng đáp ứng"),
    "require-basis": ("no member matches a cell's required basis", "không có cấp ủy viên đúng địa bàn/lĩnh vực"),
    "pin": ("a fixed item contradicts a rule", "mục fixed mâu thuẫn với quy định"),
    "mix": ("an including sub-count cannot hold", "chỉ tiêu thành phần (including) không thể đạt"),
    "conflict": ("rules clash (found by search)", "các quy định mâu thuẫn (tìm bằng tìm kiếm)"),
    "time": ("not decided within the time limit", "chưa kết luận trong thời gian cho phép"),
    "error": ("the commune could not be checked", "không kiểm tra được"),
}


class _L:
    def __init__(self, lang: str):
        self.i = 1 if lang == "vi" else 0
        self.lang = lang

    def __call__(self, key: str, **kw: Any) -> str:
        text = LABELS[key][self.i]
        return text.format(**kw) if kw else text

    def cause(self, key: str) -> str:
        return CAUSES[key][self.i] if key in CAUSES else key


def safe(value: Any) -> Any:
    """A text a spreadsheet cannot take for a formula (a leading apostrophe where it would)."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def table(rows: list[dict[str, Any]], lang: str) -> list[tuple[Any, ...]]:
    """The results table, one tuple per row in `COLUMNS` order (None for an empty cell)."""
    out = []
    for r in rows:
        out.append(
            (
                r["commune"],
                r["name"],
                r["province"],
                r["source"],
                r["members"],
                r["cells"],
                r["status"],
                r["decided_by"],
                r["cause"],
                r["rule"],
                r["quota"],
                r["largest_quota"],
                r.get("largest_note", ""),
                r["shortfall"],
                r["shortfall_note"],
                r["reason"].get(lang, ""),
                r["suggestion"].get(lang, ""),
                r["seconds"],
            )
        )
    return out


def results_csv(rows: list[dict[str, Any]], lang: str) -> str:
    body = [tuple("" if v is None else safe(v) for v in t) for t in table(rows, lang)]
    return csv_text(COLUMNS, body)


def by_province(rows: list[dict[str, Any]]) -> list[tuple[str, Counter]]:
    """(province, status counts), provinces in name order ("" last)."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for r in rows:
        counts[r["province"]][r["status"]] += 1
    return sorted(counts.items(), key=lambda kv: (kv[0] == "", kv[0]))


# ---------------------------------------------------------------------------------------------- xlsx
def results_xlsx(rows: list[dict[str, Any]], lang: str, meta: dict[str, Any]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    L = _L(lang)
    head_font, head_fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="8B1A1A")
    fills = {
        s: PatternFill("solid", fgColor=c)
        for s, c in (("infeasible", "F4CCCC"), ("undecided", "FFF2CC"), ("error", "E0E0E0"))
    }
    wb = Workbook()
    wb.properties.creator = "planner"
    wb.properties.title = meta.get("name") or L("title")
    wb.properties.created = wb.properties.modified = _EPOCH

    def sheet(ws, header: list[str], data: list[tuple], widths: list[int]) -> None:
        ws.append(header)
        for cell in ws[1]:
            cell.font, cell.fill = head_font, head_fill
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for t in data:
            ws.append([safe(v) for v in t])
        for c, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(c)].width = w
        ws.freeze_panes = "B2"
        # printed: A4 landscape, the header row and the first column on every page (a wide table is not shrunk
        # to one page width: its text would be unreadable)
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.print_title_rows, ws.print_title_cols = "1:1", "A:A"
        ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(1, len(data) + 1)}"

    ws = wb.active
    ws.title = L("communes")
    data = table(rows, lang)
    data = [t[:6] + (L(t[6]),) + t[7:] for t in data]
    sheet(ws, [L(c) for c in COLUMNS], data, [14, 24, 16, 18, 8, 8, 12, 10, 12, 16, 8, 10, 10, 10, 10, 70, 50, 8])
    wrap = Alignment(wrap_text=True, vertical="top")
    for r, row in enumerate(rows, start=2):
        for c in (16, 17):
            ws.cell(row=r, column=c).alignment = wrap
        fill = fills.get(row["status"])
        if fill is not None:
            for c in range(1, 8):
                ws.cell(row=r, column=c).fill = fill

    ws = wb.create_sheet(L("provinces"))
    prov = [
        (
            p or L("no_province"),
            sum(c.values()),
            *(c[s] for s in STATUS_ORDER),
            round(c["infeasible"] / sum(c.values()), 3),
        )
        for p, c in by_province(rows)
    ]
    sheet(
        ws,
        [L("province"), L("total"), *(L(s) for s in STATUS_ORDER), L("share_infeasible")],
        prov,
        [24, 8, 10, 12, 12, 8, 14],
    )
    for r in range(2, len(prov) + 2):
        ws.cell(row=r, column=7).number_format = "0.0%"

    ws = wb.create_sheet(L("summary"))
    counts = Counter(r["status"] for r in rows)
    summary = [
        (L("change_set"), meta.get("name") or meta.get("changes_file", "")),
        ("", meta.get("description", "")),
        *[("", c) for c in meta.get("changes", [])],
        (L("scenarios"), ", ".join(meta.get("scenarios", []))),
        (L("time_limit"), meta.get("time_limit")),
        (L("seed"), meta.get("seed")),
        (L("communes"), len(rows)),
        *[(L(s), counts[s]) for s in STATUS_ORDER],
        *[(L("notes"), n) for n in meta.get("notes", [])],
    ]
    sheet(ws, [L("summary"), ""], summary, [40, 100])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ---------------------------------------------------------------------------------------------- html
CSS = """
:root{--red:#8b1a1a;--ink:#222;--muted:#666;--line:#ddd;--bg:#fafafa}
*{box-sizing:border-box}
body{font-family:"Segoe UI","Noto Sans","DejaVu Sans",Arial,sans-serif;color:var(--ink);margin:0;font-size:14px;
 line-height:1.4}
header{background:var(--red);color:#fff;padding:18px 28px}
header h1{margin:0;font-size:22px;font-weight:600}
header p{margin:4px 0 0;opacity:.9}
main{padding:0 28px 28px}
h2{color:var(--red);border-bottom:2px solid var(--red);padding-bottom:4px;margin:28px 0 12px;font-size:18px}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{border:1px solid var(--line);border-radius:6px;padding:10px 14px;min-width:150px;background:var(--bg)}
.card .k{color:var(--muted);font-size:12px}
.card .v{font-size:20px;font-weight:600}
.card.feasible .v{color:#2e7d32}.card.infeasible .v{color:#b42318}.card.undecided .v{color:#9a6700}
table{border-collapse:collapse;margin:8px 0}
th,td{border:1px solid var(--line);padding:4px 8px;vertical-align:top;text-align:left}
th{background:#f3e9e9}
td.n,th.n{text-align:right}
tr.infeasible td:first-child{border-left:4px solid #b42318}
tr.undecided td:first-child{border-left:4px solid #c98a00}
tr.error td:first-child{border-left:4px solid #7a7a7a}
figure{margin:8px 0}
figure svg{max-width:100%;height:auto}
.muted{color:var(--muted)}
@media print{@page{size:A4 landscape;margin:12mm}}
"""


def chart_figure(rows: list[dict[str, Any]], lang: str):
    """Stacked horizontal bars, one per province: its communes by status (a matplotlib `Figure` on the Agg
    canvas, no pyplot state)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    L = _L(lang)
    provs = by_province(rows)
    names = [p or L("no_province") for p, _ in provs]
    fig = Figure(figsize=(8.5, max(2.2, 0.32 * len(names) + 1.3)))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    left = [0] * len(names)
    ys = list(range(len(names)))
    for status in STATUS_ORDER:
        values = [c[status] for _, c in provs]
        if not any(values):
            continue
        ax.barh(ys, values, left=left, color=COLOURS[status], label=L(status), height=0.7)
        left = [a + b for a, b in zip(left, values)]
    ax.set_yticks(ys, names)
    ax.invert_yaxis()
    ax.set_xlabel(L("n_communes"))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(loc="lower right", frameon=False, ncols=4, bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    return fig


def chart_svg(rows: list[dict[str, Any]], lang: str) -> str:
    """`chart_figure` as inline SVG: text kept as text, no date, fixed ids (the same rows give the same bytes)."""
    import matplotlib

    with matplotlib.rc_context({"svg.hashsalt": "planner-sweep", "svg.fonttype": "none", "font.size": 9}):
        fig = chart_figure(rows, lang)
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": "planner sweep (matplotlib)"})
    text = buf.getvalue()
    return text[text.index("<svg") :]  # inline: without the XML declaration and doctype


def report_html(rows: list[dict[str, Any]], lang: str, meta: dict[str, Any]) -> str:
    L = _L(lang)
    e = escape
    counts = Counter(r["status"] for r in rows)
    causes = Counter(r["cause"] for r in rows if r["status"] != "feasible")
    out: list[str] = []
    w = out.append
    w("<!DOCTYPE html>")
    w(f'<html lang="{lang}"><head><meta charset="utf-8"><title>{e(L("title"))}</title>')
    w(f"<style>{CSS}</style></head><body>")
    w(f"<header><h1>{e(L('title'))}</h1><p>{e(meta.get('name') or meta.get('changes_file', ''))}</p></header><main>")
    w(f"<h2>{e(L('change_set'))}</h2>")
    if meta.get("description"):
        w(f"<p>{e(meta['description'])}</p>")
    w("<ol>" + "".join(f"<li>{e(c)}</li>" for c in meta.get("changes", [])) + "</ol>")
    w(
        f'<p class="muted">{e(L("scenarios"))}: {e(", ".join(meta.get("scenarios", [])))} · {e(L("time_limit"))}: '
        f"{meta.get('time_limit')} · {e(L('seed'))}: {meta.get('seed')}</p>"
    )
    w(f"<h2>{e(L('by_status'))}</h2><div class='cards'>")
    w(f'<div class="card"><div class="k">{e(L("communes"))}</div><div class="v">{len(rows):,}</div></div>')
    for s in STATUS_ORDER:
        w(f'<div class="card {s}"><div class="k">{e(L(s))}</div><div class="v">{counts[s]:,}</div></div>')
    w("</div>")
    if causes:
        w(f"<h2>{e(L('by_cause'))}</h2><table><tr><th>{e(L('cause'))}</th><th class='n'>{e(L('communes'))}</th></tr>")
        for cause, n in sorted(causes.items(), key=lambda kv: (-kv[1], kv[0])):
            w(f"<tr><td>{e(L.cause(cause))}</td><td class='n'>{n:,}</td></tr>")
        w("</table>")
    w(f"<h2>{e(L('by_province'))}</h2>")
    if rows:
        w(f"<figure>{chart_svg(rows, lang)}</figure>")
    head = "".join(f"<th class='n'>{e(L(s))}</th>" for s in STATUS_ORDER)
    w(
        f"<table><tr><th>{e(L('province'))}</th><th class='n'>{e(L('total'))}</th>{head}<th class='n'>{e(L('share_infeasible'))}</th></tr>"
    )
    for p, c in by_province(rows):
        total = sum(c.values())
        cells = "".join(f"<td class='n'>{c[s]:,}</td>" for s in STATUS_ORDER)
        w(
            f"<tr><td>{e(p or L('no_province'))}</td><td class='n'>{total:,}</td>{cells}<td class='n'>{100 * c['infeasible'] / total:.1f} %</td></tr>"
        )
    w("</table>")
    notes = meta.get("notes", [])
    if notes:
        w(f"<h2>{e(L('notes'))}</h2><ul>" + "".join(f"<li>{e(n)}</li>" for n in notes) + "</ul>")
    bad = [r for r in rows if r["status"] != "feasible"]
    w(f"<h2>{e(L('not_feasible'))}</h2>")
    if not bad:
        w(f"<p>{e(L('none'))}</p>")
    else:
        cols = ("commune", "commune_name", "province", "status", "reason", "suggestion")
        w("<table><tr>" + "".join(f"<th>{e(L(c))}</th>" for c in cols) + "</tr>")
        for r in bad[:MOST_LISTED]:
            vals = (
                r["commune"],
                r["name"],
                r["province"],
                L(r["status"]),
                r["reason"].get(lang, ""),
                r["suggestion"].get(lang, ""),
            )
            w(f"<tr class='{r['status']}'>" + "".join(f"<td>{e(str(v))}</td>" for v in vals) + "</tr>")
        w("</table>")
        if len(bad) > MOST_LISTED:
            w(f"<p class='muted'>{e(L('more', n=f'{len(bad) - MOST_LISTED:,}'))}</p>")
    w("</main></body></html>")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------- writing
def write_file(path: Path, content: str | bytes) -> None:
    """``path`` replaced whole: written to a temporary file beside it, fsynced, renamed over it."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    tmp = path.parent / f".{path.name}.{secrets.token_hex(4)}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask applies, as to any new file
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_outputs(out: Path, rows: list[dict[str, Any]], lang: str, meta: dict[str, Any]) -> list[str]:
    """Write the three outputs into ``out``; returns their names."""
    files: dict[str, str | bytes] = {
        "results.csv": results_csv(rows, lang),
        "results.xlsx": results_xlsx(rows, lang, meta),
        "report.html": report_html(rows, lang, meta),
    }
    for name, content in files.items():
        write_file(out / name, content)
    return list(files)
