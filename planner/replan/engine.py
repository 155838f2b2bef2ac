"""The edit engine: the operations of a change set applied one at a time to a scenario as plain data.

The engine works on the base scenario as plain data (its validated form, tables inlined) and checks each
operation as it applies it (unknown ids, an existing id to merge into, cycles, …: each error names the change
file, the line, the change's number and what to do). Each operation records what it touched (an `Effect`) and
what it did besides the obvious (notes); `planner.replan.apply` then validates the result.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from planner.calendar import months_between
from planner.errors import did_you_mean
from planner.io.yaml_writer import flow
from planner.replan.change_set import _UNIT_FIELDS, FAMILIES, Change, ChangeSet, FieldPath, _Bad, _show
from planner.replan.plain_data import _find_item, _put, _rule_name, _selectors
from planner.scenario import COMMITTEE_KINDS


@dataclass
class Effect:
    """What one change touched, for explaining a re-plan: unit and member ids (old and new), rule names."""

    change: Change
    units: set[str] = field(default_factory=set)
    members: set[str] = field(default_factory=set)
    rules: set[tuple[str, str]] = field(default_factory=set)  # (family, rule name) in the changed scenario
    old_rules: set[tuple[str, str]] = field(default_factory=set)  # rules removed (names in the base)


def _some(ids: list[str], n: int = 6) -> str:
    return ", ".join(ids[:n]) + (f", … ({len(ids) - n} more)" if len(ids) > n else "")


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
        raise _Bad(sub, f"unknown {what} '{uid}'", did_you_mean(uid, self.unit_ids()) or "no unit has this id")

    def member(self, mid: str, sub: FieldPath) -> dict[str, Any]:
        for m in self.members:
            if m["id"] == mid:
                return m
        raise _Bad(sub, f"unknown member '{mid}'", did_you_mean(mid, self.member_ids()) or "no member has this id")

    def new_unit_id(self, uid: str, sub: FieldPath, allowed: tuple[str, ...] = ()) -> None:
        if uid in self.unit_ids() and uid not in allowed:
            raise _Bad(
                sub,
                f"'{uid}' is the id of an existing unit",
                "give the new unit an id no unit has (merging into an existing unit is not allowed: "
                "list it among the units to merge and name the result anew)",
            )

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
    def map_unit_refs(self, mapping: dict[str, list[str]], sub: FieldPath, skip_rules: set[str] = frozenset()) -> None:  # type: ignore[assignment]
        """Replace unit ids in selectors (``ids``, ``under``, ``committee``): each old id by a list of new ones.
        A list left empty is an error (the rule would change meaning), unless its rule is in ``skip_rules``."""
        for name, key, sel, kind in _selectors(self.data):
            for field_ in ("committee",) if kind == "member" else ("ids", "under"):
                self._map_list(sel, field_, mapping, name, key, sub, skip_rules)

    def map_member_refs(
        self, mapping: dict[str, list[str]], sub: FieldPath, skip_rules: set[str] = frozenset()
    ) -> None:  # type: ignore[assignment]
        for name, key, sel, kind in _selectors(self.data):
            if kind == "member":
                self._map_list(sel, "ids", mapping, name, key, sub, skip_rules)

    def _map_list(
        self,
        sel: dict[str, Any],
        key: str,
        mapping: dict[str, list[str]],
        rule: str,
        where: str,
        sub: FieldPath,
        skip_rules: set[str],
    ) -> None:
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
        if not new and where.endswith(".not"):
            sel[key] = []  # what a 'not' left out is gone: it now leaves out nothing by this field
            return
        if not new and rule not in skip_rules:
            gone = ", ".join(f"'{v}'" for v in values)
            raise _Bad(
                sub,
                f"rule {rule} selects its {where} by {key} {gone} only, which this change removes",
                f"remove the rule in the same operation (rules: [{rule}]) or change its selector first "
                f"with set: {{{rule}.{where}.{key}: [...]}}",
            )
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
        self.map_apart_from({uid: [new] for uid in olds})

    def map_apart_from(self, mapping: dict[str, list[str]]) -> None:
        """``apart_from`` lists follow merged, renamed, split and removed units (never naming the unit itself)."""
        for u in self.units:
            listed = u.get("apart_from")
            if not listed:
                continue
            listed = listed if isinstance(listed, list) else [listed]
            new = [n for v in listed for n in mapping.get(v, [v])]
            new = [n for i, n in enumerate(new) if n != u["id"] and n not in new[:i]]
            if new != listed:
                if new:
                    u["apart_from"] = new
                else:
                    del u["apart_from"]
                self.note(f"{u['id']} kept apart from: {', '.join(new) or 'no unit now'}")

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
            self.note(
                f"dropped {len(dropped)} pin{'s' if len(dropped) != 1 else ''} {why}: "
                + "; ".join(flow(f) for f in dropped)
            )

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
                    raise _Bad(
                        sub,
                        f"after the merge, pins {seen[key][0] + 1} and {i + 1} contradict each other "
                        f"({flow(seen[key][2])} vs {flow(f)})",
                        f"remove one of them before merging: remove: {{fixed: [{i + 1}]}}",
                    )
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
            raise _Bad(
                ("into", "id"),
                f"'{nid}' is one of the units merged; merging into an existing id is not allowed",
                "give the merged unit a new id (rename it afterwards if it must keep this one)",
            )
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
                raise _Bad(
                    ("into", "parent"),
                    f"'{p['id']}' is merged or lies below a merged unit; the units would form a cycle",
                    "name a unit above the merged ones, or omit 'parent'",
                )
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
            self.note(
                f"{len(joined)} member{'s' if len(joined) != 1 else ''} joined the committee {nid}: " + _some(joined)
            )
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
                    raise _Bad(
                        ("into", j, "children"),
                        f"'{c}' is listed under parts {listed[c] + 1} and {j + 1}",
                        "list each child under one part",
                    )
                if c not in kids:
                    self.unit(c, ("into", j, "children"))
                    raise _Bad(
                        ("into", j, "children"),
                        f"'{c}' is not a child of '{uid}'",
                        f"the children of '{uid}' are: {', '.join(kids) or 'none'}",
                    )
                listed[c] = j
        missing = [c for c in kids if c not in listed]
        if missing:
            raise _Bad(
                ("into",),
                f"the child{'ren' if len(missing) > 1 else ''} {', '.join(missing)} of '{uid}' "
                "not listed under any part",
                "list every child under one part's 'children'",
            )
        seated = [m["id"] for m in self.members if m.get("committee") == uid]
        placed: dict[str, int] = {}
        for j, p in enumerate(parts):
            for mid in p["members"]:
                self.member(mid, ("into", j, "members"))
                if mid not in seated:
                    raise _Bad(
                        ("into", j, "members"),
                        f"'{mid}' does not sit on the committee '{uid}'",
                        "list only members of the split committee; use move_member for others",
                    )
                if mid in placed:
                    raise _Bad(("into", j, "members"), f"'{mid}' is listed under parts {placed[mid] + 1} and {j + 1}")
                placed[mid] = j
        unplaced = [m for m in seated if m not in placed]
        if unplaced and not keep:
            raise _Bad(
                ("into",),
                f"members of the committee '{uid}' not listed under any part: {', '.join(unplaced)}",
                "list each under one part's 'members' (or remove them first)",
            )
        news = []
        for p in parts:
            unit = {k: copy.deepcopy(v) for k, v in old.items()}
            unit.update(copy.deepcopy(p["fields"]))
            news.append(unit)
        pos = next(i for i, u in enumerate(self.units) if u["id"] == uid)
        self.data["units"] = self.units[:pos] + news + self.units[pos + 1 :]
        for p in parts:
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
        meeting = {u["id"] for u in self.units if u.get("meeting")}
        self.map_apart_from({uid: [i for i in ids if i in meeting]})
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
                path = path[path.index(uid) :]
                raise _Bad(
                    ("parent",),
                    f"moving '{uid}' under '{parent}' makes a cycle: '{parent}' lies below "
                    f"'{uid}' ({' → '.join(path)})",
                    f"move '{parent}' out from under '{uid}' first, or choose another parent",
                )
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
                    raise _Bad(
                        ("fixed", j),
                        f"there is no pin {ref}: the scenario has {len(fixed)} pins",
                        "pins are numbered from 1 in the order of 'fixed'",
                    )
                gone.add(ref - 1)
            else:
                hits = {i for i, f in enumerate(fixed) if all(str(f.get(k)) == str(v) for k, v in ref.items())}
                if not hits:
                    raise _Bad(("fixed", j), f"no pin matches {flow(ref)}", "check the member, unit and month")
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
                raise _Bad(
                    ("units", j),
                    f"{len(seated)} member{'s sit' if len(seated) != 1 else ' sits'} on the "
                    f"committee '{uid}': {', '.join(seated)}",
                    "remove them in the same operation (members: [...]) or move them first (move_member)",
                )
            parent = unit.get("parent")
            kids = self.children(uid)
            for u in self.units:
                if u.get("parent") == uid:
                    _put(u, "parent", parent)
            if kids:
                self.note(
                    f"the units under {uid} ({_some(kids)}) now lie "
                    + (f"under {parent}" if parent else "at the top (no parent)")
                )
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
            self.map_apart_from({uid: []})
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
                raise _Bad(sub, f"no rule {ref}", did_you_mean(ref, names) or f"rules: {', '.join(names) or 'none'}")
            return family, i
        hits = [(f, i) for f in FAMILIES for i, r in enumerate(self.data.get(f) or []) if r.get("id") == ref]
        if len(hits) == 1:
            return hits[0]
        if hits:
            raise _Bad(sub, f"several rules have the id '{ref}'", "write family[id], e.g. attendance[" + ref + "]")
        raise _Bad(sub, f"no rule '{ref}'", did_you_mean(ref, names) or f"rules: {', '.join(names) or 'none'}")

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
            raise _Bad(
                ("committee",),
                f"'{committee['id']}' is a unit of kind '{committee.get('kind')}', not a committee",
                "name a committee (kind province/district/commune_committee, or with a level)",
            )
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
                    raise _Bad(
                        sub,
                        f"there is no '{(done + '.' if done else '') + name}' list to pick from",
                        f"add items with add: {{{name.rstrip('s')}: {{...}}}}"
                        if name in FAMILIES + ("fixed",)
                        else "check the path",
                    )
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
                    hint = did_you_mean(key, ids) or (
                        f"items are addressed by id ({', '.join(ids[:6])}"
                        f"{', …' if len(ids) > 6 else ''}) or by number 1..{len(node)}"
                        if ids
                        else f"items are numbered 1..{len(node)}"
                    )
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
            if (
                path[0][0] in ("units", "members")
                and len(path) == 1
                and isinstance(value, dict)
                and value.get("id") != old.get("id")
            ):
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
