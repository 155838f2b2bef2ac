"""Polish a plan's dates: move a meeting nearer its day when everybody it concerns is free then.

A plan merged from parts solved with little time each (`planner.decompose`) often holds meetings farther from
their day than it must. `polish_dates` moves each meeting, one at a time, to the candidate day of least shift
that keeps every rule: its attendees are available that day, attend no more than ``meetings_per_day``
meetings then, and (with ``own_meetings_busy``) have no meeting of their own that day; the members whose own
meeting it is attend nothing else that day; no unit kept apart from it (``apart_from``) meets that day.
Charges and attendances (member, unit, month) do not change, so quotas, coverage, balance and stability do
not either: the objective only gains. It repeats until no meeting moves. Pinned dates have one candidate day
and never move.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from planner.calendar import Month, month_of
from planner.instance import Instance
from planner.plan import Plan


def polish_dates(inst: Instance, plan: Plan) -> tuple[Plan, int]:
    """The plan with meetings moved nearer their day where every rule allows it, and the shift days saved."""
    limits = inst.scenario.limits
    meetings: dict[tuple[str, Month], dt.date] = dict(plan.meetings)
    attendees: dict[tuple[str, Month], list[str]] = defaultdict(list)
    busy: Counter[tuple[str, dt.date]] = Counter()  # (member, day): meetings attended
    for m, u, d in sorted(plan.attendance):
        attendees[u, month_of(d)].append(m)
        busy[m, d] += 1
    owners: dict[str, list[str]] = defaultdict(list)
    for mid in inst.members:
        for own in inst.own_units(mid):
            owners[own].append(mid)

    def own_days(m: str, mo: Month, but: str) -> set[dt.date]:
        return {meetings[o, mo] for o in inst.own_units(m) if o != but and (o, mo) in meetings}

    apart: dict[str, list[str]] = defaultdict(list)  # units that never meet on the same day (apart_from)
    for a, b in inst.apart_pairs:
        apart[a].append(b)
        apart[b].append(a)

    def allowed(u: str, mo: Month, day: dt.date) -> bool:
        if any(meetings.get((w, mo)) == day for w in apart[u]):
            return False
        for m in attendees[u, mo]:
            if inst.unavailable(m, day) is not None or busy[m, day] + 1 > limits.meetings_per_day:
                return False
            if limits.own_meetings_busy and day in own_days(m, mo, u):
                return False
        if limits.own_meetings_busy:
            for m in owners[u]:
                if busy[m, day]:  # (its own attendance of u, if any, is still on the old day)
                    return False
        return True

    saved = 0
    moved = True
    while moved:
        moved = False
        for (u, mo), day in sorted(meetings.items()):
            now = inst.shift(u, day)
            if now == 0:
                continue
            for better in sorted(inst.candidate_days[u, mo], key=lambda d: (inst.shift(u, d), d)):
                if inst.shift(u, better) >= now:
                    break
                if allowed(u, mo, better):
                    for m in attendees[u, mo]:
                        busy[m, day] -= 1
                        busy[m, better] += 1
                    meetings[u, mo] = better
                    saved += now - inst.shift(u, better)
                    moved = True
                    break
    if not saved:
        return plan, 0
    attendance = frozenset((m, u, meetings[u, month_of(d)]) for m, u, d in plan.attendance)
    return Plan(plan.charges, meetings, attendance), saved
