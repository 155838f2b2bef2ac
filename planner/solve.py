"""Build the model, run CP-SAT reproducibly, and turn the answer into a solver-free `Plan` and a `Summary`.

Reproducibility: the time limit is CP-SAT's *deterministic* time (``max_deterministic_time``, a work count
that is the same on every run), and with more than one worker the search is interleaved
(``interleave_search``), which makes parallel search deterministic for a fixed number of workers. The same
scenario, seed and settings therefore give the same plan, whatever the machine's load. The price: interleaved
search shares information between workers only at fixed points, so it is a little slower than CP-SAT's free
parallel portfolio; ``deterministic=False`` lifts that and uses a wall-clock limit instead.
"""

from __future__ import annotations

import platform
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import ortools
from ortools.sat.python import cp_model

from . import __version__
from .instance import Instance
from .model import BuiltModel, build_model
from .plan import Plan, Summary

STATUS = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.UNKNOWN: "unknown",
    cp_model.MODEL_INVALID: "invalid",
}


@dataclass(frozen=True)
class Settings:
    time_limit: float = 20.0  # deterministic seconds (wall seconds if not deterministic)
    seed: int = 0
    workers: int = 2
    deterministic: bool = True
    wall_limit_factor: float = 20.0  # a safety net on wall time, as a multiple of time_limit
    warm_start: bool = True  # start from a charges-first plan (see planner.model.warm_start)

    def parameters(self, share: float = 1.0, workers: int | None = None) -> dict:
        """CP-SAT parameters for a run that may use ``share`` of the time limit."""
        limit = self.time_limit * share
        workers = max(1, self.workers if workers is None else workers)
        p: dict = {"random_seed": self.seed, "num_workers": workers}
        if self.deterministic:
            p["max_deterministic_time"] = limit
            p["max_time_in_seconds"] = max(60.0, limit * self.wall_limit_factor)
            if workers > 1:
                p["interleave_search"] = True
        else:
            p["max_time_in_seconds"] = limit
        return p


WARM_CHARGES_SHARE, WARM_COMPLETE_SHARE, WARM_TRIES = 0.1, 0.2, 3


@dataclass
class Progress:
    """The latest figures of a running search (read by a progress display)."""

    start: float = field(default_factory=time.monotonic)
    objective: float | None = None
    bound: float | None = None
    solutions: int = 0
    done: bool = False

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.start

    @property
    def gap(self) -> float | None:
        return relative_gap(self.objective, self.bound)


def relative_gap(objective: float | None, bound: float | None) -> float | None:
    if objective is None or bound is None:
        return None
    return abs(bound - objective) / max(1.0, abs(objective))


class _Callback(cp_model.CpSolverSolutionCallback):
    def __init__(self, progress: Progress):
        super().__init__()
        self.progress = progress

    def on_solution_callback(self) -> None:
        self.progress.objective = self.objective_value
        self.progress.bound = self.best_objective_bound
        self.progress.solutions += 1


@dataclass
class Result:
    plan: Plan | None
    summary: Summary
    built: BuiltModel | None = None


def extract_plan(inst: Instance, built: BuiltModel, value: Callable[[object], int]) -> Plan:
    v = built.vars
    charges = frozenset(k for k, lit in v.charge.items() if value(lit))
    meetings = dict(v.fixed_day)
    for (u, mo, d), lit in v.day.items():
        if value(lit):
            meetings[u, mo] = d
    attendance = frozenset((m, u, meetings[u, mo]) for (m, u, mo), lit in v.attend.items() if value(lit))
    return Plan(charges, meetings, attendance)


def add_hints(built: BuiltModel, plan: Plan) -> None:
    """Give CP-SAT a plan to start from (a baseline, or an earlier answer)."""
    v = built.vars
    att = plan.attendances_by_month()
    for key, lit in v.charge.items():
        built.model.add_hint(lit, key in plan.charges)
    for key, lit in v.attend.items():
        built.model.add_hint(lit, key in att)
    for (u, mo, d), lit in v.day.items():
        built.model.add_hint(lit, plan.meetings.get((u, mo)) == d)


def _run(model: cp_model.CpModel, parameters: dict, callback=None) -> tuple[cp_model.CpSolver, int]:
    solver = cp_model.CpSolver()
    for name, val in parameters.items():
        setattr(solver.parameters, name, val)
    status = solver.solve(model, callback)
    return solver, status


def _warm_start(inst: Instance, built: BuiltModel, settings: Settings, progress: Progress):
    """Charges first, then the rest with charges fixed; hint the full model with the result.

    Returns the solver of the completed plan (to fall back on) or None."""
    from .model.warm_start import ChargeProposals

    proposals = ChargeProposals(inst, settings.parameters(WARM_CHARGES_SHARE / WARM_TRIES, workers=1))
    for _ in range(WARM_TRIES):
        charges = proposals.next()
        if charges is None:
            return None
        fixed = built.model.clone()
        for key, lit in built.vars.charge.items():
            fixed.add(fixed.get_bool_var_from_proto_index(lit.index) == int(key in charges))
        solver, status = _run(fixed, settings.parameters(WARM_COMPLETE_SHARE / WARM_TRIES), _Callback(progress))
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            break
    else:
        return None
    model = built.model
    model.clear_hints()
    for i in range(len(model.proto.variables)):
        var = model.get_int_var_from_proto_index(i)
        model.add_hint(var, solver.value(var))
    progress.bound = None
    return solver


def solve(inst: Instance, settings: Settings = Settings(), baseline: Plan | None = None,
          progress: Progress | None = None, on_start: Callable[[Progress], None] | None = None) -> Result:
    """Plan a scenario. ``progress`` is updated live from CP-SAT's solution callback."""
    progress = progress or Progress()
    t0 = time.monotonic()
    built = build_model(inst, baseline)
    if baseline is not None:
        add_hints(built, baseline)
    build_seconds = time.monotonic() - t0

    if on_start is not None:
        on_start(progress)
    t1 = time.monotonic()
    warm = None
    main_share = 1.0
    if settings.warm_start and baseline is None:
        warm = _warm_start(inst, built, settings, progress)
        main_share = 1.0 - WARM_CHARGES_SHARE - WARM_COMPLETE_SHARE
    solver, status = _run(built.model, settings.parameters(main_share), _Callback(progress))
    solve_seconds = time.monotonic() - t1
    progress.done = True

    source = solver
    if status == cp_model.UNKNOWN and warm is not None:
        source, status = warm, cp_model.FEASIBLE  # the full model's search found nothing better in time
    name = STATUS.get(status, "unknown")
    plan, objective, bound, gap, terms = None, None, None, None, {}
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        plan = extract_plan(inst, built, source.boolean_value)
        objective = int(round(source.objective_value))
        bound = float(solver.best_objective_bound)
        gap = 0.0 if status == cp_model.OPTIMAL else relative_gap(objective, bound)
        assert built.terms is not None
        terms = {k: int(source.value(t.linear())) for k, t in built.terms.items()}
    det_time = solver.deterministic_time + (warm.deterministic_time if warm is not None else 0.0)
    wall_cap = settings.parameters(main_share)["max_time_in_seconds"]
    stopped_by_wall = (settings.deterministic and status in (cp_model.FEASIBLE, cp_model.UNKNOWN)
                       and solver.wall_time >= wall_cap * 0.99)
    summary = Summary(
        status=name, objective=objective, bound=bound, gap=gap, seconds=build_seconds + solve_seconds,
        scenario_sha256=inst.scenario.sha256, seed=settings.seed, terms=terms,
        extra={
            "build_seconds": round(build_seconds, 3),
            "solve_seconds": round(solve_seconds, 3),
            "deterministic_time": round(det_time, 3) if settings.deterministic else None,
            "reproducible": settings.deterministic and not stopped_by_wall,
            "settings": {"time_limit": settings.time_limit, "workers": settings.workers,
                         "deterministic": settings.deterministic, "seed": settings.seed,
                         "warm_start": settings.warm_start},
            "model": {"variables": len(built.model.proto.variables),
                      "constraints": len(built.model.proto.constraints)},
            "versions": {"planner": __version__, "ortools": ortools.__version__,
                         "python": platform.python_version()},
        },
    )
    return Result(plan, summary, built)


class ProgressThread(threading.Thread):
    """Calls ``show(progress)`` every ``every`` seconds once the search has run ``after`` seconds."""

    def __init__(self, progress: Progress, show: Callable[[Progress], None], after: float = 1.0,
                 every: float = 0.5):
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
