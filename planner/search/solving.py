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
from dataclasses import dataclass, field, replace

import ortools
from ortools.sat.python import cp_model

from planner import __version__
from planner.instance import Instance
from planner.model import BuiltModel, build_model
from planner.search.bounds import term_bound
from planner.model.objective import SIGNS
from planner.plan import Plan, Summary

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

    def parameters(self, limit: float | None = None, workers: int | None = None) -> dict:
        """CP-SAT parameters for a run that may spend ``limit`` (default: the whole time limit)."""
        limit = self.time_limit if limit is None else max(limit, 0.01)
        workers = max(1, self.workers if workers is None else workers)
        # not a search parameter: signals are the planner's (see _wait); CP-SAT's own SIGINT handler outlives
        # its solve and then aborts the process on the next Ctrl-C (std::bad_function_call, OR-Tools 9.15)
        p: dict = {"random_seed": self.seed, "num_workers": workers, "catch_sigint_signal": False}
        if self.deterministic:
            p["max_deterministic_time"] = limit
            p["max_time_in_seconds"] = max(60.0, limit * self.wall_limit_factor)
            if workers > 1:
                p["interleave_search"] = True
        else:
            p["max_time_in_seconds"] = limit
        return p


WARM_SHARE, WINDOW_SHARE, WARM_CHARGES_SHARE, COMPLETE_RESERVE, WARM_TRIES = 0.6, 0.3, 0.1, 0.2, 3
MAIN_RESERVE = 0.1  # the full model always searches at least this share, from the hint


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


def objective_of(inst: Instance, terms: dict[str, int]) -> int:
    w = inst.scenario.weights.model_dump()
    return sum(SIGNS[name] * w[name] * value for name, value in terms.items())


# ---------------------------------------------------------------------------------------------- interrupts
_stop = threading.Event()  # set by request_stop(): the running search, and any later one, stops at once
_abandoned: list[threading.Thread] = []  # searches that could not be stopped, left running (see _wait)


def request_stop() -> None:
    """Stop the search under way (and any later one) as soon as possible, keeping the best plan found so far.
    Safe in a signal handler: it only sets a flag, which the waiting thread passes on to CP-SAT."""
    _stop.set()


def stop_requested() -> bool:
    return _stop.is_set()


def reset_stop() -> None:
    _stop.clear()


def abandoned_searches() -> bool:
    """True if a search that could not be stopped still runs in the background (end the process with os._exit:
    a C++ search must not outlive the interpreter)."""
    return any(t.is_alive() for t in _abandoned)


def _wait(work: Callable[[], object], stop: Callable[[], None] | None) -> object:
    """Run ``work`` in a worker thread while this thread waits in short joins. Python runs signal handlers only
    in the main thread and never while it is inside the C++ solver, so the solve itself must not run there.
    Once a stop is requested, ``stop()`` is called until the work returns (CP-SAT ends with its best solution);
    work that has no ``stop`` is left running in the background and None is returned at once."""
    if _stop.is_set() and stop is None:
        return None
    result: list[object] = []
    error: list[BaseException] = []

    def target() -> None:
        try:
            result.append(work())
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread
            error.append(exc)

    thread = threading.Thread(target=target, name="cp-sat", daemon=True)
    thread.start()
    while thread.is_alive():
        thread.join(0.05)
        if _stop.is_set() and thread.is_alive():
            if stop is None:
                _abandoned.append(thread)
                return None
            stop()
    if error:
        raise error[0]
    return result[0]


def _run(model: cp_model.CpModel, parameters: dict, callback=None) -> tuple[cp_model.CpSolver, int]:
    solver = cp_model.CpSolver()
    for name, val in parameters.items():
        setattr(solver.parameters, name, val)
    status = _wait(lambda: solver.solve(model, callback), solver.stop_search)
    return solver, status


def _warm_start(inst: Instance, built: BuiltModel, settings: Settings, progress: Progress,
                baseline: Plan | None = None):
    """Charges first, then the rest with those charges decided (a much smaller model); the completed plan
    becomes the full model's hint. Returns ((model, solver) of the completed plan to fall back on, or None)
    and the deterministic time spent."""
    from planner.search.warm_start import ChargeProposals, representative_window

    total = budget = settings.time_limit * WARM_SHARE  # work (deterministic time) the warm start may spend in all
    reserve = settings.time_limit * COMPLETE_RESERVE  # a completion always gets at least this much
    small = solver = None
    if baseline is not None:  # re-planning: complete the baseline's own charges first
        keep = set(baseline.charges) & set(built.vars.charge)
        small = build_model(inst, baseline, charges=keep)
        solver, status = _run(small.model, settings.parameters(limit=budget / 2), _Callback(progress))
        budget -= solver.deterministic_time
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            small = solver = None
    window = representative_window(inst) if small is None and not _stop.is_set() else None
    if window is not None:  # plan the first months (itself warm-started), keep its charges, complete the year
        sub = solve(window, replace(settings, time_limit=settings.time_limit * WINDOW_SHARE), progress=progress)
        budget -= sub.summary.extra["deterministic_time"] or 0.0
        if sub.plan is not None and not _stop.is_set():
            small = build_model(inst, charges=set(sub.plan.charges))
            solver, status = _run(small.model, settings.parameters(limit=max(budget, reserve)), _Callback(progress))
            budget -= solver.deterministic_time
            if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                small = solver = None
    proposals = ChargeProposals(inst, settings.parameters(workers=1, limit=settings.time_limit * WARM_CHARGES_SHARE))
    for _ in range(WARM_TRIES if small is None else 0):
        charges = _wait(proposals.next, None)  # an interrupt abandons it: no plan exists yet at this point
        budget -= proposals.spent
        if charges is None:
            return None, total - budget
        small = build_model(inst, charges=charges)
        solver, status = _run(small.model, settings.parameters(limit=max(budget, reserve)), _Callback(progress))
        budget -= solver.deterministic_time
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            break
        small = solver = None
        proposals.parameters = settings.parameters(workers=1, limit=settings.time_limit * WARM_CHARGES_SHARE / 3)
    if small is None:
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
                model.add_hint(lit, solver.boolean_value(small_table[key]) if key in small_table else False)
    progress.bound = None
    return (small, solver), total - budget


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
    warm, spent = None, 0.0
    if settings.warm_start:
        warm, spent = _warm_start(inst, built, settings, progress, baseline)
    main_params = settings.parameters(limit=max(settings.time_limit - spent, settings.time_limit * MAIN_RESERVE))
    solver, status = _run(built.model, main_params, _Callback(progress))
    solve_seconds = time.monotonic() - t1
    progress.done = True

    source, source_model = solver, built
    if status == cp_model.UNKNOWN and warm is not None:
        # the full model's search found nothing in time: report the completed warm-start plan
        (source_model, source), status = warm, cp_model.FEASIBLE
    name = STATUS.get(status, "unknown")
    plan, objective, bound, gap, terms = None, None, None, None, {}
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        plan = extract_plan(inst, source_model, source.boolean_value)
        assert source_model.terms is not None
        terms = {k: int(source.value(t.linear())) for k, t in source_model.terms.items()}
        # the objective of the solution itself: CP-SAT's objective_value has been seen to disagree with its
        # own solution vector after interleaved search from a hint (9.15), so it is recomputed here
        objective = objective_of(inst, terms)
        # the full model's bound; when its search ended with nothing (we report the warm plan), none is known
        bound = float(solver.best_objective_bound) if source is solver else None
        if status != cp_model.OPTIMAL:  # cheap, and sometimes the tighter bound (or the only one)
            whole = term_bound(inst).bound
            if whole is not None and (bound is None or whole < bound):
                bound = whole
        if status == cp_model.FEASIBLE and bound is not None and bound <= objective:
            status, name = cp_model.OPTIMAL, "optimal"  # the plan reaches a proven bound: it is optimal
        gap = 0.0 if status == cp_model.OPTIMAL else relative_gap(objective, bound)
    det_time = solver.deterministic_time + spent
    wall_cap = main_params["max_time_in_seconds"]
    stopped_by_wall = (settings.deterministic and status in (cp_model.FEASIBLE, cp_model.UNKNOWN)
                       and solver.wall_time >= wall_cap * 0.99)
    summary = Summary(
        status=name, objective=objective, bound=bound, gap=gap, seconds=build_seconds + solve_seconds,
        scenario_sha256=inst.scenario.sha256, seed=settings.seed, terms=terms,
        extra={
            "build_seconds": round(build_seconds, 3),
            "solve_seconds": round(solve_seconds, 3),
            "deterministic_time": round(det_time, 3) if settings.deterministic else None,
            "reproducible": settings.deterministic and not stopped_by_wall and not _stop.is_set(),
            **({"interrupted": True} if _stop.is_set() else {}),
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
