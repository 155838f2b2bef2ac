"""Change sets: a YAML file of operations applied, in order, to a base scenario (what-if after a reorganisation).

A change set reads::

    name: Đảng bộ xã Hợp Nhất — phân công 6 tháng cuối năm 2025     # optional: the new scenario's name
    changes:
      - period: {start: 2025-07, end: 2025-12}
      - merge: {units: [xa-a, xa-b, xa-c], into: {id: xa-moi, name: Đảng ủy xã Mới}}
        reason: Nghị quyết 1656/NQ-UBTVQH15          # optional; repeated in reports
      - remove: {units: [huyen], members: [huyen-uv1, huyen-uv2]}
      - set: {attendance[xa-moi-thang].at_least: 2, weights.stability: 20}

Each item holds exactly one operation (and an optional ``reason``):

==================  ==================================================================================================
``merge``           ``{units: [A, B, C], into: {id: N, name, ...unit fields}}``: a new unit N (fields not given are
                    the first unit's, tags the union) takes the place of A, B, C: their children move under N,
                    members of their committees join N's committee, every reference (parent, committee,
                    residence, home cell, selectors, fixed pins) to A, B or C names N. N must be a new id.
``split``           ``{unit: A, into: [{id, name, ...fields, children: [...], members: [...]}, ...]}``: A becomes
                    the parts (fields not given are A's); every child of A and every member of A's committee is
                    listed under exactly one part. Selectors naming A name all parts. One part may keep the id A.
``move``            ``{unit: X, parent: P}``: X (and what is below it) moves under P (``parent: null``: to the top).
``rename``          ``{unit: X, to: Y, name: ...}`` or ``{member: M, to: M2, name: ...}``: a new id (every reference
                    follows) and/or a new name.
``remove``          ``{units: [...], members: [...], rules: [...], fixed: [...]}`` (each a list or one item): rules
                    first (``attendance[xa-moi-thang]``, ``coverage[2]``), then pins (1-based numbers, or a mapping
                    matching pins: ``{unit: X, month: 2025-03}``), members, units. A removed unit's children move
                    to its parent; members of its committee must be removed or moved; pins naming it are dropped.
``add``             ``{unit: {...}}``, ``{member: {...}}``, ``{responsibility|attendance|coverage|fixed: {...}}``
                    (one item or a list).
``move_member``     ``{member: M, committee: C, residence: R, home_cell: H}`` (residence/home_cell optional).
``set``             ``{PATH: value, ...}``: any field, e.g. ``attendance[xa-moi-thang].at_least: 2``,
                    ``units[ban-03].meeting.day: 5``, ``members[uv-04].roles: [standing]``, ``weights.stability: 0``.
                    List items by id or by 1-based number (``coverage[1]``, as rule names are shown);
                    ``null`` deletes the field.
``period``          ``{start: 2025-07, end: 2025-12}`` (months or dates) or ``{year: 2026}``: the planning window;
                    pins on months outside it are dropped.
==================  ==================================================================================================

The engine works on the base scenario as plain data (its validated form, tables inlined), checks each operation
as it applies it (unknown ids, an existing id to merge into, cycles, …: each error names the change file, the
line, the change's number and what to do), then validates the result with the loader's own checks; a problem of
the result is charged to the earliest change from which it persists.

`IdMap` follows ids through the changes (merged units → the new unit, renamed ids → the new id, removed →
None); `map_plan` carries a baseline plan through it so the stability term compares like with like.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from planner.calendar import month_days, month_of, months_between
from planner.errors import InputError, Problem
from planner.io.loader import load_scenario, read_yaml_mapping, validate_mapping
from planner.plan import Plan
from planner.scenario import COMMITTEE_KINDS, Scenario, Unit

FieldPath = tuple[str | int, ...]
FAMILIES = ("responsibility", "attendance", "coverage")
OPS = ("merge", "split", "move", "rename", "remove", "add", "move_member", "set", "period")
_TOP_KEYS = ("name", "description", "changes")
_UNIT_FIELDS = tuple(Unit.model_fields)
_ADD_KINDS = ("unit", "member", *FAMILIES, "fixed")


# ============================================================================================== the file
@dataclass(frozen=True)
class Change:
    """One operation of a change set, normalised (``args``), with where it is in the file."""

    index: int  # 0-based position in ``changes``
    op: str
    args: Any
    reason: str
    line: int | None

    @property
    def number(self) -> int:
        return self.index + 1

    @property
    def label(self) -> str:
        return f"change {self.number} ({self.op})"

    def describe(self) -> str:
        """The change in a few words: ``merge xa-a, xa-b → xa-moi``."""
        a = self.args
        if self.op == "merge":
            return f"merge {', '.join(a['units'])} → {a['into']['id']}"
        if self.op == "split":
            return f"split {a['unit']} → {', '.join(p['id'] for p in a['into'])}"
        if self.op == "move":
            return f"move {a['unit']} under {a['parent'] or '(top)'}"
        if self.op == "rename":
            parts = [f"→ {a['to']}"] if a["to"] else []
            parts += [f"name '{a['name']}'"] if a["name"] else []
            return f"rename {a['kind']} {a['id']} {' '.join(parts)}"
        if self.op == "remove":
            parts = [f"{k} {', '.join(str(x) if not isinstance(x, dict) else _flow(x) for x in v)}"
                     for k, v in a.items() if v]
            return "remove " + "; ".join(parts)
        if self.op == "add":
            return f"add {a['what']} " + ", ".join(str(i.get("id") or i.get("name") or _flow(i)) for i in a["items"])
        if self.op == "move_member":
            return f"move member {a['member']} to committee {a['committee']}"
        if self.op == "set":
            return "set " + ", ".join(f"{p} = {_flow(v)}" for p, _, v in a)
        if self.op == "period":
            if "year" in a:
                return f"planning period: year {a['year']}"
            return f"planning period {a['start'].isoformat()}..{a['end'].isoformat()}"
        return self.op


@dataclass
class ChangeSet:
    file: str
    changes: list[Change]
    name: str | None = None
    description: str | None = None
    lines: dict[FieldPath, int] = field(default_factory=dict)

    def line(self, path: FieldPath) -> int | None:
        for n in range(len(path), 0, -1):
            if path[:n] in self.lines:
                return self.lines[path[:n]]
        return None

    def problem(self, change: Change, sub: FieldPath, message: str, hint: str = "") -> Problem:
        """A problem of one change: the file, the line of ``sub`` inside it, ``change 3 (merge).units``."""
        line = self.line(("changes", change.index, change.op) + sub) or change.line
        return Problem(self.file, line, change.label + _sub_text(sub), message, hint)

    def id_map(self) -> IdMap:
        """Where each id of the base ends up after these changes (computed from the changes alone)."""
        units: dict[str, str | None] = {}
        members: dict[str, str | None] = {}
        for c in self.changes:
            a = c.args
            if c.op == "merge":
                _redirect(units, a["units"], a["into"]["id"])
            elif c.op == "split":
                kept = any(p["id"] == a["unit"] for p in a["into"])
                if not kept:
                    _redirect(units, [a["unit"]], None)
            elif c.op == "rename" and a["to"]:
                _redirect(units if a["kind"] == "unit" else members, [a["id"]], a["to"])
            elif c.op == "remove":
                for uid in a["units"]:
                    _redirect(units, [uid], None)
                for mid in a["members"]:
                    _redirect(members, [mid], None)
        return IdMap(units, members)


def _redirect(table: dict[str, str | None], olds: list[str] | set[str], new: str | None) -> None:
    for old in olds:
        table.setdefault(old, old)
    for key, value in list(table.items()):
        if value in olds:
            table[key] = new


def _sub_text(sub: FieldPath) -> str:
    out = ""
    for part in sub:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _some(ids: list[str], n: int = 6) -> str:
    return ", ".join(ids[:n]) + (f", … ({len(ids) - n} more)" if len(ids) > n else "")


def _did_you_mean(word: object, choices: list[str] | tuple[str, ...]) -> str:
    match = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f"did you mean '{match[0]}'?" if match else ""


class _Bad(Exception):
    """A problem with one change's arguments: where inside the change, what, and how to fix it."""

    def __init__(self, sub: FieldPath, message: str, hint: str = ""):
        super().__init__(message)
        self.sub, self.message, self.hint = sub, message, hint


def read_changes(path: str | Path) -> ChangeSet:
    """Read and check the shape of a change set file; raise `InputError` with every problem found."""
    file = str(path)
    try:
        data, lines = read_yaml_mapping(path)
    except InputError as err:
        raise InputError([_flow_key_hint(p, path) for p in err.problems]) from None
    problems: list[Problem] = []
    for key in data:
        if key not in _TOP_KEYS:
            problems.append(Problem(file, lines.get((key,)), key, f"unknown key '{key}'",
                                    _did_you_mean(key, _TOP_KEYS) or f"allowed keys: {', '.join(_TOP_KEYS)}"))
    for key in ("name", "description"):
        if key in data and not isinstance(data[key], str):
            problems.append(Problem(file, lines.get((key,)), key, "expected text", "put it in quotes"))
    items = data.get("changes")
    if "changes" not in data:
        problems.append(Problem(file, None, None, "missing required key 'changes'",
                                "list the operations under 'changes:' (merge, split, move, rename, remove, add, "
                                "move_member, set, period)"))
        items = []
    elif items is None:
        items = []
    elif not isinstance(items, list):
        problems.append(Problem(file, lines.get(("changes",)), "changes", "expected a list of operations",
                                "write each operation as an item: '- merge: {...}'"))
        items = []
    cs = ChangeSet(file, [], data.get("name") if isinstance(data.get("name"), str) else None,
                   data.get("description") if isinstance(data.get("description"), str) else None, lines)
    for i, item in enumerate(items):
        line = lines.get(("changes", i))
        label = f"change {i + 1}"
        if not isinstance(item, dict):
            problems.append(Problem(file, line, label, "an operation is a mapping such as '- move: {unit: X, "
                                    "parent: P}'", f"operations: {', '.join(OPS)}"))
            continue
        ops = [k for k in item if k in OPS]
        others = [k for k in item if k not in OPS and k != "reason"]
        for k in others:
            problems.append(Problem(file, lines.get(("changes", i, k), line), label, f"unknown key '{k}'",
                                    _did_you_mean(k, OPS + ("reason",)) or f"operations: {', '.join(OPS)}"))
        if len(ops) != 1:
            if not others:
                problems.append(Problem(file, line, label, "give exactly one operation per item"
                                        + (f" (this one has {', '.join(ops)})" if ops else ""),
                                        f"operations: {', '.join(OPS)}"))
            continue
        op = ops[0]
        reason = item.get("reason")
        if reason is not None and not isinstance(reason, str):
            problems.append(Problem(file, lines.get(("changes", i, "reason"), line), f"{label} ({op}).reason",
                                    "expected text", "put it in quotes"))
            reason = None
        change = Change(i, op, None, reason or "", line)
        try:
            args = _PARSERS[op](item[op])
        except _Bad as bad:
            problems.append(cs.problem(change, bad.sub, bad.message, bad.hint))
            continue
        cs.changes.append(Change(i, op, args, reason or "", line))
    if problems:
        raise InputError(problems)
    return cs


def _flow_key_hint(p: Problem, path: str | Path) -> Problem:
    """A path key with brackets inside { } is a YAML syntax error: say how to write it."""
    if p.line is None or "YAML syntax error" not in p.message:
        return p
    try:
        text = Path(path).read_text(encoding="utf-8-sig").splitlines()[p.line - 1]
    except (OSError, UnicodeDecodeError, IndexError):
        return p
    if re.search(r"[{\[].*\w\[[^\]]*\]", text):
        return Problem(p.file, p.line, p.field, p.message,
                       "inside [ ] or { } a name with brackets must be quoted ('attendance[xa-moi-thang]', "
                       "set: {\"attendance[xa-moi-thang].at_least\": 2}); or write one item or key per line")
    return p


# ---------------------------------------------------------------------------------------------- argument shapes
def _mapping(value: Any, sub: FieldPath, form: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Bad(sub, f"expected a mapping, got {_show(value)}", f"write it as {form}")
    return value


def _keys(value: dict[str, Any], allowed: tuple[str, ...], sub: FieldPath = ()) -> None:
    for k in value:
        if k not in allowed:
            raise _Bad(sub + (k,), f"unknown key '{k}'", _did_you_mean(k, allowed) or f"allowed: {', '.join(allowed)}")


def _text(value: Any, sub: FieldPath, what: str = "an id") -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)) or value == "":
        raise _Bad(sub, f"expected {what}, got {_show(value)}")
    return str(value)


def _id_list(value: Any, sub: FieldPath, what: str = "ids") -> list[str]:
    """One id or a list of ids."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    out = []
    for j, v in enumerate(items):
        out.append(_text(v, sub + ((j,) if isinstance(value, list) else ()), f"one of the {what}"))
    return out


def _required(value: dict[str, Any], key: str, sub: FieldPath, form: str) -> Any:
    if key not in value:
        raise _Bad(sub, f"missing '{key}'", f"write it as {form}")
    return value[key]


def _parse_merge(value: Any) -> dict[str, Any]:
    form = "{units: [A, B, C], into: {id: N, name: ...}}"
    value = _mapping(value, (), form)
    _keys(value, ("units", "into"))
    units = _id_list(_required(value, "units", (), form), ("units",), "units")
    if len(units) < 2:
        raise _Bad(("units",), "a merge needs at least two units", "to change one unit's id or name use rename")
    dup = [u for i, u in enumerate(units) if u in units[:i]]
    if dup:
        raise _Bad(("units",), f"'{dup[0]}' is listed twice", "list each unit once")
    into = _mapping(_required(value, "into", (), form), ("into",), "{id: N, name: ...}")
    _keys(into, _UNIT_FIELDS, ("into",))
    _text(_required(into, "id", ("into",), "{id: N, name: ...}"), ("into", "id"))
    _text(_required(into, "name", ("into",), "{id: N, name: ...}"), ("into", "name"), "a name")
    return {"units": units, "into": dict(into)}


def _parse_split(value: Any) -> dict[str, Any]:
    form = "{unit: A, into: [{id: A1, name: ..., children: [...]}, {id: A2, ...}]}"
    value = _mapping(value, (), form)
    _keys(value, ("unit", "into"))
    unit = _text(_required(value, "unit", (), form), ("unit",))
    parts = _required(value, "into", (), form)
    if not isinstance(parts, list) or len(parts) < 2:
        raise _Bad(("into",), "a split needs a list of at least two parts", f"write it as {form}")
    out = []
    for j, part in enumerate(parts):
        part = _mapping(part, ("into", j), "{id: A1, name: ..., children: [...], members: [...]}")
        _keys(part, _UNIT_FIELDS + ("children", "members"), ("into", j))
        pid = _text(_required(part, "id", ("into", j), "{id: A1, name: ...}"), ("into", j, "id"))
        if any(p["id"] == pid for p in out):
            raise _Bad(("into", j, "id"), f"two parts have the id '{pid}'", "give each part its own id")
        if pid != unit:
            _text(_required(part, "name", ("into", j), "{id: A1, name: ...}"), ("into", j, "name"), "a name")
        fields = {k: v for k, v in part.items() if k not in ("children", "members")}
        out.append({"id": pid, "fields": fields,
                    "children": _id_list(part.get("children"), ("into", j, "children"), "units"),
                    "members": _id_list(part.get("members"), ("into", j, "members"), "members")})
    return {"unit": unit, "into": out}


def _parse_move(value: Any) -> dict[str, Any]:
    form = "{unit: X, parent: P}"
    value = _mapping(value, (), form)
    _keys(value, ("unit", "parent"))
    unit = _text(_required(value, "unit", (), form), ("unit",))
    parent = _required(value, "parent", (), form + " (parent: null moves it to the top)")
    return {"unit": unit, "parent": None if parent is None else _text(parent, ("parent",))}


def _parse_rename(value: Any) -> dict[str, Any]:
    form = "{unit: X, to: Y, name: ...} or {member: M, to: M2, name: ...}"
    value = _mapping(value, (), form)
    _keys(value, ("unit", "member", "to", "name"))
    kinds = [k for k in ("unit", "member") if k in value]
    if len(kinds) != 1:
        raise _Bad((), "give exactly one of 'unit' or 'member'", f"write it as {form}")
    kind = kinds[0]
    old = _text(value[kind], (kind,))
    to = _text(value["to"], ("to",)) if value.get("to") is not None else None
    name = _text(value["name"], ("name",), "a name") if value.get("name") is not None else None
    if to is None and name is None:
        raise _Bad((), "nothing to rename: give 'to' (a new id) and/or 'name'", f"write it as {form}")
    if to == old:
        raise _Bad(("to",), f"the new id is the old one ('{old}')", "give a new id, or only 'name'")
    return {"kind": kind, "id": old, "to": to, "name": name}


_REMOVE_KEYS = {"unit": "units", "units": "units", "member": "members", "members": "members",
                "rule": "rules", "rules": "rules", "fixed": "fixed"}


def _parse_remove(value: Any) -> dict[str, Any]:
    form = "{units: [...], members: [...], rules: [...], fixed: [...]}"
    value = _mapping(value, (), form)
    _keys(value, tuple(_REMOVE_KEYS))
    out: dict[str, list[Any]] = {"rules": [], "fixed": [], "members": [], "units": []}
    for key, v in value.items():
        target = _REMOVE_KEYS[key]
        if target == "fixed":
            items = v if isinstance(v, list) else [v]
            for j, item in enumerate(items):
                sub = (key, j) if isinstance(v, list) else (key,)
                if isinstance(item, bool) or not isinstance(item, (int, dict)):
                    raise _Bad(sub, f"expected a pin's number (1-based) or a mapping matching pins, got {_show(item)}",
                               "e.g. fixed: [3] or fixed: [{unit: xa-a, month: 2025-03}]")
                if isinstance(item, dict):
                    _keys(item, ("member", "unit", "month", "charge", "attend", "date"), sub)
                    if not item:
                        raise _Bad(sub, "an empty mapping would match every pin", "name the member, unit or month")
                out["fixed"].append(item)
        else:
            out[target] += _id_list(v, (key,), target)
    if not any(out.values()):
        raise _Bad((), "nothing to remove", f"write it as {form}")
    return out


def _parse_add(value: Any) -> dict[str, Any]:
    form = "{unit: {...}}, {member: {...}}, {attendance: {...}} …"
    value = _mapping(value, (), form)
    _keys(value, _ADD_KINDS + ("units", "members"))
    if len(value) != 1:
        raise _Bad((), "give exactly one kind of thing to add", f"one of {', '.join(_ADD_KINDS)}")
    what, items = next(iter(value.items()))
    what = {"units": "unit", "members": "member"}.get(what, what)
    listed = items if isinstance(items, list) else [items]
    for j, item in enumerate(listed):
        sub = (next(iter(value)),) + ((j,) if isinstance(items, list) else ())
        _mapping(item, sub, "{id: ..., name: ..., ...}")
        if what in ("unit", "member"):
            _text(_required(item, "id", sub, "{id: ..., name: ...}"), sub + ("id",))
    return {"what": what, "items": [dict(i) for i in listed]}


def _parse_move_member(value: Any) -> dict[str, Any]:
    form = "{member: M, committee: C}"
    value = _mapping(value, (), form)
    _keys(value, ("member", "committee", "residence", "home_cell"))
    out: dict[str, Any] = {"member": _text(_required(value, "member", (), form), ("member",)),
                           "committee": _text(_required(value, "committee", (), form), ("committee",))}
    for key in ("residence", "home_cell"):
        if key in value:
            out[key] = None if value[key] is None else _text(value[key], (key,))
    return out


_SEGMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)((?:\[[^\[\]]+\])*)")


def _parse_path(text: str) -> list[tuple[str, list[str]]]:
    """``attendance[xa-moi-thang].including[1].at_least`` → [("attendance", ["xa-moi-thang"]), ...]."""
    out = []
    for part in text.split("."):
        m = _SEGMENT.fullmatch(part.strip())
        if m is None:
            raise ValueError(part)
        out.append((m.group(1), re.findall(r"\[([^\[\]]+)\]", m.group(2))))
    return out


def _parse_set(value: Any) -> list[tuple[str, list[tuple[str, list[str]]], Any]]:
    form = "{attendance[xa-moi-thang].at_least: 2}"
    value = _mapping(value, (), form)
    if not value:
        raise _Bad((), "nothing to set", f"write it as {form}")
    out = []
    for key, v in value.items():
        try:
            path = _parse_path(key)
        except ValueError as exc:
            raise _Bad((key,), f"'{key}' is not a field path (at '{exc}')",
                       "write names joined by dots, list items in brackets by id or 1-based number: "
                       "attendance[xa-moi-thang].at_least, units[ban-03].meeting.day") from None
        root = path[0][0]
        if root in ("units", "members") and not path[0][1]:
            raise _Bad((key,), f"'{key}' would replace every {root[:-1]}",
                       f"use add/remove for {root}, or address one: {root}[ID].field")
        if root in ("units", "members") and len(path) > 1 and path[1][0] == "id" and len(path[0][1]) == 1:
            raise _Bad((key,), "an id is changed with rename, so that every reference follows",
                       f"write: rename: {{{root[:-1]}: {path[0][1][0]}, to: NEW-ID}}")
        if root in ("year", "period"):
            raise _Bad((key,), "the planning window is changed with the period operation",
                       "write: period: {start: 2025-07, end: 2025-12} (it also drops pins outside the window)")
        out.append((key, path, v))
    return out


def _parse_period(value: Any) -> dict[str, Any]:
    form = "{start: 2025-07, end: 2025-12} or {year: 2026}"
    value = _mapping(value, (), form)
    _keys(value, ("start", "end", "year"))
    if "year" in value:
        if len(value) != 1:
            raise _Bad((), "give either 'year' or 'start' and 'end'", f"write it as {form}")
        year = value["year"]
        if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2200:
            raise _Bad(("year",), f"expected a year such as 2026, got {_show(year)}")
        return {"year": year}
    start = _month_bound(_required(value, "start", (), form), ("start",), first=True)
    end = _month_bound(_required(value, "end", (), form), ("end",), first=False)
    if end < start:
        raise _Bad(("end",), f"the period ends ({end}) before it starts ({start})", "swap 'start' and 'end'")
    return {"start": start, "end": end}


def _month_bound(value: Any, sub: FieldPath, first: bool) -> dt.date:
    """A month ``2025-07`` (its first or last day) or a date that is the first or last day of its month."""
    if isinstance(value, dt.date):
        days = month_days(month_of(value))
        want = days[0] if first else days[-1]
        if value != want:
            raise _Bad(sub, f"{value} is not the {'first' if first else 'last'} day of a month",
                       f"the window is whole months: write {want} or the month {month_of(value)}")
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value.strip()):
        days = month_days(value.strip())
        return days[0] if first else days[-1]
    raise _Bad(sub, f"expected a month (2025-07) or a date (2025-07-01), got {_show(value)}")


_PARSERS = {"merge": _parse_merge, "split": _parse_split, "move": _parse_move, "rename": _parse_rename,
            "remove": _parse_remove, "add": _parse_add, "move_member": _parse_move_member, "set": _parse_set,
            "period": _parse_period}


def _show(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    text = f"'{value}'" if isinstance(value, str) else "nothing" if value is None else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# ============================================================================================== id map
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


def map_plan(plan: Plan, id_map: IdMap | None = None, months: list[str] | None = None,
             members: set[str] | None = None, units: set[str] | None = None, keep_removed: bool = False) -> Plan:
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


# ============================================================================================== applying
@dataclass
class Effect:
    """What one change touched, for explaining a re-plan: unit and member ids (old and new), rule names."""

    change: Change
    units: set[str] = field(default_factory=set)
    members: set[str] = field(default_factory=set)
    rules: set[tuple[str, str]] = field(default_factory=set)  # (family, rule name) in the changed scenario
    old_rules: set[tuple[str, str]] = field(default_factory=set)  # rules removed (names in the base)


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
        head = [f"# {command}" if command else "# Written by planner apply.",
                f"# Base scenario: {self.base.source} — {self.base.name}",
                f"# Change set: {self.changes.file} ({len(self.changes.changes)} changes):"]
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


def scenario_data(scenario: Scenario) -> dict[str, Any]:
    """A validated scenario as the plain data of a file (lists, no defaults, tables inlined)."""
    return _plain(scenario.model_dump(mode="python", by_alias=True, exclude_defaults=True))


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


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


def _charge_problems(problems: list[Problem], base: Scenario, snapshots: list[dict[str, Any]],
                     cs: ChangeSet) -> list[Problem]:
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
        out.append(Problem(cs.file, c.line, c.label, f"leaves the scenario invalid: {p.field}: {p.message}"
                           if p.field else f"leaves the scenario invalid: {p.message}", p.hint))
    return out


# ---------------------------------------------------------------------------------------------- the engine
def _selectors(data: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any], str]]:
    """Every selector: (rule name, where in the rule, the selector, 'member' or 'unit')."""
    for family in FAMILIES:
        for i, rule in enumerate(data.get(family) or []):
            name = _rule_name(rule, family, i)
            if family == "responsibility":
                places = [("members", "member"), ("units", "unit")]
            elif family == "attendance":
                places = [("members", "member"), ("units", "unit")]
            else:
                places = [("units", "unit"), ("by", "member")]
            for key, kind in places:
                sel = rule.get(key)
                if isinstance(sel, dict):
                    yield name, key, sel, kind
            if family == "attendance":
                for j, inc in enumerate(rule.get("including") or []):
                    if isinstance(inc, dict) and isinstance(inc.get("units"), dict):
                        yield name, f"including[{j + 1}].units", inc["units"], "unit"


def _rule_name(rule: dict[str, Any], family: str, i: int) -> str:
    return f"{family}[{rule['id']}]" if rule.get("id") else f"{family}[{i + 1}]"


class _Engine:
    def __init__(self, data: dict[str, Any], cs: ChangeSet):
        self.data, self.cs = data, cs
        self.data.setdefault("units", [])
        self.data.setdefault("members", [])
        self.notes: list[tuple[int, str]] = []
        self.effects: list[Effect] = []
        self.change: Change | None = None
        self.effect: Effect | None = None

    # ------------------------------------------------------------------------------------------ lookups
    @property
    def units(self) -> list[dict[str, Any]]:
        return self.data["units"]

    @property
    def members(self) -> list[dict[str, Any]]:
        return self.data["members"]

    def unit_ids(self) -> list[str]:
        return [u["id"] for u in self.units]

    def member_ids(self) -> list[str]:
        return [m["id"] for m in self.members]

    def unit(self, uid: str, sub: FieldPath, what: str = "unit") -> dict[str, Any]:
        for u in self.units:
            if u["id"] == uid:
                return u
        raise _Bad(sub, f"unknown {what} '{uid}'", _did_you_mean(uid, self.unit_ids()) or "no unit has this id")

    def member(self, mid: str, sub: FieldPath) -> dict[str, Any]:
        for m in self.members:
            if m["id"] == mid:
                return m
        raise _Bad(sub, f"unknown member '{mid}'", _did_you_mean(mid, self.member_ids()) or "no member has this id")

    def new_unit_id(self, uid: str, sub: FieldPath, allowed: tuple[str, ...] = ()) -> None:
        if uid in self.unit_ids() and uid not in allowed:
            raise _Bad(sub, f"'{uid}' is the id of an existing unit",
                       "give the new unit an id no unit has (merging into an existing unit is not allowed: "
                       "list it among the units to merge and name the result anew)")

    def children(self, uid: str) -> list[str]:
        return [u["id"] for u in self.units if u.get("parent") == uid]

    def below(self, uid: str) -> set[str]:
        """Every unit under ``uid`` (not itself)."""
        out: set[str] = set()
        todo = [uid]
        while todo:
            for c in self.children(todo.pop()):
                if c not in out:
                    out.add(c)
                    todo.append(c)
        return out

    def chain_up(self, uid: str) -> list[str]:
        by_id = {u["id"]: u for u in self.units}
        chain, cur = [], uid
        while cur is not None and cur in by_id and cur not in chain:
            chain.append(cur)
            cur = by_id[cur].get("parent")
        return chain

    def note(self, text: str) -> None:
        assert self.change is not None
        self.notes.append((self.change.index, text))

    # ------------------------------------------------------------------------------------------ references
    def map_unit_refs(self, mapping: dict[str, list[str]], sub: FieldPath,
                      skip_rules: set[str] = frozenset()) -> None:  # type: ignore[assignment]
        """Replace unit ids in selectors (``ids``, ``under``, ``committee``): each old id by a list of new ones.
        A list left empty is an error (the rule would change meaning), unless its rule is in ``skip_rules``."""
        for name, key, sel, kind in _selectors(self.data):
            for field_ in (("committee",) if kind == "member" else ("ids", "under")):
                self._map_list(sel, field_, mapping, name, key, sub, skip_rules)

    def map_member_refs(self, mapping: dict[str, list[str]], sub: FieldPath,
                        skip_rules: set[str] = frozenset()) -> None:  # type: ignore[assignment]
        for name, key, sel, kind in _selectors(self.data):
            if kind == "member":
                self._map_list(sel, "ids", mapping, name, key, sub, skip_rules)

    def _map_list(self, sel: dict[str, Any], key: str, mapping: dict[str, list[str]], rule: str, where: str,
                  sub: FieldPath, skip_rules: set[str]) -> None:
        values = sel.get(key)
        if values is None:
            return
        values = values if isinstance(values, list) else [values]
        if not any(v in mapping for v in values):
            return
        new: list[str] = []
        for v in values:
            for n in mapping.get(v, [v]):
                if n not in new:
                    new.append(n)
        if not new and rule not in skip_rules:
            gone = ", ".join(f"'{v}'" for v in values)
            raise _Bad(sub, f"rule {rule} selects its {where} by {key} {gone} only, which this change removes",
                       f"remove the rule in the same operation (rules: [{rule}]) or change its selector first "
                       f"with set: {{{rule}.{where}.{key}: [...]}}")
        sel[key] = new

    def redirect_units(self, olds: list[str], new: str) -> None:
        """Every reference to one of ``olds`` (parent, committee, residence, home cell, selectors, pins) names
        ``new`` (a merge, a rename)."""
        gone = set(olds)
        for u in self.units:
            if u.get("parent") in gone:
                u["parent"] = new
        for m in self.members:
            for key in ("committee", "residence", "home_cell"):
                if m.get(key) in gone:
                    m[key] = new
        self.map_unit_refs({uid: [new] for uid in olds}, ())
        for f in self.fixed_items():
            if f.get("unit") in gone:
                f["unit"] = new

    def rehouse(self, uid: str, parent: str | None, fate: str) -> None:
        """Members who lived in ``uid`` (split or removed: ``fate``) now live in its parent; a home cell
        ``uid`` is no longer given. Each said in a note."""
        for m in self.members:
            if m.get("residence") == uid:
                _put(m, "residence", parent)
                self.note(f"{m['id']} lived in {uid}: residence now {parent or 'not given'}")
            if m.get("home_cell") == uid:
                del m["home_cell"]
                self.note(f"{m['id']}'s home cell {uid} {fate}: home cell now not given")

    def fixed_items(self) -> list[dict[str, Any]]:
        return self.data.get("fixed") or []

    def drop_fixed(self, pred, why: str) -> None:
        kept, dropped = [], []
        for f in self.fixed_items():
            (dropped if pred(f) else kept).append(f)
        if dropped:
            self.data["fixed"] = kept
            self.note(f"dropped {len(dropped)} pin{'s' if len(dropped) != 1 else ''} {why}: "
                      + "; ".join(_flow(f) for f in dropped))

    def dedupe_fixed(self, sub: FieldPath) -> None:
        """Pins made equal by a merge count once; pins made contradictory are an error."""
        seen: dict[tuple[Any, ...], tuple[int, dict[str, Any]]] = {}
        out = []
        for i, f in enumerate(self.fixed_items()):
            if "charge" in f:
                key, value = ("charge", f.get("member"), f.get("unit")), f["charge"]
            elif "attend" in f:
                key, value = ("attend", f.get("member"), f.get("unit"), f.get("month")), f["attend"]
            else:
                key, value = ("date", f.get("unit"), f.get("month")), f.get("date")
            if key in seen:
                if seen[key][1] != value:
                    raise _Bad(sub, f"after the merge, pins {seen[key][0] + 1} and {i + 1} contradict each other "
                               f"({_flow(seen[key][2])} vs {_flow(f)})",
                               f"remove one of them before merging: remove: {{fixed: [{i + 1}]}}")
                continue
            seen[key] = (i, value, f)  # type: ignore[assignment]
            out.append(f)
        if "fixed" in self.data:
            self.data["fixed"] = out

    # ------------------------------------------------------------------------------------------ apply
    def apply(self, change: Change) -> None:
        self.change, self.effect = change, Effect(change)
        getattr(self, f"op_{change.op}")(change.args)
        self.effects.append(self.effect)

    def op_merge(self, a: dict[str, Any]) -> None:
        olds: list[str] = a["units"]
        for j, uid in enumerate(olds):
            self.unit(uid, ("units", j))
        into = a["into"]
        nid = str(into["id"])
        if nid in olds:
            raise _Bad(("into", "id"), f"'{nid}' is one of the units merged; merging into an existing id is not "
                       "allowed", "give the merged unit a new id (rename it afterwards if it must keep this one)")
        self.new_unit_id(nid, ("into", "id"))
        first = self.unit(olds[0], ("units", 0))
        new = {k: copy.deepcopy(v) for k, v in first.items()}
        tags: list[str] = []
        for uid in olds:
            for t in self.unit(uid, ()).get("tags") or []:
                if t not in tags:
                    tags.append(t)
        if tags:
            new["tags"] = tags
        merged = set(olds)
        parent = first.get("parent")
        while parent in merged:
            parent = self.unit(parent, ()).get("parent")
        _put(new, "parent", parent)
        new.update(copy.deepcopy(into))
        new["id"] = nid
        if new.get("parent") is not None:
            p = self.unit(new["parent"], ("into", "parent"), "parent unit")
            if p["id"] in merged or any(p["id"] in self.below(u) for u in olds):
                raise _Bad(("into", "parent"), f"'{p['id']}' is merged or lies below a merged unit; the units "
                           "would form a cycle", "name a unit above the merged ones, or omit 'parent'")
        order = {f: i for i, f in enumerate(_UNIT_FIELDS)}
        new = dict(sorted(new.items(), key=lambda kv: order.get(kv[0], 99)))
        pos = min(i for i, u in enumerate(self.units) if u["id"] in merged)
        moved = [u["id"] for u in self.units if u.get("parent") in merged and u["id"] not in merged]
        joined = [m["id"] for m in self.members if m.get("committee") in merged]
        rest = [u for u in self.units if u["id"] not in merged]
        rest.insert(pos - sum(1 for u in self.units[:pos] if u["id"] in merged), new)
        self.data["units"] = rest
        self.redirect_units(olds, nid)
        self.dedupe_fixed(())
        if moved:
            self.note(f"{len(moved)} unit{'s' if len(moved) != 1 else ''} moved under {nid}")
        if joined:
            self.note(f"{len(joined)} member{'s' if len(joined) != 1 else ''} joined the committee {nid}: "
                      + _some(joined))
        assert self.effect is not None
        self.effect.units |= merged | {nid}

    def op_split(self, a: dict[str, Any]) -> None:
        uid = a["unit"]
        old = self.unit(uid, ("unit",))
        parts = a["into"]
        keep = any(p["id"] == uid for p in parts)
        for j, p in enumerate(parts):
            self.new_unit_id(p["id"], ("into", j, "id"), allowed=(uid,))
        kids = self.children(uid)
        listed: dict[str, int] = {}
        for j, p in enumerate(parts):
            for c in p["children"]:
                if c in listed:
                    raise _Bad(("into", j, "children"), f"'{c}' is listed under parts {listed[c] + 1} and {j + 1}",
                               "list each child under one part")
                if c not in kids:
                    self.unit(c, ("into", j, "children"))
                    raise _Bad(("into", j, "children"), f"'{c}' is not a child of '{uid}'",
                               f"the children of '{uid}' are: {', '.join(kids) or 'none'}")
                listed[c] = j
        missing = [c for c in kids if c not in listed]
        if missing:
            raise _Bad(("into",), f"the child{'ren' if len(missing) > 1 else ''} {', '.join(missing)} of '{uid}' "
                       "not listed under any part", "list every child under one part's 'children'")
        seated = [m["id"] for m in self.members if m.get("committee") == uid]
        placed: dict[str, int] = {}
        for j, p in enumerate(parts):
            for mid in p["members"]:
                self.member(mid, ("into", j, "members"))
                if mid not in seated:
                    raise _Bad(("into", j, "members"), f"'{mid}' does not sit on the committee '{uid}'",
                               "list only members of the split committee; use move_member for others")
                if mid in placed:
                    raise _Bad(("into", j, "members"), f"'{mid}' is listed under parts {placed[mid] + 1} and {j + 1}")
                placed[mid] = j
        unplaced = [m for m in seated if m not in placed]
        if unplaced and not keep:
            raise _Bad(("into",), f"members of the committee '{uid}' not listed under any part: "
                       f"{', '.join(unplaced)}", "list each under one part's 'members' (or remove them first)")
        news = []
        for p in parts:
            unit = {k: copy.deepcopy(v) for k, v in old.items()}
            unit.update(copy.deepcopy(p["fields"]))
            news.append(unit)
        pos = next(i for i, u in enumerate(self.units) if u["id"] == uid)
        self.data["units"] = self.units[:pos] + news + self.units[pos + 1:]
        for j, p in enumerate(parts):
            for c in p["children"]:
                next(u for u in self.units if u["id"] == c)["parent"] = p["id"]
        for m in self.members:
            if m["id"] in placed:
                m["committee"] = parts[placed[m["id"]]]["id"]
        ids = [p["id"] for p in parts]
        if not keep:
            self.rehouse(uid, old.get("parent"), "was split")
            self.drop_fixed(lambda f: f.get("unit") == uid, f"on the split unit {uid}")
        self.map_unit_refs({uid: ids}, ())
        assert self.effect is not None
        self.effect.units |= {uid, *ids}

    def op_move(self, a: dict[str, Any]) -> None:
        uid, parent = a["unit"], a["parent"]
        unit = self.unit(uid, ("unit",))
        if parent is not None:
            self.unit(parent, ("parent",), "parent unit")
            if parent == uid:
                raise _Bad(("parent",), f"a unit cannot be its own parent ('{uid}')", "name the unit above it")
            if parent in self.below(uid):
                path = list(reversed(self.chain_up(parent)))
                path = path[path.index(uid):]
                raise _Bad(("parent",), f"moving '{uid}' under '{parent}' makes a cycle: '{parent}' lies below "
                           f"'{uid}' ({' → '.join(path)})", f"move '{parent}' out from under '{uid}' first, or "
                           "choose another parent")
            unit["parent"] = parent
        else:
            unit.pop("parent", None)
        assert self.effect is not None
        self.effect.units.add(uid)

    def op_rename(self, a: dict[str, Any]) -> None:
        old, to, name = a["id"], a["to"], a["name"]
        if a["kind"] == "unit":
            unit = self.unit(old, ("unit",))
            if to is not None:
                self.new_unit_id(to, ("to",))
                unit["id"] = to
                self.redirect_units([old], to)
            if name is not None:
                unit["name"] = name
        else:
            member = self.member(old, ("member",))
            if to is not None:
                if to in self.member_ids():
                    raise _Bad(("to",), f"'{to}' is the id of an existing member", "give a new id")
                member["id"] = to
                for f in self.fixed_items():
                    if f.get("member") == old:
                        f["member"] = to
                self.map_member_refs({old: [to]}, ())
            if name is not None:
                member["name"] = name

    def op_remove(self, a: dict[str, Any]) -> None:
        assert self.effect is not None
        removed_rules: set[str] = set()
        drop: dict[str, set[int]] = {f: set() for f in FAMILIES}
        for j, ref in enumerate(a["rules"]):
            family, i = self.find_rule(ref, ("rules", j))
            rule = self.data[family][i]
            names = {_rule_name(rule, family, i), f"{family}[{i + 1}]"}
            removed_rules |= names
            drop[family].add(i)
            self.effect.old_rules.add((family, _rule_name(rule, family, i)))
        fixed = self.fixed_items()
        gone: set[int] = set()
        for j, ref in enumerate(a["fixed"]):
            if isinstance(ref, int):
                if not 1 <= ref <= len(fixed):
                    raise _Bad(("fixed", j), f"there is no pin {ref}: the scenario has {len(fixed)} pins",
                               "pins are numbered from 1 in the order of 'fixed'")
                gone.add(ref - 1)
            else:
                hits = {i for i, f in enumerate(fixed)
                        if all(str(f.get(k)) == str(v) for k, v in ref.items())}
                if not hits:
                    raise _Bad(("fixed", j), f"no pin matches {_flow(ref)}", "check the member, unit and month")
                gone |= hits
        for family in FAMILIES:
            if drop[family]:
                self.data[family] = [r for i, r in enumerate(self.data[family]) if i not in drop[family]]
        if gone:
            self.data["fixed"] = [f for i, f in enumerate(fixed) if i not in gone]
        for j, mid in enumerate(a["members"]):
            self.member(mid, ("members", j))
            self.data["members"] = [m for m in self.members if m["id"] != mid]
            self.map_member_refs({mid: []}, ("members", j), removed_rules)
            self.drop_fixed(lambda f, mid=mid: f.get("member") == mid, f"on the removed member {mid}")
            self.effect.members.add(mid)
        for j, uid in enumerate(a["units"]):
            unit = self.unit(uid, ("units", j))
            seated = [m["id"] for m in self.members if m.get("committee") == uid]
            if seated:
                raise _Bad(("units", j), f"{len(seated)} member{'s sit' if len(seated) != 1 else ' sits'} on the "
                           f"committee '{uid}': {', '.join(seated)}",
                           "remove them in the same operation (members: [...]) or move them first (move_member)")
            parent = unit.get("parent")
            kids = self.children(uid)
            for u in self.units:
                if u.get("parent") == uid:
                    _put(u, "parent", parent)
            if kids:
                self.note(f"the units under {uid} ({_some(kids)}) now lie "
                          + (f"under {parent}" if parent else "at the top (no parent)"))
            self.rehouse(uid, parent, "is removed")
            self.data["units"] = [u for u in self.units if u["id"] != uid]
            # ids/committee lose the unit; 'under' keeps what lay below it
            for name, key, sel, kind in list(_selectors(self.data)):
                if kind == "member":
                    self._map_list(sel, "committee", {uid: []}, name, key, ("units", j), removed_rules)
                else:
                    self._map_list(sel, "ids", {uid: []}, name, key, ("units", j), removed_rules)
                    self._map_list(sel, "under", {uid: kids}, name, key, ("units", j), removed_rules)
            self.drop_fixed(lambda f, uid=uid: f.get("unit") == uid, f"on the removed unit {uid}")
            self.effect.units.add(uid)

    def find_rule(self, ref: str, sub: FieldPath) -> tuple[str, int]:
        """``attendance[xa-moi-thang]``, ``attendance[2]`` (1-based) or a bare id unique among all rules."""
        names = [_rule_name(r, f, i) for f in FAMILIES for i, r in enumerate(self.data.get(f) or [])]
        m = re.fullmatch(r"(\w+)\[(.+)\]", ref.strip())
        if m:
            family, key = m.group(1), m.group(2)
            if family not in FAMILIES:
                raise _Bad(sub, f"'{family}' is not a rule family", f"one of {', '.join(FAMILIES)}")
            i = _find_item(self.data.get(family) or [], key)
            if i is None:
                raise _Bad(sub, f"no rule {ref}", _did_you_mean(ref, names) or f"rules: {', '.join(names) or 'none'}")
            return family, i
        hits = [(f, i) for f in FAMILIES for i, r in enumerate(self.data.get(f) or []) if r.get("id") == ref]
        if len(hits) == 1:
            return hits[0]
        if hits:
            raise _Bad(sub, f"several rules have the id '{ref}'", "write family[id], e.g. attendance[" + ref + "]")
        raise _Bad(sub, f"no rule '{ref}'", _did_you_mean(ref, names) or f"rules: {', '.join(names) or 'none'}")

    def op_add(self, a: dict[str, Any]) -> None:
        what = a["what"]
        assert self.effect is not None
        for j, item in enumerate(a["items"]):
            sub = (what,) if len(a["items"]) == 1 else (what, j)
            item = copy.deepcopy(item)
            if what == "unit":
                self.new_unit_id(str(item["id"]), sub + ("id",))
                self.units.append(item)
                self.effect.units.add(str(item["id"]))
            elif what == "member":
                if str(item["id"]) in self.member_ids():
                    raise _Bad(sub + ("id",), f"'{item['id']}' is the id of an existing member", "give a new id")
                self.members.append(item)
                self.effect.members.add(str(item["id"]))
            elif what == "fixed":
                self.data.setdefault("fixed", []).append(item)
                if isinstance(item.get("member"), str):
                    self.effect.members.add(item["member"])
                if isinstance(item.get("unit"), str):
                    self.effect.units.add(item["unit"])
            else:
                rules = self.data.setdefault(what, [])
                if item.get("id") and any(r.get("id") == item["id"] for r in rules):
                    raise _Bad(sub + ("id",), f"a {what} rule '{item['id']}' exists already", "give another id")
                rules.append(item)
                self.effect.rules.add((what, _rule_name(item, what, len(rules) - 1)))

    def op_move_member(self, a: dict[str, Any]) -> None:
        member = self.member(a["member"], ("member",))
        committee = self.unit(a["committee"], ("committee",), "committee")
        if committee.get("kind") not in COMMITTEE_KINDS and committee.get("level") is None:
            raise _Bad(("committee",), f"'{committee['id']}' is a unit of kind '{committee.get('kind')}', not a "
                       "committee", "name a committee (kind province/district/commune_committee, or with a level)")
        member["committee"] = committee["id"]
        for key in ("residence", "home_cell"):
            if key in a:
                if a[key] is None:
                    member.pop(key, None)
                else:
                    self.unit(a[key], (key,), f"{key} unit")
                    member[key] = a[key]
        assert self.effect is not None
        self.effect.members.add(member["id"])

    def op_set(self, a: list[tuple[str, list[tuple[str, list[str]]], Any]]) -> None:
        assert self.effect is not None
        for text, path, value in a:
            self.set_path(text, path, value)

    def set_path(self, text: str, path: list[tuple[str, list[str]]], value: Any) -> None:
        assert self.effect is not None
        sub: FieldPath = (text,)
        node: Any = self.data
        done = ""
        steps: list[tuple[Any, Any]] = []  # (container, key) for each step
        for n, (name, keys) in enumerate(path):
            last_name = n == len(path) - 1 and not keys
            if not isinstance(node, dict):
                raise _Bad(sub, f"'{done}' is {_show(node)}, not a mapping: it has no field '{name}'")
            if name not in node and not last_name:
                if keys:
                    raise _Bad(sub, f"there is no '{(done + '.' if done else '') + name}' list to pick from",
                               f"add items with add: {{{name.rstrip('s')}: {{...}}}}" if name in FAMILIES + ("fixed",)
                               else "check the path")
                node[name] = {}
            steps.append((node, name))
            done = (done + "." if done else "") + name
            if last_name:
                break
            node = node[name]
            for key in keys:
                if not isinstance(node, list):
                    raise _Bad(sub, f"'{done}' is not a list; '[{key}]' picks an item of a list")
                i = _find_item(node, key)
                if i is None:
                    ids = [str(x.get("id")) for x in node if isinstance(x, dict) and x.get("id")]
                    hint = _did_you_mean(key, ids) or (f"items are addressed by id ({', '.join(ids[:6])}"
                                                       f"{', …' if len(ids) > 6 else ''}) or by number 1..{len(node)}"
                                                       if ids else f"items are numbered 1..{len(node)}")
                    raise _Bad(sub, f"no item '{key}' in '{done}'", hint)
                steps.append((node, i))
                if n == 0 and name in ("units", "members") and self.decisive(name, path):
                    (self.effect.units if name == "units" else self.effect.members).add(str(node[i].get("id")))
                if n == 0 and name in FAMILIES:
                    self.effect.rules.add((name, _rule_name(node[i], name, i)))
                done += f"[{key}]"
                node = node[i]
        container, key = steps[-1]
        if isinstance(key, int):
            if value is None:
                raise _Bad(sub, "null would delete a list item", "use remove")
            old = container[key]
            if path[0][0] in ("units", "members") and len(path) == 1 and isinstance(value, dict) \
                    and value.get("id") != old.get("id"):
                raise _Bad(sub, "replacing an item must keep its id", "change ids with rename")
            container[key] = value
        elif value is None:
            container.pop(key, None)
        else:
            container[key] = value
        if path[0][0] in FAMILIES and len(path[0][1]) == 1:
            family = path[0][0]
            i = _find_item(self.data.get(family) or [], path[0][1][0])
            if i is not None:
                self.effect.rules.add((family, _rule_name(self.data[family][i], family, i)))

    def decisive(self, root: str, path: list[tuple[str, list[str]]]) -> bool:
        """Can setting this field of a unit or member change decisions? (A name cannot; roles and tags only
        when some member selector reads them.)"""
        if len(path) < 2:
            return True
        key = path[1][0]
        if key == "name":
            return False
        if root == "members" and key in ("roles", "tags"):
            return any(kind == "member" and sel.get(key) is not None for _, _, sel, kind in _selectors(self.data))
        return True

    def op_period(self, a: dict[str, Any]) -> None:
        if "year" in a:
            self.data.pop("period", None)
            self.data["year"] = a["year"]
            months = set(months_between(dt.date(a["year"], 1, 1), dt.date(a["year"], 12, 31)))
        else:
            self.data.pop("year", None)
            self.data["period"] = {"start": a["start"], "end": a["end"]}
            months = set(months_between(a["start"], a["end"]))
        self.drop_fixed(lambda f: "month" in f and str(f["month"]) not in months, "on months outside the new window")


def _put(item: dict[str, Any], key: str, value: Any) -> None:
    """``item[key] = value``, or no ``key`` at all when ``value`` is None."""
    if value is None:
        item.pop(key, None)
    else:
        item[key] = value


def _find_item(items: list[Any], key: str) -> int | None:
    """The index of the item whose id is ``key``, else of the 1-based number ``key``."""
    for i, item in enumerate(items):
        if isinstance(item, dict) and str(item.get("id")) == key:
            return i
    if re.fullmatch(r"\d+", key.strip()):
        n = int(key)
        if 1 <= n <= len(items):
            return n - 1
    return None


# ============================================================================================== writing YAML
_TOP_ORDER = ("name", "year", "period", "calendar", "units", "members", "responsibility", "attendance", "coverage",
              "limits", "fixed", "weights")


_RULE_ORDER = {k: i for i, k in enumerate(("id", "members", "units", "by", "per", "at_least", "at_most", "including",
                                             "in_charge", "per_unit", "per_member", "basis", "own_cell"))}


def _flow(value: Any) -> str:
    """One value in YAML flow style, on one line."""
    text = yaml.safe_dump({"k": _pretty(value)}, default_flow_style=True, allow_unicode=True, sort_keys=False,
                          width=1 << 30).strip()
    assert text.startswith("{k: ") and text.endswith("}"), text
    return text[4:-1]


def _pretty(value: Any) -> Any:
    """``flex: [2, 2]`` as ``flex: 2``; otherwise unchanged."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k == "flex" and isinstance(v, (list, tuple)) and len(v) == 2 and v[0] == v[1]:
                v = v[0]
            out[k] = _pretty(v)
        return out
    if isinstance(value, (list, tuple)):
        return [_pretty(v) for v in value]
    return value


def dump_scenario(data: dict[str, Any], header: list[str] | None = None) -> str:
    """A scenario as readable YAML: units, members and pins one flow mapping a line; rules as blocks with
    their selectors in flow style; everything re-loadable by `load_scenario`."""
    lines = list(header or [])
    keys = [k for k in _TOP_ORDER if k in data] + [k for k in data if k not in _TOP_ORDER]
    for key in keys:
        value = data[key]
        if key in ("units", "members", "fixed"):
            lines.append("")
            lines.append(f"{key}:" if value else f"{key}: []")
            lines += [f"  - {_flow(item)}" for item in value]
        elif key in FAMILIES:
            lines.append("")
            lines.append(f"{key}:" if value else f"{key}: []")
            for rule in value:
                first = True
                for k, v in sorted(rule.items(), key=lambda kv: _RULE_ORDER.get(kv[0], 99)):
                    prefix = "  - " if first else "    "
                    first = False
                    if k == "including" and isinstance(v, list):
                        lines.append(f"{prefix}{k}:")
                        lines += [f"      - {_flow(inc)}" for inc in v]
                    else:
                        lines.append(f"{prefix}{k}: {_flow(v)}")
        elif key == "calendar" and isinstance(value, dict):
            lines.append("calendar:")
            for k, v in value.items():
                if k == "blackouts" and isinstance(v, list) and v:
                    lines.append("  blackouts:")
                    lines += [f"    - {_flow(b)}" for b in v]
                else:
                    lines.append(f"  {k}: {_flow(v)}")
        else:
            if key in ("limits", "weights"):
                lines.append("")
            lines.append(f"{key}: {_flow(value)}")
    return "\n".join(lines) + "\n"
