"""The hard rules of scenario format v1, one function per rule family, each named for the rule it enforces."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from planner.calendar import month_of
from planner.model.context import ModelContext, RuleKey
from planner.model.variables import Lit, counted


def add_responsibility(ctx: ModelContext) -> None:
    """Responsibility: each selected unit gets per_unit.min..max members in charge; each member per_member."""
    inst, v = ctx.inst, ctx.vars
    for rule in inst.scenario.responsibility:
        rid = inst.rule_id(rule)
        pairs = [p for p in inst.responsibility_pairs(rule) if p in v.charge]
        by_unit, by_member = defaultdict(list), defaultdict(list)
        for m, u in pairs:
            by_unit[u].append(v.charge[m, u])
            by_member[m].append(v.charge[m, u])
        for u in inst.select_units(rule.units):
            ctx.add_linear(
                RuleKey("responsibility", rid, u, extra="per_unit"), by_unit[u], rule.unit_min, rule.per_unit.max
            )
        for m in inst.select_members(rule.members):
            ctx.add_linear(
                RuleKey("responsibility", rid, m, extra="per_member"),
                by_member[m],
                rule.member_min,
                rule.per_member.max,
            )


def add_teams(ctx: ModelContext) -> None:
    """Work teams: a team's people are in charge of a unit together (all or none), and the team takes charge
    of per_team.min..max of its units."""
    inst, v, model = ctx.inst, ctx.vars, ctx.model
    for team in inst.scenario.teams:
        takes = []
        key = RuleKey("team", team.id, team.id, extra="together")
        ctx.keys.append(key)
        enforce = ctx.guard(key)
        for u in inst.team_units(team):
            lits = [v.charge[m, u] for m in team.everyone if (m, u) in v.charge]
            if not lits:
                continue
            t = model.new_bool_var(f"team[{team.id},{u}]")
            for lit in lits:
                model.add(lit == t).only_enforce_if(enforce)
            if len(lits) < len(team.everyone):  # someone cannot be in charge of it (a pin): the team cannot
                model.add(t == 0).only_enforce_if(enforce)
            takes.append(t)
        ctx.add_linear(RuleKey("team", team.id, team.id, extra="per_team"), takes, team.per_team.min, team.per_team.max)


def add_attendance_eligibility(ctx: ModelContext) -> None:
    """Eligibility: a member attends a unit that a rule reaches only "in charge" only while in charge of it."""
    inst, v = ctx.inst, ctx.vars
    for (m, u, mo), att in v.attend.items():
        if inst.attend_sources.get((m, u)) != "in_charge" or inst.fixed_attendance.get((m, u, mo)):
            continue
        # create_variables makes an "in charge" attendance only where a cover literal exists
        ctx.model.add_implication(att, v.cover[m, u])


def add_unavailability(ctx: ModelContext) -> None:
    """Calendar: a member attends nothing on a day it is unavailable."""
    inst, v = ctx.inst, ctx.vars
    for (m, u, d), on in v.on.items():
        if inst.unavailable(m, d) is None:
            continue
        key = RuleKey("unavailable", "unavailable", m, d.isoformat(), u)
        ctx.keys.append(key)
        ctx.model.add_bool_or([~on]).only_enforce_if(ctx.guard(key))


def _events_by_day(ctx: ModelContext) -> dict[tuple[str, dt.date], list[tuple[str, Lit]]]:
    """For each (member, day): (unit, literal) of every meeting the member could attend that day. A person with
    several seats is one member here (under its first seat): each meeting once, whichever seat attends it."""
    if "events" not in ctx.memo:
        inst = ctx.inst
        events: dict[tuple[str, dt.date], dict[str, Lit]] = defaultdict(dict)
        for (m, u, d), on in ctx.vars.on.items():
            if inst.unavailable(m, d) is None:
                events[inst.seats_of(m)[0], d].setdefault(u, on)  # the seats' literals are equal (add_one_person)
        order = inst.member_order
        ctx.memo["events"] = {
            key: list(evs.items()) for key, evs in sorted(events.items(), key=lambda kv: (order[kv[0][0]], kv[0][1]))
        }
    return ctx.memo["events"]


def add_one_person(ctx: ModelContext) -> None:
    """One person, several seats: a person attends a meeting once, and it is an attendance of each of its
    seats that may attend it that day (the seats' literals are equal on the days both are free)."""
    inst, model = ctx.inst, ctx.model
    if not inst.has_persons:
        return
    first: dict[tuple[str, str, dt.date], Lit] = {}
    for (m, u, d), on in ctx.vars.on.items():
        if len(inst.seats_of(m)) < 2 or inst.unavailable(m, d) is not None:
            continue
        key = (inst.person_of(m), u, d)
        if key in first:
            model.add(on == first[key])
        else:
            first[key] = on


def add_meetings_per_day(ctx: ModelContext) -> None:
    """One meeting a day: a member attends at most ``limits.meetings_per_day`` meetings on any day — per session
    where meetings give one (a meeting without a session takes the whole day, so it counts in each)."""
    inst = ctx.inst
    k = inst.scenario.limits.meetings_per_day
    for (m, d), evs in _events_by_day(ctx).items():
        if len(evs) <= k:
            continue
        sessions = sorted({s for u, _ in evs if (s := inst.session_of(u, month_of(d))) is not None})
        if not sessions:
            ctx.add_linear(
                RuleKey("one-meeting-a-day", "meetings_per_day", m, d.isoformat()), [on for _, on in evs], None, k
            )
            continue
        for s in sessions:
            lits = [on for u, on in evs if inst.same_time(inst.session_of(u, month_of(d)), s)]
            ctx.add_linear(RuleKey("one-meeting-a-day", "meetings_per_day", m, d.isoformat(), s), lits, None, k)


def add_own_meetings_busy(ctx: ModelContext) -> None:
    """Own meetings: on a day its committee or home cell meets, a member attends no other meeting."""
    inst, v, model = ctx.inst, ctx.vars, ctx.model
    if not inst.scenario.limits.own_meetings_busy:
        return
    k = inst.scenario.limits.meetings_per_day
    for (m, d), evs in _events_by_day(ctx).items():
        mo = month_of(d)
        for own in inst.own_units(m):
            own_days = dict(v.days_of(inst, own, mo))
            own_session = inst.session_of(own, mo)
            others = [on for u, on in evs if u != own and inst.same_time(inst.session_of(u, mo), own_session)]
            if d not in own_days or not others:
                continue
            own_lit = own_days[d]
            key = RuleKey("own-meeting", "own_meetings_busy", m, d.isoformat(), own)
            ctx.keys.append(key)
            enforce = ctx.guard(key)
            if own_lit is None:  # the own meeting is surely that day
                for on in others:
                    model.add_bool_or([~on]).only_enforce_if(enforce)
            else:  # sum(others) <= k * (1 - own)
                model.add(sum(others) + k * own_lit <= k).only_enforce_if(enforce)


def add_max_per_month(ctx: ModelContext) -> None:
    """Personal limit: a member attends at most ``max_per_month`` meetings in any month."""
    inst, v = ctx.inst, ctx.vars
    per_month: dict[tuple[str, str], list] = defaultdict(list)
    for (m, _u, mo), att in v.attend.items():
        per_month[m, mo].append(att)
    for member in inst.scenario.members:
        if member.max_per_month is None:
            continue
        for mo in inst.months:
            ctx.add_linear(
                RuleKey("max-per-month", "max_per_month", member.id, mo),
                per_month[member.id, mo],
                None,
                member.max_per_month,
            )


def _member_count(ctx: ModelContext, m: str, units, in_charge: bool, months) -> list:
    lits = []
    for u in sorted(units, key=ctx.inst.unit_order.__getitem__):
        for mo in months:
            lit = counted(ctx.model, ctx.inst, ctx.vars, (m, u, mo), in_charge)
            if lit is not None:
                lits.append(lit)
    return lits


def add_attendance_quotas(ctx: ModelContext) -> None:
    """Quota: each selected member attends at_least..at_most meetings of the selected units per period,
    with each ``including`` sub-count; partial periods scale at_least by their share of months, rounded up."""
    inst = ctx.inst
    for rule in inst.scenario.attendance:
        rid = inst.rule_id(rule)
        for m, spec in inst.attendance_counts(rule).items():
            includings = inst.including_counts(rule, m)
            for slot in inst.slots(rule.per, m):
                lits = _member_count(ctx, m, spec.units, spec.in_charge, slot.months)
                ctx.add_linear(
                    RuleKey("attendance", rid, m, slot.label), lits, slot.scaled(rule.at_least), rule.at_most
                )
                for i, (inc, ispec) in enumerate(zip(rule.including, includings)):
                    ilits = _member_count(ctx, m, ispec.units, ispec.in_charge, slot.months)
                    ctx.add_linear(
                        RuleKey("including", rid, m, slot.label, str(i + 1)), ilits, slot.scaled(inc.at_least), None
                    )


def add_coverage(ctx: ModelContext) -> None:
    """Coverage: each selected unit receives at_least..at_most visits by the selected members per period."""
    inst = ctx.inst
    for rule in inst.scenario.coverage:
        rid = inst.rule_id(rule)
        units, by, in_charge = inst.coverage_spec(rule)
        for u in units:
            counted_by = inst.coverage_by(rule, u, by)
            for slot in inst.slots(rule.per, unit=u):
                lits = _visits(ctx, counted_by, u, slot.months, in_charge)
                ctx.add_linear(RuleKey("coverage", rid, u, slot.label), lits, slot.scaled(rule.at_least), rule.at_most)


def _visits(ctx: ModelContext, by, u: str, months, in_charge: bool) -> list:
    """The literals of the visits a coverage rule counts at ``u``: one per member of ``by`` and month, members
    first; a person with several seats in ``by`` visits once, through whichever seat it counts."""
    inst, v = ctx.inst, ctx.vars
    groups: dict[tuple[str, str], list] = {}
    for m in sorted(by, key=inst.member_order.__getitem__):
        for mo in months:
            lit = counted(ctx.model, inst, v, (m, u, mo), in_charge)
            if lit is not None:
                groups.setdefault((inst.person_of(m), mo), []).append(lit)
    out = []
    for (p, mo), lits in groups.items():
        if len(lits) == 1:
            out.append(lits[0])
        else:
            y = ctx.model.new_bool_var(f"visit[{p},{u},{mo}]")
            ctx.model.add_max_equality(y, lits)
            out.append(y)
    return out


def add_apart_from(ctx: ModelContext) -> None:
    """Apart: two units that the scenario keeps apart (``apart_from``) never meet on the same day."""
    inst, v, model = ctx.inst, ctx.vars, ctx.model
    for u, w in inst.apart_pairs:
        for mo in inst.months:
            days_w = dict(v.days_of(inst, w, mo))
            common = [(a, days_w[d]) for d, a in v.days_of(inst, u, mo) if d in days_w]
            if not common:
                continue
            key = RuleKey("apart-from", "apart_from", u, mo, w)
            ctx.keys.append(key)
            enforce = ctx.guard(key)
            for a, b in common:
                model.add_bool_or([~x for x in (a, b) if x is not None]).only_enforce_if(enforce)


def add_fixed_charges(ctx: ModelContext) -> None:
    """Pinned charges (a charge pinned false has no variable at all)."""
    for (m, u), on in ctx.inst.fixed_charges.items():
        if on:
            ctx.fix(RuleKey("fixed", "fixed", m, extra=u), ctx.vars.charge.get((m, u)), True)


def add_fixed(ctx: ModelContext) -> None:
    """Pins: charges and attendances the plan must (or must not) contain. Dates are pinned in the calendar."""
    inst, v = ctx.inst, ctx.vars
    add_fixed_charges(ctx)
    for (m, u, mo), on in inst.fixed_attendance.items():
        if on:
            ctx.fix(RuleKey("fixed", "fixed", m, mo, u), v.attend.get((m, u, mo)), True)


RULE_FAMILIES = (
    add_one_person,
    add_responsibility,
    add_teams,
    add_attendance_eligibility,
    add_unavailability,
    add_meetings_per_day,
    add_own_meetings_busy,
    add_max_per_month,
    add_apart_from,
    add_attendance_quotas,
    add_coverage,
    add_fixed,
)
