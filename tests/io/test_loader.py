"""The loader turns the example scenarios and tables into the same validated `Scenario` models."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path

import openpyxl
import pytest

from planner.errors import InputError
from planner.io import load_scenario
from planner.scenario import Conflict, FixedAttendance, FixedCharge, FixedDate, Meeting
from tests.conftest import DATA, ROOT

TABLES = DATA / "tables"


@pytest.mark.parametrize(
    "name, units, members, rules",
    [
        ("tuong-duong-2026", 22, 17, (1, 1, 1)),
        ("thuong-son-2026", 19, 15, (2, 1, 1)),
        ("yen-bai-rule-18", 39, 47, (4, 4, 1)),
        ("fixed-day-quota-check", 9, 6, (1, 1, 0)),
    ],
)
def test_example_scenarios_load(name: str, units: int, members: int, rules: tuple[int, int, int]) -> None:
    path = ROOT / "scenarios" / f"{name}.yaml"
    s = load_scenario(path)
    assert (len(s.units), len(s.members)) == (units, members)
    assert (len(s.responsibility), len(s.attendance), len(s.coverage)) == rules
    assert s.source == str(path)
    assert s.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_example_details() -> None:
    s = load_scenario(str(ROOT / "scenarios" / "tuong-duong-2026.yaml"))
    units = {u.id: u for u in s.units}
    assert units["co-quan-xa"].meeting == Meeting(day=2, flex=(0, 3))
    assert units["truong-thcs"].meeting.weekdays == ("mon", "tue", "wed", "thu", "fri")
    assert s.calendar.blackouts == (
        Conflict(from_=dt.date(2026, 2, 14), to=dt.date(2026, 2, 22), reason="nghỉ Tết Nguyên Đán"),
    )
    kha = next(m for m in s.members if m.id == "kha-van-lap")
    assert kha.roles == ("deputy_secretary", "standing")
    assert s.source.endswith("tuong-duong-2026.yaml")


def test_csv_tables_give_the_same_scenario_as_inline_yaml() -> None:
    tables = load_scenario(TABLES / "commune.yaml")
    inline = load_scenario(TABLES / "commune-inline.yaml")
    assert tables.model_dump() == inline.model_dump()
    assert tables.units[1].closed == (
        Conflict(date=dt.date(2026, 3, 5)),
        Conflict(from_=dt.date(2026, 6, 1), to=dt.date(2026, 6, 7)),
    )
    assert tables.members[0].max_per_month == 3


def test_csv_has_a_bom_and_the_hash_covers_the_tables() -> None:
    assert (TABLES / "units.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    s = load_scenario(TABLES / "commune.yaml")
    raw = b"".join((TABLES / f).read_bytes() for f in ("commune.yaml", "units.csv", "members.csv"))
    assert s.sha256 == hashlib.sha256(raw).hexdigest()


def _csv_to_xlsx(csv_path: Path, xlsx_path: Path) -> None:
    """The same table as a workbook, with numbers as numbers (as a spreadsheet would store them)."""
    import csv

    book = openpyxl.Workbook()
    sheet = book.active
    with csv_path.open(encoding="utf-8-sig", newline="") as f:
        for row in csv.reader(f):
            sheet.append([int(c) if c.isdigit() else (c or None) for c in row])
    book.create_sheet("ignored").append(["not", "read"])
    book.save(xlsx_path)


def test_xlsx_tables_give_the_same_scenario_as_inline_yaml(tmp_path: Path) -> None:
    for name in ("units", "members"):
        _csv_to_xlsx(TABLES / f"{name}.csv", tmp_path / f"{name}.xlsx")
    text = (TABLES / "commune.yaml").read_text(encoding="utf-8").replace(".csv", ".xlsx")
    (tmp_path / "commune.yaml").write_text(text, encoding="utf-8")
    tables = load_scenario(tmp_path / "commune.yaml")
    inline = load_scenario(TABLES / "commune-inline.yaml")
    assert tables.model_dump() == inline.model_dump()


def test_xlsx_date_cells_are_dates(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "name", "committee", "unavailable", "max_per_month"])
    sheet.append(["uv-1", "A", "xa", dt.datetime(2026, 3, 8), 2.0])
    book.save(tmp_path / "members.xlsx")
    shutil.copy(TABLES / "units.csv", tmp_path / "units.csv")
    (tmp_path / "s.yaml").write_text("name: T\nyear: 2026\nunits: units.csv\nmembers: members.xlsx\n", encoding="utf-8")
    s = load_scenario(tmp_path / "s.yaml")
    assert s.members[0].unavailable == (Conflict(date=dt.date(2026, 3, 8)),)
    assert s.members[0].max_per_month == 2


def test_fixed_items_of_each_shape(tmp_path: Path) -> None:
    text = (
        (TABLES / "commune-inline.yaml").read_text(encoding="utf-8")
        + """fixed:
  - {member: uv-1, unit: thon-1, charge: true}
  - {member: uv-2, unit: truong, month: 2026-03, attend: false}
  - {unit: thon-2, month: 2026-04, date: 2026-04-08}
"""
    )
    (tmp_path / "s.yaml").write_text(text, encoding="utf-8")
    s = load_scenario(tmp_path / "s.yaml")
    assert s.fixed == (
        FixedCharge(member="uv-1", unit="thon-1", charge=True),
        FixedAttendance(member="uv-2", unit="truong", month="2026-03", attend=False),
        FixedDate(unit="thon-2", month="2026-04", date=dt.date(2026, 4, 8)),
    )


def test_a_pinned_date_lifts_the_no_possible_day_check(tmp_path: Path) -> None:
    """2026-04-30 is a holiday: a meeting fixed on the 30th has no day in April unless a pin moves it."""
    base = (
        (TABLES / "commune-inline.yaml").read_text(encoding="utf-8").replace("meeting: {day: 12}", "meeting: {day: 30}")
    )
    path = tmp_path / "s.yaml"
    path.write_text(base, encoding="utf-8")
    with pytest.raises(InputError, match="has no possible day in 2026-04"):
        load_scenario(path)
    path.write_text(base + "fixed:\n  - {unit: tram-y-te, month: 2026-04, date: 2026-04-29}\n", encoding="utf-8")
    assert load_scenario(path).fixed[0].date == dt.date(2026, 4, 29)


def test_problem_lines_follow_block_style(tmp_path: Path) -> None:
    text = (TABLES / "commune-inline.yaml").read_text(encoding="utf-8")
    text = text.replace("    max_per_month: 3\n", "    max_per_month: lots\n")
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_scenario(path)
    (problem,) = info.value.problems
    assert problem.line == text.splitlines().index("    max_per_month: lots") + 1
    assert problem.field == "members[0] (uv-1).max_per_month"
    assert not problem.row


def test_period_window_and_bom_yaml(tmp_path: Path) -> None:
    text = (
        (TABLES / "commune-inline.yaml")
        .read_text(encoding="utf-8")
        .replace("year: 2026", "period: {start: 2026-07-01, end: 2026-12-31}")
    )
    path = tmp_path / "s.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    s = load_scenario(path)
    assert (s.start, s.end) == (dt.date(2026, 7, 1), dt.date(2026, 12, 31))


def test_anchors_and_merge_keys(tmp_path: Path) -> None:
    text = (TABLES / "commune-inline.yaml").read_text(encoding="utf-8")
    text = text.replace("meeting: {day: 7, flex: 2}", "meeting: &village {day: 7, flex: 2}")
    text = text.replace("meeting: {day: 12}", "meeting: {<<: *village, day: 12}")
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    s = load_scenario(path)
    assert s.units[2].meeting == Meeting(day=7, flex=(2, 2))
    assert s.units[4].meeting == Meeting(day=12, flex=(2, 2))


def test_table_headers_ignore_case(tmp_path: Path) -> None:
    (tmp_path / "units.csv").write_text("ID,Name,Kind,Level\nxa,X,commune_committee,commune\n", encoding="utf-8")
    (tmp_path / "s.yaml").write_text(
        "name: T\nyear: 2026\nunits: units.csv\nmembers: [{id: uv-1, name: A, committee: xa}]\n", encoding="utf-8"
    )
    assert load_scenario(tmp_path / "s.yaml").units[0].level == "commune"
