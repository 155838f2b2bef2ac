"""Freezing the months already lived: re-plan the rest of the year from an existing decision.

`freeze(scenario, baseline, until)` returns the scenario with the baseline's meeting dates and attendances of
every month up to ``until`` pinned (`fixed` items) and ``frozen_until`` set, so those months are taken as they
were — the model makes no decision for them (only pinned attendances exist there) and ``verify`` flags any
other attendance in them — while their attendances still count toward quotas of periods that span the freeze.
"""

from __future__ import annotations

from planner.calendar import month_of
from planner.errors import InputError, Problem
from planner.instance import Instance
from planner.plan import Plan
from planner.scenario import MONTH_PATTERN, FixedAttendance, FixedDate, Scenario


def freeze(scenario: Scenario, baseline: Plan, until: str) -> Scenario:
    if not MONTH_PATTERN.fullmatch(until):
        raise InputError.one(
            "--freeze-until", None, None, f"'{until}' is not a month", "write it as YYYY-MM, e.g. 2026-06"
        )
    units = {u.id: u for u in scenario.units}
    members = {m.id for m in scenario.members}
    first = f"{scenario.start.year:04d}-{scenario.start.month:02d}"
    if until < first:
        return scenario
    pins: list = []
    dropped = 0
    problems: list[Problem] = []
    inst = Instance(scenario)
    for (uid, mo), day in sorted(baseline.meetings.items()):
        if mo <= until and mo >= first and uid in units and units[uid].meeting is not None:
            allowed = inst.candidate_days.get((uid, mo), [])
            if month_of(day) != mo or (day not in allowed and (uid, mo) not in inst.pinned_dates):
                shown = ", ".join(str(d) for d in sorted(allowed)[:8]) + (", …" if len(allowed) > 8 else "")
                problems.append(
                    Problem(
                        "--freeze-until",
                        None,
                        f"meeting of {uid} in {mo}",
                        f"the baseline has it on {day}, a day it may not meet (its possible days: {shown or 'none'}); "
                        "frozen as it is, the plan would break the scenario's rules",
                        "correct that date in the baseline's meetings.csv, or freeze fewer months",
                    )
                )
                continue
            pins.append(FixedDate(unit=uid, month=mo, date=day))
    if problems:
        raise InputError(problems)
    for mid, uid, day in sorted(baseline.attendance, key=lambda a: (a[2], a[0], a[1])):
        mo = month_of(day)
        if not (first <= mo <= until):
            continue
        if mid in members and uid in units:
            pins.append(FixedAttendance(member=mid, unit=uid, month=mo, attend=True))
        else:
            dropped += 1  # a member or unit that no longer exists: that history does not count any more
    frozen_keys = {(f.unit, f.month) for f in pins if isinstance(f, FixedDate)}
    frozen_att = {(f.member, f.unit, f.month) for f in pins if isinstance(f, FixedAttendance)}
    kept = tuple(
        f
        for f in scenario.fixed
        if not (isinstance(f, FixedDate) and (f.unit, f.month) in frozen_keys)
        and not (isinstance(f, FixedAttendance) and (f.member, f.unit, f.month) in frozen_att)
    )
    return scenario.model_copy(update={"fixed": kept + tuple(pins), "frozen_until": until})
