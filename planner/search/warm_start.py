"""A first plan to start the search from: charges first, then dates and attendance with those charges fixed.

The full model couples a year of attendances to each charge, so CP-SAT's local search rarely moves a charge
on its own. This heuristic decides the charges in a small model (responsibility rules, the residence/sector
reward, a visit cost per charge, and the necessary condition that every quota and coverage "in charge" rule
has someone in charge to count), then completes the plan in the full model with those charges fixed. The
result is only a *hint*: the full model still decides, and its bound and status are what is reported.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from planner.calendar import PERIOD_MONTHS
from planner.instance import Instance
from planner.model import build_model
from planner.model.rules import add_responsibility
from planner.model.variables import Variables, create_charge_variables
from planner.search.driver import SearchParams, run


def _charges_covering(inst: Instance, v: Variables, mid: str, units) -> list:
    """Charge literals of ``mid`` that would put it in charge of at least one of ``units``."""
    out = []
    for (m, a), lit in v.charge.items():
        if m == mid and any(a in inst.ancestors[u] for u in units):
            out.append(lit)
    return out


def _charge_variables(model: cp_model.CpModel, inst: Instance) -> Variables:
    v = Variables()
    create_charge_variables(model, inst, v)
    return v


def charge_model(inst: Instance) -> tuple[cp_model.CpModel, Variables]:
    """The charges alone: the responsibility rules, pinned charges, someone in charge wherever a quota or a
    coverage rule counts only those in charge, and the rewards less a visit cost per charge (balance on
    charges)."""
    built = build_model(inst, objective=False, variables=_charge_variables, rules=(add_responsibility,))
    model, v = built.model, built.vars
    for (m, u), on in inst.fixed_charges.items():
        if on and (m, u) in v.charge:
            model.add(v.charge[m, u] == 1)
    s = inst.scenario
    meeting = set(inst.meeting_units)
    for rule in s.attendance:
        specs = [(rule.at_least, inst.attendance_counts(rule))]
        specs += [
            (inc.at_least, {m: spec for m in inst.select_members(rule.members)})
            for inc, spec in zip(rule.including, inst.including_counts(rule))
        ]
        for at_least, by_member in specs:
            for m, spec in by_member.items():
                if at_least > 0 and spec.in_charge:
                    lits = _charges_covering(inst, v, m, spec.units & meeting)
                    if lits:  # none: the full model alone can tell whether a pin makes up for it
                        model.add_bool_or(lits)
    for cov in s.coverage:
        units, by, in_charge = inst.coverage_spec(cov)
        if cov.at_least > 0 and in_charge:
            for u in units:
                lits = [lit for (m, a), lit in v.charge.items() if m in by and a in inst.ancestors[u]]
                if lits:
                    model.add_bool_or(lits)
    w = s.weights
    reward = []
    for (m, u), lit in v.charge.items():
        reward.append((inst.charge_reward(m, u) - w.visit * len(inst.months)) * lit)
    # the balance term, on charges: a member with twice the charges makes twice the visits
    for i, rule in enumerate(s.attendance):
        counts = inst.balanced_counts(rule)
        if len(counts) < 2 or not w.balance:
            continue
        totals = []
        for m, spec in counts.items():
            lits = _charges_covering(inst, v, m, spec.units & meeting) if spec.in_charge else []
            t = model.new_int_var(0, len(lits), f"charges[{i},{m}]")
            model.add(t == sum(lits))
            totals.append(t)
        ub = max(len(v.charge), 1)
        hi, lo = model.new_int_var(0, ub, f"most[{i}]"), model.new_int_var(0, ub, f"fewest[{i}]")
        model.add_max_equality(hi, totals)
        model.add_min_equality(lo, totals)
        reward.append(-w.balance * len(inst.months) * (hi - lo))
    model.maximize(cp_model.LinearExpr.sum(reward))
    return model, v


class ChargeProposals:
    """Successive charge sets for a first plan: the best of the small model, then, each time the caller
    rejects one (it could not be completed), the best that differs from every rejected set."""

    def __init__(self, inst: Instance, params: SearchParams):
        self.model, self.vars = charge_model(inst)
        self.params = params
        self.spent = 0.0  # deterministic time of the last proposal

    def next(self) -> set[tuple[str, str]] | None:
        done = run(self.model, self.params)
        self.spent = done.deterministic_time
        if not done.found:
            return None
        chosen = {key for key, lit in self.vars.charge.items() if done.solver.boolean_value(lit)}
        # no-good: the next proposal differs in at least one charge
        self.model.add_bool_or([~lit if key in chosen else lit for key, lit in self.vars.charge.items()])
        return chosen


WINDOW_MONTHS = 3


def representative_window(inst: Instance) -> Instance | None:
    """The same scenario over its first months (at least a quarter, and at least the longest quota period),
    or None when that is the whole planning window. Its optimal charges are a good guess for the year: the
    charge/attendance trade-offs of a year repeat every period."""
    import datetime as dt

    from planner.calendar import month_days
    from planner.scenario import FixedAttendance, FixedDate, Period

    s = inst.scenario
    longest = max([PERIOD_MONTHS[r.per] for r in (*s.attendance, *s.coverage)], default=1)
    n = max(WINDOW_MONTHS, longest)
    if n >= len(inst.months):
        return None
    months = inst.months[:n]
    fixed = tuple(f for f in s.fixed if not isinstance(f, (FixedAttendance, FixedDate)) or f.month in months)
    period = Period(start=dt.date.fromisoformat(months[0] + "-01"), end=month_days(months[-1])[-1])
    return Instance(s.model_copy(update={"year": None, "period": period, "fixed": fixed}))
