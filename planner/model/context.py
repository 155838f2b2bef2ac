"""What every rule function receives: the CP-SAT model, the instance, the variables, and a guard hook.

``guard(key)`` returns the enforcement literals of one rule instance. When planning it returns none (every
rule is hard); the feasibility diagnosis gives each rule instance its own literal, solves under assumptions,
and reads back which rule instances clash. ``key`` is a `RuleKey` naming the rule, its subject and period.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from planner.instance import Instance
from planner.model.variables import Lit, Variables


@dataclass(frozen=True, order=True)
class RuleKey:
    # responsibility, attendance, including, coverage, fixed, unavailable, and the day and month limits under the
    # names verify gives the same rules: one-meeting-a-day, own-meeting, max-per-month
    family: str
    rule: str  # rule id (or the limit's field in the scenario: meetings_per_day, own_meetings_busy, max_per_month)
    subject: str = ""  # member or unit id
    period: str = ""  # period label, month, or date
    extra: str = ""  # e.g. "min"/"max", the including's index


Guard = Callable[[RuleKey], list[Lit]]


def no_guard(_: RuleKey) -> list[Lit]:
    """No enforcement literal: the rule instance is hard."""
    return []


@dataclass
class ModelContext:
    model: cp_model.CpModel
    inst: Instance
    vars: Variables
    guard: Guard = no_guard
    keys: list[RuleKey] = field(default_factory=list)  # every guarded rule instance, in order
    memo: dict = field(default_factory=dict)  # auxiliary structures shared by several rule families

    def add_linear(self, key: RuleKey, terms: list[Lit], lo: int | None, hi: int | None) -> None:
        """``lo <= sum(terms) <= hi`` for one rule instance, guarded by its enforcement literals."""
        if lo is not None and lo <= 0:
            lo = None
        if lo is None and (hi is None or hi >= len(terms)):
            return  # nothing to enforce
        self.keys.append(key)
        expr = cp_model.LinearExpr.sum(terms)
        enforce = self.guard(key)
        if lo is not None:
            ct = self.model.add(expr >= lo) if terms else self.model.add_bool_or([])
            ct.only_enforce_if(enforce)
        if hi is not None and hi < len(terms):
            self.model.add(expr <= hi).only_enforce_if(enforce)

    def fix(self, key: RuleKey, lit: Lit | None, value: bool) -> None:
        """Pin one literal (a ``fixed`` item). A missing literal that must be true cannot hold."""
        self.keys.append(key)
        enforce = self.guard(key)
        if lit is None:
            if value:
                self.model.add_bool_or([]).only_enforce_if(enforce)
            return
        self.model.add_bool_or([lit if value else ~lit]).only_enforce_if(enforce)
