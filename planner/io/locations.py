"""Where a value of a scenario came from, and how a problem names it: `FieldPath` (a path such as
``("members", 3, "committee")``), `Table` (the file and sheet rows of ``units:`` or ``members:`` read from a
table), `Where` (turns a path into the file, the YAML line or table row and a readable field such as
``members[3] (uv-04).committee``, and builds the `Problem`), `column` (the table column of a path inside a row)
and `show` (a value as quoted in a message).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from planner.errors import Problem

FieldPath = tuple[str | int, ...]


@dataclass
class Table:
    """Where the items of ``units:`` or ``members:`` came from when they were read from a table."""

    file: str
    rows: list[int] = field(default_factory=list)  # the sheet row of each item (header = row 1)
    missing_columns: set[str] = field(default_factory=set)


class Where:
    """Turns a field path such as ``("members", 3, "committee")`` into the file, line/row and readable field."""

    def __init__(self, file: str, lines: dict[FieldPath, int], data: dict[str, Any]):
        self.file, self.lines, self.data = file, lines, data
        self.tables: dict[str, Table] = {}

    def table_of(self, path: FieldPath) -> Table | None:
        if len(path) >= 2 and isinstance(path[1], int) and isinstance(path[0], str) and path[0] in self.tables:
            return self.tables[path[0]]
        return None

    def problem(self, path: FieldPath, message: str, hint: str = "") -> Problem:
        table = self.table_of(path)
        if table is not None:
            index = path[1]
            assert isinstance(index, int)
            row = table.rows[index] if index < len(table.rows) else None
            return Problem(table.file, row, column(path[2:]), message, hint, row=True)
        return Problem(self.file, self.line(path), self.label(path), message, hint)

    def line(self, path: FieldPath) -> int | None:
        """The line of the deepest key or item of ``path`` found in the file (a missing key: its parent's)."""
        for n in range(len(path), 0, -1):
            if path[:n] in self.lines:
                return self.lines[path[:n]]
        return None

    def label(self, path: FieldPath) -> str | None:
        """``members[3] (uv-04).committee``: keys joined by dots, 0-based indices, the item's id when it has one."""
        out, node = "", self.data
        for part in path:
            if isinstance(part, int):
                out += f"[{part}]"
                node = node[part] if isinstance(node, (list, tuple)) and 0 <= part < len(node) else None
                ident = node.get("id") if isinstance(node, dict) else getattr(node, "id", None)
                if isinstance(ident, str) and ident:
                    out += f" ({ident})"
            else:
                out += f".{part}" if out else str(part)
                node = node.get(part) if isinstance(node, dict) else None
        return out or None

    def at(self, path: FieldPath) -> str:
        """Where ``path`` is, in words, for hints: ``line 14`` or ``row 3 of units.csv``."""
        table = self.table_of(path)
        if table is not None:
            index = path[1]
            assert isinstance(index, int)
            return f"row {table.rows[index]} of {table.file}"
        line = self.line(path)
        return f"line {line}" if line else self.label(path) or "the file"


def column(sub: FieldPath) -> str | None:
    """The table column of a path inside one row: ``("meeting", "flex", 0)`` → ``meeting_flex``."""
    if not sub:
        return None
    if sub[0] == "meeting":
        return f"meeting_{sub[1]}" if len(sub) > 1 else "meeting_day"
    return str(sub[0])


def show(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    text = f"'{value}'" if isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
