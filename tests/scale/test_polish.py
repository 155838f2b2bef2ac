"""Date polish (`planner.polish`): a meeting moves nearer its day exactly when every rule allows it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given, settings

from planner.checks.verify import verify
from planner.instance import Instance
from planner.plan import Plan
from planner.scale.greedy import run_greedy
from planner.scale.polish import polish_dates
from planner.scenario import Scenario
from tests.model.test_model_rules import base, member, unit
from tests.test_properties import instance_of, scenarios

D = dt.date.fromisoformat


def setup(**limits: Any) -> Instance:
    """c1 meets on the 5th, flex 2 (3rd–7th); c2 on the 10th, flex 2; m1 and m2 visit cells."""
    data = base(limits={"meetings_per_day": 1, "own_meetings_busy": True, **limits})
    unit(data, "c1")["meeting"] = {"day": 5, "flex": 2}
    unit(data, "c2")["meeting"] = {"day": 10, "flex": 2}
    data["attendance"] = [{"id": "a", "members": {}, "units": {"kind": "residential"}, "per": "quarter", "at_least": 0}]
    return Instance(Scenario.model_validate(data))


def plan_of(inst: Instance, dates: dict[tuple[str, str], str], attendance: list[tuple[str, str, str]]) -> Plan:
    meetings = {(u, mo): inst.preferred(u, mo) for u in inst.meeting_units for mo in inst.months}
    meetings.update({k: D(v) for k, v in dates.items()})
    return Plan(frozenset(), meetings, frozenset((m, u, D(d)) for m, u, d in attendance))


def test_a_meeting_moves_to_its_day_when_its_attendees_are_free():
    inst = setup()
    plan = plan_of(inst, {("c1", "2026-03"): "2026-03-07"}, [("m1", "c1", "2026-03-07")])
    new, saved = polish_dates(inst, plan)
    assert saved == 2
    assert new.meetings["c1", "2026-03"] == D("2026-03-05")
    assert new.attendance == {("m1", "c1", D("2026-03-05"))}


def test_a_meeting_never_moves_onto_the_day_of_a_unit_kept_apart_from_it():
    """c1 and c2 both prefer the 5th and are kept apart (apart_from): c2, held on the 7th, comes back only to
    the 6th, the nearest day c1 does not hold (the decomposed Kon Tum plan once broke this rule here)."""
    data = base(limits={"meetings_per_day": 1})
    unit(data, "c1")["meeting"] = {"day": 5, "flex": 2}
    unit(data, "c2")["meeting"] = {"day": 5, "flex": 2}
    unit(data, "c2")["apart_from"] = ["c1"]
    data["attendance"] = [{"id": "a", "members": {}, "units": {"kind": "residential"}, "per": "quarter", "at_least": 0}]
    inst = Instance(Scenario.model_validate(data))
    assert inst.apart_pairs == (("c1", "c2"),)
    plan = plan_of(inst, {("c1", "2026-03"): "2026-03-05", ("c2", "2026-03"): "2026-03-07"}, [])
    new, saved = polish_dates(inst, plan)
    assert new.meetings["c1", "2026-03"] == D("2026-03-05")
    assert new.meetings["c2", "2026-03"] in (D("2026-03-04"), D("2026-03-06"))
    assert saved == 1
    # (the other months of this hand-made plan hold both on the 5th: only March is polished here)
    assert not [v for v in verify(inst, new).violations if v.family == "apart-from" and v.period == "2026-03"]


def test_an_attendee_busy_that_day_keeps_it_where_it_is_or_next_best():
    inst = setup()
    # m1 attends c2, moved to the 5th; c1 (held on the 7th, with m1) can only come to the 4th or 6th
    plan = plan_of(
        inst,
        {("c1", "2026-03"): "2026-03-07", ("c2", "2026-03"): "2026-03-08"},
        [("m1", "c1", "2026-03-07"), ("m1", "c2", "2026-03-08")],
    )
    plan.meetings["c2", "2026-03"] = D("2026-03-08")
    new, saved = polish_dates(inst, plan)
    # c2 goes back to the 10th (m1 free), after which c1 may take the 5th
    assert new.meetings["c2", "2026-03"] == D("2026-03-10")
    assert new.meetings["c1", "2026-03"] == D("2026-03-05")
    assert saved == 2 + 2


def test_an_unavailable_attendee_blocks_the_day():
    data_inst = setup()
    data = data_inst.scenario.model_dump(mode="json", exclude_none=True, by_alias=True)
    data.pop("source", None)
    member(data, "m1")["unavailable"] = [{"from": "2026-03-05", "to": "2026-03-05"}]
    inst = Instance(Scenario.model_validate(data))
    plan = plan_of(inst, {("c1", "2026-03"): "2026-03-07"}, [("m1", "c1", "2026-03-07")])
    new, saved = polish_dates(inst, plan)
    assert new.meetings["c1", "2026-03"] in (D("2026-03-04"), D("2026-03-06"))
    assert saved == 1


def home_cell_case(own_meetings_busy: bool) -> tuple[Instance, Plan]:
    """m2's home cell is c1 (held on the 7th); m2 attends c2, which meets on the 5th and only then."""
    data = setup(own_meetings_busy=own_meetings_busy).scenario.model_dump(mode="json", exclude_none=True, by_alias=True)
    data.pop("source", None)
    member(data, "m2")["home_cell"] = "c1"
    unit(data, "c2")["meeting"] = {"day": 5}
    inst = Instance(Scenario.model_validate(data))
    return inst, plan_of(inst, {("c1", "2026-03"): "2026-03-07"}, [("m2", "c2", "2026-03-05")])


def test_the_members_whose_own_meeting_it_is_must_be_free():
    inst, plan = home_cell_case(own_meetings_busy=True)
    new, saved = polish_dates(inst, plan)
    assert new.meetings["c1", "2026-03"] == D("2026-03-04")  # the 5th would clash with m2's visit to c2
    assert saved == 1
    inst, plan = home_cell_case(own_meetings_busy=False)
    assert polish_dates(inst, plan)[0].meetings["c1", "2026-03"] == D("2026-03-05")


def fixed_c2_case(meetings_per_day: int = 1, own_meetings_busy: bool = True, home: bool = False):
    """c2 meets on the 5th and only then; m1 attends c1 (held on the 7th) and, unless c2 is m1's home cell, c2."""
    data = setup(meetings_per_day=meetings_per_day, own_meetings_busy=own_meetings_busy).scenario.model_dump(
        mode="json", exclude_none=True, by_alias=True
    )
    data.pop("source", None)
    unit(data, "c2")["meeting"] = {"day": 5}
    if home:
        member(data, "m1")["home_cell"] = "c2"
    inst = Instance(Scenario.model_validate(data))
    visits = [("m1", "c1", "2026-03-07")] + ([] if home else [("m1", "c2", "2026-03-05")])
    return inst, plan_of(inst, {("c1", "2026-03"): "2026-03-07"}, visits)


def test_one_meeting_a_day_keeps_a_visitor_from_two_meetings_that_day():
    new, saved = polish_dates(*fixed_c2_case(meetings_per_day=1))
    assert (new.meetings["c1", "2026-03"], saved) == (D("2026-03-04"), 1)
    new, saved = polish_dates(*fixed_c2_case(meetings_per_day=2))
    assert (new.meetings["c1", "2026-03"], saved) == (D("2026-03-05"), 2)


def test_a_visitor_is_not_sent_elsewhere_on_its_own_meeting_day():
    new, saved = polish_dates(*fixed_c2_case(home=True))
    assert (new.meetings["c1", "2026-03"], saved) == (D("2026-03-04"), 1)
    new, saved = polish_dates(*fixed_c2_case(home=True, own_meetings_busy=False))
    assert (new.meetings["c1", "2026-03"], saved) == (D("2026-03-05"), 2)


def test_own_meetings_busy_off_lets_it_move():
    inst = setup(own_meetings_busy=False)
    plan = plan_of(inst, {("c1", "2026-03"): "2026-03-07"}, [("m1", "c1", "2026-03-07")])
    assert polish_dates(inst, plan)[1] == 2


def test_nothing_to_gain_returns_the_same_plan():
    inst = setup()
    plan = plan_of(inst, {}, [("m1", "c1", "2026-03-05")])
    new, saved = polish_dates(inst, plan)
    assert saved == 0 and new is plan


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_polish_never_breaks_a_rule_and_never_costs(data: dict[str, Any]) -> None:
    inst = instance_of(data)
    plan = run_greedy(inst, check=False).plan
    before = verify(inst, plan)
    new, saved = polish_dates(inst, plan)
    after = verify(inst, new)
    assert {str(v) for v in after.violations} <= {str(v) for v in before.violations} or not before.ok
    if before.ok:
        assert after.ok, [str(v) for v in after.violations]
    assert after.objective == before.objective + inst.scenario.weights.shift * saved
    assert after.terms["shift"] == before.terms["shift"] - saved
