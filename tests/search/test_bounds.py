"""The term-by-term bound on the whole scenario (`planner.bounds`): exact values on tiny cases, and on random
small scenarios never below the proven optimum (found by CP-SAT on the full model, without this bound)."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from ortools.sat.python import cp_model

from planner.instance import Instance
from planner.model import build_model
from planner.scenario import Scenario
from planner.search.bounds import least_shift, least_visits, reward_upper_bound, term_bound
from tests.model.test_model_rules import base, member, unit
from tests.test_properties import instance_of, scenarios


def inst_of(data: dict[str, Any]) -> Instance:
    return Instance(Scenario.model_validate(data))


CELLS_QUARTERLY = {"id": "q", "members": {}, "units": {"kind": "residential"}, "per": "quarter", "at_least": 2}
COMMITTEE_MONTHLY = {"id": "m", "members": {}, "units": {"ids": ["dx"]}, "per": "month", "at_least": 1}
CELLS_MONTHLY = {"id": "c", "members": {}, "units": {"kind": "residential"}, "per": "month", "at_least": 1}


def with_committee_meeting(data: dict[str, Any]) -> dict[str, Any]:
    unit(data, "dx")["meeting"] = {"day": 20}
    return data


def test_least_visits_adds_rules_over_disjoint_units():
    # March is in Q1 and April in Q2, so "2 a quarter" is prorated to 1 + 1; the committee rule asks 1 a month
    # at other units: 2 + 2 per member, 2 members
    data = with_committee_meeting(base(attendance=[CELLS_QUARTERLY, COMMITTEE_MONTHLY]))
    assert least_visits(inst_of(data)) == 2 * (2 + 2)


def test_least_visits_takes_the_larger_of_rules_over_the_same_units():
    # "1 a month at a cell" (2) and "2 a quarter at a cell" (prorated 1 + 1 = 2) count the same attendances
    data = base(attendance=[CELLS_MONTHLY, {**CELLS_QUARTERLY, "at_least": 3}])  # 3 a quarter: 1 + 1 prorated
    assert least_visits(inst_of(data)) == 2 * 2
    data = base(attendance=[CELLS_MONTHLY, {**CELLS_QUARTERLY, "at_least": 6}])  # 6 a quarter: 2 + 2
    assert least_visits(inst_of(data)) == 2 * 4


def test_least_visits_counts_disjoint_includings_beyond_the_rule_total():
    # 1 a month at the committee or a cell, of which 1 at the committee and 1 at a cell: 2 a month
    rule = {
        "id": "mix",
        "members": {"ids": ["m1"]},
        "units": {"ids": ["dx", "c1", "c2"]},
        "per": "month",
        "at_least": 1,
        "including": [{"units": {"ids": ["dx"]}, "at_least": 1}, {"units": {"kind": "residential"}, "at_least": 1}],
    }
    data = with_committee_meeting(base(attendance=[rule]))
    assert least_visits(inst_of(data)) == 2 * 2


def test_least_visits_takes_coverage_when_it_asks_more_than_the_quotas():
    # quotas: m1 once a month at a cell (2); coverage: each cell twice a month (2 cells × 2 months × 2 = 8),
    # and a second, weaker coverage rule on c1 that adds nothing
    data = base(
        attendance=[{**CELLS_MONTHLY, "members": {"ids": ["m1"]}}],
        coverage=[
            {"id": "k", "units": {"kind": "residential"}, "by": {}, "per": "month", "at_least": 2},
            {"id": "k1", "units": {"ids": ["c1"]}, "by": {}, "per": "month", "at_least": 1},
        ],
    )
    assert least_visits(inst_of(data)) == 8
    data["coverage"][0]["at_least"] = 0
    assert least_visits(inst_of(data)) == 2  # the quotas (2) against coverage of c1 only (2): 2


def test_reward_bound_is_the_best_charges_the_rules_allow():
    # both members live in c1; one member per cell: one residence reward (10); c2 goes to the other, whose
    # sector (school) matches c2: 6
    data = base(
        responsibility=[
            {"id": "r", "units": {"kind": "residential"}, "per_unit": {"min": 1, "max": 1}, "per_member": {"max": 1}}
        ]
    )
    member(data, "m1")["residence"] = "c1"
    member(data, "m2")["residence"] = "c1"
    member(data, "m2")["sectors"] = ["school"]
    unit(data, "c2")["kind"] = "school"
    data["responsibility"][0]["units"] = {"ids": ["c1", "c2"]}
    assert reward_upper_bound(inst_of(data)) == 10 + 6


def test_reward_bound_is_none_when_no_charges_fit():
    data = base(
        responsibility=[{"id": "r", "units": {"ids": ["c1", "c2"]}, "per_unit": {"min": 2}, "per_member": {"max": 0}}]
    )
    assert reward_upper_bound(inst_of(data)) is None


def test_least_shift_counts_meetings_that_cannot_keep_their_day():
    # c1 meets on the 5th, flex 1; March 5 is closed: every March meeting is at least 1 day off, April's none
    data = base()
    unit(data, "c1")["meeting"] = {"day": 5, "flex": 1}
    unit(data, "c1")["closed"] = ["2026-03-05"]
    assert least_shift(inst_of(data)) == 1


def test_term_bound_adds_the_terms_with_their_weights():
    data = base(attendance=[CELLS_MONTHLY], weights={"visit": 3, "shift": 2})
    unit(data, "c1")["meeting"] = {"day": 5, "flex": 1}
    unit(data, "c1")["closed"] = ["2026-03-05"]
    tb = term_bound(inst_of(data))
    assert (tb.reward, tb.visits, tb.shift) == (0, 4, 1)
    assert tb.bound == -(3 * 4 + 2 * 1)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_term_bound_is_never_below_the_optimum(data: dict[str, Any]) -> None:
    inst = instance_of(data)
    optimum = proven_optimum(build_model(inst).model)
    tb = term_bound(inst)
    if optimum is not None:
        assert tb.bound is not None
        assert tb.bound >= optimum - 1e-6


def proven_optimum(model: cp_model.CpModel) -> float | None:
    """The model's optimum as CP-SAT proves it (one worker, 5 deterministic seconds), or None if not proven."""
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = 5
    return solver.objective_value if solver.solve(model) == cp_model.OPTIMAL else None
