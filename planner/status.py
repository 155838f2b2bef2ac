"""The status of a plan or of a feasibility check, one word each, as `summary.json` writes it."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """What a search, a check or a plan ended with. A `StrEnum`: each member equals its word
    (``Status.OPTIMAL == "optimal"``), which is what ``summary.json`` and the tables show."""

    OPTIMAL = "optimal"  # proven best under the scenario's objective
    FEASIBLE = "feasible"  # satisfies every rule; not proven best (see the bound and the gap)
    INFEASIBLE = "infeasible"  # no plan satisfies every rule
    UNKNOWN = "unknown"  # no plan found, and none proven impossible, within the time limit
    INVALID = "invalid"  # CP-SAT refused the model (a bug of the planner)
    #: a decomposition whose parts, with the coupling members' charges decided first, have no plan (the whole
    #: scenario may still have one)
    INFEASIBLE_RESTRICTED = "infeasible-restricted"
    VIOLATIONS = "violations"  # a drafted plan that breaks rules (the greedy baseline)
    EDITED = "edited"  # a plan changed by hand after solving (its objective recomputed)
    HAND_MADE = "hand-made"  # a plan with no summary of its own (typed in a spreadsheet)

    @classmethod
    def read(cls, word: object) -> Status | str:
        """The status a file names (``summary.json``); a word that is none of them is kept as written."""
        text = str(word)
        return cls(text) if text in cls._value2member_map_ else text

    @property
    def has_plan(self) -> bool:
        """A plan that satisfies every rule comes with this status."""
        return self in (Status.OPTIMAL, Status.FEASIBLE)
