"""The id map: where each unit and member id of a base scenario ends up after a change set.

`IdMap` follows ids through the changes (merged units → the new unit, renamed ids → the new id, removed →
None); `map_plan` carries a baseline plan through it so the stability term compares like with like.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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


def check_id_map(changes: Any, plan: Plan, units: set[str] | None = None, members: set[str] | None = None) -> None:
    """Refuse a change set given to carry ``plan`` across (``solve --id-map``, ``diff --id-map``) when apply
    would refuse it or when it would merge decisions silently: a merge or rename whose target the new scenario
    (``units``, ``members``) does not hold, and two ids of the plan that end on one id when no merge says so (a
    rename onto an id still in use, which apply refuses as a duplicate id). Raises `InputError` naming the
    change and its line."""
    from collections import defaultdict

    from planner.errors import InputError, Problem

    idm: IdMap = changes.id_map()
    problems: list[Problem] = []
    merged_into: set[str] = set()
    target_change: dict[tuple[str, str], Any] = {}
    hint = "give --id-map the change set the scenario was made with (planner apply BASE CHANGES -o SCENARIO)"
    for c in changes.changes:
        a = c.args
        if c.op == "merge":
            into = a["into"]["id"]
            merged_into.add(into)
            target_change["unit", into] = c
            if units is not None and into not in units:
                problems.append(
                    changes.problem(c, ("into", "id"), f"merges into '{into}', which the scenario has no unit of", hint)
                )
        elif c.op == "rename" and a["to"]:
            kind = "unit" if a["kind"] == "unit" else "member"
            target_change[kind, a["to"]] = c
            known = units if kind == "unit" else members
            if known is not None and a["to"] not in known:
                problems.append(
                    changes.problem(c, ("to",), f"renames to '{a['to']}', which the scenario has no {kind} of", hint)
                )
    plan_units = {u for _, u in plan.charges} | {u for u, _ in plan.meetings} | {u for _, u, _ in plan.attendance}
    plan_members = {m for m, _ in plan.charges} | {m for m, _, _ in plan.attendance}
    for kind, ids, follow in (("unit", plan_units, idm.unit), ("member", plan_members, idm.member)):
        groups: dict[str, set[str]] = defaultdict(set)
        for old in ids:
            new = follow(old)
            if new is not None:
                groups[new].add(old)
        for new, olds in sorted(groups.items()):
            if len(olds) > 1 and not (kind == "unit" and new in merged_into):
                c = target_change.get((kind, new))
                message = (
                    f"the plan's {kind}s {', '.join(sorted(olds))} would all become '{new}': their decisions would "
                    "be merged, but no merge says so (a rename onto an id still in use)"
                )
                if c is not None:
                    problems.append(changes.problem(c, (), message, "rename to an id no other unit or member has"))
                else:
                    problems.append(Problem(changes.file, None, None, message, hint))
    if problems:
        raise InputError(problems)


def recorded_base(scenario_file: str | Path) -> Path | None:
    """The base scenario that ``planner apply`` recorded in the header of the scenario it wrote
    (``# Base scenario: PATH — NAME``), if that file still exists (as written, or beside the scenario)."""
    try:
        with open(scenario_file, encoding="utf-8-sig") as fh:
            head = [fh.readline() for _ in range(3)]
    except (OSError, UnicodeDecodeError):
        return None
    for line in head:
        if line.startswith("# Base scenario: "):
            text = line.removeprefix("# Base scenario: ").rstrip("\n")
            where = text.split(" — ", 1)[0].strip()  # the name after it may hold " — " too
            for candidate in (Path(where), Path(scenario_file).parent / where):
                if candidate.is_file():
                    return candidate
    return None
