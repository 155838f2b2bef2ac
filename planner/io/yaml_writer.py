"""Writing a scenario as YAML: the one writer of `planner apply` and `whatif` (a changed scenario) and of
`planner generate` (a synthetic one).

`dump_scenario` writes units, members and pins one flow mapping a line and rules as blocks with their selectors
in flow style; every file it writes loads back with `load_scenario`. What differs between the two commands'
files is a `Style`: `CHANGED` (the default) or `GENERATED`.

- Quoting. A changed scenario's values are quoted as PyYAML quotes them (``'2025-07'``; PyYAML's emitter writes
  each whole flow value, so multi-line text and repeated dates come out as PyYAML writes them). A generated
  one's stay plain unless they would read back as something else, and then take JSON's double quotes
  (``"2025-07"``), as the example scenarios are written.
- Layout. A changed scenario has every top-level key (the usual ones in the usual order first), an empty list
  as ``key: []``, rule fields in the usual order and ``flex: [2, 2]`` as ``flex: 2``. A generated one has the
  keys of a generated scenario only, leaves empty lists out and keeps each rule's fields in their order.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

import yaml

_FAMILIES = ("responsibility", "attendance", "coverage")

_TOP_ORDER = (
    "name",
    "year",
    "period",
    "calendar",
    "units",
    "members",
    "responsibility",
    "attendance",
    "coverage",
    "limits",
    "fixed",
    "weights",
)


_RULE_ORDER = {
    k: i
    for i, k in enumerate(
        (
            "id",
            "members",
            "units",
            "by",
            "per",
            "at_least",
            "at_most",
            "including",
            "in_charge",
            "per_unit",
            "per_member",
            "basis",
            "own_cell",
        )
    )
}


@dataclass(frozen=True)
class Style:
    """How `dump_scenario` and `flow` write: what a changed scenario's file and a generated one's differ in."""

    json_quotes: bool  # scalars plain where they read back the same, else in JSON quotes (False: PyYAML's quoting)
    keys: tuple[str, ...] | None  # the top-level keys written, in this order (None: every key, the usual first)
    empty_lists: bool  # an empty list as ``key: []`` (False: the key is left out)
    rule_order: bool  # a rule's fields in the usual order (False: in the rule's own)
    short_flex: bool  # ``flex: [2, 2]`` as ``flex: 2``


CHANGED = Style(json_quotes=False, keys=None, empty_lists=True, rule_order=True, short_flex=True)
GENERATED = Style(
    json_quotes=True,
    keys=("name", "year", "period", "calendar", "units", "members", *_FAMILIES),
    empty_lists=False,
    rule_order=False,
    short_flex=False,
)


# ---------------------------------------------------------------------------------------------- one value
_PLAIN = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`0-9][^,\[\]{}#:]*$")
_RESERVED = {"true", "false", "yes", "no", "on", "off", "null", "none", "~", "y", "n"}


def _scalar(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, dt.date):
        return v.isoformat()
    s = str(v)
    if _PLAIN.match(s) and s.lower() not in _RESERVED and not s.endswith(" ") and " #" not in s:
        return s
    if re.fullmatch(r"[a-z][a-z0-9_-]*", s) and s.lower() not in _RESERVED:
        return s
    return json.dumps(s, ensure_ascii=False)


def _json_flow(v: Any) -> str:
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {_json_flow(x)}" for k, x in v.items()) + "}"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_json_flow(x) for x in v) + "]"
    return _scalar(v)


def _pyyaml_flow(value: Any) -> str:
    text = yaml.safe_dump(
        {"k": value}, default_flow_style=True, allow_unicode=True, sort_keys=False, width=1 << 30
    ).strip()
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


def flow(value: Any, style: Style = CHANGED) -> str:
    """One value in YAML flow style, on one line."""
    if style.short_flex:
        value = _pretty(value)
    return _json_flow(value) if style.json_quotes else _pyyaml_flow(value)


# ---------------------------------------------------------------------------------------------- a scenario
def dump_scenario(data: dict[str, Any], header: list[str] | None = None, style: Style = CHANGED) -> str:
    """A scenario as readable YAML: units, members and pins one flow mapping a line; rules as blocks with
    their selectors in flow style; everything re-loadable by `load_scenario`. ``header``: comment lines."""
    lines = list(header or [])
    if style.keys is None:
        keys = [k for k in _TOP_ORDER if k in data] + [k for k in data if k not in _TOP_ORDER]
    else:
        keys = [k for k in style.keys if k in data]
    for key in keys:
        value = data[key]
        if not style.empty_lists and value == []:
            continue
        if key in ("units", "members", "fixed"):
            lines.append("")
            lines.append(f"{key}:" if value else f"{key}: []")
            lines += [f"  - {flow(item, style)}" for item in value]
        elif key in _FAMILIES:
            lines.append("")
            lines.append(f"{key}:" if value else f"{key}: []")
            for rule in value:
                first = True
                fields = (
                    sorted(rule.items(), key=lambda kv: _RULE_ORDER.get(kv[0], 99))
                    if style.rule_order
                    else rule.items()
                )
                for k, v in fields:
                    prefix = "  - " if first else "    "
                    first = False
                    if k == "including" and isinstance(v, list):
                        lines.append(f"{prefix}{k}:")
                        lines += [f"      - {flow(inc, style)}" for inc in v]
                    else:
                        lines.append(f"{prefix}{k}: {flow(v, style)}")
        elif key == "calendar" and isinstance(value, dict):
            lines.append("calendar:")
            for k, v in value.items():
                if not style.empty_lists and v == []:
                    continue
                if k == "blackouts" and isinstance(v, list) and v:
                    lines.append("  blackouts:")
                    lines += [f"    - {flow(b, style)}" for b in v]
                else:
                    lines.append(f"  {k}: {flow(v, style)}")
        else:
            if key in ("limits", "weights"):
                lines.append("")
            lines.append(f"{key}: {flow(value, style)}")
    return "\n".join(lines) + "\n"
