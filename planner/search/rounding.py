"""A first plan from the LP relaxation: every 0/1 variable the LP sets to 0 or 1 fixed there, the rest left to
CP-SAT (the heuristic known as RENS, relaxation enforced neighbourhood search); when that leaves no plan,
only the variables the LP sets to 1 are fixed.

On a commune's model the LP relaxation (`planner.search.lp_bound`, HiGHS's simplex) is nearly integral: on a
generated province's commune parts, some 400–500 of 12,000–18,000 columns are fractional. With the others
fixed, CP-SAT's presolve all but solves what is left, in a fraction of a second, and the plan is within a few
points of the LP's own bound (five parts: 0 to 7 points). HiGHS's root node finds about the same plans but
takes 5–20 s on such a part, CP-SAT alone from the drafter's plan 6 deterministic seconds or more; this takes
the LP's time (0.4–1.3 s) and little more. The LP's optimum is a valid bound on the model either way.

Deterministic: HiGHS's simplex on one thread, seed 0, gives the same vertex for the same model; CP-SAT's limit
is deterministic time. The fixed model only narrows domains, so its plan satisfies the model. Fixing every integral
variable can exclude every completion (one part in eight of those tried); fixing only the ones has then always
left a plan, as good (0.05–0.4 s). When neither has a plan within the limit, there is no plan to start from.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

from planner.search.driver import SearchParams, run, stop_requested
from planner.search.lp_bound import lp_solution

TOLERANCE = 1e-6  # an LP value this near 0 or 1 counts as integral


@dataclass(frozen=True)
class Rounding:
    """What the rounding gave: the LP's bound (rounded down), a plan's values (one per model variable) and
    its objective if the fixed model had one, how many variables were fixed and left free, the time."""

    bound: float | None
    values: list[int] | None
    objective: int | None
    fixed: int
    free: int
    seconds: float
    deterministic_time: float

    def summary(self) -> dict[str, object]:
        return {"bound": self.bound, "objective": self.objective, "fixed": self.fixed, "free": self.free}


def _objective(model: cp_model.CpModel, values: list[int]) -> int:
    """The model's objective at ``values``, from its proto (CP-SAT minimises ``scale · (Σ c·x + offset)``)."""
    o = model.proto.objective
    total = sum(c * (values[v] if v >= 0 else -values[-v - 1]) for v, c in zip(o.vars, o.coeffs))
    return int(round((total + o.offset) * (o.scaling_factor or 1.0)))


def lp_rounding(model: cp_model.CpModel, params: SearchParams, max_columns: int | None = None) -> Rounding:
    """Solve the LP of ``model``, fix its integral 0/1 variables in a copy, search the copy under ``params``."""
    t0 = time.monotonic()
    lp, x = lp_solution(model, max_columns)
    if x is None or stop_requested():
        return Rounding(lp.bound, None, None, 0, 0, time.monotonic() - t0, 0.0)
    values = objective = None
    fixed = 0
    spent = 0.0
    for keep in ((0, 1), (1,)):  # every integral 0/1 variable fixed; if that leaves no plan, only those at 1
        copy = model.clone()
        # no hint in the copy: a hint (a baseline's, a part's earlier plan) against the fixed domains made
        # CP-SAT 9.15 abort ("Check failed: heuristics.fixed_search != nullptr") on a generated district's part
        copy.clear_hints()
        variables = copy.proto.variables
        fixed = 0
        for j, value in enumerate(x):
            dom = variables[j].domain
            if len(dom) == 2 and dom[0] == 0 and dom[1] == 1:
                near = round(value)
                if near in keep and abs(value - near) <= TOLERANCE:
                    dom[0] = dom[1] = int(near)
                    fixed += 1
        done = run(copy, params)
        spent += done.solver.deterministic_time
        if done.found:
            values = [int(v) for v in done.solver.response_proto.solution]
            objective = _objective(model, values)
            break
        if stop_requested():
            break
    return Rounding(
        lp.bound,
        values,
        objective,
        fixed,
        len(x) - fixed,
        time.monotonic() - t0,
        spent,
    )
