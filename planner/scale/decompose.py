"""Solve a big scenario in independent parts, in parallel, and merge the parts' plans.

How the scenario is split — exact parts, the coupling members' charges decided first, the dates of shared
units pinned, each part's sub-scenario — is told in `planner.scale.parts`; the executors the parts run
through are in `planner.scale.executors`. Here: each part solved (`solve_part`, in this process, a worker
process or on a Dask worker), the budget shared over the parts (`part_settings`), the rounds, the merge, the
meetings moved nearer their day (`planner.polish`), and the accounting of the bound.

Every plan found this way satisfies the whole scenario (the benchmark checks it with verify). The parts'
bounds, added up, bound only the *restricted* problem (charges, places and pinned dates as decided): the
summary keeps that figure as ``parts_bound`` with ``bound_scope: restricted``. The ``bound`` it reports is
always a bound on the whole scenario, the tightest of (``bounds`` in the summary, ``bound_method`` naming
the one used): the parts' sum when the split is exact; the term-by-term bound of `planner.search.bounds`
(``term_bound``: most rewards, least visits, least shift), which is loose where the calendar's conflicts
bind; and when levels couple the parts, the relaxed parts' bound of `planner.scale.relaxed`
(``relaxed_bound``: each part without the coupling members, by its linear relaxation, plus what the
coupling members can add), which sees each commune's calendar. The gap is an honest upper limit on the loss,
not an estimate of it. The loss against the monolithic model is measured by ``bench/scale.py``.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

from planner.calendar import Month
from planner.instance import Instance
from planner.plan import Plan, Summary
from planner.scale.executors import Executor, make_executor
from planner.scale.parts import Decomposition, Part, decompose
from planner.scale.polish import polish_dates
from planner.scale.relaxed import RelaxedBound, relaxed_bound
from planner.scenario import Scenario
from planner.search.bounds import term_bound
from planner.search.solving import Settings, relative_gap, stop_requested


# ============================================================================================== solve
@dataclass(frozen=True)
class PartTask:
    index: int
    scenario: Scenario
    settings: Settings
    start: Plan | None = None  # an earlier plan of this part to start from (round 2)
    greedy_fallback: bool = False  # when the search finds no plan, take the drafter's if it breaks no rule


@dataclass
class PartResult:
    index: int
    plan: Plan | None
    status: str
    objective: int | None
    bound: float | None
    seconds: float
    build_seconds: float
    variables: int
    peak_mib: float  # peak resident memory of the process that solved it (so far)
    det_time: float = 0.0
    rounds: int = 1
    pid: int = 0
    drafted: bool = False  # the plan is the drafter's (the search found none)
    reproducible: bool = True  # the part's solve says its outcome did not depend on the machine's speed


def solve_part(task: PartTask) -> PartResult:
    """Solve one part (run in a worker process, or on a Dask worker).

    With ``start`` (an earlier plan of the part), the search starts from it: it is passed to `solve` as the
    baseline of a copy of the part whose ``stability`` weight is 0, so it only seeds the search (charges kept
    first, then a hint) and the objective is the part's own."""
    import os
    import resource

    from planner.search.solving import solve

    t0 = time.monotonic()
    scenario = task.scenario
    if task.start is not None:
        weights = scenario.weights.model_copy(update={"stability": 0, "moved": 0})  # the start is a hint only
        scenario = scenario.model_copy(update={"weights": weights})
    inst = Instance(scenario)
    r = solve(inst, task.settings, baseline=task.start)
    s = r.summary
    plan, status, objective = r.plan, s.status, s.objective
    drafted = False
    if plan is None and task.greedy_fallback and not stop_requested():
        from planner.scale.greedy import run_greedy

        g = run_greedy(inst)
        if g.violations == 0:
            plan, status, objective, drafted = g.plan, "feasible", g.summary.objective, True
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return PartResult(
        task.index,
        plan,
        status,
        objective,
        s.bound if plan is not None else None,
        time.monotonic() - t0,
        float(s.extra.get("build_seconds", 0.0)),
        int(s.extra["model"]["variables"]),
        peak,
        float(s.extra.get("deterministic_time") or 0.0),
        pid=os.getpid(),
        drafted=drafted,
        reproducible=bool(s.extra.get("reproducible", True)),
    )


@dataclass
class DecomposedResult:
    plan: Plan | None
    summary: Summary
    decomposition: Decomposition
    parts: list[PartResult]


MIN_PART_TIME = 3.0  # deterministic s: below this, a search from nothing often ends with no plan at all
FIRST_ROUND = 0.35  # share of the budget for the first round (a plan for every part)
# the first round starts each part from its LP's rounded plan (planner.search.rounding), which needs almost no
# search: 0.01–0.05 deterministic s on a commune part, so its floor is low
FIRST_FLOOR = 0.1


def part_settings(
    settings: Settings, parts: Sequence[Part], budget: float, floor: float = MIN_PART_TIME
) -> list[Settings]:
    """Each part's settings: ``budget`` (deterministic s, all parts together) spread over the parts in
    proportion to their size, at least `MIN_PART_TIME`, at most the whole time limit.

    Each part keeps the full ``workers``: CP-SAT with one worker proves far less than with two on this model
    (a 4-member part: not proven in 13 s with one worker, proven in 0.5 s with two), so two processes of two
    workers share the 2 cores; the limits are deterministic time, so the plans do not depend on the sharing."""
    total = sum(max(p.size, 1) for p in parts)
    return [
        replace(settings, time_limit=round(min(settings.time_limit, max(floor, budget * max(p.size, 1) / total)), 3))
        for p in parts
    ]


def _run(executor: Executor, tasks: list[PartTask], sizes: list[int]) -> list[PartResult]:
    order = sorted(range(len(tasks)), key=lambda i: -sizes[i])  # the biggest first
    if len(tasks) == 1:  # one part: no process to start
        done = [solve_part(tasks[0])]
    else:
        done = executor.map(solve_part, [tasks[i] for i in order])
    out: list[PartResult] = [None] * len(tasks)  # type: ignore[list-item]
    for i, res in zip(order, done):
        out[i] = res
    return out


def _keep_best(results: list[PartResult], indices: list[int], again: list[PartResult]) -> None:
    """Each part keeps its better plan of two rounds and its tighter bound; times add up."""
    for i, res in zip(indices, again):
        old = results[i]
        better = res.plan is not None and (old.plan is None or (res.objective or 0) >= (old.objective or 0))
        keep = res if better else old
        bounds = [b for b in (old.bound, res.bound) if b is not None]
        results[i] = replace(
            keep,
            bound=min(bounds) if bounds else None,
            rounds=old.rounds + 1,
            seconds=old.seconds + res.seconds,
            det_time=old.det_time + res.det_time,
            status="optimal" if res.status == "optimal" else keep.status,
            peak_mib=max(old.peak_mib, res.peak_mib),
            reproducible=old.reproducible and res.reproducible,
        )


def solve_decomposed(
    inst: Instance,
    settings: Settings = Settings(),
    executor: Executor | None = None,
    scheme: str = "auto",
    balance: str = "drop",
    processes: int = 2,
    improve: bool = True,
    greedy_fallback: bool = True,
) -> DecomposedResult:
    """Decompose, solve the parts through ``executor``, merge, and verify the merged plan on the whole.

    The parts share a budget of ``processes × time_limit`` deterministic seconds. With one part, it is solved
    as `solve` would (same settings, in this process). With more, in two rounds. The first starts every part
    from its LP relaxation's rounded plan (`planner.search.rounding`: the LP, its integral variables fixed, the
    rest searched), with a share of ``FIRST_ROUND`` of the budget; where that finds no plan, the drafter's
    (``greedy_fallback``) stands in if it breaks no rule. The second round (``improve``) is for the parts with
    the drafter's plan or none: the usual solve (`Settings` as given) from that plan, with what is left of
    the budget (a part with no plan gets at least `MIN_PART_TIME`). Each part keeps its best plan and its
    tightest bound."""
    from planner.checks.verify import verify

    t0 = time.monotonic()
    d = decompose(inst, settings, scheme, balance)
    own = executor is None
    executor = executor or make_executor(None, processes)
    budget = settings.time_limit * max(1, min(processes, len(d.parts)))
    sizes = [p.size for p in d.parts]
    relaxed: RelaxedBound | None = None
    try:
        if len(d.parts) == 1:
            results = _run(executor, [PartTask(0, d.parts[0].scenario, settings)], sizes)
        else:
            quick = replace(settings, warm_start=False, highs=False, rounding=True)
            first = part_settings(quick, d.parts, budget * FIRST_ROUND, floor=FIRST_FLOOR)
            results = _run(
                executor,
                [PartTask(p.index, p.scenario, ps, greedy_fallback=greedy_fallback) for p, ps in zip(d.parts, first)],
                sizes,
            )
            left = budget - sum(r.det_time for r in results)
            missing = [i for i, r in enumerate(results) if r.plan is None and r.status == "unknown"]
            # a second round for the parts whose LP led to no plan (the drafter's stands in): searching on from
            # a rounded plan gained nothing on the generated district (10 parts, 1–5 deterministic s each)
            todo = [i for i, r in enumerate(results) if r.drafted or i in missing]
            if not (improve and left > 0):
                todo = missing  # a part with no plan gets another try whatever the budget: no plan, no merge
            if todo:
                # the rest of the budget, shared (no more than it, even if a part gets less than the floor,
                # except that a part with no plan yet gets at least the floor), with the settings as given
                floor = min(MIN_PART_TIME, max(0.5, left / len(todo)))
                again = part_settings(settings, [d.parts[i] for i in todo], max(left, 0.0), floor=floor)
                again = [  # a part with no plan yet starts afresh, with at least the floor
                    replace(ps, time_limit=max(ps.time_limit, MIN_PART_TIME)) if i in missing else ps
                    for i, ps in zip(todo, again)
                ]
                tasks = [PartTask(i, d.parts[i].scenario, ps, results[i].plan) for i, ps in zip(todo, again)]
                _keep_best(results, todo, _run(executor, tasks, [sizes[i] for i in todo]))
            # a part still without a plan leaves no merged plan: it gets the whole time limit, then twice that
            # (over the budget, which is better than nothing; a part proven infeasible is not retried)
            for factor in (1, 2):
                missing = [i for i, r in enumerate(results) if r.plan is None and r.status == "unknown"]
                if not missing or stop_requested():
                    break
                tasks = [
                    PartTask(i, d.parts[i].scenario, replace(settings, time_limit=settings.time_limit * factor))
                    for i in missing
                ]
                _keep_best(results, missing, _run(executor, tasks, [sizes[i] for i in missing]))
        if not d.exact and all(r.plan is not None for r in results) and not stop_requested():
            relaxed = relaxed_bound(inst, executor)  # a bound on the whole that sees each commune's calendar
    finally:
        if own:
            executor.close()
    statuses = [r.status for r in results]
    plan, polished = None, 0
    if all(r.plan is not None for r in results):
        charges: set[tuple[str, str]] = set(d.coupling_charges)
        meetings: dict[tuple[str, Month], dt.date] = dict(d.free)
        meetings.update(d.pinned)
        attendance: set[tuple[str, str, dt.date]] = set()
        for p, r in zip(d.parts, results):
            assert r.plan is not None
            charges |= r.plan.charges
            attendance |= r.plan.attendance
            owned = set(p.units)
            for (u, mo), day in r.plan.meetings.items():
                if u in owned:
                    meetings[u, mo] = day
        # each part had a little time: meetings it left off their day for no reason move back (planner.polish)
        plan, polished = polish_dates(inst, Plan(frozenset(charges), meetings, frozenset(attendance)))
    objective = bound = gap = None
    terms: dict[str, int] = {}
    violations = None
    if plan is not None:
        report = verify(inst, plan)
        objective, terms, violations = report.objective, report.terms, len(report.violations)
    bound_scope = "whole" if d.exact and balance == "drop" else ("restricted" if balance == "drop" else "none")
    parts_bound = None
    if plan is not None and all(r.bound is not None for r in results) and bound_scope != "none":
        w = inst.scenario.weights
        total = sum(r.bound for r in results)  # type: ignore[misc]
        total += w.shift * sum(p.shared_shift for p in d.parts)  # pinned units: counted once below
        total -= w.shift * sum(inst.shift(u, day) for (u, _mo), day in {**d.pinned, **d.free}.items())
        # pinned charges earn their reward in the whole, not in a part
        total += sum(inst.charge_reward(m, u) for m, u in d.coupling_charges)
        parts_bound = float(total)
    whole = term_bound(inst) if plan is not None else None  # a bound on the whole scenario, whatever the parts
    bounds: dict[str, float | None] = {"term-by-term": None if whole is None else whole.bound}
    if bound_scope == "whole":
        bounds["parts"] = parts_bound
    if relaxed is not None:
        bounds["relaxed-parts"] = relaxed.bound
    known = [(b, m) for m, b in bounds.items() if b is not None]
    method = None
    if plan is not None and known:
        bound, method = min(known, key=lambda bm: bm[0])
    if bound is not None and objective is not None:
        gap = relative_gap(objective, bound)
    if plan is None:
        status = "infeasible" if "infeasible" in statuses and d.exact else "unknown"
        if "infeasible" in statuses and not d.exact:
            status = "infeasible-restricted"
    elif violations:
        status = "violations"
    elif bound is not None and objective is not None and objective >= bound - 1e-9:
        status = "optimal"
    else:
        status = "feasible"
    seconds = time.monotonic() - t0
    summary = Summary(
        status=status,
        objective=objective,
        bound=bound,
        gap=gap,
        seconds=seconds,
        scenario_sha256=inst.scenario.sha256,
        seed=settings.seed,
        terms=terms,
        extra={
            "method": "decomposed",
            # every part's search stopped on deterministic work (none on a safety net, none interrupted)
            "reproducible": settings.deterministic and not stop_requested() and all(r.reproducible for r in results),
            "scheme": d.scheme,
            "exact": d.exact,
            "bound_scope": bound_scope,
            "parts_bound": parts_bound,
            "bound_method": method,
            "bounds": bounds,
            "relaxed_bound": None if relaxed is None else relaxed.summary(),
            "polish_saved_shift": polished,
            "term_bound": None
            if whole is None
            else {
                "bound": whole.bound,
                "reward": whole.reward,
                "visits": whole.visits,
                "shift": whole.shift,
                "seconds": round(whole.seconds, 3),
            },
            "balance": balance,
            "executor": executor.name,
            "parts": len(d.parts),
            "part_statuses": {str(k): statuses.count(k) for k in sorted(set(statuses))},
            "largest_part": max((len(p.members) for p in d.parts), default=0),
            "coupling_members": len(d.coupling),
            "pinned_units": len({u for u, _ in d.pinned}),
            "split_rules": list(d.split_rules),
            "violations": violations,
            "decompose_seconds": round(d.seconds, 3),
            "phase1_seconds": round(d.phase1_seconds, 3),
            "build_seconds": round(d.seconds + sum(r.build_seconds for r in results), 3),
            "solve_seconds": round(seconds - d.seconds, 3),
            "part_seconds_max": round(max((r.seconds for r in results), default=0.0), 3),
            "parts_second_round": sum(1 for r in results if r.rounds > 1),
            "parts_third_round": sum(1 for r in results if r.rounds > 2),
            "deterministic_time": round(sum(r.det_time for r in results), 3),
            "model": {"variables": sum(r.variables for r in results)},
            "peak_mib_parts": round(max((r.peak_mib for r in results), default=0.0), 1),
            "notes": d.notes,
        },
    )
    return DecomposedResult(plan, summary, d, results)
