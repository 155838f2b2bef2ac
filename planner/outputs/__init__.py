"""Outputs people use, beside the contract CSV files: an Excel workbook, the printable decision (DOCX), one
iCalendar file per member, a self-contained HTML report and a Markdown summary.

One entry point, `render`, returns every file as name → bytes; the CLI writes them all at once with
`planner.plan.write_directory` (whole or not at all). File names:

    csv   charges.csv, meetings.csv, attendance.csv, summary.json   (the contract; always written by solve)
    xlsx  plan.xlsx
    docx  decision.docx (one issuing committee) or decision-<committee id>.docx (several), amendment.docx
          or amendment-<committee id>.docx (with a baseline), notices/<unit id>.docx   (Vietnamese always)
    ics   calendars/<member id>.ics
    html  report.html
    md    plan.md
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from planner.instance import Instance
from planner.io import plan_files
from planner.outputs.docx import InForce
from planner.outputs.facts import Facts, summary_from_dict
from planner.outputs.labels import LANGS, Labels
from planner.plan import PLAN_FILES, Plan, Summary

FORMATS = ("csv", "xlsx", "docx", "ics", "html", "md")
DEFAULT_FORMATS = ("csv", "xlsx")
FILE_NAMES = {"xlsx": "plan.xlsx", "docx": "decision.docx", "html": "report.html", "md": "plan.md"}
CALENDAR_DIR = "calendars"
NOTICE_DIR = "notices"
# Every top-level name a plan directory may hold (so re-writing one never counts them as foreign files), and
# the patterns of the names of the decisions and amendments of several committees.
OUTPUT_NAMES = frozenset(
    {*PLAN_FILES, "summary.json", *FILE_NAMES.values(), "amendment.docx", CALENDAR_DIR, NOTICE_DIR}
)
DOCUMENT_PATTERNS = ("decision-*.docx", "amendment*.docx")
# Every path a plan directory may hold, at any depth (what the output writer may replace; anything else is
# a file it did not write, and the directory is not replaced).
OUTPUT_PATTERNS = (
    *PLAN_FILES,
    "summary.json",
    *FILE_NAMES.values(),
    *DOCUMENT_PATTERNS,
    f"{CALENDAR_DIR}/*.ics",
    f"{NOTICE_DIR}/*.docx",
)


def parse_formats(text: str | Iterable[str]) -> tuple[str, ...]:
    """``"csv,xlsx"`` (or repeated options) → ("csv", "xlsx"), in FORMATS order; ``all`` means every format.
    Raises ValueError naming the unknown format."""
    items = [text] if isinstance(text, str) else list(text)
    wanted: set[str] = set()
    for item in items:
        for part in item.split(","):
            p = part.strip().lower()
            if not p:
                continue
            if p == "all":
                wanted.update(FORMATS)
            elif p not in FORMATS:
                raise ValueError(f"unknown format '{part.strip()}'; choose from {', '.join(FORMATS)} (or all)")
            else:
                wanted.add(p)
    return tuple(f for f in FORMATS if f in wanted)


def render(
    formats: Iterable[str],
    inst: Instance,
    plan: Plan,
    summary: Summary | dict[str, Any] | None,
    lang: str = "vi",
    *,
    violations: int | None = None,
    generated: dt.datetime | None = None,
    decision_template: str | Path | dict[str, Any] | None = None,
    committee: str | None = None,
    baseline: Plan | None = None,
    in_force: InForce | None = None,
    baseline_inst: Instance | None = None,
) -> dict[str, bytes]:
    """Every file of the chosen formats, name → bytes (names may hold one folder: ``calendars/x.ics``).

    ``summary`` is the solver's `Summary`, a ``summary.json`` as a dict, or None (a plan drafted by hand).
    ``violations``: how many violations ``verify`` found, shown in the summaries (None: not shown).
    ``generated``: the time of issue (calendar stamps, the HTML footer); now if not given.
    ``committee``: the one committee whose decision (and notices) to write; every issuing committee if None.
    ``baseline``: the plan in force (in this scenario's ids): an amendment lists what changed from it, by the
    number and date in ``in_force`` (``in_force.replace``: the decision replaces it instead);
    ``baseline_inst``: the scenario of the plan in force, for members this one no longer has."""
    formats = parse_formats(list(formats))
    if not isinstance(summary, Summary):
        summary = summary_from_dict(summary)
    L = Labels(lang)
    when = generated or dt.datetime.now(dt.UTC).replace(microsecond=0)
    facts = Facts(inst, plan, summary, violations)
    out: dict[str, bytes] = {}
    if "csv" in formats:
        for name, text in plan_files(inst, plan).items():
            out[name] = text.encode("utf-8")
        out["summary.json"] = summary.to_json().encode("utf-8")
    if "xlsx" in formats:
        from planner.outputs.xlsx import render_xlsx

        out[FILE_NAMES["xlsx"]] = render_xlsx(facts, L)
    if "docx" in formats:
        from planner.outputs.docx import decision_files, load_template

        template = decision_template if isinstance(decision_template, dict) else load_template(decision_template)
        diff, owners = None, None
        if baseline is not None:
            from planner.replan.diff import Names, diff_plans

            names = Names.of_instance(inst)
            owners = {m: x.committee for m, x in inst.members.items()}
            if baseline_inst is not None:
                names.update(Names.of_instance(baseline_inst))
                for m, x in baseline_inst.members.items():
                    owners.setdefault(m, x.committee)
            diff = diff_plans(baseline, plan, names)
        old = set(baseline_inst.units) if baseline_inst is not None else None
        out.update(decision_files(facts, template, committee, diff, owners, in_force, old))
    if "ics" in formats:
        from planner.outputs.ics import render_ics

        out.update(render_ics(facts, L, when))
    if "html" in formats:
        from planner.outputs.html import render_html

        out[FILE_NAMES["html"]] = render_html(facts, L, when).encode("utf-8")
    if "md" in formats:
        from planner.outputs.md import render_md

        out[FILE_NAMES["md"]] = render_md(facts, L).encode("utf-8")
    return out


def issuing_committees(inst: Instance, plan: Plan) -> list[str]:
    """The committees whose members ``plan`` assigns: each issues its own decision."""
    return Facts(inst, plan, Summary(status="unknown")).issuing_committees


def describe_files(names: Iterable[str], lang: str = "en") -> str:
    """``charges.csv, …, plan.xlsx, 15 calendars (calendars/*.ics)``: what a directory received, in short."""
    names = list(names)
    cals = [n for n in names if n.startswith(CALENDAR_DIR + "/")]
    notices = [n for n in names if n.startswith(NOTICE_DIR + "/")]
    rest = [n for n in names if not n.startswith((CALENDAR_DIR + "/", NOTICE_DIR + "/"))]
    if cals:
        rest.append(
            f"{len(cals)} lịch của cấp ủy viên ({CALENDAR_DIR}/*.ics)"
            if lang == "vi"
            else f"{len(cals)} member calendar{'s' if len(cals) != 1 else ''} ({CALENDAR_DIR}/*.ics)"
        )
    if notices:
        rest.append(
            f"{len(notices)} thông báo gửi chi bộ ({NOTICE_DIR}/*.docx)"
            if lang == "vi"
            else f"{len(notices)} notice{'s' if len(notices) != 1 else ''} to the cells ({NOTICE_DIR}/*.docx)"
        )
    return ", ".join(rest)


__all__ = [
    "FORMATS",
    "DEFAULT_FORMATS",
    "FILE_NAMES",
    "OUTPUT_NAMES",
    "OUTPUT_PATTERNS",
    "LANGS",
    "InForce",
    "issuing_committees",
    "parse_formats",
    "render",
    "summary_from_dict",
    "describe_files",
]
