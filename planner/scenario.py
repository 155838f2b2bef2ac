"""Validated, immutable scenario data (scenario format v1, with the additions of format v2).

These models are the only shape the rest of the planner sees: the loader (`planner.loader`) turns YAML and
table files into them, and everything downstream (calendar, model, verify, outputs) reads them. Every model is
frozen and forbids unknown keys, so a typo in a scenario file is an error rather than a silently ignored field.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ROLES = ("secretary", "deputy_secretary", "standing", "executive", "leader")
LEVELS = ("province", "district", "commune")
PERIODS = ("month", "quarter", "half", "year")
YEARS = (1900, 2200)  # the years a scenario's year or period may lie in (the holiday tables reach that far)
MAX_PERIOD_MONTHS = 60  # the longest period a scenario may plan (a five-year term of office)
MONTH_PATTERN = re.compile(r"\d{4}-(0[1-9]|1[0-2])")  # a month, "YYYY-MM" (match it whole)
COMMITTEE_KINDS = ("province_committee", "district_committee", "commune_committee")
SESSIONS = ("morning", "afternoon", "evening")
TIME_PATTERN = re.compile(r"([01]\d|2[0-3]):[0-5]\d")  # a time of day, "HH:MM" (match it whole)

StrList = tuple[str, ...]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


def _as_tuple(value: Any) -> Any:
    """A scalar or a list in the file becomes a tuple (``roles: standing`` == ``roles: [standing]``)."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return tuple(value)
    return (value,)


def _check_weekdays(values: tuple[str, ...] | None) -> tuple[str, ...] | None:
    if values is None:
        return None
    out = []
    for v in values:
        w = str(v).strip().lower()
        if w not in WEEKDAYS:
            raise ValueError(f"'{v}' is not a weekday; use one of {', '.join(WEEKDAYS)}")
        out.append(w)
    return tuple(out)


def _check_time(value: str | None) -> str | None:
    if value is not None and not TIME_PATTERN.fullmatch(value):
        raise ValueError(f"'{value}' is not a time of day; write it as HH:MM, e.g. 07:30 or 19:30")
    return value


# ---------------------------------------------------------------------------------------------- dates
class Conflict(Frozen):
    """A date, a range of dates, or weekdays, on which something does not happen."""

    date: dt.date | None = None
    from_: dt.date | None = Field(default=None, alias="from")
    to: dt.date | None = None
    weekdays: StrList | None = None
    reason: str | None = None

    _tuple = field_validator("weekdays", mode="before")(_as_tuple)

    @model_validator(mode="before")
    @classmethod
    def _bare_date(cls, v: Any) -> Any:
        """A bare date in a list of conflicts (``- 2026-03-08``) is short for ``{date: 2026-03-08}``."""
        return {"date": v} if isinstance(v, (dt.date, str)) else v

    @field_validator("weekdays")
    @classmethod
    def _weekdays(cls, v: StrList | None) -> StrList | None:
        return _check_weekdays(v)

    @model_validator(mode="after")
    def _one_kind(self) -> Conflict:
        kinds = [self.date is not None, self.from_ is not None or self.to is not None, self.weekdays is not None]
        if sum(kinds) != 1:
            raise ValueError("give exactly one of 'date', 'from'/'to' or 'weekdays'")
        if (self.from_ is None) != (self.to is None):
            raise ValueError("a range needs both 'from' and 'to'")
        if self.from_ is not None and self.to is not None and self.to < self.from_:
            raise ValueError(f"the range ends ({self.to}) before it starts ({self.from_}); swap 'from' and 'to'")
        return self

    def covers(self, day: dt.date) -> bool:
        if self.date is not None:
            return day == self.date
        if self.from_ is not None and self.to is not None:
            return self.from_ <= day <= self.to
        assert self.weekdays is not None
        return WEEKDAYS[day.weekday()] in self.weekdays

    def describe(self) -> str:
        if self.date is not None:
            text = self.date.isoformat()
        elif self.from_ is not None:
            text = f"{self.from_.isoformat()}..{self.to.isoformat() if self.to else ''}"
        else:
            text = ",".join(self.weekdays or ())
        return f"{text} ({self.reason})" if self.reason else text


class Window(Frozen):
    """Dates from and to (both included; either may be left open): when a member serves."""

    from_: dt.date | None = Field(default=None, alias="from")
    to: dt.date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if self.from_ is not None and self.to is not None and self.to < self.from_:
            raise ValueError(f"'to' ({self.to}) is before 'from' ({self.from_})")
        return self

    def covers(self, day: dt.date) -> bool:
        return (self.from_ is None or self.from_ <= day) and (self.to is None or day <= self.to)


class Period(Frozen):
    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _whole_months(self) -> Period:
        if self.end < self.start:
            raise ValueError(f"the period ends ({self.end}) before it starts ({self.start})")
        for day in (self.start, self.end):
            if not YEARS[0] <= day.year <= YEARS[1]:
                raise ValueError(f"the period's date {day} lies outside the years {YEARS[0]}–{YEARS[1]}")
        months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
        if months > MAX_PERIOD_MONTHS:
            raise ValueError(
                f"the period spans {months} months; a plan covers at most {MAX_PERIOD_MONTHS} (a term of five years)"
            )
        if self.start.day != 1:
            raise ValueError(f"the period must start on the 1st of a month, not {self.start}")
        nxt = self.end + dt.timedelta(days=1)
        if nxt.day != 1:
            raise ValueError(f"the period must end on the last day of a month, not {self.end}")
        return self


class CalendarSpec(Frozen):
    public_holidays: str = "VN"
    blackouts: tuple[Conflict, ...] = ()


# ---------------------------------------------------------------------------------------------- units
class Meeting(Frozen):
    """One regular meeting a month, on ``day`` or up to ``flex`` days either side, on allowed weekdays."""

    day: Annotated[int, Field(ge=1, le=31)]
    flex: tuple[Annotated[int, Field(ge=0, le=30)], Annotated[int, Field(ge=0, le=30)]] = (0, 0)
    weekdays: StrList | None = None
    # when the meeting may leave ``day``: always (within flex), only when ``day`` is blocked (to an allowed
    # day within flex), or only when blocked and then to the nearest allowed day ("the next working day")
    flex_when: Literal["always", "blocked", "next"] = "always"
    frequency: Literal["month", "quarter"] = "month"  # quarter: once a quarter, in the months of ``months``
    months: tuple[Annotated[int, Field(ge=1, le=12)], ...] | None = None  # calendar months it meets in
    time: str | None = None  # "HH:MM", the time the meeting starts
    session: Literal["morning", "afternoon", "evening"] | None = None
    duration: Annotated[int, Field(ge=15, le=720)] | None = None  # minutes
    place: str | None = None

    @field_validator("time")
    @classmethod
    def _time(cls, v: str | None) -> str | None:
        return _check_time(v)

    @field_validator("months", mode="before")
    @classmethod
    def _months_list(cls, v: Any) -> Any:
        return _as_tuple(v)

    @model_validator(mode="after")
    def _quarterly(self) -> Meeting:
        if self.months is not None and len(set(self.months)) != len(self.months):
            raise ValueError("months lists a month twice")
        if self.frequency == "quarter" and self.months is not None:
            quarters = sorted((m - 1) // 3 for m in self.months)
            if quarters != [0, 1, 2, 3]:
                raise ValueError(
                    "a quarterly meeting gives one month of each quarter in 'months' (e.g. [1, 4, 7, 10]), "
                    f"not {list(self.months)}"
                )
        return self

    @property
    def meeting_months(self) -> frozenset[int]:
        """The calendar months (1–12) the meeting is held in."""
        if self.months is not None:
            return frozenset(self.months)
        return frozenset((1, 4, 7, 10)) if self.frequency == "quarter" else frozenset(range(1, 13))

    @field_validator("flex", mode="before")
    @classmethod
    def _flex(cls, v: Any) -> Any:
        if v is None:
            return (0, 0)
        if isinstance(v, bool):
            raise ValueError("flex is a number of days, or [before, after]")
        if isinstance(v, int):
            return (v, v)
        if isinstance(v, (list, tuple)) and len(v) == 2:
            return tuple(v)
        raise ValueError("flex is a number of days (2) or a pair [before, after] ([0, 3])")

    _tuple = field_validator("weekdays", mode="before")(_as_tuple)

    @field_validator("weekdays")
    @classmethod
    def _weekdays(cls, v: StrList | None) -> StrList | None:
        return _check_weekdays(v)


class Unit(Frozen):
    id: str
    name: str
    kind: str
    parent: str | None = None
    level: Literal["province", "district", "commune"] | None = None
    tags: StrList = ()
    meeting: Meeting | None = None
    closed: tuple[Conflict, ...] = ()
    apart_from: StrList = ()  # units whose meeting is never on the same day as this one's
    active: Window | None = None  # founded / dissolved: meets only in months whose ``day`` lies inside
    term: str | None = None  # a committee's term of office, "2025 - 2030" (the decision's Căn cứ names it)
    superior: str | None = None  # a committee's superior organisation when no unit holds it ("Đảng bộ tỉnh Nghệ An")

    _tuple = field_validator("tags", "apart_from", mode="before")(lambda v: _as_tuple(v) or ())

    @property
    def is_committee(self) -> bool:
        return self.kind in COMMITTEE_KINDS or self.level is not None


class Member(Frozen):
    id: str
    name: str
    committee: str
    roles: tuple[Literal["secretary", "deputy_secretary", "standing", "executive", "leader"], ...] = ()
    residence: str | None = None
    home_cell: str | None = None
    sectors: StrList = ()
    tags: StrList = ()
    unavailable: tuple[Conflict, ...] = ()
    max_per_month: Annotated[int, Field(ge=0, le=31)] | None = None
    title: str | None = None  # the member's government or mass-organisation post (Phó Chủ tịch UBND xã)
    active: Window | None = None  # serves only from/to these dates (joins in October, leaves in May)
    excused: tuple[Conflict, ...] = ()  # stretches excused from every duty (a training course, maternity leave)
    person: str | None = None  # members that name one person are that person's seats on several committees

    _tuple = field_validator("roles", "sectors", "tags", mode="before")(lambda v: _as_tuple(v) or ())


# ---------------------------------------------------------------------------------------------- selectors
class MemberSelector(Frozen):
    """Fields combine with AND, the items of a list with OR; ``{}`` selects every member."""

    ids: StrList | None = None
    committee: StrList | None = None
    level: tuple[Literal["province", "district", "commune"], ...] | None = None
    roles: tuple[Literal["secretary", "deputy_secretary", "standing", "executive", "leader"], ...] | None = None
    tags: StrList | None = None
    not_: MemberSelector | None = Field(default=None, alias="not")  # …except the members this selects

    _tuple = field_validator("ids", "committee", "level", "roles", "tags", mode="before")(_as_tuple)


class UnitSelector(Frozen):
    """Fields combine with AND, the items of a list with OR; ``{}`` selects every unit."""

    ids: StrList | None = None
    kind: StrList | None = None
    under: StrList | None = None
    level: tuple[Literal["province", "district", "commune"], ...] | None = None
    tags: StrList | None = None
    in_charge: bool = False
    not_: UnitSelector | None = Field(default=None, alias="not")  # …except the units this selects

    _tuple = field_validator("ids", "kind", "under", "level", "tags", mode="before")(_as_tuple)

    @field_validator("not_")
    @classmethod
    def _plain_not(cls, v: UnitSelector | None) -> UnitSelector | None:
        if v is not None and v.in_charge:
            raise ValueError("in_charge has no meaning inside 'not' (it says which attendances count, not which units)")
        return v


NonNeg = Annotated[int, Field(ge=0, le=100_000)]


class Range(Frozen):
    min: NonNeg | None = None
    max: NonNeg | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min}) is larger than max ({self.max})")
        return self


# ---------------------------------------------------------------------------------------------- rules
class ResponsibilityRule(Frozen):
    id: str = ""
    members: MemberSelector = MemberSelector()
    units: UnitSelector = UnitSelector()
    per_unit: Range = Range(min=1)
    per_member: Range = Range(min=0)
    basis: Literal["require", "prefer", "ignore"] = "prefer"
    own_cell: Literal["allow", "forbid"] = "allow"
    source: str | None = None  # the id of the document (in `sources`) this rule applies

    @field_validator("per_unit", mode="after")
    @classmethod
    def _default_min(cls, v: Range) -> Range:
        return v if v.min is not None else Range(min=1, max=v.max) if (v.max is None or v.max >= 1) else v

    @property
    def unit_min(self) -> int:
        return self.per_unit.min if self.per_unit.min is not None else 1

    @property
    def member_min(self) -> int:
        return self.per_member.min or 0


class Including(Frozen):
    units: UnitSelector
    at_least: NonNeg = 0


class _Quota(Frozen):
    """A count per period that lies in [at_least, at_most]."""

    id: str = ""
    per: Literal["month", "quarter", "half", "year"]
    at_least: NonNeg = 0
    at_most: NonNeg | None = None
    source: str | None = None  # the id of the document (in `sources`) this rule applies

    @model_validator(mode="after")
    def _ordered(self) -> _Quota:
        if self.at_most is not None and self.at_least > self.at_most:
            raise ValueError(f"at_least ({self.at_least}) is larger than at_most ({self.at_most})")
        return self


class AttendanceRule(_Quota):
    members: MemberSelector = MemberSelector()
    units: UnitSelector = UnitSelector()
    including: tuple[Including, ...] = ()
    own_cell: Literal["count", "exclude"] = "count"  # does attending one's own home cell count?


class CoverageRule(_Quota):
    units: UnitSelector = UnitSelector()
    by: MemberSelector = MemberSelector()
    in_charge: bool = False
    own_cell: Literal["count", "exclude"] = "count"  # does a visit by a member of the cell count?


class Team(Frozen):
    """A work team (tổ công tác, Nghị quyết 77): a leader and members who take charge of units together — all
    of them in charge of a unit, or none — ``per_team.min``..``max`` of the units ``units`` selects."""

    id: str
    name: str = ""
    leader: str
    members: StrList = ()
    units: UnitSelector = UnitSelector()
    per_team: Range = Range(min=1, max=1)

    _tuple = field_validator("members", mode="before")(lambda v: _as_tuple(v) or ())

    @property
    def everyone(self) -> tuple[str, ...]:
        """The leader first, then the members."""
        return (self.leader, *(m for m in self.members if m != self.leader))


class Limits(Frozen):
    meetings_per_day: Annotated[int, Field(ge=1, le=10)] = 1
    own_meetings_busy: bool = True


class FixedCharge(Frozen):
    member: str
    unit: str
    charge: bool


class FixedAttendance(Frozen):
    member: str
    unit: str
    month: str
    attend: bool


class FixedDate(Frozen):
    unit: str
    month: str
    date: dt.date
    time: str | None = None
    session: Literal["morning", "afternoon", "evening"] | None = None
    place: str | None = None

    @field_validator("time")
    @classmethod
    def _time(cls, v: str | None) -> str | None:
        return _check_time(v)


class Source(Frozen):
    """A document the rules apply (a Quy định, Hướng dẫn, Công văn…), cited in the decision's Căn cứ."""

    id: str
    number: str  # "1764-QĐ/TU", "42-HD/BTCTW"
    date: dt.date
    issuer: str  # "Ban Thường vụ Tỉnh ủy Lạng Sơn"
    title: str  # "về chế độ sinh hoạt …"
    kind: str = ""  # "Quy định", "Hướng dẫn", "Công văn", "Nghị quyết"
    valid_from: dt.date | None = None  # in force from (default: its date)
    valid_to: dt.date | None = None  # in force until (default: still in force)


FixedItem = FixedCharge | FixedAttendance | FixedDate


#: The objective's terms and their signs, beside the weights: each term is a count (before weight and sign);
#: the rewards count for the plan, the penalties against it, and the weighted sum is maximised.
TERM_SIGNS: dict[str, int] = {
    "residence": 1,
    "sector": 1,
    "shift": -1,
    "visit": -1,
    "balance": -1,
    "stability": -1,
    "moved": -1,
}
TERMS = tuple(TERM_SIGNS)


class Weights(Frozen):
    """The weight of each objective term (see `TERM_SIGNS`)."""

    residence: NonNeg = 10
    sector: NonNeg = 6
    shift: NonNeg = 1
    visit: NonNeg = 1
    balance: NonNeg = 2
    stability: NonNeg = 20
    moved: NonNeg = 5  # a meeting held on another date than in the baseline (its attendances move with it)

    def objective(self, terms: Mapping[str, int]) -> int:
        """The maximised objective of a plan whose term counts are ``terms``: the one place it is computed
        (the solver's report, verify's recomputation and the greedy draft all call it)."""
        return sum(TERM_SIGNS[name] * getattr(self, name) * value for name, value in terms.items())


class Scenario(Frozen):
    """A whole scenario, validated. ``source`` is the file it came from (for messages)."""

    name: str
    year: int | None = None
    period: Period | None = None
    calendar: CalendarSpec = CalendarSpec()
    units: tuple[Unit, ...]
    members: tuple[Member, ...]
    responsibility: tuple[ResponsibilityRule, ...] = ()
    attendance: tuple[AttendanceRule, ...] = ()
    coverage: tuple[CoverageRule, ...] = ()
    limits: Limits = Limits()
    fixed: tuple[FixedItem, ...] = ()
    frozen_until: str | None = None  # "YYYY-MM": up to this month, only the pinned attendances happen
    weights: Weights = Weights()
    sources: tuple[Source, ...] = ()
    teams: tuple[Team, ...] = ()
    source: str = Field(default="<memory>", exclude=True)
    sha256: str = Field(default="", exclude=True)

    @field_validator("frozen_until")
    @classmethod
    def _month(cls, v: str | None) -> str | None:
        if v is not None and not MONTH_PATTERN.fullmatch(v):
            raise ValueError(f"'{v}' is not a month; write it as YYYY-MM, e.g. 2026-06")
        return v

    @model_validator(mode="after")
    def _window(self) -> Scenario:
        if (self.year is None) == (self.period is None):
            raise ValueError("give either 'year' or 'period', not both and not neither")
        if self.year is not None and not YEARS[0] <= self.year <= YEARS[1]:
            raise ValueError(f"year {self.year} is out of range ({YEARS[0]}–{YEARS[1]})")
        return self

    @property
    def start(self) -> dt.date:
        return self.period.start if self.period else dt.date(self.year or 0, 1, 1)

    @property
    def end(self) -> dt.date:
        return self.period.end if self.period else dt.date(self.year or 0, 12, 31)
