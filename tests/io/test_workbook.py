"""The clerk's workbook: `planner init`/`export` write a whole scenario as an .xlsx in Vietnamese, every command
reads it back as the same scenario, and unit and member tables are read as offices keep them (title rows, STT,
Vietnamese headers and roles, ids left out, units named by name)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from planner.cli import main
from planner.errors import InputError
from planner.io import load_scenario
from planner.io.aliases import COLUMNS, SETTINGS, SHEETS, VALUES, fold
from planner.io.tables import (
    SheetTable,
    code,
    column_index,
    conflict_item,
    derive_ids,
    derived_ids,
    kind_from_name,
    parse_date,
    parse_month,
    parse_roles,
    slug,
    weekdays,
)
from planner.outputs.workbook import render_workbook, template_scenario
from tests.conftest import DATA, SCENARIOS

WORKBOOK_DATA = DATA / "workbook"
EXAMPLES = sorted(SCENARIOS.glob("*.yaml"))


def run(*args: str) -> object:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def same(a: object, b: object) -> bool:
    """Two scenarios are equal apart from the file they came from."""
    return a.model_copy(update={"source": "", "sha256": ""}) == b.model_copy(update={"source": "", "sha256": ""})  # type: ignore[attr-defined]


def error_lines(path: Path) -> list[str]:
    with pytest.raises(InputError) as info:
        load_scenario(path)
    return [str(p) for p in info.value.problems]


# ---------------------------------------------------------------------------------------------- init, export
@pytest.mark.parametrize("level", ["commune", "district", "province"])
def test_init_writes_a_template_that_loads(tmp_path: Path, level: str) -> None:
    """The template of each level is a whole scenario: it loads, with ids derived from the names."""
    path = tmp_path / "mau.xlsx"
    result = run("init", str(path), "--level", level, "--year", "2027")
    assert result.exit_code == 0, result.output
    scenario = load_scenario(path)
    assert scenario.year == 2027 and scenario.responsibility and scenario.attendance
    example = template_scenario(level, 2027)  # the same example, with ids of its own: the same shape
    assert [len(getattr(scenario, k)) for k in ("units", "members", "responsibility", "attendance", "coverage")] == [
        len(getattr(example, k)) for k in ("units", "members", "responsibility", "attendance", "coverage")
    ]
    assert [u.name for u in scenario.units] == [u.name for u in example.units]
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [
        SHEETS[k][0] for k in ("guide", "settings", "units", "members", "rules", "calendar", "fixed", "sources")
    ]
    members = book[SHEETS["members"][0]]
    assert members.freeze_panes == "C2"
    assert [c.value for c in members[1]][:4] == ["Mã", "Họ và tên", "Cấp ủy", "Chức vụ Đảng"]
    assert all(members.cell(row=r, column=1).value is None for r in range(2, members.max_row + 1))  # ids blank
    lists = {str(dv.sqref).split(":")[0][:-1]: dv.formula1 for dv in members.data_validations.dataValidation}
    assert lists["D"].startswith('"Bí thư,Phó Bí thư')  # the roles
    assert lists["C"].startswith("'Đơn vị'!$B$2")  # the committee: a unit's name


def test_commune_template_ids_and_roles(tmp_path: Path) -> None:
    """The commune example reads back with ids derived from its names, roles and titles from 'Chức vụ'."""
    path = tmp_path / "xa.xlsx"
    assert run("init", str(path), "--year", "2026").exit_code == 0
    s = load_scenario(path)
    assert [u.id for u in s.units][:3] == ["xa-minh-hoa", "thon-ban-khoet", "thon-na-lau"]
    assert [(m.id, m.roles, m.title) for m in s.members][:3] == [
        ("hoang-van-minh", ("secretary", "standing"), None),
        ("nong-thi-lan", ("deputy_secretary", "standing"), "Chủ tịch HĐND xã"),
        ("ly-van-sinh", ("deputy_secretary", "standing"), "Chủ tịch UBND xã"),
    ]
    assert s.members[0].residence == "thon-ban-khoet" and s.fixed[0].unit == "co-quan-xa"  # type: ignore[union-attr]
    assert any("Chi bộ thôn Bản Khoét → thon-ban-khoet" in n for n in derived_ids(str(path)))


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_export_round_trip_gives_the_same_scenario(tmp_path: Path, example: Path) -> None:
    """YAML → workbook → scenario, and workbook → YAML → scenario: the same scenario every time."""
    original = load_scenario(example)
    book = tmp_path / "kich-ban.xlsx"
    book.write_bytes(render_workbook(original))
    from_book = load_scenario(book)
    assert same(from_book, original)
    assert from_book.sha256 and from_book.source == str(book)
    back = tmp_path / "kich-ban.yaml"
    assert run("export", str(book), str(back)).exit_code == 0
    assert same(load_scenario(back), original)


def test_format_v2_fields_round_trip(tmp_path: Path) -> None:
    """The fields of format v2 have columns: a unit's quarterly meeting, its months, its days of activity and
    the units it meets apart from; a member's days of service and excused stretches; a selector's 'not'; an
    attendance rule's own cell; a pinned meeting's time and place."""
    from planner.io.loader import validate_mapping

    data = {
        "name": "T",
        "year": 2026,
        "units": [
            {
                "id": "xa",
                "name": "Đảng ủy xã A",
                "kind": "commune_committee",
                "level": "commune",
                "term": "2025 - 2030",
                "superior": "Đảng bộ tỉnh B",
                "meeting": {"day": 20, "flex": [2, 7], "frequency": "quarter", "months": [1, 4, 7, 10]},
            },
            {
                "id": "t1",
                "name": "Chi bộ thôn 1",
                "kind": "residential",
                "parent": "xa",
                "active": {"from": "2026-03-01"},
                "apart_from": ["t2"],
                "tags": ["difficult"],
                "meeting": {"day": 5, "flex": 3, "flex_when": "next", "session": "evening", "time": "19:30"},
            },
            {
                "id": "t2",
                "name": "Chi bộ thôn 2",
                "kind": "residential",
                "parent": "xa",
                "meeting": {"day": 5, "flex": 3},
            },
        ],
        "members": [
            {
                "id": "a",
                "name": "A",
                "committee": "xa",
                "roles": ["standing"],
                "person": "p-a",
                "active": {"from": "2026-02-01", "to": "2026-11-30"},
                "excused": [{"from": "2026-05-01", "to": "2026-05-31", "reason": "nghỉ phép"}],
            },
            {"id": "b", "name": "B", "committee": "xa", "roles": ["executive"], "title": "Chủ tịch Hội Nông dân xã"},
        ],
        "attendance": [
            {
                "members": {"committee": "xa", "not": {"roles": ["standing"]}},
                "units": {"kind": "residential", "not": {"ids": ["t2"]}},
                "per": "month",
                "at_least": 0,
                "own_cell": "exclude",
            },
            {  # a sub-count by tag: written as YAML in its cell
                "members": {"ids": ["b"]},
                "units": {"kind": "residential"},
                "per": "quarter",
                "at_least": 1,
                "including": [{"units": {"kind": "residential", "tags": ["difficult"]}, "at_least": 1}],
            },
        ],
        "fixed": [{"unit": "t2", "month": "2026-03", "date": "2026-03-06", "time": "08:00", "place": "Nhà văn hóa"}],
    }
    scenario = validate_mapping(data)
    path = tmp_path / "v2.xlsx"
    path.write_bytes(render_workbook(scenario))
    assert same(load_scenario(path), scenario)
    rules = openpyxl.load_workbook(path)["Quy tắc"]
    including = next(c.column for c in rules[1] if c.value == "Trong đó")
    assert (
        rules.cell(row=3, column=including).value == "[{units: {kind: [residential], tags: [difficult]}, at_least: 1}]"
    )


def test_solve_on_the_workbook_gives_the_same_plan(tmp_path: Path) -> None:
    """`planner solve WB.xlsx` writes the plan files `planner solve SCENARIO.yaml` writes."""
    example = SCENARIOS / "thuong-son-2026.yaml"
    book = tmp_path / "ts.xlsx"
    assert run("export", str(example), str(book)).exit_code == 0
    for source, out in ((example, "from-yaml"), (book, "from-xlsx")):
        result = run("solve", str(source), "-o", str(tmp_path / out), "--time-limit", "1", "--format", "csv")
        assert result.exit_code == 0, result.output
    for name in ("charges.csv", "meetings.csv", "attendance.csv"):
        assert (tmp_path / "from-yaml" / name).read_bytes() == (tmp_path / "from-xlsx" / name).read_bytes(), name


def test_export_is_init_from(tmp_path: Path) -> None:
    """`planner init WB --from SCENARIO` and `planner export SCENARIO WB` write the same workbook."""
    example = str(SCENARIOS / "huyen-hop-nhat-2025.yaml")
    assert run("init", str(tmp_path / "a.xlsx"), "--from", example).exit_code == 0
    assert run("export", example, str(tmp_path / "b.xlsx")).exit_code == 0
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


def test_cli_refuses_what_it_cannot_write(tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    assert run("init", str(path)).exit_code == 0
    again = run("init", str(path))
    assert again.exit_code == 2 and "already exists — give --force" in again.output
    assert run("init", str(path), "--force").exit_code == 0
    wrong = run("init", str(tmp_path / "a.csv"))
    assert wrong.exit_code == 2 and "is not a workbook" in wrong.output
    assert run("export", str(path), str(tmp_path / "a.txt")).exit_code == 2
    assert run("export", str(path)).exit_code == 2
    assert run("export", str(path), "-o", str(tmp_path / "b.yaml")).exit_code == 0


def test_validate_takes_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    assert run("init", str(path), "--year", "2026").exit_code == 0
    result = run("validate", str(path))
    assert result.exit_code == 0
    assert "id derived from the name: " in result.output and "Hoàng Văn Minh → hoang-van-minh" in result.output


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_the_template(tmp_path: Path) -> None:
    """LibreOffice converts the template to PDF: it opens the workbook without complaint."""
    path = tmp_path / "mau.xlsx"
    assert run("init", str(path), "--year", "2026").exit_code == 0
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    assert (tmp_path / "mau.pdf").stat().st_size > 10_000
    saved = tmp_path / "saved"  # saved again by LibreOffice, it is the same scenario
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(saved),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    assert same(load_scenario(saved / "mau.xlsx"), load_scenario(path))


def test_a_template_filled_in_as_a_clerk_does(tmp_path: Path) -> None:
    """Title rows put above the members' header (merged), a 'Chức vụ' with a government post, a residence
    typed without diacritics, a member added without an id: the workbook still reads."""
    path = tmp_path / "xa.xlsx"
    assert run("init", str(path), "--year", "2026").exit_code == 0
    book = openpyxl.load_workbook(path)
    ws = book["Cấp ủy viên"]
    ws.insert_rows(1, 2)
    ws["A1"] = "DANH SÁCH BAN CHẤP HÀNH ĐẢNG BỘ XÃ MINH HÒA"
    ws.merge_cells("A1:H1")
    ws["D5"] = "Phó Bí thư Đảng ủy, Chủ tịch HĐND xã"
    ws["E5"] = None
    ws["F5"] = "chi bo thon na lau"
    ws.append([None, "Nguyễn Văn Mới", "Đảng ủy xã Minh Hòa", "Ủy viên BCH", None, "Chi bộ thôn Bản Khoét"])
    book.save(path)
    s = load_scenario(path)
    second = s.members[1]
    assert (second.roles, second.title, second.residence) == (
        ("deputy_secretary", "standing"),
        "Chủ tịch HĐND xã",
        "thon-na-lau",
    )
    assert (s.members[-1].id, s.members[-1].roles) == ("nguyen-van-moi", ("executive",))


# ---------------------------------------------------------------------------------------------- aliases
def test_every_header_names_its_own_column() -> None:
    """No Vietnamese or English header of a sheet names two columns (or an ignored one)."""
    for sheet, columns in COLUMNS.items():
        index = column_index(sheet)
        for col in columns:
            for text in (col.name, col.path, *col.headers):
                assert index[fold(text)] is col, (sheet, text)


def test_every_label_names_one_code() -> None:
    for family, codes in VALUES.items():
        seen: dict[str, str] = {}
        for value, labels in codes.items():
            for text in (value, *labels):
                assert seen.setdefault(fold(text), value) == value, (family, text)
    assert len({fold(t) for _, labels, _ in SETTINGS for t in labels}) == sum(len(t) for _, t, _ in SETTINGS)


@pytest.mark.parametrize(
    "text, roles, title",
    [
        ("Bí thư", ["secretary", "standing"], ""),
        ("bi thu dang uy xa", ["secretary", "standing"], ""),
        ("PHÓ BÍ THƯ THƯỜNG TRỰC", ["deputy_secretary", "standing"], ""),
        ("Phó Bí thư Đảng ủy, Chủ tịch UBND xã", ["deputy_secretary", "standing"], "Chủ tịch UBND xã"),
        ("Bí thư kiêm Chủ tịch HĐND xã", ["secretary", "standing"], "Chủ tịch HĐND xã"),
        ("Uỷ viên Ban Thường vụ Đảng ủy", ["standing"], ""),
        ("Ủy viên BTV", ["standing"], ""),
        ("Ủy viên BCH Đảng bộ xã", ["executive"], ""),
        ("Đảng ủy viên", ["executive"], ""),
        ("Huyện ủy viên", ["executive"], ""),
        ("Cán bộ lãnh đạo quản lý", ["leader"], ""),
        ("executive; leader", ["executive", "leader"], ""),
        ("Phó Chủ tịch UBND xã", [], "Phó Chủ tịch UBND xã"),
    ],
)
def test_roles_as_offices_write_them(text: str, roles: list[str], title: str) -> None:
    assert parse_roles(text) == (roles, title)


def test_a_misspelt_role_is_an_error_not_a_title() -> None:
    with pytest.raises(ValueError, match="'Bí htư' is not a party role; did you mean 'Bí thư'"):
        parse_roles("Bí htư")


@pytest.mark.parametrize(
    "text, kind",
    [
        ("thôn", "residential"),
        ("Bản", "residential"),
        ("Tổ dân phố", "residential"),
        ("khoi", "residential"),
        ("Trường", "school"),
        ("TRẠM Y TẾ", "health"),
        ("Quân sự", "military"),
        ("công an", "police"),
        ("Cơ quan", "agency"),
        ("Đảng ủy xã", "commune_committee"),
        ("Huyện ủy", "district_committee"),
        ("school", "school"),
        ("hợp tác xã nông nghiệp", "hợp tác xã nông nghiệp"),  # a kind of the user's own stays as written
    ],
)
def test_unit_kinds_as_written(text: str, kind: str) -> None:
    assert code("kind", text) == kind


@pytest.mark.parametrize(
    "name, kind",
    [
        ("Chi bộ thôn Bản Khoét", "residential"),
        ("Chi bộ Tổ dân phố 3", "residential"),
        ("Chi bộ Trường PTDTBT-THCS", "school"),
        ("Chi bộ Trạm Y tế xã", "health"),
        ("Chi bộ cơ quan xã Hợp Thành", "agency"),
        ("Đảng ủy xã Thượng Sơn", "commune_committee"),
        ("Chi bộ Hưng Thịnh", None),
    ],
)
def test_the_kind_a_name_tells(name: str, kind: str | None) -> None:
    assert kind_from_name(name) == kind


def test_levels_periods_sessions_weekdays() -> None:
    assert [code("level", t) for t in ("Xã", "phường", "Huyện", "tinh")] == [
        "commune",
        "commune",
        "district",
        "province",
    ]
    assert [code("period", t) for t in ("Tháng", "quý", "6 tháng", "NĂM")] == ["month", "quarter", "half", "year"]
    assert [code("session", t) for t in ("Sáng", "chieu", "Tối")] == ["morning", "afternoon", "evening"]
    assert weekdays(["Thứ Hai - Thứ Sáu"]) == ["mon", "tue", "wed", "thu", "fri"]
    assert weekdays(["T2-T4", "chủ nhật"]) == ["mon", "tue", "wed", "sun"]
    with pytest.raises(ValueError, match="'thứ tám' is not one of: thứ hai"):
        code("weekday", "thứ tám")


def test_dates_and_months_as_written() -> None:
    import datetime as dt

    assert parse_date("08/03/2026") == parse_date("2026-03-08") == dt.date(2026, 3, 8)
    assert parse_month("3/2026") == parse_month("tháng 03/2026") == parse_month("2026-03") == "2026-03"
    assert conflict_item("10/05/2026 - 20/05/2026") == {"from": dt.date(2026, 5, 10), "to": dt.date(2026, 5, 20)}
    assert conflict_item("Thứ Bảy") == {"weekdays": ["sat"]}


def test_ids_from_names_are_stable_and_collision_safe() -> None:
    assert slug("Chi bộ thôn Bản Khoét") == "thon-ban-khoet"
    assert slug("Đảng ủy xã Thượng Sơn") == "xa-thuong-son"
    assert slug("Hoàng Văn Minh") == "hoang-van-minh"
    items = [{"name": "Hoàng Văn Minh"}, {"id": "hoang-van-minh-2", "name": "X"}, {"name": "HOÀNG VĂN MINH"}]
    table = SheetTable("t.csv")
    table.rows = [2, 3, 4]
    derive_ids(items, table, "member")
    assert [i["id"] for i in items] == ["hoang-van-minh", "hoang-van-minh-2", "hoang-van-minh-3"]
    assert table.derived == ["row 2: Hoàng Văn Minh → hoang-van-minh", "row 4: HOÀNG VĂN MINH → hoang-van-minh-3"]


# ---------------------------------------------------------------------------------------------- real rosters
def test_a_roster_as_the_office_keeps_it() -> None:
    """roster.yaml names don-vi.xlsx (merged title rows, STT, numbering row, Vietnamese kinds, a kind told by
    the name, the parent by name with and without diacritics) and can-bo.csv (a title row, Vietnamese headers
    and roles, titles in 'Chức vụ', cells named by name, two members of one name, no ids)."""
    s = load_scenario(WORKBOOK_DATA / "roster.yaml")
    assert [(u.id, u.kind, u.parent) for u in s.units] == [
        ("xa-thuong-son", "commune_committee", None),
        ("thon-ban-khoet", "residential", "xa-thuong-son"),
        ("thon-trung-son", "residential", "xa-thuong-son"),
        ("truong-tieu-hoc", "school", "xa-thuong-son"),
        ("tram-y-te", "health", "xa-thuong-son"),
        ("quan-su", "military", "xa-thuong-son"),
        ("cong-an-xa", "police", "xa-thuong-son"),
    ]
    assert s.units[0].level == "commune" and s.units[0].tags == ()  # 'Ghi chú' is not read
    assert s.units[3].meeting is not None and s.units[3].meeting.weekdays == ("mon", "tue", "wed", "thu", "fri")
    assert s.units[6].meeting is not None and s.units[6].meeting.weekdays == ("mon", "wed")
    assert [(m.id, m.roles, m.title, m.residence, m.home_cell, m.sectors) for m in s.members] == [
        ("hoang-van-minh", ("secretary", "standing"), None, "thon-ban-khoet", "thon-ban-khoet", ()),
        ("phan-van-tam", ("deputy_secretary", "standing"), "Chủ tịch HĐND xã", "thon-trung-son", "thon-trung-son", ()),
        ("trieu-choi-chiu", ("deputy_secretary", "standing"), "Chủ tịch UBND xã", "thon-trung-son", None, ()),
        ("vuong-ngoc-duong", ("standing",), None, "thon-ban-khoet", None, ("school",)),
        ("nong-thi-lan", ("executive",), None, "thon-trung-son", None, ("health", "military")),
        ("ly-van-sinh", (), "Phó Chủ tịch UBND xã", "thon-ban-khoet", None, ("police",)),
        ("hoang-van-minh-2", ("executive",), None, "thon-trung-son", None, ()),
    ]
    notes = derived_ids(s.source)
    assert len(notes) == 14 and notes[-1].endswith("can-bo.csv, row 9: Hoàng Văn Minh → hoang-van-minh-2")


def test_a_roster_name_that_matches_nothing(tmp_path: Path) -> None:
    for name in ("roster.yaml", "don-vi.xlsx", "can-bo.csv"):
        shutil.copy(WORKBOOK_DATA / name, tmp_path / name)
    text = (
        (tmp_path / "can-bo.csv").read_text(encoding="utf-8-sig").replace("thôn Bản Khoét,,", "thôn Bản Khoet xa,,", 1)
    )
    (tmp_path / "can-bo.csv").write_text(text, encoding="utf-8")
    assert error_lines(tmp_path / "roster.yaml") == [
        f"{tmp_path / 'can-bo.csv'}, row 3: column F 'Chi bộ sinh hoạt': no unit has the id or name "
        "'thôn Bản Khoet xa'; did you mean 'Chi bộ thôn Bản Khoét'?"
    ]


def test_a_roster_with_an_unknown_column(tmp_path: Path) -> None:
    (tmp_path / "units.csv").write_text("STT,Tên chi bộ,Loai chi boo\n1,Đảng ủy xã A,Đảng ủy xã\n", encoding="utf-8")
    (tmp_path / "s.yaml").write_text("name: T\nyear: 2026\nunits: units.csv\nmembers: []\n", encoding="utf-8")
    assert error_lines(tmp_path / "s.yaml") == [
        f"{tmp_path / 'units.csv'}, row 1: Loai chi boo: unknown column 'Loai chi boo' — did you mean 'Loại chi bộ'?"
    ]


# ---------------------------------------------------------------------------------------------- invalid workbooks
def _edit(tmp_path: Path, sheet: str | None, edit: object) -> Path:
    """The exported Thượng Sơn workbook, with ``edit(book, sheet)`` applied."""
    path = tmp_path / "ts.xlsx"
    path.write_bytes(render_workbook(load_scenario(SCENARIOS / "thuong-son-2026.yaml")))
    book = openpyxl.load_workbook(path)
    edit(book, book[sheet] if sheet else None)  # type: ignore[operator]
    book.save(path)
    return path


def _set(header: str, row: int, value: object) -> object:
    def edit(book: object, ws: object) -> None:
        column = next(c.column for c in ws[1] if c.value == header)  # type: ignore[index]
        ws.cell(row=row, column=column, value=value)  # type: ignore[attr-defined]

    return edit


@pytest.mark.parametrize(
    "sheet, edit, expected",
    [
        (
            "Cấp ủy viên",
            _set("Cấp ủy", 3, "Đảng ủy xã Thượng Sơm"),
            "sheet 'Cấp ủy viên', row 3: column C 'Cấp ủy': no unit has the id or name 'Đảng ủy xã Thượng Sơm'; "
            "did you mean 'Đảng ủy xã Thượng Sơn'?",
        ),
        (
            "Cấp ủy viên",
            _set("Chức vụ Đảng", 5, "Bí htư"),
            "sheet 'Cấp ủy viên', row 5: column D 'Chức vụ Đảng': 'Bí htư' is not a party role; did you mean 'Bí thư'?",
        ),
        (
            "Quy tắc",
            _set("Mỗi", 4, "tuần"),
            "sheet 'Quy tắc', row 4: column H 'Mỗi': 'tuần' is not one of: tháng, quý, 6 tháng, năm; "
            "did you mean 'tháng'?",
        ),
        (
            "Quy tắc",
            _set("Mỗi", 2, "tháng"),
            "sheet 'Quy tắc', row 2: column H 'Mỗi': a rule 'phụ trách' has no 'Mỗi' — empty the cell; it is for "
            "'dự sinh hoạt' and 'chi bộ được dự' rules",
        ),
        (
            "Quy tắc",
            _set("Loại quy tắc", 2, "phân bổ"),
            "sheet 'Quy tắc', row 2: column A 'Loại quy tắc': 'phân bổ' is not one of: phụ trách, dự sinh hoạt, "
            "chi bộ được dự",
        ),
        ("Quy tắc", _set("Ít nhất", 4, -1), "sheet 'Quy tắc', row 4: column I 'Ít nhất': must be at least 0, got '-1'"),
        (
            "Lịch",
            _set("Từ ngày", 2, "31/02/2026"),
            "sheet 'Lịch', row 2: column D 'Từ ngày': '31/02/2026' is not a valid date (day is out of range for month)",
        ),
        (
            "Thiết lập",
            _set("Giá trị", 3, "hai nghìn"),
            "sheet 'Thiết lập', row 3: column B ('Năm'): expected a whole number, got 'hai nghìn'",
        ),
        (
            "Đơn vị",
            _set("Ngày họp", 1, "Ngay hopp"),
            "sheet 'Đơn vị', row 1: Ngay hopp: unknown column 'Ngay hopp' — did you mean 'Ngày họp'?",
        ),
        (
            "Cấp ủy viên",
            lambda book, ws: ws.merge_cells("D3:D4"),
            "sheet 'Cấp ủy viên', row 3: the cells D3:D4 are merged: only the first holds the value — unmerge them "
            "and write the value in every cell",
        ),
    ],
    ids=[
        "unit-name",
        "role",
        "period",
        "field-of-other-kind",
        "rule-kind",
        "negative",
        "date",
        "year",
        "header",
        "merged",
    ],
)
def test_invalid_workbook_names_sheet_row_and_column(tmp_path: Path, sheet: str, edit: object, expected: str) -> None:
    path = _edit(tmp_path, sheet, edit)
    assert error_lines(path) == [f"{path}, {expected}"]
    result = run("validate", str(path))
    assert result.exit_code == 2 and expected in result.output.replace("\n    ", " ")


def test_a_workbook_without_its_sheets(tmp_path: Path) -> None:
    path = _edit(tmp_path, None, lambda book, ws: book.remove(book["Cấp ủy viên"]))
    assert error_lines(path) == [
        f"{path}: a scenario workbook needs the sheets 'Cấp ủy viên' (its sheets: 'Hướng dẫn', 'Thiết lập', "
        "'Đơn vị', 'Quy tắc', 'Lịch', 'Cố định', 'Văn bản') — start from the template of `planner init FILE.xlsx`; "
        "a roster of one table is named by a YAML scenario (units: FILE.xlsx, members: FILE.xlsx)"
    ]


def test_an_unknown_setting_and_no_year(tmp_path: Path) -> None:
    path = _edit(tmp_path, "Thiết lập", _set("Mục", 3, "Nam ke hoachh"))
    assert error_lines(path) == [
        f"{path}, sheet 'Thiết lập', row 3: column A: unknown setting 'Nam ke hoachh' — did you mean 'Năm kế hoạch'?",
        f"{path}, sheet 'Thiết lập': give either 'year' or 'period', not both and not neither",
    ]


def test_a_damaged_workbook(tmp_path: Path) -> None:
    path = tmp_path / "hong.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    result = run("validate", str(path))
    assert result.exit_code == 2 and "cannot read the workbook" in result.output


def test_the_docs_list_every_name() -> None:
    """docs/workbook.md lists every sheet name, header, setting and value label the reader knows."""
    from planner.io.aliases import IGNORED_HEADERS, ROLE_LABELS

    doc = (Path(__file__).parents[2] / "docs" / "workbook.md").read_text(encoding="utf-8")
    names = [n for names in SHEETS.values() for n in names]
    names += [h for cols in COLUMNS.values() for c in cols for h in (*c.headers, c.name)]
    names += [t for _, texts, _ in SETTINGS for t in texts] + list(IGNORED_HEADERS) + [t for t, _ in ROLE_LABELS]
    names += [t for codes in VALUES.values() for labels in codes.values() for t in labels]
    assert [n for n in names if n not in doc] == []
