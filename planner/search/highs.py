"""A first plan and a bound from HiGHS: the same CP-SAT model as a MIP, solved at its root node.

CP-SAT on two cores searches these models well but is slow to find the charges that let a year of visits
balance or let meetings keep their day (Tương Dương, Yên Bái). HiGHS's branch-and-cut sees them from the LP:
its root node — the LP, its cuts and the heuristics that work from the LP's answer (RENS, RINS) — finds the
optimum of every example. So a solve of a model small enough (`MAX_COLUMNS`) starts here, and the plan found
becomes CP-SAT's hint (a complete one: every variable of the model has its column) and HiGHS's dual bound one
of the bounds reported. CP-SAT still decides: it searches from the hint, and the plan written is always
CP-SAT's, so verify, the objective's terms and the status are computed as for any other plan.

Reproducible: one thread, a fixed seed, the root node only (``mip_max_nodes = 1``) and no restart (which can
run for minutes without a pause), so the same model gives the same answer. No wall-clock limit decides the
outcome: the one limit, `SAFETY_SECONDS`, is a safety net far above what the root takes (at most 50 s on the
examples), and a run it ends is marked not reproducible.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

from ortools.sat.python import cp_model, cp_model_helper

from planner.search.driver import stop_requested, wait
from planner.search.lp_bound import highs_instance, linear_program, mip_answer, readable

# measured: Yên Bái's 107 k columns in 21 s; a generated district has 1.8 M (decomposed). The environment
# variable PLANNER_HIGHS_MAX_COLUMNS sets another limit (0: never; the test suite's subprocesses use it).
MAX_COLUMNS = int(os.environ.get("PLANNER_HIGHS_MAX_COLUMNS", "150000") or 0)
SAFETY_SECONDS = 1800.0  # never reached on the benchmark (its root nodes take 0.2–50 s)


@dataclass(frozen=True)
class HighsRun:
    """What HiGHS's root node gave: its status, a solution (one value per model variable, rounded) and its
    objective, its proven bound (rounded down: the objective is an integer), and whether the safety net ended
    it (then the outcome depends on the machine's speed)."""

    status: str
    values: tuple[int, ...] | None
    objective: int | None
    bound: float | None
    seconds: float
    timed_out: bool = False

    def summary(self) -> dict[str, object]:
        return {
            "status": self.status,
            "objective": self.objective,
            "bound": self.bound,
        }


def highs_root(model: cp_model.CpModel, seed: int = 0) -> HighsRun | None:
    """HiGHS's root node on ``model`` (maximised). None when it does not apply: the model is larger than
    `MAX_COLUMNS`, holds a constraint the linear reading does not know, HiGHS is not installed, or a stop was
    requested (Ctrl-C: the run is abandoned at once, HiGHS told to stop)."""
    proto = model.proto
    if len(proto.variables) > MAX_COLUMNS or stop_requested():
        return None
    try:
        import highspy
    except ImportError:
        return None
    t0 = time.monotonic()
    built = linear_program(proto)
    if built is None:
        return None
    rows, obj, offset = built
    h = highs_instance(rows, obj, integer=True)
    h.setOptionValue("random_seed", int(seed) % 2_147_483_647)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_max_nodes", 1)
    h.setOptionValue("mip_allow_restart", False)
    h.setOptionValue("time_limit", SAFETY_SECONDS)
    h.HandleUserInterrupt = True  # cancelSolve() is heard at HiGHS's next callback
    done = wait(h.run, None)  # a stop returns at once and leaves HiGHS running; it is told to stop below
    if done is None:
        h.cancelSolve()
        return None
    status = h.modelStatusToString(h.getModelStatus())
    timed_out = h.getModelStatus() == highspy.HighsModelStatus.kTimeLimit
    found, bound = mip_answer(h, offset)
    values = None if found is None else tuple(int(round(x)) for x in h.getSolution().col_value)
    objective = None if found is None else int(round(found))
    return HighsRun(status, values, objective, bound, time.monotonic() - t0, timed_out)


def _value(expr, values: list[int]) -> int:
    """A LinearExpressionProto's value (a negative reference stands for −x)."""
    total = int(expr.offset)
    for v, c in zip(expr.vars, expr.coeffs):
        total += c * values[v] if v >= 0 else -c * values[-v - 1]
    return total


def exact_maxima(proto, values: tuple[int, ...]) -> list[int]:
    """The values with each ``lin_max`` target set to the maximum it stands for.

    The linear reading of ``t = max(e…)`` keeps ``t ≥ each e`` and, over 0/1 and nonnegative terms,
    ``t ≤ Σ e``: exact for 0/1 maxima (charges covering a cell, a person's one visit), but a balance term's
    "most" may sit above the true maximum (and "fewest" below the minimum) in a plan HiGHS found on the way.
    Such a plan is no worse once they are exact, and CP-SAT takes a hint only if every constraint holds."""
    out = list(values)
    for ct in readable(proto).constraints:
        if ct.WhichOneof("constraint") != "lin_max" or len(ct.lin_max.target.vars) != 1:
            continue
        target = ct.lin_max.target
        v, c = target.vars[0], target.coeffs[0]
        if v < 0:
            v, c = -v - 1, -c
        want = max(_value(e, out) for e in ct.lin_max.exprs)
        if (want - target.offset) % c == 0:
            out[v] = (want - target.offset) // c
    return out


def hint_all(model: cp_model.CpModel, values: list[int]) -> None:
    """Replace the model's hint by a value for every variable (HiGHS's plan, column for column)."""
    model.clear_hints()
    hint = model.proto.solution_hint  # in one go: what add_hint appends, variable by variable
    hint.vars.extend(range(len(values)))
    hint.values.extend(int(v) for v in values)


def holds(proto, values: list[int]) -> bool:
    """Every constraint and domain of the model holds for ``values`` (checked before HiGHS's plan is used)."""

    def lit(ref: int) -> int:
        return values[ref] if ref >= 0 else 1 - values[-ref - 1]

    proto = readable(proto)
    for i, var in enumerate(proto.variables):
        dom = list(var.domain)
        if not any(dom[j] <= values[i] <= dom[j + 1] for j in range(0, len(dom), 2)):
            return False
    for ct in proto.constraints:
        if any(lit(e) == 0 for e in ct.enforcement_literal):
            continue
        kind = ct.WhichOneof("constraint")
        if kind == "linear":
            total = sum(c * values[v] for v, c in zip(ct.linear.vars, ct.linear.coeffs))
            dom = list(ct.linear.domain)
            ok = any(dom[j] <= total <= dom[j + 1] for j in range(0, len(dom), 2))
        elif kind == "bool_or":
            ok = any(lit(x) for x in ct.bool_or.literals)
        elif kind == "bool_and":
            ok = all(lit(x) for x in ct.bool_and.literals)
        elif kind == "exactly_one":
            ok = sum(lit(x) for x in ct.exactly_one.literals) == 1
        elif kind == "at_most_one":
            ok = sum(lit(x) for x in ct.at_most_one.literals) <= 1
        elif kind == "lin_max":
            ok = _value(ct.lin_max.target, values) == max(_value(e, values) for e in ct.lin_max.exprs)
        elif kind == "int_prod":
            product = 1
            for e in ct.int_prod.exprs:
                product *= _value(e, values)
            ok = _value(ct.int_prod.target, values) == product
        else:
            return False  # a kind the linear reading does not make: not checked, not used
        if not ok:
            return False
    return True


class Assignment:
    """A full assignment of a model's variables read like a solved ``CpSolver`` (``value``,
    ``boolean_value``), so that HiGHS's plan is extracted and counted by the same code as CP-SAT's."""

    def __init__(self, values: list[int]):
        self.values = values

    def value(self, expr) -> int:
        flat = cp_model_helper.FlatIntExpr(expr)
        return int(flat.offset) + sum(c * self.values[v.index] for v, c in zip(flat.vars, flat.coeffs))

    def boolean_value(self, lit) -> bool:
        i = lit.index
        return bool(self.values[i]) if i >= 0 else not self.values[-i - 1]


def plan_values(model: cp_model.CpModel, run: HighsRun | None) -> Assignment | None:
    """HiGHS's plan as an assignment of ``model``, if it found one and every constraint holds for it."""
    if run is None or run.values is None:
        return None
    proto = readable(model.proto)
    values = exact_maxima(proto, run.values)
    return Assignment(values) if holds(proto, values) else None
