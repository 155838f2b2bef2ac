"""The hand-drafting baseline: its plan is checked by verify, its objective and violation count are verify's."""

from __future__ import annotations

import pytest

from planner.checks.verify import objective_terms, verify
from planner.instance import Instance
from planner.io import load_scenario
from planner.scale.generate import write
from planner.scale.greedy import greedy_plan, run_greedy
from tests.conftest import SCENARIOS

SCENARIOS = SCENARIOS


def _generated(tmp_path, preset="tiny", levels=3, seed=1, rules="yen-bai") -> Instance:
    path = tmp_path / f"{preset}-{levels}-{seed}-{rules}.yaml"
    write(path, preset, levels, seed, rules)
    return Instance(load_scenario(path))


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.stem)
def test_greedy_reports_verify_on_every_example(path):
    inst = Instance(load_scenario(path))
    g = run_greedy(inst)
    report = verify(inst, g.plan)
    assert g.violations == len(report.violations)
    assert g.summary.objective == report.objective == inst.scenario.weights.objective(objective_terms(inst, g.plan))
    assert g.summary.status == ("feasible" if report.ok else "violations")
    # whatever else it misses, the drafter holds every meeting on a possible day
    assert not [v for v in report.violations if v.family in ("meeting-missing", "meeting-date", "attendance-date")]


def test_greedy_is_feasible_on_the_yen_bai_example():
    inst = Instance(load_scenario(SCENARIOS / "yen-bai-rule-18.yaml"))
    g = run_greedy(inst)
    assert g.violations == 0, g.messages


@pytest.mark.parametrize(
    "levels,seed,rules", [(3, 1, "yen-bai"), (2, 1, "kon-tum"), (3, 1, "lang-son"), (2, 2, "lang-son")]
)
def test_greedy_plan_verifies_on_generated_tiny(tmp_path, levels, seed, rules):
    inst = _generated(tmp_path, "tiny", levels, seed, rules)
    g = run_greedy(inst)
    assert g.violations == 0, g.messages
    assert g.plan.charges and g.plan.attendance


def test_greedy_charges_follow_residence_first(tmp_path):
    inst = _generated(tmp_path, "commune", 2, 1)
    plan = greedy_plan(inst)
    report = verify(inst, plan)
    assert not [v for v in report.violations if v.family in ("charge-outside-rules", "per-unit", "per-member")]
    basis = [inst.basis(m, u) for m, u in plan.charges if inst.units[u].kind == "residential"]
    assert basis.count("residence") >= len(basis) // 3


def test_greedy_is_deterministic(tmp_path):
    inst = _generated(tmp_path, "district", 2, 4, "lang-son")
    assert greedy_plan(inst) == greedy_plan(inst)


def test_greedy_says_when_it_breaks_rules():
    # two meetings a month at cells that all meet on the 5th, one a day: no drafter can do it
    inst = Instance(load_scenario(SCENARIOS / "fixed-day-quota-check.yaml"))
    g = run_greedy(inst)
    assert g.summary.status == "violations" and g.violations > 0 and g.messages
