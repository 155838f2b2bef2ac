"""planner: which committee members take charge of which party cells, and which cell meetings they attend.

The package root is the public API::

    import planner

    inst = planner.load("scenarios/thuong-son-2026.yaml")
    result = planner.solve(inst, planner.Settings(time_limit=5))
    if result.plan is not None:
        assert planner.verify(inst, result.plan) == []

- `load` reads a scenario (YAML, or YAML with CSV/XLSX tables) into an `Instance`, or raises `InputError`
  naming each problem's file, line or row, field and fix.
- `solve` plans it with CP-SAT and returns a `Result`: the `Plan` and a `Summary` (a `Status`, the objective,
  the best bound, the gap).
- `check` says whether any plan satisfies every rule, and if not which rules clash (a `Diagnosis`);
  `explain` says it in words.
- `verify` checks any plan (the planner's, one read with `read_plan`, one typed by hand) against every hard
  rule; `objective` recomputes its objective from the scenario alone.

The layers, in the one direction they depend on each other: `planner.io` (files) → `planner.scenario`
(validated immutable data) → `planner.instance` (derived facts) → `planner.model` (the CP-SAT model, one
function per rule family) → `planner.search` (the one CP-SAT driver, solve, warm start, bounds) →
`planner.plan` (solver-free) → `planner.checks` (verify, prechecks, diagnosis, explanations),
`planner.replan` (change sets, freeze, diff, what-if), `planner.scale` (decomposition, greedy draft, polish,
generator) and `planner.outputs` (workbook, decision, calendars, pages, terminal tables).
"""

from __future__ import annotations

__version__ = "0.1.0"


def _quiet_interrupts_while_starting() -> None:
    """Run as the ``planner`` command, a Ctrl-C or SIGTERM while the command line is still importing its
    libraries (a second or two) ends it at once, quietly, 130 or 143 — nothing has been read or written yet.
    Each command then hands the signals to `planner.cli.signals`. Imported as a library, nothing changes."""
    import os
    import signal
    import sys

    argv0 = sys.argv[0] if sys.argv else ""
    name, parent = os.path.basename(argv0), os.path.basename(os.path.dirname(argv0))
    # the command's script; ``python -m X`` of another package (``python -m pytest``) is not the command
    if name not in ("planner", "planner.exe") and (name, parent) != ("__main__.py", "planner"):
        return
    mp = sys.modules.get("multiprocessing")
    if mp is not None and (mp.parent_process() is not None or getattr(mp.current_process(), "_inheriting", False)):
        return  # a worker of decompose's pool, starting: its parent handles the signals

    global _RUN_AS_COMMAND
    _RUN_AS_COMMAND = True

    def quit_now(signum: int, frame: object) -> None:
        os.write(2, f"\nInterrupted ({signal.Signals(signum).name}) while starting: nothing was done.\n".encode())
        os._exit(128 + signum)

    for sig in (signal.SIGINT, signal.SIGTERM):
        if signal.getsignal(sig) is signal.SIG_IGN:  # an ignored signal (a background job) stays ignored
            IGNORED_AT_START.add(sig)
        else:
            signal.signal(sig, quit_now)


_RUN_AS_COMMAND = False  # True in the ``planner`` command's own process (not under a test runner, not imported)
IGNORED_AT_START: set[int] = set()  # signals the command was started with ignored (``cmd &`` in a script, nohup)
_quiet_interrupts_while_starting()

from pathlib import Path  # noqa: E402

from planner.checks.diagnose import CheckSettings, Diagnosis  # noqa: E402
from planner.checks.verify import Report, Violation  # noqa: E402
from planner.errors import InputError, Problem  # noqa: E402
from planner.instance import Instance  # noqa: E402
from planner.plan import Plan, Summary  # noqa: E402
from planner.scenario import Scenario  # noqa: E402
from planner.search.solving import Result, Settings  # noqa: E402
from planner.status import Status  # noqa: E402

__all__ = [
    "CheckSettings",
    "Diagnosis",
    "InputError",
    "Instance",
    "Plan",
    "Problem",
    "Report",
    "Result",
    "Scenario",
    "Settings",
    "Status",
    "Summary",
    "Violation",
    "__version__",
    "check",
    "explain",
    "load",
    "objective",
    "read_plan",
    "solve",
    "verify",
]


def load(path: str | Path) -> Instance:
    """Read a scenario file and derive the facts every later step uses.

    Parameters
    ----------
    path
        A scenario: a YAML file (its unit and member lists may be CSV or XLSX tables beside it).

    Returns
    -------
    Instance
        The validated, immutable scenario (``.scenario``) with its unit tree, calendar and eligibility.

    Raises
    ------
    InputError
        Every problem found, each naming the file, the line (or sheet, row and column), the field, what is
        wrong and how to fix it.
    """
    from planner.io import load_scenario

    return Instance(load_scenario(path))


def solve(instance: Instance, settings: Settings | None = None, baseline: Plan | None = None) -> Result:
    """Plan the scenario with CP-SAT.

    Parameters
    ----------
    instance
        From `load`.
    settings
        Effort (deterministic seconds), seed, workers; `Settings` () by default, as the CLI.
    baseline
        The plan in force when re-planning: every charge and (member, unit, month) attendance that differs
        from it costs the scenario's ``stability`` weight, and the search starts from it.

    Returns
    -------
    Result
        ``.plan`` (None when no plan was found) and ``.summary`` (``.status`` a `Status`, ``.objective``,
        ``.bound``, ``.gap``, ``.terms``). The same scenario, seed and settings give the same plan.
    """
    from planner.search.solving import solve as _solve

    return _solve(instance, settings or Settings(), baseline=baseline)


def check(instance: Instance, settings: CheckSettings | None = None) -> Diagnosis:
    """Decide whether any plan satisfies every rule; if not, find a minimal set of clashing rule instances.

    Parameters
    ----------
    instance
        From `load`.
    settings
        Budgets (deterministic seconds) for the decision and for the suggestions; `CheckSettings` () by
        default.

    Returns
    -------
    Diagnosis
        ``.status`` (`Status.FEASIBLE` with ``.plan`` as the proof, `Status.INFEASIBLE` with ``.core``, the
        clashing rule instances, and ``.suggestions``, or `Status.UNKNOWN`). `explain` says it in words.
    """
    from planner.checks.diagnose import diagnose

    return diagnose(instance, settings or CheckSettings())


def explain(instance: Instance, diagnosis: Diagnosis, lang: str = "en") -> str:
    """The diagnosis in words (``lang`` ``"en"`` or ``"vi"``): the rules that clash, the calendar facts behind
    them and what would make the scenario feasible."""
    from planner.checks.explain import explain_diagnosis

    return explain_diagnosis(instance, diagnosis, lang)


def verify(instance: Instance, plan: Plan, baseline: Plan | None = None) -> list[Violation]:
    """Every hard rule ``plan`` breaks, each said in words (empty: the plan satisfies every rule).

    The checks are written from the scenario format, not from the model, so they hold any plan to the rules:
    the planner's, one read with `read_plan`, or one typed in a spreadsheet."""
    from planner.checks.verify import verify as _verify

    return _verify(instance, plan, baseline).violations


def objective(instance: Instance, plan: Plan, baseline: Plan | None = None) -> int:
    """The plan's objective, recomputed from the scenario's weights and the plan alone (no solver)."""
    from planner.checks.verify import objective_terms

    return instance.scenario.weights.objective(objective_terms(instance, plan, baseline))


def read_plan(directory: str | Path) -> Plan:
    """A plan directory in the contract layout (``charges.csv``, ``meetings.csv``, ``attendance.csv``).

    Raises
    ------
    InputError
        A missing file or column, or a row that cannot be read (naming the file, row and column)."""
    from planner.io import read_plan as _read_plan

    return _read_plan(directory)
