"""A bound on the whole of a coupled scenario from its parts: the coupling members taken out, every part
relaxed, the parts solved apart, their bounds added up with a bound on what the coupling members do.

When levels couple the communes (`planner.scale.parts`), the parts that make the plan are solved with the
coupling members' charges and places decided first: their bounds hold only for those decisions. The
term-by-term bound (`planner.search.bounds`) holds for the whole but ignores one meeting a day and own
meetings, which is where a commune's shift comes from. This module gives a bound on the whole that sees them.

**Split.** Take the *outside members* out: the coupling members (their charges or attendances reach two
communes, or a commune and a unit above them), with every member of a work team one of them is in. The other
(*local*) members and the units they touch form connected components, joined as the parts are (a commune's
units stay together, one person's seats, units kept apart). Each component is a *relaxed part*:

- its local members, its units and every rule on them, restricted to its local members;
- a responsibility rule's least count per unit lowered by the outside members that may take that unit, its
  most kept;
- a coverage rule asks nothing of a unit some outside member it counts may attend (its most is kept);
- an attendance rule whose members are not all in the part counts them one at a time (no balance);
- the pins of its local members and its units; units it does not plan have no meeting (they keep nobody
  busy). Every plan of the whole scenario, restricted to the part, is a plan of the relaxed part.

**Bound.** The whole objective is the parts' shares (their local members' rewards and visits, their units'
shift, the balance of rules inside one part) plus the outside's share (the outside members' rewards and
visits, the shift of units no part plans, the balance of rules over several parts, at most 0). So

    whole optimum ≤ Σ parts' bounds + most outside rewards − visit × least outside visits
                    − shift × least shift of the units no part plans

where the outside rewards are bounded by the linear relaxation of every responsibility rule (GLOP, as for the
term-by-term bound) with only the outside members' rewards counted, and the least outside visits are each
outside person's own quotas (`planner.model.redundant.member_needs`; a person with a local seat counts 0).
Each part's bound is its linear relaxation's optimum (HiGHS, `planner.search.lp_bound`); a part without one
leaves no bound.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from planner.instance import Instance
from planner.model.redundant import member_needs
from planner.scale.executors import Executor
from planner.scale.parts import _coupling_members, _Graph, _Rules, _UnionFind, split_by_count
from planner.scenario import FixedAttendance, FixedCharge, FixedDate, MemberSelector, Scenario, UnitSelector
from planner.search.bounds import least_shift_of, reward_upper_bound

PART_COLUMNS = 150_000  # a relaxed part's LP is solved up to this many columns (a commune's: 8–20 k, 1–3 s)


@dataclass(frozen=True)
class RelaxedSplit:
    scenarios: tuple[Scenario, ...]  # the relaxed parts
    outside: tuple[str, ...]  # the members taken out
    outside_reward: float  # most the outside members' charges can earn
    outside_visits: int  # least visits of the outside persons
    outside_shift: int  # least shift of the meetings no part plans

    def outside_bound(self, inst: Instance) -> float:
        w = inst.scenario.weights
        return self.outside_reward - w.visit * self.outside_visits - w.shift * self.outside_shift


def relaxed_split(inst: Instance, outside_members: Collection[str] | None = None) -> RelaxedSplit | None:
    """The relaxed parts of ``inst`` (see the module's docstring) with ``outside_members`` taken out (by
    default the coupling members; any set gives a valid bound); None when nobody is taken out or the outside
    members' rewards have no bound."""
    g = _Graph(inst)
    outside = set(_coupling_members(g) if outside_members is None else outside_members)
    if not outside:
        return None
    for team in inst.scenario.teams:  # a team takes charge together: all of it out, or none
        if outside.intersection(team.everyone):
            outside.update(team.everyone)
    reward = reward_upper_bound(inst, outside)
    if reward is None:
        return None

    uf = _UnionFind()
    local = [m for m in inst.members if m not in outside]
    for m in local:
        uf.find(("m", m))
        for u in g.charge[m] | g.attend[m] | g.own[m]:
            uf.union(("m", m), g.node(u))
    for team in inst.scenario.teams:  # (a local team is local as a whole)
        if not outside.intersection(team.everyone):
            for other in team.everyone[1:]:
                uf.union(("m", team.everyone[0]), ("m", other))
    for seats in inst.seats.values():
        kept = [s for s in seats if s not in outside]
        for other in kept[1:]:
            uf.union(("m", kept[0]), ("m", other))
    for u, w in inst.apart_pairs:
        uf.union(g.node(u), g.node(w))
    comp_members: dict[Any, list[str]] = defaultdict(list)
    for m in local:
        comp_members[uf.find(("m", m))].append(m)
    comp_units: dict[Any, list[str]] = defaultdict(list)
    unplanned: set[str] = set()
    for u in inst.units:
        node = g.node(u)
        root = uf.find(node) if node in uf.parent else None
        if root is not None and root in comp_members:
            comp_units[root].append(u)
        else:
            unplanned.add(u)
    roots = sorted(comp_members, key=lambda r: inst.member_order[comp_members[r][0]])

    rules = _Rules(inst, set())
    away: list[dict[str, int]] = []  # per responsibility rule: per unit, the outside members that may take it
    for rule in inst.scenario.responsibility:
        count: dict[str, int] = defaultdict(int)
        for m, u in inst.responsibility_pairs(rule):
            if m in outside and inst.fixed_charges.get((m, u)) is not False:
                count[u] += 1
        away.append(count)
    scenarios = [
        _relaxed_part(inst, g, i, comp_members[r], comp_units.get(r, []), outside, rules, away)
        for i, r in enumerate(roots)
    ]
    needs = member_needs(inst)
    visits = sum(need for person, need in needs.items() if all(s in outside for s in inst.seats.get(person, (person,))))
    shift = least_shift_of(inst, unplanned)
    return RelaxedSplit(tuple(scenarios), tuple(m for m in inst.members if m in outside), reward, visits, shift)


def _relaxed_part(
    inst: Instance,
    g: _Graph,
    index: int,
    members: list[str],
    owned: list[str],
    outside: set[str],
    rules: _Rules,
    away: list[dict[str, int]],
) -> Scenario:
    s = inst.scenario
    mset, owned_set = set(members), set(owned)
    keep: set[str] = set()
    for u in owned:
        keep.update(inst.ancestors[u])
    for m in members:
        for u in (inst.members[m].residence, inst.members[m].home_cell, inst.members[m].committee):
            if u and u in inst.units:
                keep.update(inst.ancestors[u])
    units = [
        u if u.id in owned_set else u.model_copy(update={"meeting": None, "closed": ()})
        for u in s.units
        if u.id in keep
    ]

    def ids(selected: set[str]) -> tuple[str, ...]:
        return tuple(u for u in owned if u in selected)  # owned is in scenario order

    resp = []
    for (rule, rid, rule_units, rule_members, _k), outside_k in zip(rules.resp, away):
        r_units, r_members = ids(rule_units), tuple(m for m in members if m in rule_members)
        if not r_units and not r_members:
            continue
        may_come = {u: min(outside_k.get(u, 0), rule.unit_min) for u in r_units}
        resp += split_by_count(rule, rid, r_members, r_units, may_come, taken=False)

    att = []
    for rule, rid, rule_members, main, inc_units in rules.att:
        r_members = tuple(m for m in members if m in rule_members)
        if not r_members:
            continue
        update: dict[str, Any] = {
            "units": UnitSelector(ids=ids(main), in_charge=rule.units.in_charge),
            "including": tuple(
                inc.model_copy(update={"units": UnitSelector(ids=ids(iu), in_charge=inc.units.in_charge)})
                for inc, iu in zip(rule.including, inc_units)
            ),
        }
        if len(r_members) < len(rule_members):  # members elsewhere: one member at a time, no balance
            att += [
                rule.model_copy(update={**update, "id": f"{rid}~{m}", "members": MemberSelector(ids=(m,))})
                for m in r_members
            ]
        else:
            att.append(rule.model_copy(update={**update, "members": MemberSelector(ids=r_members)}))

    cov = []
    for rule, rid, c_units, by, _in_charge in rules.cov:
        r_units = ids(c_units)
        if not r_units:
            continue
        away_by = [m for m in by if m in outside]
        helped = {u for u in r_units if any(u in g.attend[m] for m in away_by)}
        local_by = MemberSelector(ids=tuple(m for m in members if m in by))
        for name, us, at_least in (
            (rid, [u for u in r_units if u not in helped], rule.at_least),
            (f"{rid}~outside", [u for u in r_units if u in helped], 0),
        ):
            if us and (at_least or rule.at_most is not None):
                cov.append(
                    rule.model_copy(
                        update={
                            "id": name,
                            "units": UnitSelector(ids=tuple(us), in_charge=rule.units.in_charge),
                            "by": local_by,
                            "at_least": at_least,
                        }
                    )
                )

    fixed = [
        f
        for f in s.fixed
        if (isinstance(f, FixedCharge) and f.member in mset)
        or (isinstance(f, FixedAttendance) and f.member in mset and f.unit in owned_set)
        or (isinstance(f, FixedDate) and f.unit in owned_set)
    ]
    teams = tuple(t for t in s.teams if mset.issuperset(t.everyone))
    return s.model_copy(
        update={
            "name": f"{s.name} — relaxed part {index + 1}",
            "units": tuple(units),
            "members": tuple(inst.members[m] for m in members),
            "responsibility": tuple(resp),
            "attendance": tuple(att),
            "coverage": tuple(cov),
            "fixed": tuple(fixed),
            "teams": teams,
            "source": f"{s.source}#relaxed{index + 1}",
            "sha256": s.sha256,
        }
    )


def part_lp_bound(scenario: Scenario) -> float | None:
    """The LP bound of one relaxed part (run in a worker process, or on a Dask worker): None if there is none
    (too large, a constraint the LP reading does not know, or a stop was requested)."""
    from planner.model import build_model
    from planner.search.driver import stop_requested
    from planner.search.lp_bound import lp_bound

    if stop_requested():
        return None
    return lp_bound(build_model(Instance(scenario)).model, PART_COLUMNS, presolve=False).bound


@dataclass(frozen=True)
class RelaxedBound:
    bound: float | None  # None: some part has no bound (or there is no split)
    parts: int
    outside_members: int
    outside: float | None  # the outside's share of the bound
    seconds: float

    def summary(self) -> dict[str, object]:
        return {
            "bound": self.bound,
            "method": "lp",
            "parts": self.parts,
            "outside_members": self.outside_members,
            "outside": self.outside,
            "seconds": round(self.seconds, 3),
        }


def relaxed_bound(
    inst: Instance, executor: Executor | None = None, outside_members: Collection[str] | None = None
) -> RelaxedBound:
    """The whole scenario's bound from its relaxed parts' LP bounds (see the module's docstring), the parts run
    through ``executor`` (in this process by default)."""
    from planner.scale.executors import SerialExecutor

    t0 = time.monotonic()
    split = relaxed_split(inst, outside_members)
    if split is None:
        return RelaxedBound(None, 0, 0, None, time.monotonic() - t0)
    outside = split.outside_bound(inst)
    bounds = (executor or SerialExecutor()).map(part_lp_bound, list(split.scenarios))
    total = None if any(b is None for b in bounds) else float(outside + sum(bounds))
    return RelaxedBound(total, len(split.scenarios), len(split.outside), outside, time.monotonic() - t0)
