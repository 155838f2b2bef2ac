"""The generator's dates: the Tết table and its blackout, meeting specs widened until every month of the window
has a possible day, and personal unavailability (trainings, trips, members who never meet on weekends)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from planner.calendar import Calendar, month_days
from planner.scenario import Conflict, Meeting

# Tết (lunar new year's day): the blackout is the days around it, as in the examples (−3 .. +5).
TET = {
    2024: dt.date(2024, 2, 10),
    2025: dt.date(2025, 1, 29),
    2026: dt.date(2026, 2, 17),
    2027: dt.date(2027, 2, 6),
    2028: dt.date(2028, 1, 26),
    2029: dt.date(2029, 2, 13),
    2030: dt.date(2030, 2, 3),
}

WEEKDAYS_ONLY = ["mon", "tue", "wed", "thu", "fri"]


def tet_blackouts(year: int, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """The Tết blackout of ``year`` clipped to the window (none for a year not in `TET` or outside it)."""
    tet = TET.get(year)
    if tet is None:
        return []
    a, b = tet - dt.timedelta(days=3), tet + dt.timedelta(days=5)
    if b < start or a > end:
        return []
    return [{"from": max(a, start), "to": min(b, end), "reason": "nghỉ Tết Nguyên Đán"}]


def meeting_spec(
    calendar: Calendar,
    month_list: list[str],
    day: int,
    flex: int | list[int],
    weekdays: list[str] | None = None,
    closed: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A meeting with a possible day in every month: widen ``flex`` until each month has one."""
    fl = flex
    for _ in range(10):
        spec = {"day": day, "flex": fl} if fl not in (0, [0, 0]) else {"day": day}
        if weekdays:
            spec["weekdays"] = weekdays
        meeting = Meeting.model_validate(spec)
        closed_c = tuple(Conflict.model_validate(c) for c in closed or ())
        if all(calendar.candidates(meeting, closed_c, mo) for mo in month_list):
            return spec
        fl = [0, 3] if fl in (0, [0, 0]) else ([fl[0] + 1, fl[1] + 1] if isinstance(fl, list) else fl + 1)
    raise AssertionError(f"no flex gives every month a meeting day (day {day})")  # pragma: no cover


def unavailable(rng: random.Random, month_list: list[str], sectors: bool) -> list[Any]:
    """Trainings (a week or so), trips (single days), and some who never meet on weekends."""
    r, out = rng, []
    if r.random() < 0.15:
        mo = r.choice([m for m in month_list if not m.endswith("-02")] or month_list)
        days = month_days(mo)
        first = r.randrange(0, max(1, len(days) - 10))
        length = r.randint(4, 9)
        out.append(
            {
                "from": days[first],
                "to": days[min(first + length, len(days) - 1)],
                "reason": r.choice(["học tập trung", "bồi dưỡng lý luận chính trị", "tập huấn"]),
            }
        )
    if r.random() < 0.12:
        for _ in range(r.randint(1, 3)):
            mo = r.choice(month_list)
            out.append({"date": r.choice(month_days(mo)), "reason": "công tác"})
    if not sectors and r.random() < 0.05:
        out.append({"weekdays": ["sat", "sun"], "reason": "không họp cuối tuần"})
    out.sort(key=lambda c: str(c.get("date") or c.get("from") or ""))
    return out
