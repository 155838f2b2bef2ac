"""HiGHS's root node as the first plan (`planner.search.highs`): it finds the optimum of small models, its plan
is checked constraint by constraint before it is used, a balance maximum it left loose is made exact, and the
solve reports it (its plan, its bound, its time) without ever claiming more than CP-SAT or a bound proves."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from ortools.sat.python import cp_model

import planner.search.highs as highs
from planner.checks.verify import verify
from planner.model import build_model
from planner.search.driver import request_stop, reset_stop
from planner.search.highs import Assignment, exact_maxima, highs_root, holds, plan_values
from planner.search.solving import STARTS, Settings, extract_plan, solve
from tests.model.test_model_rules import base, unit
from tests.search.test_bounds import CELLS_MONTHLY, inst_of, proven_optimum
from tests.test_properties import instance_of, scenarios


def tiny() -> Any:
    # two members, cells monthly in March and April (4 visits at least, weight 3), one March day closed
    # (1 day of shift at least, weight 2): the best plan is worth −(3·4 + 2·1) = −14
    data = base(attendance=[CELLS_MONTHLY], weights={"visit": 3, "shift": 2})
    unit(data, "c1")["meeting"] = {"day": 5, "flex": 1}
    unit(data, "c1")["closed"] = ["2026-03-05"]
    return inst_of(data)


def test_the_root_node_finds_and_proves_the_optimum_of_a_tiny_case():
    inst = tiny()
    built = build_model(inst)
    root = highs_root(built.model)
    assert root is not None and (root.objective, root.bound) == (-14, -14.0) and not root.timed_out
    found = plan_values(built.model, root)
    assert found is not None
    plan = extract_plan(inst, built, found.boolean_value)
    report = verify(inst, plan)
    assert report.ok and report.objective == -14


def test_a_loose_maximum_is_made_exact_and_a_broken_assignment_is_refused():
    model = cp_model.CpModel()
    x, y = model.new_int_var(0, 5, "x"), model.new_int_var(0, 5, "y")
    most, pick = model.new_int_var(0, 10, "most"), model.new_bool_var("pick")
    model.add_max_equality(most, [x, y])
    model.add(x + y == 4)
    model.add_exactly_one([pick])
    loose = (1, 3, 7, 1)  # most = 7 above max(1, 3): what the LP reading allows
    exact = exact_maxima(model.proto, loose)
    assert exact == [1, 3, 3, 1]
    assert holds(model.proto, exact) and not holds(model.proto, list(loose))
    assert not holds(model.proto, [1, 3, 3, 0])  # the exactly-one broken
    assert not holds(model.proto, [2, 3, 3, 1])  # x + y == 4 broken
    assert Assignment(exact).value(2 * most - x + 1) == 6 and Assignment(exact).boolean_value(~pick) is False


def test_the_solve_reports_the_root_node_and_starts_from_it():
    s = solve(tiny(), Settings(time_limit=5, workers=1, highs=True)).summary
    assert s.status == "optimal" and s.objective == -14
    assert s.extra["highs"] == {"status": "Optimal", "objective": -14, "bound": -14.0}
    assert s.extra["bounds"]["highs"] == -14.0 and s.extra["settings"]["highs"] is True
    assert "highs_seconds" in s.extra and s.extra["reproducible"] is True


def test_without_highs_or_above_its_size_the_solve_is_cp_sat_alone(monkeypatch):
    alone = solve(tiny(), Settings(time_limit=5, workers=1, **STARTS["charges"])).summary
    assert "highs" not in alone.extra and "highs" not in alone.extra["bounds"] and alone.objective == -14
    monkeypatch.setattr(highs, "MAX_COLUMNS", 10)
    assert highs_root(build_model(tiny()).model) is None
    large = solve(tiny(), Settings(time_limit=5, workers=1, highs=True)).summary
    assert "highs" not in large.extra and large.objective == -14


def test_highs_plan_counts_even_when_cp_sat_has_no_time_left():
    """CP-SAT with almost no work to spend: the plan is HiGHS's, not proven beyond what the bounds say."""
    s = solve(tiny(), Settings(time_limit=0.001, workers=1, highs=True)).summary
    assert s.objective == -14 and s.bound == -14.0 and s.status == "optimal"


def test_a_stop_requested_skips_the_root_node():
    request_stop()
    try:
        assert highs_root(build_model(tiny()).model) is None
    finally:
        reset_stop()


def test_a_run_ended_by_the_safety_net_is_not_reproducible(monkeypatch):
    monkeypatch.setattr(highs, "SAFETY_SECONDS", 0.0)
    s = solve(tiny(), Settings(time_limit=5, workers=1, highs=True, rounding=False)).summary
    assert s.extra["highs"] == {"status": "Time limit reached", "objective": None, "bound": None}
    assert s.extra["reproducible"] is False
    assert s.objective == -14  # CP-SAT's plan (from the charges-first warm start)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_the_root_node_never_claims_more_than_the_optimum(data: dict[str, Any]) -> None:
    inst = instance_of(data)
    built = build_model(inst)
    optimum = proven_optimum(built.model)
    root = highs_root(built.model)
    if optimum is None or root is None:
        return
    if root.bound is not None:
        assert root.bound >= optimum - 1e-6
    found = plan_values(built.model, root)
    if found is not None:  # a plan HiGHS found is a plan: verify passes, its worth at most the optimum
        report = verify(inst, extract_plan(inst, built, found.boolean_value))
        assert report.ok and report.objective <= optimum + 1e-6


@pytest.mark.parametrize("seed", [0, 7])
def test_the_root_node_is_reproducible(seed):
    a, b = (highs_root(build_model(tiny()).model, seed) for _ in range(2))
    assert a is not None and b is not None and (a.values, a.objective, a.bound) == (b.values, b.objective, b.bound)


def test_solve_command_starts_where_told(tmp_path):
    """--start lp (the default): the LP's rounded plan; highs: HiGHS's root node; charges: neither."""
    import json

    from click.testing import CliRunner

    from planner.cli import main
    from tests.conftest import SCENARIOS

    runner = CliRunner()
    scenario = str(SCENARIOS / "hau-giang-2026.yaml")
    summaries = {}
    for start in ("", "highs", "charges"):
        out = tmp_path / (start or "default")
        r = runner.invoke(
            main,
            ["solve", scenario, "--out", str(out), "-q", "--format", "csv"] + (["--start", start] if start else []),
        )
        assert r.exit_code == 0, r.output
        summaries[start] = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    lp, on, off = summaries[""], summaries["highs"], summaries["charges"]
    assert lp["rounding"]["objective"] == -184 and "highs" not in lp and lp["settings"]["rounding"] is True
    assert on["highs"]["objective"] == -184 and on["settings"]["highs"] is True and "highs_seconds" in on
    assert "rounding" not in on  # HiGHS gave the start: no rounding needed
    assert "highs" not in off and "rounding" not in off
    assert off["settings"]["highs"] is False and off["settings"]["rounding"] is False
    assert lp["status"] == on["status"] == off["status"] == "optimal"
    assert lp["objective"] == on["objective"] == off["objective"] == -184
    bad = runner.invoke(main, ["solve", scenario, "--out", str(tmp_path / "bad"), "--start", "mip"])
    assert bad.exit_code == 2 and "--start" in bad.output


def test_no_wall_clock_limit_decides_the_root_node(monkeypatch):
    """The root node stops by work (no node beyond the root, no restart); the one clock limit is a safety net
    that a 25× slower machine does not reach on the longest root measured (Tương Dương, about 50 s idle)."""
    import planner.search.lp_bound as lp

    seen: dict[str, object] = {}
    real = lp.highs_instance

    def recording(*args, **kwargs):
        h = real(*args, **kwargs)
        original = h.setOptionValue

        def set_option(name, value):
            seen[name] = value
            return original(name, value)

        h.setOptionValue = set_option
        return h

    monkeypatch.setattr(highs, "highs_instance", recording)
    assert highs_root(build_model(tiny()).model) is not None
    assert seen["mip_max_nodes"] == 1 and seen["mip_allow_restart"] is False and seen["mip_rel_gap"] == 0.0
    assert seen["time_limit"] == highs.SAFETY_SECONDS >= 25 * 50
