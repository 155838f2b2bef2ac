"""Scenario format v2, one tiny case per addition, each with an exact expected outcome, each plan checked by
`verify`, and `verify` catching each addition's violation in words.

The base scenario is the one of ``test_model_rules``: a commune committee dx (no meeting), cells c1 (on the
5th) and c2 (on the 10th), members m1 and m2; March–April 2026 without public holidays. 2026-03-05 is a
Thursday, 2026-03-07 a Saturday.
"""

from __future__ import annotations

import datetime as dt

import pytest

from planner.calendar import period_slots
from planner.checks.verify import verify
from planner.errors import InputError
from planner.instance import Instance
from planner.io.loader import validate_mapping
from planner.plan import Plan
from planner.scenario import Scenario
from planner.search.bounds import least_visits
from tests.model.test_model_rules import (
    attendance_of,
    base,
    infeasible,
    meetings_of,
    member,
    monthly,
    optimal,
    unit,
)

D = dt.date.fromisoformat
REGULAR = {  # the base scenario's meetings on their days
    ("c1", "2026-03"): D("2026-03-05"),
    ("c1", "2026-04"): D("2026-04-05"),
    ("c2", "2026-03"): D("2026-03-10"),
    ("c2", "2026-04"): D("2026-04-10"),
}


def on_the_6th() -> dict:
    """The base meetings with c1 on the 6th instead of the 5th."""
    return {**REGULAR, ("c1", "2026-03"): D("2026-03-06"), ("c1", "2026-04"): D("2026-04-06")}


def quota(per: str, at_least: int, units: list[str] | None = None, **extra) -> dict:
    """An attendance rule for every member over ``units`` (default: the two cells)."""
    return {"units": {"ids": units or ["c1", "c2"]}, "per": per, "at_least": at_least, **extra}


def messages(data: dict, plan: Plan) -> list[str]:
    return [v.message for v in verify(Instance(Scenario.model_validate(data)), plan).violations]


# ============================================================================================== not:
def test_not_in_a_member_selector_leaves_those_members_out() -> None:
    data = base(
        attendance=[{"members": {"not": {"ids": ["m2"]}}, "units": {"ids": ["c1"]}, "per": "month", "at_least": 1}]
    )
    inst, res = optimal(data)
    assert inst.select_members(inst.scenario.attendance[0].members) == ("m1",)
    assert attendance_of(res) == {("m1", "c1", D("2026-03-05")), ("m1", "c1", D("2026-04-05"))}


def test_not_in_a_unit_selector_and_nested() -> None:
    data = base()
    sel = {"kind": "residential", "not": {"ids": ["c1", "c2"], "not": {"ids": ["c2"]}}}  # all cells but c1
    inst = Instance(Scenario.model_validate({**data, "attendance": [{"units": sel, "per": "month"}]}))
    assert inst.select_units(inst.scenario.attendance[0].units) == ("c2",)


def test_not_with_in_charge_is_refused() -> None:
    with pytest.raises(ValueError, match="in_charge has no meaning inside 'not'"):
        Scenario.model_validate(base(attendance=[{"units": {"not": {"in_charge": True}}, "per": "month"}]))


def test_not_naming_an_unknown_member_is_an_input_error() -> None:
    data = base(attendance=[{"members": {"not": {"ids": ["m9"]}}, "per": "month"}])
    with pytest.raises(InputError, match=r"members\.not\.ids: unknown member 'm9'"):
        validate_mapping(data, "s.yaml")


# ============================================================================================== own_cell
def test_own_cell_exclude_does_not_count_the_home_cell() -> None:
    # m1 lives in c1's cell and must attend exactly one meeting a month; a pin puts it at c1 in March
    pin = [{"member": "m1", "unit": "c1", "month": "2026-03", "attend": True}]
    rule = {"members": {"ids": ["m1"]}, **quota("month", 1), "at_most": 1}
    counted = base(attendance=[rule], fixed=pin)
    member(counted, "m1")["home_cell"] = "c1"
    _, res = optimal(counted)
    assert len(attendance_of(res)) == 2  # the pinned c1 in March counts: one meeting in each month
    excluded = base(attendance=[{**rule, "own_cell": "exclude"}], fixed=pin)
    member(excluded, "m1")["home_cell"] = "c1"
    _, res = optimal(excluded)
    assert attendance_of(res) == {
        ("m1", "c1", D("2026-03-05")),  # pinned, not counted
        ("m1", "c2", D("2026-03-10")),
        ("m1", "c2", D("2026-04-10")),
    }


def test_own_cell_exclude_in_coverage() -> None:
    data = base(coverage=[monthly(["c1"], ["m1"], own_cell="exclude")])
    member(data, "m1")["home_cell"] = "c1"
    infeasible(data)  # only m1 may visit c1, and its visits to its own cell do not count
    plan = Plan(
        meetings=REGULAR,
        attendance=frozenset({("m1", "c1", D("2026-03-05")), ("m1", "c1", D("2026-04-05"))}),
    )
    found = messages(data, plan)
    assert any("Chi bộ thôn 1 (c1) gets 0 attendances in 2026-03" in m for m in found), found


# ============================================================================================== active, excused
def test_a_member_who_joins_in_april_serves_only_april() -> None:
    # a yearly quota of 12: the window holds 2 of the year's months (2), m2 serves 1 of them (1)
    data = base(attendance=[quota("year", 12)])
    member(data, "m2")["active"] = {"from": "2026-04-01"}
    inst, res = optimal(data)
    att = attendance_of(res)
    assert sum(1 for m, _, _ in att if m == "m1") == 2
    assert {(u, d.month) for m, u, d in att if m == "m2"} in ({("c1", 4)}, {("c2", 4)})
    assert [s.scaled(12) for s in inst.slots("year", "m2")] == [1]
    assert [s.scaled(12) for s in inst.slots("year", "m1")] == [2]


def test_a_member_outside_its_term_cannot_attend() -> None:
    data = base(attendance=[quota("month", 1, ["c1"])])
    member(data, "m2")["active"] = {"to": "2026-03-31"}
    _, res = optimal(data)
    assert {d.month for m, _, d in attendance_of(res) if m == "m2"} == {3}
    plan = Plan(
        meetings=REGULAR,
        attendance=frozenset(
            {
                ("m1", "c1", D("2026-03-05")),
                ("m1", "c1", D("2026-04-05")),
                ("m2", "c1", D("2026-03-05")),
                ("m2", "c1", D("2026-04-05")),
            }
        ),
    )
    found = messages(data, plan)
    assert any("served only until 2026-03-31" in m for m in found), found


def test_an_excused_month_prorates_the_quota() -> None:
    data = base(attendance=[quota("quarter", 3)])  # Q1 holds March (1 of 3 months), Q2 April
    member(data, "m1")["excused"] = [{"from": "2026-03-01", "to": "2026-03-31", "reason": "học lớp trung cấp"}]
    inst, res = optimal(data)
    assert [s.scaled(3) for s in inst.slots("quarter", "m1")] == [0, 1]
    assert {d.month for m, _, d in attendance_of(res) if m == "m1"} == {4}
    assert inst.unavailable("m1", D("2026-03-05")) == "excused: học lớp trung cấp"


def test_a_month_counts_when_the_member_serves_half_of_it_or_more() -> None:
    data = base()
    member(data, "m1")["active"] = {"from": "2026-03-16"}  # 16 of March's 31 days
    member(data, "m2")["active"] = {"from": "2026-03-17"}  # 15 of them
    inst = Instance(Scenario.model_validate(data))
    assert inst.serves_in("m1", "2026-03") and not inst.serves_in("m2", "2026-03")
    assert inst.part_time == frozenset({"m2"})


def test_an_active_window_outside_the_plan_is_an_input_error() -> None:
    data = base()
    member(data, "m2")["active"] = {"from": "2027-01-01"}
    with pytest.raises(InputError, match="no day of the planning window"):
        validate_mapping(data, "s.yaml")


def test_a_serving_slot_prorates_like_a_partial_period() -> None:
    (slot,) = period_slots("year", ["2026-03", "2026-04"])
    assert slot.scaled(12) == 2


# ============================================================================================== flex_when
def flexible(when: str) -> dict:
    data = base()
    unit(data, "c1")["meeting"] = {"day": 5, "flex": [0, 3], "flex_when": when}
    unit(data, "c1")["closed"] = [{"date": "2026-03-05", "reason": "đại hội"}]
    return data


def test_flex_when_blocked_moves_only_off_a_blocked_day() -> None:
    inst = Instance(Scenario.model_validate(flexible("blocked")))
    assert inst.candidate_days["c1", "2026-03"] == [D("2026-03-06"), D("2026-03-07"), D("2026-03-08")]
    assert inst.candidate_days["c1", "2026-04"] == [D("2026-04-05")]
    inst = Instance(Scenario.model_validate(flexible("next")))
    assert inst.candidate_days["c1", "2026-03"] == [D("2026-03-06")]
    inst = Instance(Scenario.model_validate(flexible("always")))
    assert inst.candidate_days["c1", "2026-04"] == [D("2026-04-05"), D("2026-04-06"), D("2026-04-07"), D("2026-04-08")]


def test_flex_when_blocked_keeps_a_free_day_even_when_a_member_is_busy() -> None:
    data = flexible("blocked")
    data["coverage"] = [monthly(["c1"], ["m1"])]
    member(data, "m1")["unavailable"] = [{"date": "2026-04-05"}]
    infeasible(data)  # the 5th of April is free, so c1 meets then, and m1 cannot
    data = flexible("always")
    data["coverage"] = [monthly(["c1"], ["m1"])]
    member(data, "m1")["unavailable"] = [{"date": "2026-04-05"}]
    _, res = optimal(data)
    assert meetings_of(res, "c1")["2026-04"] == D("2026-04-06")


def test_verify_says_why_a_free_day_was_left() -> None:
    data = flexible("blocked")
    plan = Plan(meetings=on_the_6th())
    found = messages(data, plan)
    assert any("it moves only when its day is blocked" in m for m in found), found


# ============================================================================================== apart_from
def test_apart_from_keeps_two_meetings_on_different_days() -> None:
    data = base(coverage=[monthly(["c1"], ["m1"])])
    unit(data, "c2")["meeting"] = {"day": 5, "flex": 2}
    unit(data, "c2")["apart_from"] = ["c1"]
    _, res = optimal(data)
    assert all(meetings_of(res, "c2")[mo] != meetings_of(res, "c1")[mo] for mo in ("2026-03", "2026-04"))
    assert res.summary.terms["shift"] == 2
    plan = Plan(
        meetings={
            ("c1", "2026-03"): D("2026-03-05"),
            ("c1", "2026-04"): D("2026-04-05"),
            ("c2", "2026-03"): D("2026-03-05"),
            ("c2", "2026-04"): D("2026-04-06"),
        },
        attendance=frozenset({("m1", "c1", D("2026-03-05")), ("m1", "c1", D("2026-04-05"))}),
    )
    found = messages(data, plan)
    assert found == [
        "Chi bộ thôn 1 (c1) and Chi bộ thôn 2 (c2) both meet on 2026-03-05; the scenario says they never meet on "
        "the same day (apart_from)."
    ]


def test_apart_from_two_fixed_days_is_infeasible() -> None:
    data = base()
    unit(data, "c2")["meeting"] = {"day": 5}
    unit(data, "c1")["apart_from"] = ["c2"]
    infeasible(data)


def test_apart_from_unknown_or_itself_is_an_input_error() -> None:
    data = base()
    unit(data, "c1")["apart_from"] = ["c1", "c9"]
    with pytest.raises(InputError) as err:
        validate_mapping(data, "s.yaml")
    text = str(err.value)
    assert "'c1' is kept apart from itself" in text and "unknown unit 'c9'" in text


# ============================================================================================== persons and seats
def two_seats(**top) -> dict:
    """m1 sits on the commune committee dx and, as seat m3 of the same person, on the district committee hx
    (which holds no meeting); c1 and c2 both meet on the 5th."""
    data = base(**top)
    data["units"].insert(0, {"id": "hx", "name": "Huyện ủy Thử", "kind": "district_committee", "level": "district"})
    unit(data, "dx")["parent"] = "hx"
    unit(data, "c2")["meeting"] = {"day": 5, "flex": 1}
    data["members"].append({"id": "m3", "name": "Vi Văn Hùng", "committee": "hx", "person": "m1"})
    return data


def test_one_person_attends_one_meeting_a_day_across_seats() -> None:
    # seat m1 must attend c1 and seat m3 c2 each month: one person, so c2 moves off the 5th
    data = two_seats(
        attendance=[
            {"members": {"ids": ["m1"]}, "units": {"ids": ["c1"]}, "per": "month", "at_least": 1},
            {"members": {"ids": ["m3"]}, "units": {"ids": ["c2"]}, "per": "month", "at_least": 1},
        ]
    )
    _, res = optimal(data)
    assert res.summary.terms["shift"] == 2
    assert all(meetings_of(res, "c2")[mo] != meetings_of(res, "c1")[mo] for mo in ("2026-03", "2026-04"))


def test_an_attendance_counts_for_every_seat_that_may_attend() -> None:
    # both seats must attend c1 monthly: the person goes once a month, listed under both seats, one visit each
    data = two_seats(
        attendance=[{"members": {"ids": ["m1", "m3"]}, "units": {"ids": ["c1"]}, "per": "month", "at_least": 1}]
    )
    _, res = optimal(data)
    assert attendance_of(res) == {(s, "c1", D(f"2026-0{mo}-05")) for s in ("m1", "m3") for mo in (3, 4)}
    assert res.summary.terms["visit"] == 2
    assert least_visits(Instance(Scenario.model_validate(data))) == 2  # the bound counts the person once


def test_one_calendar_for_every_seat() -> None:
    data = two_seats(attendance=[{"members": {"ids": ["m1"]}, "units": {"ids": ["c1"]}, "per": "month", "at_least": 1}])
    member(data, "m3")["unavailable"] = [{"date": "2026-04-05", "reason": "họp huyện"}]
    infeasible(data)  # m3's busy day is m1's too: c1 meets only on the 5th


def test_verify_counts_one_person_once_a_day() -> None:
    data = two_seats(
        attendance=[
            {"members": {"ids": ["m1"]}, "units": {"ids": ["c1"]}, "per": "month", "at_least": 1},
            {"members": {"ids": ["m3"]}, "units": {"ids": ["c2"]}, "per": "month", "at_least": 1},
        ]
    )
    meetings = {(u, f"2026-0{mo}"): D(f"2026-0{mo}-05") for u in ("c1", "c2") for mo in (3, 4)}
    rows = {("m1", "c1", d) for (u, _), d in meetings.items() if u == "c1"}
    rows |= {("m3", "c2", d) for (u, _), d in meetings.items() if u == "c2"}
    found = messages(data, Plan(meetings=meetings, attendance=frozenset(rows)))
    assert [m for m in found if "meetings on 2026-03-05" in m] == [
        "Vi Văn Hùng (m1) attends 2 meetings on 2026-03-05: Chi bộ thôn 1 (c1) and Chi bộ thôn 2 (c2); the limit "
        "is 1 a day."
    ]


def test_two_seats_of_one_person_on_one_committee_is_an_input_error() -> None:
    data = base()
    data["members"].append({"id": "m3", "name": "Vi Văn Hùng", "committee": "dx", "person": "m1"})
    with pytest.raises(InputError, match="'m3' and 'm1' are both seats of 'm1' on the committee 'dx'"):
        validate_mapping(data, "s.yaml")


# ============================================================================================== sessions
def on_the_5th(s1: str | None, s2: str | None) -> dict:
    """c1 and c2 both meet on the 5th (no flex), in the sessions given; m1 must attend both every month."""
    data = base(coverage=[monthly(["c1", "c2"], ["m1"])])
    unit(data, "c1")["meeting"] = {"day": 5, **({"session": s1} if s1 else {})}
    unit(data, "c2")["meeting"] = {"day": 5, **({"session": s2} if s2 else {})}
    return data


def test_a_morning_and_an_evening_meeting_on_one_day() -> None:
    _, res = optimal(on_the_5th("morning", "evening"))
    assert len(attendance_of(res)) == 4


@pytest.mark.parametrize(("s1", "s2"), [("morning", "morning"), ("morning", None)])
def test_one_session_or_a_whole_day_meeting_clash(s1: str, s2: str | None) -> None:
    infeasible(on_the_5th(s1, s2))


def test_an_own_meeting_takes_only_its_session() -> None:
    data = base(coverage=[monthly(["c2"], ["m1"])])
    member(data, "m1")["home_cell"] = "c1"
    unit(data, "c1")["meeting"] = {"day": 5, "session": "morning"}
    unit(data, "c2")["meeting"] = {"day": 5, "session": "evening"}
    optimal(data)
    unit(data, "c2")["meeting"] = {"day": 5, "session": "morning"}
    infeasible(data)


def test_verify_counts_the_day_limit_per_session() -> None:
    data = on_the_5th("morning", "evening")
    meetings = {(u, f"2026-0{mo}"): D(f"2026-0{mo}-05") for u in ("c1", "c2") for mo in (3, 4)}
    rows = frozenset(("m1", u, d) for (u, _), d in meetings.items())
    assert messages(data, Plan(meetings=meetings, attendance=rows)) == []
    same = on_the_5th("evening", "evening")
    assert any(
        "attends 2 meetings on 2026-03-05" in m for m in messages(same, Plan(meetings=meetings, attendance=rows))
    )


# ============================================================================================== frequency, unit active
def test_a_quarterly_meeting_is_held_in_its_months_only() -> None:
    data = base(period={"start": "2026-03-01", "end": "2026-07-31"}, coverage=[monthly(["c1"], ["m1"])])
    unit(data, "c1")["meeting"] = {"day": 5, "frequency": "quarter"}  # January, April, July, October
    inst, res = optimal(data)
    assert sorted(meetings_of(res, "c1")) == ["2026-04", "2026-07"]
    assert {d for _, u, d in attendance_of(res) if u == "c1"} == {D("2026-04-05"), D("2026-07-05")}
    assert [s.scaled(1) for s in inst.slots("month", unit="c1")] == [0, 1, 0, 0, 1]


def test_months_choose_the_months_of_a_meeting() -> None:
    data = base()
    unit(data, "c1")["meeting"] = {"day": 5, "frequency": "quarter", "months": [3, 6, 9, 12]}
    inst = Instance(Scenario.model_validate(data))
    assert inst.candidate_days["c1", "2026-04"] == [] and inst.candidate_days["c1", "2026-03"] == [D("2026-03-05")]
    unit(data, "c1")["meeting"] = {"day": 5, "frequency": "quarter", "months": [1, 2, 7, 10]}
    with pytest.raises(ValueError, match="one month of each quarter"):
        Scenario.model_validate(data)


def test_a_unit_founded_in_april_meets_from_april() -> None:
    data = base(coverage=[{"units": {"ids": ["c2"]}, "by": {"ids": ["m1"]}, "per": "quarter", "at_least": 1}])
    unit(data, "c2")["active"] = {"from": "2026-04-01"}
    _, res = optimal(data)
    assert sorted(meetings_of(res, "c2")) == ["2026-04"]
    assert attendance_of(res) == {("m1", "c2", D("2026-04-10"))}


def test_verify_names_a_meeting_in_a_month_without_one() -> None:
    data = base()
    unit(data, "c2")["active"] = {"to": "2026-03-31"}
    meetings = dict(REGULAR)
    assert messages(data, Plan(meetings=meetings)) == [
        "The plan has Chi bộ thôn 2 (c2) meet on 2026-04-10, but it holds no meeting in 2026-04 (it holds "
        "meetings only from … to 2026-03-31)."
    ]


def test_a_pinned_attendance_in_a_month_without_a_meeting_is_an_input_error() -> None:
    data = base(fixed=[{"member": "m1", "unit": "c1", "month": "2026-04", "attend": True}])
    unit(data, "c1")["meeting"] = {"day": 5, "months": [3]}
    with pytest.raises(InputError, match="'c1' holds no meeting in 2026-04"):
        validate_mapping(data, "s.yaml")


# ============================================================================================== moved dates (re-plans)
def test_a_re_plan_keeps_the_baseline_dates_unless_forced() -> None:
    # c1 may meet on the 3rd to the 7th; the decision in force has it on the 6th (one day off its 5th)
    data = base(coverage=[monthly(["c1"], ["m1"])])
    unit(data, "c1")["meeting"] = {"day": 5, "flex": 2}
    meetings = on_the_6th()
    baseline = Plan(
        meetings=meetings, attendance=frozenset({("m1", "c1", D("2026-03-06")), ("m1", "c1", D("2026-04-06"))})
    )
    _, res = optimal(data, baseline)
    assert meetings_of(res, "c1") == {"2026-03": D("2026-03-06"), "2026-04": D("2026-04-06")}
    assert (res.summary.terms["moved"], res.summary.terms["shift"]) == (0, 2)
    # now m1 is away on 6 April: that meeting moves back to the 5th (one move), March stays
    member(data, "m1")["unavailable"] = [{"date": "2026-04-06"}]
    _, res = optimal(data, baseline)
    assert meetings_of(res, "c1") == {"2026-03": D("2026-03-06"), "2026-04": D("2026-04-05")}
    assert res.summary.terms["moved"] == 1


# ============================================================================================== teams, households
def test_a_work_team_takes_charge_together() -> None:
    # the team (leader m1, member m2) takes one cell; c2 needs two visits a month by members in charge of it
    data = base(
        teams=[
            {
                "id": "to-1",
                "name": "Tổ công tác số 1",
                "leader": "m1",
                "members": ["m2"],
                "units": {"kind": "residential"},
            }
        ],
        coverage=[{"units": {"ids": ["c2"]}, "by": {}, "per": "month", "at_least": 2, "in_charge": True}],
    )
    _, res = optimal(data)
    assert res.plan is not None and set(res.plan.charges) == {("m1", "c2"), ("m2", "c2")}
    assert res.summary.terms["visit"] == 4
    half = Plan(charges=frozenset({("m1", "c2")}), meetings=res.plan.meetings, attendance=res.plan.attendance)
    found = messages(data, half)
    assert any(
        "Of the work team Tổ công tác số 1, Vi Văn Hùng (m1) is in charge of Chi bộ thôn 2 (c2) but Lò Thị Mai (m2) "
        "not; a team takes charge together." == m
        for m in found
    ), found


def test_a_team_that_must_take_two_units_cannot_take_one() -> None:
    data = base(teams=[{"id": "to-1", "leader": "m1", "units": {"ids": ["c1"]}, "per_team": {"min": 2}}])
    infeasible(data)


def test_households_can_be_taken_charge_of() -> None:
    data = base(responsibility=[{"members": {"ids": ["m1"]}, "units": {"kind": "household"}, "basis": "ignore"}])
    data["units"] += [
        {"id": "hh-1", "name": "Hộ ông Lò Văn Pấn", "kind": "household", "parent": "c1"},
        {"id": "hh-2", "name": "Hộ bà Vi Thị Xuân", "kind": "household", "parent": "c1"},
    ]
    _, res = optimal(data)
    assert res.plan is not None and set(res.plan.charges) == {("m1", "hh-1"), ("m1", "hh-2")}
    assert not res.plan.attendance  # households hold no meetings


def test_a_team_naming_an_unknown_member_is_an_input_error() -> None:
    data = base(teams=[{"id": "to-1", "leader": "m1", "members": ["m9"], "units": {"ids": ["c1"]}}])
    with pytest.raises(InputError, match=r"teams\[0\]\.members\[0\]|unknown member 'm9'"):
        validate_mapping(data, "s.yaml")


def test_the_greedy_draft_reads_teams_persons_and_sessions() -> None:
    from planner.scale.greedy import run_greedy

    data = base(
        teams=[{"id": "to-1", "leader": "m1", "members": ["m2"], "units": {"kind": "residential"}}],
        attendance=[{"units": {"in_charge": True}, "per": "month", "at_least": 1}],
    )
    inst = Instance(Scenario.model_validate(data))
    res = run_greedy(inst)
    assert verify(inst, res.plan).ok
    assert set(res.plan.charges) == {("m1", "c1"), ("m2", "c1")}
