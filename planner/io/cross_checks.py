"""The cross-checks of a validated scenario, what a single pydantic model cannot check: at least one unit and
one member, unique ids (units, members, rules of each family), a unit tree without unknown parents or cycles,
members' committees and units that exist, a known public-holiday country, selectors that name known ids and
select something, a possible meeting day for every unit in every month of the window (else each blocked day
and why), pins (``fixed``) on known members, units and months whose dates are not blocked and that do not
contradict each other, and no id or name that a spreadsheet would run as a formula. They share a `_Ctx`
(the scenario, the `Where` of its fields, the derived `Instance` and calendar).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

from pydantic import BaseModel

from planner.calendar import Calendar, Month, month_days, preferred_date
from planner.errors import Problem, did_you_mean
from planner.instance import Instance
from planner.io.locations import FieldPath, Where, show
from planner.scenario import (
    MONTH_PATTERN,
    WEEKDAYS,
    FixedAttendance,
    FixedCharge,
    FixedDate,
    Meeting,
    MemberSelector,
    Scenario,
    Unit,
    UnitSelector,
)


class _Ctx:
    """What the cross-checks share: the scenario, where things are, and the derived instance."""

    def __init__(self, scenario: Scenario, where: Where):
        self.s, self.where = scenario, where
        self.unit_ids = [u.id for u in scenario.units]
        self.member_ids = [m.id for m in scenario.members]
        self.units = {u.id: u for u in scenario.units}
        self.problems: list[Problem] = []
        country_ok = Calendar.country_known(scenario.calendar.public_holidays)
        safe = (
            scenario
            if country_ok
            else scenario.model_copy(
                update={"calendar": scenario.calendar.model_copy(update={"public_holidays": "none"})}
            )
        )
        self.inst = Instance(safe)
        self.cal = self.inst.calendar

    def add(self, path: FieldPath, message: str, hint: str = "") -> None:
        self.problems.append(self.where.problem(path, message, hint))

    def unknown_unit(self, path: FieldPath, uid: str, what: str = "unit") -> None:
        self.add(path, f"unknown {what} '{uid}'", did_you_mean(uid, self.unit_ids) or "no unit has this id")

    def unknown_member(self, path: FieldPath, mid: str) -> None:
        self.add(path, f"unknown member '{mid}'", did_you_mean(mid, self.member_ids) or "no member has this id")


def cross_check(scenario: Scenario, where: Where) -> list[Problem]:
    """Run every check; a check that trips over an earlier problem is skipped, otherwise errors propagate."""
    try:
        ctx = _Ctx(scenario, where)
    except Exception as exc:  # noqa: BLE001 - the calendar of a scenario the checks below would reject
        return [Problem(where.file, None, "calendar", f"cannot build the calendar: {exc}")]
    checks: list[Callable[[_Ctx], None]] = [
        _check_not_empty,
        _check_unique_ids,
        _check_tree,
        _check_member_refs,
        _check_apart_from,
        _check_active,
        _check_persons,
        _check_teams,
        _check_rule_ids,
        _check_sources,
        _check_country,
        _check_selectors,
        _check_meeting_days,
        _check_fixed,
        _check_formula_text,
        _check_hidden_characters,
    ]
    for check in checks:
        before = len(ctx.problems)
        try:
            check(ctx)
        except (KeyError, ValueError, TypeError):
            if not ctx.problems:
                raise
            del ctx.problems[before:]
    return ctx.problems


def _check_not_empty(ctx: _Ctx) -> None:
    """A scenario has at least one unit and one member."""
    for key, items in (("units", ctx.s.units), ("members", ctx.s.members)):
        if not items:
            ctx.add((key,), f"no {key} given", f"list at least one of the {key}")


def _check_unique_ids(ctx: _Ctx) -> None:
    """Unit ids are unique among units, member ids among members (reported at the duplicate)."""
    for key, items in (("units", ctx.s.units), ("members", ctx.s.members)):
        _report_duplicate_ids(ctx, key, items, key[:-1], "; ids must be unique")


def _report_duplicate_ids(ctx: _Ctx, key: str, items, what: str, hint: str = "") -> None:
    """Each item whose id an earlier item of ``items`` (at ``key``) already has, reported at the duplicate."""
    first: dict[str, int] = {}
    for i, item in enumerate(items):
        if not item.id:
            continue
        if item.id in first:
            ctx.add(
                (key, i, "id"),
                f"duplicate {what} id '{item.id}'",
                f"first used at {ctx.where.at((key, first[item.id]))}{hint}",
            )
        else:
            first[item.id] = i


def _check_tree(ctx: _Ctx) -> None:
    """Every ``parent`` names a known unit other than itself, and the units form a forest (no cycles)."""
    index = {u.id: i for i, u in reversed(list(enumerate(ctx.s.units)))}
    for i, u in enumerate(ctx.s.units):
        if u.parent is None:
            continue
        if u.parent == u.id:
            ctx.add(
                ("units", i, "parent"), f"unit '{u.id}' is its own parent", "name the unit above it, or omit 'parent'"
            )
        elif u.parent not in ctx.units:
            ctx.unknown_unit(("units", i, "parent"), u.parent, "parent unit")
    done: set[str] = set()  # units whose chain of parents is known to end (or to hold a reported cycle)
    for u in ctx.s.units:  # each unit is walked once over all: linear in the number of units, whatever the depth
        chain: dict[str, int] = {}
        cur: str | None = u.id
        while cur is not None and cur in ctx.units and cur not in done and cur not in chain:
            chain[cur] = len(chain)
            cur = ctx.units[cur].parent
        done.update(chain)
        if cur is None or cur not in chain or ctx.units[cur].parent == cur:
            continue
        cycle = list(chain)[chain[cur] :]
        start = min(cycle, key=lambda c: index[c])
        cycle = cycle[cycle.index(start) :] + cycle[: cycle.index(start)]
        ctx.add(
            ("units", index[start], "parent"),
            f"the units form a cycle: {' → '.join(cycle + [start])} (each is the parent of the one before)",
            "the units must form a tree; remove one 'parent'",
        )


def _check_member_refs(ctx: _Ctx) -> None:
    """A member's ``committee`` is a known committee unit; ``residence`` and ``home_cell`` are known units."""
    for i, m in enumerate(ctx.s.members):
        path: FieldPath = ("members", i)
        committee = ctx.units.get(m.committee)
        if committee is None:
            ctx.unknown_unit(path + ("committee",), m.committee, "committee")
        elif not committee.is_committee:
            ctx.add(
                path + ("committee",),
                f"'{m.committee}' is a unit of kind '{committee.kind}', not a committee",
                "a committee has kind province_committee, district_committee or commune_committee, or a 'level'",
            )
        for key in ("residence", "home_cell"):
            ref = getattr(m, key)
            if ref is not None and ref not in ctx.units:
                ctx.unknown_unit(path + (key,), ref, f"{key} unit")


def _check_apart_from(ctx: _Ctx) -> None:
    """``apart_from`` names other known units that hold meetings, and the unit itself holds meetings."""
    for i, u in enumerate(ctx.s.units):
        for j, other in enumerate(u.apart_from):
            path: FieldPath = ("units", i, "apart_from", j)
            if other == u.id:
                ctx.add(
                    path, f"'{u.id}' is kept apart from itself", "name other units, whose meetings are on other days"
                )
            elif other not in ctx.units:
                ctx.unknown_unit(path, other, "unit")
            elif u.meeting is None or ctx.units[other].meeting is None:
                nomeet = u.id if u.meeting is None else other
                ctx.add(
                    path,
                    f"'{nomeet}' holds no regular meeting, so there is no day to keep apart",
                    "give it a 'meeting' or remove it here",
                )


def _check_teams(ctx: _Ctx) -> None:
    """A work team names known members (each once), known units it may take, and ids unique among teams."""
    seen: set[str] = set()
    for i, t in enumerate(ctx.s.teams):
        path: FieldPath = ("teams", i)
        if t.id in seen:
            ctx.add(path + ("id",), f"a second team with id '{t.id}'", "give each team its own id")
        seen.add(t.id)
        people = [("leader", t.leader)] + [(("members", j), m) for j, m in enumerate(t.members)]
        for where, mid in people:
            if mid not in ctx.inst.members:
                ctx.unknown_member(path + (where if isinstance(where, tuple) else (where,)), mid)
        if len(set(t.everyone)) < len(t.everyone) or t.leader in t.members:
            ctx.add(path + ("members",), "names a person twice", "list each member once (the leader under 'leader')")
        if _unknown_selector_refs(ctx, path + ("units",), t.units):
            continue
        if not ctx.inst.select_units(t.units):
            ctx.add(path + ("units",), "selects no unit", _why_no_units(ctx, t.units))


def _check_persons(ctx: _Ctx) -> None:
    """The seats of one person (members that name one ``person``) sit on different committees."""
    seen: dict[tuple[str, str], str] = {}
    for i, m in enumerate(ctx.s.members):
        person = m.person or m.id
        first = seen.setdefault((person, m.committee), m.id)
        if first != m.id:
            ctx.add(
                ("members", i, "person"),
                f"'{m.id}' and '{first}' are both seats of '{person}' on the committee '{m.committee}'",
                "a person holds one seat per committee: give that seat all its roles and remove the other",
            )


def _check_active(ctx: _Ctx) -> None:
    """A member's ``active`` window meets the planning window (a member who serves no day of it is a mistake)."""
    for i, m in enumerate(ctx.s.members):
        a = m.active
        if a is None:
            continue
        if (a.from_ is not None and a.from_ > ctx.s.end) or (a.to is not None and a.to < ctx.s.start):
            ctx.add(
                ("members", i, "active"),
                f"'{m.id}' serves {a.from_ or '…'}..{a.to or '…'}, no day of the planning window "
                f"{ctx.s.start}..{ctx.s.end}",
                "correct the dates, or leave the member out of this scenario",
            )


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _check_formula_text(ctx: _Ctx) -> None:
    """Ids, names and kinds go into the plan's CSV files; one starting with ``=``, ``+``, ``-`` or ``@`` would be
    run as a formula by the spreadsheet that opens them, so a scenario cannot smuggle code into a plan."""
    fields = {"units": ("id", "name", "kind"), "members": ("id", "name")}
    for text, path in [(ctx.s.name, ("name",))] + [
        (r.id, (family, i, "id"))
        for family in ("responsibility", "attendance", "coverage")
        for i, r in enumerate(getattr(ctx.s, family))
        if r.id
    ]:
        if text.startswith(_FORMULA_STARTS):
            ctx.add(
                path,
                f"{show(text)} starts with {show(text[0])}, which a spreadsheet opening the plan would run as a formula",
                f"remove the leading {show(text[0])}",
            )
    for key, items in (("units", ctx.s.units), ("members", ctx.s.members)):
        for i, item in enumerate(items):
            for name in fields[key]:
                text = getattr(item, name)
                if text.startswith(_FORMULA_STARTS):
                    ctx.add(
                        (key, i, name),
                        f"{show(text)} starts with {show(text[0])}, which a spreadsheet "
                        "opening the plan would run as a formula",
                        f"remove the leading {show(text[0])}",
                    )


def _check_hidden_characters(ctx: _Ctx) -> None:
    """No text of the scenario holds a control character (NUL, BEL, a vertical tab…) or an invisible one (a
    zero-width space, a soft hyphen, a direction mark: ``t1`` and ``t1`` + U+200B would be two ids that look
    alike), and no cell holds an Excel error value (``#N/A``, ``#REF!``…) instead of a value."""
    from planner.io.text import excel_error, hidden_character, visible

    words = ("id", "ids", "name", "kind", "parent", "committee", "residence", "home_cell", "member", "unit", "units")

    def walk(value: object, path: FieldPath) -> None:
        if isinstance(value, str):
            key = next((p for p in reversed(path) if isinstance(p, str)), "")
            bad = hidden_character(value, layout=key not in words)  # lines are fine in a reason, not in an id
            if bad is not None:
                ctx.add(path, f"{show(visible(value))} holds the invisible or control character {bad}", "delete it")
            elif excel_error(value):
                ctx.add(
                    path,
                    f"{show(value)} is an Excel error value, not a value",
                    "fix the formula in the spreadsheet (or type the value) and save the table again",
                )
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(v, (*path, k))
        elif isinstance(value, (list, tuple)):
            for i, v in enumerate(value):
                walk(v, (*path, i))

    walk(ctx.where.data, ())


def _check_rule_ids(ctx: _Ctx) -> None:
    """Rule ids are unique within each family (responsibility, attendance, coverage)."""
    for family in ("responsibility", "attendance", "coverage"):
        _report_duplicate_ids(ctx, family, getattr(ctx.s, family), f"{family} rule")


def _check_sources(ctx: _Ctx) -> None:
    """Source ids are unique, each source's validity ends after it starts, and every rule's ``source`` names one
    of ``sources`` (the decision cites it)."""
    _report_duplicate_ids(ctx, "sources", ctx.s.sources, "source")
    for i, src in enumerate(ctx.s.sources):
        start = src.valid_from or src.date
        if src.valid_to is not None and src.valid_to < start:
            ctx.add(
                ("sources", i, "valid_to"),
                f"in force until {src.valid_to}, before it starts ({start})",
                "give valid_to after valid_from (or the date), or leave it out",
            )
    ids = [src.id for src in ctx.s.sources]
    for family in ("responsibility", "attendance", "coverage"):
        for i, rule in enumerate(getattr(ctx.s, family)):
            if rule.source is not None and rule.source not in ids:
                hint = did_you_mean(rule.source, ids) or (
                    f"add it under sources: ({', '.join(ids)})" if ids else "list the document under sources:"
                )
                ctx.add((family, i, "source"), f"unknown source '{rule.source}'", hint)


def _check_country(ctx: _Ctx) -> None:
    """``calendar.public_holidays`` is a country code the holidays package knows, or ``none``."""
    code = ctx.s.calendar.public_holidays
    if Calendar.country_known(code):
        return
    import holidays

    hint = did_you_mean(code.upper(), list(holidays.list_supported_countries())) or "e.g. VN"
    ctx.add(
        ("calendar", "public_holidays"),
        f"unknown country code '{code}' for public holidays",
        f"{hint} (or 'none' for no public holidays)",
    )


# ---------------------------------------------------------------------------------------------- selectors
def _selectors(s: Scenario) -> Iterator[tuple[FieldPath, MemberSelector | UnitSelector, FieldPath | None]]:
    """Every selector with its path, and for an ``including`` the path of the rule's own ``units``."""
    for i, r in enumerate(s.responsibility):
        yield ("responsibility", i, "members"), r.members, None
        yield ("responsibility", i, "units"), r.units, None
    for i, a in enumerate(s.attendance):
        yield ("attendance", i, "members"), a.members, None
        yield ("attendance", i, "units"), a.units, None
        for j, inc in enumerate(a.including):
            yield ("attendance", i, "including", j, "units"), inc.units, ("attendance", i, "units")
    for i, c in enumerate(s.coverage):
        yield ("coverage", i, "units"), c.units, None
        yield ("coverage", i, "by"), c.by, None


def _check_selectors(ctx: _Ctx) -> None:
    """Selector ``ids``/``committee``/``under`` name known ids, and no selector selects nothing.

    ``in_charge`` is ignored here (it depends on the plan). An ``including`` must select some of its rule's units.
    """
    for path, sel, main_path in _selectors(ctx.s):
        if _unknown_selector_refs(ctx, path, sel):
            continue
        if isinstance(sel, MemberSelector):
            if not ctx.inst.select_members(sel):
                ctx.add(path, "selects no member", _why_no_members(ctx, sel))
            continue
        picked = ctx.inst.select_units(sel)
        if not picked:
            ctx.add(path, "selects no unit", _why_no_units(ctx, sel))
        elif main_path is not None:
            main = ctx.inst.select_units(ctx.s.attendance[main_path[1]].units)  # type: ignore[index]
            if main and not set(picked) & set(main):
                ctx.add(
                    path,
                    "selects none of the rule's own units",
                    "an 'including' counts a part of the rule's units; widen the rule's 'units' or change this",
                )


def _unknown_selector_refs(ctx: _Ctx, path: FieldPath, sel: MemberSelector | UnitSelector) -> bool:
    found = False
    if isinstance(sel, MemberSelector):
        for mid in sel.ids or ():
            if mid not in ctx.inst.members:
                ctx.unknown_member(path + ("ids",), mid)
                found = True
        refs = [("committee", uid) for uid in sel.committee or ()]
    else:
        refs = [(key, uid) for key in ("ids", "under") for uid in getattr(sel, key) or ()]
    for key, uid in refs:
        if uid not in ctx.units:
            ctx.unknown_unit(path + (key,), uid, "committee" if key == "committee" else "unit")
            found = True
    if sel.not_ is not None:
        found = _unknown_selector_refs(ctx, path + ("not",), sel.not_) or found
    return found


def _why_no_members(ctx: _Ctx, sel: MemberSelector) -> str:
    known = {
        "committee": {m.committee for m in ctx.s.members},
        "level": {ctx.inst.member_level(m.id) for m in ctx.s.members},
        "roles": {r for m in ctx.s.members for r in m.roles},
        "tags": {t for m in ctx.s.members for t in m.tags},
    }
    return _why_empty(sel, known, "member")


def _why_no_units(ctx: _Ctx, sel: UnitSelector) -> str:
    known = {
        "kind": {u.kind for u in ctx.s.units},
        "level": {ctx.inst.unit_level(u.id) for u in ctx.s.units},
        "tags": {t for u in ctx.s.units for t in u.tags},
    }
    return _why_empty(sel, known, "unit")


def _why_empty(sel: BaseModel, known: dict[str, set[Any]], noun: str) -> str:
    """Name the values no item has (with a did-you-mean); else say the fields exclude each other."""
    reasons = []
    for key, values in known.items():
        for value in getattr(sel, key) or ():
            if value not in values:
                guess = did_you_mean(value, sorted(v for v in values if v is not None))
                reasons.append(f"no {noun} has {key.rstrip('s')} '{value}'" + (f" ({guess})" if guess else ""))
    if reasons:
        return "; ".join(reasons)
    given = [
        k for k, v in sel.model_dump(exclude_defaults=True, by_alias=True).items() if k != "in_charge" and v is not None
    ]
    return f"no {noun} matches all of {', '.join(given)} at once" if len(given) > 1 else "check the selector's values"


# ---------------------------------------------------------------------------------------------- calendar
def _blocker(ctx: _Ctx, unit: Unit, day: dt.date) -> str | None:
    """Why ``unit``'s meeting cannot be on ``day``: a public holiday, a blackout or a closed day (else None)."""
    if day in ctx.cal.holidays:
        return f"public holiday ({ctx.cal.holidays[day]})"
    for c in ctx.s.calendar.blackouts:
        if c.covers(day):
            return f"blackout ({c.reason})" if c.reason else "blackout"
    for c in unit.closed:
        if c.covers(day):
            return f"closed ({c.reason})" if c.reason else "closed"
    return None


def _check_meeting_days(ctx: _Ctx) -> None:
    """Each unit's meeting has a possible day in every month of the window (unless a fixed date pins it)."""
    pinned = {(f.unit, f.month) for f in ctx.s.fixed if isinstance(f, FixedDate)}
    for i, unit in enumerate(ctx.s.units):
        if unit.meeting is None:
            continue
        bad = [
            mo
            for mo in ctx.inst.months
            if (unit.id, mo) not in pinned
            and ctx.inst.meets_in(unit.id, mo)
            and not ctx.inst.candidate_days.get((unit.id, mo))
        ]
        if not bad:
            continue
        details = "; ".join(f"in {mo}: {_blocked_window(ctx, unit, mo)}" for mo in bad)
        ctx.add(
            ("units", i, "meeting"),
            f"the meeting ({_describe_meeting(unit.meeting)}) of '{unit.id}' has no possible day {details}",
            "widen 'flex' or allow more 'weekdays' (or pin a date for that month under 'fixed')",
        )


def _describe_meeting(meeting: Meeting) -> str:
    before, after = meeting.flex
    text = f"day {meeting.day}, flex {before}" if before == after else f"day {meeting.day}, flex [{before}, {after}]"
    return text + (f", weekdays {', '.join(meeting.weekdays)}" if meeting.weekdays is not None else "")


def _blocked_window(ctx: _Ctx, unit: Unit, month: Month) -> str:
    """Each day of the meeting's window in ``month`` and what blocks it, consecutive days as ranges."""
    assert unit.meeting is not None
    pref = preferred_date(unit.meeting, month)
    before, after = unit.meeting.flex
    runs: list[tuple[dt.date, dt.date, str]] = []
    for day in month_days(month):
        if not -before <= (day - pref).days <= after:
            continue
        weekday = WEEKDAYS[day.weekday()]
        if unit.meeting.weekdays is not None and weekday not in unit.meeting.weekdays:
            reason = f"{weekday}, not an allowed weekday"
        else:
            reason = _blocker(ctx, unit, day) or "free"
        if runs and runs[-1][2] == reason and (day - runs[-1][1]).days == 1:
            runs[-1] = (runs[-1][0], day, reason)
        else:
            runs.append((day, day, reason))
    return ", ".join(f"{a.isoformat()}{'..' + b.isoformat() if b != a else ''} {why}" for a, b, why in runs)


# ---------------------------------------------------------------------------------------------- fixed
def _check_fixed(ctx: _Ctx) -> None:
    """Pins name known members and units, months ``YYYY-MM`` inside the window, meeting units, and dates that
    lie in their month and are not blocked; two pins on the same thing do not contradict each other."""
    seen: dict[tuple[Any, ...], tuple[int, Any]] = {}
    for i, f in enumerate(ctx.s.fixed):
        path: FieldPath = ("fixed", i)
        if isinstance(f, (FixedCharge, FixedAttendance)) and f.member not in ctx.inst.members:
            ctx.unknown_member(path + ("member",), f.member)
        unit = ctx.units.get(f.unit)
        if unit is None:
            ctx.unknown_unit(path + ("unit",), f.unit)
        month_ok = isinstance(f, FixedCharge) or _check_month(ctx, path, f.month)
        if isinstance(f, (FixedAttendance, FixedDate)) and unit is not None and unit.meeting is None:
            ctx.add(path + ("unit",), f"unit '{f.unit}' holds no meeting", "give the unit a 'meeting' or drop this pin")
        if isinstance(f, FixedDate) and month_ok and unit is not None:
            _check_fixed_date(ctx, path, f, unit)
        if (
            isinstance(f, FixedAttendance)
            and f.attend
            and month_ok
            and unit is not None
            and unit.meeting is not None
            and f.month in ctx.inst.months
            and not ctx.inst.candidate_days.get((f.unit, f.month))
        ):
            ctx.add(
                path + ("month",),
                f"'{f.unit}' holds no meeting in {f.month} ({ctx.inst.why_no_meeting(f.unit, f.month)})",
                "pin a month in which it meets, or pin the meeting's date for that month too",
            )
        key, value = _pin_key(f)
        if key in seen and seen[key][1] != value:
            ctx.add(
                path,
                f"contradicts fixed[{seen[key][0]}] ({ctx.where.at(('fixed', seen[key][0]))})",
                "keep one of the two pins",
            )
        seen.setdefault(key, (i, value))


def _check_month(ctx: _Ctx, path: FieldPath, month: str) -> bool:
    if not MONTH_PATTERN.fullmatch(month.removesuffix("\n")):  # one trailing newline passes, as it always has
        ctx.add(path + ("month",), f"'{month}' is not a month written YYYY-MM", "e.g. month: 2026-03")
        return False
    if month not in ctx.inst.months:
        ctx.add(
            path + ("month",), f"{month} is outside the planning window {ctx.inst.months[0]}..{ctx.inst.months[-1]}"
        )
        return False
    return True


def _check_fixed_date(ctx: _Ctx, path: FieldPath, f: FixedDate, unit: Unit) -> None:
    if f"{f.date.year:04d}-{f.date.month:02d}" != f.month:
        ctx.add(path + ("date",), f"{f.date.isoformat()} is not in {f.month}", "the date must lie in the pinned month")
        return
    why = _blocker(ctx, unit, f.date)
    if why is not None:
        ctx.add(path + ("date",), f"'{unit.id}' cannot meet on {f.date.isoformat()}: {why}", "pin another day")


def _pin_key(f: FixedCharge | FixedAttendance | FixedDate) -> tuple[tuple[Any, ...], Any]:
    if isinstance(f, FixedCharge):
        return ("charge", f.member, f.unit), f.charge
    if isinstance(f, FixedAttendance):
        return ("attend", f.member, f.unit, f.month), f.attend
    return ("date", f.unit, f.month), f.date
