"""The CP-SAT model: variables (`variables`), one function per rule family (`rules`), the objective.

`build_model` is the one place a model is assembled. Every model the planner solves is one of its forms:
the plan (every rule, the objective), the plan with the charges decided (``charges=``), the diagnosis
(``guard=``: an enforcement literal per rule instance, no objective), the least shortfall (``context=``: the
quotas soft), and the warm start's charges model (``variables=``, ``rules=``: the charges and the
responsibility rules only).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ortools.sat.python import cp_model

from planner.instance import Instance
from planner.model import redundant as _redundant
from planner.model.context import Guard, ModelContext, RuleKey, no_guard
from planner.model.objective import Term, build_objective
from planner.model.rules import RULE_FAMILIES
from planner.model.variables import Variables, create_variables
from planner.plan import Plan

__all__ = ["RULE_FAMILIES", "BuiltModel", "ModelContext", "RuleKey", "Term", "Variables", "build_model"]


class BuiltModel:
    """A built model: its context (model, instance, variables, the rule instances added) and the objective's
    terms (None without an objective)."""

    def __init__(self, ctx: ModelContext, terms: dict[str, Term] | None):
        self.ctx, self.terms = ctx, terms

    @property
    def model(self) -> cp_model.CpModel:
        return self.ctx.model

    @property
    def vars(self) -> Variables:
        return self.ctx.vars


def build_model(
    inst: Instance,
    baseline: Plan | None = None,
    *,
    guard: Guard = no_guard,
    objective: bool = True,
    charges: set[tuple[str, str]] | None = None,
    model: cp_model.CpModel | None = None,
    context: Callable[..., ModelContext] = ModelContext,
    variables: Callable[[cp_model.CpModel, Instance], Variables] | None = None,
    rules: Sequence[Callable[[ModelContext], None]] = RULE_FAMILIES,
    redundant: Sequence[Callable[[ModelContext], None]] | None = None,
) -> BuiltModel:
    """Build the model: the variables, each rule family in ``rules`` (default: every hard rule) and, unless
    ``objective`` is False, the objective (with the stability term against ``baseline``).

    Parameters
    ----------
    guard
        The enforcement literals of each rule instance (`ModelContext.guard`); none by default (every rule
        hard).
    charges
        The charges taken as decided: only the dates and attendances remain to plan.
    model
        The CP-SAT model to build into (a new one by default), e.g. one whose guard makes literals in it.
    context
        The context class (or factory taking model, instance, variables, guard): a subclass may read a rule's
        rows differently (the shortfall's soft quotas, the LP bound's rows).
    variables
        Makes the variables (default: `create_variables` with ``charges``).
    redundant
        Redundant constraints (`planner.model.redundant`), rows every plan satisfies anyway, added after the
        objective; by default its ``DEFAULT_FAMILIES`` in the plan model (the objective, every rule hard, the
        plain context), none in any other form (where the quotas may be soft or rules missing). Give them only
        to the plan model.
    """
    model = cp_model.CpModel() if model is None else model
    keep: set[str] = set()  # with a baseline, the dates of its meetings matter (the moved term)
    if baseline is not None and objective and inst.scenario.weights.moved:
        keep = {u for u, _mo in baseline.meetings}
    made = variables(model, inst) if variables is not None else create_variables(model, inst, charges, keep)
    ctx = context(model, inst, made, guard)
    for add_rule in rules:
        add_rule(ctx)
    terms = build_objective(ctx, baseline) if objective else None
    if redundant is None:
        plain = objective and guard is no_guard and context is ModelContext and tuple(rules) == RULE_FAMILIES
        redundant = _redundant.DEFAULT_FAMILIES if plain else ()
    for add_redundant in redundant:
        add_redundant(ctx)
    return BuiltModel(ctx, terms)
