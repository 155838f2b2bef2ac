"""What text read from a scenario or a plan may not hold, decided in one place: control characters (NUL, BEL,
a vertical tab… — Unicode category Cc; tab, line feed and carriage return inside a cell too, since no id or
name has them), invisible format characters (a zero-width space or joiner, a soft hyphen, a byte-order mark, a
direction mark — category Cf: ``t1`` and ``t1`` + U+200B look the same and would be two ids), and the error
values Excel writes into a cell whose formula failed (``#N/A``, ``#REF!``, …)."""

from __future__ import annotations

import unicodedata

__all__ = ["hidden_character", "excel_error", "visible", "EXCEL_ERRORS"]

EXCEL_ERRORS = frozenset(
    {
        "#N/A",
        "#N/A!",
        "#NA",
        "#REF!",
        "#VALUE!",
        "#DIV/0!",
        "#NAME?",
        "#NUM!",
        "#NULL!",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
        "#GETTING_DATA",
        "#PYTHON!",
    }
)


def hidden_character(text: str, layout: bool = False) -> str | None:
    """The first control or invisible character of ``text`` as ``U+XXXX (NAME)``, or None. ``layout``: tab,
    line feed and carriage return are allowed (a free text such as a description or a reason may hold lines)."""
    if text.isascii() and text.isprintable():
        return None
    for ch in text:
        if layout and ch in "\t\n\r":
            continue
        if unicodedata.category(ch) in ("Cc", "Cf"):
            name = unicodedata.name(ch, "")
            return f"U+{ord(ch):04X}" + (f" ({name.lower()})" if name else "")
    return None


def excel_error(text: str) -> bool:
    """Is ``text`` an error value of a spreadsheet cell (``#N/A``, ``#REF!``…)?"""
    return text.strip().upper() in EXCEL_ERRORS


def visible(text: str) -> str:
    """``text`` with each control or invisible character written as ``\\uXXXX`` (for messages)."""
    return "".join(f"\\u{ord(c):04x}" if unicodedata.category(c) in ("Cc", "Cf") else c for c in text)
