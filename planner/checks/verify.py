"""Check any plan against every hard rule of the scenario, and recompute its objective.

The plan may come from the planner, from the contract files of an earlier run, or from a spreadsheet typed by
hand. The checks are written from the scenario format (``scenario-format.md``), never from the optimisation
model, so that they catch the model's mistakes as well as a drafter's. Each violation is a full English
sentence naming the member and the unit (name and id), the date or the period, and the numbers involved.

One function per rule family, run in this order (which is also the order of the report):

==========================  ===============================================================================
family                      rule
==========================  ===============================================================================
``charge-outside-rules``    a charge no responsibility rule (nor a fixed item) allows
``fixed``                   a pin the plan does not honour (charge, attendance or meeting date)
``per-unit``                a unit with too few or too many members in charge under a responsibility rule
``per-member``              a member in charge of too few or too many units under a responsibility rule
``meeting-missing``         a unit with a ``meeting`` that holds none in some month
``meeting-date``            a meeting on a day it may not take place (holiday, blackout, closed, weekday, flex)
``meeting-extra``           a meeting of an unknown unit, of a unit without ``meeting``, or outside the window
``attendance-date``         an attendance on a day the unit does not meet
``eligibility``             an attendance no rule (nor a fixed item) allows
``unavailable``             an attendance on a day the member is unavailable
``one-meeting-a-day``       more attendances on one day than ``limits.meetings_per_day``
``own-meeting``             an attendance elsewhere on a day the member's committee or home cell meets
``max-per-month``           more attendances in a month than the member's ``max_per_month``
``attendance-quota``        an attendance rule's count (or an ``including`` sub-count) out of bounds
``coverage``                a coverage rule's count out of bounds
==========================  ===============================================================================

``Violation.rule`` is the scenario rule's id (``du-hang-thang``, or ``attendance[2]`` when it has none) for
the families that belong to one rule (``per-unit``, ``per-member``, ``attendance-quota``, ``coverage``), and the
family name for the others; ``Violation.family`` is always the family name.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from planner.calendar import Month, PeriodSlot, month_of
from planner.instance import CountSpec, Instance
from planner.plan import Plan, PlanView
from planner.scenario import WEEKDAYS, AttendanceRule, CoverageRule, FixedAttendance, FixedCharge, FixedDate

FAMILIES = (
    "charge-outside-rules",
    "fixed",
    "per-unit",
    "per-member",
    "team",
    "meeting-missing",
    "meeting-date",
    "meeting-extra",
    "apart-from",
    "attendance-date",
    "frozen",
    "eligibility",
    "unavailable",
    "one-meeting-a-day",
    "own-meeting",
    "max-per-month",
    "attendance-quota",
    "coverage",
)

_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Violation:
    """One broken rule, said in words. ``family`` defaults to ``rule``."""

    rule: str
    message: str
    member: str | None = None
    unit: str | None = None
    date: dt.date | None = None
    period: str | None = None
    family: str = ""

    def __post_init__(self) -> None:
        if not self.family:
            object.__setattr__(self, "family", self.rule)

    def __str__(self) -> str:
        return f"[{self.rule}] {self.message}"


@dataclass
class Report:
    violations: list[Violation]
    terms: dict[str, int]
    objective: int

    @property
    def ok(self) -> bool:
        return not self.violations


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


class _Checker:
    """The plan, indexed once, and one method per rule family."""

    def __init__(self, instance: Instance, plan: Plan):
        self.inst, self.plan = instance, plan
        self.found: list[tuple[tuple, Violation]] = []
        inst = instance
        # Attendance rows naming a known member and a known unit, in date, member, unit order; the count-based
        # checks read only these (rows with unknown ids are reported once, under eligibility).
        self.rows = sorted(
            ((m, u, d) for m, u, d in plan.attendance if m in inst.members and u in inst.units),
            key=lambda r: (r[2], inst.member_order[r[0]], inst.unit_order[r[1]]),
        )
        self.view = PlanView(inst, plan)
        self.by_member: dict[str, list[tuple[str, dt.date]]] = defaultdict(list)
        self.by_unit: dict[str, list[tuple[str, dt.date]]] = defaultdict(list)
        self.by_person: dict[str, list[tuple[str, dt.date]]] = defaultdict(list)  # under the person's first seat
        for m, u, d in self.rows:
            self.by_member[m].append((u, d))
            self.by_unit[u].append((m, d))
            rows = self.by_person[inst.seats_of(m)[0]]
            if (u, d) not in rows:  # a person attending through two seats goes to the meeting once
                rows.append((u, d))

    # ------------------------------------------------------------------------------------------ words
    def member_name(self, mid: str) -> str:
        m = self.inst.members.get(mid)
        return f"{m.name} ({mid})" if m is not None else f"member '{mid}' (not in the scenario)"

    def unit_name(self, uid: str) -> str:
        u = self.inst.units.get(uid)
        return f"{u.name} ({uid})" if u is not None else f"unit '{uid}' (not in the scenario)"

    def units_phrase(self, units: Iterable[str]) -> str:
        ordered = sorted(units, key=lambda u: self.inst.unit_order.get(u, len(self.inst.unit_order)))
        if not ordered:
            return "no unit"
        if len(ordered) <= 3:
            return " or ".join(self.unit_name(u) for u in ordered)
        return f"the {len(ordered)} units it selects"

    @staticmethod
    def prorated(slot: PeriodSlot, at_least: int) -> str:
        inside, total = slot.share
        need = slot.scaled(at_least)
        if inside == total or need == at_least:
            return ""
        if slot.serving is not None:
            return f" ({at_least} a {slot.per}, scaled to the {inside} of its {total} months the member serves, rounded up)"
        return (
            f" ({at_least} a {slot.per}, scaled to the {inside} of its {total} months inside the planning "
            f"window, rounded up)"
        )

    # ------------------------------------------------------------------------------------------ recording
    def add(self, v: Violation, rule_pos: int = 0, period_pos: int = 0) -> None:
        inst = self.inst
        big = len(inst.member_order) + len(inst.unit_order)
        key = (
            FAMILIES.index(v.family),
            rule_pos,
            (-1, "") if v.member is None else (inst.member_order.get(v.member, big), v.member),
            (-1, "") if v.unit is None else (inst.unit_order.get(v.unit, big), v.unit),
            v.date or dt.date.min,
            period_pos,
            v.message,
        )
        self.found.append((key, v))

    def violations(self) -> list[Violation]:
        return [v for _, v in sorted(self.found, key=lambda kv: kv[0])]

    # ------------------------------------------------------------------------------------------ facts
    def in_charge(self, mid: str, uid: str) -> bool:
        """The member is in charge of the unit (of the scenario), or of a unit above it."""
        return self.view.in_charge(mid, uid)

    def counts(self, mid: str, spec: CountSpec, months: Iterable[Month]) -> int:
        """The member's attendances that ``spec`` counts in ``months``."""
        return self.view.member_count(mid, spec, months)

    # ------------------------------------------------------------------------------------------ charges
    def check_charges(self) -> None:
        """Responsibility: every charge is allowed by some responsibility rule, or by a fixed charge."""
        inst = self.inst
        allowed = set(inst.charge_pairs)
        for mid, uid in self.plan.charges:
            if mid not in inst.members or uid not in inst.units:
                unknown = [self.member_name(mid)] if mid not in inst.members else []
                unknown += [self.unit_name(uid)] if uid not in inst.units else []
                self.add(
                    Violation(
                        "charge-outside-rules",
                        f"The plan puts {self.member_name(mid)} in charge of {self.unit_name(uid)}, but "
                        f"{' and '.join(unknown)} is not in the scenario.",
                        mid,
                        uid,
                    )
                )
                continue
            if (mid, uid) in allowed:
                continue
            reasons = []
            for rule in inst.scenario.responsibility:
                if mid not in inst.select_members(rule.members) or uid not in inst.select_units(rule.units):
                    continue
                rid = inst.rule_id(rule)
                if rule.basis == "require" and inst.basis(mid, uid) == "none":
                    reasons.append(
                        f"rule {rid} requires the member to live in or below the unit or to work in "
                        f"its sector, and neither holds"
                    )
                if rule.own_cell == "forbid" and inst.members[mid].home_cell == uid:
                    reasons.append(f"rule {rid} forbids taking charge of one's own home cell")
            why = "; ".join(reasons) if reasons else "no responsibility rule selects both this member and this unit"
            self.add(
                Violation(
                    "charge-outside-rules",
                    f"{self.member_name(mid)} is in charge of {self.unit_name(uid)}, which no responsibility rule "
                    f"and no fixed item allows: {why}.",
                    mid,
                    uid,
                )
            )

    def check_teams(self) -> None:
        """Work teams: all of a team's people in charge of a unit, or none; per_team.min..max units."""
        inst = self.inst
        for pos, team in enumerate(inst.scenario.teams):
            name = team.name or team.id
            taken = 0
            for u in inst.team_units(team):
                inside = [m for m in team.everyone if (m, u) in self.plan.charges]
                if inside and len(inside) < len(team.everyone):
                    out = [m for m in team.everyone if m not in inside]
                    self.add(
                        Violation(
                            "team",
                            f"Of the work team {name}, {', '.join(self.member_name(m) for m in inside)} "
                            f"{'is' if len(inside) == 1 else 'are'} in charge of {self.unit_name(u)} but "
                            f"{', '.join(self.member_name(m) for m in out)} not; a team takes charge together.",
                            inside[0],
                            u,
                        ),
                        pos,
                    )
                taken += len(inside) == len(team.everyone)
            lo, hi = team.per_team.min or 0, team.per_team.max
            if taken < lo or (hi is not None and taken > hi):
                want = f"{lo}" if lo == hi else f"{lo} to {hi}" if hi is not None else f"at least {lo}"
                self.add(
                    Violation(
                        "team",
                        f"The work team {name} is in charge of {_plural(taken, 'unit')}; it takes {want}.",
                        team.leader,
                    ),
                    pos,
                )

    def check_fixed(self) -> None:
        """Fixed: every pin on a charge, an attendance or a meeting date holds."""
        inst, plan = self.inst, self.plan
        attended = {(m, u, month_of(d)) for m, u, d in plan.attendance}
        for f in inst.scenario.fixed:
            if isinstance(f, FixedCharge):
                has = (f.member, f.unit) in plan.charges
                if f.charge and not has:
                    self.add(
                        Violation(
                            "fixed",
                            f"A fixed item puts {self.member_name(f.member)} in charge of "
                            f"{self.unit_name(f.unit)}, but the plan does not.",
                            f.member,
                            f.unit,
                        )
                    )
                elif not f.charge and has:
                    self.add(
                        Violation(
                            "fixed",
                            f"A fixed item keeps {self.member_name(f.member)} from being in charge of "
                            f"{self.unit_name(f.unit)}, but the plan puts them in charge.",
                            f.member,
                            f.unit,
                        )
                    )
            elif isinstance(f, FixedAttendance):
                has = (f.member, f.unit, f.month) in attended
                if f.attend and not has:
                    self.add(
                        Violation(
                            "fixed",
                            f"A fixed item asks {self.member_name(f.member)} to attend the meeting of "
                            f"{self.unit_name(f.unit)} in {f.month}, but the plan does not.",
                            f.member,
                            f.unit,
                            period=f.month,
                        )
                    )
                elif not f.attend and has:
                    self.add(
                        Violation(
                            "fixed",
                            f"A fixed item keeps {self.member_name(f.member)} from attending the meeting of "
                            f"{self.unit_name(f.unit)} in {f.month}, but the plan has them attend it.",
                            f.member,
                            f.unit,
                            period=f.month,
                        )
                    )
            elif isinstance(f, FixedDate):
                day = plan.meetings.get((f.unit, f.month))
                if day is not None and day != f.date:
                    self.add(
                        Violation(
                            "fixed",
                            f"A fixed item pins the {f.month} meeting of {self.unit_name(f.unit)} to "
                            f"{f.date}, but the plan has it meet on {day}.",
                            unit=f.unit,
                            date=day,
                            period=f.month,
                        )
                    )

    def check_responsibility(self) -> None:
        """Responsibility: each selected unit gets per_unit members in charge, each member per_member units."""
        inst = self.inst
        for pos, rule in enumerate(inst.scenario.responsibility):
            rid = inst.rule_id(rule)
            pairs = set(inst.responsibility_pairs(rule)) & self.plan.charges
            per_unit: dict[str, int] = defaultdict(int)
            per_member: dict[str, int] = defaultdict(int)
            for mid, uid in pairs:
                per_unit[uid] += 1
                per_member[mid] += 1
            lo, hi = rule.unit_min, rule.per_unit.max
            for uid in inst.select_units(rule.units):
                n = per_unit[uid]
                head = f"{self.unit_name(uid)} has {_plural(n, 'member')} in charge under rule {rid}"
                if n < lo:
                    self.add(Violation(rid, f"{head}; it asks at least {lo}.", unit=uid, family="per-unit"), pos)
                if hi is not None and n > hi:
                    self.add(Violation(rid, f"{head}; it allows at most {hi}.", unit=uid, family="per-unit"), pos)
            lo, hi = rule.member_min, rule.per_member.max
            for mid in inst.select_members(rule.members):
                k = per_member[mid]
                head = f"{self.member_name(mid)} is in charge of {_plural(k, 'unit')} under rule {rid}"
                if k < lo:
                    self.add(Violation(rid, f"{head}; it asks at least {lo}.", mid, family="per-member"), pos)
                if hi is not None and k > hi:
                    self.add(Violation(rid, f"{head}; it allows at most {hi}.", mid, family="per-member"), pos)

    # ------------------------------------------------------------------------------------------ meetings
    def why_not(self, uid: str, day: dt.date) -> str:
        """Why a unit's meeting may not be held on ``day`` (a day of the right month, not a candidate)."""
        inst = self.inst
        unit = inst.units[uid]
        meeting = unit.meeting
        assert meeting is not None
        cal = inst.calendar
        if day in cal.holidays:
            return f"a public holiday ({cal.holidays[day]})"
        blocked = cal.day_blocked_for(day, unit.closed)
        if blocked is not None:
            if day in cal.blocked:
                return f"a blackout day on which no meeting takes place ({blocked})"
            return f"a day on which this unit does not meet ({blocked})"
        if meeting.weekdays is not None and WEEKDAYS[day.weekday()] not in meeting.weekdays:
            return f"a {_DAY_NAMES[day.weekday()]}, and it meets only on {', '.join(meeting.weekdays)}"
        before, after = meeting.flex
        pref = inst.preferred(uid, month_of(day))
        if meeting.flex_when != "always" and -before <= (day - pref).days <= after:
            allowed = inst.candidate_days.get((uid, month_of(day)), [])
            if pref in allowed:
                return f"not its day {pref}, which is free (it moves only when its day is blocked)"
            return f"not the nearest allowed day to its blocked day {pref}"
        return f"outside the allowed days (preferred {pref}, flex {before} days before and {after} after)"

    def check_meetings(self) -> None:
        """Meetings: each unit with a meeting meets once a month, on one of its possible days."""
        inst, plan = self.inst, self.plan
        window = set(inst.months)
        for (uid, mo), day in plan.meetings.items():
            if uid not in inst.units:
                self.add(
                    Violation(
                        "meeting-extra",
                        f"The plan has {self.unit_name(uid)} meet on {day}.",
                        unit=uid,
                        date=day,
                        period=mo,
                    )
                )
            elif inst.units[uid].meeting is None:
                self.add(
                    Violation(
                        "meeting-extra",
                        f"The plan has {self.unit_name(uid)} meet on {day}, but the scenario gives it "
                        f"no regular meeting.",
                        unit=uid,
                        date=day,
                        period=mo,
                    )
                )
            elif mo not in window:
                self.add(
                    Violation(
                        "meeting-extra",
                        f"The plan has {self.unit_name(uid)} meet on {day} in {mo}, outside the "
                        f"planning window {inst.months[0]}..{inst.months[-1]}.",
                        unit=uid,
                        date=day,
                        period=mo,
                    )
                )
            elif month_of(day) != mo:
                self.add(
                    Violation(
                        "meeting-date",
                        f"The {mo} meeting of {self.unit_name(uid)} is dated {day}, which is not in {mo}.",
                        unit=uid,
                        date=day,
                        period=mo,
                    )
                )
            elif (uid, mo) in inst.pinned_dates:
                pass  # the pin overrides the calendar; a date other than the pin is reported under fixed
            elif not inst.candidate_days[uid, mo]:
                self.add(
                    Violation(
                        "meeting-extra",
                        f"The plan has {self.unit_name(uid)} meet on {day}, but it holds no meeting in {mo} "
                        f"({inst.why_no_meeting(uid, mo)}).",
                        unit=uid,
                        date=day,
                        period=mo,
                    )
                )
            elif day not in inst.candidate_days[uid, mo]:
                allowed = sorted(inst.candidate_days[uid, mo])
                shown = ", ".join(str(d) for d in allowed[:8]) + (", …" if len(allowed) > 8 else "")
                self.add(
                    Violation(
                        "meeting-date",
                        f"{self.unit_name(uid)} meets on {day}, {self.why_not(uid, day)}; its "
                        f"possible days in {mo} are {shown or 'none'}.",
                        unit=uid,
                        date=day,
                        period=mo,
                    )
                )
        for u, w in inst.apart_pairs:
            for mo in inst.months:
                day = plan.meetings.get((u, mo))
                if day is not None and plan.meetings.get((w, mo)) == day:
                    self.add(
                        Violation(
                            "apart-from",
                            f"{self.unit_name(u)} and {self.unit_name(w)} both meet on {day}; the scenario says "
                            f"they never meet on the same day (apart_from).",
                            unit=u,
                            date=day,
                            period=mo,
                        )
                    )
        for uid, mo in inst.meeting_slots:
            if (uid, mo) not in plan.meetings:
                how = "every month" if uid not in inst.part_time_units else f"in {mo}"
                self.add(
                    Violation(
                        "meeting-missing",
                        f"{self.unit_name(uid)} holds no meeting in {mo}; it meets {how}.",
                        unit=uid,
                        period=mo,
                    )
                )

    # ------------------------------------------------------------------------------------------ attendance rows
    def check_attendance_rows(self) -> None:
        """Attendance: each row is a real meeting, the member may attend it, and is free that day."""
        inst, plan = self.inst, self.plan
        for mid, uid, day in sorted(plan.attendance, key=lambda r: (r[2], r[0], r[1])):
            who, where = self.member_name(mid), self.unit_name(uid)
            if mid not in inst.members or uid not in inst.units:
                self.add(
                    Violation(
                        "eligibility",
                        f"The plan has {who} attend {where} on {day}, but "
                        f"{'the member' if mid not in inst.members else 'the unit'} is "
                        f"not in the scenario.",
                        mid,
                        uid,
                        day,
                    )
                )
                continue
            mo = month_of(day)
            held = plan.meetings.get((uid, mo))
            if inst.units[uid].meeting is None:
                self.add(
                    Violation(
                        "attendance-date",
                        f"{who} attends {where} on {day}, but {where} holds no regular meeting.",
                        mid,
                        uid,
                        day,
                    )
                )
            elif held is None:
                self.add(
                    Violation(
                        "attendance-date",
                        f"{who} attends {where} on {day}, but {where} has no meeting in {mo} in the plan.",
                        mid,
                        uid,
                        day,
                    )
                )
            elif held != day:
                self.add(
                    Violation(
                        "attendance-date", f"{who} attends {where} on {day} but {where} meets on {held}.", mid, uid, day
                    )
                )
            source = inst.attend_sources.get((mid, uid))
            if inst.units[uid].meeting is not None and not inst.attendance_allowed(
                mid, uid, mo, self.in_charge(mid, uid)
            ):
                if source == "in_charge":
                    why = (
                        f"the rules let only members in charge of {where} or of a unit above it attend, and "
                        f"{who} is not"
                    )
                else:
                    why = (
                        "no attendance or coverage rule with at_least ≥ 1 selects this member and unit, "
                        "and no fixed item asks for it"
                    )
                self.add(Violation("eligibility", f"{who} attends {where} on {day}, but {why}.", mid, uid, day))
            if inst.is_frozen(mo) and inst.fixed_attendance.get((mid, uid, mo)) is not True:
                self.add(
                    Violation(
                        "frozen",
                        f"{who} attends {where} on {day}, but {mo} is frozen (up to "
                        f"{inst.scenario.frozen_until}) and this attendance is not one of "
                        f"its pinned attendances.",
                        mid,
                        uid,
                        day,
                    )
                )
            reason = inst.unavailable(mid, day)
            if reason is not None:
                self.add(
                    Violation(
                        "unavailable",
                        f"{who} attends {where} on {day}, a day the member is unavailable ({reason}).",
                        mid,
                        uid,
                        day,
                    )
                )

    def check_per_day(self) -> None:
        """Limits: a member attends at most meetings_per_day meetings a day."""
        inst = self.inst
        limit = inst.scenario.limits.meetings_per_day
        for mid, rows in self.by_person.items():
            by_day: dict[dt.date, list[str]] = defaultdict(list)
            for uid, day in rows:
                by_day[day].append(uid)
            for day, all_units in by_day.items():
                mo = month_of(day)
                sessions = sorted({s for u in all_units if (s := inst.session_of(u, mo)) is not None})
                # per session where meetings give one (a meeting without a session takes the whole day)
                groups = [[u for u in all_units if inst.same_time(inst.session_of(u, mo), s)] for s in sessions] or [
                    all_units
                ]
                units = max(groups, key=len)
                if len(units) > limit:
                    names = ", ".join(self.unit_name(u) for u in units[:-1]) + " and " + self.unit_name(units[-1])
                    self.add(
                        Violation(
                            "one-meeting-a-day",
                            f"{self.member_name(mid)} attends {len(units)} meetings on {day}: "
                            f"{names}; the limit is {limit} a day.",
                            mid,
                            None,
                            day,
                        )
                    )

    def check_own_meetings(self) -> None:
        """Limits: with own_meetings_busy, no other meeting on a day the member's committee or home cell meets."""
        inst = self.inst
        for mid, rows in self.by_person.items():
            seats = [inst.members[s] for s in inst.seats_of(mid)]
            for own in inst.own_units(mid):
                what = "its committee" if any(own == m.committee for m in seats) else "its home cell"
                days = {d for (u, _mo), d in self.plan.meetings.items() if u == own}
                for uid, day in rows:
                    same = inst.same_time(inst.session_of(uid, month_of(day)), inst.session_of(own, month_of(day)))
                    if uid != own and day in days and same:
                        self.add(
                            Violation(
                                "own-meeting",
                                f"{self.member_name(mid)} attends {self.unit_name(uid)} on {day}, the "
                                f"day {what} {self.unit_name(own)} meets.",
                                mid,
                                uid,
                                day,
                            )
                        )

    def check_max_per_month(self) -> None:
        """Members: at most max_per_month attendances in any month."""
        for mid, rows in self.by_member.items():
            cap = self.inst.members[mid].max_per_month
            if cap is None:
                continue
            per_month: dict[Month, int] = defaultdict(int)
            for _uid, day in rows:
                per_month[month_of(day)] += 1
            for mo in sorted(per_month):
                if per_month[mo] > cap:
                    self.add(
                        Violation(
                            "max-per-month",
                            f"{self.member_name(mid)} attends {per_month[mo]} meetings in {mo}; "
                            f"the member's max_per_month is {cap}.",
                            mid,
                            period=mo,
                        )
                    )

    # ------------------------------------------------------------------------------------------ quotas
    def check_count(
        self,
        n: int,
        rule: AttendanceRule | CoverageRule,
        slot: PeriodSlot,
        head: str,
        order: tuple[int, int],
        family: str,
        member: str | None = None,
        unit: str | None = None,
    ) -> None:
        """A quota's or a coverage rule's count ``n`` in one period against its at_least (prorated) and
        at_most; ``head`` says whose count it is."""
        rid = self.inst.rule_id(rule)
        need = slot.scaled(rule.at_least)
        if n < need:
            text = f"{head}; it asks at least {need}{self.prorated(slot, rule.at_least)}."
            self.add(Violation(rid, text, member, unit, period=slot.label, family=family), *order)
        if rule.at_most is not None and n > rule.at_most:
            text = f"{head}; it allows at most {rule.at_most}."
            self.add(Violation(rid, text, member, unit, period=slot.label, family=family), *order)

    def check_attendance_rules(self) -> None:
        """Attendance: each member's count per period lies in [at_least (prorated), at_most], with sub-counts."""
        inst = self.inst
        for pos, rule in enumerate(inst.scenario.attendance):
            rid = inst.rule_id(rule)
            for mid, spec in inst.attendance_counts(rule).items():
                includes = inst.including_counts(rule, mid)
                who = self.member_name(mid)
                for ppos, slot in enumerate(inst.slots(rule.per, mid)):
                    n = self.counts(mid, spec, slot.months)
                    charge = " at units in its charge" if spec.in_charge else ""
                    head = f"{who} attends {_plural(n, 'meeting')}{charge} in {slot.label} under rule {rid}"
                    self.check_count(n, rule, slot, head, (pos, ppos), "attendance-quota", member=mid)
                    for i, (inc, ispec) in enumerate(zip(rule.including, includes), start=1):
                        k = self.counts(mid, ispec, slot.months)
                        ineed = slot.scaled(inc.at_least)
                        if k < ineed:
                            charge = " while in charge" if ispec.in_charge else ""
                            self.add(
                                Violation(
                                    rid,
                                    f"{who} attends {_plural(k, 'meeting')} at {self.units_phrase(ispec.units)}"
                                    f"{charge} in {slot.label} under rule {rid} (including[{i}]); it asks at least "
                                    f"{ineed}{self.prorated(slot, inc.at_least)}.",
                                    mid,
                                    period=slot.label,
                                    family="attendance-quota",
                                ),
                                pos,
                                ppos,
                            )

    def check_coverage(self) -> None:
        """Coverage: each unit's attendances by the selected members per period lie in [at_least, at_most]."""
        inst = self.inst
        for pos, rule in enumerate(inst.scenario.coverage):
            rid = inst.rule_id(rule)
            units, by, in_charge = inst.coverage_spec(rule)
            for uid in units:
                for ppos, slot in enumerate(inst.slots(rule.per, unit=uid)):
                    n = self.view.unit_count(uid, inst.coverage_by(rule, uid, by), in_charge, slot.months)
                    whom = " by members in charge" if in_charge else ""
                    head = (
                        f"{self.unit_name(uid)} gets {_plural(n, 'attendance')}{whom} in {slot.label} under rule {rid}"
                    )
                    self.check_count(n, rule, slot, head, (pos, ppos), "coverage", unit=uid)

    def run(self) -> list[Violation]:
        self.check_charges()
        self.check_teams()
        self.check_fixed()
        self.check_responsibility()
        self.check_meetings()
        self.check_attendance_rows()
        self.check_per_day()
        self.check_own_meetings()
        self.check_max_per_month()
        self.check_attendance_rules()
        self.check_coverage()
        return self.violations()


# ---------------------------------------------------------------------------------------------- objective
def objective_terms(instance: Instance, plan: Plan, baseline: Plan | None = None) -> dict[str, int]:
    """Each objective term's value for this plan (before weights), recomputed from the scenario."""
    inst = instance
    rewarded = [p for p in plan.charges if p in inst.rewarded_pairs]
    residence = sum(1 for m, u in rewarded if inst.basis(m, u) == "residence")
    sector = sum(1 for m, u in rewarded if inst.basis(m, u) == "sector")
    shift = sum(
        inst.shift(u, d)
        for (u, _mo), d in plan.meetings.items()
        if u in inst.units and inst.units[u].meeting is not None
    )
    visit = len({(inst.person_of(m) if m in inst.members else m, u, d) for m, u, d in plan.attendance})

    checker = _Checker(inst, plan)
    balance = 0
    for rule in inst.scenario.attendance:
        specs = inst.balanced_counts(rule)
        if len(specs) < 2:
            continue
        counts = [checker.counts(mid, spec, inst.months) for mid, spec in specs.items()]
        balance += max(counts) - min(counts)

    stability = 0
    if baseline is not None:
        stability = len(plan.charges ^ baseline.charges)
        ours = {(m, u, month_of(d)) for m, u, d in plan.attendance}
        theirs = {(m, u, month_of(d)) for m, u, d in baseline.attendance}
        stability += len(ours ^ theirs)
    moved = 0
    if baseline is not None:
        moved = sum(
            1
            for (u, mo), day in plan.meetings.items()
            if u in inst.units and inst.candidate_days.get((u, mo)) and baseline.meetings.get((u, mo), day) != day
        )
    return {
        "residence": residence,
        "sector": sector,
        "shift": shift,
        "visit": visit,
        "balance": balance,
        "stability": stability,
        "moved": moved,
    }


def verify(instance: Instance, plan: Plan, baseline: Plan | None = None) -> Report:
    """Every hard rule the plan breaks, in a fixed order, and its objective recomputed from the scenario."""
    violations = _Checker(instance, plan).run()
    terms = objective_terms(instance, plan, baseline)
    return Report(violations, terms, instance.scenario.weights.objective(terms))
