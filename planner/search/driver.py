"""The one CP-SAT driver: every search of the planner goes through `run`.

Planning, the warm start and its completion, the feasibility diagnosis (under assumptions), the least
shortfall, the charges model of a decomposition and each of its parts all call `run` with a `SearchParams`;
nothing else makes a ``CpSolver``. Here, once:

- **one mapping** from settings to CP-SAT's parameters (`SearchParams.parameters`);
- **interrupts**: a search runs in a worker thread while the calling thread waits in short joins, so that
  Ctrl-C and SIGTERM (handled by Python in the main thread only, never while it is inside the C++ solver)
  stop it at once with its best solution (`request_stop`);
- **progress**: a solution callback updates a `Progress` that a display reads;
- **determinism**: a deterministic search is limited by CP-SAT's deterministic time alone (a count of work,
  the same on every run), never by the wall clock, so a slow or busy machine gives the same result as an
  idle one; Ctrl-C is the way to stop one early (the result is then marked not reproducible).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ortools.sat.python import cp_model

from planner.status import Status

T = TypeVar("T")

_CP_STATUS: dict[int, Status] = {
    int(cp_model.OPTIMAL): Status.OPTIMAL,
    int(cp_model.FEASIBLE): Status.FEASIBLE,
    int(cp_model.INFEASIBLE): Status.INFEASIBLE,
    int(cp_model.UNKNOWN): Status.UNKNOWN,
    int(cp_model.MODEL_INVALID): Status.INVALID,
}


@dataclass(frozen=True)
class SearchParams:
    """What one search may do. ``limit`` is deterministic seconds (wall seconds if not ``deterministic``)."""

    limit: float
    workers: int = 2
    seed: int = 0
    deterministic: bool = True
    linearization: int | None = None  # CP-SAT's default unless given
    presolve: bool | None = None  # CP-SAT's default unless given
    min_limit: float = 0.01
    extra: tuple[tuple[str, Any], ...] = ()  # further CP-SAT parameters (name, value), e.g. from the benchmark

    def parameters(self) -> dict[str, Any]:
        """The CP-SAT parameters of this search (the one place where they are set)."""
        limit = max(self.limit, self.min_limit)
        workers = max(1, self.workers)
        # not a search parameter: signals are the planner's (see `run`); CP-SAT's own SIGINT handler outlives
        # its solve and then aborts the process on the next Ctrl-C (std::bad_function_call, OR-Tools 9.15)
        p: dict[str, Any] = {"random_seed": self.seed, "num_workers": workers, "catch_sigint_signal": False}
        if self.linearization is not None:
            p["linearization_level"] = self.linearization
        if self.presolve is not None:
            p["cp_model_presolve"] = self.presolve
        # (never a wall-clock limit in a deterministic search, whatever the extra parameters say)
        p.update((k, v) for k, v in self.extra if not (self.deterministic and k == "max_time_in_seconds"))
        if self.deterministic:  # work, not time: no wall-clock limit may decide where a search stops
            p["max_deterministic_time"] = limit
            if workers > 1:
                p["interleave_search"] = True
        else:
            p["max_time_in_seconds"] = limit
        return p


@dataclass
class Progress:
    """What a running solve has reached, on the scale of the final objective (read by a progress display).

    ``objective`` is the best plan of the whole scenario found so far, ``bound`` a proven bound on the whole
    scenario (never a sub-search's); both are what ``summary.json`` will say if the search stopped now.
    ``phase`` names the step under way; ``spent`` counts the deterministic seconds of the work done so far
    (the running search's up to its last report; one number, so the share used never goes back), against
    ``budget``."""

    start: float = field(default_factory=time.monotonic)
    objective: float | None = None
    bound: float | None = None
    solutions: int = 0
    done: bool = False
    phase: str = ""
    budget: float | None = None
    spent: float = 0.0
    child: Progress | None = None  # a nested solve (the first months), whose work counts here too

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.start

    @property
    def used(self) -> float | None:
        """The share of the deterministic budget used, 0..1 (None without a budget)."""
        if not self.budget:
            return None
        child = self.child.spent if self.child is not None else 0.0
        return min(1.0, (self.spent + child) / self.budget)

    def plan_found(self, objective: float) -> None:
        """A plan of the whole scenario with this objective (maximised): kept if it is the best so far."""
        if self.objective is None or objective > self.objective:
            self.objective = objective
        self.solutions += 1

    def bound_proven(self, bound: float) -> None:
        """A proven bound on the whole scenario: kept if it is the tightest so far."""
        if self.bound is None or bound < self.bound:
            self.bound = bound

    @property
    def gap(self) -> float | None:
        return relative_gap(self.objective, self.bound)


def relative_gap(objective: float | None, bound: float | None) -> float | None:
    """``|bound − objective| / max(1, |objective|)``, or None when either is unknown."""
    if objective is None or bound is None:
        return None
    return abs(bound - objective) / max(1.0, abs(objective))


class _Callback(cp_model.CpSolverSolutionCallback):
    """Each solution's objective (and, for a search of the whole model, its bound) into a `Progress`."""

    def __init__(self, progress: Progress, bound: bool):
        super().__init__()
        self.progress, self.bound = progress, bound
        self.base = progress.spent  # the work done before this search

    def on_solution_callback(self) -> None:
        self.progress.plan_found(self.objective_value)
        if self.bound:
            self.progress.bound_proven(self.best_objective_bound)
        self.progress.spent = max(self.progress.spent, self.base + self.deterministic_time)


@dataclass
class Run:
    """One finished search: the solver (to read values) and its status."""

    solver: cp_model.CpSolver
    code: Any  # CP-SAT's status code (a cp_model.CpSolverStatus)

    @property
    def status(self) -> Status:
        return _CP_STATUS.get(int(self.code), Status.UNKNOWN)

    @property
    def found(self) -> bool:
        """A solution was found (optimal or feasible)."""
        return self.code in (cp_model.OPTIMAL, cp_model.FEASIBLE)

    @property
    def deterministic_time(self) -> float:
        return float(self.solver.deterministic_time)


def run(model: cp_model.CpModel, params: SearchParams, progress: Progress | None = None, whole: bool = False) -> Run:
    """Solve ``model`` under ``params``, interruptibly.

    With ``progress``, each solution's objective is reported to it — only give it for a model whose objective
    is the whole scenario's (a completion with some charges decided is; a window of months is not). With
    ``whole`` (the model is the whole scenario's), its proven bounds are reported too."""
    solver = cp_model.CpSolver()
    parameters = params.parameters()
    for name, value in parameters.items():
        if isinstance(value, (list, tuple)):  # a repeated field (e.g. subsolvers)
            getattr(solver.parameters, name).extend(value)
        else:
            setattr(solver.parameters, name, value)
    callback = _Callback(progress, whole) if progress is not None else None
    if progress is not None and whole:
        solver.best_bound_callback = progress.bound_proven
    code = wait(lambda: solver.solve(model, callback), solver.stop_search)
    if callback is not None:
        callback.progress.spent = max(callback.progress.spent, callback.base + solver.deterministic_time)
    return Run(solver, code if code is not None else cp_model.UNKNOWN)


# ---------------------------------------------------------------------------------------------- interrupts
_stop = threading.Event()  # set by request_stop(): the running search, and any later one, stops at once
_abandoned: list[threading.Thread] = []  # work that could not be stopped, left running (see wait)


def request_stop() -> None:
    """Stop the search under way (and any later one) as soon as possible, keeping the best plan found so far.
    Safe in a signal handler: it only sets a flag, which the waiting thread passes on to CP-SAT."""
    _stop.set()


def stop_requested() -> bool:
    return _stop.is_set()


def reset_stop() -> None:
    _stop.clear()


def abandoned_searches() -> bool:
    """True if work that could not be stopped still runs in the background (end the process with os._exit:
    a C++ search must not outlive the interpreter)."""
    return any(t.is_alive() for t in _abandoned)


def wait(work: Callable[[], T], stop: Callable[[], None] | None) -> T | None:
    """Run ``work`` in a worker thread while this thread waits in short joins. Python runs signal handlers only
    in the main thread and never while it is inside the C++ solver, so the solve itself must not run there.
    Once a stop is requested, ``stop()`` is called until the work returns (CP-SAT ends with its best solution);
    work that has no ``stop`` is left running in the background and None is returned at once."""
    if _stop.is_set() and stop is None:
        return None
    result: list[T] = []
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
