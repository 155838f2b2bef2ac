"""The LP's rounded plan as a first plan (`planner.search.rounding`): an integral LP is the optimum itself, a
fixing that leaves no plan gives way to fixing only the ones, every plan satisfies the model, and a solve that
starts from it reports the LP's bound without computing the LP twice."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from ortools.sat.python import cp_model

from planner.checks.verify import verify
from planner.model import build_model
from planner.search.highs import holds
from planner.search.rounding import lp_rounding
from planner.search.solving import Settings, solve
from tests.search.test_bounds import proven_optimum
from tests.search.test_highs import tiny
from tests.test_properties import instance_of, scenarios

PARAMS = Settings(time_limit=1.0).search()


def test_an_integral_lp_is_the_plan_every_variable_fixed():
    m = cp_model.CpModel()
    x, y, z = (m.new_bool_var(n) for n in "xyz")
    m.add(x + y <= 1)
    m.add(y + z <= 1)
    m.maximize(3 * x + 2 * y + 3 * z)  # the LP's vertex is x = z = 1, y = 0: integral
    r = lp_rounding(m, PARAMS)
    assert (r.bound, r.objective, r.values, r.fixed, r.free) == (6.0, 6, [1, 0, 1], 3, 0)


def test_a_fixing_with_no_plan_gives_way_to_fixing_only_the_ones():
    # an odd cycle: the LP sets x = y = z = ½ (1.5) and w = 0, where every whole plan has x + y + z ≤ 1 and so
    # needs w = 1 (2·1 + 3·w ≥ 3): w fixed at 0 leaves no plan; nothing is at 1, so nothing is fixed the second time
    m = cp_model.CpModel()
    x, y, z, w = (m.new_bool_var(n) for n in "xyzw")
    m.add(x + y <= 1)
    m.add(y + z <= 1)
    m.add(x + z <= 1)
    m.add(2 * x + 2 * y + 2 * z + 3 * w >= 3)
    m.maximize(x + y + z - 10 * w)
    r = lp_rounding(m, PARAMS)
    assert r.bound == 1.0  # ⌊1.5⌋
    assert r.values is not None and r.values[3] == 1 and sum(r.values[:3]) == 1
    assert (r.objective, r.fixed, r.free) == (-9, 0, 4)
    assert holds(m.proto, r.values)


def test_a_solve_that_starts_from_the_rounding_reports_it_and_its_lp_bound():
    inst = tiny()
    res = solve(inst, Settings(time_limit=2.0, highs=False, warm_start=False, rounding=True))
    s = res.summary
    assert res.plan is not None and verify(inst, res.plan).ok
    assert s.extra["rounding"]["bound"] == -14.0 and s.extra["settings"]["rounding"] is True
    assert (s.status, s.objective, s.bound) == ("optimal", -14, -14.0)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(scenarios(mild=True))
def test_the_rounded_plan_holds_and_its_bound_is_never_below_the_optimum(data):
    inst = instance_of(data)
    built = build_model(inst)
    r = lp_rounding(built.model, PARAMS)
    optimum = proven_optimum(build_model(inst).model)
    if r.values is not None:
        assert holds(built.model.proto, r.values)
        if r.bound is not None:
            assert r.objective is not None and r.objective <= r.bound + 1e-9
    if optimum is not None and r.bound is not None:
        assert r.bound >= optimum - 1e-6
        if r.objective is not None:
            assert r.objective <= optimum + 1e-6
