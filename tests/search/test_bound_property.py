"""No reported bound is ever below a proven optimum (the objective is maximised), whatever its method.

On small random scenarios (the generator of `tests.test_properties`, with format v2's features drawn on top:
a person with two seats, a member who joins late, ``own_cell: exclude``, a meeting held in some months only,
a second quota and a coverage rule over some members only, so that demands over disjoint sets add up), the
optimum is proven by CP-SAT on the plan model *without* the redundant constraints. Then:

- the plan model *with* them has the same optimum (they cut no plan) and is feasible exactly when it is;
- each bound method — CP-SAT's (the solve's summary), the term-by-term bound, the LP bound (HiGHS) — and the
  summary's ``bound`` are at least that optimum, with the default model and with every redundant row and the
  row "objective ≤ the term-by-term bound" in it (no plan found is ever better than the optimum either);
- HiGHS, solving the same model as a MIP (`mip_optimum`, the benchmark's independent check), finds the same
  optimum.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from planner.model import build_model, redundant
from planner.model.redundant import DEFAULT_FAMILIES, REDUNDANT_FAMILIES
from planner.search import solving
from planner.search.bounds import term_bound
from planner.search.lp_bound import lp_bound, mip_optimum
from planner.search.solving import BOUND_ROW, Settings, solve
from tests.test_properties import instance_of, scenarios

QUICK = Settings(time_limit=1, workers=1, seed=0)


@st.composite
def v2_scenarios(draw: st.DrawFn) -> dict[str, Any]:
    data = draw(scenarios(mild=draw(st.booleans())))
    cells = [u["id"] for u in data["units"] if u["id"] != "dx"]
    members = data["members"]
    start = dt.date.fromisoformat(data["period"]["start"])
    rule = data["attendance"][0]
    if draw(st.booleans()):
        rule["own_cell"] = "exclude"
    if draw(st.booleans()):  # a second quota, for one member, over a few cells
        data["attendance"].append(
            {
                "id": "them",
                "members": {"ids": [members[0]["id"]]},
                "units": {"ids": draw(st.lists(st.sampled_from(cells), min_size=1, max_size=2, unique=True))},
                "per": "month",
                "at_least": draw(st.integers(0, 1)),
            }
        )
    if "coverage" in data and draw(st.booleans()):  # coverage counted for some members only
        data["coverage"][0]["by"] = {"ids": [m["id"] for m in members[1:]]}
        if draw(st.booleans()):
            data["coverage"][0]["own_cell"] = "exclude"
    if draw(st.integers(0, 2)) == 0:  # the last member joins in the window's second month
        second = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        members[-1]["active"] = {"from": second.isoformat()}
    if draw(st.integers(0, 2)) == 0:  # a cell that meets in the window's first month only
        cid = draw(st.sampled_from(cells))
        c = next(u for u in data["units"] if u["id"] == cid)
        c["meeting"]["months"] = [start.month]
    if draw(st.integers(0, 2)) == 0:  # the first member also holds a seat on the district committee
        data["units"].insert(0, {"id": "hx", "name": "Huyện ủy", "kind": "district_committee", "level": "district"})
        data["units"][1]["parent"] = "hx"
        first = members[0]
        members.append({"id": "s1", "name": first["name"], "committee": "hx", "person": first["id"]})
    return data


def proven_optimum(model: cp_model.CpModel) -> tuple[bool, float | None]:
    """(proven, optimum): CP-SAT on one worker, 5 deterministic seconds; optimum None when infeasible."""
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = 5
    code = solver.solve(model)
    if code == cp_model.OPTIMAL:
        return True, solver.objective_value
    return code == cp_model.INFEASIBLE, None


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(v2_scenarios())
def test_no_bound_is_below_a_proven_optimum(data: dict[str, Any]) -> None:
    inst = instance_of(data)
    proven, optimum = proven_optimum(build_model(inst, redundant=()).model)
    if not proven:
        return
    with_redundant = build_model(inst, redundant=REDUNDANT_FAMILIES).model
    proven_r, optimum_r = proven_optimum(with_redundant)
    if proven_r:
        assert (optimum_r is None) == (optimum is None)  # the redundant constraints cut no plan
        assert optimum_r is None or optimum is None or abs(optimum_r - optimum) < 1e-6
    event("infeasible" if optimum is None else "optimum proven")
    if optimum is None:
        return
    bounds: dict[str, float | None] = {
        "term-by-term": term_bound(inst).bound,
        "lp": lp_bound(with_redundant).bound,
        "lp, no redundant rows": lp_bound(build_model(inst, redundant=()).model).bound,
    }
    s = solve(inst, QUICK).summary  # the default model
    redundant.DEFAULT_FAMILIES, solving.BOUND_ROW = REDUNDANT_FAMILIES, True
    try:  # every redundant row and the bound's row in the plan model
        s_all = solve(inst, QUICK).summary
    finally:
        redundant.DEFAULT_FAMILIES, solving.BOUND_ROW = DEFAULT_FAMILIES, BOUND_ROW
    assert s_all.status in ("optimal", "feasible", "unknown")
    if s_all.objective is not None:
        assert s_all.objective <= optimum + 1e-6
    bounds.update({f"summary with every row {k}": b for k, b in s_all.extra["bounds"].items()})
    bounds["summary with every row"] = s_all.bound
    assert s.status in ("optimal", "feasible", "unknown")  # its rows (the bound's among them) keep every plan
    bounds.update({f"summary {k}": b for k, b in s.extra["bounds"].items()})
    bounds["summary"] = s.bound
    if s.objective is not None:
        assert s.objective <= optimum + 1e-6
    mip = mip_optimum(build_model(inst, redundant=()).model, 5.0)  # HiGHS on the same model: the same optimum
    if mip is not None and mip.status == "Optimal":
        assert mip.objective is not None and abs(mip.objective - optimum) < 1e-6
    for name, b in bounds.items():
        assert b is None or b >= optimum - 1e-6, (name, b, optimum)
    assert bounds["term-by-term"] is not None


def test_extra_parameters_reach_cp_sat_but_never_a_wall_clock_limit() -> None:
    from planner.search.driver import SearchParams

    p = SearchParams(limit=3, extra=(("symmetry_level", 3), ("max_time_in_seconds", 1.0))).parameters()
    assert p["symmetry_level"] == 3 and p["max_deterministic_time"] == 3
    assert "max_time_in_seconds" not in p
    wall = SearchParams(limit=3, deterministic=False, extra=(("symmetry_level", 3),)).parameters()
    assert wall["max_time_in_seconds"] == 3 and wall["symmetry_level"] == 3
