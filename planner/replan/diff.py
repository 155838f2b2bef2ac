"""Compare two plans: what a re-plan changed, decision by decision, and in totals.

Works on any two plans in the contract layout (`planner.plan`): charges added and removed, attendances added,
removed or moved (same member, unit and month, another day), meeting dates moved, each member's load (charges,
attendances) and each unit's coverage (members in charge, visits) before and after, and counts of all of these.
Names come from the scenario when one is given, else from the plans' own CSV files.

A *decision* is a charge (member, unit), an attendance (member, unit, month) or a meeting date (unit, month).
`PlanDiff.changed` counts every decision that differs; `PlanDiff.stability` counts what the objective's
stability term counts (charges and attendances added or removed; a moved attendance is the same (member, unit,
month) and does not count there).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.calendar import month_of
from planner.io import csv_text, read_plan
from planner.io.output import Output, OutputKind
from planner.plan import Plan

if TYPE_CHECKING:
    from planner.instance import Instance
    from planner.replan.id_map import IdMap

Key = tuple[Any, ...]  # ("charge", m, u) | ("attend", m, u, month) | ("meeting", u, month)

DIFF_FILES = (
    "diff-summary.csv",
    "diff-charges.csv",
    "diff-attendance.csv",
    "diff-meetings.csv",
    "diff-load.csv",
    "diff-coverage.csv",
    "diff.xlsx",
)


@dataclass
class Names:
    """Display names of members and units (ids without a name show as the id)."""

    members: dict[str, str] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    member_order: dict[str, int] = field(default_factory=dict)
    unit_order: dict[str, int] = field(default_factory=dict)

    def member(self, mid: str) -> str:
        return self.members.get(mid, mid)

    def unit(self, uid: str) -> str:
        return self.units.get(uid, uid)

    def mkey(self, mid: str) -> tuple[int, str]:
        return self.member_order.get(mid, 1 << 30), mid

    def ukey(self, uid: str) -> tuple[int, str]:
        return self.unit_order.get(uid, 1 << 30), uid

    def update(self, other: Names) -> None:
        for mid, name in other.members.items():
            self.members.setdefault(mid, name)
        for uid, name in other.units.items():
            self.units.setdefault(uid, name)

    @classmethod
    def of_instance(cls, inst: Instance) -> Names:
        return cls(
            {m: x.name for m, x in inst.members.items()},
            {u: x.name for u, x in inst.units.items()},
            dict(inst.member_order),
            dict(inst.unit_order),
        )

    @classmethod
    def of_plan_dir(cls, directory: str | Path) -> Names:
        """Names from the ``*_name`` columns of a plan's CSV files (missing files or columns: none)."""
        out = cls()
        d = Path(directory)
        for name, cols in (
            ("charges.csv", (("member_id", "member_name"), ("unit_id", "unit_name"))),
            ("attendance.csv", (("member_id", "member_name"), ("unit_id", "unit_name"))),
            ("meetings.csv", (("unit_id", "unit_name"),)),
        ):
            path = d / name
            if not path.is_file():
                continue
            try:
                rows = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")))
                for row in rows:
                    row = {(k or "").strip(): v.strip() if isinstance(v, str) else "" for k, v in row.items()}
                    for id_col, name_col in cols:
                        ident, text = row.get(id_col), row.get(name_col)
                        if ident and text:
                            table = out.members if id_col == "member_id" else out.units
                            table.setdefault(ident, text)
            except (UnicodeDecodeError, csv.Error):
                continue
        return out


@dataclass
class PlanDiff:
    """Plan A (before) against plan B (after)."""

    names: Names
    charges_added: list[tuple[str, str]]
    charges_removed: list[tuple[str, str]]
    att_added: list[tuple[str, str, str, dt.date]]  # member, unit, month, date
    att_removed: list[tuple[str, str, str, dt.date]]
    att_moved: list[tuple[str, str, str, dt.date, dt.date]]  # member, unit, month, date before, date after
    meetings_moved: list[tuple[str, str, dt.date, dt.date]]  # unit, month, before, after
    meetings_added: list[tuple[str, str, dt.date]]
    meetings_removed: list[tuple[str, str, dt.date]]
    load: list[tuple[str, int, int, int, int]]  # member, charges before/after, attendances before/after
    coverage: list[tuple[str, int, int, int, int]]  # unit, in charge before/after, visits before/after
    totals: dict[str, int]  # sizes of both plans
    reasons: dict[Key, str] = field(default_factory=dict)

    @property
    def changed(self) -> int:
        """Decisions that differ: charges and attendances added or removed, attendances and meetings moved,
        meetings added or removed."""
        return (
            len(self.charges_added)
            + len(self.charges_removed)
            + len(self.att_added)
            + len(self.att_removed)
            + len(self.att_moved)
            + len(self.meetings_moved)
            + len(self.meetings_added)
            + len(self.meetings_removed)
        )

    @property
    def stability(self) -> int:
        """What the objective's stability term counts: charges and (member, unit, month) attendances that are
        in one plan only."""
        return len(self.charges_added) + len(self.charges_removed) + len(self.att_added) + len(self.att_removed)

    @property
    def empty(self) -> bool:
        return self.changed == 0

    def counts(self) -> dict[str, int]:
        return {
            "decisions changed": self.changed,
            "stability count (charges and attendances added or removed)": self.stability,
            "charges added": len(self.charges_added),
            "charges removed": len(self.charges_removed),
            "attendances added": len(self.att_added),
            "attendances removed": len(self.att_removed),
            "attendances moved (same member, unit and month; another day)": len(self.att_moved),
            "meeting dates moved": len(self.meetings_moved),
            "meetings added": len(self.meetings_added),
            "meetings removed": len(self.meetings_removed),
            "members whose load changed": len(self.load),
            "units whose coverage changed": len(self.coverage),
            "charges before": self.totals["charges_a"],
            "charges after": self.totals["charges_b"],
            "attendances before": self.totals["attendance_a"],
            "attendances after": self.totals["attendance_b"],
        }

    def reason(self, key: Key) -> str:
        return self.reasons.get(key, "")

    def keys(self) -> list[Key]:
        """Every changed decision's key, in report order."""
        out: list[Key] = [("charge", m, u) for m, u in self.charges_added + self.charges_removed]
        out += [("attend", m, u, mo) for m, u, mo, *_ in self.att_added + self.att_removed + self.att_moved]
        out += [("meeting", u, mo) for u, mo, *_ in self.meetings_moved + self.meetings_added + self.meetings_removed]
        return out


def _by_month(plan: Plan) -> dict[tuple[str, str, str], dt.date]:
    """Attendances as (member, unit, month) → date (the earlier date if a plan holds two)."""
    out: dict[tuple[str, str, str], dt.date] = {}
    for m, u, d in sorted(plan.attendance, key=lambda a: a[2]):
        out.setdefault((m, u, month_of(d)), d)
    return out


def diff_plans(a: Plan, b: Plan, names: Names | None = None) -> PlanDiff:
    """Plan A (before) against plan B (after)."""
    names = names or Names()
    mk, uk = names.mkey, names.ukey
    pair_key = lambda p: (mk(p[0]), uk(p[1]))  # noqa: E731
    att_a, att_b = _by_month(a), _by_month(b)
    att_key = lambda t: (t[2], mk(t[0]), uk(t[1]))  # noqa: E731
    added = sorted(((m, u, mo, d) for (m, u, mo), d in att_b.items() if (m, u, mo) not in att_a), key=att_key)
    removed = sorted(((m, u, mo, d) for (m, u, mo), d in att_a.items() if (m, u, mo) not in att_b), key=att_key)
    moved = sorted(
        (
            (m, u, mo, d, att_b[m, u, mo])
            for (m, u, mo), d in att_a.items()
            if (m, u, mo) in att_b and att_b[m, u, mo] != d
        ),
        key=att_key,
    )
    meet_key = lambda t: (uk(t[0]), t[1])  # noqa: E731
    meetings_moved = sorted(
        (
            (u, mo, d, b.meetings[u, mo])
            for (u, mo), d in a.meetings.items()
            if (u, mo) in b.meetings and b.meetings[u, mo] != d
        ),
        key=meet_key,
    )
    meetings_added = sorted(
        ((u, mo, d) for (u, mo), d in b.meetings.items() if (u, mo) not in a.meetings), key=meet_key
    )
    meetings_removed = sorted(
        ((u, mo, d) for (u, mo), d in a.meetings.items() if (u, mo) not in b.meetings), key=meet_key
    )

    ch_a, ch_b = Counter(m for m, _ in a.charges), Counter(m for m, _ in b.charges)
    at_a, at_b = Counter(m for m, _, _ in att_a), Counter(m for m, _, _ in att_b)
    load = [
        (m, ch_a[m], ch_b[m], at_a[m], at_b[m])
        for m in sorted(set(ch_a) | set(ch_b) | set(at_a) | set(at_b), key=mk)
        if (ch_a[m], at_a[m]) != (ch_b[m], at_b[m])
    ]
    uc_a, uc_b = Counter(u for _, u in a.charges), Counter(u for _, u in b.charges)
    uv_a, uv_b = Counter(u for _, u, _ in att_a), Counter(u for _, u, _ in att_b)
    coverage = [
        (u, uc_a[u], uc_b[u], uv_a[u], uv_b[u])
        for u in sorted(set(uc_a) | set(uc_b) | set(uv_a) | set(uv_b), key=uk)
        if (uc_a[u], uv_a[u]) != (uc_b[u], uv_b[u])
    ]
    return PlanDiff(
        names=names,
        charges_added=sorted(b.charges - a.charges, key=pair_key),
        charges_removed=sorted(a.charges - b.charges, key=pair_key),
        att_added=added,
        att_removed=removed,
        att_moved=moved,
        meetings_moved=meetings_moved,
        meetings_added=meetings_added,
        meetings_removed=meetings_removed,
        load=load,
        coverage=coverage,
        totals={
            "charges_a": len(a.charges),
            "charges_b": len(b.charges),
            "attendance_a": len(att_a),
            "attendance_b": len(att_b),
        },
    )


def diff_dirs(
    dir_a: str | Path, dir_b: str | Path, instance: Instance | None = None, id_map: IdMap | None = None
) -> PlanDiff:
    """Two plan directories in the contract layout; names from ``instance``, else from the plans' CSVs.

    With ``id_map`` (a change set's), plan A is first carried into the new ids (`planner.changes.map_plan`:
    merged units → the new unit; decisions of removed ids stay, as removed) and, with ``instance`` too, both
    plans are cut to its months."""
    plan_a, plan_b = read_plan(dir_a), read_plan(dir_b)
    if id_map is not None:
        from planner.replan.id_map import map_plan

        months = list(instance.months) if instance is not None else None
        plan_a = map_plan(plan_a, id_map, months, keep_removed=True)
        if months is not None:
            plan_b = map_plan(plan_b, None, months, keep_removed=True)
    names = Names.of_instance(instance) if instance is not None else Names()
    names.update(Names.of_plan_dir(dir_b))
    names.update(Names.of_plan_dir(dir_a))
    return diff_plans(plan_a, plan_b, names)


# ============================================================================================== text
def _m(d: PlanDiff, mid: str) -> str:
    name = d.names.member(mid)
    return f"{name} ({mid})" if name != mid else mid


def _u(d: PlanDiff, uid: str) -> str:
    name = d.names.unit(uid)
    return f"{name} ({uid})" if name != uid else uid


_SUMMARY = {
    "head": ("Plan diff: {a} → {b}", "So sánh kế hoạch: {a} → {b}"),
    "same": ("  no decision differs: the plans are the same.", "  không quyết định nào khác: hai kế hoạch như nhau."),
    "changed": (
        "  decisions changed: {n} (stability count {s}: charges and attendances added or removed)",
        "  quyết định thay đổi: {n} (độ ổn định {s}: phân công và lượt dự sinh hoạt thêm hoặc bớt)",
    ),
    "charges": ("  charges:      +{p} −{m}   ({a} → {b})", "  phụ trách:    +{p} −{m}   ({a} → {b})"),
    "attendances": (
        "  attendances:  +{p} −{m}, {v} moved to another day of the same month   ({a} → {b})",
        "  dự sinh hoạt: +{p} −{m}, {v} đổi sang ngày khác trong cùng tháng   ({a} → {b})",
    ),
    "meetings": (
        "  meetings:     {v} dates moved, {p} added, {m} removed",
        "  buổi họp:     {v} đổi ngày, {p} thêm, {m} bớt",
    ),
    "loads": (
        "  members whose load changed: {a}; units whose coverage changed: {b}",
        "  đồng chí thay đổi nhiệm vụ: {a}; đơn vị thay đổi lượt dự: {b}",
    ),
    "more": ("  … and {n} more", "  … và {n} mục khác"),
    "at": ("at", "tại"),
    "charge": ("charges {a} → {b}, attendances {c} → {d}", "phụ trách {a} → {b}, dự sinh hoạt {c} → {d}"),
    "cover": ("in charge {a} → {b}, visits {c} → {d}", "người phụ trách {a} → {b}, lượt dự {c} → {d}"),
}
_SECTIONS = {  # kind: (English title, Vietnamese title)
    "charges_added": ("Charges added", "Phân công thêm"),
    "charges_removed": ("Charges removed", "Phân công bỏ"),
    "att_added": ("Attendances added", "Lượt dự sinh hoạt thêm"),
    "att_removed": ("Attendances removed", "Lượt dự sinh hoạt bỏ"),
    "att_moved": ("Attendances moved", "Lượt dự sinh hoạt đổi ngày"),
    "meetings_moved": ("Meeting dates moved", "Buổi họp đổi ngày"),
    "load": ("Load changes", "Thay đổi nhiệm vụ"),
    "coverage": ("Coverage changes", "Thay đổi lượt dự của đơn vị"),
}


def summary_text(d: PlanDiff, before: str = "A", after: str = "B", rows: int = 6, lang: str = "en") -> str:
    """A one-screen summary: counts, then the first few changes of each kind (all of them are in the CSVs);
    ``lang`` ``vi`` or ``en``."""
    i = 1 if lang == "vi" else 0

    def say(key: str, **values: Any) -> str:
        return _SUMMARY[key][i].format(**values)

    t = d.totals
    out = [say("head", a=before, b=after)]
    if d.empty:
        out.append(say("same"))
        return "\n".join(out) + "\n"
    out += [
        say("changed", n=d.changed, s=d.stability),
        say("charges", p=len(d.charges_added), m=len(d.charges_removed), a=t["charges_a"], b=t["charges_b"]),
        say(
            "attendances",
            p=len(d.att_added),
            m=len(d.att_removed),
            v=len(d.att_moved),
            a=t["attendance_a"],
            b=t["attendance_b"],
        ),
        say("meetings", v=len(d.meetings_moved), p=len(d.meetings_added), m=len(d.meetings_removed)),
        say("loads", a=len(d.load), b=len(d.coverage)),
    ]
    at = say("at")

    def section(kind: str, items: list[Any], line) -> None:
        if not items or rows == 0:
            return
        out.append("")
        out.append(f"{_SECTIONS[kind][i]} ({len(items)}):")
        for item in items[:rows]:
            text = line(item)
            why = d.reason(_key_of(kind, item))
            out.append(f"  {text}" + (f"  [{why}]" if why else ""))
        if len(items) > rows:
            out.append(say("more", n=len(items) - rows))

    section("charges_added", d.charges_added, lambda p: f"{_m(d, p[0])} → {_u(d, p[1])}")
    section("charges_removed", d.charges_removed, lambda p: f"{_m(d, p[0])} → {_u(d, p[1])}")
    section("att_added", d.att_added, lambda a: f"{a[3]}  {_m(d, a[0])} {at} {_u(d, a[1])}")
    section("att_removed", d.att_removed, lambda a: f"{a[3]}  {_m(d, a[0])} {at} {_u(d, a[1])}")
    section("att_moved", d.att_moved, lambda a: f"{a[3]} → {a[4]}  {_m(d, a[0])} {at} {_u(d, a[1])}")
    section("meetings_moved", d.meetings_moved, lambda x: f"{_u(d, x[0])}: {x[2]} → {x[3]}")
    section("load", d.load, lambda x: f"{_m(d, x[0])}: " + say("charge", a=x[1], b=x[2], c=x[3], d=x[4]))
    section("coverage", d.coverage, lambda x: f"{_u(d, x[0])}: " + say("cover", a=x[1], b=x[2], c=x[3], d=x[4]))
    return "\n".join(out) + "\n"


def _key_of(kind: str, item: tuple[Any, ...]) -> Key:
    if kind.startswith("charges"):
        return ("charge", item[0], item[1])
    if kind.startswith("att"):
        return ("attend", item[0], item[1], item[2])
    if kind.startswith("meeting"):
        return ("meeting", item[0], item[1])
    return ()


# ============================================================================================== files
def diff_tables(d: PlanDiff) -> dict[str, tuple[list[str], list[list[Any]]]]:
    """Every table of the diff: file name → (header, rows). A ``reason`` column when reasons are known."""
    why = bool(d.reasons)
    extra = ["reason"] if why else []

    def r(key: Key) -> list[str]:
        return [d.reason(key)] if why else []

    charges = [["added", m, d.names.member(m), u, d.names.unit(u)] + r(("charge", m, u)) for m, u in d.charges_added]
    charges += [
        ["removed", m, d.names.member(m), u, d.names.unit(u)] + r(("charge", m, u)) for m, u in d.charges_removed
    ]
    att = [
        ["added", m, d.names.member(m), u, d.names.unit(u), mo, "", day.isoformat()] + r(("attend", m, u, mo))
        for m, u, mo, day in d.att_added
    ]
    att += [
        ["removed", m, d.names.member(m), u, d.names.unit(u), mo, day.isoformat(), ""] + r(("attend", m, u, mo))
        for m, u, mo, day in d.att_removed
    ]
    att += [
        ["moved", m, d.names.member(m), u, d.names.unit(u), mo, x.isoformat(), y.isoformat()] + r(("attend", m, u, mo))
        for m, u, mo, x, y in d.att_moved
    ]
    meetings = [
        ["moved", u, d.names.unit(u), mo, x.isoformat(), y.isoformat()] + r(("meeting", u, mo))
        for u, mo, x, y in d.meetings_moved
    ]
    meetings += [
        ["added", u, d.names.unit(u), mo, "", x.isoformat()] + r(("meeting", u, mo)) for u, mo, x in d.meetings_added
    ]
    meetings += [
        ["removed", u, d.names.unit(u), mo, x.isoformat(), ""] + r(("meeting", u, mo))
        for u, mo, x in d.meetings_removed
    ]
    return {
        "diff-summary.csv": (["what", "count"], [[k, v] for k, v in d.counts().items()]),
        "diff-charges.csv": (["change", "member_id", "member_name", "unit_id", "unit_name"] + extra, charges),
        "diff-attendance.csv": (
            ["change", "member_id", "member_name", "unit_id", "unit_name", "month", "date_before", "date_after"]
            + extra,
            att,
        ),
        "diff-meetings.csv": (
            ["change", "unit_id", "unit_name", "month", "date_before", "date_after"] + extra,
            meetings,
        ),
        "diff-load.csv": (
            ["member_id", "member_name", "charges_before", "charges_after", "attendances_before", "attendances_after"],
            [[m, d.names.member(m), a, b, c, e] for m, a, b, c, e in d.load],
        ),
        "diff-coverage.csv": (
            ["unit_id", "unit_name", "in_charge_before", "in_charge_after", "visits_before", "visits_after"],
            [[u, d.names.unit(u), a, b, c, e] for u, a, b, c, e in d.coverage],
        ),
    }


def xlsx_bytes(d: PlanDiff) -> bytes:
    """The same tables as one workbook, a sheet each (sheet names without the ``diff-`` and ``.csv``)."""
    import openpyxl
    from openpyxl.styles import Font

    from planner.io.cells import append_row

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, (header, rows) in diff_tables(d).items():
        sheet = book.create_sheet(name.removeprefix("diff-").removesuffix(".csv"))
        append_row(sheet, header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            append_row(sheet, row)  # through the guard: no formula, no illegal character
        for col in sheet.columns:
            width = max(len(str(c.value or "")) for c in col)
            sheet.column_dimensions[col[0].column_letter].width = min(60, max(8, width + 2))
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


DIFF_KIND = OutputKind("a plan diff", DIFF_FILES)


def diff_files(d: PlanDiff) -> dict[str, str | bytes]:
    """The CSV files and ``diff.xlsx`` of a diff, name → content (every cell through the spreadsheet guard)."""
    files: dict[str, str | bytes] = {
        name: csv_text(tuple(header), [tuple(r) for r in rows]) for name, (header, rows) in diff_tables(d).items()
    }
    files["diff.xlsx"] = xlsx_bytes(d)
    return files


def write_diff(d: PlanDiff, directory: str | Path, force: bool = True) -> list[str]:
    """Write the CSV files and ``diff.xlsx`` into ``directory`` whole or not at all (`planner.io.output`). A
    directory that holds other files than these is refused, so a typo never overwrites unrelated work; with
    ``force`` False an earlier diff is not replaced either. Returns the names written."""
    files = diff_files(d)
    Output(directory, DIFF_KIND, force=force).write(files)
    return list(files)
