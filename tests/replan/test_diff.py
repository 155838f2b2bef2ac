"""Plan diff on hand-made plans (exact counts), its CSV/XLSX files, the diff command, and whatif end to end."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from planner.cli import main
from planner.errors import InputError
from planner.instance import Instance
from planner.io import load_scenario, read_plan
from planner.plan import Plan
from planner.replan.diff import DIFF_FILES, Names, diff_dirs, diff_plans, summary_text, write_diff
from tests.conftest import DATA

DATA = DATA / "changes"
BASE = DATA / "base.yaml"
d = dt.date


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([header, *rows])
    path.write_text("\ufeff" + buf.getvalue(), encoding="utf-8")


def read_csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def plan_dir(root: Path, name: str, charges, meetings, attendance, names: bool = True) -> Path:
    """A plan typed by hand in the contract layout; names only where ``names``."""
    out = root / name
    out.mkdir()
    nm = {
        "m1": "Nguyễn Văn Một",
        "m2": "Trần Thị Hai",
        "m3": "Lê Văn Ba",
        "u1": "Chi bộ thôn 1",
        "u2": "Chi bộ thôn 2",
        "u3": "Chi bộ thôn 3",
    }
    if names:
        write_csv(
            out / "charges.csv",
            ["member_id", "member_name", "unit_id", "unit_name"],
            [[m, nm[m], u, nm[u]] for m, u in charges],
        )
        write_csv(
            out / "attendance.csv",
            ["date", "member_id", "member_name", "unit_id", "unit_name"],
            [[day, m, nm[m], u, nm[u]] for m, u, day in attendance],
        )
    else:
        write_csv(out / "charges.csv", ["member_id", "unit_id"], [[m, u] for m, u in charges])
        write_csv(out / "attendance.csv", ["date", "member_id", "unit_id"], [[day, m, u] for m, u, day in attendance])
    write_csv(out / "meetings.csv", ["unit_id", "month", "date"], [[u, day[:7], day] for u, day in meetings])
    return out


@pytest.fixture
def two_plans(tmp_path):
    a = plan_dir(
        tmp_path,
        "a",
        charges=[("m1", "u1"), ("m2", "u2"), ("m3", "u3")],
        meetings=[
            ("u1", "2026-03-05"),
            ("u2", "2026-03-06"),
            ("u3", "2026-03-07"),
            ("u1", "2026-04-05"),
            ("u2", "2026-04-06"),
            ("u3", "2026-04-07"),
        ],
        attendance=[
            ("m1", "u1", "2026-03-05"),
            ("m2", "u2", "2026-03-06"),
            ("m3", "u3", "2026-03-07"),
            ("m1", "u1", "2026-04-05"),
            ("m2", "u2", "2026-04-06"),
            ("m3", "u3", "2026-04-07"),
        ],
    )
    b = plan_dir(
        tmp_path,
        "b",
        charges=[("m1", "u1"), ("m2", "u2"), ("m2", "u3")],  # m3 → u3 became m2 → u3
        meetings=[
            ("u1", "2026-03-05"),
            ("u2", "2026-03-06"),
            ("u3", "2026-03-07"),
            ("u1", "2026-04-06"),
            ("u2", "2026-04-06"),
            ("u3", "2026-04-07"),
        ],  # u1 moved in April
        attendance=[
            ("m1", "u1", "2026-03-05"),
            ("m2", "u2", "2026-03-06"),
            ("m2", "u3", "2026-03-07"),
            ("m1", "u1", "2026-04-06"),
            ("m2", "u2", "2026-04-06"),
            ("m1", "u2", "2026-03-06"),
        ],  # m3's April visit dropped, m1 visits u2 in March
        names=False,
    )
    return a, b


def test_diff_of_hand_made_plans_counts_every_kind(two_plans):
    a, b = two_plans
    diff = diff_dirs(a, b)
    assert diff.charges_added == [("m2", "u3")] and diff.charges_removed == [("m3", "u3")]
    assert [(m, u, mo) for m, u, mo, _ in diff.att_added] == [("m1", "u2", "2026-03"), ("m2", "u3", "2026-03")]
    assert [(m, u, mo) for m, u, mo, _ in diff.att_removed] == [("m3", "u3", "2026-03"), ("m3", "u3", "2026-04")]
    assert diff.att_moved == [("m1", "u1", "2026-04", d(2026, 4, 5), d(2026, 4, 6))]
    assert diff.meetings_moved == [("u1", "2026-04", d(2026, 4, 5), d(2026, 4, 6))]
    assert diff.meetings_added == [] and diff.meetings_removed == []
    assert diff.stability == 1 + 1 + 2 + 2
    assert diff.changed == 6 + 1 + 1
    load = {m: rest for m, *rest in diff.load}
    assert load == {"m1": [1, 1, 2, 3], "m2": [1, 2, 2, 3], "m3": [1, 0, 2, 0]}
    cover = {u: rest for u, *rest in diff.coverage}
    assert cover == {"u2": [1, 1, 2, 3], "u3": [1, 1, 2, 1]}  # (in charge, visits) before and after; u1 unchanged


def test_names_come_from_the_csvs_or_the_scenario(two_plans):
    a, b = two_plans
    diff = diff_dirs(a, b)  # b has no name columns: a's names serve both
    assert diff.names.member("m3") == "Lê Văn Ba" and diff.names.unit("u1") == "Chi bộ thôn 1"
    text = summary_text(diff, "a", "b")
    assert "decisions changed: 8 (stability count 6" in text
    assert "charges:      +1 −1" in text and "attendances:  +2 −2, 1 moved" in text
    assert "Lê Văn Ba (m3) → Chi bộ thôn 3 (u3)" in text
    vi = summary_text(diff, "a", "b", lang="vi")
    assert "quyết định thay đổi: 8 (độ ổn định 6" in vi and "Phân công thêm (1):" in vi
    assert "dự sinh hoạt: +2 −2, 1 đổi sang ngày khác" in vi


def test_identical_plans_give_an_empty_diff(two_plans):
    a, _ = two_plans
    diff = diff_dirs(a, a)
    assert diff.empty and diff.changed == 0 and not diff.load and not diff.coverage
    assert "no decision differs" in summary_text(diff)


def test_meetings_added_and_removed_and_order_from_a_scenario():
    inst = Instance(load_scenario(BASE))
    a = Plan(frozenset({("b-m1", "b-1"), ("a-m1", "a-1")}), {("a-1", "2026-03"): d(2026, 3, 5)}, frozenset())
    b = Plan(frozenset(), {("b-1", "2026-03"): d(2026, 3, 6)}, frozenset())
    diff = diff_plans(a, b, Names.of_instance(inst))
    assert diff.charges_removed == [("a-m1", "a-1"), ("b-m1", "b-1")]  # scenario order, not id order
    assert diff.meetings_added == [("b-1", "2026-03", d(2026, 3, 6))]
    assert diff.meetings_removed == [("a-1", "2026-03", d(2026, 3, 5))]
    assert diff.changed == 4 and diff.stability == 2


def test_diff_files_csv_and_xlsx(two_plans, tmp_path):
    a, b = two_plans
    diff = diff_dirs(a, b)
    out = tmp_path / "diff"
    write_diff(diff, out)
    assert sorted(p.name for p in out.iterdir()) == sorted(DIFF_FILES)
    assert (out / "diff-charges.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert read_csv(out / "diff-charges.csv") == [
        ["change", "member_id", "member_name", "unit_id", "unit_name"],
        ["added", "m2", "Trần Thị Hai", "u3", "Chi bộ thôn 3"],
        ["removed", "m3", "Lê Văn Ba", "u3", "Chi bộ thôn 3"],
    ]
    att = read_csv(out / "diff-attendance.csv")
    assert att[0] == [
        "change",
        "member_id",
        "member_name",
        "unit_id",
        "unit_name",
        "month",
        "date_before",
        "date_after",
    ]
    assert ["moved", "m1", "Nguyễn Văn Một", "u1", "Chi bộ thôn 1", "2026-04", "2026-04-05", "2026-04-06"] in att
    assert len(att) == 1 + 5
    summary = dict(read_csv(out / "diff-summary.csv")[1:])
    assert (
        summary["decisions changed"] == "8"
        and summary["attendances moved (same member, unit and month; another day)"] == "1"
    )
    book = openpyxl.load_workbook(out / "diff.xlsx")
    assert book.sheetnames == ["summary", "charges", "attendance", "meetings", "load", "coverage"]
    rows = list(book["charges"].iter_rows(values_only=True))
    assert rows[1] == ("added", "m2", "Trần Thị Hai", "u3", "Chi bộ thôn 3")
    write_diff(diff, out)  # rewriting its own files is fine
    (out / "notes.txt").write_text("mine")
    with pytest.raises(InputError, match="not a plan diff"):
        write_diff(diff, out)


def test_diff_command(two_plans, tmp_path):
    a, b = two_plans
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["diff", str(a), str(b), "--out", str(out)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert "decisions changed: 8" in r.output and (out / "diff.xlsx").is_file()
    r = CliRunner().invoke(main, ["diff", str(a), str(tmp_path / "nope")])
    assert r.exit_code == 2 and "is not a directory" in r.output


# ============================================================================================== whatif
@pytest.fixture(scope="module")
def base_plan_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("whatif") / "base-plan"
    r = CliRunner().invoke(
        main,
        ["solve", str(BASE), "--out", str(out), "--time-limit", "3", "-q", "--format", "csv"],
        catch_exceptions=False,
    )
    assert r.exit_code == 0, r.output
    return out


def test_whatif_merge_reports_changes_and_reasons(base_plan_dir, tmp_path):
    out = tmp_path / "wi"
    r = CliRunner().invoke(
        main,
        [
            "whatif",
            str(BASE),
            str(DATA / "merge.yaml"),
            "--baseline",
            str(base_plan_dir),
            "--out",
            str(out),
            "--time-limit",
            "3",
        ],
        catch_exceptions=False,
    )
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in out.iterdir()) == ["diff", "plan", "report.txt", "scenario.yaml"]
    report = (out / "report.txt").read_text(encoding="utf-8")
    assert report in r.output
    assert "a-cq, b-cq merged into ab-cq (change 2)" in report
    assert "member removed (change 3)" in report  # h-1's charge and visits
    new = load_scenario(out / "scenario.yaml")
    plan = read_plan(out / "plan")
    assert {u for _, u in plan.charges} <= {u.id for u in new.units}
    rows = read_csv(out / "diff" / "diff-charges.csv")
    assert rows[0][-1] == "reason" and all(row[-1] for row in rows[1:])
    removed_h1 = [row for row in rows[1:] if row[1] == "h-1"]
    assert removed_h1 and all(row[0] == "removed" and row[-1] == "member removed (change 3)" for row in removed_h1)
    # the diff command, told the change set and the new scenario, counts the same
    r = CliRunner().invoke(
        main,
        [
            "diff",
            str(base_plan_dir),
            str(out / "plan"),
            "--scenario",
            str(out / "scenario.yaml"),
            "--id-map",
            str(DATA / "merge.yaml"),
            "--rows",
            "0",
        ],
        catch_exceptions=False,
    )
    assert r.exit_code == 0, r.output
    line = next(x for x in report.splitlines() if x.startswith("  decisions changed:"))
    assert line in r.output and "Charges added" not in r.output


def test_whatif_with_no_changes_changes_nothing(base_plan_dir, tmp_path):
    empty = tmp_path / "none.yaml"
    empty.write_text("changes: []\n", encoding="utf-8")
    out = tmp_path / "wi"
    r = CliRunner().invoke(
        main,
        ["whatif", str(BASE), str(empty), "--baseline", str(base_plan_dir), "--out", str(out), "--time-limit", "3"],
        catch_exceptions=False,
    )
    assert r.exit_code == 0, r.output
    assert "0 decisions changed" in r.output and "no decision differs" in r.output


def test_whatif_refuses_a_foreign_out_directory(base_plan_dir, tmp_path):
    out = tmp_path / "busy"
    out.mkdir()
    (out / "thesis.docx").write_text("x")
    r = CliRunner().invoke(
        main, ["whatif", str(BASE), str(DATA / "merge.yaml"), "--baseline", str(base_plan_dir), "--out", str(out)]
    )
    assert r.exit_code == 2 and "not a what-if result" in r.output
