"""The one CP-SAT driver: no wall-clock limit in a deterministic run, whatever the search, and interrupts."""

from __future__ import annotations

import math

import pytest
from ortools.sat.python import cp_model

from planner.checks.diagnose import CheckSettings, diagnose
from planner.instance import Instance
from planner.io import load_scenario
from planner.search import driver
from planner.search.driver import SearchParams
from planner.search.solving import Settings, solve
from tests.conftest import SCENARIOS


class _Spy(cp_model.CpSolver):
    """A CpSolver that records the wall-time limit and the deterministic limit of every search it runs."""

    seen: list[tuple[float, float]] = []

    def solve(self, model, callback=None):  # noqa: D102 - the recorder
        _Spy.seen.append((self.parameters.max_time_in_seconds, self.parameters.max_deterministic_time))
        return super().solve(model, callback)


@pytest.fixture
def spy(monkeypatch):
    _Spy.seen = []
    monkeypatch.setattr(driver.cp_model, "CpSolver", _Spy)
    return _Spy.seen


def test_deterministic_parameters_hold_no_wall_clock_limit():
    for params in (
        Settings().search(),
        Settings(time_limit=3).search(workers=1, limit=0.5),
        CheckSettings().search(2.0),
        CheckSettings().search(2.0, workers=2, linearization=None),
        SearchParams(limit=1e-9),
    ):
        p = params.parameters()
        assert "max_time_in_seconds" not in p and p["max_deterministic_time"] > 0, p
        assert p["catch_sigint_signal"] is False
    assert SearchParams(limit=4, workers=2).parameters()["interleave_search"] is True
    wall = SearchParams(limit=4, deterministic=False).parameters()
    assert wall["max_time_in_seconds"] == 4 and "max_deterministic_time" not in wall


def test_no_search_of_a_solve_or_a_diagnosis_is_stopped_by_the_clock(spy):
    """Every search a solve makes (window, completions, charge proposals, the full model) and every search of
    a diagnosis runs with CP-SAT's default wall limit (none): a slow or busy machine takes longer but cannot
    change where any of them stops (it once stopped sub-searches at max(60 s, 20 × their budget), unflagged)."""
    inst = Instance(load_scenario(SCENARIOS / "tuong-duong-2026.yaml"))
    result = solve(inst, Settings(time_limit=2))
    assert result.plan is not None and result.summary.extra["reproducible"] is True
    infeasible = Instance(load_scenario(SCENARIOS / "fixed-day-quota-check.yaml"))
    diagnose(infeasible, CheckSettings(time_limit=2, suggest_limit=2))
    assert len(spy) > 5
    assert all(math.isinf(wall) and 0 < det < math.inf for wall, det in spy), spy
