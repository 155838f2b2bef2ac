"""Feasibility diagnosis: does a scenario admit a plan, and if not, which rules clash — a minimal set of them.

1. The counting pre-checks (`planner.precheck`) run first; they cost no search.
2. The exact diagnosis builds the model without an objective, with one fresh Boolean per rule instance
   (`RuleKey`: a rule × member or unit × period, a day limit × member × day, a pin, …) as its enforcement
   literal, and solves it under those literals as assumptions, single worker (CP-SAT supports assumptions
   neither with an objective nor with several workers).
   - All assumptions hold and a plan is found: the scenario is feasible; the plan is the proof.
   - Infeasible: ``sufficient_assumptions_for_infeasibility()`` names a subset of the assumptions. Only the
     indices we passed are kept (OR-Tools #5141: 9.14+ may return a literal never passed), the subset is
     re-solved to confirm it is still infeasible (else the whole set is used), and a deletion filter makes it
     **minimal**: drop one rule instance, re-solve under the rest; if still infeasible it goes (and the
     solver's new, smaller set replaces the rest), if feasible it stays. The result is confirmed once more.
   When a pre-check has found a counting argument, its rule instances are the starting set (much smaller than
   all of them), so the minimal set is found in a few solves and is the one the numbers speak of.
3. Suggestions: for each rule in the minimal set, the largest ``at_least`` (smallest ``at_most``, …) that is
   feasible with everything else unchanged, found by re-solving scenarios changed in that one field; and the
   least total shortfall when every attendance/coverage ``at_least`` is made soft (a slack per rule instance,
   total slack minimised).

4. Issue 16 (`planner.checks.mus`, `planner.checks.correction`): the smallest conflict (implicit hitting
   sets, the minimal set as the upper bound: ``Diagnosis.kind`` says which one is reported), every distinct
   conflict with ``all_conflicts`` (MARCO over the rules, then their instances, grouped by calendar fact),
   the least change of the relaxable fields that makes the scenario hold, and per quota rule the largest value
   that holds and who falls short. ``weights`` (the CLI's ``--keep``) weigh both.

All searches run under a deterministic time budget (CP-SAT's deterministic time), so the same scenario gives
the same diagnosis on any machine. This module reads the `Instance` and the model, never the YAML.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from planner.checks.precheck import CapacityCounter, Finding, run_prechecks
from planner.instance import Instance
from planner.model import BuiltModel, build_model
from planner.model.context import ModelContext, RuleKey
from planner.plan import Plan
from planner.scenario import Scenario
from planner.search.driver import SearchParams, run
from planner.search.solving import extract_plan
from planner.status import Status

QUOTA_FAMILIES = ("attendance", "including", "coverage")
# the order in which a minimal set is said: the rules asked for first, then pins, then the limits they meet
SAY_ORDER = (
    "attendance",
    "including",
    "coverage",
    "responsibility",
    "fixed",
    "max-per-month",
    "one-meeting-a-day",
    "own-meeting",
    "unavailable",
)


@dataclass(frozen=True)
class CheckSettings:
    time_limit: float = 20.0  # deterministic seconds for deciding feasibility and the minimal set
    suggest_limit: float = 20.0  # deterministic seconds for the suggestions and the shortfall together
    seed: int = 0
    presolve: bool = False  # measured faster here without, and it avoids OR-Tools #5141 altogether
    suggestions: bool = True
    shortfall: bool = True
    # issue 16: the smallest conflict, every distinct conflict, the least change (planner.checks.mus, .correction)
    smallest: bool = True  # try to prove the smallest conflict (implicit hitting sets) after the minimal one
    smallest_limit: float = 5.0  # deterministic seconds for it; the minimal set stays when they run out
    all_conflicts: bool = False  # every distinct conflict (`planner check --all`)
    max_conflicts: int = 10
    conflicts_limit: float = 20.0
    correction: bool = True  # the least change of the rules' bounds that makes the scenario hold
    correction_limit: float = 10.0
    weights: tuple[tuple[str, int], ...] = ()  # (rule id or limit name, weight): rules a committee would rather keep

    @property
    def weight_map(self) -> dict[str, int]:
        return dict(self.weights)

    def search(
        self, limit: float, workers: int = 1, linearization: int | None = 1, presolve: bool | None = None
    ) -> SearchParams:
        """One search of the diagnosis: single worker (assumptions need it), no presolve unless asked."""
        return SearchParams(
            limit=limit,
            workers=workers,
            seed=self.seed,
            linearization=linearization,
            presolve=self.presolve if presolve is None else presolve,
            min_limit=0.001,
        )


class Budget:
    """Deterministic time left for a stage, and what was spent."""

    def __init__(self, total: float):
        self.total, self.spent, self.solves = total, 0.0, 0

    @property
    def left(self) -> float:
        return max(0.0, self.total - self.spent)

    def charge(self, solver: cp_model.CpSolver) -> None:
        self.spent += solver.deterministic_time
        self.solves += 1

    def part(self, amount: float) -> Budget:
        """A share of what is left, for one step; `absorb` it back afterwards."""
        return Budget(max(0.0, min(self.left, amount)))

    def absorb(self, other: Budget) -> None:
        self.spent += other.spent
        self.solves += other.solves


# ---------------------------------------------------------------------------------------------- guarded model
class StoredSolution:
    """A plan found earlier, read as a solver's solution is (``boolean_value``, ``value``, the response's
    ``solution``): what `GuardedModel.solve` returns when no solve was needed."""

    deterministic_time = 0.0

    def __init__(self, solution: list[int]):
        self.solution = solution

    @property
    def response_proto(self) -> StoredSolution:
        return self

    def value(self, var: Any) -> int:
        return int(self.solution[var.index])

    def boolean_value(self, lit: Any) -> bool:
        if isinstance(lit, (bool, int)):
            return bool(lit)
        i = lit.index
        return bool(self.solution[i]) if i >= 0 else not self.solution[-i - 1]


class GuardedModel:
    """The model with one fresh enforcement literal per rule instance, no objective."""

    def __init__(self, inst: Instance):
        self.inst = inst
        self.model = cp_model.CpModel()
        self.lits: dict[RuleKey, cp_model.IntVar] = {}
        self.ctx = build_model(inst, objective=False, model=self.model, guard=self._guard).ctx
        self.keys: list[RuleKey] = list(dict.fromkeys(self.ctx.keys))
        self.order = {k: i for i, k in enumerate(self.keys)}
        self.key_of = {lit.index: k for k, lit in self.lits.items()}
        self.stray: set[int] = set()  # indices the solver returned that were never passed (OR-Tools #5141)
        self.plans: list[list[int]] = []  # the last plans found (solution vectors), see `witness`
        self.evaluator: Any = None
        self.reused = 0  # solves saved by a plan found earlier
        self.presolve: bool | None = None  # CP-SAT's presolve in the solves (None: the settings'), see `presolved`

    def _guard(self, key: RuleKey) -> list:
        lit = self.lits.get(key)
        if lit is None:
            lit = self.lits[key] = self.model.new_bool_var(f"rule[{len(self.lits)}]")
        return [lit]

    # plans found, reused: a set of rule instances that one of them satisfies needs no solve
    KEEP_PLANS = 40

    def remember(self, solver: cp_model.CpSolver) -> None:
        self.plans.append(list(solver.response_proto.solution))
        del self.plans[: -self.KEEP_PLANS]

    def witness(self, keys: list[RuleKey]) -> StoredSolution | None:
        """A plan found earlier that satisfies every one of ``keys`` (their constraints, not their literals)."""
        if not self.plans or not keys:
            return None
        if self.evaluator is None:
            from planner.checks.mus import Evaluator

            self.evaluator = Evaluator(self)
        ev = self.evaluator
        for i in range(len(self.plans) - 1, -1, -1):
            if ev.holds_all(self.plans[i], keys):
                self.reused += 1
                return StoredSolution(self.plans[i])
        return None

    def sort(self, keys) -> list[RuleKey]:
        return sorted(set(keys), key=self.order.__getitem__)

    @contextlib.contextmanager
    def presolved(self, on: bool = True) -> Iterator[None]:
        """The solves inside run with CP-SAT's presolve (when ``on``; else as they were): it pays off only on a hard proof over many rule
        instances (half the work of one without on a commune), not on the many small solves of a deletion
        filter."""
        old = self.presolve
        if on:
            self.presolve = True
        try:
            yield
        finally:
            self.presolve = old

    def solve(
        self, keys: list[RuleKey], settings: CheckSettings, budget: Budget, linearization: int = 1
    ) -> tuple[Status, list[RuleKey], cp_model.CpSolver]:
        """Solve with ``keys`` assumed true (the others free). Returns status, the keys of the sufficient
        assumptions (only those passed), and the solver. ``linearization`` 2 puts every linear rule in the LP:
        slower to find plans, but counting arguments (8 cells need more charges than 2 members may take) are
        then proven at once instead of by search (with CP-SAT's presolve inside `presolved`).

        A set of keys that a plan found earlier already satisfies is feasible without a solve (`witness`)."""
        known = self.witness(keys)
        if known is not None:
            return Status.FEASIBLE, [], known  # type: ignore[return-value]
        self.model.clear_assumptions()
        self.model.add_assumptions([self.lits[k] for k in keys])
        done = run(self.model, settings.search(budget.left, linearization=linearization, presolve=self.presolve))
        solver, status = done.solver, done.code
        budget.charge(solver)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            self.remember(solver)
        if status == cp_model.INFEASIBLE:
            passed = {self.lits[k].index for k in keys}
            core = []
            for i in solver.sufficient_assumptions_for_infeasibility():
                if i in passed:
                    core.append(self.key_of[i])
                else:
                    self.stray.add(i)
            return Status.INFEASIBLE, self.sort(core), solver
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return Status.FEASIBLE, [], solver
        return Status.UNKNOWN, [], solver


PROVE = 2  # linearization level of the solves that confirm and shrink a conflict (see GuardedModel.solve)


def minimise(
    gm: GuardedModel, start: list[RuleKey], settings: CheckSettings, budget: Budget
) -> tuple[list[RuleKey], bool]:
    """Deletion filter: a minimal infeasible subset of ``start`` (which must be infeasible). Returns the set and
    whether its minimality is proven (every deletion was decided within the budget)."""
    core, necessary, proven = gm.sort(start), set(), True
    while True:
        todo = [k for k in core if k not in necessary]
        if not todo:
            break
        k = todo[0]
        if budget.left <= 0:
            return core, False
        trial = [x for x in core if x != k]
        status, refined, _ = gm.solve(trial, settings, budget, PROVE)
        if status == Status.INFEASIBLE:
            # the solver's own (sufficient) subset of the rest: every necessary key is in it if it is right
            core = refined if refined and necessary <= set(refined) else trial
        elif status == Status.FEASIBLE:
            necessary.add(k)
        else:
            necessary.add(k)
            proven = False
    # confirm: the final set is infeasible (guards against a wrong sufficient set, OR-Tools #5141)
    status, _, _ = gm.solve(core, settings, budget, PROVE)
    if status != Status.INFEASIBLE:
        return gm.sort(start), False
    return core, proven


# ---------------------------------------------------------------------------------------------- results
@dataclass
class Suggestion:
    """One field of one rule, changed alone: the bound nearest to today's that makes the scenario feasible."""

    rule: str  # rule id, "meetings_per_day", "max_per_month", "own_meetings_busy" or "fixed"
    field: str  # "at_least", "at_most", "including[1].at_least", "per_unit.min", … "drop"
    current: int | bool | None
    value: int | bool | None  # None: no value of this field alone makes the scenario feasible
    subject: str = ""  # the member (max_per_month) or the pin's text
    decided: bool = True  # every solve of the search ended within the budget
    found: bool = False  # ``value`` makes it feasible


@dataclass
class Shortfall:
    """The least total shortfall when attendance and coverage ``at_least`` are soft."""

    status: Status  # optimal, feasible (best found, not proven least), infeasible (quotas are not the issue), unknown
    total: int | None = None
    bound: int | None = None
    missing: list[tuple[RuleKey, int, int]] = field(default_factory=list)  # (rule instance, needed, missing)


@dataclass
class Diagnosis:
    status: Status  # feasible, infeasible, unknown
    plan: Plan | None = None
    core: list[RuleKey] = field(default_factory=list)
    minimal: bool = False
    findings: list[Finding] = field(default_factory=list)
    seed: Finding | None = None  # the pre-check finding the minimal set was grown from
    suggestions: list[Suggestion] = field(default_factory=list)
    shortfall: Shortfall | None = None
    rule_instances: int = 0
    seconds: float = 0.0
    deterministic_time: float = 0.0
    solves: int = 0
    stray: int = 0  # literals returned by CP-SAT that were never passed (ignored)
    smallest: bool = False  # ``core`` is proven the smallest (least weight) conflict, not only minimal
    lower_bound: int = 0  # no conflict has fewer rule instances (less weight) than this
    weight: int = 0  # the weight of ``core`` (its size when no weights are given)
    weighted: bool = False  # weights were given (--keep)
    enumeration: Any = None  # every distinct conflict (`planner.checks.mus.Enumeration`), with --all
    correction: Any = None  # the least change (`planner.checks.correction.Correction`)
    quotas: list = field(default_factory=list)  # `planner.checks.correction.QuotaLimit` per quota rule in the set

    @property
    def kind(self) -> str:
        """``smallest`` (proven), ``minimal`` (drop any one and the rest holds) or ``unproven``."""
        return "smallest" if self.smallest else "minimal" if self.minimal else "unproven"


# ---------------------------------------------------------------------------------------------- decide
GUARDED_SHARE = 0.5  # of a decision's budget, for the single-worker run under assumptions; the rest: two workers
FIND_LIMIT = 2.0  # deterministic seconds of the first run, made to find a plan (every example needs under 1.5)


def plain_solve(inst: Instance, settings: CheckSettings, budget: Budget) -> tuple[Status, Plan | None]:
    """The plain model (no guards, no objective), two workers interleaved (deterministic), no presolve.

    The single-worker run under assumptions finds plans quickly; this one proves infeasibility where that one
    gets lost (a bound one below what holds, say). Used only when the first ran out of its share."""
    if budget.left <= 0:
        return Status.UNKNOWN, None
    built = build_model(inst, objective=False)
    done = run(built.model, settings.search(budget.left, workers=2, linearization=None))
    solver, status = done.solver, done.code
    budget.charge(solver)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Status.FEASIBLE, extract_plan(inst, built, solver.boolean_value)
    return (Status.INFEASIBLE if status == cp_model.INFEASIBLE else Status.UNKNOWN), None


def decide(
    inst: Instance, settings: CheckSettings, budget: Budget, gm: GuardedModel | None = None
) -> tuple[Status, list[RuleKey], Plan | None]:
    """Feasible (with a plan), infeasible (with CP-SAT's sufficient set, possibly empty) or unknown."""
    gm = gm or GuardedModel(inst)
    # plans are found fastest with little linearization; counting arguments proven fastest with the linear
    # rules in the LP (`PROVE`): a short run of the first, then the second, then the plain model
    # (the proof of the whole model with CP-SAT's presolve: half the work of one without on a commune)
    stages = ((min(FIND_LIMIT, budget.left * GUARDED_SHARE), 1, False), (budget.left * GUARDED_SHARE, PROVE, True))
    for share, lin, presolve in stages:
        part = budget.part(share)
        with gm.presolved(presolve):
            status, core, solver = gm.solve(gm.keys, settings, part, lin)
        budget.absorb(part)
        if status == Status.FEASIBLE:
            return status, [], extract_plan(inst, BuiltModel(gm.ctx, None), solver.boolean_value)
        if status == Status.INFEASIBLE:
            return status, core, None
    status, plan = plain_solve(inst, settings, budget)
    return status, [], plan


def diagnose(inst: Instance, settings: CheckSettings = CheckSettings()) -> Diagnosis:
    t0 = time.monotonic()
    counter = CapacityCounter(inst)
    findings = run_prechecks(inst, counter)
    budget = Budget(settings.time_limit)
    gm = GuardedModel(inst)
    diag = Diagnosis(Status.UNKNOWN, rule_instances=len(gm.keys))

    start: list[RuleKey] | None = None
    unconfirmed: tuple[Finding, list[RuleKey]] | None = None
    refuted: list[Finding] = []
    for f in findings[:5]:  # a counting argument: confirm it in the model, start from its rule instances
        scope = [k for k in gm.keys if k in f.scope]
        if not scope:
            continue
        part = budget.part(budget.left / 2)
        status, core, _ = gm.solve(scope, settings, part, PROVE)
        budget.absorb(part)
        if status == Status.INFEASIBLE:
            start, diag.seed = (core or scope), f
            break
        if status == Status.FEASIBLE:
            refuted.append(f)  # a pre-check the model disagrees with (a bug): never reported
        elif unconfirmed is None:
            unconfirmed = (f, scope)
    findings = [f for f in findings if f not in refuted]
    if start is None and unconfirmed is not None:
        # the counting argument stands on its own (the checks are sound); the solver could not confirm it in time
        diag.status, diag.seed, diag.findings = Status.INFEASIBLE, unconfirmed[0], findings
        diag.core, diag.minimal = unconfirmed[1], False
    elif start is None:
        status, core, plan = decide(inst, settings, budget, gm)
        if status == Status.FEASIBLE:
            diag.status, diag.plan = Status.FEASIBLE, plan
            findings = []  # never report a conflict the model does not have (a sound pre-check cannot fire here)
        elif status == Status.INFEASIBLE and core:
            start = core
            confirm, _, _ = gm.solve(core, settings, budget, PROVE)
            if confirm != Status.INFEASIBLE:  # the sufficient set, less literals never passed, is not enough
                start = list(gm.keys)
        elif status == Status.INFEASIBLE:  # proven by the two-worker run: no set of rules to show yet
            diag.status, diag.findings = Status.INFEASIBLE, findings
    if start is not None:
        diag.status = Status.INFEASIBLE
        core, diag.minimal = minimise(gm, start, settings, budget)
        rank = {f: i for i, f in enumerate(SAY_ORDER)}
        diag.core = sorted(core, key=lambda k: (rank.get(k.family, len(rank)), gm.order[k]))
        diag.findings = findings
        if diag.seed is not None:  # keep the findings of the same argument (same kind and rule) first
            same = [f for f in findings if f.kind == diag.seed.kind and f.rule == diag.seed.rule]
            diag.findings = same + [f for f in findings if f not in same]
    weights = settings.weight_map
    diag.weighted = bool(weights)
    if diag.status == Status.INFEASIBLE and diag.core:
        from planner.checks.mus import cost, smallest

        diag.weight = cost(diag.core, weights)  # lower_bound stays 0 (unknown) unless the smallest is sought
        if settings.smallest and diag.minimal:
            sb = Budget(settings.smallest_limit)
            best = smallest(gm, diag.core, settings, sb, weights)
            budget.absorb(sb)
            rank = {f: i for i, f in enumerate(SAY_ORDER)}
            diag.core = sorted(best.core, key=lambda k: (rank.get(k.family, len(rank)), gm.order[k]))
            diag.smallest, diag.lower_bound, diag.weight = best.proven, best.lower_bound, best.weight
        if settings.all_conflicts:
            from planner.checks.mus import conflicts

            eb = Budget(settings.conflicts_limit)
            known = diag.core if diag.minimal else None  # proven minimal: MARCO's first set and instance
            diag.enumeration = conflicts(gm, settings, eb, most=settings.max_conflicts, known=known)
            budget.absorb(eb)
    diag.deterministic_time, diag.solves, diag.stray = budget.spent, budget.solves, len(gm.stray)
    after = settings.suggest_limit  # the least change, the suggestions and the shortfall share this budget
    if diag.status == Status.INFEASIBLE and settings.correction:
        from planner.checks.correction import correct

        cb = Budget(min(settings.correction_limit, after))
        diag.correction = correct(inst, settings, cb, weights, core=diag.core)
        diag.deterministic_time += cb.spent
        diag.solves += cb.solves
        after = max(0.0, after - cb.spent)
        if diag.correction.total is not None:  # a least change found: the single-field searches say less
            after /= 2
    if diag.status == Status.INFEASIBLE and (settings.suggestions or settings.shortfall):
        sbudget = Budget(after)
        soft = settings.shortfall and any(k.family in QUOTA_FAMILIES for k in diag.core)
        if settings.suggestions:
            shares = 3 if soft else 0  # the shortfall (who falls short) gets three shares of the budget
            tried = diag.correction.tried if diag.correction is not None else {}
            diag.suggestions = suggest(inst, diag.core, settings, sbudget, keep=shares, tried=tried)
        if soft:
            corr = diag.correction
            hint = corr.plan if corr is not None and corr.holds == Status.FEASIBLE and corr.quotas_only else None
            diag.shortfall = shortfall(inst, settings, sbudget, hint)
        if settings.suggestions:
            from planner.checks.correction import quota_limits

            diag.quotas = quota_limits(inst, diag, settings, sbudget)
        diag.deterministic_time += sbudget.spent
        diag.solves += sbudget.solves
    diag.seconds = time.monotonic() - t0
    return diag


# ---------------------------------------------------------------------------------------------- suggestions
def _feasible(scenario: Scenario, settings: CheckSettings, budget: Budget) -> Status:
    if budget.left <= 0:
        return Status.UNKNOWN
    status, _, _ = decide(Instance(scenario), settings, budget)
    return status


def _replace(items: tuple, i: int, **update) -> tuple:
    out = list(items)
    out[i] = out[i].model_copy(update=update)
    return tuple(out)


def _changer(s: Scenario, inst: Instance, key: RuleKey, fld: str):
    """A function value -> scenario with that one field changed, and its current value."""
    fam = key.family
    if fam in ("attendance", "including"):
        i = next(i for i, r in enumerate(s.attendance) if inst.rule_id(r) == key.rule)
        rule = s.attendance[i]
        if fld.startswith("including["):
            j = int(fld[len("including[") : fld.index("]")]) - 1
            return (
                lambda v: s.model_copy(
                    update={"attendance": _replace(s.attendance, i, including=_replace(rule.including, j, at_least=v))}
                )
            ), rule.including[j].at_least
        return (lambda v: s.model_copy(update={"attendance": _replace(s.attendance, i, **{fld: v})})), getattr(
            rule, fld
        )
    if fam == "coverage":
        i = next(i for i, r in enumerate(s.coverage) if inst.rule_id(r) == key.rule)
        return (lambda v: s.model_copy(update={"coverage": _replace(s.coverage, i, **{fld: v})})), getattr(
            s.coverage[i], fld
        )
    if fam == "responsibility":
        i = next(i for i, r in enumerate(s.responsibility) if inst.rule_id(r) == key.rule)
        rule = s.responsibility[i]
        side, bound = fld.split(".")
        rng = getattr(rule, side)
        current = getattr(rng, bound)
        if fld == "per_unit.min" and current is None:
            current = 1
        return (
            lambda v: s.model_copy(
                update={"responsibility": _replace(s.responsibility, i, **{side: rng.model_copy(update={bound: v})})}
            )
        ), current
    if fam == "one-meeting-a-day":
        return (
            lambda v: s.model_copy(update={"limits": s.limits.model_copy(update={"meetings_per_day": v})})
        ), s.limits.meetings_per_day
    if fam == "max-per-month":
        i = inst.member_order[key.subject]
        return (lambda v: s.model_copy(update={"members": _replace(s.members, i, max_per_month=v)})), s.members[
            i
        ].max_per_month
    raise ValueError(fam)


def _fields(inst: Instance, key: RuleKey) -> list[tuple[str, str]]:
    """(field, direction) pairs worth searching for a rule instance in the minimal set."""
    s, fam = inst.scenario, key.family
    if fam == "attendance":
        rule = next(r for r in s.attendance if inst.rule_id(r) == key.rule)
        return ([("at_least", "down")] if rule.at_least > 0 else []) + (
            [("at_most", "up")] if rule.at_most is not None else []
        )
    if fam == "including":
        return [(f"including[{key.extra}].at_least", "down")]
    if fam == "coverage":
        rule = next(r for r in s.coverage if inst.rule_id(r) == key.rule)
        return ([("at_least", "down")] if rule.at_least > 0 else []) + (
            [("at_most", "up")] if rule.at_most is not None else []
        )
    if fam == "responsibility":
        rule = next(r for r in s.responsibility if inst.rule_id(r) == key.rule)
        side = key.extra  # per_unit or per_member
        rng = getattr(rule, side)
        mn = rule.unit_min if side == "per_unit" else rule.member_min
        return ([(f"{side}.min", "down")] if mn > 0 else []) + ([(f"{side}.max", "up")] if rng.max is not None else [])
    if fam == "one-meeting-a-day":
        return [("meetings_per_day", "up")]
    if fam == "max-per-month":
        return [("max_per_month", "up")]
    return []


UP_CAP = {"meetings_per_day": 10}


def _search(
    change,
    current: int,
    direction: str,
    cap: int | None,
    settings: CheckSettings,
    budget: Budget,
    known: set[int] | frozenset[int] = frozenset(),
) -> tuple[int | None, bool, bool]:
    """The feasible value nearest to ``current`` (infeasible) in ``direction``: (value, found, decided).

    A value whose test ran out of budget counts as not (proven) feasible, and ``decided`` becomes False: the
    value returned is then feasible, but one nearer to ``current`` may be too."""
    undecided = False

    def ok(v) -> bool:
        nonlocal undecided
        if v in known:  # found feasible already (the least change's single steps)
            return True
        r = _feasible(change(v), settings, budget)
        undecided |= r == Status.UNKNOWN
        return r == Status.FEASIBLE

    if direction == "down":
        if current <= 0:
            return None, False, True
        if ok(current - 1):
            return current - 1, True, True
        if current - 1 == 0 or not ok(0):
            return None, False, not undecided
        lo, hi = 0, current - 1  # lo feasible, hi not
        while hi - lo > 1:
            mid = (lo + hi) // 2
            lo, hi = (mid, hi) if ok(mid) else (lo, mid)
        return lo, True, not undecided
    # up
    if (cap is None or current + 1 <= cap) and ok(current + 1):
        return current + 1, True, True
    if not ok(cap):  # the field at its loosest (``None``: no bound at all)
        return None, False, not undecided
    lo = current + 1  # not feasible
    if cap is None:  # a finite feasible value, by doubling
        step, hi = 2, None
        while hi is None:
            v = current + step
            if v > 4096:
                return None, True, not undecided  # only without the bound at all
            if ok(v):
                hi = v
            else:
                lo, step = v, step * 2
    else:
        hi = cap
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if ok(mid) else (mid, hi)
    return hi, True, not undecided


def _path(rule: str, fld: str, subject: str, inst: Instance) -> tuple[str, ...]:
    """The least change's name (`planner.checks.correction.Field.path`) of a suggestion's field."""
    if rule == "meetings_per_day":
        return ("limits", "meetings_per_day")
    if fld == "max_per_month":
        return ("member", subject, "max_per_month")
    s = inst.scenario
    if any(inst.rule_id(r) == rule for r in s.coverage):
        return ("coverage", rule, fld)
    if any(inst.rule_id(r) == rule for r in s.responsibility):
        return ("responsibility", rule, fld)
    return ("attendance", rule, fld)


def suggest(
    inst: Instance,
    core: list[RuleKey],
    settings: CheckSettings,
    budget: Budget,
    keep: int = 0,
    tried: dict | None = None,
) -> list[Suggestion]:
    """One suggestion per field of each rule in the minimal set. Each gets an equal share of the budget
    (``keep`` more shares are left for what comes after), so one hard search cannot starve the others."""
    s = inst.scenario
    todo: list = []
    seen: set[tuple[str, str, str]] = set()
    for key in core:
        subject = key.subject if key.family == "max-per-month" else ""
        rule = "meetings_per_day" if key.family == "one-meeting-a-day" else key.rule
        for fld, direction in _fields(inst, key):
            if (rule, fld, subject) not in seen:
                seen.add((rule, fld, subject))
                todo.append(("bound", key, rule, fld, direction, subject))
        if key.family == "own-meeting" and ("own_meetings_busy", "", "") not in seen:
            seen.add(("own_meetings_busy", "", ""))
            todo.append(("own", key))
        if key.family == "fixed" and ("fixed", key.subject, key.period + key.extra) not in seen:
            seen.add(("fixed", key.subject, key.period + key.extra))
            todo.append(("pin", key))
    out: list[Suggestion] = []
    for i, item in enumerate(todo):
        share = budget.part(budget.left / (len(todo) - i + keep))
        if item[0] == "bound":
            _, key, rule, fld, direction, subject = item
            change, current = _changer(s, inst, key, fld)
            if current is not None or direction == "up":
                path = _path(rule, fld, subject, inst)
                known = {v for (p, v), st in (tried or {}).items() if p == path and st == Status.FEASIBLE}
                value, found, decided = _search(
                    change, current, direction, UP_CAP.get(fld), settings, share, known=known
                )
                out.append(Suggestion(rule, fld, current, value, subject, decided, found))
        elif item[0] == "own":
            r = _feasible(
                s.model_copy(update={"limits": s.limits.model_copy(update={"own_meetings_busy": False})}),
                settings,
                share,
            )
            out.append(
                Suggestion(
                    "own_meetings_busy", "own_meetings_busy", True, False, "", r != Status.UNKNOWN, r == Status.FEASIBLE
                )
            )
        else:
            key = item[1]
            kept = tuple(f for f in s.fixed if not _is_pin(f, key))
            r = _feasible(s.model_copy(update={"fixed": kept}), settings, share)
            out.append(
                Suggestion("fixed", "drop", True, False, _pin_text(key), r != Status.UNKNOWN, r == Status.FEASIBLE)
            )
        budget.absorb(share)
    return out


def _is_pin(item, key: RuleKey) -> bool:
    if key.period:  # attendance pin: subject member, period month, extra unit
        return getattr(item, "attend", None) is True and (item.member, item.month, item.unit) == (
            key.subject,
            key.period,
            key.extra,
        )
    return getattr(item, "charge", None) is True and (item.member, item.unit) == (key.subject, key.extra)


def _pin_text(key: RuleKey) -> str:
    return f"{key.subject}|{key.extra}|{key.period}"


# ---------------------------------------------------------------------------------------------- shortfall
@dataclass
class _SoftContext(ModelContext):
    """The model with every attendance/coverage ``at_least`` soft: a slack per rule instance."""

    slacks: dict = field(default_factory=dict)

    def add_linear(self, key: RuleKey, terms: list, lo: int | None, hi: int | None) -> None:
        if key.family not in QUOTA_FAMILIES or lo is None or lo <= 0:
            super().add_linear(key, terms, lo, hi)
            return
        self.keys.append(key)
        expr = cp_model.LinearExpr.sum(terms)
        slack = self.model.new_int_var(0, lo, f"short[{len(self.slacks)}]")
        self.model.add(expr + slack >= lo)
        if hi is not None and hi < len(terms):
            self.model.add(expr <= hi)
        self.slacks[key] = (slack, lo)


HINTED_SHORTFALL_LIMIT = 6.0  # deterministic seconds of the least shortfall when started from a plan


def shortfall(inst: Instance, settings: CheckSettings, budget: Budget, hint: Plan | None = None) -> Shortfall:
    """The least total shortfall. ``hint``: a plan that breaks no rule but quota minimums (the least change's,
    when it only lowers quotas): the search starts from it, so that a commune-size year has an answer (best
    found, with its bound) where it had none."""
    if budget.left <= 0:
        return Shortfall(Status.UNKNOWN)
    built = build_model(inst, objective=False, context=_SoftContext)
    if hint is not None:
        from planner.search.solving import add_hints

        add_hints(built, hint)
    ctx = built.ctx
    assert isinstance(ctx, _SoftContext)
    model = built.model
    model.minimize(cp_model.LinearExpr.sum([s for s, _ in ctx.slacks.values()]))
    # two workers interleaved, CP-SAT's own presolve and linearization: an optimisation, not a proof; started
    # from a plan, it has an answer at once and gets a short search to better it (a commune's year is not proven
    # least in any budget a check can give)
    limit = budget.left if hint is None else min(budget.left, HINTED_SHORTFALL_LIMIT)
    done = run(model, SearchParams(limit=limit, workers=2, seed=settings.seed))
    solver, status = done.solver, done.code
    budget.charge(solver)
    if status == cp_model.INFEASIBLE:
        return Shortfall(Status.INFEASIBLE)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Shortfall(Status.UNKNOWN)
    missing = [(k, lo, int(solver.value(s))) for k, (s, lo) in ctx.slacks.items() if solver.value(s) > 0]
    total = sum(n for _, _, n in missing)
    return Shortfall(
        Status.OPTIMAL if status == cp_model.OPTIMAL else Status.FEASIBLE,
        total,
        int(round(solver.best_objective_bound)),
        missing,
    )
