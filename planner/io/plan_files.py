"""Reading and writing a plan's files: `plan_files` and `plan_directory_files` turn a `Plan` (and its
`Summary`) into the contract files as text (CSV in UTF-8 with a BOM via `csv_text`, rows in scenario order, so the
same plan is always the same bytes), `read_plan` and `read_summary` read them back (names and extra columns
ignored, ids in NFC, every problem an `InputError` naming file, row and column), and `write_directory` writes a
plan directory whole or not at all, never over files that are not a plan (`check_output_directory`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.calendar import Month, month_of
from planner.errors import InputError, Problem
from planner.io.cells import csv_cell
from planner.io.output import PLAN_KIND, Output, OutputKind
from planner.plan import ATTENDANCE_COLUMNS, CHARGES_COLUMNS, MEETINGS_COLUMNS, PLAN_FILES, Plan, Summary

if TYPE_CHECKING:
    from planner.instance import Instance

__all__ = [
    "csv_text",
    "plan_files",
    "plan_directory_files",
    "read_plan",
    "read_summary",
    "check_output_directory",
    "write_directory",
]


# ---------------------------------------------------------------------------------------------- writing
def csv_text(columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> str:
    """The text of a CSV file: the header ``columns``, then ``rows``, quoted as the csv module does, lines ended
    by "\\n" (not "\\r\\n"), and a BOM (U+FEFF) first: written as UTF-8, it is UTF-8 with a BOM, so Excel shows
    Vietnamese right. The same rows always give the same text."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([csv_cell(c) for c in columns])
    w.writerows([csv_cell(c) for c in row] for row in rows)  # through the guard: no formula, no control character
    return "\ufeff" + buf.getvalue()


def plan_files(instance: Instance, plan: Plan) -> dict[str, str]:
    """The contract CSV files of a plan, as text, rows in scenario order."""
    units, members = instance.units, instance.members
    charges = sorted(plan.charges, key=instance.pair_key)
    charge_rows = [(m, members[m].name, u, units[u].name, units[u].kind, instance.basis(m, u)) for m, u in charges]
    meeting_rows = [
        (u, units[u].name, mo, d.isoformat(), instance.preferred(u, mo).isoformat())
        for (u, mo), d in sorted(plan.meetings.items(), key=lambda kv: (instance.unit_order[kv[0][0]], kv[0][1]))
    ]
    att = sorted(plan.attendance, key=lambda a: (a[2], instance.member_order[a[0]], instance.unit_order[a[1]]))
    att_rows = [(d.isoformat(), m, members[m].name, u, units[u].name, units[u].kind) for m, u, d in att]
    return {
        "charges.csv": csv_text(CHARGES_COLUMNS, charge_rows),
        "meetings.csv": csv_text(MEETINGS_COLUMNS, meeting_rows),
        "attendance.csv": csv_text(ATTENDANCE_COLUMNS, att_rows),
    }


# ---------------------------------------------------------------------------------------------- reading
MAX_PLAN_ROWS = 600_000  # rows of one plan file (a 5 MB scenario, about 30,000 members, plans well under this)
MAX_PLAN_BYTES = 64_000_000  # bytes of one plan file


def _read_rows(path: Path, needed: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """The non-blank rows of a plan CSV file, numbered from 2, cells stripped and NFC. Refused, naming the file
    and row: a missing file, text not in UTF-8, more than `MAX_PLAN_BYTES` bytes or `MAX_PLAN_ROWS` rows, a
    cell too long to be a value, a header naming a column twice or lacking one of ``needed``, an id holding a
    control or invisible character."""
    from planner.io.files import megabytes
    from planner.io.text import hidden_character, visible

    def fail(row: int | None, col: str | None, message: str, hint: str = "") -> InputError:
        return InputError.one(str(path), row, col, message, hint)

    if not path.is_file():
        raise fail(None, None, "the plan file is missing", f"a plan directory holds {', '.join(PLAN_FILES)}")
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    if size > MAX_PLAN_BYTES:
        raise fail(None, None, f"the plan file is too large ({megabytes(size)}; at most {megabytes(MAX_PLAN_BYTES)})")
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_PLAN_BYTES + 1)
    except OSError as exc:
        raise fail(None, None, f"cannot read the plan file: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise fail(
            raw[: exc.start].count(b"\n") + 1,
            None,
            f"the plan file is not UTF-8 text (byte {exc.start})",
            "save it as 'CSV UTF-8' (Excel: Save as → CSV UTF-8)",
        ) from None
    lines = text.count("\n")
    if lines > MAX_PLAN_ROWS + 1:  # refused before any row is parsed (a quoted cell may hold a line break: rare)
        raise fail(
            None,
            None,
            f"the plan file has {lines:,} lines, more than {MAX_PLAN_ROWS:,} rows",
            "check that this is the right file (a plan has a row per charge, meeting or attendance)",
        )
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [_nfc(h.strip()) for h in next(reader, [])]
    except csv.Error as exc:
        raise fail(1, None, f"the header row cannot be read as CSV ({exc})") from None
    twice = sorted({h for h in header if h and header.count(h) > 1})
    if twice:
        raise fail(1, ", ".join(twice), "the header names these columns twice", "keep one column of each name")
    missing = [c for c in needed if c not in header]
    if missing:
        raise fail(
            1,
            ", ".join(missing),
            "the header lacks these columns",
            f"the header row must name at least: {', '.join(needed)}",
        )
    ids = {c for c in header if c.endswith("_id")}
    rows = []
    i = 1
    try:
        for i, cells in enumerate(reader, start=2):
            # ids as the loader has them (NFC); cells beyond the header are ignored
            clean = {h: _nfc(cells[k].strip()) if k < len(cells) else "" for k, h in enumerate(header) if h}
            if not any(clean.values()):
                continue
            rows.append((i, clean))
            if len(rows) > MAX_PLAN_ROWS:
                raise fail(
                    i,
                    None,
                    f"the plan file has more than {MAX_PLAN_ROWS:,} rows",
                    "check that this is the right file (a plan has a row per charge, meeting or attendance)",
                )
            for col in ids:
                bad = hidden_character(clean.get(col, ""))
                if bad is not None:
                    raise fail(
                        i, col, f"{visible(clean[col])!r} holds the control or invisible character {bad}", "delete it"
                    )
    except csv.Error as exc:
        raise fail(
            i + 1, None, f"the row cannot be read as CSV ({exc})", "a cell may be at most 131,072 characters"
        ) from None
    return rows


def _nfc(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFC", text)


def _date(path: Path, row: int, col: str, text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError.one(
            str(path), row, col, f"'{text}' is not a date", "write dates as YYYY-MM-DD, e.g. 2026-03-05"
        ) from None


def read_plan(directory: str | Path) -> Plan:
    """Read a plan in the contract layout (names and extra columns are ignored; ids count)."""
    d = Path(directory)
    if not d.is_dir():
        raise InputError.one(str(d), None, None, "is not a directory", "give the directory a plan was written to")
    charges = frozenset(
        (r["member_id"], r["unit_id"]) for _, r in _read_rows(d / "charges.csv", ("member_id", "unit_id"))
    )
    meetings: dict[tuple[str, Month], dt.date] = {}
    problems = []
    for i, r in _read_rows(d / "meetings.csv", ("unit_id", "date")):
        day = _date(d / "meetings.csv", i, "date", r["date"])
        mo = r.get("month") or month_of(day)
        if mo != month_of(day):
            problems.append(
                Problem(
                    str(d / "meetings.csv"),
                    i,
                    "month",
                    f"month {mo} does not hold date {day}",
                    "make 'month' the month of 'date' (YYYY-MM)",
                )
            )
        if (r["unit_id"], mo) in meetings:
            problems.append(
                Problem(
                    str(d / "meetings.csv"),
                    i,
                    "unit_id",
                    f"a second meeting of {r['unit_id']} in {mo}",
                    "a unit meets once a month: keep one row per unit and month",
                )
            )
        meetings[r["unit_id"], mo] = day
    if problems:
        raise InputError(problems)
    attendance = frozenset(
        (r["member_id"], r["unit_id"], _date(d / "attendance.csv", i, "date", r["date"]))
        for i, r in _read_rows(d / "attendance.csv", ("date", "member_id", "unit_id"))
    )
    return Plan(charges, meetings, attendance)


_SUMMARY_TYPES: dict[str, tuple[type, ...]] = {
    "status": (str,),
    "objective": (int,),
    "bound": (int, float),
    "gap": (int, float),
    "seconds": (int, float),
    "scenario_sha256": (str,),
    "seed": (int,),
    "terms": (dict,),
}


def read_summary(directory: str | Path) -> dict[str, Any] | None:
    """The ``summary.json`` of a plan directory (None if there is none). Refused, naming the file and field: a
    file that is not UTF-8 JSON, not an object, too large, or whose known fields have the wrong type (a number
    that is text, a status that is not a word, terms that are not whole numbers)."""
    from planner.io.files import read_bytes

    p = Path(directory) / "summary.json"
    if not p.is_file():
        return None
    file = str(p)

    def fail(message: str, field: str | None = None, line: int | None = None) -> InputError:
        return InputError.one(file, line, field, message, "write it again (planner solve writes it) or remove it")

    raw = read_bytes(p, file, "summary file")
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise fail(f"the file is not UTF-8 text (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise fail(f"not valid JSON: {exc.msg}", line=exc.lineno) from None
    except RecursionError:
        raise fail("not valid JSON: nested too deeply") from None
    if not isinstance(data, dict):
        raise fail(f'the file holds a JSON {type(data).__name__}, not an object ({{"status": …}})')
    for key, types in _SUMMARY_TYPES.items():
        value = data.get(key)
        if value is None:
            continue
        if (
            isinstance(value, bool)
            or not isinstance(value, types)
            or (isinstance(value, float) and not math.isfinite(value))
        ):
            raise fail(f"{show_value(value)} is not a {'number' if float in types or int in types else 'text'}", key)
    for name, count in (data.get("terms") or {}).items():
        if not isinstance(name, str) or isinstance(count, bool) or not isinstance(count, int):
            raise fail(f"the term {name!r} has the count {show_value(count)}, not a whole number", "terms")
    status = data.get("status")
    if isinstance(status, str) and (len(status) > 40 or not status.replace("_", "").replace("-", "").isalnum()):
        raise fail(f"{show_value(status)} is not a status (a word such as optimal or feasible)", "status")
    return data


def show_value(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "…"


def _plan_kind(names: Iterable[str], replaceable: Iterable[str]) -> OutputKind:
    """A plan directory's kind: the contract files, ``replaceable`` (names or patterns such as
    ``calendars/*.ics``) and ``names`` (the files about to be written)."""
    kind = OutputKind(PLAN_KIND.what, [*PLAN_FILES, "summary.json", *replaceable])
    return kind.with_names(names)


def check_output_directory(
    directory: str | Path, names: Iterable[str] = (), replaceable: Iterable[str] = (), force: bool = True
) -> None:
    """Raise `InputError` unless ``directory`` may receive a plan (see `planner.io.output.Output.check`): it
    does not exist, is empty, or holds only plan files (``names``, ``replaceable``, at any depth) and ``force``
    is given. Files that are not a plan are never replaced, so a typo in ``--out`` cannot wipe unrelated work;
    without ``force`` an earlier plan is not replaced either."""
    with Output(directory, _plan_kind(names, replaceable), force=force):
        pass


def write_directory(
    directory: str | Path,
    files: dict[str, str] | dict[str, bytes] | dict[str, str | bytes],
    replaceable: Iterable[str] = (),
    force: bool = True,
) -> None:
    """Write files into ``directory`` whole or not at all, through the one output writer
    (`planner.io.output.Output`: a temporary sibling swapped in, a journal, a lock).

    Values are text (written as UTF-8) or bytes; a name may hold folders (``calendars/uv-01.ics``), never
    ``..`` or an absolute path. An existing directory is replaced only if it holds nothing but files of a plan
    or names in ``replaceable`` (so a typo in ``--out`` never wipes unrelated work), and, with ``force=False``
    (the command line without ``--force``), only if it is empty (see `check_output_directory`)."""
    Output(directory, _plan_kind(files, replaceable), force=force).write(files)


def plan_directory_files(instance: Instance, plan: Plan, summary: Summary) -> dict[str, str]:
    files = plan_files(instance, plan)
    files["summary.json"] = summary.to_json()
    return files
