"""Input strictness beyond the corpus files (tests/data/invalid/): workbooks (a formula without a saved value, a
hidden first sheet), plan directories read defensively (summary.json, huge cells, duplicate headers, row limits,
hidden characters in ids), numeric options (nan, inf, huge), the spreadsheet guard of every written cell, and
validation linear in the depth of the unit tree."""

from __future__ import annotations

import io
import json
import shutil
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from planner.cli import main
from planner.errors import InputError
from planner.instance import Instance
from planner.io import load_scenario, read_plan, read_summary
from planner.io.cells import append_row, csv_cell
from planner.plan import Summary
from tests.conftest import DATA, SCENARIOS

TABLES = DATA / "tables"
COMMUNE = TABLES / "commune.yaml"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def refused(result, *messages: str) -> str:
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    for m in messages:
        assert m in result.output, f"{m!r} not in {result.output}"
    return result.output


# ---------------------------------------------------------------------------------------------- workbooks
def _units_book(path: Path, hidden_first: bool = False, formula: bool = False) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    if hidden_first:
        ws.title = "old"
        ws.append(["nothing", "here"])
        ws.sheet_state = "hidden"
        ws = book.create_sheet("units")
    ws.append(["id", "name", "kind", "parent", "meeting_day", "meeting_flex"])
    ws.append(["xa", "Đảng ủy xã", "commune_committee", None, 25, 2])
    ws.append(["thon-1", '=B2&" thôn 1"' if formula else "Chi bộ thôn 1", "residential", "xa", 5, 2])
    book.save(path)


SCENARIO = """name: T
year: 2026
units: units.xlsx
members:
  - {id: uv-1, name: A, committee: xa, residence: thon-1}
"""


def test_a_formula_cell_without_a_saved_value_is_named(tmp_path: Path) -> None:
    _units_book(tmp_path / "units.xlsx", formula=True)  # openpyxl saves no computed value
    (tmp_path / "s.yaml").write_text(SCENARIO, encoding="utf-8")
    out = refused(run("validate", tmp_path / "s.yaml"), "units.xlsx, row 3", "cell B3 holds a formula", "never saved")
    assert "empty, but required" not in out


def test_the_visible_sheet_is_read_not_a_hidden_first_one(tmp_path: Path) -> None:
    _units_book(tmp_path / "units.xlsx", hidden_first=True)
    (tmp_path / "s.yaml").write_text(SCENARIO, encoding="utf-8")
    assert [u.id for u in load_scenario(tmp_path / "s.yaml").units] == ["xa", "thon-1"]


# ---------------------------------------------------------------------------------------------- plan directories
@pytest.fixture(scope="module")
def plan_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("plan") / "p"
    r = run("solve", COMMUNE, "--out", out, "--time-limit", "1", "-q", "--format", "csv")
    assert r.exit_code == 0, r.output
    return out


@pytest.mark.parametrize(
    "content, message",
    [
        (b"[1, 2]", "holds a JSON list, not an object"),
        (b'{"status": "feasible", "seconds": "nhanh"}', 'seconds: "nhanh" is not a number'),
        (b'{"status": "feasible", "objective": "x"}', "objective"),
        (b'{"status": "=1+1"}', "is not a status"),
        (b'{"status": "ok", "terms": {"balance": "many"}}', "not a whole number"),
        (b'{"status": "t\xe1m"}', "not UTF-8"),
        (b'{"status": ', "not valid JSON"),
        (b'{"seconds": NaN}', "is not a number"),
    ],
)
def test_a_malformed_summary_is_an_input_error(plan_dir: Path, tmp_path: Path, content: bytes, message: str) -> None:
    d = tmp_path / "p"
    shutil.copytree(plan_dir, d)
    (d / "summary.json").write_bytes(content)
    with pytest.raises(InputError, match="summary.json") as info:
        read_summary(d)
    assert message in str(info.value)
    refused(run("report", COMMUNE, d, "--out", tmp_path / "r"), "summary.json")
    refused(run("verify", COMMUNE, d), "summary.json")


def _edit(plan_dir: Path, tmp_path: Path, name: str, text: str) -> Path:
    d = tmp_path / "p"
    shutil.copytree(plan_dir, d)
    (d / name).write_text(text, encoding="utf-8")
    return d


def test_a_huge_cell_is_an_input_error(plan_dir: Path, tmp_path: Path) -> None:
    d = _edit(plan_dir, tmp_path, "charges.csv", "member_id,unit_id\n" + '"' + "x" * 200_000 + '",thon-1\n')
    with pytest.raises(InputError, match="charges.csv, line 2.*cannot be read as CSV"):
        read_plan(d)


def test_a_header_naming_a_column_twice_is_an_input_error(plan_dir: Path, tmp_path: Path) -> None:
    d = _edit(plan_dir, tmp_path, "meetings.csv", "unit_id,date,date\nthon-1,2026-01-05,2026-01-06\n")
    with pytest.raises(InputError, match="meetings.csv, line 1: date: the header names these columns twice"):
        read_plan(d)


def test_an_id_with_a_control_character_is_an_input_error(plan_dir: Path, tmp_path: Path) -> None:
    d = _edit(plan_dir, tmp_path, "charges.csv", "member_id,unit_id\nuv\x07-1,thon-1\n")
    with pytest.raises(InputError, match="line 2: member_id:.*U\\+0007"):
        read_plan(d)
    refused(run("report", COMMUNE, d, "--out", tmp_path / "r", "--force"), "U+0007")


def test_a_plan_file_of_too_many_rows_is_refused_quickly(plan_dir: Path, tmp_path: Path, monkeypatch) -> None:
    plan_files = sys.modules["planner.io.plan_files"]  # the module (planner.io.plan_files is also a function)

    monkeypatch.setattr(plan_files, "MAX_PLAN_ROWS", 1000)
    rows = "".join(f"2026-01-05,uv-{i},A,thon-1,T,residential\n" for i in range(2000))
    d = _edit(plan_dir, tmp_path, "attendance.csv", "date,member_id,member_name,unit_id,unit_name,kind\n" + rows)
    with pytest.raises(InputError, match="attendance.csv: the plan file has 2,001 lines, more than 1,000 rows"):
        read_plan(d)


def test_a_plan_file_over_the_size_limit_is_refused(plan_dir: Path, tmp_path: Path, monkeypatch) -> None:
    plan_files = sys.modules["planner.io.plan_files"]  # the module (planner.io.plan_files is also a function)

    monkeypatch.setattr(plan_files, "MAX_PLAN_BYTES", 5000)
    d = _edit(plan_dir, tmp_path, "attendance.csv", "date,member_id,unit_id\n" + "2026-01-05,uv-1,thon-1\n" * 300)
    with pytest.raises(InputError, match="attendance.csv: the plan file is too large"):
        read_plan(d)


# ---------------------------------------------------------------------------------------------- numeric options
@pytest.mark.parametrize(
    "args",
    [
        ["--seed", "99999999999999999999"],
        ["--seed", "-1"],
        ["--time-limit", "nan"],
        ["--time-limit", "inf"],
        ["--time-limit", "1e300"],
        ["--workers", "100000"],
    ],
)
def test_numeric_options_are_range_checked(tmp_path: Path, args: list[str]) -> None:
    for command in (
        ["solve", COMMUNE, "--out", tmp_path / "p"],
        ["check", COMMUNE],
        ["decompose", COMMUNE, "--out", tmp_path / "d"],
    ):
        if command[0] == "check" and args[0] == "--workers":
            continue
        r = run(*command, *args)
        assert r.exit_code == 2 and "Invalid value" in r.output and "Traceback" not in r.output, r.output
    assert not (tmp_path / "p").exists()


def test_generate_options_are_range_checked(tmp_path: Path) -> None:
    for args in (["--year", "99999"], ["--seed", "99999999999999999999"], ["--communes", "0"]):
        r = run("generate", "--preset", "tiny", "-o", tmp_path / "g.yaml", *args)
        assert r.exit_code == 2 and "Traceback" not in r.output, r.output


# ---------------------------------------------------------------------------------------------- the spreadsheet guard
def test_the_guard_keeps_formulas_and_illegal_characters_out_of_every_cell() -> None:
    book = openpyxl.Workbook()
    ws = book.active
    append_row(ws, ["=1+1", '=HYPERLINK("http://x")', "a\x00b\x07c\x0b", 5, None, "-2", "@x"])
    buf = io.BytesIO()
    book.save(buf)
    again = openpyxl.load_workbook(io.BytesIO(buf.getvalue())).active
    cells = [c for c in again[1]]
    assert all(c.data_type != "f" for c in cells)
    assert [c.value for c in cells[:3]] == ["=1+1", '=HYPERLINK("http://x")', "abc"]
    assert [csv_cell(v) for v in ("=1+1", "+1", "-1", "@x", "\tx", "ok", "a\x07", 3)] == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@x",
        "'\tx",
        "ok",
        "a",
        3,
    ]


def test_a_status_read_from_a_summary_never_becomes_a_formula_in_the_workbook() -> None:
    from planner.outputs import render

    inst = Instance(load_scenario(DATA / "golden" / "mini" / "scenario.yaml"))
    plan = read_plan(DATA / "golden" / "mini" / "plan")
    for status in ("=1+1", "Trạng\x07thái"):
        files = render(["xlsx"], inst, plan, Summary(status=status), "en")
        book = openpyxl.load_workbook(io.BytesIO(files["plan.xlsx"]))
        for ws in book.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    assert c.data_type != "f" and "\x07" not in str(c.value or ""), (ws.title, c.coordinate, c.value)


# ---------------------------------------------------------------------------------------------- depth
def _chain(path: Path, depth: int) -> None:
    lines = [
        "name: Sâu",
        "year: 2026",
        "units:",
        "  - {id: u0, name: U0, kind: commune_committee, meeting: {day: 25, flex: 2}}",
    ]
    for i in range(1, depth):
        lines.append(f"  - {{id: u{i}, name: U{i}, kind: residential, parent: u{i - 1}, meeting: {{day: 5, flex: 2}}}}")
    lines += ["members:", "  - {id: m, name: M, committee: u0}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_validation_is_linear_in_the_depth_of_the_unit_tree(tmp_path: Path) -> None:
    times = []
    for depth in (500, 2000):
        _chain(tmp_path / f"d{depth}.yaml", depth)
        t0 = time.monotonic()
        try:
            Instance(load_scenario(tmp_path / f"d{depth}.yaml"))
        except InputError:
            pass
        times.append(time.monotonic() - t0)
    assert times[1] < 10, times
    assert times[1] < 4 * times[0] * 2 + 1.0, times  # 4× the units: about 4× the time, far from 16×


def test_summary_json_round_trip_is_unchanged(plan_dir: Path) -> None:
    data = read_summary(plan_dir)
    assert data is not None and json.loads((plan_dir / "summary.json").read_text(encoding="utf-8")) == data


def test_examples_still_load(tmp_path: Path) -> None:
    for path in sorted(SCENARIOS.glob("*.yaml")):
        load_scenario(path)
