"""The id map: where each unit and member id of a base scenario ends up after a change set.

`IdMap` follows ids through the changes (merged units → the new unit, renamed ids → the new id, removed →
None); `map_plan` carries a baseline plan through it so the stability term compares like with like.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from planner.calendar import month_of
from planner.plan import Plan


@dataclass(frozen=True)
class IdMap:
    """Old id → new id (None: removed) of units and members; ids not listed are unchanged."""

    units: dict[str, str | None] = field(default_factory=dict)
    members: dict[str, str | None] = field(default_factory=dict)

    def unit(self, uid: str) -> str | None:
        return self.units.get(uid, uid)

    def member(self, mid: str) -> str | None:
        return self.members.get(mid, mid)

    def sources(self, uid: str) -> list[str]:
        """The old ids that end up as ``uid`` (itself first when it is one of them)."""
        olds = [old for old, new in self.units.items() if new == uid and old != uid]
        return ([uid] if self.units.get(uid, uid) == uid else []) + olds


def map_plan(
    plan: Plan,
    id_map: IdMap | None = None,
    months: list[str] | None = None,
    members: set[str] | None = None,
    units: set[str] | None = None,
    keep_removed: bool = False,
) -> Plan:
    """A baseline plan in the ids of the changed scenario.

    Charges and attendances follow ``id_map`` (merged units → the new unit); those of removed ids are dropped,
    or kept under their old ids with ``keep_removed`` (so a diff shows them as removed). Two attendances that
    become the same (member, unit, month) — a member at two of the merged units in one month — count once (the
    earlier date). Meeting dates are kept only for units whose id maps one to one. With ``months``, only that
    window is kept; with ``members``/``units`` (the new scenario's ids), decisions on other ids are dropped
    (unless ``keep_removed``).
    """
    idm = id_map or IdMap()

    def unit(uid: str) -> str | None:
        new = idm.unit(uid)
        return uid if new is None and keep_removed else new

    def member(mid: str) -> str | None:
        new = idm.member(mid)
        return mid if new is None and keep_removed else new

    def known(mid: str | None, uid: str | None) -> bool:
        if mid is None or uid is None:
            return False
        if keep_removed:
            return True
        return (members is None or mid in members) and (units is None or uid in units)

    window = set(months) if months is not None else None
    charges = set()
    for m, u in plan.charges:
        m2, u2 = member(m), unit(u)
        if known(m2, u2):
            charges.add((m2, u2))
    att: dict[tuple[str, str, str], dt.date] = {}
    for m, u, d in sorted(plan.attendance, key=lambda a: (a[2], a[0], a[1])):
        m2, u2 = member(m), unit(u)
        if not known(m2, u2) or (window is not None and month_of(d) not in window):
            continue
        att.setdefault((m2, u2, month_of(d)), d)  # type: ignore[arg-type]
    targets: dict[str, set[str]] = {}
    for u, _mo in plan.meetings:
        new = unit(u)
        if new is not None:
            targets.setdefault(new, set()).add(u)
    meetings = {}
    for (u, mo), d in plan.meetings.items():
        new = unit(u)
        if new is None or len(targets[new]) > 1 or (window is not None and mo not in window):
            continue
        if not keep_removed and units is not None and new not in units:
            continue
        meetings[new, mo] = d
    return Plan(frozenset(charges), meetings, frozenset((m, u, d) for (m, u, _mo), d in att.items()))
