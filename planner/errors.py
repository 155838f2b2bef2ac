"""Input errors: each names the file, the line (YAML) or row (table), the field, what is wrong and how to fix it.

Every bad input ends in one `InputError` carrying all the problems found; the CLI prints them and exits 2.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None  # YAML line, or table row (the header is row 1)
    field: str | None  # e.g. "members[3].committee" or a table column
    message: str  # what is wrong
    hint: str = ""  # how to fix it
    row: bool = False  # True when ``line`` is a table row, not a YAML line

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", {'row' if self.row else 'line'} {self.line}"
        text = f"{where}: "
        if self.field:
            text += f"{self.field}: "
        text += self.message
        if self.hint:
            text += f" — {self.hint}"
        return text


class InputError(Exception):
    """One or more problems with the input; nothing was solved or written."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def one(cls, *problem: Any, **fields: Any) -> InputError:
        """An error of a single problem, given as the arguments of `Problem`."""
        return cls([Problem(*problem, **fields)])


def did_you_mean(word: object, choices: list[str] | tuple[str, ...]) -> str:
    """``did you mean 'x'?`` for the choice closest to ``word``, or "" when none is close."""
    match = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f"did you mean '{match[0]}'?" if match else ""
