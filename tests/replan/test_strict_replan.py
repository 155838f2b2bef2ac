"""Freeze and id-map consistent with apply and verify: a frozen baseline meeting on a day its unit may not meet
is an input error naming it (not a plan that verify rejects), and ``--id-map`` refuses what would merge
decisions silently or does not fit the scenario; ``diff --out`` keeps spreadsheet formulas and illegal
characters of a plan's names out of its CSV and workbook."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from planner.cli import main
from planner.instance import Instance
from planner.io import load_scenario
from tests.conftest import DATA

CHANGES = DATA / "changes"
BASE = CHANGES / "base.yaml"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def base_plan(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("strict") / "plan"
    r = run("solve", BASE, "--out", out, "--time-limit", "2", "-q", "--format", "csv")
    assert r.exit_code == 0, r.output
    return out


def _rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def _write(path: Path, rows: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)


def test_a_frozen_meeting_outside_its_days_is_an_input_error(base_plan: Path, tmp_path: Path) -> None:
    import shutil

    plan = tmp_path / "moved"
    shutil.copytree(base_plan, plan)
    inst = Instance(load_scenario(BASE))
    rows = _rows(plan / "meetings.csv")
    head = rows[0]
    i_unit, i_month, i_date = head.index("unit_id"), head.index("month"), head.index("date")
    row = next(r for r in rows[1:] if r[i_month] == "2026-03")
    allowed = set(inst.candidate_days[row[i_unit], "2026-03"])
    bad = next(f"2026-03-{d:02d}" for d in range(1, 32) if f"2026-03-{d:02d}" not in {str(a) for a in allowed})
    row[i_date] = bad
    _write(plan / "meetings.csv", rows)
    r = run(
        "solve",
        BASE,
        "--out",
        tmp_path / "re",
        "--time-limit",
        "1",
        "-q",
        "--baseline",
        plan,
        "--freeze-until",
        "2026-03",
    )
    assert r.exit_code == 2, r.output
    assert f"meeting of {row[i_unit]} in 2026-03" in r.output and bad in r.output and "may not meet" in r.output
    assert not (tmp_path / "re").exists()


def test_id_map_refuses_a_rename_that_would_merge_decisions(base_plan: Path, tmp_path: Path) -> None:
    changes = tmp_path / "rename.yaml"
    changes.write_text("changes:\n  - rename: {unit: a-1, to: a-2}\n", encoding="utf-8")
    applied = run("apply", BASE, changes, "-o", tmp_path / "new.yaml")
    assert applied.exit_code == 2  # apply refuses it …
    r = run(
        "solve", BASE, "--out", tmp_path / "re", "--time-limit", "1", "-q", "--baseline", base_plan, "--id-map", changes
    )
    assert r.exit_code == 2, r.output  # … and so does --id-map, instead of merging a-1's decisions into a-2's
    assert "would all become 'a-2'" in r.output and "rename.yaml" in r.output


def test_id_map_refuses_a_change_set_the_scenario_did_not_come_from(base_plan: Path, tmp_path: Path) -> None:
    r = run(
        "solve", BASE, "--out", tmp_path / "re", "--time-limit", "1", "-q", "--baseline", base_plan,
        "--id-map", CHANGES / "merge.yaml",
    )  # fmt: skip
    assert r.exit_code == 2, r.output
    assert "merges into 'xa-ab', which the scenario has no unit of" in r.output


def test_diff_out_keeps_formulas_and_control_characters_of_plan_names_out(base_plan: Path, tmp_path: Path) -> None:
    import shutil

    names = ['=HYPERLINK("http://x.example","bấm")', "Tên\x07có chuông", "+1 gọi", "@admin"]
    for d, drop in (("a", 0), ("b", 2)):
        shutil.copytree(base_plan, tmp_path / d)
        for file in ("charges.csv", "attendance.csv"):
            rows = _rows(tmp_path / d / file)
            i = rows[0].index("member_name")
            for row in rows[1:]:
                row[i] = names[sum(map(ord, row[rows[0].index("member_id")])) % len(names)]
            _write(tmp_path / d / file, rows[: len(rows) - (drop if file == "charges.csv" else 0)])  # b: fewer charges
    a, b = tmp_path / "a", tmp_path / "b"
    out = tmp_path / "d"
    r = run("diff", a, b, "--out", out)
    assert r.exit_code == 0, r.output
    book = openpyxl.load_workbook(out / "diff.xlsx")
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                assert "\x07" not in str(cell.value or "")
    text = (out / "diff-charges.csv").read_text(encoding="utf-8-sig")
    assert ",'" in text and "\x07" not in text  # quoted for Excel
    for row in _rows(out / "diff-charges.csv")[1:]:
        assert not row[2].startswith(("=", "+", "-", "@")), row


@pytest.mark.parametrize("period", ["{start: 9999-12, end: 9999-12}", "{start: 2026-03-01, end: 9999-12-31}"])
def test_apply_refuses_a_period_beyond_the_years_without_a_traceback(tmp_path: Path, period: str) -> None:
    changes = tmp_path / "p.yaml"
    changes.write_text(f"changes:\n  - period: {period}\n", encoding="utf-8")
    r = run("apply", BASE, changes, "-o", tmp_path / "out.yaml")
    assert r.exit_code == 2 and "lies outside the years 1900–2200" in r.output, r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)
    assert not (tmp_path / "out.yaml").exists()


def test_id_map_refuses_what_apply_refuses_when_the_base_is_recorded(base_plan: Path, tmp_path: Path) -> None:
    new = tmp_path / "new.yaml"
    assert run("apply", BASE, CHANGES / "merge.yaml", "-o", new).exit_code == 0  # its header names BASE
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        (CHANGES / "merge.yaml").read_text(encoding="utf-8").replace("units: [xa-a, xa-b]", "units: [xa-a, xa-zz]"),
        encoding="utf-8",
    )
    assert run("apply", BASE, bad, "-o", tmp_path / "x.yaml").exit_code == 2
    r = run("solve", new, "--out", tmp_path / "re", "--time-limit", "1", "-q", "--baseline", base_plan, "--id-map", bad)
    assert r.exit_code == 2 and "bad.yaml" in r.output and "xa-zz" in r.output, r.output
    ok = run(
        "solve",
        new,
        "--out",
        tmp_path / "ok",
        "--time-limit",
        "1",
        "-q",
        "--baseline",
        base_plan,
        "--id-map",
        CHANGES / "merge.yaml",
    )
    assert ok.exit_code == 0, ok.output


def test_a_change_set_setting_yes_where_a_number_is_meant_is_refused(tmp_path: Path) -> None:
    changes = tmp_path / "set.yaml"
    changes.write_text('changes:\n  - set: {"attendance[1].at_least": yes}\n', encoding="utf-8")
    r = run("apply", BASE, changes, "-o", tmp_path / "out.yaml")
    assert r.exit_code == 2 and "at_least: true is not a number or a word" in r.output, r.output
