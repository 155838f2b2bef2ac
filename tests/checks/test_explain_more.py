"""Explanations a committee can act on (issue 16), continued: fewer solves (plans found earlier reused, the least
change's single steps, the known conflict as the first of every conflict), the least change of flex_when, work
teams and apart_from, the words when nothing the check relaxes makes it hold, and `check --out` on a scenario
that holds."""

from __future__ import annotations

import functools
import io
from pathlib import Path

from click.testing import CliRunner

from planner.checks.correction import Change, apply, correct, fields
from planner.checks.diagnose import Budget, CheckSettings, GuardedModel, StoredSolution, decide, diagnose
from planner.checks.explain import explain_diagnosis, nothing_holds, quota_lines
from planner.checks.mus import conflicts
from planner.checks.words import Words
from planner.cli import main
from planner.instance import Instance
from planner.io import load_scenario
from planner.model.context import RuleKey
from planner.status import Status
from tests.checks.test_diagnose import INFEASIBLE, flat

QUICK = CheckSettings(suggestions=False, shortfall=False, correction=False)
IN_CHARGE = INFEASIBLE / "in-charge-quota.yaml"
FLEX_WHEN = INFEASIBLE / "flex-when-blocked.yaml"
APART = INFEASIBLE / "apart-from.yaml"
TEAM = INFEASIBLE / "team-per-team.yaml"


@functools.cache
def instance(path: Path) -> Instance:
    return Instance(load_scenario(path))


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def _holds(scenario) -> Status:
    status, _, _ = decide(Instance(scenario), CheckSettings(), Budget(10.0))
    return status


# ---------------------------------------------------------------------------------------------- fewer solves
def test_a_plan_found_earlier_proves_a_set_feasible_without_a_solve_and_never_a_conflict():
    inst = instance(IN_CHARGE)
    diag = diagnose(inst, QUICK)
    gm = GuardedModel(inst)
    core = sorted(diag.core, key=gm.order.__getitem__)
    assert gm.witness(core[1:]) is None  # nothing found yet
    status, _, first = gm.solve(core[1:], QUICK, Budget(10.0), 2)
    assert status == Status.FEASIBLE and len(gm.plans) == 1
    solves = Budget(10.0)
    status, _, again = gm.solve(core[1:], QUICK, solves, 2)
    assert status == Status.FEASIBLE and isinstance(again, StoredSolution) and solves.solves == 0
    assert gm.reused == 1
    status, _, _ = gm.solve(core, QUICK, solves, 2)  # the conflict: no plan found earlier may pass for it
    assert status == Status.INFEASIBLE and solves.solves == 1


def test_the_least_change_tries_the_conflicts_single_steps_first():
    """A single step of a rule in the conflict makes it hold: found by one short search, proven least (nothing
    costs less than one step), and its plan is the check anew; the suggestions reuse it."""
    inst = instance(IN_CHARGE)
    diag = diagnose(inst, QUICK)
    budget = Budget(10.0)
    corr = correct(inst, CheckSettings(), budget, core=diag.core)
    assert corr.status == Status.OPTIMAL and corr.total == corr.bound == 1 and corr.holds == Status.FEASIBLE
    assert [(c.field.name, c.value) for c in corr.changes] == [("hai-buoi.at_least", 1)]
    assert corr.tried[("attendance", "hai-buoi", "at_least"), 1] == Status.FEASIBLE
    assert budget.solves <= 2  # one short search (the model of every change was not needed)
    full = diagnose(inst, CheckSettings(shortfall=False))
    sug = next(s for s in full.suggestions if (s.rule, s.field) == ("hai-buoi", "at_least"))
    assert sug.found and sug.value == 1


def test_the_known_conflict_is_the_first_of_the_enumeration():
    inst = instance(IN_CHARGE)
    diag = diagnose(inst, QUICK)
    settings = CheckSettings(all_conflicts=True, suggestions=False, shortfall=False, correction=False)
    gm, budget = GuardedModel(inst), Budget(20.0)
    known = conflicts(gm, settings, budget, known=diag.core)
    gm2, budget2 = GuardedModel(inst), Budget(20.0)
    fresh = conflicts(gm2, settings, budget2)
    assert sorted(map(sorted, known.conflicts[0].instances[:1])) == [sorted(diag.core)]
    assert [c.signature for c in known.conflicts] == [c.signature for c in fresh.conflicts]
    assert budget.solves < budget2.solves


# ---------------------------------------------------------------------------------------------- least change
def test_flex_when_blocked_becomes_always_when_that_is_what_makes_it_hold():
    inst = instance(FLEX_WHEN)
    weights = (("hai-buoi", 10), ("meetings_per_day", 10))
    diag = diagnose(inst, CheckSettings(weights=weights, suggestions=False, shortfall=False))
    corr = diag.correction
    assert corr.status == Status.OPTIMAL and corr.total == 1 and corr.holds == Status.FEASIBLE
    (ch,) = corr.changes
    assert ch.field.path[0] == "unit" and ch.field.path[2] == "flex_when" and ch.value == 1
    changed = apply(inst.scenario, corr.changes)
    assert changed.units[inst.unit_order[ch.field.path[1]]].meeting.flex_when == "always"
    assert _holds(changed) == Status.FEASIBLE
    # a wider flex alone does not do it: on a 5th that is not blocked, both cells still meet on the 5th
    wider = [
        Change(f, f.highest)
        for f in fields(inst)
        if f.path[0] == "unit" and f.path[1] == ch.field.path[1] and f.path[2].startswith("flex.")
    ]
    assert _holds(apply(inst.scenario, wider)) == Status.INFEASIBLE
    text = flat(explain_diagnosis(inst, diag, "en"))
    assert "flex_when blocked → always" in text
    assert "flex_when blocked → always" in flat(explain_diagnosis(inst, diag, "vi"))


def test_apart_from_is_dropped_and_a_work_teams_per_team_moves():
    inst = instance(APART)
    diag = diagnose(inst, CheckSettings(suggestions=False, shortfall=False))
    assert diag.kind == "smallest" and {k.family for k in diag.core} == {"apart-from"}
    corr = diag.correction
    assert corr.status == Status.OPTIMAL and corr.total == 1
    assert [c.field.path[0] for c in corr.changes] == ["apart"]
    changed = apply(inst.scenario, corr.changes)
    assert all(not u.apart_from for u in changed.units) and _holds(changed) == Status.FEASIBLE
    assert "drop apart_from between" in flat(explain_diagnosis(inst, diag, "en"))

    inst = instance(TEAM)
    diag = diagnose(inst, CheckSettings(suggestions=False, shortfall=False))
    corr = diag.correction
    assert corr.status == Status.OPTIMAL and corr.total == 1
    assert [(c.field.name, c.value) for c in corr.changes] == [("teams[to-1].per_team.min", 1)]
    assert _holds(apply(inst.scenario, corr.changes)) == Status.FEASIBLE
    assert "work team Tổ công tác số 1: per_team.min 2 → 1" in flat(explain_diagnosis(inst, diag, "en"))


def test_when_nothing_relaxed_makes_it_hold_the_words_name_what_stands():
    w = Words(instance(TEAM), "en")
    team = nothing_holds(w, [RuleKey("team", "to-1", "to-1", extra="together")])
    assert "work team's members take charge together (to-1)" in team and "calendar" not in team
    who = nothing_holds(w, [RuleKey("team", "to-1", "to-1", extra="per_team"), RuleKey("fixed", "fixed", "uv-1")])
    assert "who may take charge of what" in who and "calendar" not in who
    cal = nothing_holds(w, [RuleKey("unavailable", "unavailable", "uv-1", "2026-01-05", "thon-1")])
    assert "the calendar itself must change" in cal
    assert "flex_when" in cal and "apart_from" in cal  # what was tried is said
    vi = nothing_holds(Words(instance(TEAM), "vi"), [RuleKey("team", "to-1", "to-1", extra="together")])
    assert "tổ công tác phụ trách cùng nhau" in vi and "lịch họp (ngày" not in vi


def test_who_falls_short_says_when_it_is_only_the_best_found():
    from planner.checks.correction import QuotaLimit

    w = Words(instance(IN_CHARGE), "en")
    q = QuotaLimit("hai-buoi", "at_least", 2, 1, True, [("uv-1", "2026-01", 2, 1)], True, False, False)
    assert "not proven least" in flat("\n".join(quota_lines(w, q)))
    q.shortfall_proven = True
    assert "(least total shortfall)" in flat("\n".join(quota_lines(w, q)))


# ---------------------------------------------------------------------------------------------- check --out
HOLDS = """
name: Xã Thử Nghiệm — khả thi
year: 2026
units:
  - {id: dang-uy, name: Đảng ủy xã Thử Nghiệm, kind: commune_committee, level: commune, meeting: {day: 25}}
  - {id: thon-1, name: Chi bộ thôn Nà Lầu, kind: residential, parent: dang-uy, meeting: {day: 5, flex: 2}}
members:
  - {id: uv-1, name: Hoàng Văn Minh, committee: dang-uy, roles: [secretary, standing]}
responsibility:
  - {id: phu-trach, members: {committee: dang-uy}, units: {kind: residential}}
attendance:
  - {id: moi-quy, members: {committee: dang-uy}, units: {kind: residential}, per: quarter, at_least: 1}
"""


def _docx_text(path: Path) -> str:
    from docx import Document

    doc = Document(io.BytesIO(path.read_bytes()))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_check_out_on_a_scenario_that_holds_writes_the_report_with_the_key_numbers(tmp_path):
    from openpyxl import load_workbook

    scenario = tmp_path / "holds.yaml"
    scenario.write_text(HOLDS, encoding="utf-8")
    out = tmp_path / "out"
    result = run("check", scenario, "--out", out, "--time-limit", "2", "--lang", "en")
    assert result.exit_code == 0, result.output
    names = {p.name for p in out.iterdir()}
    assert {"charges.csv", "summary.json", "plan.xlsx", "conflicts.xlsx", "bao-cao-kha-nang-thuc-hien.docx"} <= names
    text = _docx_text(out / "bao-cao-kha-nang-thuc-hien.docx")
    assert "FEASIBILITY REPORT" in text and "The rules can all hold" in text and "KEY NUMBERS" in text
    assert "BÁO CÁO" not in text
    wb = load_workbook(out / "conflicts.xlsx")
    assert wb.sheetnames == ["Verdict", "Members"]
    numbers = {r[0]: r[1] for r in wb["Verdict"].iter_rows(min_row=2, values_only=True)}
    assert numbers["charges (member in charge of a unit)"] == 1 and numbers["months"] == 12
    assert numbers["attendances"] >= 4
    assert run("verify", scenario, out).exit_code == 0
    # Vietnamese, over the English one (--force)
    result = run("check", scenario, "--out", out, "--time-limit", "2", "--lang", "vi", "--force")
    assert result.exit_code == 0, result.output
    text = _docx_text(out / "bao-cao-kha-nang-thuc-hien.docx")
    assert "BÁO CÁO KHẢ NĂNG THỰC HIỆN" in text and "Các quy định có thể cùng được thực hiện" in text
    assert load_workbook(out / "conflicts.xlsx").sheetnames == ["Kết luận", "Đồng chí"]


def test_check_out_infeasible_report_in_english_and_replaced_by_a_plan(tmp_path):
    out = tmp_path / "out"
    result = run("check", TEAM, "--out", out, "--time-limit", "2", "--lang", "en")
    assert result.exit_code == 3, result.output
    text = _docx_text(out / "bao-cao-kha-nang-thuc-hien.docx")
    assert "FEASIBILITY REPORT" in text and "THE LEAST CHANGE" in text and "per_team.min 2 → 1" in text
    assert (out / "corrected" / "scenario.yaml").is_file()
    # the same directory, now for a scenario that holds: the earlier report is check's own, replaced with --force
    scenario = tmp_path / "holds.yaml"
    scenario.write_text(HOLDS, encoding="utf-8")
    result = run("check", scenario, "--out", out, "--time-limit", "2", "--force")
    assert result.exit_code == 0, result.output
    assert not (out / "corrected").exists() and (out / "charges.csv").is_file()
