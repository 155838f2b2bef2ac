"""verify: every hard rule of the contract, checked on hand-written plans, and the objective recomputed.

The scenario is a commune committee (dx) with two residential cells (c1, c2) and a school cell (sc), and two
members; the planning window is 2026-Q1 unless a test says otherwise. Every expected number is worked out by
hand in the test, never taken from the planner.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest

from planner.checks.verify import FAMILIES, Report, Violation, objective_terms, verify
from planner.instance import Instance
from planner.io import plan_files, read_plan
from planner.plan import Plan
from planner.scenario import Scenario

D = dt.date.fromisoformat
Q1 = ("2026-01", "2026-02", "2026-03")

BASE: dict[str, Any] = {
    "name": "Đảng bộ xã Thử",
    "period": {"start": "2026-01-01", "end": "2026-03-31"},
    "calendar": {"public_holidays": "none"},
    "units": [
        {"id": "dx", "name": "Đảng ủy xã Thử", "kind": "commune_committee", "level": "commune", "meeting": {"day": 25}},
        {"id": "c1", "name": "Chi bộ thôn 1", "kind": "residential", "parent": "dx", "meeting": {"day": 5, "flex": 2}},
        {"id": "c2", "name": "Chi bộ thôn 2", "kind": "residential", "parent": "dx", "meeting": {"day": 10}},
        {"id": "sc", "name": "Chi bộ trường", "kind": "school", "parent": "dx", "meeting": {"day": 15}},
    ],
    "members": [
        {"id": "uv-1", "name": "Vi Văn Hùng", "committee": "dx", "roles": ["standing"], "residence": "c1"},
        {
            "id": "uv-2",
            "name": "Lò Thị Mai",
            "committee": "dx",
            "roles": ["executive"],
            "residence": "c2",
            "sectors": ["school"],
        },
    ],
    "responsibility": [
        {
            "id": "phu-trach",
            "members": {"committee": "dx"},
            "units": {"kind": ["residential", "school"]},
            "per_unit": {"min": 1, "max": 1},
            "per_member": {"max": 2},
        },
    ],
    "attendance": [
        {
            "id": "du-hang-thang",
            "members": {"committee": "dx"},
            "units": {"in_charge": True},
            "per": "month",
            "at_least": 1,
        },
    ],
}


def scenario_data() -> dict[str, Any]:
    return copy.deepcopy(BASE)


def unit(data: dict[str, Any], uid: str) -> dict[str, Any]:
    return next(u for u in data["units"] if u["id"] == uid)


def member(data: dict[str, Any], mid: str) -> dict[str, Any]:
    return next(m for m in data["members"] if m["id"] == mid)


def instance(data: dict[str, Any] | None = None) -> Instance:
    return Instance(Scenario.model_validate(data if data is not None else scenario_data()))


GOOD_CHARGES = frozenset({("uv-1", "c1"), ("uv-2", "c2"), ("uv-2", "sc")})


def good_meetings(months: tuple[str, ...] = Q1) -> dict[tuple[str, str], dt.date]:
    """Every unit on its preferred day, except c1 in February, moved one day (to the 6th, within flex 2)."""
    out = {}
    for mo in months:
        for uid, day in (("dx", 25), ("c1", 5), ("c2", 10), ("sc", 15)):
            out[uid, mo] = D(f"{mo}-{day:02d}")
    if ("c1", "2026-02") in out:
        out["c1", "2026-02"] = D("2026-02-06")
    return out


GOOD_ATTENDANCE = frozenset(
    {
        ("uv-1", "c1", D("2026-01-05")),
        ("uv-1", "c1", D("2026-02-06")),
        ("uv-1", "c1", D("2026-03-05")),
        ("uv-2", "c2", D("2026-01-10")),
        ("uv-2", "c2", D("2026-02-10")),
        ("uv-2", "c2", D("2026-03-10")),
        ("uv-2", "sc", D("2026-01-15")),
    }
)


def good_plan() -> Plan:
    return Plan(GOOD_CHARGES, good_meetings(), GOOD_ATTENDANCE)


def changed(
    plan: Plan, *, add_charges=(), drop_charges=(), meetings=None, drop_meetings=(), add_att=(), drop_att=()
) -> Plan:
    ms = dict(plan.meetings)
    ms.update(meetings or {})
    for key in drop_meetings:
        del ms[key]
    for row in drop_att:
        assert row in plan.attendance, row
    for pair in drop_charges:
        assert pair in plan.charges, pair
    return Plan(
        (plan.charges - frozenset(drop_charges)) | frozenset(add_charges),
        ms,
        (plan.attendance - frozenset(drop_att)) | frozenset(add_att),
    )


def families(report: Report) -> list[str]:
    return [v.family for v in report.violations]


def only(report: Report, family: str) -> Violation:
    assert families(report) == [family], [str(v) for v in report.violations]
    return report.violations[0]


# ---------------------------------------------------------------------------------------------- a correct plan
def test_correct_plan_has_no_violation_and_exact_terms() -> None:
    inst = instance()
    report = verify(inst, good_plan())
    assert report.ok, [str(v) for v in report.violations]
    assert report.violations == []
    # residence: uv-1 lives in c1, uv-2 in c2; sector: uv-2's sector school is sc's kind.
    # shift: c1 met on 6 Feb instead of 5 Feb. visit: 7 rows. balance: uv-1 counts 3, uv-2 counts 4.
    assert report.terms == {
        "residence": 2,
        "sector": 1,
        "shift": 1,
        "visit": 7,
        "balance": 1,
        "stability": 0,
        "moved": 0,
    }
    # default weights 10, 6, 1, 1, 2, 20
    assert report.objective == 10 * 2 + 6 * 1 - 1 * 1 - 1 * 7 - 2 * 1 == 16
    assert objective_terms(inst, good_plan()) == report.terms
    assert inst.scenario.weights.objective(report.terms) == 16


def test_plan_written_to_files_and_read_back_verifies_the_same(tmp_path) -> None:
    inst = instance()
    for name, text in plan_files(inst, good_plan()).items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    plan = read_plan(tmp_path)
    assert plan == good_plan()
    report = verify(inst, plan)
    assert report.ok
    assert report.objective == 16


def test_objective_value_uses_the_scenario_weights() -> None:
    data = scenario_data()
    data["weights"] = {"residence": 1, "sector": 2, "shift": 3, "visit": 4, "balance": 5, "stability": 6}
    terms = {"residence": 7, "sector": 5, "shift": 3, "visit": 11, "balance": 2, "stability": 1}
    assert instance(data).scenario.weights.objective(terms) == 7 + 10 - 9 - 44 - 10 - 6 == -52


# ---------------------------------------------------------------------------------------------- attendance quota
def test_attendance_removed_leaves_the_quota_one_short() -> None:
    plan = changed(good_plan(), drop_att=[("uv-1", "c1", D("2026-02-06"))])
    v = only(verify(instance(), plan), "attendance-quota")
    assert v.rule == "du-hang-thang"
    assert (v.member, v.unit, v.period, v.date) == ("uv-1", None, "2026-02", None)
    assert v.message == (
        "Vi Văn Hùng (uv-1) attends 0 meetings at units in its charge in 2026-02 under rule "
        "du-hang-thang; it asks at least 1."
    )


def test_at_most_of_an_attendance_rule_is_not_scaled() -> None:
    data = scenario_data()
    # per year in a 3-month window: at_least 2 scales to ceil(2 * 3 / 12) = 1, at_most 2 stays 2.
    data["attendance"].append(
        {
            "id": "ca-nam",
            "members": {"ids": ["uv-2"]},
            "units": {"kind": "residential"},
            "per": "year",
            "at_least": 2,
            "at_most": 2,
        }
    )
    report = verify(instance(data), good_plan())
    v = only(report, "attendance-quota")
    assert v.rule == "ca-nam" and v.period == "2026" and v.member == "uv-2"
    assert v.message == "Lò Thị Mai (uv-2) attends 3 meetings in 2026 under rule ca-nam; it allows at most 2."


def test_including_sub_count_short() -> None:
    """Yên Bái: 2 a quarter, 1 of them at the commune committee."""
    data = scenario_data()
    data["attendance"] = [
        {
            "id": "yen-bai",
            "members": {"committee": "dx"},
            "units": {"under": "dx"},
            "per": "quarter",
            "at_least": 2,
            "including": [{"units": {"kind": "commune_committee"}, "at_least": 1}],
        }
    ]
    plan = Plan(
        GOOD_CHARGES,
        good_meetings(),
        frozenset(
            {
                ("uv-1", "c1", D("2026-01-05")),
                ("uv-1", "c1", D("2026-02-06")),
                ("uv-2", "dx", D("2026-01-25")),
                ("uv-2", "c2", D("2026-02-10")),
            }
        ),
    )
    report = verify(instance(data), plan)
    v = only(report, "attendance-quota")
    assert (v.rule, v.member, v.period) == ("yen-bai", "uv-1", "2026-Q1")
    assert v.message == (
        "Vi Văn Hùng (uv-1) attends 0 meetings at Đảng ủy xã Thử (dx) in 2026-Q1 under rule "
        "yen-bai (including[1]); it asks at least 1."
    )
    # both members count 2 over the window
    assert report.terms["balance"] == 0


def test_proration_of_a_quarter_partly_inside_the_window() -> None:
    """Window 2026-02..2026-12: Q1 holds 2 of its 3 months, so at_least 3 becomes ceil(3 * 2 / 3) = 2."""
    data = scenario_data()
    data["period"] = {"start": "2026-02-01", "end": "2026-12-31"}
    data["attendance"] = [
        {"id": "ba-moi-quy", "members": {"ids": ["uv-1"]}, "units": {"ids": ["c1"]}, "per": "quarter", "at_least": 3}
    ]
    inst = instance(data)
    q1 = inst.slots("quarter")[0]
    assert (q1.label, q1.months, q1.scaled(3)) == ("2026-Q1", ("2026-02", "2026-03"), 2)
    months = tuple(inst.months)
    meetings = {
        (u, mo): D(f"{mo}-{day:02d}") for mo in months for u, day in (("dx", 25), ("c1", 5), ("c2", 10), ("sc", 15))
    }
    attendance = frozenset(("uv-1", "c1", D(f"{mo}-05")) for mo in months)
    plan = Plan(GOOD_CHARGES, meetings, attendance)
    assert verify(inst, plan).ok  # 2 in Q1, 3 in every other quarter
    short = changed(plan, drop_att=[("uv-1", "c1", D("2026-03-05"))])
    v = only(verify(inst, short), "attendance-quota")
    assert (v.rule, v.member, v.period) == ("ba-moi-quy", "uv-1", "2026-Q1")
    assert v.message == (
        "Vi Văn Hùng (uv-1) attends 1 meeting in 2026-Q1 under rule ba-moi-quy; it asks at least 2 "
        "(3 a quarter, scaled to the 2 of its 3 months inside the planning window, rounded up)."
    )
    short_q2 = changed(plan, drop_att=[("uv-1", "c1", D("2026-05-05"))])
    v = only(verify(inst, short_q2), "attendance-quota")
    assert v.period == "2026-Q2"
    assert v.message.endswith("attends 2 meetings in 2026-Q2 under rule ba-moi-quy; it asks at least 3.")


# ---------------------------------------------------------------------------------------------- meetings
def test_meeting_on_a_public_holiday_names_the_holiday() -> None:
    data = scenario_data()
    data["period"] = {"start": "2026-09-01", "end": "2026-09-30"}
    data["calendar"] = {"public_holidays": "VN"}
    unit(data, "c1")["meeting"] = {"day": 2, "flex": 2}
    inst = instance(data)
    assert inst.calendar.holidays[D("2026-09-02")] == "National Day"
    plan = Plan(
        GOOD_CHARGES,
        {
            ("dx", "2026-09"): D("2026-09-25"),
            ("c1", "2026-09"): D("2026-09-02"),
            ("c2", "2026-09"): D("2026-09-10"),
            ("sc", "2026-09"): D("2026-09-15"),
        },
        frozenset({("uv-1", "c1", D("2026-09-02")), ("uv-2", "c2", D("2026-09-10"))}),
    )
    v = only(verify(inst, plan), "meeting-date")
    assert (v.rule, v.unit, v.date, v.period) == ("meeting-date", "c1", D("2026-09-02"), "2026-09")
    assert v.message == (
        "Chi bộ thôn 1 (c1) meets on 2026-09-02, a public holiday (National Day); its possible "
        "days in 2026-09 are 2026-09-03, 2026-09-04."
    )


def test_meeting_dates_blackout_closed_weekday_and_flex_each_said_in_words() -> None:
    data = scenario_data()
    data["calendar"]["blackouts"] = [{"from": "2026-02-14", "to": "2026-02-22", "reason": "nghỉ Tết"}]
    unit(data, "dx")["meeting"] = {"day": 25, "flex": 3, "weekdays": ["mon", "tue", "wed", "thu", "fri"]}
    unit(data, "c2")["meeting"] = {"day": 10, "flex": 1}
    unit(data, "c2")["closed"] = [{"date": "2026-03-10", "reason": "hội nghị"}]
    unit(data, "sc")["meeting"] = {"day": 15, "flex": [0, 10]}
    plan = changed(
        good_plan(),
        meetings={
            ("dx", "2026-01"): D("2026-01-25"),  # a Sunday
            ("c1", "2026-01"): D("2026-01-08"),  # 3 days after the 5th, flex 2
            ("c2", "2026-03"): D("2026-03-10"),  # closed
            ("sc", "2026-02"): D("2026-02-16"),  # blackout
        },
        drop_att=[("uv-1", "c1", D("2026-01-05"))],
        add_att=[("uv-1", "c1", D("2026-01-08"))],
    )
    report = verify(instance(data), plan)
    assert families(report) == ["meeting-date"] * 4
    assert [v.unit for v in report.violations] == ["dx", "c1", "c2", "sc"]
    dx, c1, c2, sc = (v.message for v in report.violations)
    assert dx.startswith(
        "Đảng ủy xã Thử (dx) meets on 2026-01-25, a Sunday, and it meets only on mon, tue, wed, thu, fri;"
    )
    assert c1.startswith(
        "Chi bộ thôn 1 (c1) meets on 2026-01-08, outside the allowed days (preferred 2026-01-05, "
        "flex 2 days before and 2 after);"
    )
    assert c2 == (
        "Chi bộ thôn 2 (c2) meets on 2026-03-10, a day on which this unit does not meet (hội nghị); its "
        "possible days in 2026-03 are 2026-03-09, 2026-03-11."
    )
    assert sc == (
        "Chi bộ trường (sc) meets on 2026-02-16, a blackout day on which no meeting takes place "
        "(nghỉ Tết); its possible days in 2026-02 are 2026-02-23, 2026-02-24, 2026-02-25."
    )


def test_meeting_missing_for_a_month() -> None:
    plan = changed(good_plan(), drop_meetings=[("c2", "2026-02")])
    report = verify(instance(), plan)
    assert families(report) == ["meeting-missing", "attendance-date"]
    missing, row = report.violations
    assert (missing.unit, missing.period) == ("c2", "2026-02")
    assert missing.message == "Chi bộ thôn 2 (c2) holds no meeting in 2026-02; it meets every month."
    assert (row.member, row.unit, row.date) == ("uv-2", "c2", D("2026-02-10"))
    assert "has no meeting in 2026-02 in the plan" in row.message


def test_meetings_the_scenario_does_not_have() -> None:
    data = scenario_data()
    data["units"].append({"id": "to", "name": "Tổ công tác", "kind": "team", "parent": "dx"})
    plan = changed(
        good_plan(),
        meetings={
            ("zz", "2026-01"): D("2026-01-07"),
            ("to", "2026-01"): D("2026-01-08"),
            ("dx", "2026-04"): D("2026-04-25"),
        },
    )
    report = verify(instance(data), plan)
    assert families(report) == ["meeting-extra"] * 3
    by_unit = {v.unit: v.message for v in report.violations}
    assert by_unit["to"] == (
        "The plan has Tổ công tác (to) meet on 2026-01-08, but the scenario gives it no regular meeting."
    )
    assert "outside the planning window 2026-01..2026-03" in by_unit["dx"]
    assert "unit 'zz' (not in the scenario)" in by_unit["zz"]


def test_attendance_on_a_day_the_unit_does_not_meet() -> None:
    plan = changed(good_plan(), drop_att=[("uv-1", "c1", D("2026-03-05"))], add_att=[("uv-1", "c1", D("2026-03-06"))])
    v = only(verify(instance(), plan), "attendance-date")
    assert (v.member, v.unit, v.date) == ("uv-1", "c1", D("2026-03-06"))
    assert v.message == (
        "Vi Văn Hùng (uv-1) attends Chi bộ thôn 1 (c1) on 2026-03-06 but Chi bộ thôn 1 (c1) meets on 2026-03-05."
    )


# ---------------------------------------------------------------------------------------------- member's day
def test_two_meetings_on_one_day_for_one_member() -> None:
    data = scenario_data()
    unit(data, "sc")["meeting"] = {"day": 10}
    plan = changed(
        good_plan(),
        meetings={("sc", mo): D(f"{mo}-10") for mo in Q1},
        drop_att=[("uv-2", "sc", D("2026-01-15"))],
        add_att=[("uv-2", "sc", D("2026-01-10"))],
    )
    v = only(verify(instance(data), plan), "one-meeting-a-day")
    assert (v.member, v.date) == ("uv-2", D("2026-01-10"))
    assert v.message == (
        "Lò Thị Mai (uv-2) attends 2 meetings on 2026-01-10: Chi bộ thôn 2 (c2) and Chi bộ trường "
        "(sc); the limit is 1 a day."
    )
    data["limits"] = {"meetings_per_day": 2}
    assert verify(instance(data), plan).ok


def test_unavailable_day() -> None:
    data = scenario_data()
    member(data, "uv-1")["unavailable"] = [{"from": "2026-02-01", "to": "2026-02-10", "reason": "học tập trung"}]
    v = only(verify(instance(data), good_plan()), "unavailable")
    assert (v.member, v.unit, v.date) == ("uv-1", "c1", D("2026-02-06"))
    assert v.message == (
        "Vi Văn Hùng (uv-1) attends Chi bộ thôn 1 (c1) on 2026-02-06, a day the member is unavailable (học tập trung)."
    )


def test_own_committee_meeting_day() -> None:
    data = scenario_data()
    unit(data, "dx")["meeting"] = {"day": 10}
    plan = changed(good_plan(), meetings={("dx", mo): D(f"{mo}-10") for mo in Q1})
    report = verify(instance(data), plan)
    assert families(report) == ["own-meeting"] * 3
    assert [(v.member, v.unit, v.date) for v in report.violations] == [("uv-2", "c2", D(f"{mo}-10")) for mo in Q1]
    assert report.violations[0].message == (
        "Lò Thị Mai (uv-2) attends Chi bộ thôn 2 (c2) on 2026-01-10, the day its committee Đảng ủy xã Thử (dx) meets."
    )
    data["limits"] = {"own_meetings_busy": False}
    assert verify(instance(data), plan).ok


def test_own_home_cell_meeting_day() -> None:
    data = scenario_data()
    member(data, "uv-1")["home_cell"] = "c2"
    plan = changed(good_plan(), meetings={("c1", "2026-03"): D("2026-03-10")})  # outside c1's flex, too
    plan = changed(plan, drop_att=[("uv-1", "c1", D("2026-03-05"))], add_att=[("uv-1", "c1", D("2026-03-10"))])
    report = verify(instance(data), plan)
    assert families(report) == ["meeting-date", "own-meeting"]
    v = report.violations[1]
    assert v.message == (
        "Vi Văn Hùng (uv-1) attends Chi bộ thôn 1 (c1) on 2026-03-10, the day its home cell Chi bộ thôn 2 (c2) meets."
    )


def test_max_per_month() -> None:
    data = scenario_data()
    member(data, "uv-2")["max_per_month"] = 1
    v = only(verify(instance(data), good_plan()), "max-per-month")
    assert (v.member, v.period) == ("uv-2", "2026-01")
    assert v.message == "Lò Thị Mai (uv-2) attends 2 meetings in 2026-01; the member's max_per_month is 1."


# ---------------------------------------------------------------------------------------------- eligibility
def test_attendance_needs_a_rule_and_in_charge_needs_a_charge() -> None:
    plan = changed(good_plan(), add_att=[("uv-2", "c1", D("2026-01-05")), ("uv-1", "dx", D("2026-01-25"))])
    report = verify(instance(), plan)
    assert families(report) == ["eligibility", "eligibility"]
    outsider, not_in_charge = report.violations
    assert (outsider.member, outsider.unit, outsider.date) == ("uv-1", "dx", D("2026-01-25"))
    assert outsider.message == (
        "Vi Văn Hùng (uv-1) attends Đảng ủy xã Thử (dx) on 2026-01-25, but no attendance or "
        "coverage rule with at_least ≥ 1 selects this member and unit, and no fixed item "
        "asks for it."
    )
    assert (not_in_charge.member, not_in_charge.unit) == ("uv-2", "c1")
    assert not_in_charge.message == (
        "Lò Thị Mai (uv-2) attends Chi bộ thôn 1 (c1) on 2026-01-05, but the rules let "
        "only members in charge of Chi bộ thôn 1 (c1) or of a unit above it attend, and "
        "Lò Thị Mai (uv-2) is not."
    )
    # the in_charge attendance does not count towards uv-2's quota: 3 + 1 at c2 and sc, 0 at c1
    assert report.terms["balance"] == 1


def test_in_charge_of_a_unit_above_counts() -> None:
    """A member in charge of the commune committee is in charge of every cell below it."""
    data = scenario_data()
    data["fixed"] = [{"member": "uv-1", "unit": "dx", "charge": True}]
    plan = changed(good_plan(), add_charges=[("uv-1", "dx")], add_att=[("uv-1", "c2", D("2026-01-10"))])
    report = verify(instance(data), plan)
    assert report.ok, [str(v) for v in report.violations]
    assert report.terms["balance"] == 0  # uv-1: 3 at c1 + 1 at c2; uv-2: 3 at c2 + 1 at sc


# ---------------------------------------------------------------------------------------------- charges
def test_charge_outside_every_rule() -> None:
    plan = changed(good_plan(), add_charges=[("uv-1", "dx")])
    v = only(verify(instance(), plan), "charge-outside-rules")
    assert (v.rule, v.member, v.unit) == ("charge-outside-rules", "uv-1", "dx")
    assert v.message == (
        "Vi Văn Hùng (uv-1) is in charge of Đảng ủy xã Thử (dx), which no responsibility rule and no "
        "fixed item allows: no responsibility rule selects both this member and this unit."
    )


def test_charge_of_own_cell_and_without_basis() -> None:
    data = scenario_data()
    data["responsibility"][0]["own_cell"] = "forbid"
    member(data, "uv-1")["home_cell"] = "c1"
    data["units"].append({"id": "cq", "name": "Chi bộ cơ quan xã", "kind": "agency", "parent": "dx"})
    # uv-1 lives in c1, not in or below cq, and has no sector: the rule that selects cq does not allow it
    data["responsibility"].append(
        {
            "id": "theo-linh-vuc",
            "members": {"ids": ["uv-1"]},
            "units": {"ids": ["cq"]},
            "basis": "require",
            "per_unit": {"min": 0},
        }
    )
    plan = changed(good_plan(), add_charges=[("uv-1", "cq")])
    report = verify(instance(data), plan)
    charges = [v for v in report.violations if v.family == "charge-outside-rules"]
    assert [(v.member, v.unit) for v in charges] == [("uv-1", "c1"), ("uv-1", "cq")]
    assert charges[0].message.endswith("rule phu-trach forbids taking charge of one's own home cell.")
    assert charges[1].message.endswith(
        "rule theo-linh-vuc requires the member to live in or below the unit or to "
        "work in its sector, and neither holds."
    )
    # c1's only charge does not count under phu-trach, which forbids it
    per_unit = [v for v in report.violations if v.family == "per-unit"]
    assert [(v.rule, v.unit) for v in per_unit] == [("phu-trach", "c1")]


def test_per_unit_min_and_max() -> None:
    inst = instance()
    too_few = changed(good_plan(), drop_charges=[("uv-2", "sc")], drop_att=[("uv-2", "sc", D("2026-01-15"))])
    v = only(verify(inst, too_few), "per-unit")
    assert (v.rule, v.unit) == ("phu-trach", "sc")
    assert v.message == "Chi bộ trường (sc) has 0 members in charge under rule phu-trach; it asks at least 1."
    too_many = changed(good_plan(), add_charges=[("uv-1", "c2")])
    v = only(verify(inst, too_many), "per-unit")
    assert (v.rule, v.unit) == ("phu-trach", "c2")
    assert v.message == "Chi bộ thôn 2 (c2) has 2 members in charge under rule phu-trach; it allows at most 1."


def test_per_member_max_and_min() -> None:
    data = scenario_data()
    data["responsibility"][0]["per_member"] = {"max": 1}
    v = only(verify(instance(data), good_plan()), "per-member")
    assert (v.rule, v.member) == ("phu-trach", "uv-2")
    assert v.message == "Lò Thị Mai (uv-2) is in charge of 2 units under rule phu-trach; it allows at most 1."
    data["responsibility"][0]["per_member"] = {"min": 2}
    v = only(verify(instance(data), good_plan()), "per-member")
    assert (v.rule, v.member) == ("phu-trach", "uv-1")
    assert v.message == "Vi Văn Hùng (uv-1) is in charge of 1 unit under rule phu-trach; it asks at least 2."


# ---------------------------------------------------------------------------------------------- coverage
def test_coverage_at_most_exceeded_and_at_least_short() -> None:
    data = scenario_data()
    data["coverage"] = [
        {"id": "toi-da", "units": {"ids": ["c1"]}, "by": {}, "per": "quarter", "at_most": 2},
        {"id": "truong", "units": {"ids": ["sc"]}, "by": {}, "per": "month", "at_least": 1, "in_charge": True},
    ]
    report = verify(instance(data), good_plan())
    assert families(report) == ["coverage"] * 3
    most, feb, mar = report.violations
    assert (most.rule, most.unit, most.period) == ("toi-da", "c1", "2026-Q1")
    assert most.message == "Chi bộ thôn 1 (c1) gets 3 attendances in 2026-Q1 under rule toi-da; it allows at most 2."
    assert [(v.rule, v.unit, v.period) for v in (feb, mar)] == [
        ("truong", "sc", "2026-02"),
        ("truong", "sc", "2026-03"),
    ]
    assert feb.message == (
        "Chi bộ trường (sc) gets 0 attendances by members in charge in 2026-02 under rule truong; it asks at least 1."
    )


def test_coverage_in_charge_ignores_members_not_in_charge() -> None:
    data = scenario_data()
    data["coverage"] = [
        {"id": "c1-hang-thang", "units": {"ids": ["c1"]}, "by": {}, "per": "month", "at_least": 1, "in_charge": True}
    ]
    # uv-2 attends c1 in February instead of uv-1: eligible only while in charge, and not counted
    plan = changed(good_plan(), drop_att=[("uv-1", "c1", D("2026-02-06"))], add_att=[("uv-2", "c1", D("2026-02-06"))])
    report = verify(instance(data), plan)
    assert families(report) == ["eligibility", "attendance-quota", "coverage"]
    assert report.violations[2].message == (
        "Chi bộ thôn 1 (c1) gets 0 attendances by members in charge in 2026-02 "
        "under rule c1-hang-thang; it asks at least 1."
    )


# ---------------------------------------------------------------------------------------------- fixed
def test_fixed_pins_not_honoured() -> None:
    data = scenario_data()
    data["fixed"] = [
        {"member": "uv-1", "unit": "c1", "charge": False},
        {"member": "uv-2", "unit": "dx", "charge": True},
        {"member": "uv-2", "unit": "sc", "month": "2026-02", "attend": True},
        {"member": "uv-1", "unit": "c1", "month": "2026-03", "attend": False},
        {"unit": "c2", "month": "2026-01", "date": "2026-01-12"},
    ]
    report = verify(instance(data), good_plan())
    assert families(report) == ["fixed"] * 5
    got = {(v.member, v.unit, v.period): v.message for v in report.violations}
    assert got == {
        (None, "c2", "2026-01"): "A fixed item pins the 2026-01 meeting of Chi bộ thôn 2 (c2) to 2026-01-12, but the "
        "plan has it meet on 2026-01-10.",
        ("uv-1", "c1", None): "A fixed item keeps Vi Văn Hùng (uv-1) from being in charge of Chi bộ thôn 1 (c1), but "
        "the plan puts them in charge.",
        ("uv-1", "c1", "2026-03"): "A fixed item keeps Vi Văn Hùng (uv-1) from attending the meeting of Chi bộ thôn 1 "
        "(c1) in 2026-03, but the plan has them attend it.",
        ("uv-2", "dx", None): "A fixed item puts Lò Thị Mai (uv-2) in charge of Đảng ủy xã Thử (dx), but the plan "
        "does not.",
        ("uv-2", "sc", "2026-02"): "A fixed item asks Lò Thị Mai (uv-2) to attend the meeting of Chi bộ trường (sc) "
        "in 2026-02, but the plan does not.",
    }
    assert [v.member for v in report.violations] == [None, "uv-1", "uv-1", "uv-2", "uv-2"]


def test_fixed_pins_allow_what_rules_do_not() -> None:
    data = scenario_data()
    data["fixed"] = [
        {"member": "uv-2", "unit": "dx", "charge": True},  # a charge no rule selects
        {"member": "uv-1", "unit": "sc", "month": "2026-02", "attend": True},  # uv-1 is not in charge of sc
        {"unit": "c1", "month": "2026-01", "date": "2026-01-20"},  # outside c1's flex: the pin wins
    ]
    plan = changed(
        good_plan(),
        add_charges=[("uv-2", "dx")],
        meetings={("c1", "2026-01"): D("2026-01-20")},
        drop_att=[("uv-1", "c1", D("2026-01-05"))],
        add_att=[("uv-1", "c1", D("2026-01-20")), ("uv-1", "sc", D("2026-02-15"))],
    )
    report = verify(instance(data), plan)
    assert report.ok, [str(v) for v in report.violations]
    assert report.terms["shift"] == 15 + 1  # c1 in January: 20 - 5; in February: 6 - 5


# ---------------------------------------------------------------------------------------------- objective terms
def test_balance_term_with_two_members() -> None:
    data = scenario_data()
    data["attendance"] += [
        # a rule with one member adds nothing
        {"id": "solo", "members": {"ids": ["uv-1"]}, "units": {}, "per": "year", "at_most": 12},
        # uv-1 attends sc 0 times, uv-2 3 times: 3
        {"id": "truong", "members": {"committee": "dx"}, "units": {"ids": ["sc"]}, "per": "year", "at_most": 5},
    ]
    plan = changed(good_plan(), add_att=[("uv-2", "sc", D("2026-02-15")), ("uv-2", "sc", D("2026-03-15"))])
    report = verify(instance(data), plan)
    assert report.ok, [str(v) for v in report.violations]
    # du-hang-thang: uv-1 3 (c1), uv-2 6 (c2, sc): 3; solo: 0; truong: 3 - 0 = 3
    assert report.terms["balance"] == 6
    assert report.terms["visit"] == 9
    assert report.objective == 10 * 2 + 6 * 1 - 1 - 9 - 2 * 6 == 4


def test_stability_term_against_a_baseline() -> None:
    inst = instance()
    baseline = good_plan()
    plan = changed(
        baseline,
        drop_charges=[("uv-2", "sc")],
        add_charges=[("uv-1", "sc")],
        meetings={("c1", "2026-02"): D("2026-02-05")},
        drop_att=[("uv-2", "sc", D("2026-01-15")), ("uv-1", "c1", D("2026-02-06"))],
        # the February visit to c1 moves with the meeting: same (member, unit, month), no change counted
        add_att=[("uv-1", "sc", D("2026-01-15")), ("uv-1", "c1", D("2026-02-05"))],
    )
    assert verify(inst, plan).terms["stability"] == 0
    report = verify(inst, plan, baseline)
    assert report.ok, [str(v) for v in report.violations]
    # charges: (uv-2, sc) gone, (uv-1, sc) new: 2; attendance (m, u, month): (uv-2, sc, 01) gone, (uv-1, sc, 01) new: 2
    # (uv-1, sc) has no basis: uv-1 lives in c1 and has no sector. balance: uv-1 4, uv-2 3.
    # the February meeting of c1 moved from the 6th to the 5th: one moved meeting
    assert report.terms == {
        "residence": 2,
        "sector": 0,
        "shift": 0,
        "visit": 7,
        "balance": 1,
        "stability": 4,
        "moved": 1,
    }
    assert report.objective == 10 * 2 - 7 - 2 * 1 - 20 * 4 - 5 * 1 == -74
    assert verify(inst, baseline, baseline).terms["stability"] == 0


# ---------------------------------------------------------------------------------------------- order
def test_violations_come_in_family_then_member_order_and_repeat_exactly() -> None:
    data = scenario_data()
    member(data, "uv-2")["max_per_month"] = 1
    member(data, "uv-1")["unavailable"] = [{"date": "2026-03-05"}]
    plan = changed(
        good_plan(),
        add_charges=[("uv-1", "dx")],
        drop_meetings=[("sc", "2026-03")],
        drop_att=[("uv-2", "c2", D("2026-02-10"))],
        add_att=[("uv-2", "c1", D("2026-01-05"))],
    )
    inst = instance(data)
    first, second = verify(inst, plan), verify(inst, plan)
    assert first.violations == second.violations
    fams = families(first)
    assert fams == sorted(fams, key=FAMILIES.index)
    assert fams == [
        "charge-outside-rules",
        "meeting-missing",
        "eligibility",
        "unavailable",
        "max-per-month",
        "attendance-quota",
    ]
    assert [(v.member, v.unit, v.date, v.period) for v in first.violations] == [
        ("uv-1", "dx", None, None),
        (None, "sc", None, "2026-03"),
        ("uv-2", "c1", D("2026-01-05"), None),
        ("uv-1", "c1", D("2026-03-05"), None),
        ("uv-2", None, None, "2026-01"),
        ("uv-2", None, None, "2026-02"),
    ]
    assert str(first.violations[3]) == (
        "[unavailable] Vi Văn Hùng (uv-1) attends Chi bộ thôn 1 (c1) on 2026-03-05, a "
        "day the member is unavailable (unavailable)."
    )


def test_unknown_ids_in_a_hand_written_plan() -> None:
    plan = changed(good_plan(), add_charges=[("uv-9", "c1")], add_att=[("uv-1", "c9", D("2026-01-07"))])
    report = verify(instance(), plan)
    assert families(report) == ["charge-outside-rules", "eligibility"]
    assert "member 'uv-9' (not in the scenario)" in report.violations[0].message
    assert report.violations[1].message == (
        "The plan has Vi Văn Hùng (uv-1) attend unit 'c9' (not in the scenario) on "
        "2026-01-07, but the unit is not in the scenario."
    )


@pytest.mark.parametrize("family", FAMILIES)
def test_violation_family_defaults_to_rule(family: str) -> None:
    v = Violation(family, "text")
    assert v.family == family and v.member is None and v.period is None
