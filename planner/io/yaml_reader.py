"""The YAML side of reading a scenario: the safe loader (pure Python for its error messages, libyaml for speed
when it reads the file without error; an impossible date stays text), the checks that refuse nesting deeper than
`MAX_DEPTH` and aliases that expand beyond `MAX_NODES` values before anything is built, the construction of plain
data (every string NFC) recording the 1-based line of every key and list item by its path, and the wording of
YAML errors (syntax, tabs, bad characters, duplicate keys, keys that are not names) as `Problem`s.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from planner.errors import InputError, Problem
from planner.io.files import MAX_DEPTH, MAX_NODES, nfc
from planner.io.locations import FieldPath, show


def _timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    """A date as the safe loader reads it, except that an impossible date (``2026-02-30``) stays text so that
    validation can name it."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError, AttributeError):  # AttributeError: "!!timestamp x", not a date at all
        return loader.construct_scalar(node)


class _Loader(yaml.SafeLoader):
    """The safe loader (pure Python: its error messages are the ones we show), with `_timestamp`."""


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)
_FastLoader: type | None = None
if getattr(yaml, "__with_libyaml__", False):

    class _FastLoader(yaml.CSafeLoader):  # type: ignore[no-redef]
        """The same safe loader on libyaml, about ten times faster; used only for files it reads without error."""

    _FastLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)

_MAP_TAG, _SEQ_TAG = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
_BOOL_TAG, _INT_TAG, _FLOAT_TAG = "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"


class YamlBool:
    """A plain ``true``/``yes``/``on``/``off``… while the data is checked (see `parse_yaml`'s
    ``expects_bool``): where a number or a word is meant, YAML 1.1's reading of it is refused."""

    __slots__ = ("value", "text", "line")

    def __init__(self, value: bool, text: str, line: int):
        self.value, self.text, self.line = value, text, line


def _yaml11_number(text: str) -> tuple[str, str] | None:
    """What YAML 1.1 (which PyYAML reads) makes of a plain number that YAML 1.2 and people read otherwise:
    (the reading, the fix), or None for an ordinary number."""
    t = text.strip()
    body = t.lstrip("+-")
    if ":" in body:
        return "a base-60 (sexagesimal) number", "write the number itself (90 for 1:30), or put text in quotes"
    if re.fullmatch(r"0[0-7_]+", body):
        return "an octal number", f"write {body.lstrip('0_') or '0'} without the leading zero, or put text in quotes"
    if body.startswith(("0b", "0x", "0o")):
        return "a binary or hexadecimal number", "write the number in decimal, or put text in quotes"
    if "_" in body:
        return "a number with '_' between its digits", "write the digits without '_'"
    return None


def parse_yaml(text: str, file: str, expects_bool: Any = None) -> tuple[dict[str, Any], dict[FieldPath, int]]:
    """Safe-load the YAML into plain data (every string NFC) plus a map from each key's path to its 1-based line.

    The file must hold one mapping at the top; syntax errors, duplicate keys and keys that are not words are
    problems with their line. Nesting deeper than `MAX_DEPTH` and aliases that expand beyond `MAX_NODES`
    values are refused before anything is built from them. YAML 1.1's surprising readings of plain numbers
    (``1:30`` → 90, ``010`` → 8, ``0x10``, ``1_000``) are refused with the fix; with ``expects_bool`` (a
    function of a field path), so is a plain ``yes``/``no``/``on``/``off``/``true``/``false`` wherever that
    function says a number or a word is meant.
    """
    _check_nesting(text, file)
    problems: list[Problem] = []
    lines: dict[FieldPath, int] = {}
    try:
        loader, node = _compose(text)
        try:
            if node is not None:
                _check_expansion(node, file)
            data = None if node is None else _build(loader, node, (), lines, problems, file, frozenset())
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        raise InputError([_yaml_problem(exc, file)]) from None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise InputError.one(
            file,
            line,
            None,
            f"the character {_char(exc.character)} is not allowed in YAML",
            "delete it (it may come from copying out of a PDF or Word)",
        ) from None
    except yaml.YAMLError as exc:
        raise InputError.one(file, None, None, f"not valid YAML: {exc}") from None
    data = _resolve_bools(data, (), expects_bool, problems, file)
    if problems:
        raise InputError(problems)
    if data is None:
        raise InputError.one(
            file,
            None,
            None,
            "the file is empty",
            "a scenario needs at least 'name', 'year' or 'period', 'units' and 'members'",
        )
    if not isinstance(data, dict):
        raise InputError.one(
            file,
            1,
            None,
            f"the top level must be a mapping of keys (name:, year:, units:, …), not a {_yaml_kind(data)}",
        )
    return data, lines


def _compose(text: str) -> tuple[yaml.SafeLoader, yaml.Node | None]:
    """Compose ``text`` into nodes: with libyaml when it reads the file without error, else with the
    pure-Python loader, whose errors (and messages) are the ones raised. Returns the loader (to construct
    values with) and the root node."""
    if _FastLoader is not None and not yaml.reader.Reader.NON_PRINTABLE.search(text):
        fast = _FastLoader(text)
        try:
            return fast, fast.get_single_node()
        except yaml.YAMLError:
            fast.dispose()
    loader = _Loader(text)  # checks that every character is printable
    try:
        return loader, loader.get_single_node()
    except BaseException:
        loader.dispose()
        raise


_NESTING_RE = re.compile(r"[\[\]{}]|(?:^|(?<=\s))[-?](?=\s|$)")


def _check_nesting(text: str, file: str) -> None:
    """Refuse text that may nest deeper than `MAX_DEPTH` levels before a parser sees it (libyaml overflows its
    stack on deep nesting, PyYAML hits Python's recursion limit). A cheap over-estimate, line by line: the
    indentation, plus the flow brackets open, plus the block indicators (``- ``, ``? ``) on the line."""
    limit = 4 * MAX_DEPTH  # generous: an indentation of two spaces per level counts two
    flow = 0
    for number, line in enumerate(text.splitlines(), 1):
        base = len(line) - len(line.lstrip(" "))
        deepest = base + flow
        indicators = 0
        for match in _NESTING_RE.finditer(line):
            char = match.group()
            if char in "[{":
                flow += 1
            elif char in "]}":
                flow = max(0, flow - 1)
            else:
                indicators += 1
            deepest = max(deepest, base + flow + indicators)
        if deepest > limit:
            raise InputError.one(
                file,
                number,
                None,
                f"lists and mappings nest too deeply here (more than {MAX_DEPTH} levels)",
                "a scenario needs only a few levels; check the brackets and the indentation",
            )


def _check_expansion(root: yaml.Node, file: str) -> None:
    """Count the values the YAML holds once every alias (``*name``) is expanded, and their depth, without
    expanding anything: aliases that make a small file huge ("billion laughs") are refused here."""
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    active: set[int] = set()

    def too_deep(node: yaml.Node) -> InputError:
        return InputError.one(
            file,
            node.start_mark.line + 1,
            None,
            f"lists and mappings nest more than {MAX_DEPTH} levels deep (counting what aliases repeat)",
            "a scenario needs only a few levels",
        )

    def visit(node: yaml.Node, level: int) -> None:
        key = id(node)
        if key in size or key in active:
            return
        if level > MAX_DEPTH:
            raise too_deep(node)
        active.add(key)
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        total, deepest = 1, 0
        for child in children:
            visit(child, level + 1)
            total += size.get(id(child), 1)
            deepest = max(deepest, depth.get(id(child), 0))
        active.discard(key)
        size[key], depth[key] = total, deepest + 1
        if total > MAX_NODES:
            raise InputError.one(
                file,
                node.start_mark.line + 1,
                None,
                f"aliases (*name) repeat this part so often that the file would hold more than {MAX_NODES:,} values",
                "write the items out, or repeat less (anchors and aliases copy what they name at every use)",
            )
        if level + depth[key] > MAX_DEPTH + 1:
            raise too_deep(node)

    visit(root, 1)


def _char(code: object) -> str:
    return f"U+{code:04X}" if isinstance(code, int) else repr(code)


def _yaml_kind(value: object) -> str:
    return "list" if isinstance(value, list) else "single value" if not isinstance(value, dict) else "mapping"


def _yaml_problem(exc: yaml.MarkedYAMLError, file: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    what = exc.problem or "syntax error"
    if exc.context:
        what = f"{what} ({exc.context})"
    hint = "check the indentation and the ':' after each key"
    if "'\\t'" in what:
        what, hint = "a tab character; YAML does not allow tabs for indentation", "indent with spaces"
    return Problem(file, mark.line + 1 if mark else None, None, f"YAML syntax error: {what}", hint)


def _build(
    loader: yaml.SafeLoader,
    node: yaml.Node,
    path: FieldPath,
    lines: dict[FieldPath, int],
    problems: list[Problem],
    file: str,
    active: frozenset[int],
) -> Any:
    """Construct the data of ``node`` (as ``yaml.safe_load`` would, every string NFC), recording the line of
    every key and item."""
    if id(node) in active:
        problems.append(Problem(file, node.start_mark.line + 1, None, "an alias refers to itself"))
        return None
    active = active | {id(node)}
    try:
        if isinstance(node, yaml.MappingNode) and node.tag == _MAP_TAG:
            return _build_mapping(loader, node, path, lines, problems, file, active)
        if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ_TAG:
            out = []
            for i, item in enumerate(node.value):
                lines[path + (i,)] = item.start_mark.line + 1
                out.append(_build(loader, item, path + (i,), lines, problems, file, active))
            return out
        return _construct(loader, node, path, problems, file)
    except yaml.constructor.ConstructorError as exc:
        problems.append(_yaml_problem(exc, file))
        return None


def _construct(loader: yaml.SafeLoader, node: yaml.Node, path: FieldPath, problems: list[Problem], file: str) -> Any:
    """A scalar (or a set, omap, …) as the safe loader constructs it, NFC; a value its tag cannot hold
    (``!!int x``, ``!!bool maybe``, an integer of 5000 digits) is a problem, not an exception."""
    if isinstance(node, yaml.ScalarNode) and not node.style and isinstance(node.value, str):  # plain
        if node.tag in (_INT_TAG, _FLOAT_TAG):
            trap = _yaml11_number(node.value)
            if trap is not None:
                reading, fix = trap
                problems.append(
                    Problem(
                        file,
                        node.start_mark.line + 1,
                        _path_text(path) or None,
                        f"{node.value} is read by YAML 1.1 as {reading} "
                        f"({show(loader.construct_object(node))}), surely not what is meant",
                        fix,
                    )
                )
                return None
        elif node.tag == _BOOL_TAG and node.value.lower() in yaml.SafeLoader.bool_values:
            return YamlBool(bool(loader.construct_object(node)), node.value, node.start_mark.line + 1)
    try:
        return nfc(loader.construct_object(node, deep=True))
    except yaml.constructor.ConstructorError:
        raise
    except (ValueError, OverflowError, KeyError, AttributeError, TypeError, IndexError) as exc:
        shown = node.value if isinstance(node, yaml.ScalarNode) and isinstance(node.value, str) else ""
        if "digits" in str(exc):
            message = f"a number of {sum(c.isdigit() for c in shown)} digits is too long"
            hint = "the numbers of a scenario are small (at most 100,000)"
        else:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            message = f"cannot read {show(shown)} as {tag}" if shown else f"cannot read this value as {tag}"
            hint = "remove the tag (!!…) or write a value of that type"
        problems.append(Problem(file, node.start_mark.line + 1, _path_text(path) or None, message, hint))
        return None


def _build_mapping(
    loader: yaml.SafeLoader,
    node: yaml.MappingNode,
    path: FieldPath,
    lines: dict[FieldPath, int],
    problems: list[Problem],
    file: str,
    active: frozenset[int],
) -> dict[str, Any]:
    loader.flatten_mapping(node)  # merge keys (<<: *anchor): their pairs come first, from outside this mapping
    out: dict[str, Any] = {}
    merged: set[str] = set()
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        from_merge = not node.start_mark.index <= key_node.start_mark.index <= node.end_mark.index
        before = len(problems)
        key = _construct(loader, key_node, path, problems, file) if isinstance(key_node, yaml.ScalarNode) else None
        if len(problems) > before:
            continue
        if not isinstance(key, str):
            shown = key_node.value if isinstance(key_node, yaml.ScalarNode) else "a list or mapping"
            problems.append(
                Problem(
                    file, line, None, f"the key '{shown}' is not a name", "keys are words such as 'name' or 'units'"
                )
            )
            continue
        if key in merged:
            merged.discard(key)  # a value from a merge is overridden, as yaml.safe_load does
        elif key in out:
            problems.append(
                Problem(
                    file,
                    line,
                    _path_text(path + (key,)),
                    f"duplicate key '{key}' (first at line {lines[path + (key,)]})",
                    "give each key once",
                )
            )
            continue
        if from_merge:
            merged.add(key)
        lines[path + (key,)] = line
        out[key] = _build(loader, value_node, path + (key,), lines, problems, file, active)
    return out


def _resolve_bools(value: Any, path: FieldPath, expects_bool: Any, problems: list[Problem], file: str) -> Any:
    """Every `YamlBool` in ``value`` as a bool, or a problem where ``expects_bool(path)`` says no bool is meant."""
    if isinstance(value, YamlBool):
        if expects_bool is None or expects_bool(path):
            return value.value
        problems.append(
            Problem(
                file,
                value.line,
                _path_text(path) or None,
                f"{value.text} is read by YAML as {'true' if value.value else 'false'}, but a number or a word is "
                "meant here",
                f"write the number, or put the word in quotes ('{value.text}')",
            )
        )
        return None
    if isinstance(value, dict):
        return {k: _resolve_bools(v, (*path, k), expects_bool, problems, file) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve_bools(v, (*path, i), expects_bool, problems, file) for i, v in enumerate(value)]
    return value


def _path_text(path: FieldPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
