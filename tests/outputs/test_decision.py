"""The documents one signs (planner.outputs.docx): a decision per issuing committee laid out per Hướng dẫn
36-HD/VPTW for its level, the sources it cites, the amendment after a re-plan, the notices to the cells; the
calendars' times, the printable workbook and report; and, when LibreOffice is installed, the page counts.

The three-level scenario below (a province, a district, two communes whose villages share names) is planned by
hand, so no test here runs the solver except the one CLI check of ``solve --decision-template``.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from icalendar import Calendar
from openpyxl import load_workbook

from planner.cli import main
from planner.errors import InputError
from planner.instance import Instance
from planner.io import load_scenario, read_plan, read_summary
from planner.outputs import InForce, render
from planner.outputs.docx import committee_changes, docx_texts, load_template
from planner.outputs.facts import Facts
from planner.outputs.ics import sequence_of
from planner.plan import Plan, Summary
from planner.replan.diff import Names, diff_plans

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "data" / "golden" / "mini"
STAMP = dt.datetime(2026, 1, 15, 8, 30, tzinfo=dt.UTC)

LANG_SON = """
name: Lạng Sơn (minh họa) — phân công cấp ủy viên dự sinh hoạt chi bộ
year: YEAR
calendar: {public_holidays: VN}
units:
  - {id: tinh-uy, name: Tỉnh ủy Lạng Sơn, kind: province_committee, level: province, term: 2020 - 2025}
  - {id: huu-lung, name: Huyện ủy Hữu Lũng, kind: district_committee, level: district, parent: tinh-uy,
     meeting: {day: 20, flex: 3}}
  - {id: yen-thinh, name: Đảng ủy xã Yên Thịnh, kind: commune_committee, level: commune, parent: huu-lung,
     term: 2020 - 2025, meeting: {day: 25, flex: 2}}
  - {id: yt-dong-tien, name: Chi bộ thôn Đồng Tiến, kind: residential, parent: yen-thinh,
     meeting: {day: 5, flex: 2, time: "19:30", duration: 120, place: Nhà văn hóa thôn Đồng Tiến}}
  - {id: yt-lang-ben, name: Chi bộ thôn Làng Bên, kind: residential, parent: yen-thinh, meeting: {day: 7, flex: 2}}
  - {id: huu-lien, name: Đảng ủy xã Hữu Liên, kind: commune_committee, level: commune, parent: huu-lung,
     meeting: {day: 26, flex: 2}}
  - {id: hl-dong-tien, name: Chi bộ thôn Đồng Tiến, kind: residential, parent: huu-lien,
     meeting: {day: 9, flex: 2, session: evening}}
members:
  - {id: tinh-bt, name: Hồ Tiến Thiệu, committee: tinh-uy, roles: [secretary, standing], title: Chủ tịch HĐND tỉnh}
  - {id: tinh-uv, name: Đoàn Thu Hà, committee: tinh-uy, roles: [executive]}
  - {id: huyen-bt, name: Nguyễn Văn Huyện, committee: huu-lung, roles: [secretary, standing]}
  - {id: huyen-uv, name: Lăng Văn Hải, committee: huu-lung, roles: [executive], person: hai}
  - {id: yt-bt, name: Hoàng Văn Thịnh, committee: yen-thinh, roles: [secretary, standing],
     title: Chủ tịch HĐND xã}
  - {id: yt-uv, name: Vi Thị Lan, committee: yen-thinh, roles: [executive], title: Chủ tịch Hội Phụ nữ xã}
  - {id: hl-bt, name: Lăng Văn Hải, committee: huu-lien, roles: [secretary, standing], person: hai}
responsibility:
  - {id: tinh, members: {committee: tinh-uy}, units: {ids: [huu-lung, yen-thinh]}, per_unit: {min: 0}}
  - {id: huyen, members: {committee: huu-lung}, units: {level: commune}, per_unit: {min: 0}}
  - {id: xa, members: {committee: [yen-thinh, huu-lien]}, units: {kind: residential}, per_unit: {min: 0},
     source: qd-1764}
attendance:
  - {id: xa-nam, members: {committee: [yen-thinh, huu-lien]}, units: {kind: residential}, per: year,
     at_least: 0, source: qd-1764}
sources:
  - {id: qd-1764, kind: Quy định, number: 1764-QĐ/TU, date: 2019-05-29, issuer: Ban Thường vụ Tỉnh ủy Lạng Sơn,
     title: về cấp ủy viên các cấp dự sinh hoạt chi bộ}
  - {id: hd-42, number: 42-HD/BTCTW, date: 2025-10-28, issuer: Ban Tổ chức Trung ương,
     title: một số vấn đề về tiếp tục đổi mới và nâng cao chất lượng sinh hoạt chi bộ}
"""


def scenario(tmp_path: Path, year: int = 2024, text: str = LANG_SON) -> Instance:
    path = tmp_path / f"lang-son-{year}.yaml"
    path.write_text(text.replace("YEAR", str(year)), encoding="utf-8")
    return Instance(load_scenario(path))


def hand_plan(year: int = 2024) -> Plan:
    """Charges at every level, January's meetings and who attends them."""
    d = lambda day: dt.date(year, 1, day)  # noqa: E731
    m = f"{year}-01"
    return Plan(
        frozenset(
            {
                ("tinh-bt", "huu-lung"),
                ("tinh-uv", "yen-thinh"),
                ("huyen-bt", "yen-thinh"),
                ("huyen-uv", "huu-lien"),
                ("yt-bt", "yt-dong-tien"),
                ("yt-uv", "yt-lang-ben"),
                ("hl-bt", "hl-dong-tien"),
            }
        ),
        {("yt-dong-tien", m): d(5), ("yt-lang-ben", m): d(8), ("hl-dong-tien", m): d(9), ("yen-thinh", m): d(25)},
        frozenset(
            {
                ("yt-bt", "yt-dong-tien", d(5)),
                ("yt-uv", "yt-lang-ben", d(8)),
                ("hl-bt", "hl-dong-tien", d(9)),
                ("huyen-bt", "yen-thinh", d(25)),
                ("tinh-uv", "yen-thinh", d(25)),
            }
        ),
    )


@pytest.fixture(scope="module")
def lang_son(tmp_path_factory):
    inst = scenario(tmp_path_factory.mktemp("ls"))
    plan = hand_plan()
    files = render(["docx", "ics"], inst, plan, None, generated=STAMP)
    return inst, plan, files


def text_of(data: bytes) -> str:
    return "\n".join(docx_texts(data))


# ---------------------------------------------------------------------------------------------- one per committee
def test_one_decision_per_issuing_committee(lang_son):
    inst, plan, files = lang_son
    decisions = sorted(n for n in files if n.startswith("decision"))
    assert decisions == sorted(f"decision-{c}.docx" for c in ("tinh-uy", "huu-lung", "yen-thinh", "huu-lien"))
    one = render(["docx"], inst, plan, None, committee="huu-lung")
    assert [n for n in one if n.startswith("decision")] == ["decision.docx"]
    assert "HUYỆN ỦY HỮU LŨNG" in text_of(one["decision.docx"])


def test_commune_decision_heading_number_bases_and_signer(lang_son):
    text = text_of(lang_son[2]["decision-yen-thinh.docx"])
    head = text.splitlines()[0]
    assert head.startswith("ĐẢNG BỘ HUYỆN HỮU LŨNG / ĐẢNG ỦY XÃ YÊN THỊNH / * / Số ") and "-QĐ/ĐU |" in head
    assert "Yên Thịnh, ngày    tháng    năm 2024" in head
    assert "BAN THƯỜNG VỤ ĐẢNG ỦY XÃ YÊN THỊNH" in text
    assert "- Căn cứ Quy chế làm việc của Ban Chấp hành Đảng bộ xã Yên Thịnh, nhiệm kỳ 2020 - 2025;" in text
    assert (
        "- Căn cứ Quy định số 1764-QĐ/TU ngày 29/5/2019 của Ban Thường vụ Tỉnh ủy Lạng Sơn về cấp ủy viên các cấp "
        "dự sinh hoạt chi bộ;" in text
    )
    assert "42-HD/BTCTW" not in text  # a 2024 plan: the guide of 28/10/2025 did not exist yet
    assert "Xét đề nghị của Văn phòng Đảng ủy," in text
    assert "- Ban Thường vụ Huyện ủy Hữu Lũng (để b/c)," in text and "- Lưu Văn phòng Đảng ủy." in text
    assert "T/M BAN THƯỜNG VỤ / BÍ THƯ / Hoàng Văn Thịnh" in text
    # Chức vụ: the party post and the government post; the village named with its commune (names repeat)
    assert "Bí thư Đảng ủy, Chủ tịch HĐND xã" in text and "Đảng ủy viên, Chủ tịch Hội Phụ nữ xã" in text
    assert "Chi bộ thôn Đồng Tiến (xã Yên Thịnh)" in text


def test_district_decision(lang_son):
    text = text_of(lang_son[2]["decision-huu-lung.docx"])
    head = text.splitlines()[0]
    assert head.startswith("ĐẢNG BỘ TỈNH LẠNG SƠN / HUYỆN ỦY HỮU LŨNG / * / Số ") and "-QĐ/HU |" in head
    assert "Hữu Lũng, ngày" in head
    assert "BAN THƯỜNG VỤ HUYỆN ỦY HỮU LŨNG" in text
    assert "- Căn cứ Quy chế làm việc của Ban Chấp hành Đảng bộ huyện Hữu Lũng;" in text  # no term known
    assert "1764-QĐ/TU" not in text  # the commune rule's source: not this committee's
    assert "Xét đề nghị của Ban Tổ chức Huyện ủy," in text
    assert "- Ban Thường vụ Tỉnh ủy Lạng Sơn (để b/c)," in text and "- Lưu Văn phòng Huyện ủy." in text
    assert "T/M BAN THƯỜNG VỤ / BÍ THƯ / Nguyễn Văn Huyện" in text
    # one person with two seats: listed once, with the other seat in Chức vụ
    rows = [line for line in text.splitlines() if "Lăng Văn Hải" in line]
    assert len(rows) == 1 and "Huyện ủy viên, Bí thư Đảng ủy xã Hữu Liên" in rows[0]


def test_province_decision(lang_son):
    text = text_of(lang_son[2]["decision-tinh-uy.docx"])
    head = text.splitlines()[0]
    assert head.startswith("TỈNH ỦY LẠNG SƠN / * / Số ") and "-QĐ/TU |" in head  # no organisation above it
    assert "Lạng Sơn, ngày" in head
    assert "BAN THƯỜNG VỤ TỈNH ỦY LẠNG SƠN" in text
    assert "Ban Chấp hành Đảng bộ tỉnh Lạng Sơn, nhiệm kỳ 2020 - 2025;" in text
    assert "(để b/c)" not in text
    assert "T/M BAN THƯỜNG VỤ / BÍ THƯ / Hồ Tiến Thiệu" in text
    assert "Bí thư Tỉnh ủy, Chủ tịch HĐND tỉnh" in text and "Tỉnh ủy viên" in text


def test_sources_are_cited_only_while_in_force(tmp_path):
    """HD 42 of 28/10/2025: cited by a 2026 plan, not by a 2024 one; the packaged central copy likewise."""
    template = load_template()
    for year, cited in ((2024, False), (2026, True)):
        inst = scenario(tmp_path, year)
        text = text_of(render(["docx"], inst, hand_plan(year), None, committee="yen-thinh")["decision.docx"])
        assert ("Căn cứ Hướng dẫn số 42-HD/BTCTW ngày 28/10/2025 của Ban Tổ chức Trung ương" in text) is cited
        assert text.count("42-HD/BTCTW") == (1 if cited else 0)  # the scenario's and the template's: once
    no_sources = re.sub(r",\s*source: qd-1764", "", LANG_SON.split("\nsources:")[0]) + "\n"
    bare = scenario(tmp_path, 2026, no_sources)
    facts = Facts(bare, Plan(), Summary(status="unknown"))
    from planner.outputs.docx import cited_sources

    assert [s["number"] for s in cited_sources(facts, "yen-thinh", facts.start, template)] == ["42-HD/BTCTW"]
    old = scenario(tmp_path, 2024, no_sources)
    facts = Facts(old, Plan(), Summary(status="unknown"))
    assert cited_sources(facts, "yen-thinh", facts.start, template) == []


def test_a_rule_naming_an_unknown_source_is_refused_with_a_suggestion(tmp_path):
    with pytest.raises(InputError) as err:
        scenario(tmp_path, 2024, LANG_SON.replace("source: qd-1764}", "source: qd-1746}", 1))
    text = str(err.value.problems[0])
    assert "unknown source 'qd-1746'" in text and "did you mean 'qd-1764'?" in text


# ---------------------------------------------------------------------------------------------- form
def _xml(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml")}


def test_page_numbers_from_page_two_fonts_and_rows_kept_whole(lang_son):
    xml = _xml(lang_son[2]["decision-yen-thinh.docx"])
    doc = xml["word/document.xml"]
    headers = [v for k, v in xml.items() if k.startswith("word/header")]
    assert any("PAGE" in h and "fldChar" in h for h in headers)  # the page number field, in a header
    assert "<w:titlePg/>" in doc  # a first page of its own (its header holds no number)
    assert doc.count("<w:cantSplit/>") >= 8 and doc.count('<w:tblHeader w:val="true"/>') == 2
    assert "Times New Roman" in xml["word/styles.xml"]
    # the sizes of HD 36 (half-points): the party line 15 bold, the kind of document 16, the body 14
    assert re.search(r'<w:sz w:val="30"/>.*?ĐẢNG CỘNG SẢN VIỆT NAM', doc, re.S)
    assert re.search(r'<w:sz w:val="32"/>.*?<w:t>QUYẾT ĐỊNH</w:t>', doc, re.S)
    assert '<w:sz w:val="28"/>' in xml["word/styles.xml"]


# ---------------------------------------------------------------------------------------------- amendment
@pytest.fixture(scope="module")
def mini():
    inst = Instance(load_scenario(MINI / "scenario.yaml"))
    plan = read_plan(MINI / "plan")
    return inst, plan, read_summary(MINI / "plan")


def _in_force(plan: Plan) -> Plan:
    """The plan in force: one attendance fewer, one charge more, one meeting on another day."""
    (m, u, d) = sorted(plan.attendance)[0]
    key = next(k for k, day in sorted(plan.meetings.items()) if any(a[1:] == (k[0], day) for a in plan.attendance))
    meetings = dict(plan.meetings)
    meetings[key] = plan.meetings[key] - dt.timedelta(days=1)
    return Plan(plan.charges | {("uv-04", "thon-na-la")}, meetings, plan.attendance - {(m, u, d)})


def test_an_amendment_lists_exactly_the_diff(mini):
    inst, plan, summary = mini
    base = _in_force(plan)
    files = render(["docx"], inst, plan, summary, baseline=base, in_force=InForce("12", dt.date(2026, 1, 5)))
    d = diff_plans(base, plan, Names.of_instance(inst))
    assert d.changed == 3  # one attendance added, one charge removed, one meeting date moved
    texts = docx_texts(files["amendment.docx"])
    text = "\n".join(texts)
    assert "sửa đổi, bổ sung Quyết định số 12-QĐ/ĐU, ngày 5/1/2026 của Ban Thường vụ Đảng ủy xã Minh Tân" in text
    header = texts.index("STT | Nội dung | Đồng chí | Chi bộ | Theo quyết định đang thi hành | Nay sửa đổi thành")
    rows = texts[header + 1 :]
    assert len(rows) == d.changed
    assert any(r.startswith("1 | Thôi phân công phụ trách | Lý Thị Dung | Chi bộ thôn Nà La") for r in rows)
    assert sum("Bổ sung buổi dự sinh hoạt" in r for r in rows) == 1
    assert sum("Đổi ngày sinh hoạt của chi bộ" in r for r in rows) == 1
    assert "Các nội dung khác tại Quyết định số 12-QĐ/ĐU" in text
    facts = Facts(inst, plan, summary)
    owners = {m: x.committee for m, x in inst.members.items()}
    assert len(committee_changes(facts, "dang-uy-minh-tan", d, owners)) == d.changed
    # nothing changed: no amendment
    assert "amendment.docx" not in render(["docx"], inst, plan, summary, baseline=plan)


def test_a_replacing_decision_names_the_one_it_replaces(mini):
    inst, plan, summary = mini
    files = render(["docx"], inst, plan, summary, baseline=_in_force(plan), in_force=InForce("12", None, True))
    assert "amendment.docx" not in files
    assert "Quyết định này thay thế Quyết định số 12-QĐ/ĐU" in text_of(files["decision.docx"])


# ---------------------------------------------------------------------------------------------- notices
def test_a_notice_per_attended_cell_with_time_and_place(lang_son):
    inst, plan, files = lang_son
    notices = {n for n in files if n.startswith("notices/")}
    assert notices == {f"notices/{u}.docx" for u in {u for _, u, _ in plan.attendance}}
    text = text_of(files["notices/yt-dong-tien.docx"])
    assert "THÔNG BÁO" in text and "Kính gửi: Đồng chí Bí thư Chi bộ thôn Đồng Tiến" in text
    assert "ĐẢNG ỦY XÃ YÊN THỊNH" in text and "-TB/ĐU" in text
    assert "Tháng 1 | Thứ Sáu, 05/01/2024 / 19:30–21:30 | Nhà văn hóa thôn Đồng Tiến | Hoàng Văn Thịnh" in text
    evening = text_of(files["notices/hl-dong-tien.docx"])
    assert "buổi tối" in evening and "Lăng Văn Hải" in evening
    # the commune committee's meeting, attended from above: the notice comes from the district
    above = text_of(files["notices/yen-thinh.docx"])
    assert "HUYỆN ỦY HỮU LŨNG" in above and "Nguyễn Văn Huyện" in above and "Đoàn Thu Hà" in above


def test_calendars_carry_times_and_a_rising_sequence(lang_son):
    inst, plan, files = lang_son
    ev = Calendar.from_ical(files["calendars/yt-bt.ics"]).walk("VEVENT")[0]
    assert ev.decoded("DTSTART") == dt.datetime(2024, 1, 5, 12, 30, tzinfo=dt.UTC)  # 19:30 in Việt Nam
    assert ev.decoded("DTEND") - ev.decoded("DTSTART") == dt.timedelta(minutes=120)
    assert "Nhà văn hóa thôn Đồng Tiến" in str(ev["LOCATION"])
    assert "calendars/hl-bt.ics" not in files  # one person, one calendar: under the first seat's id
    ev = Calendar.from_ical(files["calendars/huyen-uv.ics"]).walk("VEVENT")[0]
    assert ev.decoded("DTSTART") == dt.date(2024, 1, 9) and "buổi tối" in str(ev["SUMMARY"])
    assert int(ev["SEQUENCE"]) == sequence_of(STAMP)
    assert sequence_of(STAMP + dt.timedelta(seconds=1)) > sequence_of(STAMP) > 0
    assert sequence_of(dt.datetime(2087, 12, 31, tzinfo=dt.UTC)) < 2**31


# ---------------------------------------------------------------------------------------------- printouts
def test_the_calendar_sheet_prints_a_quarter_a_page_and_its_rows_fit(mini):
    inst, plan, summary = mini
    wb = load_workbook(io.BytesIO(render(["xlsx"], inst, plan, summary)["plan.xlsx"]))
    ws = wb["Lịch"]
    assert not ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.orientation == "landscape"
    assert ws.print_title_cols.replace("$", "") == "A:B" and ws.print_title_rows.replace("$", "") == "1:1"
    assert [b.id for b in ws.col_breaks.brk] == [5]  # after March: four months, two pages across
    for r in range(2, ws.max_row + 1):
        lines = max(len(str(c.value or "").splitlines()) for c in ws[r])
        assert ws.row_dimensions[r].height >= 15 * lines and all(c.alignment.wrap_text for c in ws[r])


def test_the_report_has_a_print_stylesheet_and_plain_words(mini):
    inst, plan, summary = mini
    html = render(["html"], inst, plan, summary, "vi", generated=STAMP)["report.html"].decode()
    css = html.split("@media print", 1)[1]
    assert "thead{display:table-header-group}" in css and "break-inside:avoid" in css and "break-after:avoid" in css
    assert "Mức tốt nhất có thể (cận)" in html and "<thead>" in html
    assert "Cận tốt nhất" not in html and "Khoảng cách tối ưu" not in html


# ---------------------------------------------------------------------------------------------- CLI
def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_cli_report_in_vietnamese_with_a_committee_and_an_amendment(tmp_path):
    base = tmp_path / "base"
    shutil.copytree(MINI / "plan", base)
    lines = (base / "attendance.csv").read_text(encoding="utf-8").splitlines()
    (base / "attendance.csv").write_text("\n".join(lines[:1] + lines[2:]) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    args = ["report", str(MINI / "scenario.yaml"), str(MINI / "plan"), "--out", str(out), "--format", "docx"]
    r = run(*args, "--lang", "vi", "--baseline", str(base), "--amends", "3", "--amends-date", "2026-01-02")
    assert r.exit_code == 0, r.output
    assert "kiểm tra: đạt" in r.output and "Đã ghi vào" in r.output and "amendment.docx" in r.output
    assert "Written to" not in r.output
    assert "Quyết định số 3-QĐ/ĐU, ngày 2/1/2026" in text_of((out / "amendment.docx").read_bytes())
    r = run(*args, "--committee", "dang-uy-minh-ta", "--force")
    assert r.exit_code == 2 and "did you mean 'dang-uy-minh-tan'?" in r.output
    r = run(*args, "--amends", "3", "--force")
    assert r.exit_code == 2 and "need --baseline" in r.output


def test_cli_solve_takes_a_decision_template_and_speaks_vietnamese(tmp_path):
    template = tmp_path / "t.yaml"
    template.write_text(
        (ROOT / "planner" / "outputs" / "templates" / "decision.vi.yaml")
        .read_text(encoding="utf-8")
        .replace('title: "QUYẾT ĐỊNH"', 'title: "QUYẾT ĐỊNH (DỰ THẢO)"'),
        encoding="utf-8",
    )
    out = tmp_path / "plan"
    r = run(
        "solve", str(MINI / "scenario.yaml"), "--out", str(out), "--format", "docx", "--time-limit", "1",
        "--decision-template", str(template), "--lang", "vi",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "Đã ghi kế hoạch vào" in r.output and "Plan written" not in r.output
    assert "phụ trách theo nơi cư trú (residence)" in r.output  # the objective's terms in Vietnamese
    assert "QUYẾT ĐỊNH (DỰ THẢO)" in text_of((out / "decision.docx").read_bytes())


# ---------------------------------------------------------------------------------------------- LibreOffice
def test_documents_and_workbook_convert_to_pdf_with_sane_page_counts(lang_son, mini, tmp_path):
    soffice = shutil.which("soffice")
    pdfinfo = shutil.which("pdfinfo")
    if soffice is None or pdfinfo is None:
        pytest.skip("LibreOffice (soffice) and poppler (pdfinfo) are needed to convert and count pages")
    inst, plan, summary = mini
    files = render(["docx", "xlsx"], inst, plan, summary)
    wanted = {
        "decision.docx": (3, 6),  # the decision (and its signature), two appendices
        "notices/thon-na-la.docx": (1, 1),  # a notice is one page
        "plan.xlsx": (7, 30),  # seven sheets, the calendar on two pages across
        "ls-district.docx": (3, 6),
    }
    files["ls-district.docx"] = lang_son[2]["decision-huu-lung.docx"]
    for name in wanted:
        (tmp_path / Path(name).name).write_bytes(files[name])
    subprocess.run(
        [soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path)]
        + [str(tmp_path / Path(n).name) for n in wanted],
        check=True,
        capture_output=True,
        timeout=120,
    )
    for name, (lo, hi) in wanted.items():
        pdf = tmp_path / (Path(name).stem + ".pdf")
        info = subprocess.run([pdfinfo, str(pdf)], check=True, capture_output=True, text=True).stdout
        pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
        assert lo <= pages <= hi, (name, pages)
