"""A plan, free of any solver: who is in charge of what, when each unit meets, who attends which meeting.

A `Plan` comes from the solver, from the contract files of an earlier run, or from a spreadsheet drafted by
hand; `planner.verify` checks any of them. The contract layout (written and read by `planner.io.plan_files`):

    charges.csv     member_id, member_name, unit_id, unit_name, unit_kind, basis
    meetings.csv    unit_id, unit_name, month, date, preferred_date
    attendance.csv  date, member_id, member_name, unit_id, unit_name, unit_kind
    summary.json    status, objective, bound, gap, seconds, scenario_sha256, seed, terms, ...

CSV files are UTF-8 with a BOM (so Excel shows Vietnamese right), rows in a fixed order, so the same plan is
always the same bytes.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from planner.calendar import Month, month_of
from planner.status import Status

if TYPE_CHECKING:
    from planner.instance import CountSpec, Instance

CHARGES_COLUMNS = ("member_id", "member_name", "unit_id", "unit_name", "unit_kind", "basis")
MEETINGS_COLUMNS = ("unit_id", "unit_name", "month", "date", "preferred_date")
ATTENDANCE_COLUMNS = ("date", "member_id", "member_name", "unit_id", "unit_name", "unit_kind")
PLAN_FILES = ("charges.csv", "meetings.csv", "attendance.csv")


@dataclass(frozen=True)
class Plan:
    charges: frozenset[tuple[str, str]] = frozenset()  # (member_id, unit_id)
    meetings: dict[tuple[str, Month], dt.date] = field(default_factory=dict)  # (unit_id, month) -> date
    attendance: frozenset[tuple[str, str, dt.date]] = frozenset()  # (member_id, unit_id, date)

    def attendances_by_month(self) -> dict[tuple[str, str, Month], dt.date]:
        return {(m, u, month_of(d)): d for m, u, d in self.attendance}


@dataclass
class Summary:
    status: Status | str  # a Status; a word read from a summary.json that is none of them is kept as written
    objective: int | None = None
    bound: float | None = None
    gap: float | None = None
    seconds: float = 0.0
    scenario_sha256: str = ""
    seed: int = 0
    terms: dict[str, int] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    TIMING_FIELDS = ("seconds", "build_seconds", "solve_seconds", "wall_time", "highs_seconds", "rounding_seconds")

    def to_json(self) -> str:
        data: dict[str, Any] = {
            "status": self.status,
            "objective": self.objective,
            "bound": self.bound,
            "gap": self.gap,
            "seconds": round(self.seconds, 3),
            "scenario_sha256": self.scenario_sha256,
            "seed": self.seed,
            "terms": self.terms,
        }
        data.update(self.extra)
        return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


class PlanView:
    """Counts over a plan, as the rules define them (who is in charge of what, attendances per period): the one
    reading of "in charge" and of a rule's count that verify, the terminal tables and the outputs share."""

    def __init__(self, inst: Instance, plan: Plan):
        self.inst, self.plan = inst, plan
        self.charged: dict[str, set[str]] = defaultdict(set)
        for m, u in plan.charges:
            self.charged[m].add(u)
        self.att_by_member: dict[str, list[tuple[str, Month]]] = defaultdict(list)
        self.att_by_unit: dict[str, list[tuple[str, Month, dt.date]]] = defaultdict(list)
        for m, u, d in plan.attendance:
            self.att_by_member[m].append((u, month_of(d)))
            self.att_by_unit[u].append((m, month_of(d), d))

    def in_charge(self, mid: str, uid: str) -> bool:
        return any(a in self.charged[mid] for a in self.inst.ancestors.get(uid, ()))

    def member_count(self, mid: str, spec: CountSpec, months: Iterable[Month]) -> int:
        months = set(months)
        return sum(
            1
            for u, mo in self.att_by_member[mid]
            if mo in months and u in spec.units and (not spec.in_charge or self.in_charge(mid, u))
        )

    def unit_count(self, uid: str, by: frozenset[str], in_charge: bool, months: Iterable[Month]) -> int:
        """The unit's attendances by ``by`` in ``months``: a person who attends through two seats, once."""
        months = set(months)
        person = self.inst.person_of if self.inst.has_persons else (lambda m: m)
        return len(
            {
                (person(m) if m in self.inst.members else m, d)
                for m, mo, d in self.att_by_unit[uid]
                if mo in months and m in by and (not in_charge or self.in_charge(m, uid))
            }
        )
