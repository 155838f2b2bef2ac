"""Redundant constraints: rows every plan satisfies anyway, stated so that CP-SAT sees them at once.

None of them cuts a plan: each follows from the hard rules (the quotas, the coverage rules) and from the
definitions of the objective's terms. They only tell the solver what it would otherwise have to discover
(and, with two interleaved workers and no LP worker, often never does): a bound on the objective's terms.
They may be added to the plan model only (`planner.model.build_model` with the objective, every rule hard),
never to the diagnosis or the least shortfall, where the quotas are soft; by default none is
(`DEFAULT_FAMILIES`: measured, they did not help CP-SAT).

- `add_balance_rounding`: for a rule's ``n ≥ 2`` balanced members with ``V`` counted attendances in all,
  ``V ≤ fewest + (n − 1)·most`` and ``V ≥ most + (n − 1)·fewest`` (one member has the most, one the fewest,
  the others lie between): most ≥ ⌈V/n⌉, fewest ≤ ⌊V/n⌋; each member's total is at least what the rule
  asks of it over the window, and ``V`` at least `balance_visits` (what the rule asks, or the coverage that
  only its members' counted visits can give).
- `add_least_visits`: the visits are at least the demands over disjoint sets of attendances, added up
  (`least_visits`): what each member's quotas over disjoint units ask plus the coverage of units no quota
  of a counted member counts; or what the coverage asks plus the quotas of the members it does not count.

`least_visits` is also the visits part of the term-by-term bound (`planner.search.bounds`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from itertools import combinations

from ortools.sat.python import cp_model

from planner.instance import Instance
from planner.model.context import ModelContext

MAX_EXACT_RULES = 12  # a member under more attendance rules than this gets a greedy choice of disjoint ones


# --------------------------------------------------------------------------------------------- demands
def rule_need(inst: Instance, rule, member: str | None) -> int:
    """What an attendance rule asks of one member over the window (``member`` None: one who serves it all):
    per period, the larger of ``at_least`` and what its ``including`` sub-counts ask (added up when their units
    are pairwise disjoint, else the largest), prorated as the quota is."""
    includings = inst.including_counts(rule, member)
    disjoint = all(a.units.isdisjoint(b.units) for a, b in combinations(includings, 2))
    need = 0
    for slot in inst.slots(rule.per, member):
        subs = [slot.scaled(inc.at_least) for inc in rule.including]
        need += max(slot.scaled(rule.at_least), sum(subs) if disjoint else max(subs, default=0))
    return need


def member_demands(inst: Instance) -> dict[str, list[tuple[frozenset[str], int]]]:
    """Per member: (units counted, attendances asked over the window) of each attendance rule asking some."""
    demands: dict[str, list[tuple[frozenset[str], int]]] = {}
    for rule in inst.scenario.attendance:
        counts = inst.attendance_counts(rule)
        cache: dict[tuple[str | None, frozenset[str]], int] = {}
        for m, spec in counts.items():
            key = (m if m in inst.part_time or rule.own_cell == "exclude" else None, spec.units)
            if key not in cache:
                cache[key] = rule_need(inst, rule, m)
            if cache[key] > 0:
                demands.setdefault(m, []).append((spec.units, cache[key]))
    return demands


def disjoint_best(rules: list[tuple[frozenset[str], int]]) -> int:
    """The largest total demand of rules with pairwise disjoint units."""
    rules = sorted(rules, key=lambda r: -r[1])
    if len(rules) > MAX_EXACT_RULES:  # greedy: still a valid lower bound on the visits
        chosen: list[frozenset[str]] = []
        total = 0
        for units, need in rules:
            if all(units.isdisjoint(c) for c in chosen):
                chosen.append(units)
                total += need
        return total
    best = 0

    def extend(i: int, used: frozenset[str], total: int) -> None:
        nonlocal best
        best = max(best, total)
        if i == len(rules) or total + sum(n for _, n in rules[i:]) <= best:
            return
        units, need = rules[i]
        if used.isdisjoint(units):
            extend(i + 1, used | units, total + need)
        extend(i + 1, used, total)

    extend(0, frozenset(), 0)
    return best


def member_needs(inst: Instance) -> dict[str, int]:
    """Per person (a member without other seats is its own person): the most its quotas over pairwise disjoint
    units ask of one of its seats (one visit of a person may count for each of its seats)."""
    best: dict[str, int] = defaultdict(int)
    for m, d in member_demands(inst).items():
        best[inst.person_of(m)] = max(best[inst.person_of(m)], disjoint_best(d))
    return dict(best)


def least_visits_by_members(inst: Instance) -> int:
    """Per member, the demands of attendance rules over pairwise disjoint units, added up over the persons."""
    return sum(member_needs(inst).values())


def coverage_needs(inst: Instance) -> dict[str, int]:
    """Per unit, the most any one coverage rule asks of it over the window (visits counted once per person)."""
    need: dict[tuple[str, str], int] = defaultdict(int)
    for c in inst.coverage_checks():
        need[c.rule_id, c.unit] += c.slot.scaled(c.rule.at_least)
    most: dict[str, int] = defaultdict(int)
    for (_rid, u), n in need.items():
        most[u] = max(most[u], n)
    return dict(most)


def quota_free_coverage(inst: Instance) -> int:
    """Visits the coverage rules ask of units where no visit they count can count under a quota: per unit, the
    most demanding coverage rule none of whose counted members has an attendance rule counting that unit."""
    counted_units: dict[str, set[str]] = defaultdict(set)  # member: units some attendance rule counts for it
    for rule in inst.scenario.attendance:
        for m, spec in inst.attendance_counts(rule).items():
            counted_units[m] |= spec.units
    persons: dict[str, set[str]] = defaultdict(set)  # a person's visit counts for every seat: the person's units
    for m, units in counted_units.items():
        persons[inst.person_of(m)] |= units
    need: dict[tuple[str, str], int] = defaultdict(int)
    free: dict[tuple[str, str], bool] = {}
    for c in inst.coverage_checks():
        key = (c.rule_id, c.unit)
        if key not in free:
            free[key] = not any(c.unit in persons[inst.person_of(m)] for m in c.by)
        if free[key]:
            need[key] += c.slot.scaled(c.rule.at_least)
    most: dict[str, int] = defaultdict(int)
    for (_rid, u), n in need.items():
        most[u] = max(most[u], n)
    return sum(most.values())


def coverage_persons(inst: Instance) -> frozenset[str]:
    """The persons some coverage rule counts the visits of."""
    groups = {c.by for c in inst.coverage_checks() if c.slot.scaled(c.rule.at_least)}  # (few distinct sets)
    return frozenset(inst.person_of(m) for by in groups for m in by)


def least_visits(inst: Instance) -> int:
    """Visits (a person's attendance of a meeting, once) every plan makes at least: the larger of two sums
    over disjoint sets of attendances — every person's quota demand plus the coverage of units no counted
    person's quota counts; or the units' coverage demand (visits by persons it counts) plus the quota demands
    of the persons no coverage rule counts."""
    needs = member_needs(inst)
    counted_by_coverage = coverage_persons(inst)
    quota_first = sum(needs.values()) + quota_free_coverage(inst)
    coverage_first = sum(coverage_needs(inst).values()) + sum(
        n for p, n in needs.items() if p not in counted_by_coverage
    )
    return max(quota_first, coverage_first)


def balance_visits(inst: Instance, rule) -> int:
    """Attendances a balanced rule counts at least, over its balanced members (`Instance.balanced_counts`):
    the larger of what it asks of them, and the coverage of units whose every counted member is one of them
    and counts the unit under the rule (each such coverage visit is one of theirs that the rule counts)."""
    counts = inst.balanced_counts(rule)
    asked = sum(rule_need(inst, rule, m) for m in counts)
    need: dict[tuple[str, str], int] = defaultdict(int)
    inside: dict[tuple[str, str], bool] = {}
    for c in inst.coverage_checks():
        key = (c.rule_id, c.unit)
        if key not in inside:
            inside[key] = bool(c.by) and all(
                m in counts and c.unit in counts[m].units and (c.in_charge or not counts[m].in_charge) for m in c.by
            )
        if inside[key]:
            need[key] += c.slot.scaled(c.rule.at_least)
    most: dict[str, int] = defaultdict(int)
    for (_rid, u), n in need.items():
        most[u] = max(most[u], n)
    return max(asked, sum(most.values()))


# ------------------------------------------------------------------------------------------ constraints
def add_balance_rounding(ctx: ModelContext) -> None:
    """Balance rounding: for each balanced rule (``n ≥ 2`` members, totals ``t``, most ``hi``, fewest ``lo``),
    ``Σt ≤ lo + (n−1)·hi``, ``Σt ≥ hi + (n−1)·lo``, each ``t ≥`` what the rule asks of its member, and
    ``Σt ≥ balance_visits``."""
    inst, model = ctx.inst, ctx.model
    for rule, totals, hi, lo in ctx.memo.get("balance", []):
        n = len(totals)
        total = cp_model.LinearExpr.sum(list(totals.values()))
        model.add(total <= lo + (n - 1) * hi)
        model.add(total >= hi + (n - 1) * lo)
        for m, t in totals.items():
            if (need := rule_need(inst, rule, m)) > 0:
                model.add(t >= need)
        if (need := balance_visits(inst, rule)) > 0:
            model.add(total >= need)


def add_least_visits(ctx: ModelContext) -> None:
    """Visits at least `least_visits`: the sum of demands over disjoint sets of attendances."""
    expr = ctx.memo.get("visits")
    if expr is None:
        return
    need = least_visits(ctx.inst)
    if need > 0:
        ctx.model.add(cp_model.LinearExpr.sum(expr) >= need)


REDUNDANT_FAMILIES: tuple[Callable[[ModelContext], None], ...] = (add_balance_rounding, add_least_visits)
# The families the plan model holds by default: none. Measured (bench/run.py, 20 deterministic seconds, seeds 0
# and 1, the merge, Tương Dương, Kon Tum and Yên Bái examples): with them, CP-SAT's plans and bounds moved by no
# more than a change of seed moves them (the merge example −95 to −107 with, −97 to −104 without), at 40
# deterministic seconds CP-SAT proved the merge example with or without them, and HiGHS proved Tương Dương in
# the same time with or without them. They stay available (``build_model(redundant=REDUNDANT_FAMILIES)``,
# ``bench/run.py --redundant all``); their counts feed the term-by-term bound, where they do tighten it.
DEFAULT_FAMILIES: tuple[Callable[[ModelContext], None], ...] = ()
