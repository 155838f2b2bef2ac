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

`read_changes` reads a file and checks the shape of each operation into a `ChangeSet` of `Change` items (every
problem names the file, the line, the change's number and what to do); `ChangeSet.id_map` says where each id
ends up (`planner.replan.id_map`); `planner.replan.apply` applies the changes to a base scenario.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planner.calendar import month_days, month_of
from planner.errors import InputError, Problem, did_you_mean
from planner.io import read_yaml_mapping
from planner.io.yaml_writer import flow
from planner.replan.id_map import IdMap
from planner.scenario import MONTH_PATTERN, Unit

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
            parts = [
                f"{k} {', '.join(str(x) if not isinstance(x, dict) else flow(x) for x in v)}" for k, v in a.items() if v
            ]
            return "remove " + "; ".join(parts)
        if self.op == "add":
            return f"add {a['what']} " + ", ".join(str(i.get("id") or i.get("name") or flow(i)) for i in a["items"])
        if self.op == "move_member":
            return f"move member {a['member']} to committee {a['committee']}"
        if self.op == "set":
            return "set " + ", ".join(f"{p} = {flow(v)}" for p, _, v in a)
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
            problems.append(
                Problem(
                    file,
                    lines.get((key,)),
                    key,
                    f"unknown key '{key}'",
                    did_you_mean(key, _TOP_KEYS) or f"allowed keys: {', '.join(_TOP_KEYS)}",
                )
            )
    for key in ("name", "description"):
        if key in data and not isinstance(data[key], str):
            problems.append(Problem(file, lines.get((key,)), key, "expected text", "put it in quotes"))
    items = data.get("changes")
    if "changes" not in data:
        problems.append(
            Problem(
                file,
                None,
                None,
                "missing required key 'changes'",
                "list the operations under 'changes:' (merge, split, move, rename, remove, add, "
                "move_member, set, period)",
            )
        )
        items = []
    elif items is None:
        items = []
    elif not isinstance(items, list):
        problems.append(
            Problem(
                file,
                lines.get(("changes",)),
                "changes",
                "expected a list of operations",
                "write each operation as an item: '- merge: {...}'",
            )
        )
        items = []
    cs = ChangeSet(
        file,
        [],
        data.get("name") if isinstance(data.get("name"), str) else None,
        data.get("description") if isinstance(data.get("description"), str) else None,
        lines,
    )
    for i, item in enumerate(items):
        line = lines.get(("changes", i))
        label = f"change {i + 1}"
        if not isinstance(item, dict):
            problems.append(
                Problem(
                    file,
                    line,
                    label,
                    "an operation is a mapping such as '- move: {unit: X, parent: P}'",
                    f"operations: {', '.join(OPS)}",
                )
            )
            continue
        ops = [k for k in item if k in OPS]
        others = [k for k in item if k not in OPS and k != "reason"]
        for k in others:
            problems.append(
                Problem(
                    file,
                    lines.get(("changes", i, k), line),
                    label,
                    f"unknown key '{k}'",
                    did_you_mean(k, OPS + ("reason",)) or f"operations: {', '.join(OPS)}",
                )
            )
        if len(ops) != 1:
            if not others:
                problems.append(
                    Problem(
                        file,
                        line,
                        label,
                        "give exactly one operation per item" + (f" (this one has {', '.join(ops)})" if ops else ""),
                        f"operations: {', '.join(OPS)}",
                    )
                )
            continue
        op = ops[0]
        reason = item.get("reason")
        if reason is not None and not isinstance(reason, str):
            problems.append(
                Problem(
                    file,
                    lines.get(("changes", i, "reason"), line),
                    f"{label} ({op}).reason",
                    "expected text",
                    "put it in quotes",
                )
            )
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
        return Problem(
            p.file,
            p.line,
            p.field,
            p.message,
            "inside [ ] or { } a name with brackets must be quoted ('attendance[xa-moi-thang]', "
            'set: {"attendance[xa-moi-thang].at_least": 2}); or write one item or key per line',
        )
    return p


# ---------------------------------------------------------------------------------------------- argument shapes
def _mapping(value: Any, sub: FieldPath, form: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Bad(sub, f"expected a mapping, got {_show(value)}", f"write it as {form}")
    return value


def _keys(value: dict[str, Any], allowed: tuple[str, ...], sub: FieldPath = ()) -> None:
    for k in value:
        if k not in allowed:
            raise _Bad(sub + (k,), f"unknown key '{k}'", did_you_mean(k, allowed) or f"allowed: {', '.join(allowed)}")


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
        out.append(
            {
                "id": pid,
                "fields": fields,
                "children": _id_list(part.get("children"), ("into", j, "children"), "units"),
                "members": _id_list(part.get("members"), ("into", j, "members"), "members"),
            }
        )
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


_REMOVE_KEYS = {
    "unit": "units",
    "units": "units",
    "member": "members",
    "members": "members",
    "rule": "rules",
    "rules": "rules",
    "fixed": "fixed",
}


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
                    raise _Bad(
                        sub,
                        f"expected a pin's number (1-based) or a mapping matching pins, got {_show(item)}",
                        "e.g. fixed: [3] or fixed: [{unit: xa-a, month: 2025-03}]",
                    )
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
    out: dict[str, Any] = {
        "member": _text(_required(value, "member", (), form), ("member",)),
        "committee": _text(_required(value, "committee", (), form), ("committee",)),
    }
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
            raise _Bad(
                (key,),
                f"'{key}' is not a field path (at '{exc}')",
                "write names joined by dots, list items in brackets by id or 1-based number: "
                "attendance[xa-moi-thang].at_least, units[ban-03].meeting.day",
            ) from None
        root = path[0][0]
        if root in ("units", "members") and not path[0][1]:
            raise _Bad(
                (key,),
                f"'{key}' would replace every {root[:-1]}",
                f"use add/remove for {root}, or address one: {root}[ID].field",
            )
        if root in ("units", "members") and len(path) > 1 and path[1][0] == "id" and len(path[0][1]) == 1:
            raise _Bad(
                (key,),
                "an id is changed with rename, so that every reference follows",
                f"write: rename: {{{root[:-1]}: {path[0][1][0]}, to: NEW-ID}}",
            )
        if root in ("year", "period"):
            raise _Bad(
                (key,),
                "the planning window is changed with the period operation",
                "write: period: {start: 2025-07, end: 2025-12} (it also drops pins outside the window)",
            )
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
            raise _Bad(
                sub,
                f"{value} is not the {'first' if first else 'last'} day of a month",
                f"the window is whole months: write {want} or the month {month_of(value)}",
            )
        return value
    if isinstance(value, str) and MONTH_PATTERN.fullmatch(value.strip()):
        days = month_days(value.strip())
        return days[0] if first else days[-1]
    raise _Bad(sub, f"expected a month (2025-07) or a date (2025-07-01), got {_show(value)}")


_PARSERS = {
    "merge": _parse_merge,
    "split": _parse_split,
    "move": _parse_move,
    "rename": _parse_rename,
    "remove": _parse_remove,
    "add": _parse_add,
    "move_member": _parse_move_member,
    "set": _parse_set,
    "period": _parse_period,
}


def _show(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    text = f"'{value}'" if isinstance(value, str) else "nothing" if value is None else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
