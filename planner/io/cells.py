"""The one guard of every text written into a spreadsheet: the cells of the xlsx workbooks (the plan's, the
diff's) and of the CSV files (the contract files, the diff's), which Excel opens too.

- **Illegal characters**: the control characters XML 1.0 cannot hold (all of U+0000–U+001F but tab, line feed
  and carriage return; openpyxl raises `IllegalCharacterError` on them) are removed, in xlsx and CSV alike.
- **Formulas**: in a workbook, a text that starts with ``=`` is stored as text, never as a formula (the same
  characters, shown as typed); in a CSV file, which has no types, a text that starts with ``=``, ``+``, ``-``,
  ``@``, a tab or a carriage return gets a leading apostrophe, so that Excel shows it and runs nothing.

Ids and names of a valid scenario never start so (the loader refuses them), so valid plans are written
unchanged; the guard is for what comes from elsewhere: a plan typed by hand, a ``summary.json``, a rule id, a
scenario name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

__all__ = ["clean_text", "csv_cell", "xlsx_cell", "append_row"]

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CSV_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def clean_text(text: str) -> str:
    """``text`` without the characters a spreadsheet (XML 1.0) cannot hold."""
    return _ILLEGAL.sub("", text) if _ILLEGAL.search(text) else text


def csv_cell(value: Any) -> Any:
    """A value as a CSV cell may hold it: text cleaned, and quoted with an apostrophe if Excel would run it."""
    if not isinstance(value, str):
        return value
    text = clean_text(value)
    return "'" + text if text.startswith(_CSV_FORMULA) else text


def xlsx_cell(value: Any) -> Any:
    """A value as a workbook cell may hold it (text cleaned; see `append_row` for formulas)."""
    return clean_text(value) if isinstance(value, str) else value


def append_row(ws: Any, values: Iterable[Any]) -> None:
    """Append ``values`` to the openpyxl sheet ``ws`` as one row, through the guard: text cleaned, and a text
    that openpyxl would take for a formula (it starts with ``=``) kept as text."""
    row = [xlsx_cell(v) for v in values]
    ws.append(row)
    r = ws.max_row
    for c, value in enumerate(row, start=1):
        if isinstance(value, str) and value.startswith("="):
            ws.cell(row=r, column=c).data_type = "s"
