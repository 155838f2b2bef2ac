"""The objective's terms, each a count the contract defines, weighted and summed (maximised).

+ residence × charges where the member lives in or below the unit (rules with basis other than ``ignore``)
+ sector    × other such charges whose unit is in one of the member's sectors
− shift     × days each meeting is held away from its ``day``
− visit     × attendances
− balance   × per attendance rule with ≥ 2 members: most minus fewest attendances it counts over the window
− stability × charges and (member, unit, month) attendances that differ from the baseline plan
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from planner.calendar import month_of
from planner.model.context import ModelContext
from planner.model.variables import counted
from planner.plan import Plan
from planner.scenario import TERM_SIGNS


@dataclass
class Term:
    """A term's value: ``sum(expr) + constant`` (a count, before weight and sign)."""

    expr: list
    constant: int = 0

    def linear(self) -> cp_model.LinearExpr:
        return cp_model.LinearExpr.sum(self.expr) + self.constant


def residence_and_sector_terms(ctx: ModelContext) -> tuple[Term, Term]:
    inst, v = ctx.inst, ctx.vars
    res, sec = Term([]), Term([])
    for (m, u), lit in v.charge.items():
        if (m, u) not in inst.rewarded_pairs:
            continue
        basis = inst.basis(m, u)
        if basis == "residence":
            res.expr.append(lit)
        elif basis == "sector":
            sec.expr.append(lit)
    return res, sec


def shift_term(ctx: ModelContext) -> Term:
    inst, v = ctx.inst, ctx.vars
    term = Term([])
    for (u, _mo, d), lit in v.day.items():
        s = inst.shift(u, d)
        if s:
            term.expr.append(s * lit)
    term.constant = sum(inst.shift(u, d) for (u, _mo), d in v.fixed_day.items())
    return term


def visit_term(ctx: ModelContext) -> Term:
    """Attendances; a person with several seats makes one visit to a meeting, whichever seats it counts for."""
    inst, v = ctx.inst, ctx.vars
    if not inst.has_persons:
        ctx.memo["visits"] = list(v.attend.values())
        return Term(list(v.attend.values()))
    groups: dict[tuple[str, str, str], list] = {}
    for (m, u, mo), att in v.attend.items():
        groups.setdefault((inst.person_of(m), u, mo), []).append(att)
    expr = []
    for (p, u, mo), atts in groups.items():
        if len(atts) == 1:
            expr.append(atts[0])
        else:
            y = ctx.model.new_bool_var(f"visit[{p},{u},{mo}]")
            ctx.model.add_max_equality(y, atts)
            expr.append(y)
    ctx.memo["visits"] = expr
    return Term(expr)


def balance_term(ctx: ModelContext) -> Term:
    """For each attendance rule over two or more members: max − min of their totals over the window."""
    inst, model = ctx.inst, ctx.model
    term = Term([])
    for rule in inst.scenario.attendance:
        counts = inst.balanced_counts(rule)
        if len(counts) < 2:
            continue
        rid = inst.rule_id(rule)
        totals, ub, by_member = [], 0, {}
        for m, spec in counts.items():
            lits = [
                lit
                for u in sorted(spec.units, key=inst.unit_order.__getitem__)
                for mo in inst.months
                if (lit := counted(model, inst, ctx.vars, (m, u, mo), spec.in_charge)) is not None
            ]
            t = model.new_int_var(0, len(lits), f"total[{rid},{m}]")
            model.add(t == sum(lits))
            totals.append(t)
            by_member[m] = t
            ub = max(ub, len(lits))
        hi, lo = model.new_int_var(0, ub, f"most[{rid}]"), model.new_int_var(0, ub, f"fewest[{rid}]")
        model.add_max_equality(hi, totals)
        model.add_min_equality(lo, totals)
        term.expr += [hi, -lo]
        ctx.memo.setdefault("balance", []).append((rule, by_member, hi, lo))  # for planner.model.redundant
    return term


def stability_term(ctx: ModelContext, baseline: Plan | None) -> Term:
    """Decisions that differ from the baseline: charges, and attendances as (member, unit, month)."""
    term = Term([])
    if baseline is None:
        return term
    v = ctx.vars
    for key, lit in v.charge.items():
        term.expr.append(1 - lit if key in baseline.charges else lit)
    term.constant += sum(1 for key in baseline.charges if key not in v.charge)
    base_att = {(m, u, month_of(d)) for m, u, d in baseline.attendance}
    for akey, lit in v.attend.items():
        term.expr.append(1 - lit if akey in base_att else lit)
    term.constant += sum(1 for key in base_att if key not in v.attend)
    return term


def moved_term(ctx: ModelContext, baseline: Plan | None) -> Term:
    """Meetings held on another date than in the baseline (their attendances move with them)."""
    term = Term([])
    if baseline is None:
        return term
    v, inst = ctx.vars, ctx.inst
    for (u, mo), was in sorted(baseline.meetings.items()):
        if u not in inst.units or not inst.candidate_days.get((u, mo)):
            continue  # the unit holds no meeting that month now: nothing to keep
        if (u, mo) in v.fixed_day:
            term.constant += v.fixed_day[u, mo] != was
        elif (u, mo, was) in v.day:
            term.expr.append(1 - v.day[u, mo, was])
        else:
            term.constant += 1  # the old date is no longer possible
    return term


def build_objective(ctx: ModelContext, baseline: Plan | None = None) -> dict[str, Term]:
    """Add the weighted objective to the model; return each term so its value can be reported."""
    res, sec = residence_and_sector_terms(ctx)
    terms = {
        "residence": res,
        "sector": sec,
        "shift": shift_term(ctx),
        "visit": visit_term(ctx),
        "balance": balance_term(ctx),
        "stability": stability_term(ctx, baseline),
        "moved": moved_term(ctx, baseline),
    }
    w = ctx.inst.scenario.weights.model_dump()
    ctx.model.maximize(
        cp_model.LinearExpr.sum([TERM_SIGNS[name] * w[name] * t.linear() for name, t in terms.items() if w[name]])
    )
    return terms
