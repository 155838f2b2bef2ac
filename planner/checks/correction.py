"""The least change that makes a scenario hold (a minimum correction), and, for a quota rule, the largest value
every member can meet and who falls short at the value asked.

**Relaxable fields** (`fields`): every bound of every rule — attendance and coverage ``at_least`` (only down)
and ``at_most`` (only up), each ``including`` item's ``at_least``, responsibility ``per_unit``/``per_member``
``min`` (down) and ``max`` (up) — the limits ``meetings_per_day`` (up) and each member's ``max_per_month``
(up), each pin (``fixed``: dropped or kept) and ``own_meetings_busy`` (dropped or kept). A field's change is
how far it moves (2 → 1 is 1; a pin dropped is 1), times its weight (``weights``, by rule id or limit name;
1 unless given).

**The model** (`correct`): the same rule functions as every model (`planner.model.build_model`), through a
context whose ``add_linear`` puts each field's value, a variable, where the rule's number was (partial
periods prorated as the rules do, rounded up), and a guard that keeps a pin or ``own_meetings_busy`` only
while its keep literal holds; the total weighted change is minimised. ``own_meetings_busy`` is added in its
form without the day's number (on a day the member's own unit meets, no other meeting), which is the same
rule as long as the day limit holds and stays right when ``meetings_per_day`` grows. Proven optimal: no
smaller total change makes the scenario hold (``flex``, the meeting windows, are not relaxed: they shape the
variables themselves).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from planner.calendar import month_of
from planner.checks.diagnose import Budget, CheckSettings, decide
from planner.instance import Instance
from planner.model import RULE_FAMILIES, build_model
from planner.model.context import ModelContext, RuleKey
from planner.model.rules import _events_by_day, add_own_meetings_busy
from planner.scenario import Scenario
from planner.search.driver import SearchParams, run
from planner.status import Status

UP_ROOM = 60  # how far an upper bound may grow in the model (far beyond any count it bounds)
FLEX_ROOM = 3  # how many days a meeting's flex may widen on each side


@dataclass(frozen=True)
class Field:
    """One relaxable number (or switch) of the scenario."""

    path: tuple[str, ...]  # ("attendance", rule, "at_least"), ("limits", "meetings_per_day"), ("fixed", "3") …
    current: int
    direction: str  # "down", "up" or "drop"
    weight: int = 1
    lowest: int = 0
    highest: int = 0

    @property
    def rule(self) -> str:
        return self.path[1] if self.path[0] not in ("limits",) else self.path[1]

    @property
    def name(self) -> str:
        if self.path[0] == "limits":
            return self.path[1]
        if self.path[0] == "member":
            return f"max_per_month[{self.path[1]}]"
        if self.path[0] == "fixed":
            return f"fixed[{self.path[1]}]"
        if self.path[0] == "unit":
            return f"{self.path[1]}.meeting.{self.path[2]}"
        if self.path[0] == "apart":
            return f"{self.path[1]}.apart_from[{self.path[2]}]"
        if self.path[0] == "team":
            return f"teams[{self.path[1]}].{self.path[2]}"
        return f"{self.path[1]}.{self.path[2]}"


@dataclass(frozen=True)
class Change:
    field: Field
    value: int

    @property
    def amount(self) -> int:
        return abs(self.value - self.field.current)

    @property
    def cost(self) -> int:
        return self.amount * self.field.weight


@dataclass
class Correction:
    status: Status  # optimal (proven least), feasible (a correction, maybe not the least), infeasible, unknown
    changes: list[Change] = field(default_factory=list)
    total: int | None = None  # the weighted total change
    bound: int | None = None  # no correction costs less
    scenario: Scenario | None = None  # the scenario with the changes applied
    holds: Status = Status.UNKNOWN  # the corrected scenario, checked anew: feasible (it holds) or not decided
    plan: Any = None  # the plan that proves it holds (no objective: a proof, not the plan `solve` would write)
    tried: dict = field(default_factory=dict)  # (field path, value) → status of the single steps tried alone

    @property
    def quotas_only(self) -> bool:
        """Only quota minimums were lowered: ``plan`` then breaks no other rule of the scenario as it is."""
        return bool(self.changes) and all(
            c.field.path[0] in ("attendance", "coverage") and c.field.path[2].endswith("at_least") for c in self.changes
        )


@dataclass
class QuotaLimit:
    """For an attendance rule in the conflict: the value asked, the largest that every member can meet with
    everything else unchanged, and who falls short at the value asked (least total shortfall)."""

    rule: str
    field: str  # "at_least" or "including[i].at_least"
    asked: int
    largest: int | None
    decided: bool
    short: list[tuple[str, str, int, int]] = field(default_factory=list)  # (member, period, needed, missing)
    shortfall_known: bool = True  # the least shortfall was found (``short`` is then who falls short)
    with_other_changes: bool = False  # ``largest`` holds once the least change's other changes are made
    shortfall_proven: bool = True  # ``short`` is the least shortfall (proven), not only the best found


# ---------------------------------------------------------------------------------------------- fields
def _w(weights: dict[str, int] | None, name: str) -> int:
    return max(1, int((weights or {}).get(name, 1)))


def fields(inst: Instance, weights: dict[str, int] | None = None, flex: bool = True) -> list[Field]:
    s, out = inst.scenario, []
    for r in s.attendance:
        rid = inst.rule_id(r)
        if r.at_least > 0:
            out.append(Field(("attendance", rid, "at_least"), r.at_least, "down", _w(weights, rid)))
        if r.at_most is not None:
            out.append(
                Field(("attendance", rid, "at_most"), r.at_most, "up", _w(weights, rid), r.at_most, r.at_most + UP_ROOM)
            )
        for j, inc in enumerate(r.including, start=1):
            if inc.at_least > 0:
                out.append(
                    Field(("attendance", rid, f"including[{j}].at_least"), inc.at_least, "down", _w(weights, rid))
                )
    for r in s.coverage:
        rid = inst.rule_id(r)
        if r.at_least > 0:
            out.append(Field(("coverage", rid, "at_least"), r.at_least, "down", _w(weights, rid)))
        if r.at_most is not None:
            out.append(
                Field(("coverage", rid, "at_most"), r.at_most, "up", _w(weights, rid), r.at_most, r.at_most + UP_ROOM)
            )
    for r in s.responsibility:
        rid = inst.rule_id(r)
        for side, mn in (("per_unit", r.unit_min), ("per_member", r.member_min)):
            if mn > 0:
                out.append(Field(("responsibility", rid, f"{side}.min"), mn, "down", _w(weights, rid)))
            mx = getattr(r, side).max
            if mx is not None:
                out.append(Field(("responsibility", rid, f"{side}.max"), mx, "up", _w(weights, rid), mx, mx + UP_ROOM))
    k = s.limits.meetings_per_day
    out.append(Field(("limits", "meetings_per_day"), k, "up", _w(weights, "meetings_per_day"), k, max(k, 10)))
    if s.limits.own_meetings_busy:
        out.append(Field(("limits", "own_meetings_busy"), 1, "drop", _w(weights, "own_meetings_busy"), 0, 1))
    for m in s.members:
        if m.max_per_month is not None:
            mx = m.max_per_month
            out.append(
                Field(("member", m.id, "max_per_month"), mx, "up", _w(weights, "max_per_month"), mx, max(mx, 31))
            )
    for i, item in enumerate(s.fixed):
        if getattr(item, "charge", None) is True or getattr(item, "attend", None) is True:
            out.append(Field(("fixed", str(i)), 1, "drop", _w(weights, "fixed"), 0, 1))
    for t in s.teams:
        wt = _w(weights, t.id)
        if (t.per_team.min or 0) > 0:
            out.append(Field(("team", t.id, "per_team.min"), t.per_team.min, "down", wt))
        if t.per_team.max is not None:
            mx = t.per_team.max
            out.append(Field(("team", t.id, "per_team.max"), mx, "up", wt, mx, mx + UP_ROOM))
    for ua, ub in inst.apart_pairs:
        out.append(Field(("apart", ua, ub), 1, "drop", _w(weights, "apart_from"), 0, 1))
    if flex:
        for u in s.units:
            if u.meeting is None:
                continue
            b, a = u.meeting.flex
            wf = _w(weights, "flex")
            if u.meeting.flex_when != "always":  # blocked/next → always: it may move within its flex in any month
                out.append(Field(("unit", u.id, "flex_when"), 0, "up", wf, 0, 1))
            out.append(Field(("unit", u.id, "flex.before"), b, "up", wf, b, min(30, b + FLEX_ROOM)))
            out.append(Field(("unit", u.id, "flex.after"), a, "up", wf, a, min(30, a + FLEX_ROOM)))
    return [f if f.direction != "down" else Field(f.path, f.current, "down", f.weight, 0, f.current) for f in out]


# ---------------------------------------------------------------------------------------------- the model
class _Relax:
    def __init__(self, inst: Instance, model: cp_model.CpModel, flds: list[Field]):
        self.inst, self.model = inst, model
        self.by_path = {f.path: f for f in flds}
        self.x: dict[tuple, cp_model.IntVar] = {}
        self.scaled_cache: dict[tuple, Any] = {}
        self.pins: dict[tuple[str, str, str], tuple[str, ...]] = {}
        for i, item in enumerate(inst.scenario.fixed):
            if getattr(item, "attend", None) is True:
                self.pins[(item.member, item.month, item.unit)] = ("fixed", str(i))
            elif getattr(item, "charge", None) is True:
                self.pins[(item.member, "", item.unit)] = ("fixed", str(i))

    def var(self, path: tuple[str, ...]):
        f = self.by_path.get(path)
        if f is None:
            return None
        if path not in self.x:
            self.x[path] = self.model.new_int_var(f.lowest, f.highest, "x[" + ".".join(path) + "]")
        return self.x[path]

    def keep(self, path: tuple[str, ...]) -> list:
        x = self.var(path)
        return [] if x is None else [x]  # a 0-1 variable: 1 keeps the pin (or own_meetings_busy)

    def scaled(self, path: tuple[str, ...], per_slot, fixed_value: int):
        x = self.var(path)
        if x is None:
            return fixed_value
        inside, total = per_slot.share
        if inside == total:
            return x
        key = (path, inside, total)
        if key not in self.scaled_cache:
            f = self.by_path[path]
            y = self.model.new_int_var(0, f.highest, "scaled")
            self.model.add(total * y >= inside * x)
            self.model.add(total * y <= inside * x + total - 1)  # y = ceil(x · inside / total)
            self.scaled_cache[key] = y
        return self.scaled_cache[key]

    def bounds(self, key: RuleKey, lo, hi):
        inst, fam = self.inst, key.family
        if fam in ("attendance", "including", "coverage"):
            fam_name = "coverage" if fam == "coverage" else "attendance"
            rules = inst.scenario.coverage if fam == "coverage" else inst.scenario.attendance
            rule = next(r for r in rules if inst.rule_id(r) == key.rule)
            slots = inst.slots(rule.per) if fam == "coverage" else inst.slots(rule.per, key.subject)
            slot = next(s for s in slots if s.label == key.period)
            fld = f"including[{key.extra}].at_least" if fam == "including" else "at_least"
            lo_e = self.scaled((fam_name, key.rule, fld), slot, lo) if lo is not None else None
            hi_e = None
            if hi is not None:
                x = self.var((fam_name, key.rule, "at_most"))
                hi_e = hi if x is None else x
            return lo_e, hi_e
        if fam == "responsibility":
            lo_x = self.var(("responsibility", key.rule, f"{key.extra}.min")) if lo is not None else None
            hi_x = self.var(("responsibility", key.rule, f"{key.extra}.max")) if hi is not None else None
            return (lo if lo_x is None else lo_x), (hi if hi_x is None else hi_x)
        if fam == "team" and key.extra == "per_team":
            lo_x = self.var(("team", key.rule, "per_team.min")) if lo is not None else None
            hi_x = self.var(("team", key.rule, "per_team.max")) if hi is not None else None
            return (lo if lo_x is None else lo_x), (hi if hi_x is None else hi_x)
        if fam == "one-meeting-a-day":
            x = self.var(("limits", "meetings_per_day"))
            return lo, (hi if x is None else x)
        if fam == "max-per-month":
            x = self.var(("member", key.subject, "max_per_month"))
            return lo, (hi if x is None else x)
        return lo, hi

    def guard(self, key: RuleKey) -> list:
        if key.family == "fixed":
            path = self.pins.get((key.subject, key.period, key.extra))
            return self.keep(path) if path is not None else []
        if key.family == "own-meeting":
            return self.keep(("limits", "own_meetings_busy"))
        if key.family == "apart-from":
            return self.keep(("apart", key.subject, key.extra))
        return []


@dataclass
class _RelaxContext(ModelContext):
    relax: Any = None

    def add_linear(self, key: RuleKey, terms: list, lo: int | None, hi: int | None) -> None:
        if lo is not None and lo <= 0:
            lo = None
        if hi is not None and hi >= len(terms):
            hi = None
        if lo is None and hi is None:
            return
        self.keys.append(key)
        expr = cp_model.LinearExpr.sum(terms)
        lo_e, hi_e = self.relax.bounds(key, lo, hi)
        if lo_e is not None:
            self.model.add(expr >= lo_e)
        if hi_e is not None:
            self.model.add(expr <= hi_e)


def _own_meetings_any_limit(ctx: ModelContext) -> None:
    """Own meetings, in the form that does not name the day's limit: on a day the member's own unit meets,
    the member attends no other meeting (the limit itself is the day rule's)."""
    inst, v, model = ctx.inst, ctx.vars, ctx.model
    if not inst.scenario.limits.own_meetings_busy:
        return
    for (m, d), evs in _events_by_day(ctx).items():
        mo = month_of(d)
        for own in inst.own_units(m):
            own_days = dict(v.days_of(inst, own, mo))
            others = [on for u, on in evs if u != own]
            if d not in own_days or not others:
                continue
            own_lit = own_days[d]
            key = RuleKey("own-meeting", "own_meetings_busy", m, d.isoformat(), own)
            ctx.keys.append(key)
            enforce = ctx.guard(key)
            for on in others:
                lits = [~on] if own_lit is None else [~on, ~own_lit]
                model.add_bool_or(lits).only_enforce_if(enforce)


def correct(
    inst: Instance,
    settings: CheckSettings,
    budget: Budget,
    weights: dict[str, int] | None = None,
    check: bool = True,
    flex: bool = True,
    core: list[RuleKey] | None = None,
) -> Correction:
    """The least weighted change of the relaxable fields that makes ``inst`` hold (see the module).

    The numbers, pins and ``own_meetings_busy`` first (a small model, quickly proven); then, with ``flex``,
    the meeting windows too, asked only for a change smaller than the first one (the widened model is larger:
    this way it only has to prove that nothing smaller exists, or find it)."""
    if budget.left <= 0:
        return Correction(Status.UNKNOWN)
    tried: dict[tuple, Status] = {}
    flds = fields(inst, weights, flex)
    lightest = min((f.weight for f in flds), default=1)
    if core and _least_step(inst, weights) <= lightest:
        # every change that makes it hold touches a rule of the conflict: its single steps of the least weight,
        # each tried on the scenario changed (a plan found: it is the least change, nothing costs less)
        for ch in single_steps(inst, core, flds, _least_step(inst, weights)):
            if budget.left <= 0:
                break
            status, plan = _find(apply(inst.scenario, [ch]), settings, budget)
            tried[ch.field.path, ch.value] = status
            if status == Status.FEASIBLE:
                out = Correction(
                    Status.OPTIMAL, [ch], ch.cost, ch.cost, apply(inst.scenario, [ch]), Status.FEASIBLE, plan
                )
                out.tried = tried
                return out
    # a single step of one field first (the usual answer, and a small search), then any change
    first = _solve(inst, settings, budget, weights, False, _least_step(inst, weights))
    if first.status == Status.INFEASIBLE:
        first = _solve(inst, settings, budget, weights, False, None, _least_step(inst, weights) + 1)
    elif first.status == Status.FEASIBLE:
        first.status = Status.OPTIMAL  # no change costs less than one step
    if first.status == Status.UNKNOWN or not flex or not any(f.path[0] == "unit" for f in fields(inst, weights)):
        best = first
    else:
        least = min(_w(weights, "flex"), min((f.weight for f in fields(inst, weights, False)), default=1))
        if first.total is not None and first.total <= least:
            best = first  # nothing can cost less than one step of the lightest field
        else:
            below = None if first.total is None else first.total - 1
            wide = _solve(inst, settings, budget, weights, True, below)
            if wide.status in (Status.OPTIMAL, Status.FEASIBLE):
                best = wide
            elif wide.status == Status.INFEASIBLE:
                best = first  # proven: no change of the windows either does it for less
            else:
                best = first
                if best.status == Status.OPTIMAL:
                    best.status = Status.FEASIBLE  # least among the numbers; the windows were not decided
    if check and best.scenario is not None:  # its own budget: the search above may have used all of its own
        again = Budget(settings.time_limit)
        status, _, plan = decide(Instance(best.scenario), settings, again)
        budget.absorb(again)
        best.holds, best.plan = status, plan
    best.tried = tried
    return best


# a core's rule instance → the fields whose change can lift it (a flex widening changes the days themselves: none)
def touching(inst: Instance, key: RuleKey) -> list[tuple[str, ...]]:
    fam, rule = key.family, key.rule
    if fam == "attendance":
        return [("attendance", rule, "at_least"), ("attendance", rule, "at_most")]
    if fam == "including":
        return [("attendance", rule, f"including[{key.extra}].at_least")]
    if fam == "coverage":
        return [("coverage", rule, "at_least"), ("coverage", rule, "at_most")]
    if fam == "responsibility":
        return [("responsibility", rule, f"{key.extra}.min"), ("responsibility", rule, f"{key.extra}.max")]
    if fam == "team" and key.extra == "per_team":
        return [("team", rule, "per_team.min"), ("team", rule, "per_team.max")]
    if fam == "one-meeting-a-day":
        return [("limits", "meetings_per_day")]
    if fam == "own-meeting":
        return [("limits", "own_meetings_busy"), ("limits", "meetings_per_day")]
    if fam == "max-per-month":
        return [("member", key.subject, "max_per_month")]
    if fam == "apart-from":
        return [("apart", key.subject, key.extra)]
    if fam == "fixed":
        for i, item in enumerate(inst.scenario.fixed):
            if key.period and getattr(item, "attend", None) is True:
                if (item.member, item.month, item.unit) == (key.subject, key.period, key.extra):
                    return [("fixed", str(i))]
            elif not key.period and getattr(item, "charge", None) is True:
                if (item.member, item.unit) == (key.subject, key.extra):
                    return [("fixed", str(i))]
    return []


def single_steps(inst: Instance, core: list[RuleKey], flds: list[Field], weight: int) -> list[Change]:
    """The one-step changes of weight ``weight`` of the fields a rule instance of ``core`` depends on, in the
    order of the core (the asked rule first). A change that touches none of them leaves ``core`` clashing."""
    by_path = {f.path: f for f in flds if f.weight == weight and f.path[0] != "unit"}
    out: list[Change] = []
    for key in core:
        for path in touching(inst, key):
            f = by_path.pop(path, None)
            if f is None:
                continue
            if f.direction == "down" and f.current > f.lowest:
                out.append(Change(f, f.current - 1))
            elif f.direction == "up" and f.current < f.highest:
                out.append(Change(f, f.current + 1))
            elif f.direction == "drop":
                out.append(Change(f, 0))
    return out


def _find(scenario: Scenario, settings: CheckSettings, budget: Budget) -> tuple[Status, Any]:
    """A short search for a plan of ``scenario`` (CP-SAT's first, quick run of `decide`): feasible with the
    plan, or unknown (not proven either way)."""
    from planner.checks.diagnose import FIND_LIMIT, GuardedModel
    from planner.model import BuiltModel
    from planner.search.solving import extract_plan

    # the guarded model under all its literals: much faster to a plan than the plain one (measured on a commune:
    # 0.2 deterministic seconds against none found in 2)
    inst = Instance(scenario)
    gm = GuardedModel(inst)
    part = budget.part(FIND_LIMIT)
    status, _, solver = gm.solve(gm.keys, settings, part, 1)
    budget.absorb(part)
    if status == Status.FEASIBLE:
        return Status.FEASIBLE, extract_plan(inst, BuiltModel(gm.ctx, None), solver.boolean_value)
    return status, None


def _least_step(inst: Instance, weights: dict[str, int] | None) -> int:
    return min((f.weight for f in fields(inst, weights, False)), default=1)


def _solve(
    inst: Instance,
    settings: CheckSettings,
    budget: Budget,
    weights: dict[str, int] | None,
    flex: bool,
    below: int | None,
    above: int = 1,
) -> Correction:
    """One search of the least change: ``flex`` widens the meeting windows too; ``below``: only a total change
    at most this (infeasible then means: none that small)."""
    if budget.left <= 0 or (below is not None and below < 0):
        return Correction(Status.UNKNOWN if budget.left <= 0 else Status.INFEASIBLE)
    flds = fields(inst, weights, flex)
    model = cp_model.CpModel()
    wide = _widened(inst, flds) if flex else inst
    relax = _Relax(wide, model, flds)
    rules = [_own_meetings_any_limit if f is add_own_meetings_busy else f for f in RULE_FAMILIES]

    def context(m, i, made, guard):
        return _RelaxContext(m, i, made, guard, relax=relax)

    built = build_model(wide, objective=False, model=model, context=context, guard=relax.guard, rules=rules)
    if flex:
        _flex_days(inst, wide, built.vars, relax)
    terms = []
    for path, x in relax.x.items():
        f = relax.by_path[path]
        if f.direction == "down":
            terms.append(f.weight * (f.current - x))
        elif f.direction == "up":
            terms.append(f.weight * (x - f.current))
        else:
            terms.append(f.weight * (1 - x))
    if not terms:
        return Correction(Status.INFEASIBLE)
    total = cp_model.LinearExpr.sum(terms)
    model.minimize(total)
    model.add(total >= max(1, above))  # the scenario as it is was proven infeasible: some change is needed
    if below is not None:
        model.add(total <= below)
    done = run(model, SearchParams(limit=budget.left, workers=2, seed=settings.seed))
    budget.charge(done.solver)
    if done.code == cp_model.INFEASIBLE:
        return Correction(Status.INFEASIBLE)
    if not done.found:
        return Correction(Status.UNKNOWN)
    solver = done.solver
    changes = []
    for path, x in relax.x.items():
        f = relax.by_path[path]
        v = int(solver.value(x))
        if v != f.current:
            changes.append(Change(f, v))
    order = [f.path for f in flds]
    changes.sort(key=lambda c: order.index(c.field.path))
    return Correction(
        Status.OPTIMAL if done.code == cp_model.OPTIMAL else Status.FEASIBLE,
        changes,
        sum(c.cost for c in changes),
        int(round(solver.best_objective_bound)),
        apply(inst.scenario, changes),
    )


def _widened(inst: Instance, flds: list[Field]) -> Instance:
    """The instance with every relaxable meeting's flex at its widest (the model then charges each day used
    outside the scenario's own window to that unit's flex)."""
    s = inst.scenario
    wide = {f.path[1]: f.highest for f in flds if f.path[0] == "unit" and f.path[2] == "flex.before"}
    if not wide:
        return inst
    after = {f.path[1]: f.highest for f in flds if f.path[0] == "unit" and f.path[2] == "flex.after"}
    units = tuple(
        u.model_copy(
            update={"meeting": u.meeting.model_copy(update={"flex": (wide[u.id], after[u.id]), "flex_when": "always"})}
        )
        if u.id in wide and u.meeting is not None
        else u
        for u in s.units
    )
    return Instance(s.model_copy(update={"units": units}))


def _flex_days(inst: Instance, wide: Instance, v, relax: _Relax) -> None:
    """A meeting day outside the scenario's own days widens that unit's flex (before or after) to reach it, and
    turns a ``flex_when: blocked`` or ``next`` into ``always`` (it leaves its day, or goes further than the
    nearest allowed day, in a month whose day is not blocked). A day that is the only one of its month in the
    widened calendar (no literal) is charged through the attendances of that meeting: a meeting the scenario
    does not hold that month counts only once the change is made."""
    model = relax.model
    attends: dict[tuple[str, str], list] = {}
    for (_m, u, mo), att in v.attend.items():
        attends.setdefault((u, mo), []).append(att)
    for uid in wide.meeting_units:
        xb, xa = relax.var(("unit", uid, "flex.before")), relax.var(("unit", uid, "flex.after"))
        if xb is None or xa is None:
            continue
        xw = relax.var(("unit", uid, "flex_when"))  # None: flex_when is already always
        meeting = inst.units[uid].meeting
        when = meeting.flex_when if meeting is not None else "always"
        for mo in wide.months:
            own = set(inst.candidate_days.get((uid, mo), ()))
            pref = inst.preferred(uid, mo)
            days = wide.candidate_days.get((uid, mo), [])  # nearest first
            for d, lit in v.days_of(wide, uid, mo):
                if d in own:
                    continue
                offset = (d - pref).days
                # blocked/next keep their rule where the day itself is blocked: a wider flex alone reaches d
                # (for next, only the nearest allowed day)
                switch = xw is not None and (pref in days or (when == "next" and days[:1] != [d]))
                enforce = [lit] if lit is not None else attends.get((uid, mo), [])
                for e in enforce:  # (no literal and no attendance: the date matters to no count)
                    if offset < 0:
                        model.add(xb >= -offset).only_enforce_if(e)
                    else:
                        model.add(xa >= offset).only_enforce_if(e)
                    if switch:
                        model.add(xw >= 1).only_enforce_if(e)


# ---------------------------------------------------------------------------------------------- applying
def _replace(items: tuple, i: int, **update) -> tuple:
    out = list(items)
    out[i] = out[i].model_copy(update=update)
    return tuple(out)


def apply(s: Scenario, changes: list[Change]) -> Scenario:
    """The scenario with each change made (pins dropped, own_meetings_busy false, numbers moved)."""
    drop: set[int] = set()
    for ch in changes:
        path, v = ch.field.path, ch.value
        if path[0] in ("attendance", "coverage", "responsibility"):
            family = path[0]
            rules = getattr(s, family)
            i = _rule_index(rules, family, path[1])
            rule = rules[i]
            fld = path[2]
            if fld.startswith("including["):
                j = int(fld[len("including[") : fld.index("]")]) - 1
                upd = {"including": _replace(rule.including, j, at_least=v)}
            elif "." in fld:
                side, bound = fld.split(".")
                upd = {side: getattr(rule, side).model_copy(update={bound: v})}
            else:
                upd = {fld: v}
            s = s.model_copy(update={family: _replace(rules, i, **upd)})
        elif path == ("limits", "meetings_per_day"):
            s = s.model_copy(update={"limits": s.limits.model_copy(update={"meetings_per_day": v})})
        elif path == ("limits", "own_meetings_busy"):
            s = s.model_copy(update={"limits": s.limits.model_copy(update={"own_meetings_busy": bool(v)})})
        elif path[0] == "member":
            i = next(i for i, m in enumerate(s.members) if m.id == path[1])
            s = s.model_copy(update={"members": _replace(s.members, i, max_per_month=v)})
        elif path[0] == "fixed" and v == 0:
            drop.add(int(path[1]))
        elif path[0] == "unit" and path[2] == "flex_when":
            i = next(i for i, u in enumerate(s.units) if u.id == path[1])
            mt = s.units[i].meeting
            if mt is not None and v:
                s = s.model_copy(
                    update={"units": _replace(s.units, i, meeting=mt.model_copy(update={"flex_when": "always"}))}
                )
        elif path[0] == "unit":
            i = next(i for i, u in enumerate(s.units) if u.id == path[1])
            meeting = s.units[i].meeting
            b, a = meeting.flex
            flex = (v, a) if path[2] == "flex.before" else (b, v)
            s = s.model_copy(update={"units": _replace(s.units, i, meeting=meeting.model_copy(update={"flex": flex}))})
        elif path[0] == "team":
            i = next(i for i, t in enumerate(s.teams) if t.id == path[1])
            rng = s.teams[i].per_team.model_copy(update={path[2].split(".")[1]: v})
            s = s.model_copy(update={"teams": _replace(s.teams, i, per_team=rng)})
        elif path[0] == "apart" and v == 0:
            ua, ub = path[1], path[2]
            units = list(s.units)
            for i, u in enumerate(units):
                other = ub if u.id == ua else ua if u.id == ub else None
                if other is not None and other in u.apart_from:
                    units[i] = u.model_copy(update={"apart_from": tuple(x for x in u.apart_from if x != other)})
            s = s.model_copy(update={"units": tuple(units)})
    if drop:
        s = s.model_copy(update={"fixed": tuple(f for i, f in enumerate(s.fixed) if i not in drop)})
    return s


def _rule_index(rules: tuple, family: str, rid: str) -> int:
    """The position of rule ``rid`` (its ``id``, or ``family[i]``, as `Instance.rule_id` names it)."""
    return next(i for i, r in enumerate(rules, start=1) if (r.id or f"{family}[{i}]") == rid) - 1


# ---------------------------------------------------------------------------------------------- quota limits
def quota_limits(inst: Instance, diag, settings: CheckSettings, budget: Budget) -> list[QuotaLimit]:
    """For each attendance rule whose minimum is in the conflict: the largest value that holds with everything
    else unchanged (the suggestion's, or searched here) and who falls short at the value asked (the least
    shortfall's members)."""
    from planner.checks.diagnose import _changer, _search

    out, seen = [], set()
    for key in diag.core:
        if key.family not in ("attendance", "including"):
            continue
        fld = f"including[{key.extra}].at_least" if key.family == "including" else "at_least"
        if (key.rule, fld) in seen:
            continue
        seen.add((key.rule, fld))
        sug = next((s for s in diag.suggestions if (s.rule, s.field) == (key.rule, fld)), None)
        change, current = _changer(inst.scenario, inst, key, fld)
        if current is None or current <= 0:
            continue
        if sug is not None:
            largest, decided = (sug.value if sug.found else None), sug.decided
        else:
            largest, found, decided = _search(change, current, "down", None, settings, budget)
            largest = largest if found else None
        elsewhere = False
        corr = diag.correction
        others = [
            c for c in (corr.changes if corr is not None else []) if c.field.path != ("attendance", key.rule, fld)
        ]
        if largest is None and others and budget.left > 0:
            # another conflict stands whatever this rule asks: the largest value once the least change's other
            # changes are made
            base = apply(inst.scenario, others)
            change, _ = _changer(base, Instance(base), key, fld)
            value, found, decided = _search(change, current, "down", None, settings, budget)
            largest, elsewhere = (value if found else None), found
        short = []
        if diag.shortfall is not None:
            fam = key.family
            for k, need, miss in diag.shortfall.missing:
                if k.rule == key.rule and k.family == fam and (fam != "including" or k.extra == key.extra):
                    short.append((k.subject, k.period, need, miss))
        known = diag.shortfall is not None and diag.shortfall.status in (Status.OPTIMAL, Status.FEASIBLE)
        proven = diag.shortfall is not None and diag.shortfall.status == Status.OPTIMAL
        out.append(QuotaLimit(key.rule, fld, current, largest, decided, short, known, elsewhere, proven))
    return out
