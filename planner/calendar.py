"""Calendar facts: months and periods of the planning window, public holidays, and candidate meeting days.

Months are ``"YYYY-MM"`` strings throughout the planner (the plan files use the same form). A period is a
calendar month, quarter, half or year; one that lies only partly inside the window scales every ``at_least``
by the share of its months inside, rounded up (``at_most`` is not scaled).
"""

from __future__ import annotations

import calendar as _cal
import datetime as dt
import math
from dataclasses import dataclass
from functools import cached_property

import holidays as _holidays

from planner.scenario import WEEKDAYS, Conflict, Meeting

Month = str


def month_of(day: dt.date) -> Month:
    return f"{day.year:04d}-{day.month:02d}"


def month_days(month: Month) -> list[dt.date]:
    y, m = int(month[:4]), int(month[5:7])
    return [dt.date(y, m, d) for d in range(1, _cal.monthrange(y, m)[1] + 1)]


def months_between(start: dt.date, end: dt.date) -> list[Month]:
    out, y, m = [], start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def preferred_date(meeting: Meeting, month: Month) -> dt.date:
    """The meeting's ``day`` in this month, clipped to the month's last day."""
    days = month_days(month)
    return days[min(meeting.day, len(days)) - 1]


@dataclass(frozen=True)
class PeriodSlot:
    """One calendar period (``2026-03``, ``2026-Q1``, ``2026-H1``, ``2026``) met by the planning window."""

    per: str
    label: str
    months: tuple[Month, ...]  # the period's months that lie inside the window
    total_months: int  # all of its calendar months
    serving: int | None = None  # for one member: the months of the period it serves (None: all inside)

    @property
    def share(self) -> tuple[int, int]:
        return (len(self.months) if self.serving is None else self.serving), self.total_months

    def scaled(self, at_least: int) -> int:
        """``at_least`` prorated to the part of the period inside the window, rounded up."""
        inside, total = self.share
        return math.ceil(at_least * inside / total)


def period_label(per: str, month: Month) -> str:
    y, m = int(month[:4]), int(month[5:7])
    if per == "month":
        return month
    if per == "quarter":
        return f"{y}-Q{(m - 1) // 3 + 1}"
    if per == "half":
        return f"{y}-H{(m - 1) // 6 + 1}"
    return f"{y}"


PERIOD_MONTHS = {"month": 1, "quarter": 3, "half": 6, "year": 12}


def period_slots(per: str, months: list[Month]) -> list[PeriodSlot]:
    groups: dict[str, list[Month]] = {}
    for mo in months:
        groups.setdefault(period_label(per, mo), []).append(mo)
    return [PeriodSlot(per, label, tuple(mos), PERIOD_MONTHS[per]) for label, mos in groups.items()]


class Calendar:
    """Which days a meeting may take place on, for the whole window."""

    def __init__(self, start: dt.date, end: dt.date, public_holidays: str, blackouts: tuple[Conflict, ...]):
        self.start, self.end = start, end
        self.months = months_between(start, end)
        self.holidays: dict[dt.date, str] = {}
        if public_holidays.lower() != "none":
            years = range(start.year, end.year + 1)
            for day, name in sorted(_holidays.country_holidays(public_holidays, years=years).items()):
                if start <= day <= end:
                    self.holidays[day] = name
        self.blackouts = blackouts

    @staticmethod
    def country_known(code: str) -> bool:
        if code.lower() == "none":
            return True
        try:
            _holidays.country_holidays(code, years=2026)
        except NotImplementedError:
            return False
        return True

    @cached_property
    def blocked(self) -> dict[dt.date, str]:
        """Days on which no meeting takes place anywhere, with the reason."""
        out = dict(self.holidays)
        for mo in self.months:
            for day in month_days(mo):
                for c in self.blackouts:
                    if day not in out and c.covers(day):
                        out[day] = c.reason or "blackout"
        return out

    def day_blocked_for(self, day: dt.date, closed: tuple[Conflict, ...]) -> str | None:
        """Why a unit with these ``closed`` days cannot meet on ``day`` (None: it can)."""
        if day in self.blocked:
            return self.blocked[day]
        for c in closed:
            if c.covers(day):
                return c.reason or "closed"
        return None

    def candidates(self, meeting: Meeting, closed: tuple[Conflict, ...], month: Month) -> list[dt.date]:
        """Possible days of a regular meeting in ``month``, nearest to the preferred day first, then earlier.
        With ``flex_when: blocked`` the meeting leaves its day only when that day is blocked; with ``next``,
        then only to the nearest allowed day."""
        pref = preferred_date(meeting, month)
        before, after = meeting.flex
        out = []
        for day in month_days(month):
            delta = (day - pref).days
            if not -before <= delta <= after:
                continue
            if meeting.weekdays is not None and WEEKDAYS[day.weekday()] not in meeting.weekdays:
                continue
            if self.day_blocked_for(day, closed) is None:
                out.append(day)
        out.sort(key=lambda d: (abs((d - pref).days), d))
        if meeting.flex_when != "always" and pref in out:
            return [pref]
        if meeting.flex_when == "next":
            return out[:1]
        return out
