"""Reading input files safely: the size limits of every input (`MAX_FILE_BYTES`, `MAX_DEPTH`, `MAX_NODES`,
`MAX_TABLE_ROWS`, `MAX_TABLE_COLUMNS`), reading a file's bytes (it must exist, be a regular file, be readable and
not too large), telling a byte-order mark and decoding the text of a scenario file (UTF-8, or UTF-16/32 with a
BOM), and bringing every string of a value into Unicode NFC. Each refusal is an `InputError` naming the file.
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path
from typing import Any

from planner.errors import InputError

MAX_FILE_BYTES = 5_000_000  # a scenario or table file; a whole province's scenario is well under 1 MB
MAX_DEPTH = 64  # nesting of lists and mappings (the format needs about 6)
MAX_NODES = 1_000_000  # values in the YAML once every alias is expanded
MAX_TABLE_ROWS = 50_000  # rows of a unit or member table
MAX_TABLE_COLUMNS = 256  # columns read from a sheet (the format has about 15)


def read_bytes(path: Path, file: str, what: str = "scenario file") -> bytes:
    """The file must exist, be a regular file, be readable and hold at most `MAX_FILE_BYTES` bytes."""

    def fail(message: str, hint: str = "") -> InputError:
        return InputError.one(file, None, None, message, hint)

    if path.is_dir():
        raise fail("this is a directory, not a scenario file", "give the path of a .yaml file")
    if not path.exists():
        raise fail("file not found", "check the path (it is relative to the current directory)")
    if not path.is_file():
        raise fail(f"this is not a regular file (a device or a pipe), not a {what}")
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)  # never more, whatever the file claims to be
            size = max(os.fstat(fh.fileno()).st_size, len(raw))
    except OSError as exc:
        raise fail(f"cannot read the file: {exc.strerror or exc}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise fail(
            f"the file is too large ({megabytes(size)}); a {what} may be at most {megabytes(MAX_FILE_BYTES)}",
            "check that this is the right file (a whole province's scenario is well under 1 MB)",
        )
    return raw


def megabytes(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 100_000 else f"{n:,} bytes"


_BOMS = (
    (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32"),
    (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32"),
    (b"\xef\xbb\xbf", "utf-8", "UTF-8"),
    (b"\xfe\xff", "utf-16-be", "UTF-16"),
    (b"\xff\xfe", "utf-16-le", "UTF-16"),
)


def _bom(raw: bytes) -> tuple[str, str, int] | None:
    """(codec, name, length) of the byte-order mark ``raw`` starts with, if any (UTF-32 tested before UTF-16)."""
    for mark, codec, name in _BOMS:
        if raw.startswith(mark):
            return codec, name, len(mark)
    return None


def decode_bom(raw: bytes, file: str, row: bool) -> str | None:
    """The text of a file that starts with a byte-order mark (None if it has none)."""
    bom = _bom(raw)
    if bom is None:
        return None
    codec, name, length = bom
    try:
        return raw[length:].decode(codec)
    except UnicodeDecodeError as exc:
        raise InputError.one(
            file,
            None,
            None,
            f"the file starts as {name} text but is damaged at byte {exc.start + length}",
            "save it again as UTF-8",
            row=row,
        ) from None


def decode(raw: bytes, file: str) -> str:
    """Scenario files are UTF-8 (a leading BOM is allowed; UTF-16/32 with a BOM, as Notepad's "Unicode", too)."""
    text = decode_bom(raw, file, row=False)
    if text is not None:
        return text
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError.one(
            file,
            line,
            None,
            f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x})",
            "save it as UTF-8 (in Notepad: Save as… → Encoding: UTF-8)",
        ) from None


def nfc(value: Any) -> Any:
    """``value`` with every string in it (keys too) in Unicode NFC."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {nfc(k): nfc(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(nfc(v) for v in value)
    return value
