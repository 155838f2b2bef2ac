"""Build the model, run CP-SAT reproducibly, and turn the answer into a solver-free `Plan` and a `Summary`.

Reproducibility: the time limit is CP-SAT's *deterministic* time (``max_deterministic_time``, a work count
that is the same on every run), and with more than one worker the search is interleaved
(``interleave_search``), which makes parallel search deterministic for a fixed number of workers. The same
scenario, seed and settings therefore give the same plan, whatever the machine's load. The price: interleaved
search shares information between workers only at fixed points, so it is a little slower than CP-SAT's free
parallel portfolio; ``deterministic=False`` lifts that and uses a wall-clock limit instead.
"""

from __future__ import annotations

import os
import platform
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import ortools
from ortools.sat.python import cp_model

from planner.instance import Instance
from planner.model import BuiltModel, build_model
from planner.plan import Plan, Summary
from planner.scenario import TERM_SIGNS
from planner.search.bounds import term_bound
from planner.search.driver import (
    Progress,
    SearchParams,
    abandoned_searches,
    relative_gap,
    request_stop,
    reset_stop,
    run,
    stop_requested,
)
from planner.search.highs import Assignment, highs_root, hint_all, plan_values
from planner.search.lp_bound import lp_bound
from planner.search.rounding import Rounding, lp_rounding
from planner.status import Status

__all__ = [
    "Progress",
    "ProgressThread",
    "Result",
    "STARTS",
    "Settings",
    "abandoned_searches",
    "add_hints",
    "extract_plan",
    "relative_gap",
    "request_stop",
    "reset_stop",
    "solve",
    "stop_requested",
]


@dataclass(frozen=True)
class Settings:
    """How to search: the effort (``time_limit``, deterministic seconds unless ``deterministic`` is False),
    the random ``seed``, the number of ``workers`` (threads), whether to start from HiGHS's root-node plan
    (``highs``, models up to `planner.search.highs.MAX_COLUMNS` variables; off by default), else from the LP
    relaxation's plan with its integral variables fixed (``rounding``, models up to `ROUNDING_COLUMNS`; the
    default), and otherwise from a charges-first plan (``warm_start``).

    The default start was chosen by measurement (docs/scale.md): on the examples the rounded plan and
    CP-SAT from it reach the same optima as HiGHS's root node first, in 9–32 s instead of 15–75 s."""

    time_limit: float = 40.0  # deterministic seconds (wall seconds if not deterministic)
    seed: int = 0
    workers: int = 2
    deterministic: bool = True
    warm_start: bool = True  # start from a charges-first plan (see planner.search.warm_start)
    highs: bool = False  # start from HiGHS's root-node plan where the model is small enough (planner.search.highs)
    rounding: bool = True  # else from the LP's plan, its integral variables fixed (planner.search.rounding)
    params: tuple[tuple[str, Any], ...] = ()  # further CP-SAT parameters for every search (`SearchParams.extra`)

    def search(self, limit: float | None = None, workers: int | None = None) -> SearchParams:
        """One search that may spend ``limit`` (default: the whole time limit) with these settings."""
        return SearchParams(
            limit=self.time_limit if limit is None else limit,
            workers=self.workers if workers is None else workers,
            seed=self.seed,
            deterministic=self.deterministic,
            extra=self.params,
        )


# the CLI's --start: where the search starts (each falls back on the next when it gives no plan: HiGHS's root
# node, the LP's rounded plan, the charges-first plan)
STARTS: dict[str, dict[str, bool]] = {
    "lp": {"highs": False, "rounding": True},
    "highs": {"highs": True, "rounding": True},
    "charges": {"highs": False, "rounding": False},
}

WARM_SHARE, WINDOW_SHARE, WARM_CHARGES_SHARE, COMPLETE_RESERVE, WARM_TRIES = 0.6, 0.3, 0.1, 0.2, 3
MAIN_RESERVE = 0.1  # the full model always searches at least this share, from the hint
# the rounding's search of the fixed model may spend this share (it takes 0.01 deterministic s on a commune
# part); models up to this many variables (a commune part has 7–19 k, its LP takes 0.2–0.7 s; Tương Dương's
# 28 k, 14–21 s). The environment variable PLANNER_ROUNDING_MAX_COLUMNS sets another limit (0: never).
ROUNDING_SHARE = 0.25
ROUNDING_COLUMNS = int(os.environ.get("PLANNER_ROUNDING_MAX_COLUMNS", "150000") or 0)
# the full model holding "objective ≤ the term-by-term bound" (valid, redundant): off, measured: it moved the
# plans by no more than a change of seed does (bench/run.py --bound-row)
BOUND_ROW = False


@dataclass
class Result:
    """A plan (None if none was found) and its summary: status, objective, bound, gap, timings."""

    plan: Plan | None
    summary: Summary

    @property
    def status(self) -> Status:
        return Status(self.summary.status)


def extract_plan(inst: Instance, built: BuiltModel, value: Callable[[Any], Any]) -> Plan:
    """The plan a solution describes (``value`` reads a literal of it, e.g. ``solver.boolean_value``)."""
    v = built.vars
    charges = frozenset(k for k, lit in v.charge.items() if value(lit))
    meetings = dict(v.fixed_day)
    for (u, mo, d), lit in v.day.items():
        if value(lit):
            meetings[u, mo] = d
    attendance = frozenset((m, u, meetings[u, mo]) for (m, u, mo), lit in v.attend.items() if value(lit))
    return Plan(charges, meetings, attendance)


def objective_of(inst: Instance, built: BuiltModel) -> cp_model.LinearExpr:
    """The model's (maximised) objective as an expression, from its terms and the scenario's weights."""
    assert built.terms is not None
    w = inst.scenario.weights.model_dump()
    return cp_model.LinearExpr.sum(
        [TERM_SIGNS[name] * w[name] * t.linear() for name, t in built.terms.items() if w[name]]
    )


def _objective(inst: Instance, built: BuiltModel, source: Any) -> tuple[int, dict[str, int]]:
    """A solution's objective and each term's count, recomputed from its values (``source.value``)."""
    assert built.terms is not None
    terms = {k: int(source.value(t.linear())) for k, t in built.terms.items()}
    return inst.scenario.weights.objective(terms), terms


def _version() -> str:
    from planner import __version__

    return __version__


def add_hints(built: BuiltModel, plan: Plan) -> None:
    """Give CP-SAT a plan to start from (a baseline, or an earlier answer)."""
    v = built.vars
    att = plan.attendances_by_month()
    for key, lit in v.charge.items():
        built.model.add_hint(lit, key in plan.charges)
    for akey, lit in v.attend.items():
        built.model.add_hint(lit, akey in att)
    for (u, mo, d), lit in v.day.items():
        built.model.add_hint(lit, plan.meetings.get((u, mo)) == d)


def _warm_start(
    inst: Instance, built: BuiltModel, settings: Settings, progress: Progress, baseline: Plan | None = None
) -> tuple[tuple[BuiltModel, cp_model.CpSolver] | None, float]:
    """Charges first, then the rest with those charges decided (a much smaller model); the completed plan
    becomes the full model's hint. Returns ((model, solver) of the completed plan to fall back on, or None)
    and the deterministic time spent."""
    from planner.search.warm_start import ChargeProposals, representative_window

    total = budget = settings.time_limit * WARM_SHARE  # work (deterministic time) the warm start may spend in all
    reserve = settings.time_limit * COMPLETE_RESERVE  # a completion always gets at least this much
    small: BuiltModel | None = None
    done = None
    if baseline is not None:  # re-planning: complete the baseline's own charges first
        progress.phase = "plan in force, completed"
        keep = set(baseline.charges) & set(built.vars.charge)
        small = build_model(inst, baseline, charges=keep)
        done = run(small.model, settings.search(limit=budget / 2), progress)
        budget -= done.deterministic_time
        if not done.found:
            small = done = None
    window = representative_window(inst) if small is None and not stop_requested() else None
    if window is not None:  # plan the first months (itself warm-started), keep its charges, complete the year
        progress.phase = "first months"
        # its own progress: a window's objective and bound are on another scale than the year's
        # its work stays counted through progress.child (attached for good: the share used never goes back)
        progress.child = Progress()
        sub = solve(
            window,
            replace(settings, time_limit=settings.time_limit * WINDOW_SHARE, highs=False),
            progress=progress.child,
        )
        budget -= sub.summary.extra["deterministic_time"] or 0.0
        if sub.plan is not None and not stop_requested():
            progress.phase = "whole year, charges of the first months"
            small = build_model(inst, baseline, charges=set(sub.plan.charges))
            done = run(small.model, settings.search(limit=max(budget, reserve)), progress)
            budget -= done.deterministic_time
            if not done.found:
                small = done = None
    proposals = ChargeProposals(inst, settings.search(workers=1, limit=settings.time_limit * WARM_CHARGES_SHARE))
    for _ in range(WARM_TRIES if small is None else 0):
        progress.phase = "charges"
        charges = proposals.next()
        budget -= proposals.spent
        progress.spent += proposals.spent
        if charges is None or stop_requested():  # an interrupt: no plan exists yet at this point
            return None, total - budget
        progress.phase = "whole year, charges decided"
        small = build_model(inst, baseline, charges=charges)
        done = run(small.model, settings.search(limit=max(budget, reserve)), progress)
        budget -= done.deterministic_time
        if done.found:
            break
        small = done = None
        proposals.params = settings.search(workers=1, limit=settings.time_limit * WARM_CHARGES_SHARE / 3)
    if small is None or done is None:
        return None, total - budget
    full, part = built.vars, small.vars
    model = built.model
    model.clear_hints()
    hinted: set[int] = set()
    for table in ("charge", "day", "attend", "on"):
        small_table = getattr(part, table)
        for key, lit in getattr(full, table).items():
            if lit.index not in hinted:  # a literal may stand in two tables (on = attend on a one-day month)
                hinted.add(lit.index)
                model.add_hint(lit, done.solver.boolean_value(small_table[key]) if key in small_table else False)
    return (small, done.solver), total - budget


def solve(
    inst: Instance,
    settings: Settings = Settings(),
    baseline: Plan | None = None,
    progress: Progress | None = None,
    on_start: Callable[[Progress], None] | None = None,
) -> Result:
    """Plan a scenario.

    Parameters
    ----------
    inst
        The scenario's derived facts (`planner.load` gives one).
    settings
        Effort, seed, workers and determinism (`Settings`; the defaults are the CLI's).
    baseline
        The plan in force, when re-planning: each charge and (member, unit, month) attendance that differs from
        it costs the scenario's ``stability`` weight, and the search starts from it.
    progress, on_start
        Updated live from CP-SAT's solution callback; ``on_start(progress)`` is called when the search starts.

    Returns
    -------
    Result
        The plan (None when none was found) and its `Summary`: status, objective, the best bound and the gap,
        each term's count, timings and the settings.
    """
    progress = progress or Progress()
    progress.budget = settings.time_limit if settings.deterministic else None
    t0 = time.monotonic()
    built = build_model(inst, baseline)
    if baseline is not None:
        add_hints(built, baseline)
    build_seconds = time.monotonic() - t0

    if on_start is not None:
        on_start(progress)
    t1 = time.monotonic()
    whole_bound = term_bound(inst).bound  # cheap (an LP and counts), valid for the whole scenario
    if whole_bound is not None:
        progress.bound_proven(whole_bound)
        if BOUND_ROW and built.terms is not None:  # a redundant row: no plan is better than a proven bound
            built.model.add(objective_of(inst, built) <= int(whole_bound))
    warm, spent = None, 0.0
    root = None
    if settings.highs:
        progress.phase = "HiGHS root node"
        root = highs_root(built.model, settings.seed)
    from_highs = plan_values(built.model, root)  # HiGHS's plan, if it holds (checked before any row is added)
    rounding: Rounding | None = None
    from_lp: Assignment | None = None
    if from_highs is None and settings.rounding and not stop_requested():
        progress.phase = "LP, rounded"
        rounding = lp_rounding(
            built.model, settings.search(limit=settings.time_limit * ROUNDING_SHARE), ROUNDING_COLUMNS
        )
        spent += rounding.deterministic_time
        progress.spent += rounding.deterministic_time
        from_lp = None if rounding.values is None else Assignment(rounding.values)
    start = from_highs or from_lp
    reached = False
    if start is not None:  # the complete hint, in place of the warm start
        hint_all(built.model, start.values)
        value = _objective(inst, built, start)[0]
        progress.plan_found(value)
        origin = root if from_highs is not None else rounding  # whichever gave the start, and its bound
        proven = [b for b in (whole_bound, origin.bound if origin is not None else None) if b is not None]
        if proven:
            progress.bound_proven(min(proven))
            if built.terms is not None:  # valid and redundant: CP-SAT stops once the plan reaches it
                built.model.add(objective_of(inst, built) <= int(min(proven)))
            # the LP's rounded plan reaches a proven bound: it is optimal, there is nothing to search for
            reached = start is from_lp and value >= min(proven)
    elif settings.warm_start:
        warm, spent = _warm_start(inst, built, settings, progress, baseline)
    progress.phase = "whole year"
    main = None
    if not reached:
        main = run(
            built.model,
            settings.search(limit=max(settings.time_limit - spent, settings.time_limit * MAIN_RESERVE)),
            progress,
            whole=True,
        )
    solver = None if main is None else main.solver
    status: Any = cp_model.UNKNOWN if main is None else main.code
    solve_seconds = time.monotonic() - t1

    # the better of the full model's plan and the completed warm-start plan (ties: the full model's); each
    # objective is recomputed from the solution's terms: CP-SAT's objective_value has been seen to disagree
    # with its own solution vector after interleaved search from a hint (9.15)
    best: tuple[int, dict[str, int], BuiltModel, cp_model.CpSolver] | None = None
    # HiGHS's own plan too: CP-SAT's presolve may lose a hint (seen on Kon Tum: −128 hinted, −129 found)
    found = main is not None and main.found
    candidates: list[tuple[BuiltModel, Any]] = [(built, solver)] if found else []
    candidates += [warm] if warm is not None else []
    candidates += [(built, from_highs)] if from_highs is not None else []
    candidates += [(built, from_lp)] if from_lp is not None else []
    for source_model, source in candidates:
        value, found_terms = _objective(inst, source_model, source)
        if best is None or value > best[0]:
            best = (value, found_terms, source_model, source)
    plan: Plan | None = None
    objective: int | None = None
    bound: float | None = None
    gap: float | None = None
    terms: dict[str, int] = {}
    bounds: dict[str, float | None] = {}
    method: str | None = None
    name = Status.UNKNOWN if main is None else main.status
    if best is not None:
        objective, terms, source_model, source = best
        if source is not solver:  # the warm-start or HiGHS's plan (the full model found nothing better, or nothing)
            status, name = cp_model.FEASIBLE, Status.FEASIBLE
        plan = extract_plan(inst, source_model, source.boolean_value)
        # every valid bound at hand, the tightest reported: the full model's (none when its search ended with
        # nothing), the term-by-term one, and for a small model its LP relaxation (HiGHS)
        bounds["cp-sat"] = float(solver.best_objective_bound) if found and solver is not None else None
        if root is not None:
            bounds["highs"] = root.bound
        if status != cp_model.OPTIMAL:
            bounds["term-by-term"] = whole_bound
            bounds["lp"] = rounding.bound if rounding is not None else lp_bound(built.model).bound
        known = [(b, m) for m, b in bounds.items() if b is not None]
        if known:
            bound, method = min(known, key=lambda bm: bm[0])
        if status == cp_model.FEASIBLE and bound is not None and bound <= objective:
            status, name = cp_model.OPTIMAL, Status.OPTIMAL  # the plan reaches a proven bound: it is optimal
        gap = 0.0 if status == cp_model.OPTIMAL else relative_gap(objective, bound)
    progress.objective, progress.bound, progress.phase = objective, bound, "done"
    progress.done = True
    det_time = (0.0 if solver is None else solver.deterministic_time) + spent
    summary = Summary(
        status=name,
        objective=objective,
        bound=bound,
        gap=gap,
        seconds=build_seconds + solve_seconds,
        scenario_sha256=inst.scenario.sha256,
        seed=settings.seed,
        terms=terms,
        extra={
            "build_seconds": round(build_seconds, 3),
            "solve_seconds": round(solve_seconds, 3),
            "deterministic_time": round(det_time, 3) if settings.deterministic else None,
            "bound_method": method,
            "bounds": bounds,
            "reproducible": settings.deterministic and not stop_requested() and not (root and root.timed_out),
            **({"highs": root.summary(), "highs_seconds": round(root.seconds, 3)} if root is not None else {}),
            **(
                {"rounding": rounding.summary(), "rounding_seconds": round(rounding.seconds, 3)}
                if rounding is not None
                else {}
            ),
            **({"interrupted": True} if stop_requested() else {}),
            "settings": {
                "time_limit": settings.time_limit,
                "workers": settings.workers,
                "deterministic": settings.deterministic,
                "seed": settings.seed,
                "warm_start": settings.warm_start,
                "highs": settings.highs,
                "rounding": settings.rounding,
                **({"params": dict(settings.params)} if settings.params else {}),
            },
            "model": {"variables": len(built.model.proto.variables), "constraints": len(built.model.proto.constraints)},
            "versions": {
                "planner": _version(),
                "ortools": ortools.__version__,  # type: ignore[attr-defined]
                "python": platform.python_version(),
            },
        },
    )
    return Result(plan, summary)


class ProgressThread(threading.Thread):
    """Calls ``show(progress)`` every ``every`` seconds once the search has run ``after`` seconds."""

    def __init__(self, progress: Progress, show: Callable[[Progress], None], after: float = 1.0, every: float = 0.5):
        super().__init__(daemon=True)
        self.progress, self.show, self.after, self.every = progress, show, after, every
        self._halt = threading.Event()

    def run(self) -> None:
        if self._halt.wait(self.after):
            return
        while not self._halt.is_set() and not self.progress.done:
            self.show(self.progress)
            self._halt.wait(self.every)

    def stop(self) -> None:
        self._halt.set()
