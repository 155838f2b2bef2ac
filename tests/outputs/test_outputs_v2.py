"""Every output carries what format v2 says (issue 12): attendances at one's own cell marked (and not counted
where a rule says ``own_cell: exclude``), members who serve part of the window (``active``, ``excused``) with
prorated quotas, units that meet quarterly or are founded mid-window, one person with two seats listed once,
work teams and households; and the terminal in Vietnamese with ``--lang vi``.

The scenario below is planned by hand: no test here runs the solver.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from click.testing import CliRunner
from icalendar import Calendar
from openpyxl import load_workbook

from planner.cli import main
from planner.instance import Instance
from planner.io import load_scenario, plan_files
from planner.outputs import render
from planner.outputs.docx import docx_texts
from planner.outputs.facts import Facts
from planner.outputs.labels import Labels
from planner.plan import Plan, Summary

STAMP = dt.datetime(2026, 1, 15, 8, 30, tzinfo=dt.UTC)

SCENARIO = """
name: Xã Thử (v2) — phân công cấp ủy viên
period: {start: 2026-01-01, end: 2026-06-30}
calendar: {public_holidays: VN}
units:
  - {id: huyen, name: Huyện ủy Thử, kind: district_committee, level: district, meeting: {day: 20, flex: 3}}
  - {id: xa, name: Đảng ủy xã Thử, kind: commune_committee, level: commune, parent: huyen,
     meeting: {day: 25, flex: 3}}
  - {id: thon-1, name: Chi bộ thôn Một, kind: residential, parent: xa,
     meeting: {day: 5, flex: 3, time: "19:30", place: Nhà văn hóa thôn Một}}
  - {id: thon-2, name: Chi bộ thôn Hai, kind: residential, parent: xa,
     meeting: {day: 7, flex: 3, frequency: quarter, months: [2, 5, 8, 11]}}
  - {id: thon-3, name: Chi bộ thôn Ba, kind: residential, parent: xa, active: {from: 2026-04-01},
     meeting: {day: 9, flex: 3, session: evening}}
  - {id: ho-1, name: Hộ ông Nguyễn Văn Hộ, kind: household, parent: thon-1}
members:
  - {id: h-1, name: Lê Văn Huyện, committee: huyen, roles: [standing], title: Phó Chủ tịch UBND huyện}
  - {id: h-2, name: Trần Văn Kép, committee: huyen, roles: [executive], person: kep, home_cell: thon-1}
  - {id: x-1, name: Trần Văn Kép, committee: xa, roles: [secretary, standing], person: kep, home_cell: thon-1}
  - {id: x-2, name: Phạm Thị Mới, committee: xa, roles: [standing], active: {from: 2026-04-01}, home_cell: thon-2}
  - {id: x-3, name: Đỗ Văn Học, committee: xa, roles: [executive], home_cell: thon-3,
     excused: [{from: 2026-02-01, to: 2026-02-28, reason: học lớp bồi dưỡng}]}
responsibility:
  - {id: xa-thon, members: {committee: xa}, units: {kind: residential}, per_unit: {min: 0}}
teams:
  - {id: to-1, name: Tổ công tác số 1, leader: h-1, members: [x-3], units: {ids: [ho-1]}}
attendance:
  - {id: huyen-du, members: {committee: huyen}, units: {kind: residential}, per: half, at_least: 0,
     own_cell: exclude}
  - {id: xa-du, members: {committee: xa}, units: {kind: residential}, per: quarter, at_least: 1}
coverage:
  - {id: moi-thang, units: {kind: residential}, by: {committee: [xa, huyen]}, per: month, at_least: 0}
  - {id: moi-quy, units: {ids: [thon-3]}, by: {committee: xa}, per: quarter, at_least: 3}
"""

D = dt.date


def hand_plan() -> Plan:
    meetings = {("thon-1", f"2026-0{m}"): D(2026, m, 5) for m in range(1, 7)}
    meetings |= {("thon-2", "2026-02"): D(2026, 2, 6), ("thon-2", "2026-05"): D(2026, 5, 7)}
    meetings |= {("thon-3", f"2026-0{m}"): D(2026, m, 9) for m in (4, 5, 6)}
    return Plan(
        frozenset({("x-1", "thon-1"), ("x-2", "thon-2"), ("x-3", "thon-3"), ("h-1", "ho-1"), ("x-3", "ho-1")}),
        meetings,
        frozenset(
            {
                ("h-2", "thon-1", D(2026, 1, 5)),  # one person, two seats, one meeting
                ("x-1", "thon-1", D(2026, 1, 5)),
                ("x-1", "thon-1", D(2026, 4, 5)),
                ("h-1", "thon-2", D(2026, 2, 6)),
                ("x-2", "thon-2", D(2026, 5, 7)),
                ("x-3", "thon-3", D(2026, 4, 9)),  # his own cell
                ("x-3", "thon-1", D(2026, 3, 5)),
            }
        ),
    )


@pytest.fixture(scope="module")
def v2(tmp_path_factory):
    path = tmp_path_factory.mktemp("v2") / "v2.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    inst = Instance(load_scenario(path))
    plan = hand_plan()
    files = render(["xlsx", "docx", "ics", "html", "md"], inst, plan, None, "vi", generated=STAMP)
    return inst, plan, files, path


def text_of(data: bytes) -> str:
    return "\n".join(docx_texts(data))


def sheet(files, name):
    ws = load_workbook(io.BytesIO(files["plan.xlsx"]))[name]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    return rows[0], rows[1:]


def events(data: bytes):
    return Calendar.from_ical(data).walk("VEVENT")


def day(ev) -> dt.date:
    """The event's day (a timed event starts at 19:30 Vietnam time: 12:30 UTC, the same day)."""
    start = ev.decoded("DTSTART")
    return start.date() if isinstance(start, dt.datetime) else start


# ---------------------------------------------------------------------------------------------- 1. own cell
def test_attendance_at_ones_own_cell_is_marked_everywhere(v2):
    _inst, _plan, files, _ = v2
    mark = "Đỗ Văn Học (chi bộ nơi sinh hoạt)"
    assert mark in files["plan.md"].decode()
    assert mark in files["report.html"].decode()
    assert mark in text_of(files["decision-xa.docx"])  # Phụ lục 2
    assert "Đỗ Văn Học, Đảng ủy viên (chi bộ nơi sinh hoạt)" in text_of(files["notices/thon-3.docx"])
    head, rows = sheet(files, "Dự sinh hoạt")
    note = head.index("Ghi chú")
    marked = {(r[2], r[4]) for r in rows if r[note]}
    assert ("x-3", "thon-3") in marked and ("x-3", "thon-1") not in marked
    head, rows = sheet(files, "Lịch")
    hoc = next(r for r in rows if r[0] == "Đỗ Văn Học")
    assert hoc[head.index("Tháng 4/2026")] == "09/04 Chi bộ thôn Ba (chi bộ nơi sinh hoạt)"
    assert hoc[head.index("Tháng 3/2026")] == "05/03 Chi bộ thôn Một"
    (ev,) = [e for e in events(files["calendars/x-3.ics"]) if day(e) == D(2026, 4, 9)]
    assert "(chi bộ nơi sinh hoạt)" in str(ev["SUMMARY"]) and "nơi đồng chí sinh hoạt" in str(ev["DESCRIPTION"])
    other = [e for e in events(files["calendars/x-3.ics"]) if day(e) == D(2026, 3, 5)]
    assert "nơi sinh hoạt" not in str(other[0]["SUMMARY"])


def test_own_cell_exclude_is_said_in_the_quota_rows(v2):
    inst, plan, files, _ = v2
    facts = Facts(inst, plan, Summary(status="unknown"))
    rows = {(q.subject, q.rule): q for q in facts.quota_rows}
    # h-2's home cell (thon-1) is not counted by huyen-du: the meeting of 5/1 there counts 0
    assert rows["h-2", "huyen-du"].planned == 0 and rows["h-2", "huyen-du"].not_counted == "thon-1"
    assert rows["h-1", "huyen-du"].not_counted is None and rows["h-1", "huyen-du"].planned == 1
    head, qrows = sheet(files, "Định mức")
    note = {(r[0], r[2], r[3]): r[head.index("Ghi chú")] for r in qrows}
    assert note["h-2", "huyen-du", "2026-H1"] == "không tính chi bộ nơi sinh hoạt (Chi bộ thôn Một)"
    assert note["h-1", "huyen-du", "2026-H1"] is None
    en = Labels("en")
    assert facts.quota_note(rows["h-2", "huyen-du"], en) == "own cell not counted (Chi bộ thôn Một)"
    assert facts.own_mark("x-3", "thon-3", en) == " (own cell)"


# ---------------------------------------------------------------------------------------------- 2. part of the window
def test_members_serving_part_of_the_window_are_said_and_their_quotas_prorated(v2):
    inst, plan, files, _ = v2
    text = text_of(files["decision-xa.docx"])
    assert "| Phạm Thị Mới / (từ 01/04/2026) |" in text
    assert "nghỉ 01/02/2026 – 28/02/2026: học lớp bồi dưỡng" in text
    head, rows = sheet(files, "Phân công")
    serving = {r[1]: r[head.index("Thời gian đảm nhiệm")] for r in rows if r[1]}
    assert serving["x-2"] == "từ 01/04/2026" and serving["x-3"].startswith("nghỉ 01/02/2026") and not serving["h-1"]
    facts = Facts(inst, plan, Summary(status="unknown"))
    need = {(q.subject, q.period): (q.at_least, q.serving) for q in facts.quota_rows if q.rule == "xa-du"}
    assert need["x-2", "2026-Q1"] == (0, (0, 3)) and need["x-2", "2026-Q2"] == (1, None)  # joins in April
    assert need["x-3", "2026-Q1"] == (1, (2, 3))  # ceil(1 × 2/3): excused in February
    assert need["x-1", "2026-Q1"] == (1, None)
    head, qrows = sheet(files, "Định mức")
    row = next(r for r in qrows if r[0] == "x-2" and r[3] == "2026-Q1")
    assert row[head.index("Tối thiểu")] == 0 and row[head.index("Ghi chú")] == "tính theo 0/3 tháng đảm nhiệm"
    head, rows = sheet(files, "Lịch")
    moi = next(r for r in rows if r[0] == "Phạm Thị Mới")
    assert moi[head.index("Tháng 1/2026")] == "(chưa đảm nhiệm, từ 01/04/2026)"
    hoc = next(r for r in rows if r[0] == "Đỗ Văn Học")
    assert hoc[head.index("Tháng 2/2026")] == "(nghỉ: học lớp bồi dưỡng)"
    html = files["report.html"].decode()
    assert 'class="h off" title="Tháng 1/2026: chưa đảm nhiệm, từ 01/04/2026"' in html
    assert "từ 01/04/2026" in files["plan.md"].decode()


def test_units_meeting_quarterly_or_founded_mid_window_show_no_empty_months(v2):
    inst, plan, files, _ = v2
    html = files["report.html"].decode()
    units = html.split('id="units"', 1)[1]
    row = lambda name: units.split(name, 1)[1].split("</tr>", 1)[0]  # noqa: E731
    assert row("Chi bộ thôn Hai").rstrip().endswith("<td>–</td>")  # meets in Feb and May, both visited
    assert "T1" not in row("Chi bộ thôn Ba") and "T5" in row("Chi bộ thôn Ba")  # founded in April
    head, rows = sheet(files, "Lịch họp")
    assert sorted(r[2] for r in rows if r[0] == "thon-2") == ["2026-02", "2026-05"]
    head, rows = sheet(files, "Bao phủ")  # no coverage row for a month the unit holds no meeting in
    periods = lambda u, rule: [r[3] for r in rows if r[0] == u and r[2] == rule]  # noqa: E731
    assert periods("thon-2", "moi-thang") == ["2026-02", "2026-05"]
    assert periods("thon-3", "moi-thang") == ["2026-04", "2026-05", "2026-06"]
    assert periods("thon-1", "moi-thang") == [f"2026-0{m}" for m in range(1, 7)]
    (q2,) = [r for r in rows if r[0] == "thon-3" and r[2] == "moi-quy"]  # founded in April: Q2 only, whole
    assert q2[3] == "2026-Q2" and q2[4] == 3
    head, rows = sheet(files, "Lịch họp")
    assert sorted(r[2] for r in rows if r[0] == "thon-3") == ["2026-04", "2026-05", "2026-06"]


# ---------------------------------------------------------------------------------------------- 3. one person
def test_a_person_with_two_seats_appears_once_in_every_list(v2):
    _inst, _plan, files, _ = v2
    assert "calendars/h-2.ics" in files and "calendars/x-1.ics" not in files
    kep = events(files["calendars/h-2.ics"])
    assert sorted(day(e) for e in kep) == [D(2026, 1, 5), D(2026, 4, 5)]
    head, rows = sheet(files, "Lịch")
    assert [r[0] for r in rows].count("Trần Văn Kép") == 1
    kep_row = next(r for r in rows if r[0] == "Trần Văn Kép")
    assert (
        kep_row[1] == ("Ủy viên Ban Chấp hành (Huyện ủy Thử); Bí thư, Ủy viên Ban Thường vụ (Đảng ủy xã Thử)")
        and kep_row[-1] == 2
    )
    head, rows = sheet(files, "Phân công")
    assert len({r[0] for r in rows if r[2] == "Trần Văn Kép"}) == 1
    assert len({r[0] for r in rows if r[0] is not None and r[1] and r[2]}) == 4  # four persons
    head, rows = sheet(files, "Dự sinh hoạt")
    jan5 = [r for r in rows if r[4] == "thon-1" and r[0].date() == D(2026, 1, 5)]
    assert len(jan5) == 1 and jan5[0][2] == "h-2, x-1"
    md = files["plan.md"].decode()
    charges = md.split("## Phân công", 1)[1].split("## ", 1)[0]
    assert charges.count("Trần Văn Kép") == 1
    assert md.split("### Tháng 1/2026", 1)[1].split("###", 1)[0].count("Trần Văn Kép") == 1
    html = files["report.html"].decode()
    members = html.split('id="members"', 1)[1].split("</table>", 1)[0]
    assert members.count("Trần Văn Kép") == 1 and "(h-2, x-1)" in members
    heat = html.split('id="heatmap"', 1)[1].split("</table>", 1)[0]
    assert heat.count("Trần Văn Kép") == 1
    assert 'Số cấp ủy viên</div><div class="v">4<' in html
    # each committee's decision lists the person once, with the other seat in Chức vụ
    xa = text_of(files["decision-xa.docx"])
    assert xa.split("PHỤ LỤC 1")[1].split("PHỤ LỤC 2")[0].count("Trần Văn Kép") == 1
    assert "Ủy viên Ban Chấp hành Đảng bộ huyện" in xa or "Huyện ủy viên" in xa


# ---------------------------------------------------------------------------------------------- 4. teams, households
def test_work_teams_and_households_are_named(v2):
    _inst, _plan, files, _ = v2
    charge = "Hộ ông Nguyễn Văn Hộ (hộ gia đình, cùng Tổ công tác số 1)"
    team = "Tổ công tác số 1: Lê Văn Huyện (tổ trưởng), Đỗ Văn Học"
    text = text_of(files["decision-xa.docx"])
    assert charge in text and f"- {team}; phụ trách: Hộ ông Nguyễn Văn Hộ." in text
    text = text_of(files["decision-huyen.docx"])  # a district decision names the commune of every unit
    assert "| Hộ ông Nguyễn Văn Hộ (xã Thử) (hộ gia đình, cùng Tổ công tác số 1) |" in text
    assert f"- {team}; phụ trách: Hộ ông Nguyễn Văn Hộ (xã Thử)." in text
    md = files["plan.md"].decode()
    assert charge in md and f"- {team} — Hộ ông Nguyễn Văn Hộ" in md
    html = files["report.html"].decode()
    assert "Tổ công tác số 1 (Lê Văn Huyện, Đỗ Văn Học)" in html and team in html
    assert "hộ gia đình, cùng Tổ công tác số 1" in html
    head, rows = sheet(files, "Phân công")
    ho = [r for r in rows if r[head.index("Mã chi bộ")] == "ho-1"]
    assert {r[1] for r in ho} == {"h-1", "x-3"}
    assert {r[head.index("Cơ sở phân công")] for r in ho} == {"cùng Tổ công tác số 1"}
    assert any(team in str(c) for r in rows for c in r)


def test_v1_outputs_carry_no_v2_columns(tmp_path):
    """A scenario with none of the v2 facts gets no new column (the golden files check the text)."""
    path = tmp_path / "v1.yaml"
    text = SCENARIO.split("members:")[0].replace(", active: {from: 2026-04-01}", "")
    text += "members:\n  - {id: a, name: A, committee: xa, roles: [secretary]}\n"
    path.write_text(text, encoding="utf-8")
    inst = Instance(load_scenario(path))
    plan = Plan(frozenset({("a", "thon-1")}), {("thon-1", "2026-01"): D(2026, 1, 5)}, frozenset())
    files = render(["xlsx"], inst, plan, None, "vi")
    assert "Thời gian đảm nhiệm" not in sheet(files, "Phân công")[0]
    assert "Ghi chú" not in sheet(files, "Định mức")[0]


# ---------------------------------------------------------------------------------------------- 5. the terminal
def test_validate_and_verify_speak_vietnamese(v2, tmp_path):
    inst, plan, _files, path = v2
    runner = CliRunner(env={"COLUMNS": "200"})
    out = runner.invoke(main, ["validate", str(path), "--lang", "vi"])
    assert out.exit_code == 0, out.output
    assert "hợp lệ: kịch bản đọc được" in out.output and "Quy định" in out.output
    assert "không tính chi bộ nơi sinh hoạt" in out.output and "1 tổ công tác: Tổ công tác số 1" in out.output
    assert "valid:" not in out.output and "Rules" not in out.output
    en = runner.invoke(main, ["validate", str(path)])
    assert en.exit_code == 0 and "valid: the scenario loads" in en.output and "own cell not counted" in en.output
    plan_dir = tmp_path / "plan"
    plan_dir.mkdir()
    for name, text in plan_files(inst, plan).items():
        (plan_dir / name).write_text(text, encoding="utf-8")
    res = runner.invoke(main, ["verify", str(path), str(plan_dir), "--lang", "vi"])
    assert "vi phạm:" in res.output or "đạt: kế hoạch thỏa mọi quy định" in res.output, res.output
    assert "Thành phần" in res.output and "violation" not in res.output.split("\n  - ")[0]
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [\n", encoding="utf-8")
    res = runner.invoke(main, ["validate", str(bad), "--lang", "vi"])
    assert res.exit_code == 2 and "lỗi: 1 vấn đề trong dữ liệu vào:" in res.output
    res = runner.invoke(main, ["validate", str(bad)])
    assert "error: 1 problem in the input:" in res.output


def test_diff_says_where_it_wrote_in_vietnamese(v2, tmp_path):
    inst, plan, _files, path = v2
    for d in ("a", "b"):
        (tmp_path / d).mkdir()
        for name, text in plan_files(inst, plan).items():
            (tmp_path / d / name).write_text(text, encoding="utf-8")
    res = CliRunner().invoke(
        main, ["diff", str(tmp_path / "a"), str(tmp_path / "b"), "--out", str(tmp_path / "d"), "--lang", "vi"]
    )
    assert res.exit_code == 0, res.output
    assert f"Đã ghi so sánh vào {tmp_path / 'd'}/: diff-*.csv và diff.xlsx." in res.output
