"""Re-planning after a change set (issue 4): `apply` applies a change set to a scenario and writes the changed
scenario, `diff` compares two plans (charges, attendances, meetings, loads, coverage), and `whatif` applies a
change set, re-plans from the plan in force and reports what changed and why."""

from __future__ import annotations

import sys

import click

from planner.cli import main
from planner.cli.common import (
    EXIT_INFEASIBLE,
    EXIT_NO_PLAN,
    _change_set_arguments,
    _document_options,
    _id_map_option,
    _lang_option,
    _load,
    _output,
    _rows_option,
    _search_options,
)
from planner.io.output import file_kind
from planner.outputs.terminal import message
from planner.search.solving import Settings
from planner.status import Status


@main.command(name="apply")
@_change_set_arguments
@click.option(
    "--out",
    "-o",
    "out",
    type=click.Path(dir_okay=False),
    required=True,
    help="The scenario file to write (YAML, re-loadable; tables of the base are inlined).",
)
@click.option("--force", is_flag=True, help="Replace the file already at --out.")
def apply_cmd(base: str, changes: str, out: str, force: bool = False) -> None:
    """Apply the change set CHANGES to the scenario BASE and write the resulting scenario to --out."""
    from planner.replan import apply_files

    target = _output(out, file_kind("a scenario"), force=force, option="--out")
    applied = apply_files(base, changes)
    text = applied.yaml_text(f"planner apply {base} {changes} -o {out}")
    target.write(text)
    s = applied.scenario
    click.echo(f"{len(applied.changes.changes)} changes applied to {base}:")
    for c in applied.changes.changes:
        click.echo(f"  {c.number}. {c.describe()}" + (f" — {c.reason}" if c.reason else ""))
        for i, note in applied.notes:
            if i == c.index:
                click.echo(f"       {note}")
    moved = {k: v for k, v in applied.id_map.units.items() if v != k}
    if moved:
        click.echo("ids of the base that change (for --baseline re-planning with --id-map):")
        for old, new in moved.items():
            click.echo(f"  {old} → {new or '(removed)'}")
    click.echo(f"Written {out}: {s.name} ({len(s.units)} units, {len(s.members)} members, {s.start}..{s.end}).")


@main.command(name="diff")
@click.argument("plan_a", type=click.Path(file_okay=False))
@click.argument("plan_b", type=click.Path(file_okay=False))
@click.option(
    "--scenario",
    type=click.Path(dir_okay=False),
    default=None,
    help="Names (and order) of members and units from this scenario; otherwise from the plans' CSVs.",
)
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False),
    default=None,
    help="Also write the diff as CSV files and diff.xlsx to this directory.",
)
@click.option("--force", is_flag=True, help="With --out: replace the diff already there (never other files).")
@_rows_option("summary")
@_lang_option()
@_id_map_option(
    "PLAN_A is of the scenario before this change set: carry its ids across (merged units → the new "
    "unit) and, with --scenario, compare only that scenario's months."
)
def diff_cmd(
    plan_a: str,
    plan_b: str,
    scenario: str | None,
    out: str | None,
    rows: int,
    id_map: str | None = None,
    force: bool = False,
    lang: str = "en",
) -> None:
    """Compare plan PLAN_A (before) with PLAN_B (after): charges, attendances, meetings, loads, coverage."""
    from planner.replan import read_changes
    from planner.replan.diff import DIFF_KIND, diff_dirs, diff_files, summary_text

    target = _output(out, DIFF_KIND, force=force) if out else None
    inst = _load(scenario) if scenario else None
    idm = None
    if id_map:
        from planner.io import read_plan
        from planner.replan.id_map import check_id_map

        cs = read_changes(id_map)
        units, members = (set(inst.units), set(inst.members)) if inst is not None else (None, None)
        check_id_map(cs, read_plan(plan_a), units, members)  # what apply refuses, and silent merges
        idm = cs.id_map()
    d = diff_dirs(plan_a, plan_b, inst, idm)
    click.echo(summary_text(d, plan_a, plan_b, rows=rows, lang=lang), nl=False)
    if target is not None:
        target.write(diff_files(d))
        click.echo(message("diff_written", lang, out=out))


@main.command(name="whatif")
@_change_set_arguments
@click.option(
    "--baseline",
    type=click.Path(file_okay=False),
    required=True,
    help="The plan of BASE in force (a plan directory); the re-plan changes as little of it as it can.",
)
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False),
    required=True,
    help="Directory for scenario.yaml, plan/, diff/ and report.txt.",
)
@_search_options(
    "Search effort, in CP-SAT deterministic seconds.",
    seed="Random seed of the search.",
    workers="Search workers (threads).",
)
@click.option(
    "--stability",
    type=click.IntRange(min=0, max=100_000),
    default=None,
    help="Override the scenario's stability weight (0: re-plan freely, to compare).",
)
@click.option("--force", is_flag=True, help="Replace the what-if result already in --out (never other files).")
@_rows_option("report")
@click.option(
    "--documents",
    is_flag=True,
    help="Also write the documents of the re-plan: the amendment of the decision in force (amendment.docx, "
    "only what changed), the whole new decision (decision.docx) and the notices to the cells (notices/); "
    "implied by the options below.",
)
@_document_options
@_lang_option()
def whatif_cmd(
    base: str,
    changes: str,
    baseline: str,
    out: str,
    time_limit: float,
    seed: int,
    workers: int,
    stability: int | None,
    rows: int,
    force: bool = False,
    documents: bool = False,
    decision_template: str | None = None,
    committee: str | None = None,
    amends: str | None = None,
    amends_date=None,  # type: ignore[no-untyped-def]
    replace: bool = False,
    lang: str = "en",
) -> None:
    """Apply CHANGES to BASE, re-plan from the plan in --baseline, and report what changed and why."""
    from planner.cli.signals import _interrupted, caught_signals, stopping
    from planner.outputs.terminal import status_line
    from planner.replan.whatif import run_whatif

    settings = Settings(time_limit=time_limit, seed=seed, workers=workers)
    command = f"planner whatif {base} {changes} --baseline {baseline} --out {out}"
    caught = caught_signals()
    render_documents = None
    if documents or decision_template or committee or amends or amends_date or replace:
        from planner.outputs import InForce, render
        from planner.outputs.docx import load_template

        template = load_template(decision_template)  # a broken template is refused before the search
        in_force = InForce(amends or "", amends_date, replace)

        def render_documents(inst, plan, in_force_plan, base_inst):  # type: ignore[no-untyped-def]
            if committee is not None:
                from planner.cli.common import _check_committee

                _check_committee(inst, committee, plan)
            return render(
                ["docx"],
                inst,
                plan,
                None,
                decision_template=template,
                committee=committee,
                baseline=in_force_plan,
                in_force=in_force,
                baseline_inst=base_inst,
            )

    w = run_whatif(
        base,
        changes,
        baseline,
        out,
        settings,
        stability,
        command,
        rows=rows,
        force=force,
        stoppable=stopping,
        documents=render_documents,
    )
    if caught:
        click.echo(w.report, nl=False)
        _interrupted(
            caught,
            f"the re-plan written to {out}/ is the best found before the stop"
            if w.result.plan is not None
            else "no plan had been found yet; only scenario.yaml was written",
        )
    if w.result.plan is None:
        click.echo(status_line(w.result.summary, lang))
        if w.result.summary.status == Status.INFEASIBLE:
            click.echo(message("whatif_infeasible", lang, out=out))
            sys.exit(EXIT_INFEASIBLE)
        click.echo(message("whatif_no_plan", lang))
        sys.exit(EXIT_NO_PLAN)
    click.echo(w.report, nl=False)
    docs = ""
    if render_documents is not None:
        import os

        names = sorted(n for n in os.listdir(out) if n.endswith(".docx"))
        docs = ", " + ", ".join(names) + (", notices/" if os.path.isdir(os.path.join(out, "notices")) else "")
        if not replace and not any(n.startswith("amendment") for n in names):
            click.echo(message("whatif_no_amendment", lang))
    click.echo(message("whatif_written", lang, out=out, docs=docs))
