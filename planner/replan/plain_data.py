"""A scenario as plain data (what a change set edits and `dump_scenario` writes): `scenario_data` makes it
from a validated scenario; helpers find in it the rules' selectors, a rule's name and a list item.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from planner.replan.change_set import FAMILIES
from planner.scenario import Scenario


def scenario_data(scenario: Scenario) -> dict[str, Any]:
    """A validated scenario as the plain data of a file (lists, no defaults, tables inlined)."""
    return _plain(scenario.model_dump(mode="python", by_alias=True, exclude_defaults=True))


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


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
                    yield from _nested(name, key, sel, kind)
            if family == "attendance":
                for j, inc in enumerate(rule.get("including") or []):
                    if isinstance(inc, dict) and isinstance(inc.get("units"), dict):
                        yield from _nested(name, f"including[{j + 1}].units", inc["units"], "unit")


def _nested(name: str, key: str, sel: dict[str, Any], kind: str) -> Iterator[tuple[str, str, dict[str, Any], str]]:
    """A selector and the selectors nested in its ``not`` (``members.not``, ``members.not.not``…)."""
    yield name, key, sel, kind
    inner = sel.get("not")
    if isinstance(inner, dict):
        yield from _nested(name, f"{key}.not", inner, kind)


def _rule_name(rule: dict[str, Any], family: str, i: int) -> str:
    return f"{family}[{rule['id']}]" if rule.get("id") else f"{family}[{i + 1}]"


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
