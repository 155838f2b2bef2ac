"""A bound on the whole scenario's objective, term by term, cheap enough for a province.

When a decomposition is not exact (levels couple the communes, see `planner.decompose`), the parts' bounds
bound only the *restricted* problem. This module gives a bound on the *whole* problem instead, from three
relaxations, each dropping rules (so each is at least as good as any plan), added up:

- **rewards** (residence and sector): the most any set of charges allowed by the responsibility rules and
  the charge pins can earn — the linear relaxation of the charges-only model, solved with GLOP;
- **visits**: every attendance a quota or a coverage rule counts is a visit; demands on disjoint sets of
  attendances add up (`planner.model.redundant.least_visits`): the members' quotas — for each member, the
  largest sum over attendance rules whose units are pairwise disjoint of what the rule asks in its periods
  (with its ``including`` sub-counts), a person with several seats once — plus the coverage of units no
  counted member's quota counts; or the units' coverage (per unit, the most demanding coverage rule) plus
  the quotas of the members no coverage rule counts; the larger of the two;
- **shift**: every meeting is held at least its least possible shift away from its day (its candidate days);
- **balance**: at least what its rounding forces (`least_balance_cost`): a rule's ``V`` counted attendances
  among ``n`` members that ``n`` does not divide leave the most and the fewest apart, unless more visits
  make ``V`` divisible (they cost their visit weight); **stability** is at least 0.

Rewards minus costs: ``bound ≥ optimum``. It ignores the calendar's conflicts (one meeting a day, own
meetings) and the way charges and visits go together, so it is loose where those bind. The decomposed
summary reports it as ``term_bound``, and as its ``bound`` unless the parts' exact bound is tighter.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass

from ortools.sat.python import cp_model

from planner.instance import Instance
from planner.model.context import ModelContext
from planner.model.objective import residence_and_sector_terms
from planner.model.redundant import balance_visits, least_visits, member_needs
from planner.model.rules import add_fixed_charges, add_responsibility
from planner.model.variables import Variables, create_charge_variables


@dataclass(frozen=True)
class TermBound:
    bound: float | None  # None when no charges fit the responsibility rules (nothing to bound)
    reward: float | None  # most residence×weight + sector×weight
    visits: int  # least number of attendances
    shift: int  # least total shift
    seconds: float = 0.0
    balance: int = 0  # least cost of the balance rounding beyond the visits (weighted)


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


def reward_upper_bound(inst: Instance, members: Collection[str] | None = None) -> float | None:
    """The most ``residence × weight + sector × weight`` that charges allowed by the responsibility rules and
    the charge pins can earn, as the optimum of their linear relaxation (GLOP): a bound, and at a province's
    size a fraction of a second where the integer model takes a minute. With ``members``, only their charges'
    rewards count (every rule still holds for everyone). None when no charges fit the rules."""
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
    owner = {lit.index: m for (m, _u), lit in v.charge.items()}
    for weight, term in ((w.residence, res), (w.sector, sec)):
        for lit in term.expr:
            if members is not None and owner[lit.index] not in members:
                continue
            objective.SetCoefficient(x[lit.index], objective.GetCoefficient(x[lit.index]) + weight)
    objective.SetMaximization()
    status = lp.Solve()
    if status != pywraplp.Solver.OPTIMAL:
        return None
    return float(math.floor(objective.Value() + 1e-6))  # integer weights: the integer optimum is no more


def least_shift(inst: Instance) -> int:
    return least_shift_of(inst, inst.units)


def least_shift_of(inst: Instance, units: Collection[str]) -> int:
    """The least total shift of the meetings of ``units``: each on its closest possible day."""
    return sum(min(inst.shift(u, d) for d in inst.candidate_days[u, mo]) for u, mo in inst.meeting_slots if u in units)


def least_balance_cost(inst: Instance, visits: int) -> int:
    """The least cost beyond ``visit × visits`` that the balance rounding forces: for a balanced rule over
    ``n`` members (no two of them one person) whose counted attendances ``V`` are at least
    `balance_visits`, a ``V`` that ``n`` does not divide costs a balance of at least 1 (most > fewest), a
    larger ``V`` costs the visits beyond ``visits`` (those of persons outside the rule come on top of ``V``).
    The largest over the rules (their extra visits may be the same ones)."""
    w = inst.scenario.weights
    if not w.balance:
        return 0
    needs = member_needs(inst)
    worst = 0
    for rule in inst.scenario.attendance:
        counts = inst.balanced_counts(rule)
        n = len(counts)
        persons = {inst.person_of(m) for m in counts}
        if n < 2 or len(persons) < n:
            continue
        outside = sum(need for p, need in needs.items() if p not in persons)
        least = balance_visits(inst, rule)
        cost = min(w.visit * max(0, v + outside - visits) + w.balance * (v % n != 0) for v in range(least, least + n))
        worst = max(worst, cost)
    return worst


def term_bound(inst: Instance) -> TermBound:
    """A bound on the whole scenario's objective (see the module's docstring)."""
    import time

    t0 = time.monotonic()
    w = inst.scenario.weights
    reward = reward_upper_bound(inst)
    visits, shift = least_visits(inst), least_shift(inst)
    balance = least_balance_cost(inst, visits)
    bound = None if reward is None else reward - w.visit * visits - w.shift * shift - balance
    return TermBound(bound, reward, visits, shift, time.monotonic() - t0, balance)
