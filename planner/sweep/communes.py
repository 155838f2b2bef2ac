"""What a sweep checks: the scenarios named on the command line, the change set applied to each, and each
commune of them as a scenario of its own (`CommuneTask`).

**Inputs.** A file is one scenario; a directory stands for every ``*.yaml``/``*.yml`` file directly in it (in
name order). Each scenario may hold one commune or many (a province, the nation): it is split into its
communes whatever its size.

**The change set** is applied to each scenario as a whole (`planner.replan.apply_changes`), so that its paths
(``attendance[xa-moi-thang].at_least``, ``coverage[2]``) mean what they mean in that file, then the changed
scenario is split. A file named on the command line that fails to load, or to which the change set does not
apply, is bad input (the command stops, exit 2); a file found in a directory that fails is one row with
status ``error`` and the message, and the sweep goes on.

**A commune** is a unit at the commune level (kind ``commune_committee``, or ``level: commune``) with every
unit below it and the members of its own committee; its sub-scenario is built as a part of a decomposition is
(`planner.scale.parts._sub_scenario`): the units above it are kept without their meetings, rules are narrowed
to its members and units (their ids kept, so the results name the rules of the file), pins to its members and
units. **Members of upper levels (province, district) are left out**, whatever the change set: they are in
charge of many communes at once, so a rule about them is not a property of one commune (check it on the whole
scenario with ``planner check`` or ``planner decompose``). What follows from that choice, each said in a note
of the sweep: a responsibility rule left with no member of the commune (a province member in charge of it) or
no unit in it, and a coverage rule whose visitors are all upper-level members, are dropped from the commune's
check; a coverage rule counts the commune's own members' visits only; a changed rule that selects no commune
committee member anywhere is named in a warning (the sweep does not check it).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from planner.checks.diagnose import CheckSettings
from planner.errors import InputError
from planner.instance import Instance
from planner.io import load_scenario
from planner.replan import ChangeSet, apply_changes
from planner.scenario import Scenario

SCENARIO_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Source:
    """One scenario file of the sweep: ``path`` as shown in the results, ``key`` (its real path) in the store."""

    path: str
    key: str
    explicit: bool  # named on the command line (a failure is bad input), or found in a directory (an error row)


@dataclass(frozen=True)
class CommuneTask:
    """One commune to check, as sent to a worker: its own scenario (the change set applied) and what to say."""

    source: str  # the scenario file, as shown
    source_key: str  # its real path (the store's key with ``commune``)
    input_sha: str  # sha256 of the file's bytes and of the change set's: the identity of this input
    commune: str
    name: str
    province: str
    members: int
    cells: int
    scenario: Scenario
    quota_rules: tuple[str, ...]  # the attendance/coverage rules the change set added or changed, present here
    settings: CheckSettings


@dataclass
class Expanded:
    """A scenario file split into communes."""

    source: Source
    sha: str
    tasks: list[CommuneTask] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def sources(paths: list[str]) -> list[Source]:
    """The scenario files of the command line's arguments: a file as given, a directory's ``*.yaml``/``*.yml``
    files in name order. A missing path or a directory with no scenario is bad input."""
    out: list[Source] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            files = sorted(
                f
                for f in path.iterdir()
                if f.suffix.lower() in SCENARIO_SUFFIXES and f.is_file() and not f.name.startswith(".")
            )
            if not files:
                raise InputError.one(
                    p,
                    None,
                    None,
                    "this directory holds no scenario (no .yaml or .yml file directly in it)",
                    "give the directory that holds the scenario files, or the files themselves",
                )
            out += [Source(str(f), os.path.realpath(f), False) for f in files]
        elif not path.exists():
            raise InputError.one(
                p, None, None, "file not found", "check the path (it is relative to the current directory)"
            )
        else:
            out.append(Source(p, os.path.realpath(p), True))
    seen: set[str] = set()
    unique = []
    for s in out:  # the same file named twice (or through a directory and by name) is checked once
        if s.key not in seen:
            seen.add(s.key)
            unique.append(s)
    return unique


def file_sha(path: str | Path, changes_sha: str) -> str:
    """The identity of one input: the scenario file's bytes and the change set's (tables beside the file are
    not read here: a changed table alone is not seen; use ``--force``)."""
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    except OSError:
        return ""
    h.update(b"\0")
    h.update(changes_sha.encode())
    return h.hexdigest()


def changed_rules(base: Scenario, changed: Scenario) -> tuple[list[str], list[tuple[str, str]]]:
    """The rules the change set added or changed: (the attendance and coverage rules among them, in order;
    every such rule as (family, id))."""
    bi, ci = Instance(base), Instance(changed)
    quota: list[str] = []
    every: list[tuple[str, str]] = []
    for family in ("attendance", "coverage", "responsibility"):
        before = {bi.rule_id(r): r.model_dump() for r in getattr(base, family)}
        for r in getattr(changed, family):
            rid = ci.rule_id(r)
            if before.get(rid) != r.model_dump():
                every.append((family, rid))
                if family != "responsibility":
                    quota.append(rid)
    return quota, every


def expand(source: Source, changes: ChangeSet, changes_sha: str, settings: CheckSettings) -> Expanded:
    """Load the scenario, apply the change set, split it into communes. Raises `InputError` (the file's own
    problems, or the change set's against it)."""
    sha = file_sha(source.path, changes_sha)
    base = load_scenario(source.path)
    changed = apply_changes(base, changes).scenario
    quota, every = changed_rules(base, changed)
    out = Expanded(source, sha)
    out.tasks, selected = split(changed, source, sha, quota, settings)
    if not out.tasks:
        raise InputError.one(
            source.path,
            None,
            None,
            "holds no commune committee (a unit of kind commune_committee, or with level: commune)",
            "a sweep checks communes; check this scenario with planner check",
        )
    for family, rid in every:
        if rid not in selected:
            out.notes.append(
                f"{source.path}: {family} rule {rid}, which the change set adds or changes, selects no member of a "
                "commune committee: upper-level members are not part of a commune sweep, so it is not checked "
                "(check the whole scenario with planner check or planner decompose)"
            )
    return out


def split(
    scenario: Scenario, source: Source, sha: str, quota: list[str], settings: CheckSettings
) -> tuple[list[CommuneTask], set[str]]:
    """Each commune of ``scenario`` as a task; also the ids of the rules some commune keeps."""
    from planner.scale.parts import _Graph, _Rules, _sub_scenario

    inst = Instance(scenario)
    communes = [u.id for u in scenario.units if inst.unit_level(u.id) == "commune"]
    if not communes:
        return [], set()
    g = _Graph(inst)
    rules = _Rules(inst, set())
    rule_parts: dict[int, set[int]] = {i: set() for i in range(len(scenario.attendance))}
    units_of: dict[str, list[str]] = {c: [] for c in communes}
    for u in scenario.units:
        c = g.group.get(u.id)
        if c is not None:
            units_of[c].append(u.id)
    members_of: dict[str, list[str]] = {c: [] for c in communes}
    for m in scenario.members:
        if m.committee in members_of:
            members_of[m.committee].append(m.id)
    tasks = []
    kept: set[str] = set()
    for i, c in enumerate(communes):
        sub, _ = _sub_scenario(
            inst, g, i, tuple(members_of[c]), tuple(units_of[c]), set(), set(), {}, "part", rule_parts, rules
        )
        sub = _narrow(sub, inst.units[c].name, f"{source.path}#{c}")
        ids = {r.id for family in (sub.responsibility, sub.attendance, sub.coverage) for r in family}
        kept |= {x for x in ids if x is not None}
        province = next((inst.units[a].name for a in inst.ancestors[c][1:] if inst.unit_level(a) == "province"), "")
        tasks.append(
            CommuneTask(
                source.path,
                source.key,
                sha,
                c,
                inst.units[c].name,
                province,
                len(sub.members),
                len(units_of[c]) - 1,
                sub,
                tuple(q for q in quota if q in ids),
                settings,
            )
        )
    return tasks, kept


def _narrow(sub: Scenario, name: str, source: str) -> Scenario:
    """A commune's sub-scenario less the rules that only upper-level members could meet (see the module)."""
    resp = tuple(r for r in sub.responsibility if r.members.ids and r.units.ids)
    att = tuple(r for r in sub.attendance if r.units.ids)
    cov = tuple(r for r in sub.coverage if r.by.ids and r.units.ids)
    return sub.model_copy(
        update={"name": name, "source": source, "responsibility": resp, "attendance": att, "coverage": cov}
    )
