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
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.calendar import Month, month_of
from planner.errors import InputError, Problem
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
    w.writerow(columns)
    w.writerows(rows)
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
def _read_rows(path: Path, needed: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    if not path.is_file():
        raise InputError.one(
            str(path), None, None, "the plan file is missing", f"a plan directory holds {', '.join(PLAN_FILES)}"
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError.one(
            str(path),
            None,
            None,
            f"the plan file is not UTF-8 text (byte {exc.start})",
            "save it as 'CSV UTF-8' (Excel: Save as → CSV UTF-8)",
        ) from None
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in needed if c not in header]
    if missing:
        raise InputError.one(
            str(path),
            1,
            ", ".join(missing),
            "the header lacks these columns",
            f"the header row must name at least: {', '.join(needed)}",
        )
    rows = []
    for i, row in enumerate(reader, start=2):
        # ids as the loader has them (NFC); cells beyond the header (key None, a list) are ignored
        clean = {_nfc((k or "").strip()): _nfc(v.strip() if isinstance(v, str) else "") for k, v in row.items()}
        if any(clean.values()):
            rows.append((i, clean))
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


def read_summary(directory: str | Path) -> dict[str, Any] | None:
    p = Path(directory) / "summary.json"
    if not p.is_file():
        return None
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return None


def check_output_directory(
    directory: str | Path, names: Iterable[str] = (), replaceable: Iterable[str] = (), force: bool = True
) -> None:
    """Raise `InputError` unless ``directory`` may receive a plan: it does not exist, is empty, or holds only
    plan files (``names``, ``replaceable``) and ``force`` is given. Files that are not a plan are never replaced,
    so a typo in ``--out`` cannot wipe unrelated work; without ``force`` an earlier plan is not replaced either."""
    from pathlib import PurePosixPath

    target = Path(directory)
    if target.exists() and not target.is_dir():
        raise InputError.one(str(target), None, None, "exists and is not a directory", "give --out a directory name")
    if target.is_dir():
        ours = {PurePosixPath(n).parts[0] for n in names} | set(replaceable) | {"summary.json", *PLAN_FILES}
        present = sorted(p.name for p in target.iterdir())
        foreign = [name for name in present if name not in ours]
        if foreign:
            raise InputError.one(
                str(target),
                None,
                None,
                f"holds files that are not a plan ({', '.join(foreign[:3])})",
                "choose another --out directory, or empty this one",
            )
        if present and not force:
            raise InputError.one(
                str(target),
                None,
                None,
                f"already holds a plan ({', '.join(present[:3])}{', …' if len(present) > 3 else ''})",
                "give --force to replace it, or choose another --out directory",
            )


def write_directory(
    directory: str | Path,
    files: dict[str, str] | dict[str, bytes] | dict[str, str | bytes],
    replaceable: Iterable[str] = (),
    force: bool = True,
) -> None:
    """Write files into ``directory`` whole or not at all: into a temporary sibling first, then swapped in.

    Values are text (written as UTF-8) or bytes; a name may hold folders (``calendars/uv-01.ics``), never
    ``..`` or an absolute path. An existing directory is replaced only if it holds nothing but files of a plan
    or names in ``replaceable`` (so a typo in ``--out`` never wipes unrelated work), and, with ``force=False``
    (the command line without ``--force``), only if it is empty (see `check_output_directory`)."""
    import os
    import shutil
    import tempfile
    from pathlib import PurePosixPath

    for name in files:
        parts = PurePosixPath(name).parts
        if not parts or PurePosixPath(name).is_absolute() or any(p in ("", ".", "..") for p in parts) or "\\" in name:
            raise ValueError(f"not a relative file name inside the plan directory: {name!r}")
    target = Path(directory)
    check_output_directory(target, files, replaceable, force)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        for name, content in files.items():
            path = tmp / name
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "wb") as fh:
                fh.write(content.encode("utf-8") if isinstance(content, str) else content)
                fh.flush()
                os.fsync(fh.fileno())
        old = None
        if target.exists():
            old = target.with_name(f".{target.name}.old.{os.getpid()}")
            os.replace(target, old)
        os.replace(tmp, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def plan_directory_files(instance: Instance, plan: Plan, summary: Summary) -> dict[str, str]:
    files = plan_files(instance, plan)
    files["summary.json"] = summary.to_json()
    return files
