"""The command line through Click's runner: exit codes, files written, and verify catching broken plans."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import main
from tests.conftest import SCENARIOS

TUONG_DUONG = str(SCENARIOS / "tuong-duong-2026.yaml")
FIXED_DAY = str(SCENARIOS / "fixed-day-quota-check.yaml")


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def solved(tmp_path_factory) -> Path:
    """Tương Dương, solved once for the tests below that break it by hand."""
    out = tmp_path_factory.mktemp("plans") / "tuong-duong"
    result = run("solve", TUONG_DUONG, "--out", str(out), "--time-limit", "3", "-q")
    assert result.exit_code == 0, result.output
    return out


def read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    return rows[0], rows[1:]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([header, *rows])
    path.write_text("\ufeff" + buf.getvalue(), encoding="utf-8")


def test_validate_prints_what_the_scenario_holds():
    result = run("validate", TUONG_DUONG)
    assert result.exit_code == 0
    assert "22 units" in result.output and "17 members" in result.output
    assert "du-hang-thang" in result.output
    assert "2026-09-02" in result.output  # National Day, blocked for every meeting


def test_validate_bad_input_exits_2_with_file_line_and_field(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nyear: 2026\nunits: []\nmembers: []\natendance: []\n", encoding="utf-8")
    result = run("validate", str(bad))
    assert result.exit_code == 2
    assert "line 5" in result.output and "did you mean 'attendance'" in result.output
    assert "Traceback" not in result.output


def test_solve_writes_the_contract_files(solved):
    assert sorted(p.name for p in solved.iterdir()) == [
        "attendance.csv",
        "charges.csv",
        "meetings.csv",
        "plan.xlsx",
        "summary.json",
    ]  # --format csv,xlsx
    assert read_csv(solved / "charges.csv")[0] == [
        "member_id",
        "member_name",
        "unit_id",
        "unit_name",
        "unit_kind",
        "basis",
    ]
    assert read_csv(solved / "meetings.csv")[0] == ["unit_id", "unit_name", "month", "date", "preferred_date"]
    assert read_csv(solved / "attendance.csv")[0] == [
        "date",
        "member_id",
        "member_name",
        "unit_id",
        "unit_name",
        "unit_kind",
    ]
    assert (solved / "charges.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    summary = json.loads((solved / "summary.json").read_text(encoding="utf-8"))
    assert summary["status"] in ("optimal", "feasible")
    for key in ("objective", "bound", "gap", "seconds", "scenario_sha256", "seed", "terms"):
        assert key in summary
    assert set(summary["terms"]) == {"residence", "sector", "shift", "visit", "balance", "stability", "moved"}
    _, meetings = read_csv(solved / "meetings.csv")
    assert len(meetings) == 22 * 12  # every unit meets every month


def test_solve_prints_status_tables_and_objective(tmp_path):
    result = run("solve", TUONG_DUONG, "--out", str(tmp_path / "p"), "--time-limit", "2")
    assert result.exit_code == 0
    out = result.output
    assert "Members: charges and attendances" in out and "Units: visits vs coverage" in out
    assert "Objective (maximised)" in out
    assert ("optimal" in out) or ("gap" in out and "not proven optimal" in out)


def test_verify_accepts_the_planners_own_plan(solved):
    result = run("verify", TUONG_DUONG, str(solved))
    assert result.exit_code == 0, result.output
    assert "ok: the plan satisfies every rule" in result.output


def test_solve_infeasible_exits_3_and_writes_nothing(tmp_path):
    out = tmp_path / "p"
    result = run("solve", FIXED_DAY, "--out", str(out), "--time-limit", "5")
    assert result.exit_code == 3
    assert "infeasible" in result.output
    assert not out.exists()


def test_solve_refuses_to_overwrite_a_directory_that_is_not_a_plan(tmp_path):
    out = tmp_path / "p"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    result = run("solve", TUONG_DUONG, "--out", str(out), "--time-limit", "1", "-q")
    assert result.exit_code == 2
    assert "not a plan" in result.output
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"


# ------------------------------------------------------------------------------ hand-broken plans
# Each breaks a copy of the solved plan by hand and returns the words verify must say about what it broke.
def remove_an_attendance(d: Path) -> list[str]:
    # every visit of one member in one month (one alone may be a visit over the member's quota)
    header, rows = read_csv(d / "attendance.csv")
    member, month = rows[0][1], rows[0][0][:7]
    write_csv(d / "attendance.csv", header, [r for r in rows if (r[1], r[0][:7]) != (member, month)])
    return [member, month]


def move_a_meeting_to_a_holiday(d: Path) -> list[str]:
    header, rows = read_csv(d / "meetings.csv")
    for row in rows:
        if row[0] == "co-quan-xa" and row[2] == "2026-09":
            row[3] = "2026-09-02"
    write_csv(d / "meetings.csv", header, rows)
    return ["2026-09-02", "National Day"]


def put_two_meetings_on_one_day(d: Path) -> list[str]:
    header, rows = read_csv(d / "attendance.csv")
    _, meetings = read_csv(d / "meetings.csv")
    first = rows[0]  # a member's attendance; add another unit's meeting on the same day
    date = first[0]
    other = next(m for m in meetings if m[0] != first[3] and m[2] == date[:7])
    for m in meetings:
        if m[0] == other[0] and m[2] == date[:7]:
            m[3] = date
    write_csv(d / "meetings.csv", ["unit_id", "unit_name", "month", "date", "preferred_date"], meetings)
    rows.append([date, first[1], first[2], other[0], other[1], "residential"])
    write_csv(d / "attendance.csv", header, rows)
    return ["one-meeting-a-day"]


def add_a_charge_outside_every_rule(d: Path) -> list[str]:
    header, rows = read_csv(d / "charges.csv")
    rows.append(
        ["le-van-luong", "Lê Văn Lương", "dang-uy-tuong-duong", "Đảng ủy xã Tương Dương", "commune_committee", "none"]
    )
    write_csv(d / "charges.csv", header, rows)
    return ["charge-outside-rules", "le-van-luong"]


def leave_a_quota_one_short(d: Path) -> list[str]:
    header, rows = read_csv(d / "attendance.csv")
    member = "uv-10"
    mine = [r for r in rows if r[1] == member and r[0].startswith("2026-03")]
    assert mine, "uv-10 attends in March"
    rows = [r for r in rows if r not in mine]  # March's attendances of uv-10 gone: 0 of at least 1
    write_csv(d / "attendance.csv", header, rows)
    return ["du-hang-thang", "2026-03", "uv-10"]


@pytest.mark.parametrize(
    "breaks",
    [
        remove_an_attendance,
        move_a_meeting_to_a_holiday,
        put_two_meetings_on_one_day,
        add_a_charge_outside_every_rule,
        leave_a_quota_one_short,
    ],
    ids=lambda breaks: breaks.__name__,
)
def test_verify_catches_a_plan_broken_by_hand(solved, tmp_path, breaks):
    d = tmp_path / "plan"
    shutil.copytree(solved, d)
    said = breaks(d)
    result = run("verify", TUONG_DUONG, str(d))
    assert result.exit_code == 3
    for words in said:
        assert words in result.output, words


def test_verify_of_a_missing_plan_directory_exits_2(tmp_path):
    result = run("verify", TUONG_DUONG, str(tmp_path / "nowhere"))
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_the_progress_line_speaks_the_language_asked() -> None:
    from planner.cli.signals import progress_line
    from planner.search.solving import Progress

    p = Progress()
    p.phase, p.objective, p.bound = "whole year", -10, -8
    assert progress_line(p).startswith("  solving whole year:")
    vi = progress_line(p, "vi")
    assert vi.startswith("  đang lập kế hoạch cả năm:") and "tốt nhất -10" in vi and "cận -8" in vi


def test_solve_id_map_writes_no_amendment_for_a_committee_the_changes_founded(tmp_path: Path) -> None:
    """The merged commune of the change set has no decision in force: solve --id-map on the scenario planner
    apply wrote (its base recorded) writes its decision anew, and no amendment for it."""
    runner = CliRunner()
    base, changes = SCENARIOS / "huyen-hop-nhat-2025.yaml", SCENARIOS / "changes" / "huyen-hop-nhat-2025-changes.yaml"
    plan, merged, new = tmp_path / "base", tmp_path / "merged.yaml", tmp_path / "new"
    assert runner.invoke(main, ["solve", str(base), "--out", str(plan), "--time-limit", "2", "-q"]).exit_code == 0
    assert runner.invoke(main, ["apply", str(base), str(changes), "-o", str(merged)]).exit_code == 0
    args = ["solve", str(merged), "--baseline", str(plan), "--id-map", str(changes), "--out", str(new)]
    args += ["--time-limit", "2", "-q", "--format", "docx", "--amends", "12", "--amends-date", "2025-01-05"]
    r = runner.invoke(main, args)
    assert r.exit_code == 0, r.output
    assert (new / "decision.docx").is_file()
    assert not list(new.glob("amendment*.docx")), sorted(p.name for p in new.iterdir())
