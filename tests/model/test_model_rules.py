"""The CP-SAT model, one tiny scenario per rule family, each with an exact expected outcome.

Every scenario is small enough for CP-SAT to prove optimality at once, so the tests assert the optimal objective
(and its terms) worked out by hand, or infeasibility. Every plan the solver returns is also checked by `verify`,
which is written from the contract and not from the model: no violation, and the same objective and terms.

The base scenario: a commune committee (dx, no meeting unless a test gives it one) with two residential cells
(c1 meeting on the 5th, c2 on the 10th) and two committee members; the window is March–April 2026, without
public holidays. 2026-03-05 is a Thursday, 2026-03-02 and 2026-04-06 Mondays.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections import Counter
from typing import Any

from planner.checks.verify import verify
from planner.instance import Instance
from planner.plan import Plan
from planner.scenario import Scenario
from planner.search.solving import Result, Settings, solve

D = dt.date.fromisoformat
MONTHS = ("2026-03", "2026-04")
SETTINGS = Settings(time_limit=5, workers=1, seed=0)

BASE: dict[str, Any] = {
    "name": "Đảng bộ xã Thử",
    "period": {"start": "2026-03-01", "end": "2026-04-30"},
    "calendar": {"public_holidays": "none"},
    "units": [
        {"id": "dx", "name": "Đảng ủy xã Thử", "kind": "commune_committee", "level": "commune"},
        {"id": "c1", "name": "Chi bộ thôn 1", "kind": "residential", "parent": "dx", "meeting": {"day": 5}},
        {"id": "c2", "name": "Chi bộ thôn 2", "kind": "residential", "parent": "dx", "meeting": {"day": 10}},
    ],
    "members": [
        {"id": "m1", "name": "Vi Văn Hùng", "committee": "dx"},
        {"id": "m2", "name": "Lò Thị Mai", "committee": "dx"},
    ],
}


def base(**top: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    data.update(copy.deepcopy(top))
    return data


def unit(data: dict[str, Any], uid: str) -> dict[str, Any]:
    return next(u for u in data["units"] if u["id"] == uid)


def member(data: dict[str, Any], mid: str) -> dict[str, Any]:
    return next(m for m in data["members"] if m["id"] == mid)


def run(data: dict[str, Any], baseline: Plan | None = None) -> tuple[Instance, Result]:
    inst = Instance(Scenario.model_validate(data))
    return inst, solve(inst, SETTINGS, baseline=baseline)


def optimal(data: dict[str, Any], baseline: Plan | None = None) -> tuple[Instance, Result]:
    """Solve, expect a proven optimum, and check the plan with verify (no violation, same objective and terms)."""
    inst, res = run(data, baseline)
    assert res.summary.status == "optimal", res.summary.status
    assert res.plan is not None
    assert res.summary.gap == 0
    report = verify(inst, res.plan, baseline)
    assert report.ok, [str(v) for v in report.violations]
    assert report.objective == res.summary.objective
    assert report.terms == res.summary.terms
    return inst, res


def infeasible(data: dict[str, Any]) -> None:
    _, res = run(data)
    assert res.summary.status == "infeasible"
    assert res.plan is None


def charges_of(res: Result) -> set[tuple[str, str]]:
    assert res.plan is not None
    return set(res.plan.charges)


def attendance_of(res: Result) -> set[tuple[str, str, dt.date]]:
    assert res.plan is not None
    return set(res.plan.attendance)


def month(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def monthly(units: list[str], by: list[str], at_least: int = 1, **extra: Any) -> dict[str, Any]:
    """A coverage rule: each of ``units`` gets ``at_least`` visits a month from the members ``by``."""
    return {"units": {"ids": units}, "by": {"ids": by}, "per": "month", "at_least": at_least, **extra}


# ============================================================================================== responsibility
def test_per_unit_exact_count_charges_every_member() -> None:
    data = base(
        responsibility=[{"units": {"kind": "residential"}, "per_unit": {"min": 2, "max": 2}, "basis": "ignore"}]
    )
    _, res = optimal(data)
    assert charges_of(res) == {("m1", "c1"), ("m1", "c2"), ("m2", "c1"), ("m2", "c2")}
    assert res.summary.objective == 0


def test_per_member_exact_count_splits_the_units() -> None:
    data = base(
        responsibility=[
            {
                "units": {"kind": "residential"},
                "per_unit": {"min": 1, "max": 1},
                "per_member": {"min": 2, "max": 2},
                "basis": "ignore",
            }
        ]
    )
    data["units"] += [
        {"id": "c3", "name": "Chi bộ thôn 3", "kind": "residential", "parent": "dx"},
        {"id": "c4", "name": "Chi bộ thôn 4", "kind": "residential", "parent": "dx"},
    ]
    _, res = optimal(data)
    charges = charges_of(res)
    assert len(charges) == 4
    assert Counter(u for _, u in charges) == {"c1": 1, "c2": 1, "c3": 1, "c4": 1}
    assert Counter(m for m, _ in charges) == {"m1": 2, "m2": 2}


def test_per_unit_max_keeps_extra_members_out() -> None:
    # both members live in c1 (a reward each), but c1 takes one member at most
    data = base(responsibility=[{"units": {"ids": ["c1"]}, "per_unit": {"max": 1}}])
    member(data, "m1")["residence"] = "c1"
    member(data, "m2")["residence"] = "c1"
    _, res = optimal(data)
    assert len(charges_of(res)) == 1
    assert res.summary.terms["residence"] == 1
    assert res.summary.objective == 10


def test_three_units_two_members_at_most_one_each_is_infeasible() -> None:
    data = base(
        responsibility=[{"units": {"kind": "residential"}, "per_unit": {"min": 1, "max": 1}, "per_member": {"max": 1}}]
    )
    data["units"].append({"id": "c3", "name": "Chi bộ thôn 3", "kind": "residential", "parent": "dx"})
    infeasible(data)
    data["responsibility"][0]["per_member"] = {"max": 2}  # the same with room for one more: feasible
    _, res = optimal(data)
    assert Counter(u for _, u in charges_of(res)) == {"c1": 1, "c2": 1, "c3": 1}


# ---------------------------------------------------------------------------------------------- basis
def sector_scenario(basis: str) -> dict[str, Any]:
    """m1 lives in c1; m2 works in schools; a school cell sc; a rule over c1 and sc with one member each."""
    data = base(responsibility=[{"units": {"ids": ["c1", "sc"]}, "per_unit": {"min": 1, "max": 1}, "basis": basis}])
    data["units"].append({"id": "sc", "name": "Chi bộ trường", "kind": "school", "parent": "dx"})
    member(data, "m1")["residence"] = "c1"
    member(data, "m2")["sectors"] = ["school"]
    return data


def test_basis_require_allows_only_residence_and_sector_pairs() -> None:
    _, res = optimal(sector_scenario("require"))
    assert charges_of(res) == {("m1", "c1"), ("m2", "sc")}
    assert res.summary.terms["residence"] == 1 and res.summary.terms["sector"] == 1
    assert res.summary.objective == 10 + 6


def test_basis_require_with_a_unit_nobody_may_take_is_infeasible() -> None:
    data = sector_scenario("require")
    data["responsibility"][0]["units"]["ids"].append("c2")  # nobody lives in c2 or works in its sector
    infeasible(data)


def test_basis_require_counts_living_below_the_unit() -> None:
    # m1 lives in c1, which is below dx: it may take dx; m2 neither lives there nor has a sector
    data = base(responsibility=[{"units": {"ids": ["dx"]}, "basis": "require"}])
    member(data, "m1")["residence"] = "c1"
    _, res = optimal(data)
    assert charges_of(res) == {("m1", "dx")}
    assert res.summary.terms["residence"] == 1


def test_basis_prefer_picks_the_resident() -> None:
    data = base(responsibility=[{"units": {"ids": ["c1"]}, "per_unit": {"min": 1, "max": 1}}])
    member(data, "m2")["residence"] = "c1"
    member(data, "m1")["residence"] = "c2"
    _, res = optimal(data)
    assert charges_of(res) == {("m2", "c1")}
    assert res.summary.terms == {
        "residence": 1,
        "sector": 0,
        "shift": 0,
        "visit": 0,
        "balance": 0,
        "stability": 0,
        "moved": 0,
    }
    assert res.summary.objective == 10


def test_basis_prefer_rewards_sector_and_charges_nobody_without_basis_beyond_the_minimum() -> None:
    _, res = optimal(sector_scenario("prefer"))
    assert charges_of(res) == {("m1", "c1"), ("m2", "sc")}
    assert res.summary.objective == 16


def test_basis_ignore_gives_no_reward() -> None:
    data = base(responsibility=[{"units": {"ids": ["c1"]}, "per_unit": {"min": 1, "max": 1}, "basis": "ignore"}])
    member(data, "m2")["residence"] = "c1"
    _, res = optimal(data)
    assert len(charges_of(res)) == 1
    assert res.summary.terms["residence"] == 0 and res.summary.terms["sector"] == 0
    assert res.summary.objective == 0


def test_own_cell_forbid() -> None:
    data = base(responsibility=[{"units": {"ids": ["c1"]}, "per_unit": {"min": 1, "max": 1}, "own_cell": "forbid"}])
    member(data, "m1").update(residence="c1", home_cell="c1")  # prefer would reward m1, but c1 is its own cell
    _, res = optimal(data)
    assert charges_of(res) == {("m2", "c1")}
    assert res.summary.objective == 0
    data["responsibility"][0]["own_cell"] = "allow"
    _, res = optimal(data)
    assert charges_of(res) == {("m1", "c1")}
    assert res.summary.objective == 10
    data["responsibility"][0]["own_cell"] = "forbid"
    data["responsibility"][0]["members"] = {"ids": ["m1"]}
    infeasible(data)


# ============================================================================================== meeting dates
def dated(meeting: dict[str, Any], **top: Any) -> dict[str, Any]:
    """c1 with this meeting, which m1 attends every month (so its date is a decision of the model)."""
    data = base(coverage=[monthly(["c1"], ["m1"])], **top)
    unit(data, "c1")["meeting"] = meeting
    return data


def meetings_of(res: Result, uid: str) -> dict[str, dt.date]:
    assert res.plan is not None
    return {mo: d for (u, mo), d in res.plan.meetings.items() if u == uid}


def test_flex_after_a_public_holiday() -> None:
    # 2026-09-01 and 2026-09-02 are Vietnam's National Day: day 2 with flex [0, 3] moves to the 3rd
    data = dated(
        {"day": 2, "flex": [0, 3]},
        period={"start": "2026-09-01", "end": "2026-09-30"},
        calendar={"public_holidays": "VN"},
    )
    _, res = optimal(data)
    assert meetings_of(res, "c1") == {"2026-09": D("2026-09-03")}
    assert meetings_of(res, "c2") == {"2026-09": D("2026-09-10")}
    assert attendance_of(res) == {("m1", "c1", D("2026-09-03"))}
    assert res.summary.terms["shift"] == 1
    assert res.summary.objective == -1 - 1  # one day of shift, one visit


def test_a_month_with_only_holidays_in_reach_has_no_candidate_day() -> None:
    # day 2 with flex [1, 0]: the 1st and the 2nd are both holidays, and August 31 is another month
    data = dated(
        {"day": 2, "flex": [1, 0]},
        period={"start": "2026-09-01", "end": "2026-09-30"},
        calendar={"public_holidays": "VN"},
    )
    inst = Instance(Scenario.model_validate(data))
    assert inst.candidate_days["c1", "2026-09"] == []  # an input error for the loader; no date to choose


def test_weekdays_restriction() -> None:
    # day 5 (Thu 2026-03-05, Sun 2026-04-05), flex 3, Mondays only: 2026-03-02 (3 days) and 2026-04-06 (1 day)
    _, res = optimal(dated({"day": 5, "flex": 3, "weekdays": ["mon"]}))
    assert meetings_of(res, "c1") == {"2026-03": D("2026-03-02"), "2026-04": D("2026-04-06")}
    assert res.summary.terms["shift"] == 4
    assert res.summary.objective == -4 - 2


def test_closed_days() -> None:
    # c1 prefers the 5th, flex 2; closed on 4-5 March: 2026-03-06 (1 day); April on the 5th
    data = dated({"day": 5, "flex": 2})
    unit(data, "c1")["closed"] = [{"from": "2026-03-04", "to": "2026-03-05", "reason": "hội nghị"}]
    _, res = optimal(data)
    assert meetings_of(res, "c1") == {"2026-03": D("2026-03-06"), "2026-04": D("2026-04-05")}
    assert res.summary.terms["shift"] == 1


def test_blackouts_apply_to_every_unit() -> None:
    # no meeting 2026-04-01..05: c1 (day 3, flex [0, 3]) meets on 2026-04-06; c2 (day 4, flex [0, 3]) too
    data = dated(
        {"day": 3, "flex": [0, 3]},
        calendar={"public_holidays": "none", "blackouts": [{"from": "2026-04-01", "to": "2026-04-05"}]},
    )
    unit(data, "c2")["meeting"] = {"day": 4, "flex": [0, 3]}
    _, res = optimal(data)
    assert meetings_of(res, "c1") == {"2026-03": D("2026-03-03"), "2026-04": D("2026-04-06")}
    assert meetings_of(res, "c2") == {"2026-03": D("2026-03-04"), "2026-04": D("2026-04-06")}
    assert res.summary.terms["shift"] == 3 + 2


def test_day_clipped_to_the_month_end() -> None:
    _, res = optimal(dated({"day": 31}))
    assert meetings_of(res, "c1") == {"2026-03": D("2026-03-31"), "2026-04": D("2026-04-30")}
    assert res.summary.terms["shift"] == 0
    assert res.summary.objective == -2


def test_flex_picks_the_least_shift_among_free_days() -> None:
    # m1 is unavailable on the 5th in March: c1 (flex 2) moves one day, and m1 attends that day
    data = dated({"day": 5, "flex": 2})
    member(data, "m1")["unavailable"] = [{"date": "2026-03-05"}]
    _, res = optimal(data)
    march = meetings_of(res, "c1")["2026-03"]
    assert march in (D("2026-03-04"), D("2026-03-06"))
    assert meetings_of(res, "c1")["2026-04"] == D("2026-04-05")
    assert ("m1", "c1", march) in attendance_of(res)
    assert res.summary.terms["shift"] == 1


# ============================================================================================== attendance quotas
def quota(**rule: Any) -> dict[str, Any]:
    return base(attendance=[{"members": {"ids": ["m1"]}, "units": {"kind": "residential"}, **rule}])


def test_monthly_quota_at_least_one() -> None:
    _, res = optimal(quota(per="month", at_least=1))
    att = attendance_of(res)
    assert Counter(month(d) for _, _, d in att) == {"2026-03": 1, "2026-04": 1}
    assert {m for m, _, _ in att} == {"m1"}
    assert res.summary.terms["visit"] == len(MONTHS) * 1
    assert res.summary.objective == -2


def test_monthly_quota_for_two_members() -> None:
    data = quota(per="month", at_least=1)
    data["attendance"][0]["members"] = {}
    _, res = optimal(data)
    assert Counter((m, month(d)) for m, _, d in attendance_of(res)) == {
        ("m1", "2026-03"): 1,
        ("m1", "2026-04"): 1,
        ("m2", "2026-03"): 1,
        ("m2", "2026-04"): 1,
    }
    assert res.summary.terms["visit"] == 4 and res.summary.terms["balance"] == 0


def test_at_most_caps_what_coverage_asks() -> None:
    # coverage wants m1 at both cells every month; an attendance rule allows one a month
    data = quota(per="month", at_most=1)
    data["coverage"] = [monthly(["c1", "c2"], ["m1"])]
    infeasible(data)
    data["attendance"][0]["at_most"] = 2
    _, res = optimal(data)
    assert res.summary.terms["visit"] == 4


def test_at_most_only_rule_makes_nobody_eligible() -> None:
    data = quota(per="month", at_most=5)
    inst, res = optimal(data)
    assert inst.attend_sources == {}
    assert attendance_of(res) == set()


def yen_bai(**rule: Any) -> dict[str, Any]:
    """A district committee member (m1) visits the commune committee dx and its cells; Q2 and Q3 of 2026."""
    data = base(period={"start": "2026-04-01", "end": "2026-09-30"})
    data["units"].insert(0, {"id": "h", "name": "Huyện ủy", "kind": "district_committee", "level": "district"})
    unit(data, "dx")["parent"] = "h"
    unit(data, "dx")["meeting"] = {"day": 25}
    data["units"].append(
        {"id": "sc", "name": "Chi bộ trường", "kind": "school", "parent": "dx", "meeting": {"day": 15}}
    )
    data["members"] = [{"id": "m1", "name": "Hà Văn Khánh", "committee": "h", "roles": ["standing"]}]
    data["attendance"] = [{"members": {"ids": ["m1"]}, "units": {"under": "dx"}, "per": "quarter", **rule}]
    return data


def quarter_counts(res: Result, units: set[str] | None = None) -> Counter:
    q = {4: "Q2", 5: "Q2", 6: "Q2", 7: "Q3", 8: "Q3", 9: "Q3"}
    return Counter(q[d.month] for _, u, d in attendance_of(res) if units is None or u in units)


def test_quarter_quota_with_including() -> None:
    data = yen_bai(
        at_least=2,
        including=[{"units": {"ids": ["dx"]}, "at_least": 1}, {"units": {"kind": "residential"}, "at_least": 1}],
    )
    _, res = optimal(data)
    assert quarter_counts(res) == {"Q2": 2, "Q3": 2}
    assert quarter_counts(res, {"dx"}) == {"Q2": 1, "Q3": 1}
    assert quarter_counts(res, {"c1", "c2"}) == {"Q2": 1, "Q3": 1}
    assert quarter_counts(res, {"sc"}) == {}
    assert res.summary.objective == -4


def test_including_sub_counts_can_exceed_the_main_minimum() -> None:
    data = yen_bai(
        at_least=1,
        including=[{"units": {"ids": ["dx"]}, "at_least": 1}, {"units": {"kind": "residential"}, "at_least": 2}],
    )
    _, res = optimal(data)
    assert quarter_counts(res) == {"Q2": 3, "Q3": 3}
    assert quarter_counts(res, {"dx"}) == {"Q2": 1, "Q3": 1}
    assert quarter_counts(res, {"c1", "c2"}) == {"Q2": 2, "Q3": 2}


def test_including_that_cannot_be_met_is_infeasible() -> None:
    # c1 meets three times a quarter; the including asks for four
    data = yen_bai(at_least=1, including=[{"units": {"ids": ["c1"]}, "at_least": 4}])
    infeasible(data)


def test_proration_of_a_partial_quarter() -> None:
    data = quota(per="quarter", at_least=3)
    data["period"] = {"start": "2026-02-01", "end": "2026-12-31"}
    _, res = optimal(data)
    q = Counter((d.month - 1) // 3 + 1 for _, _, d in attendance_of(res))
    assert q == {1: 2, 2: 3, 3: 3, 4: 3}  # Q1 has 2 of its 3 months inside: ceil(3 × 2 / 3) = 2
    assert res.summary.terms["visit"] == 11


def test_proration_rounds_up() -> None:
    # per half, at_least 1, window 2026-06..2026-07: H1 has 1 of 6 months, ceil(1/6) = 1; H2 likewise
    data = quota(per="half", at_least=1)
    data["period"] = {"start": "2026-06-01", "end": "2026-07-31"}
    _, res = optimal(data)
    assert Counter(month(d) for _, _, d in attendance_of(res)) == {"2026-06": 1, "2026-07": 1}


# ============================================================================================== coverage
def residents() -> dict[str, Any]:
    """m1 lives in c1, m2 in c2; one member in charge of each cell (prefer: the resident)."""
    data = base(responsibility=[{"units": {"kind": "residential"}, "per_unit": {"min": 0, "max": 1}}])
    member(data, "m1")["residence"] = "c1"
    member(data, "m2")["residence"] = "c2"
    return data


def test_coverage_in_charge_every_month() -> None:
    data = residents()
    data["coverage"] = [{"units": {"kind": "residential"}, "by": {}, "per": "month", "at_least": 1, "in_charge": True}]
    _, res = optimal(data)
    assert charges_of(res) == {("m1", "c1"), ("m2", "c2")}
    assert attendance_of(res) == {
        ("m1", "c1", D("2026-03-05")),
        ("m1", "c1", D("2026-04-05")),
        ("m2", "c2", D("2026-03-10")),
        ("m2", "c2", D("2026-04-10")),
    }
    assert res.summary.objective == 2 * 10 - 4


def test_coverage_in_charge_needs_a_charge() -> None:
    # m2 may not take c2: m1 takes it (no reward) to be allowed to attend it, and keeps c1 (its reward)
    data = residents()
    data["coverage"] = [{"units": {"ids": ["c2"]}, "by": {}, "per": "month", "at_least": 1, "in_charge": True}]
    data["fixed"] = [{"member": "m2", "unit": "c2", "charge": False}]
    _, res = optimal(data)
    assert charges_of(res) == {("m1", "c1"), ("m1", "c2")}
    assert {(m, u) for m, u, _ in attendance_of(res)} == {("m1", "c2")}
    assert res.summary.objective == 10 - 2


def test_coverage_in_charge_of_a_unit_above() -> None:
    # only dx may be taken; m2 lives in c1 (below dx): charged with dx, it is in charge of c1 and attends it
    data = base(
        responsibility=[{"units": {"ids": ["dx"]}, "per_unit": {"min": 0, "max": 1}}],
        coverage=[{"units": {"ids": ["c1"]}, "by": {}, "per": "month", "at_least": 1, "in_charge": True}],
    )
    member(data, "m2")["residence"] = "c1"
    _, res = optimal(data)
    assert charges_of(res) == {("m2", "dx")}
    assert attendance_of(res) == {("m2", "c1", D("2026-03-05")), ("m2", "c1", D("2026-04-05"))}
    assert res.summary.objective == 10 - 2


def test_coverage_in_charge_with_nobody_able_to_take_charge_is_infeasible() -> None:
    data = residents()
    data["responsibility"][0]["units"] = {"ids": ["c1"]}
    data["coverage"] = [{"units": {"ids": ["c2"]}, "by": {}, "per": "month", "at_least": 1, "in_charge": True}]
    # a pinned attendance makes m2's visit to c2 possible, but it does not count: m2 is not in charge
    data["fixed"] = [{"member": "m2", "unit": "c2", "month": "2026-03", "attend": True}]
    infeasible(data)


def test_coverage_at_least_and_at_most() -> None:
    data = base(
        coverage=[
            monthly(["c1"], ["m1", "m2"], at_least=2),
            {"units": {"ids": ["c1"]}, "by": {}, "per": "month", "at_most": 1},
        ]
    )
    infeasible(data)
    data["coverage"][1]["at_most"] = 2
    _, res = optimal(data)
    assert Counter((u, month(d)) for _, u, d in attendance_of(res)) == {("c1", "2026-03"): 2, ("c1", "2026-04"): 2}


def test_coverage_per_quarter_over_a_partial_quarter() -> None:
    # Q1 with only March inside: at_least 3 scales to 1; Q2 with only April: 1
    data = base(coverage=[{"units": {"ids": ["c1"]}, "by": {}, "per": "quarter", "at_least": 3}])
    _, res = optimal(data)
    assert Counter(month(d) for _, _, d in attendance_of(res)) == {"2026-03": 1, "2026-04": 1}


# ============================================================================================== eligibility
def test_at_most_only_rule_does_not_make_a_member_eligible_under_balance_pressure() -> None:
    # m1 must attend c1 monthly. The second rule counts m1 and m2 at c1 with only an at_most: its balance term
    # (m1 2, m2 0) would fall if m2 attended c1 too (2 visits against 2 × 2 balance), but m2 is not eligible.
    data = base(
        attendance=[
            {"members": {"ids": ["m1"]}, "units": {"ids": ["c1"]}, "per": "month", "at_least": 1},
            {"members": {}, "units": {"ids": ["c1"]}, "per": "month", "at_most": 3},
        ]
    )
    inst, res = optimal(data)
    assert inst.attend_sources == {("m1", "c1"): "free"}
    assert attendance_of(res) == {("m1", "c1", D("2026-03-05")), ("m1", "c1", D("2026-04-05"))}
    assert res.summary.terms["balance"] == 2
    assert res.summary.objective == -2 - 2 * 2


def test_in_charge_eligibility_holds_under_balance_pressure() -> None:
    # c2 takes one member; m1 lives there (reward 10) and must visit it monthly (coverage, in charge). m2 may take
    # c2 too, so it is eligible "in charge"; attending would cut the balance of the at_most rule (save 4 for 2
    # visits), but m2 is not in charge. Best: m1 in charge, m2 never attends: 10 - 2 - 2 × 2 = 4.
    data = base(
        responsibility=[{"units": {"ids": ["c2"]}, "per_unit": {"min": 1, "max": 1}}],
        coverage=[{"units": {"ids": ["c2"]}, "by": {}, "per": "month", "at_least": 1, "in_charge": True}],
        attendance=[{"members": {}, "units": {"ids": ["c2"]}, "per": "month", "at_most": 2}],
    )
    member(data, "m1")["residence"] = "c2"
    inst, res = optimal(data)
    assert inst.attend_sources == {("m1", "c2"): "in_charge", ("m2", "c2"): "in_charge"}
    assert charges_of(res) == {("m1", "c2")}
    assert attendance_of(res) == {("m1", "c2", D("2026-03-10")), ("m1", "c2", D("2026-04-10"))}
    assert res.summary.objective == 10 - 2 - 2 * 2


def test_in_charge_quota_counts_only_units_in_charge() -> None:
    # m1 must attend one meeting a month at units in its charge; it may take c2 only
    data = base(
        responsibility=[{"members": {"ids": ["m1"]}, "units": {"ids": ["c2"]}}],
        attendance=[{"members": {"ids": ["m1"]}, "units": {"in_charge": True}, "per": "month", "at_least": 1}],
    )
    inst, res = optimal(data)
    assert inst.attend_sources == {("m1", "c2"): "in_charge"}
    assert charges_of(res) == {("m1", "c2")}
    assert attendance_of(res) == {("m1", "c2", D("2026-03-10")), ("m1", "c2", D("2026-04-10"))}


# ============================================================================================== day limits
def both_on_the_5th(**top: Any) -> dict[str, Any]:
    """c1 and c2 both meet on the 5th, without flex, and m1 must attend both every month."""
    data = base(coverage=[monthly(["c1", "c2"], ["m1"])], **top)
    unit(data, "c2")["meeting"] = {"day": 5}
    return data


def test_one_meeting_a_day() -> None:
    infeasible(both_on_the_5th())


def test_two_meetings_a_day_allowed() -> None:
    _, res = optimal(both_on_the_5th(limits={"meetings_per_day": 2}))
    assert Counter(d for _, _, d in attendance_of(res)) == {D("2026-03-05"): 2, D("2026-04-05"): 2}
    assert res.summary.objective == -4


def test_one_meeting_a_day_moves_a_flexible_meeting() -> None:
    data = both_on_the_5th()
    unit(data, "c2")["meeting"] = {"day": 5, "flex": 1}
    _, res = optimal(data)
    assert res.summary.terms["shift"] == 2
    assert all(d != D(f"{mo}-05") for mo, d in meetings_of(res, "c2").items())


def test_own_committee_meeting_keeps_a_member_busy() -> None:
    data = base(coverage=[monthly(["c1"], ["m1"])])
    unit(data, "dx")["meeting"] = {"day": 5}
    infeasible(data)
    data["limits"] = {"meetings_per_day": 2}  # busy means busy, whatever the daily limit
    infeasible(data)
    data["limits"] = {"own_meetings_busy": False}
    _, res = optimal(data)
    assert attendance_of(res) == {("m1", "c1", D("2026-03-05")), ("m1", "c1", D("2026-04-05"))}


def test_own_committee_meeting_moves_within_its_flex() -> None:
    data = base(coverage=[monthly(["c1"], ["m1"])])
    unit(data, "dx")["meeting"] = {"day": 5, "flex": 1}
    _, res = optimal(data)
    assert all(d != D(f"{mo}-05") for mo, d in meetings_of(res, "dx").items())
    assert res.summary.terms["shift"] == 2
    assert res.summary.objective == -2 - 2


def test_home_cell_meeting_keeps_a_member_busy() -> None:
    data = base(coverage=[monthly(["c1"], ["m1"])])
    unit(data, "c2")["meeting"] = {"day": 5}
    member(data, "m1")["home_cell"] = "c2"
    infeasible(data)
    data["limits"] = {"own_meetings_busy": False}
    _, res = optimal(data)
    assert res.summary.terms["visit"] == 2


def test_unavailable_on_the_only_possible_day() -> None:
    data = base(coverage=[monthly(["c1"], ["m1"])])
    member(data, "m1")["unavailable"] = [{"date": "2026-04-05", "reason": "công tác"}]
    infeasible(data)
    member(data, "m1")["unavailable"] = [{"from": "2026-04-06", "to": "2026-04-30"}]
    _, res = optimal(data)
    assert res.summary.terms["visit"] == 2


def test_unavailable_weekdays() -> None:
    # 2026-03-05 is a Thursday
    data = base(coverage=[monthly(["c1"], ["m1"])])
    member(data, "m1")["unavailable"] = [{"weekdays": ["thu"]}]
    infeasible(data)
    unit(data, "c1")["meeting"] = {"day": 5, "flex": [0, 1]}
    _, res = optimal(data)
    assert meetings_of(res, "c1") == {"2026-03": D("2026-03-06"), "2026-04": D("2026-04-05")}
    assert res.summary.terms["shift"] == 1


def test_max_per_month() -> None:
    data = base(coverage=[monthly(["c1", "c2"], ["m1"])])
    member(data, "m1")["max_per_month"] = 1
    infeasible(data)
    member(data, "m1")["max_per_month"] = 2
    _, res = optimal(data)
    assert res.summary.terms["visit"] == 4


def test_max_per_month_spreads_a_quarterly_quota() -> None:
    # 2 a quarter over Q2 (April–June), at most 1 a month: two months with one each
    data = quota(per="quarter", at_least=2)
    data["period"] = {"start": "2026-04-01", "end": "2026-06-30"}
    member(data, "m1")["max_per_month"] = 1
    _, res = optimal(data)
    per_month = Counter(month(d) for _, _, d in attendance_of(res))
    assert sorted(per_month.values()) == [1, 1]


# ============================================================================================== fixed
def resident_choice() -> dict[str, Any]:
    """c1 takes one member; m2 lives there (prefer picks m2)."""
    data = base(responsibility=[{"units": {"ids": ["c1"]}, "per_unit": {"min": 1, "max": 1}}])
    member(data, "m2")["residence"] = "c1"
    return data


def test_fixed_charge_true() -> None:
    data = resident_choice()
    data["fixed"] = [{"member": "m1", "unit": "c1", "charge": True}]
    _, res = optimal(data)
    assert charges_of(res) == {("m1", "c1")}
    assert res.summary.objective == 0


def test_fixed_charge_true_outside_every_rule() -> None:
    data = resident_choice()
    data["fixed"] = [{"member": "m1", "unit": "c2", "charge": True}]
    _, res = optimal(data)
    assert charges_of(res) == {("m2", "c1"), ("m1", "c2")}


def test_fixed_charge_false() -> None:
    data = resident_choice()
    data["fixed"] = [{"member": "m2", "unit": "c1", "charge": False}]
    _, res = optimal(data)
    assert charges_of(res) == {("m1", "c1")}


def test_fixed_attend_true_without_a_rule() -> None:
    data = base(fixed=[{"member": "m2", "unit": "c2", "month": "2026-04", "attend": True}])
    _, res = optimal(data)
    assert attendance_of(res) == {("m2", "c2", D("2026-04-10"))}
    assert res.summary.objective == -1


def test_fixed_attend_false() -> None:
    data = base(
        coverage=[monthly(["c1"], ["m1", "m2"])],
        fixed=[
            {"member": "m1", "unit": "c1", "month": "2026-03", "attend": False},
            {"member": "m2", "unit": "c1", "month": "2026-04", "attend": False},
        ],
    )
    _, res = optimal(data)
    assert attendance_of(res) == {("m2", "c1", D("2026-03-05")), ("m1", "c1", D("2026-04-05"))}


def test_fixed_attend_true_on_an_unavailable_day_is_infeasible() -> None:
    data = base(fixed=[{"member": "m2", "unit": "c2", "month": "2026-04", "attend": True}])
    member(data, "m2")["unavailable"] = [{"date": "2026-04-10"}]
    infeasible(data)


def test_fixed_date_moves_the_meeting() -> None:
    data = base(coverage=[monthly(["c1"], ["m1"])], fixed=[{"unit": "c1", "month": "2026-03", "date": "2026-03-12"}])
    _, res = optimal(data)
    assert meetings_of(res, "c1") == {"2026-03": D("2026-03-12"), "2026-04": D("2026-04-05")}
    assert ("m1", "c1", D("2026-03-12")) in attendance_of(res)
    assert res.summary.terms["shift"] == 7
    assert res.summary.objective == -7 - 2


# ============================================================================================== objective terms
def test_residence_and_sector_reward_values() -> None:
    data = sector_scenario("prefer")
    data["weights"] = {"residence": 3, "sector": 5}
    _, res = optimal(data)
    assert res.summary.terms["residence"] == 1 and res.summary.terms["sector"] == 1
    assert res.summary.objective == 3 + 5


def test_residence_wins_over_sector_for_the_same_charge() -> None:
    data = base(responsibility=[{"units": {"ids": ["c1"]}, "per_unit": {"max": 1}}])
    member(data, "m1").update(residence="c1", sectors=["residential"])
    _, res = optimal(data)
    assert charges_of(res) == {("m1", "c1")}
    assert res.summary.terms["residence"] == 1 and res.summary.terms["sector"] == 0
    assert res.summary.objective == 10


def test_sector_matches_a_unit_tag() -> None:
    data = base(responsibility=[{"units": {"ids": ["c2"]}, "per_unit": {"max": 1}}])
    unit(data, "c2")["tags"] = ["difficult"]
    member(data, "m2")["sectors"] = ["difficult"]
    _, res = optimal(data)
    assert charges_of(res) == {("m2", "c2")}
    assert res.summary.objective == 6


def balance_scenario() -> dict[str, Any]:
    """Both members attend one meeting a month (rule per month); m1 must also attend both cells every month."""
    return base(
        attendance=[{"id": "hang-thang", "members": {}, "units": {}, "per": "month", "at_least": 1}],
        coverage=[monthly(["c1", "c2"], ["m1"])],
    )


def test_balance_term_value() -> None:
    data = balance_scenario()
    member(data, "m2")["max_per_month"] = 1
    _, res = optimal(data)
    # m1: 4 attendances, m2: 2 (capped): balance 2; visits 6
    assert res.summary.terms["balance"] == 2 and res.summary.terms["visit"] == 6
    assert res.summary.objective == -6 - 2 * 2


def test_balance_pulls_the_other_member_up() -> None:
    # without a cap, one more visit by m2 costs 1 and saves 2 in balance: m2 matches m1's 4
    _, res = optimal(balance_scenario())
    assert res.summary.terms["balance"] == 0 and res.summary.terms["visit"] == 8
    assert res.summary.objective == -8
    data = balance_scenario()
    data["weights"] = {"balance": 1}  # now a tie: each visit by m2 costs 1 and saves 1 of balance
    _, res = optimal(data)
    assert res.summary.objective == -8
    assert res.summary.terms["visit"] + res.summary.terms["balance"] == 8


def test_balance_ignores_rules_with_one_member() -> None:
    data = base(attendance=[{"members": {"ids": ["m1"]}, "units": {}, "per": "month", "at_least": 2}])
    _, res = optimal(data)
    assert res.summary.terms["balance"] == 0 and res.summary.terms["visit"] == 4


def test_shift_and_visit_weights_zero() -> None:
    data = dated(
        {"day": 2, "flex": [0, 3]},
        period={"start": "2026-09-01", "end": "2026-09-30"},
        calendar={"public_holidays": "VN"},
        weights={"shift": 0, "visit": 0},
    )
    _, res = optimal(data)
    assert res.summary.terms["shift"] in (1, 2, 3) and res.summary.terms["visit"] == 1
    assert res.summary.objective == 0


# ---------------------------------------------------------------------------------------------- stability
def stable_scenario() -> dict[str, Any]:
    data = residents()
    data["responsibility"][0]["units"] = {"ids": ["c1"]}
    data["responsibility"][0]["per_unit"] = {"min": 1, "max": 1}
    data["coverage"] = [{"units": {"ids": ["c1"]}, "by": {}, "per": "month", "at_least": 1, "in_charge": True}]
    return data


def test_stability_against_its_own_plan_is_zero() -> None:
    _, first = optimal(stable_scenario())
    assert first.plan is not None
    _, again = optimal(stable_scenario(), baseline=first.plan)
    assert again.summary.terms["stability"] == 0
    assert charges_of(again) == charges_of(first)
    assert attendance_of(again) == attendance_of(first)
    assert again.summary.objective == first.summary.objective == 10 - 2


def test_stability_counts_changed_charges_and_attendances() -> None:
    _, first = optimal(stable_scenario())
    assert charges_of(first) == {("m1", "c1")}
    data = stable_scenario()
    data["fixed"] = [{"member": "m1", "unit": "c1", "charge": False}]
    _, res = optimal(data, baseline=first.plan)
    assert charges_of(res) == {("m2", "c1")}
    # charges: (m1, c1) gone, (m2, c1) new; attendances: m1's two gone, m2's two new
    assert res.summary.terms["stability"] == 2 + 4
    assert res.summary.objective == -2 - 20 * 6


def test_stability_keeps_a_tie_as_it_was() -> None:
    # c1 or c2 for m1's monthly visit is a tie; with a baseline choosing c2 in March, the plan keeps c2
    data = base(attendance=[{"members": {"ids": ["m1"]}, "units": {}, "per": "month", "at_least": 1}])
    baseline = Plan(
        frozenset(),
        {("c1", mo): D(f"{mo}-05") for mo in MONTHS} | {("c2", mo): D(f"{mo}-10") for mo in MONTHS},
        frozenset({("m1", "c2", D("2026-03-10")), ("m1", "c1", D("2026-04-05"))}),
    )
    _, res = optimal(data, baseline=baseline)
    assert attendance_of(res) == set(baseline.attendance)
    assert res.summary.terms["stability"] == 0
