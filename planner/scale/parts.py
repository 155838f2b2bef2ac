"""The split of a big scenario into independent parts: the member–unit graph, its components, the charges
of the coupling members decided first (a small CP-SAT model), and each part's own sub-scenario.

**Exact parts.** Join each member to every unit it touches — the units it may be put in charge of, the units
it may attend, its committee and home cell (their meeting days keep it busy), its pins — and split the
scenario into the connected components of that graph. A responsibility rule's per-unit count only involves
members joined to the unit, its per-member count only units joined to the member; a quota, a coverage count,
one-meeting-a-day, own meetings and ``max_per_month`` likewise stay inside one component. So the components
are independent problems, *except for one term*: the ``balance`` of an attendance rule whose members lie in
several components (max − min over all of them). Each part solves its own copy of such a rule **one member
at a time** (no balance inside the part), so every part is a relaxation of its share of the whole; the sum of
the parts' bounds is then a valid bound for the whole scenario, and the merged plan's objective — recomputed
by `planner.verify` on the whole scenario, balance included — is what is reported. When no rule spans parts,
the decomposition is exact: the merged plan is optimal if every part is, and the bound is the whole bound.
(``balance="part"`` keeps such a rule whole inside each part instead — its balance per part —, which tends to
even out the totals; the parts' bounds then bound nothing, and only the term-by-term bound is reported.)

**Levels couple the communes.** Members of a district or province committee may be put in charge of many
communes, and their committee's meeting keeps all of them busy: the exact components are then the whole
province. The sound scheme (``scheme="charges-first"``) is:

1. *Coupling members* are those whose possible charges or attendances reach more than one commune (or a
   commune and a unit above the communes). Their charges are decided first, in a small CP-SAT model: the responsibility
   rules (exact for them; a unit's count leaves room for the local members that may also take it), someone in
   charge for each of their in-charge quotas and for each in-charge coverage rule nobody local can meet, and
   the residence/sector rewards less one point per charge.
2. Each coupling member is then placed in *one* commune's part: one of the communes it is directly in charge
   of, or else one under the units it is in charge of — its residence if it can, otherwise the one with the
   fewest such visitors so far. It attends only there (a restriction, never a violation); its other charges
   stand as decided, count in the per-unit bounds of the parts that hold those units, and join the merged plan.
3. A unit above the communes that nobody attends, and whose meeting only keeps its committee's members busy
   (a district or province committee, a district agency cell), has its dates pinned to its best possible day
   (least shift), so it no longer joins the parts it keeps busy.
4. The parts are solved with the coupling members' charges pinned (`fixed`), the rules rewritten to each
   part's own members and units (per-unit bounds lowered by the pinned charges), and the plans merged.
5. The merged plan's meetings move nearer their day wherever every rule allows (`planner.polish`): parts
   solved with a few seconds each leave some off their day for nothing (a district at 20 s: 316 shift days).

Steps 4 (solving and merging) and 5 are `planner.scale.decompose`'s, and so is the accounting of the bound.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from planner.calendar import Month
from planner.instance import Instance
from planner.scenario import (
    AttendanceRule,
    CoverageRule,
    FixedAttendance,
    FixedCharge,
    FixedDate,
    Including,
    MemberSelector,
    Range,
    ResponsibilityRule,
    Scenario,
    UnitSelector,
)
from planner.search.driver import SearchParams, run
from planner.search.solving import Settings

SCHEMES = ("auto", "exact", "charges-first")
BALANCE_MODES = ("drop", "part")


# ============================================================================================== the split
@dataclass
class Part:
    index: int
    members: tuple[str, ...]
    units: tuple[str, ...]  # units this part plans (its meetings and the rules on them)
    scenario: Scenario
    size: int = 0  # a measure of the part's model (eligible member-unit-month triples)
    shared_shift: int = 0  # shift of pinned units it holds too (counted once in the whole)


@dataclass
class Decomposition:
    parts: list[Part]
    scheme: str  # exact or charges-first
    exact: bool  # the parts' problems together are the whole problem (balance aside, see split_rules)
    coupling: tuple[str, ...] = ()
    coupling_charges: frozenset[tuple[str, str]] = frozenset()
    pinned: dict[tuple[str, Month], dt.date] = field(default_factory=dict)  # pinned shared units' dates
    free: dict[tuple[str, Month], dt.date] = field(default_factory=dict)  # units in no part
    split_rules: tuple[str, ...] = ()  # attendance rules whose balance spans parts
    phase1_seconds: float = 0.0
    phase1_status: str = ""
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[Any, Any] = {}

    def find(self, x: Any) -> Any:
        self.parent.setdefault(x, x)
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: Any, b: Any) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


class _Graph:
    """Who touches what: each member's reach, by kind of edge."""

    def __init__(self, inst: Instance):
        self.inst = inst
        self.group: dict[str, str | None] = {}
        for u in inst.units:
            self.group[u] = next((a for a in inst.ancestors[u] if inst.unit_level(a) == "commune"), None)
        self.charge: dict[str, set[str]] = defaultdict(set)
        for m, u in inst.charge_pairs:
            if inst.fixed_charges.get((m, u)) is not False:
                self.charge[m].add(u)
        # the pairs `Instance.attend_sources` holds, computed from each member's possible charges downwards
        # rather than over every member × unit of each rule (at a province's size: seconds, not a minute)
        self.attend_free: dict[str, set[str]] = defaultdict(set)
        self.attend_ic: dict[str, set[str]] = defaultdict(set)
        children: dict[str, list[str]] = defaultdict(list)
        for u in inst.units:
            parent = inst.units[u].parent
            if parent is not None and parent in inst.units:
                children[parent].append(u)
        meeting = set(inst.meeting_units)
        self.children = children
        self.below: dict[str, set[str]] = {}
        under = self.under

        reachable: dict[str, set[str]] = {}  # member -> units under its possible charges, with a meeting
        for m, us in self._charge_all(inst).items():
            reachable[m] = set().union(*(under(u) for u in us)) & meeting

        def add(members: Iterable[str], units: frozenset[str], in_charge: bool) -> None:
            for m in members:
                if in_charge:
                    self.attend_ic[m].update(u for u in reachable.get(m, ()) if u in units)
                else:
                    self.attend_free[m].update(units & meeting)

        sc = inst.scenario
        for rule in sc.attendance:
            members = inst.select_members(rule.members)
            main = frozenset(inst.select_units(rule.units))
            if rule.at_least >= 1:
                add(members, main, rule.units.in_charge)
            for inc, spec in zip(rule.including, inst.including_counts(rule)):
                if inc.at_least >= 1:
                    add(members, spec.units, spec.in_charge)
        for rule in sc.coverage:
            if rule.at_least >= 1:
                units, by, in_charge = inst.coverage_spec(rule)
                add(by, frozenset(units), in_charge)
        self.attend: dict[str, set[str]] = defaultdict(set)
        for m in inst.members:
            self.attend[m] = self.attend_free[m] | self.attend_ic[m]
        for (m, u, _mo), on in inst.fixed_attendance.items():
            if on and m in inst.members and u in inst.units and inst.units[u].meeting is not None:
                self.attend[m].add(u)
        self.own = {m: set(inst.own_units(m)) for m in inst.members}
        self.attended = {u for us in self.attend.values() for u in us}

    def under(self, u: str) -> set[str]:
        """The unit and every unit below it."""
        if u not in self.below:
            out, stack = set(), [u]
            while stack:
                x = stack.pop()
                if x not in out:
                    out.add(x)
                    stack.extend(self.children.get(x, ()))
            self.below[u] = out
        return self.below[u]

    @staticmethod
    def _charge_all(inst: Instance) -> dict[str, set[str]]:
        out: dict[str, set[str]] = defaultdict(set)
        for m, u in inst.charge_pairs:
            out[m].add(u)
        return out

    def node(self, u: str) -> tuple[str, str]:
        g = self.group[u]
        return ("g", g) if g is not None else ("u", u)

    def groups_reached(self, m: str) -> set[str | None]:
        return {self.group[u] for u in self.charge[m] | self.attend[m]}


def _coupling_members(g: _Graph) -> list[str]:
    """Members whose possible charges or attendances reach more than one commune, or a commune and a unit
    above the communes."""
    return [m for m in g.inst.members if len(g.groups_reached(m)) > 1]


# ---------------------------------------------------------------------------------------------- phase 1
def _phase1(
    inst: Instance, g: _Graph, coupling: list[str], settings: Settings
) -> tuple[set[tuple[str, str]] | None, str, float]:
    """Decide the coupling members' charges (see the module's docstring)."""
    from ortools.sat.python import cp_model

    t0 = time.monotonic()
    cset = set(coupling)
    model = cp_model.CpModel()
    x: dict[tuple[str, str], Any] = {}
    for m in coupling:
        for u in sorted(g.charge[m], key=inst.unit_order.__getitem__):
            x[m, u] = model.new_bool_var(f"x[{m},{u}]")
            if inst.fixed_charges.get((m, u)):
                model.add(x[m, u] == 1)
    pair_rules: list[tuple[ResponsibilityRule, list[tuple[str, str]]]] = []
    for rule in inst.scenario.responsibility:
        pairs = [p for p in inst.responsibility_pairs(rule) if inst.fixed_charges.get(p) is not False]
        pair_rules.append((rule, pairs))
        mine = [p for p in pairs if p[0] in cset]
        if not mine:
            continue
        by_unit: dict[str, list] = defaultdict(list)
        local_unit: dict[str, int] = defaultdict(int)
        by_member: dict[str, list] = defaultdict(list)
        for m, u in pairs:
            if m in cset:
                by_unit[u].append(x[m, u])
                by_member[m].append(x[m, u])
            else:
                local_unit[u] += 1
        for u in inst.select_units(rule.units):
            lits = by_unit.get(u, [])
            if rule.per_unit.max is not None and lits:
                model.add(sum(lits) <= rule.per_unit.max)
            need = rule.unit_min - local_unit[u]
            if need > 0:
                model.add(sum(lits) >= need) if lits else model.add_bool_or([])
        for m in inst.select_members(rule.members):
            if m not in cset:
                continue
            lits = by_member.get(m, [])
            if rule.member_min > 0:
                model.add(sum(lits) >= rule.member_min) if lits else model.add_bool_or([])
            if rule.per_member.max is not None and lits:
                model.add(sum(lits) <= rule.per_member.max)
    meeting = set(inst.meeting_units)

    x_by_member: dict[str, list[tuple[str, Any]]] = defaultdict(list)
    x_by_unit: dict[str, list[tuple[str, Any]]] = defaultdict(list)
    for (m, u), lit in x.items():
        x_by_member[m].append((u, lit))
        x_by_unit[u].append((m, lit))

    def covering(m: str, units: frozenset[str] | set[str]) -> list:
        return [lit for a, lit in x_by_member.get(m, ()) if not g.under(a).isdisjoint(units)]

    for rule in inst.scenario.attendance:
        members = [m for m in inst.select_members(rule.members) if m in cset]
        if not members:
            continue
        specs = [(rule.at_least, spec) for spec in [next(iter(inst.attendance_counts(rule).values()))]]
        specs += [(inc.at_least, spec) for inc, spec in zip(rule.including, inst.including_counts(rule))]
        for m in members:
            for at_least, spec in specs:
                if at_least > 0 and spec.in_charge:
                    lits = covering(m, spec.units & meeting)
                    if lits:
                        model.add_bool_or(lits)
    local_cover: set[str] = set()  # units some local member may be in charge of (it or an ancestor)
    for m, us in g.charge.items():
        if m not in cset:
            local_cover |= us
    for rule in inst.scenario.coverage:
        units, by, in_charge = inst.coverage_spec(rule)
        if rule.at_least <= 0 or not in_charge:
            continue
        for u in units:
            if u not in meeting or any(a in local_cover for a in inst.ancestors[u]):
                continue
            lits = [lit for a in inst.ancestors[u] for m, lit in x_by_unit.get(a, ()) if m in by]
            if lits:
                model.add_bool_or(lits)
    terms = []
    for (m, u), lit in x.items():
        # a charge is worth its reward; one point less, so that none is taken for nothing
        terms.append((inst.charge_reward(m, u) - 1) * lit)
    model.maximize(sum(terms))
    r = run(
        model,
        SearchParams(
            limit=max(1.0, settings.time_limit * 0.1),
            workers=settings.workers,
            seed=settings.seed,
            deterministic=settings.deterministic,
        ),
    )
    name = r.solver.status_name(r.code).lower()
    if r.code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, name, time.monotonic() - t0
    chosen = {k for k, lit in x.items() if r.solver.boolean_value(lit)}
    return chosen, name, time.monotonic() - t0


# ---------------------------------------------------------------------------------------------- split
def decompose(
    inst: Instance, settings: Settings = Settings(), scheme: str = "auto", balance: str = "drop"
) -> Decomposition:
    """Split ``inst`` into parts (see the module's docstring)."""
    if scheme not in SCHEMES:
        raise ValueError(f"scheme is one of {', '.join(SCHEMES)}")
    if balance not in BALANCE_MODES:
        raise ValueError(f"balance is one of {', '.join(BALANCE_MODES)}")
    t0 = time.monotonic()
    g = _Graph(inst)
    coupling = _coupling_members(g) if scheme != "exact" else []
    if scheme == "auto":
        scheme = "charges-first" if coupling else "exact"
    notes: list[str] = []
    chosen: set[tuple[str, str]] = set()
    p1_status, p1_seconds = "", 0.0
    if scheme == "charges-first" and coupling:
        got, p1_status, p1_seconds = _phase1(inst, g, coupling, settings)
        if got is None:
            notes.append(
                f"deciding the charges of the {len(coupling)} coupling members first found nothing "
                f"({p1_status}): solved as exact components instead"
            )
            scheme, coupling = "exact", []
        else:
            chosen = got
    cset = set(coupling)

    uf = _UnionFind()
    pinned_units: set[str] = set()
    if scheme == "charges-first":
        # units above the communes that nobody attends: their meeting only keeps their own members busy
        for u in inst.meeting_units:
            if g.group[u] is None and u not in g.attended:
                pinned_units.add(u)
    anchored: dict[str, int] = defaultdict(int)
    for m in inst.members:
        uf.find(("m", m))
        if m not in cset:
            for u in g.charge[m] | g.attend[m] | g.own[m]:
                if u not in pinned_units:
                    uf.union(("m", m), g.node(u))
            continue
        mine = {u for (mm, u) in chosen if mm == m}
        direct = {g.group[u] for u in mine if g.group[u] is not None}
        reach = g.attend_free[m] | {u for u in g.attend_ic[m] if any(a in mine for a in inst.ancestors[u])}
        # one commune: among those it is directly in charge of, else among those it may visit; its residence
        # if it can, else the one with the fewest such visitors so far
        options = sorted(
            direct or {g.group[u] for u in reach if g.group[u] is not None}, key=lambda grp: inst.unit_order[grp]
        )
        res = inst.members[m].residence
        home = g.group.get(res) if res else None
        if home in options:
            place = home
        elif options:
            place = min(options, key=lambda grp: (anchored[grp], inst.unit_order[grp]))
        else:
            place = None
        if place is not None:
            anchored[place] += 1
            uf.union(("m", m), ("g", place))
        for u in reach | g.own[m]:
            if g.group[u] is None and u not in pinned_units:
                uf.union(("m", m), ("u", u))
    # one person's seats share one calendar, and units kept apart share their days: each stays in one part
    for seats in [*inst.seats.values(), *(t.everyone for t in inst.scenario.teams)]:  # and work teams
        for other in seats[1:]:
            uf.union(("m", seats[0]), ("m", other))
    for u, w in inst.apart_pairs:
        if u not in pinned_units and w not in pinned_units:
            uf.union(g.node(u), g.node(w))

    # the parts: members by component, units by the component of their node
    comp_members: dict[Any, list[str]] = defaultdict(list)
    for m in inst.members:
        comp_members[uf.find(("m", m))].append(m)
    comp_units: dict[Any, list[str]] = defaultdict(list)
    free: dict[tuple[str, Month], dt.date] = {}
    pinned: dict[tuple[str, Month], dt.date] = {}
    for u in inst.units:
        if u in pinned_units:
            for mo in inst.months:
                if inst.candidate_days[u, mo]:
                    pinned[u, mo] = inst.candidate_days[u, mo][0]
            continue
        node = g.node(u)
        root = uf.find(node) if node in uf.parent else None
        if root is not None and root in comp_members:
            comp_units[root].append(u)
        elif inst.units[u].meeting is not None:
            for mo in inst.months:
                if inst.candidate_days[u, mo]:
                    free[u, mo] = inst.candidate_days[u, mo][0]
    roots = sorted(comp_members, key=lambda r: inst.member_order[comp_members[r][0]])
    part_of_member = {m: i for i, r in enumerate(roots) for m in comp_members[r]}

    # attendance rules whose members lie in several parts
    split: list[str] = []
    rule_parts: dict[int, set[int]] = {}
    for i, rule in enumerate(inst.scenario.attendance):
        ps = {part_of_member[m] for m in inst.select_members(rule.members)}
        rule_parts[i] = ps
        if len(ps) > 1 and len(inst.select_members(rule.members)) > 1:
            split.append(inst.rule_id(rule))

    parts = []
    rules = _Rules(inst, chosen)
    for i, r in enumerate(roots):
        members = tuple(comp_members[r])
        units = tuple(comp_units.get(r, ()))
        sub, shared_shift = _sub_scenario(inst, g, i, members, units, cset, chosen, pinned, balance, rule_parts, rules)
        uset = set(units)
        size = sum(len(inst.months) for m in members for u in g.attend[m] if u in uset)
        parts.append(Part(i, members, units, sub, size, shared_shift))
    exact = scheme == "exact"
    if split:
        if balance == "drop":
            notes.append(
                f"the balance of {', '.join(split)} spans parts: each part counts that rule one member "
                f"at a time (a relaxation); verify recomputes the whole balance on the merged plan"
            )
        else:
            notes.append(
                f"the balance of {', '.join(split)} spans parts: each part balances its own members; "
                f"verify recomputes the whole balance on the merged plan (no global bound)"
            )
    return Decomposition(
        parts,
        scheme,
        exact,
        tuple(coupling),
        frozenset(chosen),
        pinned,
        free,
        tuple(split),
        p1_seconds,
        p1_status,
        time.monotonic() - t0,
        notes,
    )


class _Rules:
    """What each rule selects, resolved once for all parts (a province has hundreds of rules and parts)."""

    def __init__(self, inst: Instance, chosen: set[tuple[str, str]]):
        s = inst.scenario
        self.resp = []
        for rule in s.responsibility:
            pairs = set(inst.responsibility_pairs(rule))
            pinned_k: dict[str, int] = defaultdict(int)
            for m, u in chosen:
                if (m, u) in pairs:
                    pinned_k[u] += 1
            self.resp.append(
                (
                    rule,
                    inst.rule_id(rule),
                    set(inst.select_units(rule.units)),
                    set(inst.select_members(rule.members)),
                    pinned_k,
                )
            )
        self.att = [
            (
                rule,
                inst.rule_id(rule),
                set(inst.select_members(rule.members)),
                set(inst.select_units(rule.units)),
                [set(inst.select_units(inc.units)) for inc in rule.including],
            )
            for rule in s.attendance
        ]
        self.cov = []
        for rule in s.coverage:
            units, by, in_charge = inst.coverage_spec(rule)
            self.cov.append((rule, inst.rule_id(rule), set(units), by, in_charge))


def split_by_count(
    rule: ResponsibilityRule,
    rid: str,
    members: tuple[str, ...],
    units: tuple[str, ...],
    others: Mapping[str, int],
    taken: bool,
) -> list[ResponsibilityRule]:
    """``rule`` over ``members`` and ``units`` only, where ``others[u]`` people outside ``members`` count at
    unit ``u``: the members' own counts over all of the units, then each unit needing that many fewer of them.
    With ``taken`` those people are in charge (pinned charges): the unit also takes that many fewer. Else they
    only may be (a relaxation): its most stays."""
    msel = MemberSelector(ids=members)
    k_of = {u: others.get(u, 0) for u in units}
    if not any(k_of.values()):
        return [rule.model_copy(update={"id": rid, "members": msel, "units": UnitSelector(ids=units)})]
    top = rule.per_unit.max
    out = [
        rule.model_copy(
            update={
                "id": f"{rid}~members",
                "members": msel,
                "units": UnitSelector(ids=units),
                "per_unit": Range(min=0, max=None if taken else top),
            }
        )
    ]
    by_k: dict[int, list[str]] = defaultdict(list)
    for u in units:
        by_k[k_of[u]].append(u)
    for k, us in sorted(by_k.items()):
        most = top if top is None or not taken else max(0, top - k)
        out.append(
            rule.model_copy(
                update={
                    "id": f"{rid}~{k}",
                    "members": msel,
                    "units": UnitSelector(ids=tuple(us)),
                    "per_unit": Range(min=max(0, rule.unit_min - k), max=most),
                    "per_member": Range(min=0),
                }
            )
        )
    return out


def _sub_scenario(
    inst: Instance,
    g: _Graph,
    index: int,
    members: tuple[str, ...],
    owned: tuple[str, ...],
    coupling: set[str],
    chosen: set[tuple[str, str]],
    pinned: dict[tuple[str, Month], dt.date],
    balance: str,
    rule_parts: dict[int, set[int]],
    rules: _Rules,
) -> tuple[Scenario, int]:
    s = inst.scenario
    mset, owned_set = set(members), set(owned)
    keep: set[str] = set()
    for u in owned:
        keep.update(inst.ancestors[u])
    busy_units: set[str] = set()
    for m in members:
        for u in g.own[m]:
            busy_units.add(u)
            keep.update(inst.ancestors[u])
        res = inst.members[m].residence
        if res and res in inst.units:
            keep.update(inst.ancestors[res])
        home = inst.members[m].home_cell
        if home and home in inst.units:
            keep.update(inst.ancestors[home])
    chosen_here = sorted(((m, u) for m, u in chosen if m in mset), key=inst.pair_key)
    for _m, u in chosen_here:
        keep.update(inst.ancestors[u])
    pinned_units = {u for (u, _mo) in pinned}
    units = []
    shared_shift = 0
    pins: list[FixedDate] = []
    for u in s.units:
        if u.id not in keep:
            continue
        if u.id in owned_set:
            units.append(u)
        elif u.id in pinned_units and u.id in busy_units:
            units.append(u)
            for mo in inst.months:
                pins.append(FixedDate(unit=u.id, month=mo, date=pinned[u.id, mo]))
                shared_shift += inst.shift(u.id, pinned[u.id, mo])
        else:
            units.append(u.model_copy(update={"meeting": None, "closed": ()}))

    def owned_ids(sel_units: set[str]) -> tuple[str, ...]:
        return tuple(u for u in owned if u in sel_units)  # owned is in scenario order

    resp: list[ResponsibilityRule] = []
    for rule, rid, rule_units, rule_members, all_k in rules.resp:
        r_units = owned_ids(rule_units)
        r_members = tuple(m for m in members if m in rule_members and m not in coupling)
        if not r_units and not r_members:
            continue
        resp += split_by_count(rule, rid, r_members, r_units, all_k, taken=True)

    att: list[AttendanceRule] = []
    for i, (rule, rid, rule_members, main, inc_units) in enumerate(rules.att):
        r_members = tuple(m for m in members if m in rule_members)
        if not r_members:
            continue
        usel = UnitSelector(ids=owned_ids(main), in_charge=rule.units.in_charge)
        incs = tuple(
            Including(units=UnitSelector(ids=owned_ids(iu), in_charge=inc.units.in_charge), at_least=inc.at_least)
            for inc, iu in zip(rule.including, inc_units)
        )
        common = dict(units=usel, including=incs)  # the rest as the rule says (per, at_least, own_cell, …)
        if len(rule_parts[i]) > 1 and balance == "drop":
            att += [
                rule.model_copy(update={"id": f"{rid}~{m}", "members": MemberSelector(ids=(m,)), **common})
                for m in r_members
            ]
        else:
            att.append(rule.model_copy(update={"id": rid, "members": MemberSelector(ids=r_members), **common}))

    cov: list[CoverageRule] = []
    for rule, rid, c_units, by, in_charge in rules.cov:
        r_units = owned_ids(c_units)
        if not r_units:
            continue
        cov.append(
            rule.model_copy(  # the rest as the rule says (per, at_least, at_most, own_cell, …)
                update={
                    "id": rid,
                    "units": UnitSelector(ids=r_units),
                    "by": MemberSelector(ids=tuple(m for m in members if m in by)),
                    "in_charge": in_charge,
                }
            )
        )

    fixed: list[Any] = []
    for f in s.fixed:
        if isinstance(f, FixedCharge) and f.member in mset:
            fixed.append(f)
        elif isinstance(f, FixedAttendance) and f.member in mset and f.unit in owned_set:
            fixed.append(f)
        elif isinstance(f, FixedDate) and f.unit in owned_set:
            fixed.append(f)
    have = {(f.member, f.unit) for f in fixed if isinstance(f, FixedCharge)}
    for m, u in chosen_here:
        if (m, u) not in have:
            fixed.append(FixedCharge(member=m, unit=u, charge=True))
    fixed += pins
    member_objs = tuple(inst.members[m] for m in members)
    sub = s.model_copy(
        update={
            "name": f"{s.name} — part {index + 1}",
            "units": tuple(units),
            "members": member_objs,
            "responsibility": tuple(resp),
            "attendance": tuple(att),
            "coverage": tuple(cov),
            "fixed": tuple(fixed),
            "source": f"{s.source}#part{index + 1}",
            "sha256": s.sha256,
        }
    )
    return sub, shared_shift
