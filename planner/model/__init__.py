"""The CP-SAT model: variables (`variables`), one function per rule family (`rules`), the objective."""

from __future__ import annotations

from ortools.sat.python import cp_model

from planner.instance import Instance
from planner.plan import Plan
from planner.model.context import ModelContext, RuleKey, no_guard
from planner.model.objective import Term, build_objective
from planner.model.rules import RULE_FAMILIES
from planner.model.variables import Variables, create_variables

__all__ = ["BuiltModel", "ModelContext", "RuleKey", "build_model"]


class BuiltModel:
    def __init__(self, ctx: ModelContext, terms: dict[str, Term] | None):
        self.ctx, self.terms = ctx, terms

    @property
    def model(self) -> cp_model.CpModel:
        return self.ctx.model

    @property
    def vars(self) -> Variables:
        return self.ctx.vars


def build_model(inst: Instance, baseline: Plan | None = None, guard=no_guard, objective: bool = True,
                charges: set[tuple[str, str]] | None = None) -> BuiltModel:
    """Build the whole model: every hard rule, and (unless ``objective`` is False) the objective.

    With ``charges``, the charges are taken as decided: only the dates and attendances remain to plan."""
    model = cp_model.CpModel()
    ctx = ModelContext(model, inst, create_variables(model, inst, charges), guard)
    for add_rule in RULE_FAMILIES:
        add_rule(ctx)
    terms = build_objective(ctx, baseline) if objective else None
    return BuiltModel(ctx, terms)
