"""The outputs people use (planner.outputs): xlsx, docx, ics, html, md, and the CLI that writes them.

Thượng Sơn is solved once for the module; the golden files come from a small scenario whose plan is stored in
tests/data/golden/mini/plan (so they do not move when the solver does). Regenerate the golden files after an
intended change of layout or wording with:

    UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_outputs.py -k golden

and review the diff of tests/data/golden/ before committing it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import shutil
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from icalendar import Calendar
from openpyxl import load_workbook
from rich.console import Console

from planner.checks.verify import verify
from planner.cli import main
from planner.instance import Instance
from planner.io import load_scenario, plan_files, read_plan, read_summary, write_directory
from planner.outputs import FILE_NAMES, FORMATS, OUTPUT_NAMES, OUTPUT_PATTERNS, parse_formats, render
from planner.outputs.docx import docx_texts, load_template
from planner.outputs.ics import event_uid
from planner.outputs.labels import Labels
from planner.outputs.terminal import print_plan, print_scenario
from planner.plan import Plan
from planner.search.solving import Settings, solve
from tests.conftest import ROOT, SCENARIOS

GOLDEN = ROOT / "tests" / "data" / "golden"
MINI = GOLDEN / "mini"
STAMP = dt.datetime(2026, 1, 15, 8, 30, tzinfo=dt.UTC)  # a fixed time of issue for golden files


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


# ---------------------------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def solved():
    inst = Instance(load_scenario(SCENARIOS / "thuong-son-2026.yaml"))
    result = solve(inst, Settings(time_limit=3))
    assert result.plan is not None, result.summary.status
    assert verify(inst, result.plan).ok
    return inst, result.plan, result.summary


@pytest.fixture(scope="module")
def files(solved):
    inst, plan, summary = solved
    return render(FORMATS, inst, plan, summary, "vi", violations=0, generated=STAMP)


@pytest.fixture(scope="module")
def mini():
    inst = Instance(load_scenario(MINI / "scenario.yaml"))
    plan = read_plan(MINI / "plan")
    assert verify(inst, plan).ok
    return inst, plan, read_summary(MINI / "plan")


def attendance_of(plan: Plan, member: str) -> set[tuple[str, dt.date]]:
    return {(u, d) for m, u, d in plan.attendance if m == member}


# ---------------------------------------------------------------------------------------------- render
def test_parse_formats():
    assert parse_formats("xlsx, csv") == ("csv", "xlsx")
    assert parse_formats(["html", "md,ics"]) == ("ics", "html", "md")
    assert parse_formats("all") == FORMATS
    with pytest.raises(ValueError, match="unknown format 'pdf'"):
        parse_formats("csv,pdf")


def test_render_names_every_file_and_csv_is_the_contract(solved, files):
    inst, plan, _ = solved
    expected = {"charges.csv", "meetings.csv", "attendance.csv", "summary.json", *FILE_NAMES.values()}
    expected |= {f"calendars/{m}.ics" for m in inst.members}
    expected |= {f"notices/{u}.docx" for u in {u for _, u, _ in plan.attendance}}  # a notice per attended cell
    assert set(files) == expected
    for name, text in plan_files(inst, plan).items():
        assert files[name] == text.encode("utf-8")
    assert all(isinstance(b, bytes) and b for b in files.values())
    assert {n.split("/")[0] for n in files} <= OUTPUT_NAMES


# ---------------------------------------------------------------------------------------------- xlsx
def sheet_rows(ws) -> tuple[list, list[list]]:
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    return rows[0], rows[1:]


def test_xlsx_sheets_hold_the_plan(solved, files):
    inst, plan, summary = solved
    L = Labels("vi")
    wb = load_workbook(io.BytesIO(files["plan.xlsx"]))
    assert wb.sheetnames == [
        L(k) for k in ("decision", "calendar", "attendance", "meetings", "quotas", "coverage", "summary")
    ]
    # Decision: every charge, Vietnamese intact
    head, rows = sheet_rows(wb[L("decision")])
    mi, ui = head.index(L("member_id")), head.index(L("unit_id"))
    assert {(r[mi], r[ui]) for r in rows if r[ui]} == set(plan.charges)
    assert {r[head.index(L("member"))] for r in rows} == {m.name for m in inst.members.values()}
    assert "Hoàng Văn Minh" in {r[head.index(L("member"))] for r in rows}
    # Attendance: real dates, every attendance once
    ws = wb[L("attendance")]
    head, rows = sheet_rows(ws)
    assert ws["A2"].is_date and ws["A2"].number_format == "dd/mm/yyyy"
    got = {(r[head.index(L("member_id"))], r[head.index(L("unit_id"))], r[0].date()) for r in rows}
    assert got == set(plan.attendance) and len(rows) == len(plan.attendance)
    # Meetings: every meeting on its date
    head, rows = sheet_rows(wb[L("meetings")])
    assert {(r[0], r[2]): r[3].date() for r in rows} == plan.meetings
    # Calendar: a member's month cell names the units attended that month
    ws = wb[L("calendar")]
    head, rows = sheet_rows(ws)
    row = next(r for r in rows if r[0] == "Hoàng Văn Minh")
    jan = row[head.index(L.month("2026-01"))]
    for u, d in attendance_of(plan, "uv-01"):
        if d.month == 1:
            assert inst.units[u].name in jan and d.strftime("%d/%m") in jan
    # Summary: status, objective, hash, seed
    head, rows = sheet_rows(wb[L("summary")])
    values = {r[0]: r[1] for r in rows if r[0]}
    assert values[L("objective")] == summary.objective
    assert values[L("scenario_sha256")] == inst.scenario.sha256
    assert values[L("seed")] == 0
    assert values[L("status")] == L.status(summary.status)


def test_xlsx_frozen_headers_filters_and_tight_quotas(files):
    L = Labels("vi")
    wb = load_workbook(io.BytesIO(files["plan.xlsx"]))
    for name in ("decision", "calendar", "attendance", "meetings", "quotas", "coverage"):
        ws = wb[L(name)]
        assert ws.freeze_panes in ("A2", "B2"), name
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), name
        assert ws["A1"].font.bold
        widths = [d.width for d in ws.column_dimensions.values()]
        assert min(widths) >= 6 and max(widths) > 12, name  # fitted to the text
    ws = wb[L("quotas")]
    head, rows = sheet_rows(ws)
    states = [r[head.index(L("state"))] for r in rows]
    assert states and set(states) <= {L("ok"), L("tight")}  # a verified plan breaks no quota
    first_tight = states.index(L("tight")) + 2
    assert ws.cell(row=first_tight, column=1).fill.fgColor.rgb.endswith("FFF2CC")


def test_xlsx_english_headers(solved):
    inst, plan, summary = solved
    wb = load_workbook(io.BytesIO(render(["xlsx"], inst, plan, summary, "en")["plan.xlsx"]))
    assert wb.sheetnames[0] == "Assignment"
    assert [c.value for c in wb["Attendance"][1]][:4] == ["Date", "Month", "Member id", "Member"]
    assert wb["Attendance"]["A2"].number_format == "yyyy-mm-dd"


# ---------------------------------------------------------------------------------------------- docx
def test_docx_is_a_vietnamese_decision_with_every_member_and_unit(solved, files):
    inst, plan, _ = solved
    from docx import Document

    doc = Document(io.BytesIO(files["decision.docx"]))
    assert len(doc.tables) == 4  # header, signature, two appendix tables
    text = "\n".join(docx_texts(files["decision.docx"]))
    for phrase in (
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "ĐẢNG ỦY XÃ THƯỢNG SƠN",
        "Thượng Sơn, ngày",
        "QUYẾT ĐỊNH",
        "về việc phân công cấp ủy viên phụ trách và dự sinh hoạt chi bộ năm 2026",
        "BAN THƯỜNG VỤ ĐẢNG ỦY XÃ THƯỢNG SƠN",
        "Điều 1.",
        "Điều 2.",
        "Điều 3.",
        "T/M BAN THƯỜNG VỤ",
        "BÍ THƯ",
        "PHỤ LỤC 1",
        "PHỤ LỤC 2",
        "Tháng 12/2026",
    ):
        assert phrase in text, phrase
    for m in inst.members.values():
        assert m.name in text
    for u in {u for _, u in plan.charges} | {u for _, u, _ in plan.attendance}:
        assert inst.units[u].name in text
    # the secretary signs
    assert any(line.endswith("T/M BAN THƯỜNG VỤ / BÍ THƯ / Hoàng Văn Minh") for line in text.splitlines())
    assert all(round(s.page_width.cm, 1) == 21.0 and round(s.page_height.cm, 1) == 29.7 for s in doc.sections)


def test_docx_text_comes_from_the_template(solved, tmp_path):
    inst, plan, summary = solved
    template = load_template()
    template["values"] = {"place": "Vị Xuyên", "SUPERIOR": "ĐẢNG BỘ TỈNH TUYÊN QUANG"}
    template["articles"][2]["text"] = "Quyết định có hiệu lực từ ngày 01/01/$year."
    texts = docx_texts(render(["docx"], inst, plan, summary, decision_template=template)["decision.docx"])
    joined = "\n".join(texts)
    assert "Vị Xuyên, ngày" in joined and "ĐẢNG BỘ TỈNH TUYÊN QUANG" in joined
    assert "Điều 3. Quyết định có hiệu lực từ ngày 01/01/2026." in texts
    broken = tmp_path / "t.yaml"
    broken.write_text("title: x\n", encoding="utf-8")
    from planner.errors import InputError

    with pytest.raises(InputError, match="lacks these keys"):
        load_template(broken)


# ---------------------------------------------------------------------------------------------- ics
def test_every_calendar_parses_and_equals_the_members_attendances(solved, files):
    inst, plan, _ = solved
    names = {u.name: u.id for u in inst.units.values()}
    uids = set()
    for mid in inst.members:
        cal = Calendar.from_ical(files[f"calendars/{mid}.ics"])
        events = list(cal.walk("VEVENT"))
        got = {(names[str(e["LOCATION"])], e.decoded("DTSTART")) for e in events}
        assert got == attendance_of(plan, mid), mid
        assert len(events) == len(got)
        for e in events:
            assert e.decoded("DTEND") - e.decoded("DTSTART") == dt.timedelta(days=1)
            assert str(e["UID"]) == event_uid(
                inst.scenario.name, mid, names[str(e["LOCATION"])], e.decoded("DTSTART").strftime("%Y-%m")
            )
            uids.add(str(e["UID"]))
        assert inst.members[mid].name in str(cal["X-WR-CALNAME"])
    assert len(uids) == len(plan.attendance)


def test_calendar_uids_are_stable_when_a_meeting_moves(mini):
    inst, plan, summary = mini
    (m, u, d) = sorted(plan.attendance)[0]
    moved_day = d + dt.timedelta(days=1)
    moved = Plan(
        plan.charges,
        plan.meetings,
        frozenset((m2, u2, moved_day if (m2, u2, d2) == (m, u, d) else d2) for m2, u2, d2 in plan.attendance),
    )

    def uids(p: Plan, when: dt.datetime) -> dict[str, dt.date]:
        cal = Calendar.from_ical(render(["ics"], inst, p, summary, generated=when)[f"calendars/{m}.ics"])
        return {str(e["UID"]): e.decoded("DTSTART") for e in cal.walk("VEVENT")}

    before = uids(plan, STAMP)
    after = uids(moved, STAMP + dt.timedelta(days=30))
    assert before.keys() == after.keys()  # same events, updated rather than duplicated
    assert sum(before[k] != after[k] for k in before) == 1
    cal = Calendar.from_ical(
        render(["ics"], inst, moved, summary, generated=STAMP + dt.timedelta(days=30))[f"calendars/{m}.ics"]
    )
    seq = {int(e["SEQUENCE"]) for e in cal.walk("VEVENT")}
    cal0 = Calendar.from_ical(render(["ics"], inst, plan, summary, generated=STAMP)[f"calendars/{m}.ics"])
    assert min(seq) > max(int(e["SEQUENCE"]) for e in cal0.walk("VEVENT"))  # a re-issue wins


# ---------------------------------------------------------------------------------------------- html
class _Checker(HTMLParser):
    VOID = {"meta", "br", "img", "hr", "input", "link", "col", "area", "base", "source", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.text: list[str] = []
        self.external: list[str] = []

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k in ("src", "href") and v and not v.startswith("#"):
                self.external.append(v)
        if tag in ("script", "link", "img", "iframe"):
            self.external.append(tag)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def test_html_is_self_contained_well_formed_and_names_every_member(solved, files):
    inst, plan, _ = solved
    page = files["report.html"].decode("utf-8")
    p = _Checker()
    p.feed(page)
    p.close()
    assert not p.errors and not p.stack
    assert not p.external, p.external  # readable offline: no script, no image, no link out
    text = "".join(p.text)
    for m in inst.members.values():
        assert m.name in text
    for u in {u for _, u in plan.charges}:
        assert inst.units[u].name in text
    assert page.startswith("<!DOCTYPE html>") and '<html lang="vi">' in page and "<style>" in page
    for section in ("summary", "heatmap", "by-month", "members", "units"):
        assert f'id="{section}"' in page


def png_facts(data: bytes) -> tuple[int, int, int]:
    """(width, height, distinct byte values of the image data) of a PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    pos, idat = 8, b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        if kind == b"IDAT":
            idat += data[pos + 8 : pos + 8 + length]
        pos += 12 + length
    return width, height, len(set(zlib.decompress(idat)))


CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)


@pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium is not installed (Debian: apt-get install chromium): "
    "the HTML report was not rendered in a real browser",
)
def test_html_renders_in_headless_chromium(files, tmp_path):
    page = tmp_path / "report.html"
    page.write_bytes(files["report.html"])
    png = tmp_path / "report.png"
    cmd = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        f"--screenshot={png}",
        "--window-size=1280,2000",
        page.as_uri(),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=90)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert png.is_file() and png.stat().st_size > 20_000
    width, height, distinct = png_facts(png.read_bytes())
    assert (width, height) == (1280, 2000)
    assert distinct > 100  # text, table lines and the heat map, not a blank page


# ---------------------------------------------------------------------------------------------- golden
def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
        return
    assert path.is_file(), f"missing {path}: run UPDATE_GOLDEN=1 pytest tests/test_outputs.py -k golden"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs: see the module docstring to regenerate"


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_golden_markdown(mini, lang):
    inst, plan, summary = mini
    check_golden(f"mini.{lang}.md", render(["md"], inst, plan, summary, lang, violations=0)["plan.md"].decode())


def test_golden_decision_text(mini):
    inst, plan, summary = mini
    texts = docx_texts(render(["docx"], inst, plan, summary)["decision.docx"])
    check_golden("mini.decision.txt", "\n".join(texts) + "\n")


def test_golden_calendar(mini):
    inst, plan, summary = mini
    data = render(["ics"], inst, plan, summary, "vi", generated=STAMP)["calendars/uv-02.ics"]
    check_golden("mini.uv-02.ics.txt", ics_lines(data))


def ics_lines(data: bytes) -> str:
    """An iCalendar file unfolded, each component's properties sorted (its sub-components after them, in
    order): the content, not the library's layout."""
    stack: list[tuple[str, list[str], list[str]]] = [("", [], [])]  # (BEGIN line, properties, children)
    for line in data.decode("utf-8").replace("\r\n ", "").split("\r\n"):
        if line.startswith("BEGIN:"):
            stack.append((line, [], []))
        elif line.startswith("END:"):
            begin, props, children = stack.pop()
            stack[-1][2].extend([begin, *sorted(props), *children, line])
        elif line:
            stack[-1][1].append(line)
    return "\n".join(stack[0][2]) + "\n"


# ---------------------------------------------------------------------------------------------- writing
def test_write_directory_takes_bytes_and_a_subfolder_whole_or_not_at_all(tmp_path):
    out = tmp_path / "plan"
    write_directory(out, {"charges.csv": "a", "calendars/x.ics": b"\x00\x01", "plan.xlsx": b"PK"})
    assert (out / "calendars" / "x.ics").read_bytes() == b"\x00\x01" and (out / "charges.csv").read_text() == "a"
    # a re-write with fewer outputs replaces the earlier ones, if the caller says they are outputs
    write_directory(out, {"charges.csv": "b"}, replaceable=OUTPUT_PATTERNS)
    assert sorted(p.name for p in out.iterdir()) == ["charges.csv"]
    with pytest.raises(ValueError):
        write_directory(out, {"../evil.csv": "x"})
    (out / "notes.txt").write_text("mine")
    from planner.errors import InputError

    with pytest.raises(InputError, match="not a plan"):
        write_directory(out, {"charges.csv": "c"}, replaceable=OUTPUT_PATTERNS)
    assert (out / "charges.csv").read_text() == "b"


# ---------------------------------------------------------------------------------------------- CLI
def test_cli_solve_writes_every_format_and_report_renders_it(tmp_path):
    out = tmp_path / "plan"
    r = run(
        "solve",
        str(MINI / "scenario.yaml"),
        "--out",
        str(out),
        "--time-limit",
        "3",
        "-q",
        "--format",
        "all",
        "--lang",
        "en",
    )
    assert r.exit_code == 0, r.output
    for name in ("charges.csv", "summary.json", *FILE_NAMES.values(), "calendars/uv-01.ics"):
        assert (out / name).is_file(), name
    assert "4 member calendars (calendars/*.ics)" in r.output
    assert max(len(line) for line in r.output.splitlines()) <= 80
    assert "Assignment" in load_workbook(out / "plan.xlsx").sheetnames
    # report: verify first, then the outputs, and the contract files copied as they are
    rep = tmp_path / "report"
    r = run("report", str(MINI / "scenario.yaml"), str(out), "--out", str(rep), "--format", "html,md")
    assert r.exit_code == 0, r.output
    assert r.output.startswith("verify: ok")
    assert sorted(p.name for p in rep.iterdir()) == [
        "attendance.csv",
        "charges.csv",
        "meetings.csv",
        "plan.md",
        "report.html",
        "summary.json",
    ]
    assert (rep / "charges.csv").read_bytes() == (out / "charges.csv").read_bytes()
    # the same directory can be re-rendered in place with fewer formats
    r = run("report", str(MINI / "scenario.yaml"), str(out), "--out", str(out), "--format", "csv")
    assert r.exit_code == 0, r.output
    assert not (out / "report.html").exists() and (out / "charges.csv").is_file()
    r = run("solve", str(MINI / "scenario.yaml"), "--out", str(out), "--format", "pdf")
    assert r.exit_code == 2 and "unknown format 'pdf'" in r.output


def test_cli_report_refuses_a_broken_plan_unless_forced(tmp_path):
    plan = tmp_path / "plan"
    shutil.copytree(MINI / "plan", plan)
    rows = list(csv.reader(io.StringIO((plan / "attendance.csv").read_text(encoding="utf-8-sig"))))
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([rows[0], *rows[2:]])  # drop one attendance
    (plan / "attendance.csv").write_text("\ufeff" + buf.getvalue(), encoding="utf-8")
    out = tmp_path / "out"
    r = run("report", str(MINI / "scenario.yaml"), str(plan), "--out", str(out), "--format", "html")
    assert r.exit_code == 3 and "violation" in r.output and "Nothing written" in r.output
    assert not out.exists()
    r = run("report", str(MINI / "scenario.yaml"), str(plan), "--out", str(out), "--format", "html,xlsx", "--force")
    assert r.exit_code == 3 and (out / "report.html").is_file()
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "vi phạm" in page and "đã chỉnh sửa thủ công" in page  # the recomputed objective differs


def test_cli_report_forced_on_unknown_ids_still_renders_every_format(tmp_path):
    plan = tmp_path / "plan"
    shutil.copytree(MINI / "plan", plan)
    with open(plan / "charges.csv", "a", encoding="utf-8") as fh:
        fh.write("uv-99,Người Lạ,thon-na-la,Chi bộ thôn Nà La,residential,none\nuv-01,,no-such-unit,,,\n")
    with open(plan / "attendance.csv", "a", encoding="utf-8") as fh:
        fh.write("2026-01-03,uv-99,Người Lạ,thon-na-la,,\n2026-01-04,uv-01,,no-such-unit,,\n")
    out = tmp_path / "out"
    r = run("report", str(MINI / "scenario.yaml"), str(plan), "--out", str(out), "--format", "all", "--force")
    assert r.exit_code == 3, r.output
    assert "uv-99" in r.output and "no-such-unit" in r.output  # verify names them
    assert (out / "decision.docx").is_file() and (out / "calendars" / "uv-01.ics").is_file()


def test_cli_report_on_a_plan_drafted_by_hand_without_summary(tmp_path):
    plan = tmp_path / "plan"
    shutil.copytree(MINI / "plan", plan)
    (plan / "summary.json").unlink()
    out = tmp_path / "out"
    r = run("report", str(MINI / "scenario.yaml"), str(plan), "--out", str(out), "--format", "md", "--lang", "en")
    assert r.exit_code == 0, r.output
    md = (out / "plan.md").read_text(encoding="utf-8")
    assert "drafted by hand" in md and "**Objective**: 11" in md


# ---------------------------------------------------------------------------------------------- terminal
def _console(width: int = 80) -> tuple[Console, io.StringIO]:
    buf = io.StringIO()
    return Console(file=buf, width=width, force_terminal=True, highlight=False, soft_wrap=False), buf


def test_terminal_tables_fit_80_columns_and_honour_no_color(solved, monkeypatch):
    from rich.cells import cell_len
    from rich.text import Text

    inst, plan, summary = solved
    monkeypatch.setenv("NO_COLOR", "1")
    con, buf = _console()
    print_plan(con, inst, plan, summary)
    print_scenario(con, inst)
    out = buf.getvalue()
    assert "\x1b[" in out  # a terminal: bold is still allowed
    assert not any(code in out for code in ("\x1b[31", "\x1b[32", "\x1b[33", "\x1b[38;", "\x1b[91", "\x1b[92"))
    plain = Text.from_ansi(out).plain
    assert max(cell_len(line) for line in plain.splitlines()) <= 80
    con, buf = _console()
    print_plan(con, inst, plan, summary, "vi")
    plain = Text.from_ansi(buf.getvalue()).plain
    assert "Đồng chí" in plain and "mỗi tháng" in plain and "khả thi" in plain
    assert max(cell_len(line) for line in plain.splitlines()) <= 80
    monkeypatch.delenv("NO_COLOR")
    con, buf = _console()
    print_plan(con, inst, plan, summary)
    assert "\x1b[1;33m" in buf.getvalue() or "\x1b[1;32m" in buf.getvalue()  # colour when allowed
