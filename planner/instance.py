"""Facts derived once from a validated scenario: the unit tree, selectors, calendar, eligibility.

`Instance` is what the model, `verify` and the outputs read. It holds no decision: only what the scenario
says, resolved (which units a selector picks, on which days a unit may meet, which member–unit pairs a rule
allows). Building it never touches the solver.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from planner.calendar import Calendar, Month, PeriodSlot, month_days, month_of, period_slots, preferred_date
from planner.scenario import (
    AttendanceRule,
    CoverageRule,
    FixedAttendance,
    FixedCharge,
    FixedDate,
    Member,
    MemberSelector,
    ResponsibilityRule,
    Scenario,
    Team,
    Unit,
    UnitSelector,
)

Pair = tuple[str, str]  # (member id, unit id)

_LEVEL_OF_KIND = {"province_committee": "province", "district_committee": "district", "commune_committee": "commune"}


@dataclass(frozen=True)
class CountSpec:
    """What one quota counts for one member: attendances at ``units`` (only while in charge, if ``in_charge``)."""

    units: frozenset[str]
    in_charge: bool


@dataclass(frozen=True)
class CoverageCheck:
    """One unit's visits in one period under one coverage rule: ``slot.scaled(rule.at_least)`` to
    ``rule.at_most`` visits by members of ``by`` (only while in charge, if ``in_charge``)."""

    rule: CoverageRule
    rule_id: str
    unit: str
    by: frozenset[str]
    in_charge: bool
    slot: PeriodSlot


class Instance:
    def __init__(self, scenario: Scenario):
        self.scenario = s = scenario
        self.units: dict[str, Unit] = {u.id: u for u in s.units}
        self.members: dict[str, Member] = {m.id: m for m in s.members}
        self.unit_order = {u.id: i for i, u in enumerate(s.units)}
        self.member_order = {m.id: i for i, m in enumerate(s.members)}
        self._selected: dict[tuple[str, Any], tuple[Any, ...]] = {}  # selector or rule → what it selects
        self.children: dict[str, list[str]] = defaultdict(list)
        for u in s.units:
            if u.parent is not None:
                self.children[u.parent].append(u.id)
        self.calendar = Calendar(s.start, s.end, s.calendar.public_holidays, s.calendar.blackouts)
        self.months: list[Month] = self.calendar.months

    # ------------------------------------------------------------------------------------------ tree
    @cached_property
    def ancestors(self) -> dict[str, tuple[str, ...]]:
        """Each unit's chain upwards, the unit itself first."""
        out: dict[str, tuple[str, ...]] = {}
        for uid in self.units:
            chain, cur, seen = [], uid, set()
            while cur is not None and cur in self.units and cur not in seen:
                seen.add(cur)
                chain.append(cur)
                cur = self.units[cur].parent
            out[uid] = tuple(chain)
        return out

    def is_under(self, unit: str, top: str) -> bool:
        return top in self.ancestors.get(unit, ())

    def unit_level(self, uid: str) -> str | None:
        u = self.units[uid]
        return u.level or _LEVEL_OF_KIND.get(u.kind)

    def member_level(self, mid: str) -> str | None:
        return self.unit_level(self.members[mid].committee)

    # ------------------------------------------------------------------------------------------ selectors
    def member_matches(self, sel: MemberSelector, m: Member) -> bool:
        """The member is one that ``sel`` selects (its fields with AND, a list's items with OR, less ``not``)."""
        if sel.ids is not None and m.id not in sel.ids:
            return False
        if sel.committee is not None and m.committee not in sel.committee:
            return False
        if sel.level is not None and self.member_level(m.id) not in sel.level:
            return False
        if sel.roles is not None and not set(sel.roles) & set(m.roles):
            return False
        if sel.tags is not None and not set(sel.tags) & set(m.tags):
            return False
        return sel.not_ is None or not self.member_matches(sel.not_, m)

    def select_members(self, sel: MemberSelector) -> tuple[str, ...]:
        got = self._selected.get(("members", sel))  # (a province's rules ask the same selectors many times)
        if got is None:
            got = self._selected["members", sel] = tuple(
                m.id for m in self.scenario.members if self.member_matches(sel, m)
            )
        return got

    def unit_matches(self, sel: UnitSelector, u: Unit) -> bool:
        """The unit is one that ``sel`` selects, ignoring ``in_charge`` (which depends on the plan)."""
        if sel.ids is not None and u.id not in sel.ids:
            return False
        if sel.kind is not None and u.kind not in sel.kind:
            return False
        if sel.under is not None and not set(sel.under) & set(self.ancestors[u.id]):
            return False
        if sel.level is not None and self.unit_level(u.id) not in sel.level:
            return False
        if sel.tags is not None and not set(sel.tags) & set(u.tags):
            return False
        return sel.not_ is None or not self.unit_matches(sel.not_, u)

    def select_units(self, sel: UnitSelector) -> tuple[str, ...]:
        """The units a selector picks, ignoring ``in_charge`` (which depends on the plan)."""
        got = self._selected.get(("units", sel))
        if got is None:
            got = self._selected["units", sel] = tuple(u.id for u in self.scenario.units if self.unit_matches(sel, u))
        return got

    # ------------------------------------------------------------------------------------------ basis
    def lives_in(self, mid: str, uid: str) -> bool:
        """The member lives in the unit or below it."""
        res = self.members[mid].residence
        return res is not None and res in self.units and self.is_under(res, uid)

    def sector_match(self, mid: str, uid: str) -> bool:
        u = self.units[uid]
        return any(sec == u.kind or sec in u.tags for sec in self.members[mid].sectors)

    def basis(self, mid: str, uid: str) -> str:
        if self.lives_in(mid, uid):
            return "residence"
        if self.sector_match(mid, uid):
            return "sector"
        return "none"

    # ------------------------------------------------------------------------------------------ rule ids
    @cached_property
    def rule_ids(self) -> dict[int, str]:
        """A name for every rule: its ``id``, or ``attendance[2]`` (1-based position in its list)."""
        out = {}
        s = self.scenario
        for family, rules in (
            ("responsibility", s.responsibility),
            ("attendance", s.attendance),
            ("coverage", s.coverage),
        ):
            for i, r in enumerate(rules, start=1):
                out[id(r)] = r.id or f"{family}[{i}]"
        return out

    def rule_id(self, rule: ResponsibilityRule | AttendanceRule | CoverageRule) -> str:
        return self.rule_ids[id(rule)]

    # ------------------------------------------------------------------------------------------ calendar
    @cached_property
    def meeting_units(self) -> tuple[str, ...]:
        return tuple(u.id for u in self.scenario.units if u.meeting is not None)

    def session_of(self, uid: str, month: Month) -> str | None:
        """The session (morning, afternoon, evening) a unit's meeting is held in that month, if given (a pinned
        date's own session first); None: it takes the day."""
        pin = self.pinned_sessions.get((uid, month))
        if pin is not None:
            return pin
        meeting = self.units[uid].meeting
        return meeting.session if meeting is not None else None

    @cached_property
    def pinned_sessions(self) -> dict[tuple[str, Month], str]:
        return {(f.unit, f.month): f.session for f in self.scenario.fixed if isinstance(f, FixedDate) and f.session}

    @cached_property
    def uses_sessions(self) -> bool:
        """Some meeting is held in a given session (then a day holds one meeting per session)."""
        return bool(self.pinned_sessions) or any(
            u.meeting is not None and u.meeting.session is not None for u in self.scenario.units
        )

    def same_time(self, a: str | None, b: str | None) -> bool:
        """Two meetings of one day clash: either takes the whole day (no session) or both share a session."""
        return a is None or b is None or a == b

    @cached_property
    def apart_pairs(self) -> tuple[Pair, ...]:
        """Pairs of meeting units that never meet on the same day (``apart_from``, either way), in unit order."""
        pairs: set[Pair] = set()
        for u in self.scenario.units:
            for w in u.apart_from:
                if w in self.units and w != u.id and u.meeting is not None and self.units[w].meeting is not None:
                    a, b = sorted((u.id, w), key=self.unit_order.__getitem__)
                    pairs.add((a, b))
        return tuple(sorted(pairs, key=lambda p: (self.unit_order[p[0]], self.unit_order[p[1]])))

    @cached_property
    def pinned_dates(self) -> dict[tuple[str, Month], dt.date]:
        return {(f.unit, f.month): f.date for f in self.scenario.fixed if isinstance(f, FixedDate)}

    def meets_in(self, uid: str, month: Month) -> bool:
        """The unit holds its meeting this month: the meeting's ``months`` (or ``frequency``) include it, and the
        unit is ``active`` on the month's meeting ``day``."""
        u = self.units[uid]
        if u.meeting is None:
            return False
        if int(month[5:7]) not in u.meeting.meeting_months:
            return False
        return u.active is None or u.active.covers(preferred_date(u.meeting, month))

    @cached_property
    def meeting_slots(self) -> tuple[tuple[str, Month], ...]:
        """Every (unit, month) in which a meeting is held (a pinned date holds one), units in scenario order."""
        return tuple((u, mo) for u in self.meeting_units for mo in self.months if self.candidate_days[u, mo])

    def why_no_meeting(self, uid: str, month: Month) -> str:
        """Why a unit holds no meeting in a month of the window, in a few words."""
        u = self.units[uid]
        if u.meeting is None:
            return "it has no regular meeting"
        if int(month[5:7]) not in u.meeting.meeting_months:
            return f"it meets only in months {', '.join(str(m) for m in sorted(u.meeting.meeting_months))}"
        if u.active is not None:
            return f"it holds meetings only from {u.active.from_ or '…'} to {u.active.to or '…'}"
        return "no day is possible"

    @cached_property
    def candidate_days(self) -> dict[tuple[str, Month], list[dt.date]]:
        """Possible dates of each unit's meeting in each month, best (least shift) first; none in a month in
        which the unit holds no meeting (``months``, ``frequency``, ``active``)."""
        out = {}
        for uid in self.meeting_units:
            u = self.units[uid]
            if u.meeting is None:
                continue  # a duplicate id (an input error the loader reports)
            for mo in self.months:
                pin = self.pinned_dates.get((uid, mo))
                if pin is not None:
                    out[uid, mo] = [pin]
                elif not self.meets_in(uid, mo):
                    out[uid, mo] = []
                else:
                    days = self.calendar.candidates(u.meeting, u.closed, mo)
                    out[uid, mo] = [d for d in days if u.active.covers(d)] if u.active is not None else days
        return out

    def preferred(self, uid: str, month: Month) -> dt.date:
        meeting = self.units[uid].meeting
        assert meeting is not None
        return preferred_date(meeting, month)

    def shift(self, uid: str, day: dt.date) -> int:
        return abs((day - self.preferred(uid, month_of(day))).days)

    def unavailable(self, mid: str, day: dt.date) -> str | None:
        """Why the member cannot attend a meeting on ``day`` (None: free)."""
        m = self.members[mid]
        if m.active is not None and not m.active.covers(day):
            if m.active.from_ is not None and day < m.active.from_:
                return f"serves only from {m.active.from_.isoformat()}"
            return f"served only until {m.active.to.isoformat() if m.active.to else ''}"
        for c in m.excused:
            if c.covers(day):
                return f"excused: {c.reason}" if c.reason else "excused"
        for seat in self.seats_of(mid):  # one person, one calendar
            for c in self.members[seat].unavailable:
                if c.covers(day):
                    return c.reason or "unavailable"
        return None

    def serves_in(self, mid: str, month: Month) -> bool:
        """The month counts as one the member serves (for prorating its quotas): it is active and not excused
        on at least half of the month's days."""
        m = self.members[mid]
        if m.active is None and not m.excused:
            return True
        days = month_days(month)
        serving = sum(
            1 for d in days if (m.active is None or m.active.covers(d)) and not any(c.covers(d) for c in m.excused)
        )
        return 2 * serving >= len(days)

    @cached_property
    def part_time(self) -> frozenset[str]:
        """Members who do not serve every month of the window (an ``active`` window, ``excused`` stretches)."""
        return frozenset(m.id for m in self.scenario.members if not all(self.serves_in(m.id, mo) for mo in self.months))

    def own_units(self, mid: str) -> tuple[str, ...]:
        """Units whose meetings keep this member busy (its committee, its home cell) when own_meetings_busy —
        for a person with several seats, every seat's committee and home cell."""
        if not self.scenario.limits.own_meetings_busy:
            return ()
        seats = [self.members[s] for s in self.seats_of(mid)]
        return tuple(
            dict.fromkeys(
                u
                for m in seats
                for u in (m.committee, m.home_cell)
                if u is not None and u in self.units and self.units[u].meeting is not None
            )
        )

    # ------------------------------------------------------------------------------------------ persons
    def person_of(self, mid: str) -> str:
        """The person a member record is a seat of (``person``; a member without one is a person of its own)."""
        return self.members[mid].person or mid

    @cached_property
    def seats(self) -> dict[str, tuple[str, ...]]:
        """For each person: its seats (member ids, in scenario order)."""
        out: dict[str, list[str]] = defaultdict(list)
        for m in self.scenario.members:
            out[m.person or m.id].append(m.id)
        return {p: tuple(ids) for p, ids in out.items()}

    def seats_of(self, mid: str) -> tuple[str, ...]:
        return self.seats[self.person_of(mid)]

    @cached_property
    def has_persons(self) -> bool:
        """Some person holds two or more seats."""
        return any(len(ids) > 1 for ids in self.seats.values())

    # ------------------------------------------------------------------------------------------ responsibility
    def responsibility_pairs(self, rule: ResponsibilityRule) -> tuple[Pair, ...]:
        """Pairs this rule may put in charge: its members × its units, less what ``basis``/``own_cell`` exclude."""
        got = self._selected.get(("responsibility", rule))
        if got is None:
            got = self._selected["responsibility", rule] = self._responsibility_pairs(rule)
        return got

    def _responsibility_pairs(self, rule: ResponsibilityRule) -> tuple[Pair, ...]:
        units = self.select_units(rule.units)
        out = []
        for mid in self.select_members(rule.members):
            for uid in units:
                if rule.basis == "require" and self.basis(mid, uid) == "none":
                    continue
                if rule.own_cell == "forbid" and self.members[mid].home_cell == uid:
                    continue
                out.append((mid, uid))
        return tuple(out)

    @cached_property
    def fixed_charges(self) -> dict[Pair, bool]:
        return {(f.member, f.unit): f.charge for f in self.scenario.fixed if isinstance(f, FixedCharge)}

    def team_units(self, team: Team) -> tuple[str, ...]:
        """The units a team may take charge of."""
        return self.select_units(team.units)

    @cached_property
    def team_pairs(self) -> frozenset[Pair]:
        """Pairs a work team's charge would put in charge (each of its people × each of its units)."""
        return frozenset((m, u) for t in self.scenario.teams for u in self.team_units(t) for m in t.everyone)

    @cached_property
    def charge_pairs(self) -> tuple[Pair, ...]:
        """Every pair that some rule, a work team or a pin allows to be in charge, in scenario order."""
        pairs = {p for r in self.scenario.responsibility for p in self.responsibility_pairs(r)}
        pairs |= set(self.team_pairs)
        pairs |= {p for p, on in self.fixed_charges.items() if on}
        return tuple(sorted(pairs, key=self.pair_key))

    @cached_property
    def rewarded_pairs(self) -> frozenset[Pair]:
        """Pairs whose residence/sector basis earns the objective's reward (a rule with basis other than ignore)."""
        return frozenset(
            p for r in self.scenario.responsibility if r.basis != "ignore" for p in self.responsibility_pairs(r)
        )

    def charge_reward(self, mid: str, uid: str) -> int:
        """What the charge (mid, uid) earns the objective: the residence or sector weight of its basis, or 0."""
        if (mid, uid) not in self.rewarded_pairs:
            return 0
        w, basis = self.scenario.weights, self.basis(mid, uid)
        return w.residence if basis == "residence" else w.sector if basis == "sector" else 0

    def pair_key(self, pair: Pair) -> tuple[int, int]:
        return self.member_order[pair[0]], self.unit_order[pair[1]]

    @cached_property
    def cover_sources(self) -> dict[Pair, tuple[str, ...]]:
        """For (member, unit): the units whose charge would put the member in charge of it (itself or above)."""
        by_member: dict[str, set[str]] = defaultdict(set)
        for mid, uid in self.charge_pairs:
            by_member[mid].add(uid)
        out = {}
        for mid, charged in by_member.items():
            for uid in self.units:
                srcs = tuple(a for a in self.ancestors[uid] if a in charged)
                if srcs:
                    out[mid, uid] = srcs
        return out

    # ------------------------------------------------------------------------------------------ attendance
    def _not_counted(self, rule: AttendanceRule, mid: str | None) -> frozenset[str]:
        """The unit a rule with ``own_cell: exclude`` does not count for this member: its home cell."""
        home = self.members[mid].home_cell if mid is not None and rule.own_cell == "exclude" else None
        return frozenset((home,)) if home is not None else frozenset()

    def attendance_counts(self, rule: AttendanceRule) -> dict[str, CountSpec]:
        """What the rule counts for each member it selects (less the member's home cell with own_cell: exclude)."""
        units = frozenset(self.select_units(rule.units))
        spec = CountSpec(units, rule.units.in_charge)
        out = {}
        for mid in self.select_members(rule.members):
            skip = self._not_counted(rule, mid)
            out[mid] = CountSpec(units - skip, spec.in_charge) if skip & units else spec
        return out

    def balanced_counts(self, rule: AttendanceRule) -> dict[str, CountSpec]:
        """The members whose totals the balance term compares under ``rule``: those who serve the whole window
        (a member who joins in October is not asked to match a whole year's attendances)."""
        return {m: spec for m, spec in self.attendance_counts(rule).items() if m not in self.part_time}

    def including_counts(self, rule: AttendanceRule, mid: str | None = None) -> list[CountSpec]:
        """Each ``including`` sub-count, within the rule's own units ("2 a quarter, of which 1 at …"); with
        ``mid``, as it counts for that member (own_cell: exclude leaves out the member's home cell)."""
        main = frozenset(self.select_units(rule.units)) - self._not_counted(rule, mid)
        return [
            CountSpec(main & frozenset(self.select_units(inc.units)), inc.units.in_charge or rule.units.in_charge)
            for inc in rule.including
        ]

    def coverage_spec(self, rule: CoverageRule) -> tuple[tuple[str, ...], frozenset[str], bool]:
        """(units, counted members, in_charge) of a coverage rule (see `coverage_by` for one unit's members)."""
        return (
            self.select_units(rule.units),
            frozenset(self.select_members(rule.by)),
            rule.in_charge or rule.units.in_charge,
        )

    def coverage_by(self, rule: CoverageRule, uid: str, by: frozenset[str]) -> frozenset[str]:
        """The members whose visits to ``uid`` count under the rule: ``by``, less the unit's own members
        (whose home cell it is) with own_cell: exclude."""
        if rule.own_cell != "exclude":
            return by
        return frozenset(m for m in by if self.members[m].home_cell != uid)

    def slots(self, per: str, member: str | None = None, unit: str | None = None) -> list[PeriodSlot]:
        """The periods of the window; for a ``member`` who serves only part of it, each with the months it
        serves (which prorate its quotas as a partial period does); for a ``unit`` of a coverage rule that is
        ``active`` for part of it, the months it is active, and none in a period in which it holds no meeting."""
        slots = period_slots(per, self.months)
        if member is not None and member in self.part_time:
            return [replace(s, serving=sum(self.serves_in(member, mo) for mo in s.months)) for s in slots]
        if unit is not None and unit in self.part_time_units:
            return [replace(s, serving=self._unit_serving(unit, s)) for s in slots]
        return slots

    def _unit_serving(self, uid: str, slot: PeriodSlot) -> int | None:
        if not any(self.candidate_days.get((uid, mo)) for mo in slot.months):
            return 0  # it holds no meeting in this period: nothing is asked of it
        u = self.units[uid]
        if u.active is None or u.meeting is None:
            return None
        meeting = u.meeting
        return sum(1 for mo in slot.months if u.active.covers(preferred_date(meeting, mo)))

    @cached_property
    def part_time_units(self) -> frozenset[str]:
        """Units that do not hold a meeting in every month of the window."""
        return frozenset(u for u in self.meeting_units if not all(self.candidate_days[u, mo] for mo in self.months))

    def coverage_checks(self) -> Iterator[CoverageCheck]:
        """Every (coverage rule, unit that holds meetings, period) the coverage rules ask about, in order."""
        for rule in self.scenario.coverage:
            rid = self.rule_id(rule)
            units, by, in_charge = self.coverage_spec(rule)
            for uid in units:
                if self.units[uid].meeting is None:
                    continue
                for slot in self.slots(rule.per, unit=uid):
                    yield CoverageCheck(rule, rid, uid, self.coverage_by(rule, uid, by), in_charge, slot)

    @cached_property
    def fixed_attendance(self) -> dict[tuple[str, str, Month], bool]:
        return {(f.member, f.unit, f.month): f.attend for f in self.scenario.fixed if isinstance(f, FixedAttendance)}

    @cached_property
    def attend_sources(self) -> dict[Pair, str]:
        """Pairs a member may attend: ``"free"`` (a rule without in_charge) or ``"in_charge"`` (only while in
        charge). Only units that hold meetings; only rules with a positive ``at_least`` make a pair eligible."""
        out: dict[Pair, str] = {}

        def add(mid: str, uid: str, in_charge: bool) -> None:
            if self.units[uid].meeting is None:
                return
            if in_charge and (mid, uid) not in self.cover_sources:
                return
            if out.get((mid, uid)) != "free":
                out[mid, uid] = "in_charge" if in_charge else "free"

        s = self.scenario
        for r in s.attendance:
            for mid, main in self.attendance_counts(r).items():
                counts = [(r.at_least, main)]
                counts += [(inc.at_least, spec) for inc, spec in zip(r.including, self.including_counts(r, mid))]
                for at_least, spec in counts:
                    if at_least >= 1:
                        for uid in spec.units:
                            add(mid, uid, spec.in_charge)
        for c in s.coverage:
            if c.at_least >= 1:
                units, by, in_charge = self.coverage_spec(c)
                for uid in units:
                    for mid in self.coverage_by(c, uid, by):
                        add(mid, uid, in_charge)
        return dict(sorted(out.items(), key=lambda kv: self.pair_key(kv[0])))

    def is_frozen(self, month: Month) -> bool:
        """Months up to ``frozen_until`` are history: only their pinned attendances happen."""
        until = self.scenario.frozen_until
        return until is not None and month <= until

    def attendance_allowed(self, mid: str, uid: str, month: Month, in_charge: bool) -> bool:
        """Eligibility of one attendance: a pin asks for it, or a rule lets the member attend the unit — freely,
        or only while in charge of it or of a unit above it (``in_charge``: whether the plan has it so). The
        one reading shared by verify and the greedy draft (the model makes a variable only where it can hold)."""
        if self.fixed_attendance.get((mid, uid, month)) is True:
            return True
        source = self.attend_sources.get((mid, uid))
        return source == "free" or (source == "in_charge" and in_charge)

    def may_attend(self, mid: str, uid: str, month: Month) -> bool:
        """Static part of eligibility: some rule or pin makes the pair eligible (in_charge still to be checked)."""
        return (mid, uid) in self.attend_sources or self.fixed_attendance.get((mid, uid, month), False)
