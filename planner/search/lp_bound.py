"""A bound on the objective from HiGHS: the LP relaxation of the same CP-SAT model, row for row.

Every constraint the planner's model holds is linear over 0/1 variables once written out: linear rows
(responsibility, quotas, coverage, one meeting a day, own meetings, max per month), clauses and implications
(eligibility, ``on ⇒ day``, unavailability, pins), one day per meeting, ``cover = max(charges)`` and the
balance term's most/fewest (``lin_max``), and ``counted = attend × cover`` (``int_prod``). This module turns
the model's proto into a linear program — each 0/1 variable in [0, 1], each constraint by rows every plan
satisfies — and solves it with HiGHS's simplex (deterministic: the same model, the same bound). Its optimum,
rounded down (the objective is an integer), is a bound on every plan.

It sees what CP-SAT's two interleaved workers do not (they run no LP) and what the term-by-term bound drops:
charges and the visits they force together, the coverage that quota visits already give. It is loose where
integrality binds (one meeting a day between two cells, a balance of whole visits). Nothing here changes the
model CP-SAT searches, and an unknown kind of constraint means no bound is claimed.
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
import tempfile
import time
from dataclasses import dataclass

import numpy as np
from ortools.sat import cp_model_pb2
from ortools.sat.python import cp_model

from planner.search.driver import wait

MAX_COLUMNS = 20_000  # measured: 0.7 s at 17 k variables, 5–15 s at 28 k (Tương Dương), 10–20 s at 107 k


@dataclass(frozen=True)
class LpBound:
    bound: float | None  # None: not computed (too large, HiGHS not installed, or no answer)
    method: str  # "lp", or why there is none
    seconds: float = 0.0


class _Rows:
    """Rows ``lo <= Σ a·x <= hi`` over the proto's variables, with extra columns for negated literals."""

    def __init__(self, proto) -> None:
        self.proto = proto
        self.n = len(proto.variables)
        self.lo: list[float] = []
        self.hi: list[float] = []
        self.starts: list[int] = [0]
        self.index: list[int] = []
        self.value: list[float] = []
        # each variable's bounds, read once (the proto's repeated fields take no negative index)
        doms = [list(v.domain) for v in proto.variables]
        self.lower = [float(d[0]) for d in doms]
        self.upper = [float(d[-1]) for d in doms]

    def var_bounds(self, i: int) -> tuple[float, float]:
        return self.lower[i], self.upper[i]

    def literal(self, ref: int) -> tuple[dict[int, float], float]:
        """A literal as ``(coefficients, constant)``: ``x`` or ``1 − x``."""
        if ref >= 0:
            return {ref: 1.0}, 0.0
        return {-ref - 1: -1.0}, 1.0

    def row(self, coef: dict[int, float], lo: float, hi: float) -> None:
        coef = {i: a for i, a in coef.items() if a}
        if not coef:
            return
        for i, a in sorted(coef.items()):
            self.index.append(i)
            self.value.append(a)
        self.starts.append(len(self.index))
        self.lo.append(lo)
        self.hi.append(hi)

    def expr(self, e) -> tuple[dict[int, float], float]:
        """A LinearExpressionProto as ``(coefficients, constant)``."""
        out: dict[int, float] = {}
        const = float(e.offset)
        for v, c in zip(e.vars, e.coeffs):
            if v >= 0:
                out[v] = out.get(v, 0.0) + c
            else:  # a negated reference stands for −x (expressions) in CP-SAT's protos
                out[-v - 1] = out.get(-v - 1, 0.0) - c
        return out, const

    def activity(self, coef: dict[int, float]) -> tuple[float, float]:
        lo = hi = 0.0
        lower, upper = self.lower, self.upper
        for i, a in coef.items():
            vlo, vhi = lower[i], upper[i]
            lo += min(a * vlo, a * vhi)
            hi += max(a * vlo, a * vhi)
        return lo, hi

    def implications(self, e: int, lits: list[int]) -> bool:
        """``e ⇒ l`` for each literal ``l`` of ``lits``, over 0/1 variables other than ``e``'s: the rows
        `enforced` writes for them (``lit(l) − lit(e) ≥ c_e − c_l`` with ``lit = a·x + c``), without its
        generic arithmetic — most of a model's constraints are such implications. False (nothing written) when
        a variable is not 0/1 or a literal is on ``e``'s own variable: `enforced` then does it."""
        ve = e if e >= 0 else -e - 1
        vs = [ref if ref >= 0 else -ref - 1 for ref in lits]
        lower, upper = self.lower, self.upper
        if ve in vs or any(lower[v] != 0.0 or upper[v] != 1.0 for v in (ve, *vs)):
            return False
        ae, ce = (1.0, 0.0) if e >= 0 else (-1.0, 1.0)
        for ref, v in zip(lits, vs):
            al, cl = (1.0, 0.0) if ref >= 0 else (-1.0, 1.0)
            pair = sorted(((v, al), (ve, -ae)))
            self.index += (pair[0][0], pair[1][0])
            self.value += (pair[0][1], pair[1][1])
            self.starts.append(len(self.index))
            self.lo.append(ce - cl)
            self.hi.append(math.inf)
        return True

    def enforced(self, coef: dict[int, float], lo: float, hi: float, enforcement) -> None:
        """``lo <= coef·x <= hi`` when every enforcement literal holds.

        With ``s = Σ (1 − e)`` (how many enforcement literals are false): ``coef·x + M·s >= lo`` and
        ``coef·x − M'·s <= hi``, M and M' just large enough (from the variables' bounds) that a row whose
        literals do not all hold asks nothing."""
        if not enforcement:
            self.row(coef, lo, hi)
            return
        amin, amax = self.activity(coef)
        lits = [self.literal(ref) for ref in enforcement]
        free = sum(1.0 - c for _, c in lits)  # Σ (1 − c_j): s = free − Σ lit·x
        if not math.isinf(lo) and lo > amin:
            big = lo - amin
            row = dict(coef)
            for lit, _c in lits:
                for i, a in lit.items():
                    row[i] = row.get(i, 0.0) - big * a
            self.row(row, lo - big * free, math.inf)
        if not math.isinf(hi) and hi < amax:
            big = amax - hi
            row = dict(coef)
            for lit, _c in lits:
                for i, a in lit.items():
                    row[i] = row.get(i, 0.0) + big * a
            self.row(row, -math.inf, hi + big * free)


_KINDS = ("linear", "bool_or", "bool_and", "exactly_one", "at_most_one", "lin_max", "int_prod")


def readable(proto) -> cp_model_pb2.CpModelProto:
    """The model's proto as a protobuf message, whose fields Python reads about four times as fast as through
    the solver's own proxy (a commune's model: 0.13 s against 0.56 s), by way of its binary form."""
    if isinstance(proto, cp_model_pb2.CpModelProto):
        return proto
    model = cp_model.CpModel()
    model.proto.copy_from(proto)
    with tempfile.TemporaryDirectory(prefix="planner-lp-") as tmp:
        path = os.path.join(tmp, "model.pb")
        model.export_to_file(path)  # binary (not ``.txt``)
        with open(path, "rb") as f:
            return cp_model_pb2.CpModelProto.FromString(f.read())


def linear_program(proto) -> tuple[_Rows, np.ndarray, float] | None:
    """The program's rows, objective (to maximise) and its constant; None if the proto holds a constraint
    this reading does not know (then no bound is claimed)."""
    proto = readable(proto)
    r = _Rows(proto)
    for ct in proto.constraints:
        kind = ct.WhichOneof("constraint")
        if kind not in _KINDS:
            return None  # a constraint kind the planner's model does not make: claim nothing
        enf = list(ct.enforcement_literal)
        if kind == "linear":
            coef: dict[int, float] = {}
            for v, c in zip(ct.linear.vars, ct.linear.coeffs):
                coef[v] = coef.get(v, 0.0) + c
            dom = list(ct.linear.domain)
            lo = -math.inf if dom[0] <= cp_model.INT_MIN else float(dom[0])
            hi = math.inf if dom[-1] >= cp_model.INT_MAX else float(dom[-1])
            r.enforced(coef, lo, hi, enf)
        elif kind in ("bool_or", "bool_and", "exactly_one", "at_most_one"):
            lits = list(getattr(ct, kind).literals)
            if kind == "bool_and":  # each literal true when enforced
                if len(enf) == 1 and r.implications(enf[0], lits):
                    continue
                for ref in lits:
                    coef, c = r.literal(ref)
                    r.enforced(coef, 1.0 - c, math.inf, enf)
                continue
            coef = {}
            const = 0.0
            for ref in lits:
                lit, c = r.literal(ref)
                for i, a in lit.items():
                    coef[i] = coef.get(i, 0.0) + a
                const += c
            lo = 1.0 if kind in ("bool_or", "exactly_one") else -math.inf
            hi = 1.0 if kind in ("exactly_one", "at_most_one") else math.inf
            if kind == "bool_or" and not lits:
                lo = 1.0  # an empty clause: false when enforced
                if not enf:
                    return None  # the model is infeasible: no bound to claim
            r.enforced(coef, lo - const, hi - const, enf)
        elif kind == "lin_max":
            if enf:
                return None
            tgt, tc = r.expr(ct.lin_max.target)
            exprs = [r.expr(e) for e in ct.lin_max.exprs]
            for coef, c in exprs:  # target ≥ each expression
                row = dict(tgt)
                for i, a in coef.items():
                    row[i] = row.get(i, 0.0) - a
                r.row(row, c - tc, math.inf)
            if all(r.activity(coef)[0] + c >= 0 for coef, c in exprs):  # max of nonnegatives ≤ their sum
                row = dict(tgt)
                total = 0.0
                for coef, c in exprs:
                    total += c
                    for i, a in coef.items():
                        row[i] = row.get(i, 0.0) - a
                r.row(row, -math.inf, total - tc)
        elif kind == "int_prod":
            if enf:
                return None
            tgt, tc = r.expr(ct.int_prod.target)
            factors = [r.expr(e) for e in ct.int_prod.exprs]
            if tc or any(c or len(f) != 1 or any(a != 1 for a in f.values()) for f, c in factors):
                return None
            if len(tgt) != 1 or any(a != 1 for a in tgt.values()):
                return None
            t = next(iter(tgt))
            names = [next(iter(f)) for f, _ in factors]
            if any(r.var_bounds(i) != (0.0, 1.0) for i in [t, *names]):
                return None
            for i in names:  # t = Π x over 0/1: t ≤ x, t ≥ Σ x − (n − 1)
                r.row({t: 1.0, i: -1.0}, -math.inf, 0.0)
            row = {t: 1.0}
            for i in names:
                row[i] = row.get(i, 0.0) - 1.0
            r.row(row, 1.0 - len(names), math.inf)
    obj = np.zeros(r.n)
    for v, c in zip(proto.objective.vars, proto.objective.coeffs):
        if v >= 0:
            obj[v] += c
        else:
            obj[-v - 1] -= c
    scale = proto.objective.scaling_factor or 1.0
    # CP-SAT minimises scale·(Σ c·x + offset); a maximisation has scale −1: the value is scale·(…)
    return r, obj * scale, float(proto.objective.offset) * scale


@contextlib.contextmanager
def _quiet_stdout():
    """File descriptor 1 sent to /dev/null for a moment (C++ writes there, beside Python's sys.stdout)."""
    sys.stdout.flush()
    saved = os.dup(1)
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(null)


def highs_instance(r: _Rows, obj: np.ndarray, integer: bool = False):
    """A HiGHS instance holding the program (maximise ``obj`` over the rows), quiet, one thread, seed 0."""
    import highspy

    with _quiet_stdout():  # HiGHS's C++ constructor prints its banner before any option can be set
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.setOptionValue("random_seed", 0)
    if not integer:
        h.setOptionValue("solver", "simplex")
    inf = highspy.kHighsInf
    lower = np.array(r.lower)
    upper = np.array(r.upper)
    h.addVars(r.n, lower, upper)
    h.changeColsCost(r.n, np.arange(r.n, dtype=np.int32), -obj)  # HiGHS minimises
    if integer:
        h.changeColsIntegrality(r.n, np.arange(r.n, dtype=np.int32), np.array([highspy.HighsVarType.kInteger] * r.n))
    rows = len(r.lo)
    if rows:
        h.addRows(
            rows,
            np.array([lo if not math.isinf(lo) else -inf for lo in r.lo]),
            np.array([hi if not math.isinf(hi) else inf for hi in r.hi]),
            len(r.index),
            np.array(r.starts[:-1], dtype=np.int32),
            np.array(r.index, dtype=np.int32),
            np.array(r.value),
        )
    return h


def lp_bound(model: cp_model.CpModel, max_columns: int | None = None, presolve: bool = True) -> LpBound:
    """A proven upper bound on the model's (maximised) objective: its LP relaxation's optimum, rounded down;
    none for a model of more than ``max_columns`` variables (by default `MAX_COLUMNS`). Without HiGHS's
    ``presolve`` the same optimum comes sooner on a commune's LP (12 relaxed parts of a province: 2.8 s
    against 4.5 s), at a vertex with more fractional values (which only `planner.search.rounding` minds)."""
    return lp_solution(model, max_columns, presolve)[0]


def lp_solution(
    model: cp_model.CpModel, max_columns: int | None = None, presolve: bool = True
) -> tuple[LpBound, np.ndarray | None]:
    """`lp_bound`, and the LP's optimal vertex (a value in [lo, hi] for each of the model's variables, in the
    proto's order; None when there is no bound)."""
    t0 = time.monotonic()
    proto = model.proto
    if len(proto.variables) > (MAX_COLUMNS if max_columns is None else max_columns):
        return LpBound(None, "too large"), None
    try:
        import highspy
    except ImportError:
        return LpBound(None, "highspy not installed"), None
    built = linear_program(proto)
    if built is None:
        return LpBound(None, "not linear"), None
    r, obj, offset = built
    h = highs_instance(r, obj)
    if not presolve:
        h.setOptionValue("presolve", "off")
    h.HandleUserInterrupt = True  # cancelSolve() is heard at HiGHS's next callback
    if wait(h.run, None) is None:  # a stop (Ctrl-C) returns at once: HiGHS is told to stop, its answer unused
        h.cancelSolve()
        return LpBound(None, "stopped", time.monotonic() - t0), None
    status = h.getModelStatus()
    if status != highspy.HighsModelStatus.kOptimal:
        return LpBound(None, f"lp {h.modelStatusToString(status)}", time.monotonic() - t0), None
    value = -h.getInfo().objective_function_value + offset
    x = np.array(h.getSolution().col_value)
    return LpBound(float(math.floor(value + 1e-6)), "lp", time.monotonic() - t0), x


@dataclass(frozen=True)
class MipResult:
    status: str  # HiGHS's model status ("Optimal", "Time limit reached", …)
    objective: float | None  # its best plan's objective (None: none found)
    bound: float | None  # its proven bound
    seconds: float


def mip_optimum(model: cp_model.CpModel, seconds: float) -> MipResult | None:
    """The same model as a MIP solved by HiGHS (one thread) within ``seconds`` of *wall* time: an independent
    check of the optimum for the benchmark (`bench/run.py --mip`), never used to plan (a wall-clock limit is not
    reproducible). None if the model holds a constraint this reading does not know, or HiGHS is missing."""
    try:
        import highspy  # noqa: F401 - only whether it is installed
    except ImportError:
        return None
    t0 = time.monotonic()
    built = linear_program(model.proto)
    if built is None:
        return None
    r, obj, offset = built
    h = highs_instance(r, obj, integer=True)
    h.setOptionValue("time_limit", float(seconds))
    h.setOptionValue("mip_rel_gap", 0.0)
    h.run()
    objective, bound = mip_answer(h, offset)
    return MipResult(
        h.modelStatusToString(h.getModelStatus()),
        None if objective is None else round(objective, 6),
        bound,
        time.monotonic() - t0,
    )


def mip_answer(h, offset: float) -> tuple[float | None, float | None]:
    """A solved HiGHS MIP's best plan's objective (None: no plan) and its proven bound, rounded down (the
    objective is an integer; None: no bound), on the model's (maximised) scale."""
    import highspy

    info = h.getInfo()
    found = info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible
    objective = -info.objective_function_value + offset if found else None
    dual = -info.mip_dual_bound + offset
    bound = None if math.isinf(dual) or math.isnan(dual) else float(math.floor(dual + 1e-6))
    return objective, bound
