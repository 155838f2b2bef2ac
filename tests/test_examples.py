"""Every example scenario: solve, then verify the plan; the fixed-day rule check ends infeasible."""

from __future__ import annotations

import pytest

from planner.checks.verify import verify
from planner.instance import Instance
from planner.io import load_scenario
from planner.search.solving import Settings, solve
from tests.conftest import SCENARIOS

FEASIBLE = ["thuong-son-2026.yaml", "tuong-duong-2026.yaml", "yen-bai-rule-18.yaml"]


@pytest.mark.parametrize("name", FEASIBLE)
def test_example_solves_and_verifies(name):
    inst = Instance(load_scenario(SCENARIOS / name))
    result = solve(inst, Settings(time_limit=4))
    assert result.summary.status in ("optimal", "feasible")
    report = verify(inst, result.plan)
    assert report.ok, [str(v) for v in report.violations]
    assert report.objective == result.summary.objective
    assert report.terms == result.summary.terms
    s = result.summary
    assert s.bound is None or s.bound >= s.objective  # maximised: the bound is never below the plan
    if s.status == "optimal":
        assert s.gap == 0
    if s.bound is not None:
        assert s.gap == pytest.approx(abs(s.bound - s.objective) / max(1, abs(s.objective)))


def test_thuong_son_known_optimum():
    """Thượng Sơn: 18 cells, 15 members; the optimum is −158 (proven by CP-SAT, reproduced by every run)."""
    inst = Instance(load_scenario(SCENARIOS / "thuong-son-2026.yaml"))
    result = solve(inst, Settings(time_limit=20))
    assert result.summary.status == "optimal"
    assert result.summary.objective == -158


def test_fixed_day_example_is_infeasible():
    inst = Instance(load_scenario(SCENARIOS / "fixed-day-quota-check.yaml"))
    result = solve(inst, Settings(time_limit=5))
    assert result.summary.status == "infeasible"
    assert result.plan is None
