"""Explanations a committee can act on (issue 16): the smallest conflict (implicit hitting sets), every distinct
conflict (`check --all`), the least change that makes the rules hold, the quota a rule can ask, the report."""

from __future__ import annotations

import functools
import io
import itertools
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.checks.correction import Change, apply, fields
from planner.checks.diagnose import Budget, CheckSettings, GuardedModel, decide, diagnose
from planner.checks.explain import explain_diagnosis
from planner.cli import main
from planner.instance import Instance
from planner.io import load_scenario
from planner.status import Status
from tests.checks.test_diagnose import CASES, FIXED_DAY, INFEASIBLE, K, flat, keys

TWO = INFEASIBLE / "two-conflicts.yaml"
QUICK = CheckSettings(suggestions=False, shortfall=False, correction=False)


@functools.cache
def instance(path: Path) -> Instance:
    return Instance(load_scenario(path))


@functools.cache
def enumerated(path: Path):
    return diagnose(instance(path), CheckSettings(all_conflicts=True, suggestions=False, shortfall=False))


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


# ---------------------------------------------------------------------------------------------- smallest
@pytest.mark.parametrize("name", sorted(CASES) + ["fixed-day"])
def test_smallest_is_proven_and_is_the_known_set(name):
    path = FIXED_DAY if name == "fixed-day" else INFEASIBLE / f"{name}.yaml"
    diag = diagnose(instance(path), QUICK)
    assert diag.status == "infeasible" and diag.smallest and diag.kind == "smallest"
    if name == "fixed-day":
        assert len(diag.core) == 2
    elif CASES[name]["core"] is None:
        assert len(diag.core) == CASES[name]["core_size"]
    else:
        assert keys(diag) == CASES[name]["core"]
    assert diag.lower_bound == diag.weight == len(diag.core)


def test_smallest_beats_the_deletion_filter_when_it_is_smaller():
    """Two conflicts: the deletion filter stops at the two-instance one; the hitting sets find the single one."""
    minimal = diagnose(
        instance(TWO), CheckSettings(smallest=False, suggestions=False, shortfall=False, correction=False)
    )
    assert minimal.kind == "minimal" and len(minimal.core) == 2
    diag = diagnose(instance(TWO), QUICK)
    assert diag.kind == "smallest"
    assert keys(diag) == {K("attendance", "moi-quy", "uv-2", "2026-Q2")}
    text = flat(explain_diagnosis(instance(TWO), diag))
    assert "This is the smallest conflict (proven): no set of fewer rule instances clashes (1)" in text


def test_weights_say_which_rules_a_committee_would_rather_keep():
    diag = diagnose(instance(TWO), CheckSettings(weights=(("moi-quy", 5),), **_quick()))
    assert diag.kind == "smallest" and diag.weighted and diag.weight == 2
    assert {k.family for k in diag.core} == {"attendance", "one-meeting-a-day"}
    assert {k.rule for k in diag.core} == {"hai-buoi", "meetings_per_day"}


def _quick() -> dict:
    return dict(suggestions=False, shortfall=False, correction=False)


def test_minimal_only_when_the_budget_is_gone():
    diag = diagnose(instance(TWO), CheckSettings(smallest_limit=0.0, **_quick()))
    assert diag.kind == "minimal" and not diag.smallest
    assert "that it is the smallest was not proven" in flat(explain_diagnosis(instance(TWO), diag))


# ---------------------------------------------------------------------------------------------- every conflict
def _status(gm: GuardedModel, subset) -> Status:
    status, _, _ = gm.solve(sorted(subset), CheckSettings(presolve=True), Budget(10.0), 2)
    return status


ENUMERATED = ["fixed-day", "two-conflicts", "mix-including", "pin-charge-off", "responsibility-counts"]


@pytest.mark.parametrize("name", ENUMERATED)
def test_each_conflict_listed_is_infeasible_alone_and_minimal(name):
    path = FIXED_DAY if name == "fixed-day" else INFEASIBLE / f"{name}.yaml"
    diag = enumerated(path)
    enum = diag.enumeration
    assert enum is not None and enum.complete and enum.conflicts
    gm = GuardedModel(instance(path))
    for c in enum.conflicts:
        for mus in c.instances[:3] + [c.example]:
            assert _status(gm, mus) == Status.INFEASIBLE
            for k in mus:
                assert _status(gm, [x for x in mus if x != k]) == Status.FEASIBLE, k
    sigs = [c.signature for c in enum.conflicts]
    assert len(sigs) == len(set(sigs))  # distinct


def test_conflicts_are_grouped_by_rule_and_fact_not_by_member_month():
    enum = enumerated(FIXED_DAY).enumeration
    (c,) = enum.conflicts  # one conflict: 6 members × 12 months, the rule against one meeting a day on the 5th
    assert len(c.instances) == 72
    assert {g[0] for g in c.groups} == {"attendance", "one-meeting-a-day"}
    enum = enumerated(TWO).enumeration
    assert sorted(len(c.instances) for c in enum.conflicts) == [1, 12]
    enum = enumerated(INFEASIBLE / "pin-charge-off.yaml").enumeration
    assert {c.groups for c in enum.conflicts} == {
        (("responsibility", "phu-trach", "per_unit"),),
        (("coverage", "hai-luot", ""),),
    }


def test_all_in_words():
    text = flat(explain_diagnosis(instance(FIXED_DAY), enumerated(FIXED_DAY), "en"))
    assert "Every distinct conflict (1 found; grouped by rule and calendar fact)" in text
    assert "rule hai-buoi-moi-thang and one meeting a day (meetings_per_day) clash for 6 members" in text
    assert "in 12 months" in text and "72 instances found" in text
    vi = flat(explain_diagnosis(instance(FIXED_DAY), enumerated(FIXED_DAY), "vi"))
    assert "Các mâu thuẫn khác nhau (1 mâu thuẫn" in vi and "mâu thuẫn nhau với 6 đồng chí" in vi


# ---------------------------------------------------------------------------------------------- least change
def _holds(scenario) -> Status:
    status, _, _ = decide(Instance(scenario), CheckSettings(), Budget(10.0))
    return status


def _smaller(inst: Instance, total: int):
    """Every combination of changes of total cost below ``total`` (brute force; tiny scenarios only)."""
    flds = fields(inst)
    steps = []
    for f in flds:
        most = min(total - 1, (f.current - f.lowest) if f.direction == "down" else (f.highest - f.current))
        if f.direction == "drop":
            most = min(total - 1, 1)
        steps.append(range(0, most + 1))
    for amounts in itertools.product(*steps):
        if sum(amounts) >= total:
            continue
        changes = []
        for f, a in zip(flds, amounts):
            if a:
                value = f.current - a if f.direction in ("down", "drop") else f.current + a
                changes.append(Change(f, value))
        yield changes


@pytest.mark.parametrize("name", ["fixed-day", "two-conflicts", "pin-charge-off", "mix-at-most", "pin-charges"])
def test_least_change_holds_and_no_smaller_one_does(name):
    path = FIXED_DAY if name == "fixed-day" else INFEASIBLE / f"{name}.yaml"
    inst = instance(path)
    diag = diagnose(inst, CheckSettings(suggestions=False, shortfall=False))
    corr = diag.correction
    assert corr is not None and corr.status == "optimal" and corr.holds == "feasible"
    assert corr.total == sum(c.cost for c in corr.changes) == corr.bound
    assert _holds(apply(inst.scenario, corr.changes)) == Status.FEASIBLE
    tried = 0
    for changes in _smaller(inst, corr.total):
        assert _holds(apply(inst.scenario, changes)) == Status.INFEASIBLE, changes
        tried += 1
    assert tried >= 1


def test_least_change_in_words_and_the_quota_that_holds():
    inst = instance(FIXED_DAY)
    diag = diagnose(inst)
    text = flat(explain_diagnosis(inst, diag, "en"))
    assert "The least change that makes it hold (total change 1; proven: no smaller change does)" in text
    (q,) = diag.quotas
    assert (q.rule, q.asked, q.largest) == ("hai-buoi-moi-thang", 2, 1)
    assert len({m for m, *_ in q.short}) == 6
    assert "the largest value every member can meet is 1 a month (asked: 2)" in text
    assert "At 2, 6 members fall short" in text
    vi = flat(explain_diagnosis(inst, diag, "vi"))
    assert "mức cao nhất mọi đồng chí đều đạt được là 1 mỗi tháng" in vi


def test_keeping_the_rule_and_the_day_limit_the_least_change_spreads_the_meetings():
    """--keep the quota and one meeting a day: the least change widens some cells' flex instead."""
    inst = instance(FIXED_DAY)
    weights = (("hai-buoi-moi-thang", 10), ("meetings_per_day", 10))
    diag = diagnose(inst, CheckSettings(weights=weights, suggestions=False, shortfall=False))
    corr = diag.correction
    assert corr.status == "optimal" and corr.holds == "feasible" and corr.total == 3
    assert all(c.field.weight == 1 for c in corr.changes)  # nothing kept is changed
    assert any(c.field.path[0] == "unit" for c in corr.changes)
    assert _holds(apply(inst.scenario, corr.changes)) == Status.FEASIBLE
    text = flat(explain_diagnosis(inst, diag, "en"))
    assert "the meeting of Chi bộ thôn" in text and "flex" in text


def test_the_quota_that_holds_once_the_other_conflict_is_corrected():
    """Two conflicts: no value of moi-quy alone makes the scenario hold; with the least change's other change
    made (hai-buoi or the day limit), 0 a quarter is the largest, and Nông Thị Lan falls short at 1."""
    diag = diagnose(instance(TWO))
    q = next(q for q in diag.quotas if q.rule == "moi-quy")
    assert (q.asked, q.largest, q.with_other_changes) == (1, 0, True)
    assert {m for m, *_ in q.short} == {"uv-2"}
    assert "once the other changes of the least change are made" in flat(explain_diagnosis(instance(TWO), diag))


def test_a_quota_counted_in_charge_against_one_member_a_cell():
    """Two members asking two meetings a month at the cells in charge, three cells with one member each: the
    smallest conflict is both members' month and the three cells, said with the count behind it."""
    path = INFEASIBLE / "in-charge-quota.yaml"
    inst = instance(path)
    diag = diagnose(inst)
    assert diag.kind == "smallest" and len(diag.core) == 5
    assert {(k.family, k.extra) for k in diag.core} == {("attendance", ""), ("responsibility", "per_unit")}
    text = flat(explain_diagnosis(inst, diag, "en"))
    assert "asking 2 meetings in their month need 4 charges in all" in text
    assert "allows at most 1 member in charge of each of these 3 residential cells (3 charges)" in text
    assert "At 2, 1 member falls short" in text
    vi = flat(explain_diagnosis(inst, diag, "vi"))
    assert "cần tổng cộng 4 lượt phụ trách" in vi
    assert [(c.field.name, c.value) for c in diag.correction.changes] == [("hai-buoi.at_least", 1)]


# ---------------------------------------------------------------------------------------------- command line
def test_check_all_lists_every_conflict():
    result = run("check", TWO, "--all", "--max", "5", "--no-suggest")
    assert result.exit_code == 3, result.output
    text = flat(result.output)
    assert "Every distinct conflict (2 found" in text
    assert "smallest conflict (proven)" in text


def test_check_keep_is_checked():
    result = run("check", TWO, "--keep", "moi-quy=x")
    assert result.exit_code == 2 and "--keep" in result.output
    result = run("check", TWO, "--keep", "moi-quy=5", "--no-suggest")
    assert result.exit_code == 3 and "weight" in result.output


def test_check_out_writes_the_report_and_the_corrected_plan(tmp_path):
    from docx import Document
    from openpyxl import load_workbook

    out = tmp_path / "report"
    result = run("check", FIXED_DAY, "--all", "--out", out, "--time-limit", "2", "--lang", "vi")
    assert result.exit_code == 3, result.output
    names = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()}
    assert {"conflicts.xlsx", "bao-cao-kha-nang-thuc-hien.docx", "explanation.txt"} <= names
    assert {"corrected/scenario.yaml", "corrected/charges.csv", "corrected/summary.json"} <= names
    wb = load_workbook(out / "conflicts.xlsx")
    assert wb.sheetnames == ["Mâu thuẫn", "Chi tiết", "Điều chỉnh ít nhất", "Chỉ tiêu"]
    assert wb["Mâu thuẫn"].cell(2, 6).value == 72
    doc = Document(io.BytesIO((out / "bao-cao-kha-nang-thuc-hien.docx").read_bytes()))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "BÁO CÁO KHẢ NĂNG THỰC HIỆN" in text and "PHƯƠNG ÁN ĐIỀU CHỈNH ÍT NHẤT" in text
    assert "at_least 2 → 1" in text
    assert run("verify", out / "corrected" / "scenario.yaml", out / "corrected").exit_code == 0
