"""Applying a change set to a base scenario: `apply_changes` runs the engine over every change, then validates
the result with the loader's own checks, a problem of the result charged to the earliest change from which it
persists; `Applied` holds the changed scenario, its id map, notes and effects, and writes it as YAML.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planner.errors import InputError, Problem
from planner.io import load_scenario, validate_mapping
from planner.io.yaml_writer import dump_scenario
from planner.replan.change_set import ChangeSet, _Bad, read_changes
from planner.replan.engine import Effect, _Engine
from planner.replan.id_map import IdMap
from planner.replan.plain_data import scenario_data
from planner.scenario import Scenario


@dataclass
class Applied:
    """A change set applied to a base scenario."""

    base: Scenario
    changes: ChangeSet
    data: dict[str, Any]  # the changed scenario as plain data
    scenario: Scenario  # ... validated
    id_map: IdMap
    notes: list[tuple[int, str]]  # (change index, what it did besides the obvious)
    effects: list[Effect]

    def yaml_text(self, command: str = "") -> str:
        """The changed scenario as a readable YAML file (a comment header lists the changes)."""
        head = [
            f"# {command}" if command else "# Written by planner apply.",
            f"# Base scenario: {self.base.source} — {self.base.name}",
            f"# Change set: {self.changes.file} ({len(self.changes.changes)} changes):",
        ]
        notes: dict[int, list[str]] = {}
        for i, text in self.notes:
            notes.setdefault(i, []).append(text)
        for c in self.changes.changes:
            head.append(f"#   {c.number}. {c.describe()}" + (f" — {c.reason}" if c.reason else ""))
            head += [f"#      {n}" for n in notes.get(c.index, [])]
        return dump_scenario(self.data, head)


def apply_files(base: str | Path, changes: str | Path) -> Applied:
    """Load the base scenario, read the change set, apply it."""
    return apply_changes(load_scenario(base), read_changes(changes))


def apply_changes(base: Scenario, cs: ChangeSet) -> Applied:
    """Apply every change in order; raise `InputError` at the first change that cannot apply, or with the
    problems of the result (each charged to the change it comes from)."""
    engine = _Engine(scenario_data(base), cs)
    snapshots = []
    for change in cs.changes:
        try:
            engine.apply(change)
        except _Bad as bad:
            raise InputError([cs.problem(change, bad.sub, bad.message, bad.hint)]) from None
        snapshots.append(copy.deepcopy(engine.data))
    if cs.name:
        engine.data["name"] = cs.name
    source = f"{cs.file} (the scenario after the changes)"
    try:
        scenario = validate_mapping(engine.data, source)
    except InputError as err:
        raise InputError(_charge_problems(err.problems, base, snapshots, cs)) from None
    scenario = scenario.model_copy(update={"source": source})
    return Applied(base, cs, engine.data, scenario, cs.id_map(), engine.notes, engine.effects)


def _problem_key(p: Problem) -> tuple[str, str]:
    return re.sub(r"\[\d+\]", "[]", p.field or ""), p.message


def _charge_problems(
    problems: list[Problem], base: Scenario, snapshots: list[dict[str, Any]], cs: ChangeSet
) -> list[Problem]:
    """Each problem of the result, said at the earliest change after which it holds in every later state."""
    found: list[set[tuple[str, str]]] = []
    for snap in snapshots:
        try:
            validate_mapping(snap, "state")
            found.append(set())
        except InputError as err:
            found.append({_problem_key(p) for p in err.problems})
    out = []
    for p in problems:
        key = _problem_key(p)
        k = len(snapshots)
        while k > 0 and key in found[k - 1]:
            k -= 1
        k = min(k, len(snapshots) - 1)
        if k < 0:
            out.append(Problem(base.source, None, p.field, p.message, p.hint))
            continue
        c = cs.changes[k]
        out.append(
            Problem(
                cs.file,
                c.line,
                c.label,
                f"leaves the scenario invalid: {p.field}: {p.message}"
                if p.field
                else f"leaves the scenario invalid: {p.message}",
                p.hint,
            )
        )
    return out
