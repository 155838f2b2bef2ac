"""The hand-drafting baseline: what an organisation office does in a spreadsheet, as a program.

1. **Charges.** Rule by rule, unit by unit: give each unit the members it needs (``per_unit.min``), choosing
   a member who lives there, then one whose sector matches, then the least-loaded one (fewest charges so
   far); then give each member still short of ``per_member.min`` the unit with the fewest members in charge,
   by the same preference. Fixed charges first; never past a ``max``.
2. **Dates.** Every meeting on its preferred date, or the nearest possible one (the earliest when two are as
   near): the drafter does not move meetings to make room for visitors.
3. **Attendance.** Member by member, rule by rule, period by period: attend the earliest meetings the member
   may attend (in charge, free that day, not on its own committee's or home cell's day, under every
   ``at_most``) until the period's quota and each ``including`` sub-count are met; then give each unit short of
   a coverage minimum the earliest free visits of its least-loaded eligible members.

The drafter never looks back, so on hard scenarios the plan may break rules: `greedy_plan` returns the plan
anyway, and `run_greedy` reports its violations (from `planner.verify`) next to its objective — "infeasible for
the drafter" is a fair baseline too.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from dataclasses import dataclass, field

from planner.calendar import Month
from planner.checks.verify import objective_terms, verify
from planner.instance import CountSpec, Instance
from planner.plan import Plan, Summary
from planner.status import Status


class _Draft:
    def __init__(self, inst: Instance):
        self.inst = inst
        self.charges: set[tuple[str, str]] = set()
        self.charged_units: dict[str, set[str]] = defaultdict(set)  # member -> units in charge (directly)
        self.load: dict[str, int] = defaultdict(int)  # member -> charges
        self.meetings: dict[tuple[str, Month], dt.date] = {}
        self.attend: set[tuple[str, str, Month]] = set()
        self.rows: dict[tuple[str, str, Month], dt.date] = {}
        self.day_count: dict[tuple[str, dt.date], int] = defaultdict(int)
        self.month_count: dict[tuple[str, Month], int] = defaultdict(int)
        self.visits: dict[str, int] = defaultdict(int)  # member -> attendances
        self.unit_month: dict[tuple[str, Month], list[str]] = defaultdict(list)  # (unit, month) -> members
        self.mine: dict[str, set[tuple[str, Month]]] = defaultdict(set)  # member -> (unit, month) attended
        # member -> units it may ever attend (a rule or a pin): what a quota's units are narrowed to
        self.reach: dict[str, set[str]] = defaultdict(set)
        for m, u in inst.attend_sources:
            self.reach[m].add(u)
        for (m, u, _mo), on in inst.fixed_attendance.items():
            if on:
                self.reach[m].add(u)

    # ------------------------------------------------------------------------------------------ charges
    def add_charge(self, m: str, u: str) -> None:
        if (m, u) not in self.charges:
            self.charges.add((m, u))
            self.charged_units[m].add(u)
            self.load[m] += 1

    def in_charge(self, m: str, u: str) -> bool:
        mine = self.charged_units.get(m)
        return bool(mine) and any(a in mine for a in self.inst.ancestors[u])

    def clash(self, m: str, u: str) -> bool:
        """Whether a meeting of ``u`` can only fall on a day one of the member's own meetings must have (two
        fixed-day cells on the same day): the drafter avoids such charges."""
        inst = self.inst
        if not hasattr(self, "_fixed_days"):
            self._fixed_days = {
                x: {days[0] for mo in inst.months if len(days := inst.candidate_days[x, mo]) == 1}
                for x in inst.meeting_units
            }
        mine = self._fixed_days.get(u)
        if not mine:
            return False
        return any(not mine.isdisjoint(self._fixed_days.get(o, ())) for o in inst.own_units(m) if o != u)

    def charges_step(self) -> None:
        inst = self.inst
        for (m, u), on in inst.fixed_charges.items():
            if on and m in inst.members and u in inst.units:
                self.add_charge(m, u)
        forbidden = {p for p, on in inst.fixed_charges.items() if not on}
        # work teams first: each takes the first of its units it may (all its people), as many as it must
        for team in inst.scenario.teams:
            taken = 0
            for u in inst.team_units(team):
                if taken >= (team.per_team.min or 0):
                    break
                if all((m, u) not in forbidden for m in team.everyone):
                    for m in team.everyone:
                        self.add_charge(m, u)
                    taken += 1
        rank = {"residence": 0, "sector": 1, "none": 2}
        for rule in inst.scenario.responsibility:
            pairs = [p for p in inst.responsibility_pairs(rule) if p not in forbidden]
            by_unit: dict[str, list[str]] = defaultdict(list)
            by_member: dict[str, list[str]] = defaultdict(list)
            for m, u in pairs:
                by_unit[u].append(m)
                by_member[m].append(u)
            count_u: dict[str, int] = defaultdict(int)
            count_m: dict[str, int] = defaultdict(int)
            for m, u in pairs:
                if (m, u) in self.charges:
                    count_u[u] += 1
                    count_m[m] += 1
            m_max, u_max = rule.per_member.max, rule.per_unit.max
            for u in inst.select_units(rule.units):
                need = rule.unit_min - count_u[u]
                options = sorted(
                    (m for m in by_unit[u] if (m, u) not in self.charges),
                    key=lambda m: (self.clash(m, u), rank[inst.basis(m, u)], self.load[m], inst.member_order[m]),
                )
                for m in options:
                    if need <= 0:
                        break
                    if m_max is not None and count_m[m] >= m_max:
                        continue
                    self.add_charge(m, u)
                    count_u[u] += 1
                    count_m[m] += 1
                    need -= 1
            for m in inst.select_members(rule.members):
                need = rule.member_min - count_m[m]
                options = sorted(
                    (u for u in by_member[m] if (m, u) not in self.charges),
                    key=lambda u: (self.clash(m, u), rank[inst.basis(m, u)], count_u[u], inst.unit_order[u]),
                )
                for u in options:
                    if need <= 0:
                        break
                    if u_max is not None and count_u[u] >= u_max:
                        continue
                    self.add_charge(m, u)
                    count_u[u] += 1
                    count_m[m] += 1
                    need -= 1

    def needs_charge(self) -> dict[str, list[frozenset[str]]]:
        """For each member: the unit sets of its in-charge quotas (at_least ≥ 1) — it must be in charge of one."""
        inst = self.inst
        meeting = set(inst.meeting_units)
        out: dict[str, list[frozenset[str]]] = defaultdict(list)
        for rule in inst.scenario.attendance:
            specs = [(rule.at_least, inst.attendance_counts(rule))]
            members = inst.select_members(rule.members)
            specs += [
                (inc.at_least, {m: spec for m in members})
                for inc, spec in zip(rule.including, inst.including_counts(rule))
            ]
            for at_least, by_member in specs:
                for m, spec in by_member.items():
                    if at_least > 0 and spec.in_charge:
                        out[m].append(frozenset(spec.units & meeting))
        return out

    def still_covered(self, h: str, unit: str) -> bool:
        """Whether member ``h`` keeps a charge for each of its in-charge quotas without ``unit``."""
        inst = self.inst
        mine = self.charged_units[h] - {unit}
        return all(any(a in mine for u in units for a in inst.ancestors[u]) for units in self.needs.get(h, ()))

    def cover_quota_charges(self) -> None:
        """A member whose quota counts only units in its charge gets one: a unit with room under a rule, or
        one taken from a member who holds two or more (the drafter's second look at the table)."""
        inst = self.inst
        forbidden = {p for p, on in inst.fixed_charges.items() if not on}
        rules = [
            (r, [p for p in inst.responsibility_pairs(r) if p not in forbidden]) for r in inst.scenario.responsibility
        ]
        rank = {"residence": 0, "sector": 1, "none": 2}

        def counts(rule_pairs):
            cu: dict[str, int] = defaultdict(int)
            cm: dict[str, int] = defaultdict(int)
            for m, u in rule_pairs:
                if (m, u) in self.charges:
                    cu[u] += 1
                    cm[m] += 1
            return cu, cm

        self.needs = self.needs_charge()
        for m, needs in self.needs.items():
            for units in needs:
                if any(self.in_charge(m, u) for u in units):
                    continue
                done = False
                options = []
                for ri, (_rule, pairs) in enumerate(rules):
                    for pm, pu in pairs:
                        if pm == m and any(pu in inst.ancestors[u] for u in units):
                            options.append((self.clash(m, pu), rank[inst.basis(m, pu)], inst.unit_order[pu], ri, pu))
                for _c, _r, _o, ri, pu in sorted(options):
                    rule, pairs = rules[ri]
                    cu, cm = counts(pairs)
                    if rule.per_member.max is not None and cm[m] >= rule.per_member.max:
                        continue
                    if rule.per_unit.max is None or cu[pu] < rule.per_unit.max:
                        self.add_charge(m, pu)
                        done = True
                        break
                    # full: take it from a holder with another charge under this rule, above its minimum
                    holders = sorted(
                        (
                            h
                            for h, x in pairs
                            if x == pu
                            and (h, pu) in self.charges
                            and (h, pu) not in inst.fixed_charges
                            and cm[h] > rule.member_min
                            and self.load[h] >= 2
                            and self.still_covered(h, pu)
                        ),
                        key=lambda h: (-self.load[h], inst.member_order[h]),
                    )
                    if holders:
                        h = holders[0]
                        self.charges.discard((h, pu))
                        self.charged_units[h].discard(pu)
                        self.load[h] -= 1
                        self.add_charge(m, pu)
                        done = True
                        break
                if not done:
                    break  # the drafter gives up on this member

    # ------------------------------------------------------------------------------------------ dates
    def dates_step(self) -> None:
        """Each meeting on the nearest possible day to its preferred one on which the members in charge of it
        are free (not unavailable, not at their own committee's or home cell's meeting); committees and home
        cells first, since their days keep members busy."""
        inst = self.inst
        holders: dict[str, list[str]] = defaultdict(list)
        for m, u in self.charges:
            holders[u].append(m)
        owners: dict[str, list[str]] = defaultdict(list)
        for m in inst.members:
            for own in inst.own_units(m):
                owners[own].append(m)
        # the meetings that keep the most members busy first (committees, agency cells), then the others
        order = sorted(inst.meeting_units, key=lambda u: (-len(owners.get(u, ())), inst.unit_order[u]))
        busy: dict[str, set[dt.date]] = defaultdict(set)
        # days a member cannot give up: the one possible day of a meeting in its charge (a fixed-day cell)
        forced: dict[str, set[dt.date]] = defaultdict(set)
        for m, units in self.charged_units.items():
            for u in inst.meeting_units:
                if any(a in units for a in inst.ancestors[u]):
                    for mo in inst.months:
                        days = inst.candidate_days[u, mo]
                        if len(days) == 1:
                            forced[m].add(days[0])
        for u in order:
            direct = set(holders.get(u, ()))  # in charge of this very cell: it is where they meet their quota
            visitors = sorted({m for a in inst.ancestors[u] for m in holders.get(a, ())})
            keepers = owners.get(u, ())
            for mo in inst.months:
                days = inst.candidate_days[u, mo]
                if not days:
                    continue
                # the day on which the fewest members in charge are kept away (candidate order breaks ties:
                # the least shift, then the earlier)
                pick = min(
                    days,
                    key=lambda d: (
                        sum(
                            10 if m in direct else 1
                            for m in visitors
                            if inst.unavailable(m, d) is not None or d in busy[m]
                        )
                        + sum(10 for m in keepers if d in forced[m]),
                        days.index(d),
                    ),
                )
                self.meetings[u, mo] = pick
                for m in owners.get(u, ()):
                    busy[m].add(pick)

    # ------------------------------------------------------------------------------------------ attendance
    def setup_limits(self) -> None:
        inst = self.inst
        self.busy: dict[str, set[dt.date]] = defaultdict(set)
        for m in inst.members:
            for own in inst.own_units(m):
                for mo in inst.months:
                    d = self.meetings.get((own, mo))
                    if d is not None:
                        self.busy[m].add(d)
        self.own = {m: set(inst.own_units(m)) for m in inst.members}
        # every at_most that an attendance would count towards: attendance rules (per member) and coverage
        self.att_caps: dict[str, list[tuple[CountSpec, int, dict[Month, str]]]] = defaultdict(list)
        self.att_count: dict[tuple[int, str, str], int] = defaultdict(int)  # (cap id, member, period) -> n
        self.caps_list: list[tuple[CountSpec, int, dict[Month, str]]] = []
        for rule in inst.scenario.attendance:
            if rule.at_most is None:
                continue
            slot_of = {mo: s.label for s in inst.slots(rule.per) for mo in s.months}
            for m, spec in inst.attendance_counts(rule).items():
                self.att_caps[m].append((spec, len(self.caps_list), slot_of))
            self.caps_list.append((CountSpec(frozenset(), False), rule.at_most, slot_of))
        self.cov_rules = []
        for rule in inst.scenario.coverage:
            units, by, in_charge = inst.coverage_spec(rule)
            slot_of = {mo: s.label for s in inst.slots(rule.per) for mo in s.months}
            self.cov_rules.append((rule, frozenset(units), by, in_charge, slot_of))
        self.cov_count: dict[tuple[int, str, str], int] = defaultdict(int)  # (rule, unit, period) -> n
        self.cov_by_unit: dict[str, list[int]] = defaultdict(list)
        for i, (_r, units, _b, _c, _s) in enumerate(self.cov_rules):
            for u in units:
                self.cov_by_unit[u].append(i)

    def eligible(self, m: str, u: str, mo: Month) -> bool:
        inst = self.inst
        fixed = inst.fixed_attendance.get((m, u, mo))
        if fixed is False or inst.units[u].meeting is None:
            return False
        if inst.is_frozen(mo) and not fixed:
            return False
        return inst.attendance_allowed(m, u, mo, self.in_charge(m, u))

    def can_attend(self, m: str, u: str, mo: Month) -> dt.date | None:
        """The meeting's date if the member may attend it now without breaking a limit, else None."""
        inst = self.inst
        if (m, u, mo) in self.attend or not self.eligible(m, u, mo):
            return None
        d = self.meetings.get((u, mo))
        if d is None or inst.unavailable(m, d) is not None:
            return None
        p = inst.seats_of(m)[0]  # a person with several seats has one day
        already = any((s, u, mo) in self.attend for s in inst.seats_of(m))  # the same meeting, another seat
        if not already and self.day_count[p, d] >= inst.scenario.limits.meetings_per_day:
            return None
        if d in self.busy[m] and u not in self.own[m]:
            return None
        cap = inst.members[m].max_per_month
        if cap is not None and self.month_count[m, mo] >= cap:
            return None
        for spec, cid, slot_of in self.att_caps.get(m, ()):
            if u in spec.units and (not spec.in_charge or self.in_charge(m, u)):
                if self.att_count[cid, m, slot_of[mo]] >= self.caps_list[cid][1]:
                    return None
        for i in self.cov_by_unit.get(u, ()):
            rule, _units, by, in_charge, slot_of = self.cov_rules[i]
            if (
                rule.at_most is not None
                and m in inst.coverage_by(rule, u, by)
                and (not in_charge or self.in_charge(m, u))
            ):
                if self.cov_count[i, u, slot_of[mo]] >= rule.at_most:
                    return None
        return d

    def add_attendance(self, m: str, u: str, mo: Month, d: dt.date) -> None:
        self.attend.add((m, u, mo))
        self.mine[m].add((u, mo))
        self.rows[m, u, mo] = d
        seats = self.inst.seats_of(m)
        if not any((s, u, mo) in self.attend for s in seats if s != m):  # the person goes once
            self.day_count[seats[0], d] += 1
        self.month_count[m, mo] += 1
        self.visits[m] += 1
        self.unit_month[u, mo].append(m)
        for spec, cid, slot_of in self.att_caps.get(m, ()):
            if u in spec.units and (not spec.in_charge or self.in_charge(m, u)):
                self.att_count[cid, m, slot_of[mo]] += 1
        for i in self.cov_by_unit.get(u, ()):
            _rule, _units, by, in_charge, slot_of = self.cov_rules[i]
            if m in self.inst.coverage_by(_rule, u, by) and (not in_charge or self.in_charge(m, u)):
                self.cov_count[i, u, slot_of[mo]] += 1

    def counted(self, m: str, spec: CountSpec, months: tuple[Month, ...]) -> int:
        return sum(
            1
            for u, mo in self.mine.get(m, ())
            if mo in months and u in spec.units and (not spec.in_charge or self.in_charge(m, u))
        )

    def fill(self, m: str, spec: CountSpec, months: tuple[Month, ...], need: int) -> None:
        """Attend the earliest possible meetings among ``spec``'s units in ``months`` until ``need`` count."""
        inst = self.inst
        have = self.counted(m, spec, months)
        if have >= need:
            return
        units = [
            u
            for u in self.reach.get(m, set()) & spec.units
            if (not spec.in_charge or self.in_charge(m, u))
            and ((m, u) in inst.attend_sources or any(inst.fixed_attendance.get((m, u, mo)) for mo in months))
        ]
        options = []
        for u in units:
            for mo in months:
                d = self.meetings.get((u, mo))
                if d is not None:
                    options.append((d, inst.unit_order[u], u, mo))
        # the earliest meetings first, but a meeting that already has visitors after the empty ones
        # (the drafter spreads the visitors over the cells)
        options.sort(key=lambda o: (len(self.unit_month.get((o[2], o[3]), ())) > 0, o[0], o[1]))
        for d, _o, u, mo in options:
            if have >= need:
                break
            if self.can_attend(m, u, mo) is not None:
                self.add_attendance(m, u, mo, d)
                have += 1

    def attendance_step(self) -> None:
        inst = self.inst
        self.setup_limits()
        for (m, u, mo), on in sorted(inst.fixed_attendance.items()):
            if on and m in inst.members and u in inst.units:
                d = self.meetings.get((u, mo))
                if d is not None and (m, u, mo) not in self.attend:
                    self.add_attendance(m, u, mo, d)
        rules = inst.scenario.attendance
        specs = [(r, inst.attendance_counts(r)) for r in rules]
        for m in inst.members:
            for rule, counts in specs:
                spec = counts.get(m)
                if spec is None:
                    continue
                includes = inst.including_counts(rule, m)
                for slot in inst.slots(rule.per, m):
                    for inc, ispec in zip(rule.including, includes):
                        self.fill(m, ispec, slot.months, slot.scaled(inc.at_least))
                    self.fill(m, spec, slot.months, slot.scaled(rule.at_least))
        for i, (rule, units, by, in_charge, _slot_of) in enumerate(self.cov_rules):
            if rule.at_least <= 0:
                continue
            for u in sorted(units, key=inst.unit_order.__getitem__):
                if inst.units[u].meeting is None:
                    continue
                for slot in inst.slots(rule.per):
                    need = slot.scaled(rule.at_least)
                    have = self.cov_count[i, u, slot.label]
                    if have >= need:
                        continue
                    members = sorted(
                        (m for m in inst.coverage_by(rule, u, by) if (not in_charge or self.in_charge(m, u))),
                        key=lambda m: (self.visits[m], inst.member_order[m]),
                    )
                    options = sorted(
                        (self.meetings[u, mo], inst.member_order[m], m, mo)
                        for mo in slot.months
                        if (u, mo) in self.meetings
                        for m in members
                    )
                    # least-loaded first within the earliest date: sort by (date, load)
                    options.sort(key=lambda o: (o[0], self.visits[o[2]], o[1]))
                    for d, _o, m, mo in options:
                        if have >= need:
                            break
                        if self.can_attend(m, u, mo) is not None:
                            self.add_attendance(m, u, mo, d)
                            have += 1

    def plan(self) -> Plan:
        return Plan(
            frozenset(self.charges), dict(self.meetings), frozenset((m, u, d) for (m, u, _mo), d in self.rows.items())
        )


def greedy_plan(inst: Instance) -> Plan:
    """The drafter's plan (it may break rules on hard scenarios; `planner.verify` says which)."""
    draft = _Draft(inst)
    draft.charges_step()
    draft.cover_quota_charges()
    draft.dates_step()
    draft.attendance_step()
    return draft.plan()


@dataclass
class GreedyResult:
    plan: Plan
    summary: Summary
    violations: int
    messages: list[str] = field(default_factory=list)


def run_greedy(inst: Instance, check: bool = True) -> GreedyResult:
    """The baseline plan, its objective (recomputed by verify) and its violation count.

    ``summary.status`` is ``feasible`` when verify finds nothing, else ``violations`` (the drafter could not
    meet every rule: the scenario may still admit a plan)."""
    t0 = time.monotonic()
    plan = greedy_plan(inst)
    seconds = time.monotonic() - t0
    if check:
        report = verify(inst, plan)
        terms, objective, violations = report.terms, report.objective, report.violations
    else:
        terms = objective_terms(inst, plan)
        objective, violations = inst.scenario.weights.objective(terms), []
    summary = Summary(
        status=Status.FEASIBLE if not violations else Status.VIOLATIONS,
        objective=objective,
        bound=None,
        gap=None,
        seconds=seconds,
        scenario_sha256=inst.scenario.sha256,
        seed=0,
        terms=terms,
        extra={
            "method": "greedy",
            "violations": len(violations),
            "build_seconds": 0.0,
            "solve_seconds": round(seconds, 3),
        },
    )
    return GreedyResult(plan, summary, len(violations), [str(v) for v in violations[:20]])
