"""A bound on the whole scenario's objective, term by term, cheap enough for a province.

When a decomposition is not exact (levels couple the communes, see `planner.decompose`), the parts' bounds
bound only the *restricted* problem. This module gives a bound on the *whole* problem instead, from three
relaxations, each dropping rules (so each is at least as good as any plan), added up:

- **rewards** (residence and sector): the most any set of charges allowed by the responsibility rules and
  the charge pins can earn — the linear relaxation of the charges-only model, solved with GLOP;
- **visits**: every attendance a quota or a coverage rule counts is a visit, so there are at least as many as
  the members' quotas ask — for each member, the largest sum over attendance rules whose units are pairwise
  disjoint of what the rule asks in its periods (with its ``including`` sub-counts) — and at least as many
  as the units' coverage asks (per unit, the most demanding coverage rule); the larger of the two;
- **shift**: every meeting is held at least its least possible shift away from its day (its candidate days);
- **balance** and **stability** are at least 0.

Rewards minus costs: ``bound ≥ optimum``. It ignores the calendar's conflicts (one meeting a day, own
meetings) and the way charges and visits go together, so it is loose where those bind. The decomposed
summary reports it as ``term_bound``, and as its ``bound`` unless the parts' exact bound is tighter.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

from ortools.sat.python import cp_model

from planner.instance import Instance
from planner.model.context import ModelContext
from planner.model.objective import residence_and_sector_terms
from planner.model.rules import add_fixed_charges, add_responsibility
from planner.model.variables import Variables, create_charge_variables

MAX_EXACT_RULES = 12  # a member under more attendance rules than this gets a greedy choice of disjoint ones


@dataclass(frozen=True)
class TermBound:
    bound: float | None  # None when no charges fit the responsibility rules (nothing to bound)
    reward: float | None  # most residence×weight + sector×weight
    visits: int  # least number of attendances
    shift: int  # least total shift
    seconds: float = 0.0


class _Rows(ModelContext):
    """A rule context that records each rule instance as a row ``lo <= sum(literals) <= hi``."""

    def __init__(self, inst: Instance, v: Variables):
        super().__init__(cp_model.CpModel(), inst, v)
        self.rows: list[tuple[list, int | None, int | None]] = []

    def add_linear(self, key, terms, lo, hi) -> None:
        self.rows.append((list(terms), lo, hi))

    def fix(self, key, lit, value) -> None:
        if value:
            self.rows.append(([lit] if lit is not None else [], 1, None))


def reward_upper_bound(inst: Instance) -> float | None:
    """The most ``residence × weight + sector × weight`` that charges allowed by the responsibility rules and
    the charge pins can earn, as the optimum of their linear relaxation (GLOP): a bound, and at a province's
    size a fraction of a second where the integer model takes a minute. None when no charges fit the rules."""
    from ortools.linear_solver import pywraplp

    w = inst.scenario.weights
    v = Variables()
    ctx = _Rows(inst, v)
    create_charge_variables(ctx.model, inst, v)
    add_responsibility(ctx)
    add_fixed_charges(ctx)
    res, sec = residence_and_sector_terms(ctx)
    lp = pywraplp.Solver.CreateSolver("GLOP")
    x = {lit.index: lp.NumVar(0.0, 1.0, "") for lit in v.charge.values()}
    infinity = lp.infinity()
    for terms, lo, hi in ctx.rows:
        row = lp.RowConstraint(-infinity if lo is None else lo, infinity if hi is None else hi, "")
        for t in terms:
            row.SetCoefficient(x[t.index], 1.0)
    objective = lp.Objective()
    for weight, term in ((w.residence, res), (w.sector, sec)):
        for lit in term.expr:
            objective.SetCoefficient(x[lit.index], objective.GetCoefficient(x[lit.index]) + weight)
    objective.SetMaximization()
    status = lp.Solve()
    if status != pywraplp.Solver.OPTIMAL:
        return None
    return float(math.floor(objective.Value() + 1e-6))  # integer weights: the integer optimum is no more


def least_visits(inst: Instance) -> int:
    """Attendances every plan makes at least: what the members' quotas ask, or what the units' coverage asks,
    whichever is more (an attendance may count for both, so they do not add up)."""
    return max(_least_visits_by_members(inst), _least_visits_by_units(inst))


def _least_visits_by_units(inst: Instance) -> int:
    """Per unit, the most any one coverage rule asks of its periods, added up over the units."""
    need: dict[tuple[str, str], int] = defaultdict(int)  # (rule, unit): over the rule's periods
    for c in inst.coverage_checks():
        need[c.rule_id, c.unit] += c.slot.scaled(c.rule.at_least)
    most: dict[str, int] = defaultdict(int)
    for (_rid, u), n in need.items():
        most[u] = max(most[u], n)
    return sum(most.values())


def _least_visits_by_members(inst: Instance) -> int:
    """Per member, the demands of attendance rules over pairwise disjoint units, added up over the members."""
    demands: dict[str, list[tuple[frozenset[str], int]]] = {}
    for rule in inst.scenario.attendance:
        counts = inst.attendance_counts(rule)
        if not counts:
            continue
        includings = inst.including_counts(rule)
        disjoint = all(a.units.isdisjoint(b.units) for a, b in combinations(includings, 2))
        needs: dict[str | None, int] = {}  # one need for every member who serves the whole window (None)
        for m, spec in counts.items():
            key = m if m in inst.part_time else None
            if key not in needs:
                needs[key] = 0
                for slot in inst.slots(rule.per, key):
                    subs = [slot.scaled(inc.at_least) for inc in rule.including]
                    needs[key] += max(slot.scaled(rule.at_least), (sum(subs) if disjoint else max(subs, default=0)))
            if needs[key] > 0:
                demands.setdefault(m, []).append((spec.units, needs[key]))
    if not inst.has_persons:
        return sum(_disjoint_best(d) for d in demands.values())
    # one visit of a person with several seats may count for each seat: per person, its largest seat's demand
    best: dict[str, int] = defaultdict(int)
    for m, d in demands.items():
        best[inst.person_of(m)] = max(best[inst.person_of(m)], _disjoint_best(d))
    return sum(best.values())


def _disjoint_best(rules: list[tuple[frozenset[str], int]]) -> int:
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


def least_shift(inst: Instance) -> int:
    return sum(min(inst.shift(u, d) for d in inst.candidate_days[u, mo]) for u, mo in inst.meeting_slots)


def term_bound(inst: Instance) -> TermBound:
    """A bound on the whole scenario's objective (see the module's docstring)."""
    import time

    t0 = time.monotonic()
    w = inst.scenario.weights
    reward = reward_upper_bound(inst)
    visits, shift = least_visits(inst), least_shift(inst)
    bound = None if reward is None else reward - w.visit * visits - w.shift * shift
    return TermBound(bound, reward, visits, shift, time.monotonic() - t0)
