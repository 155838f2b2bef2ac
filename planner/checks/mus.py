"""Explanations beyond one minimal set: the smallest conflict (fewest rule instances, or least weight) and
every distinct conflict, on the guarded model of `planner.checks.diagnose`.

- **Which rule instances a plan satisfies** (`Evaluator`): the guard literal of a rule instance only
  *enforces* its constraints, so a plan may satisfy a rule instance whose literal is false. The constraints of
  each rule instance are read once from the model (those enforced by its literal) and evaluated on a
  solution, as CPMpy's explanation tools do (``cons.value()`` in ``cpmpy.tools.explain``).
- **The smallest conflict** (`smallest`): the implicit hitting-set duality of Ignatiev et al. (2015, the
  Forqes/OptUx SMUS extractor), as CPMpy's ``smus``/``optimal_mus`` (OCUS) do it. Every conflict meets
  every *correction set* (the rule instances a plan breaks); a least-weight set meeting all correction sets
  found so far is a lower bound on the smallest conflict; if it clashes, it is the smallest. Otherwise the
  plan found with it breaks a new correction set, and forcing that set too gives another, disjoint one
  (CPMpy's ``corr_subsets``). The hitting sets are a small 0-1 program, solved by CP-SAT through the
  driver. The minimal set of the deletion filter is the upper bound: when the lower bound reaches its
  weight, that set is proven the smallest; when the budget runs out first, it stays, said to be *minimal*
  only.
- **Every distinct conflict** (`conflicts`): first at the level of the rules (MARCO, Liffiton et al. 2016,
  over rule groups: a rule × its side, a limit), as MiniZinc's FindMUS first works on the model's structure;
  then, inside each clashing set of rules, the conflicts of its instances one after another (a minimal set,
  then its asked rule instance set aside, again), grouped by the rules and the calendar fact (the day of the
  month of a day limit, the reason of an unavailability…): "the two-a-month rule against one meeting a day
  on the 5th" is one conflict however many members and months it holds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from planner.checks.diagnose import PROVE, SAY_ORDER, Budget, CheckSettings, GuardedModel, minimise
from planner.model.context import RuleKey
from planner.search.driver import SearchParams, run
from planner.status import Status

_INF = float("inf")


# ---------------------------------------------------------------------------------------------- weights
def weight_of(key: RuleKey, weights: dict[str, int] | None) -> int:
    """The weight of a rule instance: that of its rule id (or limit name: ``meetings_per_day``,
    ``own_meetings_busy``, ``max_per_month``, ``fixed``, ``unavailable``), 1 unless given."""
    if not weights:
        return 1
    return max(1, int(weights.get(key.rule, 1)))


def cost(keys: Iterable[RuleKey], weights: dict[str, int] | None) -> int:
    return sum(weight_of(k, weights) for k in keys)


# ---------------------------------------------------------------------------------------------- evaluation
class Evaluator:
    """Which rule instances a solution of the guarded model satisfies (their constraints, not their literals)."""

    def __init__(self, gm: GuardedModel):
        self.gm = gm
        by_lit = {lit.index: k for k, lit in gm.lits.items()}
        self.cons: dict[RuleKey, list[tuple]] = defaultdict(list)
        for c in gm.model.proto.constraints:
            ks = [by_lit[e] for e in c.enforcement_literal if e in by_lit]
            if not ks:
                continue
            if c.has_linear():
                lin = c.linear
                item: tuple = ("lin", list(zip(lin.vars, lin.coeffs)), list(lin.domain))
            elif c.has_bool_or():
                item = ("or", list(c.bool_or.literals))
            elif c.has_bool_and():
                item = ("and", list(c.bool_and.literals))
            else:
                item = ("never",)  # a kind the rules do not make: never counted as satisfied
            for k in ks:
                self.cons[k].append(item)

    @staticmethod
    def _lit(sol, ref: int) -> int:
        return sol[ref] if ref >= 0 else 1 - sol[-ref - 1]

    def _holds(self, sol, c: tuple) -> bool:
        if c[0] == "lin":
            total = sum(a * (sol[v] if v >= 0 else -sol[-v - 1]) for v, a in c[1])
            dom = c[2]
            return any(dom[i] <= total <= dom[i + 1] for i in range(0, len(dom), 2))
        if c[0] == "or":
            return any(self._lit(sol, r) for r in c[1])
        if c[0] == "and":
            return all(self._lit(sol, r) for r in c[1])
        return False

    def satisfied(self, solver: cp_model.CpSolver, keys: Iterable[RuleKey]) -> set[RuleKey]:
        sol = list(solver.response_proto.solution)
        return {k for k in keys if all(self._holds(sol, c) for c in self.cons.get(k, ()))}

    def holds_all(self, sol: list[int], keys: Iterable[RuleKey]) -> bool:
        """The solution ``sol`` satisfies every one of ``keys``."""
        return all(self._holds(sol, c) for k in keys for c in self.cons.get(k, ()))


# ---------------------------------------------------------------------------------------------- hitting sets
class HittingSets:
    """Least-weight sets meeting every set added: a small 0-1 program, solved by CP-SAT through the driver
    (HiGHS would do as well; CP-SAT keeps every search in one place, and deterministic)."""

    def __init__(self, universe: list[RuleKey], weights: dict[str, int] | None, seed: int = 0):
        self.universe, self.seed = universe, seed
        m = self.model = cp_model.CpModel()
        self.x = {k: m.new_bool_var(f"hit[{i}]") for i, k in enumerate(universe)}
        m.minimize(cp_model.LinearExpr.weighted_sum(list(self.x.values()), [weight_of(k, weights) for k in universe]))
        self.rows = 0
        self.spent = self.last = 0.0

    def add(self, keys: Iterable[RuleKey]) -> None:
        self.model.add_bool_or([self.x[k] for k in keys if k in self.x])
        self.rows += 1

    def solve(self, limit: float = 10.0) -> tuple[list[RuleKey], bool]:
        """The least-weight hitting set, and whether it is proven least."""
        if self.rows == 0:
            return [], True
        done = run(self.model, SearchParams(limit=limit, workers=1, seed=self.seed))
        self.spent += done.deterministic_time
        self.last = done.deterministic_time
        if not done.found:
            return [], False
        chosen = [k for k, x in self.x.items() if done.solver.boolean_value(x)]
        self.model.clear_hints()
        for k, x in self.x.items():
            self.model.add_hint(x, k in set(chosen))
        return chosen, done.code == cp_model.OPTIMAL


# ---------------------------------------------------------------------------------------------- smallest
@dataclass
class Smallest:
    core: list[RuleKey]
    proven: bool  # the smallest (least weight) proven
    lower_bound: int  # no conflict weighs less
    weight: int
    rounds: int = 0
    correction_sets: int = 0


CORRECTIONS_PER_ROUND = 8
BIG_SET = 100  # rule instances: a proof over more is run with CP-SAT's presolve
GROW_LIMIT = 0.5  # deterministic seconds of one grow (the best plan found in it is used)


class Grower:
    """The guarded model with an objective, the most rule instances held, solved under assumptions: its plan
    breaks a *minimal* correction set when proven optimal (CPMpy's MaxSAT grow), always a correction set."""

    def __init__(self, gm: GuardedModel):
        self.gm = gm
        self.model = gm.model.clone()
        self.model.clear_assumptions()
        self.lits = {k: self.model.get_bool_var_from_proto_index(lit.index) for k, lit in gm.lits.items()}
        self.model.maximize(cp_model.LinearExpr.sum(list(self.lits.values())))

    def solve(self, keys: list[RuleKey], settings: CheckSettings, budget: Budget) -> tuple[Status, Any]:
        self.model.clear_assumptions()
        self.model.add_assumptions([self.lits[k] for k in keys])
        params = settings.search(min(budget.left, GROW_LIMIT), linearization=PROVE)
        done = run(self.model, params)
        budget.charge(done.solver)
        if done.code == cp_model.INFEASIBLE:
            return Status.INFEASIBLE, done.solver
        return (Status.FEASIBLE if done.found else Status.UNKNOWN), done.solver


def smallest(
    gm: GuardedModel,
    upper: list[RuleKey],
    settings: CheckSettings,
    budget: Budget,
    weights: dict[str, int] | None = None,
    universe: list[RuleKey] | None = None,
) -> Smallest:
    """The least-weight conflict by implicit hitting sets; ``upper`` (a known conflict, the deletion filter's)
    is returned, marked not proven, when the lower bound does not reach its weight within ``budget``."""
    keys = list(universe or gm.keys)
    ev, grow = Evaluator(gm), Grower(gm)
    hs_solver = HittingSets(keys, weights, settings.seed)
    best, ub = list(upper), cost(upper, weights) if upper else _INF
    lb, rounds, sets = 0, 0, 0
    if ub <= min((weight_of(k, weights) for k in keys), default=1):  # one instance of the least weight
        return Smallest(best, True, int(ub), int(ub))
    while budget.left > 0:
        rounds += 1
        hs, optimal = hs_solver.solve(max(0.01, min(budget.left, 10.0)))
        budget.spent += hs_solver.last  # the hitting sets' search counts in the budget too
        w = cost(hs, weights)
        if optimal:
            lb = max(lb, w)
        if lb >= ub:
            return Smallest(gm.sort(best), True, int(ub), int(ub), rounds, sets)
        status, solver = grow.solve(gm.sort(hs), settings, budget)
        if status == Status.INFEASIBLE:
            # confirmed on the guarded model itself (the grow's model is a copy with an objective)
            check, _, _ = gm.solve(gm.sort(hs), settings, budget, PROVE)
            if check == Status.INFEASIBLE and optimal:
                return Smallest(gm.sort(hs), True, w, w, rounds, sets)
            if check == Status.INFEASIBLE and w < ub:  # a lighter conflict, not yet proven least
                core, _ = minimise(gm, hs, settings, budget)
                best, ub = core, cost(core, weights)
                continue
            if check != Status.FEASIBLE:
                break
            status, solver = Status.FEASIBLE, None
            _, _, solver = gm.solve(gm.sort(hs), settings, budget, 1)
        if status != Status.FEASIBLE:
            break
        forced = set(hs)
        for _ in range(CORRECTIONS_PER_ROUND):  # disjoint correction sets (CPMpy's corr_subsets)
            sat = ev.satisfied(solver, keys) | forced
            corr = [k for k in keys if k not in sat]
            if not corr:
                break
            hs_solver.add(corr)
            sets += 1
            forced |= set(corr)
            if budget.left <= 0:
                break
            status, solver = grow.solve(gm.sort(forced), settings, budget)
            if status != Status.FEASIBLE:
                break
    return Smallest(gm.sort(best), lb >= ub, int(lb), int(ub), rounds, sets)


# ---------------------------------------------------------------------------------------------- conflicts
def group_of(key: RuleKey) -> tuple[str, str, str]:
    """The rule a rule instance belongs to, at the level a committee speaks of: a rule and its side
    (per_unit/per_member, an including item), a limit, the pins, the unavailabilities."""
    extra = key.extra if key.family in ("responsibility", "including") else ""
    return (key.family, key.rule, extra)


def fact_of(key: RuleKey, gm: GuardedModel) -> tuple:
    """What, beyond the rule, makes a conflict the same conflict for other members and months: the day of the
    month of a day limit, the unit meeting on an own meeting's day, the reason of an unavailability, the pin
    itself."""
    inst = gm.inst
    if key.family in ("one-meeting-a-day", "own-meeting", "unavailable"):
        day = key.period[8:10]
        if key.family == "unavailable":
            import datetime as dt

            return (day, inst.unavailable(key.subject, dt.date.fromisoformat(key.period)) or "")
        if key.family == "own-meeting":
            u = inst.units.get(key.extra)
            return (day, u.kind if u is not None else key.extra)
        return (day,)
    if key.family == "fixed":
        return (key.subject, key.period, key.extra)
    if key.family == "max-per-month":
        return (inst.members[key.subject].max_per_month,)
    return ()


@dataclass
class Conflict:
    """One distinct conflict: a set of rules clashing for the same calendar reason, with every member,
    unit and month it was found for."""

    groups: tuple[tuple[str, str, str], ...]  # the rules, in the order they are said
    signature: tuple
    instances: list[list[RuleKey]] = field(default_factory=list)  # each a minimal set
    complete: bool = True  # every instance of it was found (not cut by the budget or --max)

    example: list[RuleKey] = field(default_factory=list)  # the instance said in words (the first in order)

    def keys(self) -> list[RuleKey]:
        return sorted({k for inst in self.instances for k in inst})


def _rank(key: RuleKey, gm: GuardedModel) -> tuple:
    order = {f: i for i, f in enumerate(SAY_ORDER)}
    return (order.get(key.family, len(order)), gm.order[key])


def signature(mus: list[RuleKey], gm: GuardedModel) -> tuple:
    """What makes two minimal sets the same conflict: the same rules, for the same calendar facts (how many
    members or months a set holds does not count: seven members short in March and eight in May are one
    conflict)."""
    return tuple(sorted({(*group_of(k), *map(str, fact_of(k, gm))) for k in mus}))


@dataclass
class Enumeration:
    conflicts: list[Conflict]
    complete: bool  # every clashing set of rules was found, and every instance of each
    rule_sets: int = 0  # clashing sets of rules found (MARCO, at the level of rules)
    solves: int = 0


def _map_seed(groups: list, clauses: list[tuple[list[int], list[int]]], seed: int) -> list[int] | None:
    """MARCO's map: the largest set of groups not known to clash nor known to hold (None: none left)."""
    m = cp_model.CpModel()
    x = [m.new_bool_var(f"g{i}") for i in range(len(groups))]
    for pos, neg in clauses:
        m.add_bool_or([x[i] for i in pos] + [~x[i] for i in neg])
    m.maximize(sum(x))
    done = run(m, SearchParams(limit=5.0, workers=1, seed=seed))
    if not done.found:
        return None
    return [i for i in range(len(groups)) if done.solver.boolean_value(x[i])]


def conflicts(
    gm: GuardedModel,
    settings: CheckSettings,
    budget: Budget,
    most: int = 10,
    per_conflict: int = 200,
    known: list[RuleKey] | None = None,
) -> Enumeration:
    """Every distinct conflict (up to ``most``), each with every member-month instance found (up to
    ``per_conflict``); see the module's docstring. ``known``: a minimal conflict already found (the smallest
    one): the first set of rules MARCO checks is all of them, whose clash it proves without a solve, and it is
    the first instance of its set of rules."""
    ev = Evaluator(gm)
    by_group: dict[tuple, list[RuleKey]] = defaultdict(list)
    for k in gm.keys:
        by_group[group_of(k)].append(k)
    groups = sorted(by_group, key=lambda g: _rank(by_group[g][0], gm))
    gi = {g: i for i, g in enumerate(groups)}
    clauses: list[tuple[list[int], list[int]]] = []
    out: list[Conflict] = []
    complete, rule_sets, solves0 = True, 0, budget.solves

    def keys_of(idx: Iterable[int]) -> list[RuleKey]:
        return gm.sort(k for i in idx for k in by_group[groups[i]])

    while True:
        if budget.left <= 0 or len(out) >= most:
            complete = False
            break
        seed = _map_seed(groups, clauses, settings.seed)
        if seed is None:
            break
        if known and not clauses and len(seed) == len(groups):  # every rule: ``known`` clashes
            status, core, solver = Status.INFEASIBLE, list(known), None  # (no plan to read: it clashes)
        else:
            with gm.presolved(not clauses):
                status, core, solver = gm.solve(keys_of(seed), settings, budget, PROVE)
        if status == Status.FEASIBLE and solver is not None:
            sat = ev.satisfied(solver, gm.keys)
            held = [i for i, g in enumerate(groups) if all(k in sat for k in by_group[g])]
            outside = [i for i in range(len(groups)) if i not in set(held) | set(seed)]
            if not outside:  # every rule holds: nothing clashes
                break
            clauses.append((outside, []))
            continue
        if status != Status.INFEASIBLE:
            complete = False
            break
        # shrink at the level of rules: the groups of the solver's set first, then one by one
        rule_set = sorted({gi[group_of(k)] for k in core} or set(seed))
        for i in list(rule_set):
            if budget.left <= 0:
                break
            trial = [j for j in rule_set if j != i]
            st, core2, _ = gm.solve(keys_of(trial), settings, budget, PROVE)
            if st == Status.INFEASIBLE:
                rule_set = sorted({gi[group_of(k)] for k in core2} & set(trial)) or trial
        clauses.append(([], rule_set))
        rule_sets += 1
        universe = keys_of(rule_set)
        first = known if known and set(known) <= set(universe) else None
        found, whole = _instances(gm, universe, settings, budget, per_conflict, first)
        complete &= whole
        for mus in found:
            sig = signature(mus, gm)
            same = next((c for c in out if c.signature == sig), None)
            if same is None:
                if len(out) >= most:
                    complete = False
                    continue
                gs = tuple(dict.fromkeys(group_of(k) for k in sorted(mus, key=lambda k: _rank(k, gm))))
                same = Conflict(gs, sig)
                out.append(same)
            same.instances.append(mus)
            if not same.example or [gm.order[k] for k in mus] < [gm.order[k] for k in same.example]:
                same.example = mus
        for c in out:
            c.complete = c.complete and whole
    return Enumeration(out, complete, rule_sets, budget.solves - solves0)


def _instances(
    gm: GuardedModel,
    universe: list[RuleKey],
    settings: CheckSettings,
    budget: Budget,
    most: int,
    first: list[RuleKey] | None = None,
) -> tuple[list[list[RuleKey]], bool]:
    """Minimal sets inside ``universe`` one after another: after each, its first rule instance in the order
    they are said (the asked rule's: a member's quota in a month) is set aside. ``first``: a minimal set inside
    ``universe`` already found, taken as the first without a search."""
    left, found = list(universe), []  # type: list[RuleKey], list[list[RuleKey]]
    spent0 = budget.spent
    while len(found) < most:
        if found and first is None:
            # the instances still to find, at the work each took so far: when they cannot all be found in the
            # budget left, stop here (the conflict is said "maybe more") and leave the budget to other conflicts
            anchor_group = group_of(found[-1][0])
            still = sum(1 for k in left if group_of(k) == anchor_group)
            if (budget.spent - spent0) / len(found) * still > budget.left:
                return found, False
        if first is not None:
            mus, first = list(first), None
        else:
            if budget.left <= 0:
                return found, False
            # a proof over every instance of the rules: CP-SAT's presolve halves it (see `decide`)
            with gm.presolved(len(left) > BIG_SET):
                status, core, _ = gm.solve(left, settings, budget, PROVE)
            if status == Status.FEASIBLE:
                return found, True
            if status != Status.INFEASIBLE:
                return found, False
            mus, proven = minimise(gm, core or left, settings, budget)
            if not proven and len(mus) == len(left):
                return found, False
        mus = sorted(mus, key=lambda k: _rank(k, gm))
        found.append(mus)
        anchor = mus[0]
        left = [k for k in left if k != anchor]
    return found, False
