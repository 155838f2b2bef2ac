"""The redundant constraints (`planner.model.redundant`): exact values on tiny cases, and never a plan cut.

Each redundant row must hold for every plan: the tiny scenarios below are solved with and without them and
give the same optimum (a feasible scenario stays feasible); the rows themselves are checked on hand-made values
(the balance rounding rejects a "most" below ⌈V/n⌉), and the visit demands are worked out by hand.
"""

from __future__ import annotations

from typing import Any

from ortools.sat.python import cp_model

from planner.instance import Instance
from planner.model import build_model, redundant
from planner.model.redundant import (
    REDUNDANT_FAMILIES,
    add_balance_rounding,
    add_least_visits,
    balance_visits,
    least_visits,
    quota_free_coverage,
    rule_need,
)
from planner.scenario import Scenario
from planner.search.bounds import least_balance_cost, term_bound
from tests.model.test_format_v2 import two_seats
from tests.model.test_model_rules import base, member, unit


def inst_of(data: dict[str, Any]) -> Instance:
    return Instance(Scenario.model_validate(data))


def monthly(units: list[str], members: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    sel = {"ids": members} if members is not None else {}
    return {"members": sel, "units": {"ids": units}, "per": "month", "at_least": 1, **extra}


def coverage(units: list[str], by: list[str], at_least: int = 1, **extra: Any) -> dict[str, Any]:
    return {"units": {"ids": units}, "by": {"ids": by}, "per": "month", "at_least": at_least, **extra}


def optimum(inst: Instance, redundant) -> float | None:
    """The proven optimum of the plan model with these redundant families (None: infeasible)."""
    model = build_model(inst, redundant=redundant).model
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = 5
    code = solver.solve(model)
    assert code in (cp_model.OPTIMAL, cp_model.INFEASIBLE), solver.status_name(code)
    return solver.objective_value if code == cp_model.OPTIMAL else None


def same_optimum(data: dict[str, Any]) -> float | None:
    inst = inst_of(data)
    without = optimum(inst, ())
    for families in (REDUNDANT_FAMILIES, *((f,) for f in REDUNDANT_FAMILIES)):
        got = optimum(inst, families)
        assert (got is None) == (without is None)
        assert got is None or without is None or abs(got - without) < 1e-6
    return None if without is None else round(without)


def added_rows(inst: Instance, family) -> list:
    """The constraints a family adds to the plan model (those after the model without it)."""
    plain = len(build_model(inst, redundant=()).model.proto.constraints)
    built = build_model(inst, redundant=(family,))
    return list(built.model.proto.constraints)[plain:], built


def holds(ct, values: dict[int, int]) -> bool:
    """A linear constraint of the proto on the given values of its variables."""
    lin = ct.linear
    total = sum(c * (values[v] if v >= 0 else -values[-v - 1]) for v, c in zip(lin.vars, lin.coeffs))
    dom = list(lin.domain)
    return any(lo <= total <= hi for lo, hi in zip(dom[::2], dom[1::2]))


# ======================================================================================== least visits
def test_coverage_of_units_no_quota_counts_adds_to_the_quotas() -> None:
    # m1 must attend c1 monthly (2); c2 needs a visit a month by m2, whose quotas count nothing at c2 (2)
    data = base(attendance=[monthly(["c1"], ["m1"])], coverage=[coverage(["c2"], ["m2"])])
    inst = inst_of(data)
    assert quota_free_coverage(inst) == 2
    assert least_visits(inst) == 2 + 2
    assert same_optimum(data) == -4


def test_coverage_of_a_unit_a_counted_member_may_count_does_not_add() -> None:
    # the coverage of c1 by m1 may be met by m1's quota visits: the larger of the two (2)
    data = base(attendance=[monthly(["c1"], ["m1"])], coverage=[coverage(["c1"], ["m1"])])
    inst = inst_of(data)
    assert quota_free_coverage(inst) == 0
    assert least_visits(inst) == 2
    assert same_optimum(data) == -2


def test_quotas_of_members_coverage_does_not_count_add_to_the_coverage() -> None:
    # each cell a visit a month by m1 (4); m2's quota at c1 (2) cannot count for it
    data = base(attendance=[monthly(["c1"], ["m2"])], coverage=[coverage(["c1", "c2"], ["m1"])])
    assert least_visits(inst_of(data)) == 4 + 2
    assert same_optimum(data) == -6


def test_a_person_with_two_seats_is_counted_once() -> None:
    # seats m1 and m3 of one person, both asked to attend c1 monthly: 2 visits; coverage of c2 by m2 adds 2
    data = two_seats(
        attendance=[monthly(["c1"], ["m1", "m3"])],
        coverage=[coverage(["c2"], ["m2"])],
    )
    assert least_visits(inst_of(data)) == 2 + 2
    assert same_optimum(data) == -4


def test_the_visits_row_is_the_least_visits() -> None:
    data = base(attendance=[monthly(["c1"], ["m1"])], coverage=[coverage(["c2"], ["m2"])])
    rows, built = added_rows(inst_of(data), add_least_visits)
    assert len(rows) == 1
    atts = [lit.index for lit in built.vars.attend.values()]
    assert sorted(rows[0].linear.vars) == sorted(atts)
    assert list(rows[0].linear.domain)[0] == 4


# ===================================================================================== balance rounding
BALANCED = {"id": "b", "members": {}, "units": {"kind": "residential"}, "per": "month", "at_least": 1}


def test_rule_need_counts_the_window_with_includings_and_own_cell() -> None:
    rule = {**BALANCED, "own_cell": "exclude", "including": [{"units": {"ids": ["c2"]}, "at_least": 1}]}
    data = base(attendance=[rule])
    member(data, "m1")["home_cell"] = "c1"
    inst = inst_of(data)
    assert rule_need(inst, inst.scenario.attendance[0], "m1") == 2  # 1 a month, of which 1 at c2
    assert rule_need(inst, inst.scenario.attendance[0], "m2") == 2


def test_balance_rounding_rejects_a_most_below_the_rounded_up_mean() -> None:
    # two balanced members, each asked 2; with totals 3 and 2 (V = 5): most ≥ 3, fewest ≤ 2
    data = base(attendance=[BALANCED])
    inst = inst_of(data)
    rows, built = added_rows(inst, add_balance_rounding)
    ((_rule, totals, hi, lo),) = built.ctx.memo["balance"]
    t1, t2 = totals["m1"].index, totals["m2"].index
    assert len(rows) == 2 + 2 + 1  # the two rounding rows, each member's need, the rule's need
    ok = {t1: 3, t2: 2, hi.index: 3, lo.index: 2}
    assert all(holds(ct, ok) for ct in rows)
    assert not all(holds(ct, {**ok, hi.index: 2}) for ct in rows)  # most 2 < ⌈5/2⌉
    assert not all(holds(ct, {**ok, lo.index: 3}) for ct in rows)  # fewest 3 > ⌊5/2⌋
    assert not all(holds(ct, {t1: 1, t2: 1, hi.index: 1, lo.index: 1}) for ct in rows)  # each needs 2


def test_balance_rounding_keeps_every_plan() -> None:
    data = base(attendance=[BALANCED], weights={"balance": 5})
    assert same_optimum(data) == -4  # 2 each, balanced
    data = base(attendance=[{**BALANCED, "members": {"ids": ["m1"]}}, BALANCED], weights={"balance": 5})
    assert same_optimum(data) is not None


def test_part_time_members_are_not_balanced_and_keep_their_plans() -> None:
    data = base(attendance=[BALANCED])
    member(data, "m2")["active"] = {"from": "2026-04-01"}
    inst = inst_of(data)
    assert build_model(inst).ctx.memo.get("balance", []) == []  # one member serves the whole window
    assert least_visits(inst) == 2 + 1
    assert same_optimum(data) == -3


def test_meeting_months_and_infeasible_scenarios() -> None:
    # c1 meets in March only: each member attends c1 or c2 monthly (4 visits), m1's at c2 count for coverage
    data = base(attendance=[monthly(["c1", "c2"])], coverage=[coverage(["c2"], ["m1"])])
    unit(data, "c1")["meeting"] = {"day": 5, "months": [3]}
    assert least_visits(inst_of(data)) == 4
    assert same_optimum(data) == -4
    data = base(attendance=[monthly(["c1"], ["m1"], at_least=2)])  # c1 meets once a month: infeasible
    assert same_optimum(data) is None


def test_redundant_rows_only_in_the_plan_model(monkeypatch) -> None:
    inst = inst_of(base(attendance=[BALANCED]))
    plain = len(build_model(inst, redundant=()).model.proto.constraints)
    assert len(build_model(inst).model.proto.constraints) == plain  # none by default (measured: no help)
    assert len(build_model(inst, redundant=REDUNDANT_FAMILIES).model.proto.constraints) > plain
    monkeypatch.setattr(redundant, "DEFAULT_FAMILIES", REDUNDANT_FAMILIES)
    assert len(build_model(inst).model.proto.constraints) > plain
    # never in another form of the model: the diagnosis (guard), the charges model (rules)
    no_objective = build_model(inst, objective=False)
    assert "visits" not in no_objective.ctx.memo and "balance" not in no_objective.ctx.memo
    guarded = build_model(inst, guard=lambda key: [])
    assert len(guarded.model.proto.constraints) == plain


def test_balance_visits_and_its_cost_in_the_term_bound() -> None:
    # three members, a balanced rule asking nothing, c1 visited once a month by any of them (V ≥ 2): 2 visits
    # leave one member at 0 (balance 1 × 5), a third visit (cost 1) balances them: the optimum is −3
    data = base(
        attendance=[{**BALANCED, "at_least": 0}],
        coverage=[coverage(["c1"], ["m1", "m2", "m3"])],
        weights={"balance": 5},
    )
    data["members"].append({"id": "m3", "name": "Hà Văn Nam", "committee": "dx"})
    inst = inst_of(data)
    assert balance_visits(inst, inst.scenario.attendance[0]) == 2
    assert least_visits(inst) == 2
    assert least_balance_cost(inst, 2) == 1
    assert term_bound(inst).bound == -3
    assert same_optimum(data) == -3
    data["weights"] = {"balance": 1}  # now the imbalance (1) is as cheap as the visit
    assert least_balance_cost(inst_of(data), 2) == 1
    data["coverage"][0]["by"] = {"ids": ["m1", "m2"]}  # m3's visits do not count for c1: V ≥ 2 still, n = 3
    assert balance_visits(inst_of(data), inst.scenario.attendance[0]) == 2
