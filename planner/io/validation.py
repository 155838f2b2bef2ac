"""Validation of a scenario mapping with the pydantic models of `planner.scenario`, and the wording of its
errors: each ``fixed`` item is validated against the one of its three shapes that its ``charge``/``attend``/
``date`` key names, and every pydantic error becomes a `Problem` in the words of the scenario format (unknown
keys with a did-you-mean or the allowed keys, missing keys, wrong types, out-of-range numbers, bad dates), at the
YAML line or table row of its field; a column already reported missing is not reported again on every row.
"""

from __future__ import annotations

import re
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from planner.errors import Problem, did_you_mean
from planner.io.locations import FieldPath, Where, column, show
from planner.scenario import FixedAttendance, FixedCharge, FixedDate, Scenario

_FIXED_SHAPES: tuple[tuple[type[BaseModel], str], ...] = (
    (FixedCharge, "charge"),
    (FixedAttendance, "attend"),
    (FixedDate, "date"),
)
_FIXED_FORMS = "{member, unit, charge: true|false}, {member, unit, month, attend: true|false} or {unit, month, date}"
_INTERNAL = ("source", "sha256")  # Scenario fields the loader sets; not keys of the file


def validate(data: dict[str, Any], where: Where, problems: list[Problem]) -> Scenario | None:
    """Validate with the pydantic models; every error becomes a Problem in words (None if any)."""
    data = dict(data)
    for key in _INTERNAL:
        if key in data:
            problems.append(where.problem((key,), f"unknown key '{key}'", _allowed_hint(key, Scenario)))
            del data[key]
    _refuse_stray_bools(data, (), where, problems)
    if isinstance(data.get("fixed"), list):
        data["fixed"] = _validate_fixed(data["fixed"], where, problems)
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        root = ("period",) if "period" in data else ("year",) if "year" in data else ()
        problems.extend(_pydantic_problems(exc, where, (), Scenario, root))
        return None


def _validate_fixed(items: list[Any], where: Where, problems: list[Problem]) -> list[BaseModel]:
    """Each ``fixed`` item has one of three shapes; which one is told by its ``charge``/``attend``/``date`` key."""
    out = []
    for i, item in enumerate(items):
        path: FieldPath = ("fixed", i)
        if not isinstance(item, dict):
            problems.append(where.problem(path, f"a fixed item is a mapping: {_FIXED_FORMS}"))
            continue
        shapes = [(model, key) for model, key in _FIXED_SHAPES if key in item]
        if len(shapes) != 1:
            keys = [k for model, k in shapes] or ["none"]
            shape_keys = [k for _, k in _FIXED_SHAPES]
            hints = [h for k in item if k not in shape_keys and (h := did_you_mean(k, shape_keys))]
            problems.append(
                where.problem(
                    path,
                    f"a fixed item has exactly one of 'charge', 'attend' or 'date' "
                    f"(this one: {', '.join(keys)}); the forms are {_FIXED_FORMS}",
                    hints[0] if hints else "",
                )
            )
            continue
        model = shapes[0][0]
        try:
            out.append(model.model_validate(item))
        except ValidationError as exc:
            problems.extend(_pydantic_problems(exc, where, path, model))
    return out


def _pydantic_problems(
    exc: ValidationError, where: Where, prefix: FieldPath, root: type[BaseModel], root_path: FieldPath = ()
) -> list[Problem]:
    """Pydantic's errors in words, at the line of their ``loc`` (an error of the whole model: at ``root_path``)."""
    out = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        path = prefix + loc if loc or prefix else root_path
        table = where.table_of(path)
        if table is not None and err["type"] == "missing" and column(path[2:]) in table.missing_columns:
            continue  # already reported once, as a missing column
        message, hint = _explain(err, root, table is not None)
        out.append(where.problem(path, message, hint))
    return out


def _explain(err: Any, root: type[BaseModel], in_table: bool) -> tuple[str, str]:
    """A pydantic error in the words of the scenario format: (message, hint)."""
    kind, loc, value, ctx = err["type"], tuple(err["loc"]), err.get("input"), err.get("ctx") or {}
    last = loc[-1] if loc else None
    if kind == "extra_forbidden":
        model = _model_at(root, loc[:-1])
        return f"unknown key '{last}'", _allowed_hint(last, model) if model else ""
    if kind == "missing":
        return ("empty, but required" if in_table else f"missing required key '{last}'"), ""
    if kind == "literal_error":
        options = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        return f"{show(value)} is not allowed here; use one of: {', '.join(options)}", did_you_mean(value, options)
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"expected a whole number, got {show(value)}", ""
    if kind in ("greater_than_equal", "greater_than"):
        return f"must be at least {ctx.get('ge', ctx.get('gt'))}, got {show(value)}", ""
    if kind in ("less_than_equal", "less_than"):
        return f"must be at most {ctx.get('le', ctx.get('lt'))}, got {show(value)}", ""
    if kind.startswith("date") or kind.startswith("datetime"):
        reason = f" ({ctx['error']})" if "error" in ctx else ""
        return f"{show(value)} is not a valid date{reason}", "write dates as YYYY-MM-DD, e.g. 2026-03-08"
    if kind in ("string_type", "string_sub_type"):
        if last == "month":
            return f"expected a month written YYYY-MM, got {show(value)}", "e.g. month: 2026-03"
        hint = "put it in quotes" + (" (YAML reads yes/no/on/off as true/false)" if isinstance(value, bool) else "")
        return f"expected text, got {show(value)}", hint
    if kind in ("bool_type", "bool_parsing"):
        return f"expected true or false, got {show(value)}", ""
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"expected a mapping (key: value, …), got {show(value)}", ""
    if kind in ("tuple_type", "list_type", "iterable_type"):
        hint = "or the path of a .csv/.xlsx table" if last in ("units", "members") else ""
        return f"expected a list, got {show(value)}", hint
    if kind in ("value_error", "assertion_error"):
        return str(ctx.get("error", err["msg"])), ""
    return str(err["msg"]), ""


def _refuse_stray_bools(value: Any, path: FieldPath, where: Where, problems: list[Problem]) -> None:
    """A true/false where the format means a number or a word (pydantic would read true as 1): a problem. The
    YAML reader already names such a ``yes`` as typed; this catches the rest (a change set's ``set``, data
    given to `validate_mapping`)."""
    if isinstance(value, bool):
        if not expects_bool(path):
            problems.append(
                where.problem(
                    path, f"{'true' if value else 'false'} is not a number or a word", "write the value meant"
                )
            )
    elif isinstance(value, dict):
        for k, v in value.items():
            _refuse_stray_bools(v, (*path, k), where, problems)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _refuse_stray_bools(v, (*path, i), where, problems)


def expects_bool(path: FieldPath) -> bool:
    """Does the scenario format mean true/false at ``path`` (a key of a mapping)? Elsewhere a plain ``yes``,
    ``on`` or ``true`` is YAML's reading of something else, and refused (`planner.io.yaml_reader`)."""
    if not path or isinstance(path[-1], int):
        return False
    if len(path) == 3 and path[0] == "fixed" and isinstance(path[1], int):
        return path[2] not in ("member", "unit", "month", "date")  # charge, attend (or a key validation names)
    model = _model_at(Scenario, path[:-1])
    if model is None:
        return True  # an unknown key: validation names it
    fields = {(f.alias or n): f for n, f in model.model_fields.items()} | dict(model.model_fields)
    field = fields.get(str(path[-1]))
    if field is None:
        return True
    return field.annotation is bool or bool in get_args(field.annotation)


def _model_at(root: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model whose keys are written at ``loc`` (list indices are stepped over)."""
    model: type[BaseModel] | None = root
    for part in loc:
        if isinstance(part, int):
            continue
        if model is None:
            return None
        fields = {(f.alias or n): f for n, f in model.model_fields.items()} | dict(model.model_fields)
        if part not in fields:
            return None
        model = _find_model(fields[part].annotation)
    return model


def _find_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _find_model(arg)
        if found is not None:
            return found
    return None


def _allowed_hint(key: object, model: type[BaseModel]) -> str:
    allowed = [f.alias or n for n, f in model.model_fields.items() if n not in _INTERNAL]
    return did_you_mean(key, allowed) or f"allowed keys: {', '.join(allowed)}"
