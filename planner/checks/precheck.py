"""Counting pre-checks: the common impossibilities, found by counting before any search, each with its numbers.

Every check is a *necessary* condition for a plan: it counts what the scenario could at best give (meeting
days, visits, charges) while ignoring some rules, so a check that fails proves that no plan exists. The checks:

- ``calendar``: a member needs n attendances in a period but can attend fewer meetings — after holidays,
  blackouts, closed days, unavailability, own meetings, ``meetings_per_day`` and ``max_per_month`` (the day
  limit is counted exactly, as a matching of meetings to days);
- ``capacity``: a unit needs more visits in a period than the members who may visit it can give;
- ``responsibility``: a responsibility rule needs more charges than its members may take
  (``per_unit.min`` over the units against ``per_member.max`` over the members), or the reverse, or a unit
  (member) has fewer candidates than its minimum;
- ``require-basis``: ``basis: require`` leaves a unit with fewer matching members than ``per_unit.min``;
- ``pin``: a ``fixed`` item contradicts a rule (too many pinned charges or attendances, a pinned attendance on
  a day the member cannot attend, several pinned meetings on one day);
- ``mix``: an attendance rule's ``including`` sub-counts cannot all hold (they need more than ``at_most``, or
  more meetings than the calendar gives).

Each finding carries a `Scope`: the rule instances (`RuleKey`) its argument uses. The exact diagnosis
(`planner.diagnose`) checks that those rule instances are infeasible together in the model before it reports
anything, and shrinks them to a minimal set. This module reads the `Instance` only.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from planner.calendar import Month, PeriodSlot
from planner.instance import CountSpec, Instance
from planner.model.context import RuleKey

LIMIT_FAMILIES = ("unavailable", "one-meeting-a-day", "own-meeting", "max-per-month")
KINDS = ("responsibility", "require-basis", "pin", "calendar", "mix", "capacity")


# ---------------------------------------------------------------------------------------------- capacity
@dataclass(frozen=True)
class Blocked:
    """A day on which the member cannot attend a meeting it otherwise could."""

    unit: str
    day: dt.date
    why: str  # "unavailable" or "own_meeting"
    detail: str  # the reason given (unavailable) or the own unit's id (own_meeting)


@dataclass
class MonthCapacity:
    """How many meetings among ``units`` a member can attend at best in one month, and why no more."""

    member: str
    month: Month
    eligible: tuple[str, ...]  # counted units with a meeting that month that the member may attend at all
    not_eligible: dict[str, str]  # counted unit -> why the member may not attend it ("no-meeting", ...)
    days: dict[str, tuple[dt.date, ...]]  # eligible unit -> the days its meeting may take place
    free: dict[str, tuple[dt.date, ...]]  # eligible unit -> those of its days the member is free
    blocked: tuple[Blocked, ...]
    per_day: int
    max_per_month: int | None
    by_days: int  # most meetings attendable with at most ``per_day`` a day (exact, a matching)
    capacity: int

    @property
    def attendable(self) -> tuple[str, ...]:
        """Eligible units whose meeting has a day the member is free."""
        return tuple(u for u in self.eligible if self.free[u])

    @property
    def free_days(self) -> tuple[dt.date, ...]:
        return tuple(sorted({d for u in self.attendable for d in self.free[u]}))

    @property
    def binding(self) -> str:
        """What limits the count: ``meetings`` (few meetings), ``days`` (one a day) or ``max_per_month``."""
        if self.capacity >= len(self.attendable):
            return "meetings"
        if self.max_per_month is not None and self.capacity == self.max_per_month and self.max_per_month < self.by_days:
            return "max_per_month"
        return "days"


def _matching(free: dict[str, tuple[dt.date, ...]], per_day: int) -> int:
    """Most meetings that can be given distinct day slots (``per_day`` slots a day): Kuhn's augmenting paths."""
    owner: dict[tuple[dt.date, int], str] = {}

    def place(u: str, seen: set) -> bool:
        for d in free[u]:
            for s in range(per_day):
                slot = (d, s)
                if slot in seen:
                    continue
                seen.add(slot)
                if slot not in owner or place(owner[slot], seen):
                    owner[slot] = u
                    return True
        return False

    return sum(1 for u in free if free[u] and place(u, set()))


class CapacityCounter:
    """Counting facts over an `Instance`, cached: what a member can attend, who may visit a unit."""

    def __init__(self, inst: Instance):
        self.inst = inst
        self._cap: dict[tuple, MonthCapacity] = {}

    # ------------------------------------------------------------------------------------------ members
    def own_fixed_days(self, mid: str, month: Month) -> dict[dt.date, str]:
        """Days this month on which an own meeting (committee, home cell) surely takes place -> that unit."""
        inst, out = self.inst, {}
        if inst.uses_sessions:
            return out  # an own meeting may take only a session: no whole day is surely taken (a safe count)
        for own in inst.own_units(mid):
            days = inst.candidate_days[own, month]
            if len(days) == 1:
                out.setdefault(days[0], own)
        return out

    def why_not_eligible(self, mid: str, uid: str, month: Month, in_charge: bool) -> str | None:
        """Why the member can never attend (and be counted at) this unit's meeting this month (None: it may)."""
        inst = self.inst
        if inst.units[uid].meeting is None:
            return "no-meeting"
        pinned = inst.fixed_attendance.get((mid, uid, month))
        if pinned is False:
            return "pinned-off"
        source = inst.attend_sources.get((mid, uid))
        if source is None and not pinned:
            return "no-rule"
        if (in_charge or source == "in_charge") and not self.can_cover(mid, uid) and not (pinned and not in_charge):
            return "never-in-charge"
        return None

    def can_cover(self, mid: str, uid: str) -> bool:
        """Some allowed charge (not pinned off) would put the member in charge of the unit."""
        fixed = self.inst.fixed_charges
        return any(fixed.get((mid, a)) is not False for a in self.inst.cover_sources.get((mid, uid), ()))

    def free_days(self, mid: str, uid: str, month: Month) -> tuple[tuple[dt.date, ...], list[Blocked]]:
        inst = self.inst
        own = self.own_fixed_days(mid, month)
        free, blocked = [], []
        for d in sorted(inst.candidate_days[uid, month]):
            reason = inst.unavailable(mid, d)
            if reason is not None:
                blocked.append(Blocked(uid, d, "unavailable", reason))
            elif d in own and own[d] != uid:
                blocked.append(Blocked(uid, d, "own_meeting", own[d]))
            else:
                free.append(d)
        return tuple(free), blocked

    def month_capacity(self, mid: str, units: frozenset[str], in_charge: bool, month: Month) -> MonthCapacity:
        key = (mid, units, in_charge, month)
        if key in self._cap:
            return self._cap[key]
        inst = self.inst
        eligible, not_eligible, days, free, blocked = [], {}, {}, {}, []
        for uid in sorted(units, key=inst.unit_order.__getitem__):
            why = self.why_not_eligible(mid, uid, month, in_charge)
            if why is not None:
                not_eligible[uid] = why
                continue
            eligible.append(uid)
            days[uid] = tuple(sorted(inst.candidate_days[uid, month]))
            free[uid], b = self.free_days(mid, uid, month)
            blocked += b
        k = inst.scenario.limits.meetings_per_day
        # with sessions a day holds up to k meetings in each of its three sessions (an upper count stays safe)
        by_days = _matching(free, 3 * k if inst.uses_sessions else k)
        mpm = inst.members[mid].max_per_month
        cap = by_days if mpm is None else min(by_days, mpm)
        out = self._cap[key] = MonthCapacity(
            mid, month, tuple(eligible), not_eligible, days, free, tuple(blocked), k, mpm, by_days, cap
        )
        return out

    def period_capacity(self, mid: str, spec: CountSpec, slot: PeriodSlot) -> list[MonthCapacity]:
        return [self.month_capacity(mid, spec.units, spec.in_charge, mo) for mo in slot.months]

    # ------------------------------------------------------------------------------------------ units
    def visitors(self, uid: str, by: frozenset[str], in_charge: bool, month: Month) -> tuple[list[str], dict[str, str]]:
        """Members of ``by`` who may visit the unit's meeting this month, and why each other one may not."""
        inst = self.inst
        ok, why = [], {}
        for mid in sorted(by, key=inst.member_order.__getitem__):
            reason = self.why_not_eligible(mid, uid, month, in_charge)
            if reason is None:
                free, blocked = self.free_days(mid, uid, month)
                if not free:
                    reason = "unavailable" if any(b.why == "unavailable" for b in blocked) else "own_meeting"
                elif inst.members[mid].max_per_month == 0:
                    reason = "max_per_month"
            if reason is None:
                ok.append(mid)
            else:
                why[mid] = reason
        return ok, why


# ---------------------------------------------------------------------------------------------- findings
@dataclass(frozen=True)
class Scope:
    """The rule instances a finding's argument uses: exact keys, whole rules, and members' limits by month."""

    keys: frozenset[RuleKey] = frozenset()
    rules: frozenset[tuple[str, str]] = frozenset()  # (family, rule id): every instance of that rule
    limits: frozenset[tuple[str, Month]] = frozenset()  # (member, month): the member's calendar limits

    def __contains__(self, key: RuleKey) -> bool:
        if key in self.keys or (key.family, key.rule) in self.rules:
            return True
        return key.family in LIMIT_FAMILIES and (key.subject, key.period[:7]) in self.limits


@dataclass
class Finding:
    """One counting argument that no plan exists: ``need`` against ``can``, with the facts behind it."""

    kind: str  # one of KINDS
    rule: str  # the rule id (or "fixed", "meetings_per_day", ...)
    subject: str  # member or unit id ("" for a whole rule)
    period: str  # period label ("" when not per period)
    need: int
    can: int
    what: str  # a short tag saying which count: "attendances", "visits", "charges", "members", ...
    facts: dict = field(default_factory=dict)  # kind-specific: month capacities, candidates, pins, ...
    scope: Scope = Scope()

    def sort_key(self, inst: Instance) -> tuple:
        subj = inst.member_order.get(self.subject, inst.unit_order.get(self.subject, -1))
        return KINDS.index(self.kind), self.rule, subj, self.period


def _limits(mid: str, months) -> frozenset[tuple[str, Month]]:
    return frozenset((mid, mo) for mo in months)


def check_responsibility(inst: Instance) -> list[Finding]:
    out = []
    for rule in inst.scenario.responsibility:
        rid = inst.rule_id(rule)
        pairs = [p for p in inst.responsibility_pairs(rule) if inst.fixed_charges.get(p) is not False]
        units, members = inst.select_units(rule.units), inst.select_members(rule.members)
        by_unit, by_member = defaultdict(list), defaultdict(list)
        for m, u in pairs:
            by_unit[u].append(m)
            by_member[m].append(u)
        umin, umax = rule.unit_min, rule.per_unit.max
        mmin, mmax = rule.member_min, rule.per_member.max
        single = False
        for u in units:
            if len(by_unit[u]) < umin:
                single = True
                selected = [m for m in members]
                kind = "require-basis" if rule.basis == "require" and len(selected) >= umin else "responsibility"
                out.append(
                    Finding(
                        kind,
                        rid,
                        u,
                        "",
                        umin,
                        len(by_unit[u]),
                        "members",
                        facts={
                            "side": "unit",
                            "candidates": list(by_unit[u]),
                            "selected": selected,
                            "basis": rule.basis,
                            "own_cell": rule.own_cell,
                            "pinned_off": [m for m in selected if inst.fixed_charges.get((m, u)) is False],
                        },
                        scope=Scope(keys=frozenset({RuleKey("responsibility", rid, u, extra="per_unit")})),
                    )
                )
        for m in members:
            if len(by_member[m]) < mmin:
                single = True
                out.append(
                    Finding(
                        "responsibility",
                        rid,
                        m,
                        "",
                        mmin,
                        len(by_member[m]),
                        "units",
                        facts={"side": "member", "candidates": list(by_member[m]), "basis": rule.basis},
                        scope=Scope(keys=frozenset({RuleKey("responsibility", rid, m, extra="per_member")})),
                    )
                )
        if single:
            continue
        for found in (
            _too_few_charges(
                rid,
                umin * len(units),
                mmax,
                members,
                by_member,
                {
                    "side": "units",
                    "units": list(units),
                    "members": list(members),
                    "per_unit_min": umin,
                    "per_member_max": mmax,
                },
            ),
            _too_few_charges(
                rid,
                mmin * len(members),
                umax,
                units,
                by_unit,
                {
                    "side": "members",
                    "units": list(units),
                    "members": list(members),
                    "per_member_min": mmin,
                    "per_unit_max": umax,
                },
            ),
        ):
            if found is not None:
                out.append(found)
    return out


def _too_few_charges(
    rid: str, need: int, cap: int | None, holders: tuple[str, ...], options: dict[str, list[str]], facts: dict
) -> Finding | None:
    """A responsibility rule needs ``need`` charges in all, but each of ``holders`` (members, or units) takes at
    most ``cap`` of its ``options``: a finding when they cannot add up to ``need``."""
    if cap is None:
        return None
    can = sum(min(cap, len(options[h])) for h in holders)
    if need <= can:
        return None
    return Finding(
        "responsibility",
        rid,
        "",
        "",
        need,
        can,
        "charges",
        facts=facts,
        scope=Scope(rules=frozenset({("responsibility", rid)})),
    )


def check_pins(inst: Instance, counter: CapacityCounter) -> list[Finding]:
    out = []
    s = inst.scenario
    pinned_charges = [p for p, on in inst.fixed_charges.items() if on]
    for rule in s.responsibility:
        rid = inst.rule_id(rule)
        pairs = set(inst.responsibility_pairs(rule))
        mine = [p for p in pinned_charges if p in pairs]
        for side, idx, bound, extra in (
            ("member", 0, rule.per_member.max, "per_member"),
            ("unit", 1, rule.per_unit.max, "per_unit"),
        ):
            if bound is None:
                continue
            groups = defaultdict(list)
            for p in mine:
                groups[p[idx]].append(p)
            for subj, ps in groups.items():
                if len(ps) > bound:
                    keys = {RuleKey("fixed", "fixed", m, extra=u) for m, u in ps}
                    keys.add(RuleKey("responsibility", rid, subj, extra=extra))
                    out.append(
                        Finding(
                            "pin",
                            rid,
                            subj,
                            "",
                            len(ps),
                            bound,
                            f"pinned-charges-{side}",
                            facts={"pins": ps, "side": side},
                            scope=Scope(keys=frozenset(keys)),
                        )
                    )
    pins = sorted(
        ((m, u, mo) for (m, u, mo), on in inst.fixed_attendance.items() if on),
        key=lambda k: (inst.member_order[k[0]], k[2], inst.unit_order[k[1]]),
    )
    # a pinned attendance the member cannot make
    for m, u, mo in pins:
        if inst.units[u].meeting is None or (u, mo) not in inst.candidate_days:
            continue
        free, blocked = counter.free_days(m, u, mo)
        if not free:
            out.append(
                Finding(
                    "pin",
                    "fixed",
                    m,
                    mo,
                    1,
                    0,
                    "pinned-attendance",
                    facts={"pin": (m, u, mo), "days": tuple(inst.candidate_days[u, mo]), "blocked": blocked},
                    scope=Scope(keys=frozenset({RuleKey("fixed", "fixed", m, mo, u)}), limits=_limits(m, [mo])),
                )
            )
    by_member_month = defaultdict(list)
    for m, u, mo in pins:
        by_member_month[m, mo].append(u)
    k = s.limits.meetings_per_day
    for (m, mo), units in by_member_month.items():
        mpm = inst.members[m].max_per_month
        if mpm is not None and len(units) > mpm:
            keys = {RuleKey("fixed", "fixed", m, mo, u) for u in units} | {
                RuleKey("max-per-month", "max_per_month", m, mo)
            }
            out.append(
                Finding(
                    "pin",
                    "max_per_month",
                    m,
                    mo,
                    len(units),
                    mpm,
                    "pinned-attendances",
                    facts={"units": units},
                    scope=Scope(keys=frozenset(keys)),
                )
            )
        on_day = defaultdict(list)
        for u in units:
            days = inst.candidate_days.get((u, mo), [])
            if len(days) == 1:
                on_day[days[0]].append(u)
        for d, us in on_day.items():
            if len(us) > k and not inst.uses_sessions:
                keys = {RuleKey("fixed", "fixed", m, mo, u) for u in us}
                out.append(
                    Finding(
                        "pin",
                        "meetings_per_day",
                        m,
                        d.isoformat(),
                        len(us),
                        k,
                        "pinned-same-day",
                        facts={"units": us, "day": d},
                        scope=Scope(keys=frozenset(keys), limits=_limits(m, [mo])),
                    )
                )
    # pinned attendances above an attendance rule's at_most (rules that count them whatever the charges)
    for rule in s.attendance:
        if rule.at_most is None or rule.units.in_charge:
            continue
        rid = inst.rule_id(rule)
        for m, spec in inst.attendance_counts(rule).items():
            for slot in inst.slots(rule.per):
                mine = [(u, mo) for mm, u, mo in pins if mm == m and mo in slot.months and u in spec.units]
                if len(mine) > rule.at_most:
                    keys = {RuleKey("fixed", "fixed", m, mo, u) for u, mo in mine}
                    keys.add(RuleKey("attendance", rid, m, slot.label))
                    out.append(
                        Finding(
                            "pin",
                            rid,
                            m,
                            slot.label,
                            len(mine),
                            rule.at_most,
                            "pinned-above-at-most",
                            facts={"pins": mine},
                            scope=Scope(keys=frozenset(keys)),
                        )
                    )
    return out


def check_attendance(inst: Instance, counter: CapacityCounter) -> list[Finding]:
    """Calendar (a member's quota against the meetings it can attend) and mix (``including`` sub-counts)."""
    out = []
    for rule in inst.scenario.attendance:
        rid = inst.rule_id(rule)
        for m, spec in inst.attendance_counts(rule).items():
            includings = inst.including_counts(rule, m)
            for slot in inst.slots(rule.per, m):
                need = slot.scaled(rule.at_least)
                main_key = RuleKey("attendance", rid, m, slot.label)
                limits = _limits(m, slot.months)
                caps = None
                if need > 0:
                    caps = counter.period_capacity(m, spec, slot)
                    can = sum(c.capacity for c in caps)
                    if can < need:
                        out.append(
                            Finding(
                                "calendar",
                                rid,
                                m,
                                slot.label,
                                need,
                                can,
                                "attendances",
                                facts={"months": caps, "spec": spec, "slot": slot},
                                scope=Scope(keys=frozenset({main_key}), limits=limits),
                            )
                        )
                        continue
                found = False
                needs = [slot.scaled(inc.at_least) for inc in rule.including]
                for i, (ispec, ineed) in enumerate(zip(includings, needs)):
                    if ineed <= 0:
                        continue
                    icaps = counter.period_capacity(m, ispec, slot)
                    can = sum(c.capacity for c in icaps)
                    if can < ineed:
                        found = True
                        key = RuleKey("including", rid, m, slot.label, str(i + 1))
                        out.append(
                            Finding(
                                "mix",
                                rid,
                                m,
                                slot.label,
                                ineed,
                                can,
                                "including-attendances",
                                facts={"months": icaps, "spec": ispec, "slot": slot, "including": [i]},
                                scope=Scope(keys=frozenset({key}), limits=limits),
                            )
                        )
                if found:
                    continue
                # including sub-counts over disjoint unit sets add up
                chosen: list[int] = []
                for i in sorted(range(len(includings)), key=lambda i: (-needs[i], i)):
                    if needs[i] > 0 and all(not (includings[i].units & includings[j].units) for j in chosen):
                        chosen.append(i)
                if len(chosen) < 2:
                    continue
                chosen.sort()
                total = sum(needs[i] for i in chosen)
                inc_keys = {RuleKey("including", rid, m, slot.label, str(i + 1)) for i in chosen}
                if rule.at_most is not None and total > rule.at_most:
                    out.append(
                        Finding(
                            "mix",
                            rid,
                            m,
                            slot.label,
                            total,
                            rule.at_most,
                            "including-above-at-most",
                            facts={"including": chosen, "needs": [needs[i] for i in chosen], "slot": slot},
                            scope=Scope(keys=frozenset(inc_keys | {main_key})),
                        )
                    )
                    continue
                union = CountSpec(
                    frozenset().union(*(includings[i].units for i in chosen)),
                    all(includings[i].in_charge for i in chosen),
                )
                ucaps = counter.period_capacity(m, union, slot)
                can = sum(c.capacity for c in ucaps)
                if can < total:
                    out.append(
                        Finding(
                            "mix",
                            rid,
                            m,
                            slot.label,
                            total,
                            can,
                            "including-together",
                            facts={
                                "months": ucaps,
                                "spec": union,
                                "slot": slot,
                                "including": chosen,
                                "needs": [needs[i] for i in chosen],
                            },
                            scope=Scope(keys=frozenset(inc_keys), limits=limits),
                        )
                    )
    return out


def check_coverage(inst: Instance, counter: CapacityCounter) -> list[Finding]:
    out = []
    for c in inst.coverage_checks():
        need = c.slot.scaled(c.rule.at_least)
        if need <= 0:
            continue
        months = {mo: counter.visitors(c.unit, c.by, c.in_charge, mo) for mo in c.slot.months}
        can = sum(len(ok) for ok, _ in months.values())
        if can < need:
            limits = frozenset((m, mo) for m in c.by for mo in c.slot.months)
            out.append(
                Finding(
                    "capacity",
                    c.rule_id,
                    c.unit,
                    c.slot.label,
                    need,
                    can,
                    "visits",
                    facts={"months": months, "slot": c.slot, "in_charge": c.in_charge},
                    scope=Scope(keys=frozenset({RuleKey("coverage", c.rule_id, c.unit, c.slot.label)}), limits=limits),
                )
            )
    return out


def run_prechecks(inst: Instance, counter: CapacityCounter | None = None) -> list[Finding]:
    """Every counting check, findings in a fixed order (kind, rule, subject, period)."""
    counter = counter or CapacityCounter(inst)
    found = (
        check_responsibility(inst)
        + check_pins(inst, counter)
        + check_attendance(inst, counter)
        + check_coverage(inst, counter)
    )
    order = {id(f): i for i, f in enumerate(found)}
    return sorted(found, key=lambda f: (KINDS.index(f.kind), order[id(f)]))
