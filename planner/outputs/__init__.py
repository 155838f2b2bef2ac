"""Outputs people use, beside the contract CSV files: an Excel workbook, the printable decision (DOCX), one
iCalendar file per member, a self-contained HTML report and a Markdown summary.

One entry point, `render`, returns every file as name → bytes; the CLI writes them all at once with
`planner.plan.write_directory` (whole or not at all). File names:

    csv   charges.csv, meetings.csv, attendance.csv, summary.json   (the contract; always written by solve)
    xlsx  plan.xlsx
    docx  decision.docx                                              (Vietnamese whatever --lang says)
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
from planner.outputs.facts import Facts, summary_from_dict
from planner.outputs.labels import LANGS, Labels
from planner.plan import PLAN_FILES, Plan, Summary

FORMATS = ("csv", "xlsx", "docx", "ics", "html", "md")
DEFAULT_FORMATS = ("csv", "xlsx")
FILE_NAMES = {"xlsx": "plan.xlsx", "docx": "decision.docx", "html": "report.html", "md": "plan.md"}
CALENDAR_DIR = "calendars"
# Every top-level name a plan directory may hold (so re-writing one never counts them as foreign files).
OUTPUT_NAMES = frozenset({*PLAN_FILES, "summary.json", *FILE_NAMES.values(), CALENDAR_DIR})
# Every path a plan directory may hold, at any depth (what the output writer may replace; anything else is
# a file it did not write, and the directory is not replaced).
OUTPUT_PATTERNS = (*PLAN_FILES, "summary.json", *FILE_NAMES.values(), f"{CALENDAR_DIR}/*.ics")


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
) -> dict[str, bytes]:
    """Every file of the chosen formats, name → bytes (names may hold one folder: ``calendars/x.ics``).

    ``summary`` is the solver's `Summary`, a ``summary.json`` as a dict, or None (a plan drafted by hand).
    ``violations``: how many violations ``verify`` found, shown in the summaries (None: not shown).
    ``generated``: the time of issue (calendar stamps, the HTML footer); now if not given."""
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
        from planner.outputs.docx import load_template, render_docx

        template = decision_template if isinstance(decision_template, dict) else load_template(decision_template)
        out[FILE_NAMES["docx"]] = render_docx(facts, template)
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


def describe_files(names: Iterable[str]) -> str:
    """``charges.csv, …, plan.xlsx, 15 calendars (calendars/*.ics)``: what a directory received, in short."""
    names = list(names)
    cals = [n for n in names if n.startswith(CALENDAR_DIR + "/")]
    rest = [n for n in names if not n.startswith(CALENDAR_DIR + "/")]
    if cals:
        rest.append(f"{len(cals)} member calendar{'s' if len(cals) != 1 else ''} ({CALENDAR_DIR}/*.ics)")
    return ", ".join(rest)


__all__ = [
    "FORMATS",
    "DEFAULT_FORMATS",
    "FILE_NAMES",
    "OUTPUT_NAMES",
    "OUTPUT_PATTERNS",
    "LANGS",
    "parse_formats",
    "render",
    "summary_from_dict",
    "describe_files",
]
