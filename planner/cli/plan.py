"""Plan a scenario and check or render a plan: `validate` loads a scenario and prints what it holds, `solve`
runs the search and writes the plan (checked by verify first), `verify` checks a plan against every hard rule
and recomputes its objective, and `report` renders a plan, the planner's or one edited by hand, as the chosen
outputs."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from planner.checks.verify import verify
from planner.cli import main
from planner.cli.common import (
    EXIT_INFEASIBLE,
    EXIT_NO_PLAN,
    _check_committee,
    _console,
    _document_options,
    _expected_bytes,
    _force_option,
    _format_list_option,
    _id_map_option,
    _lang_option,
    _load,
    _out_dir_option,
    _output,
    _plan_dir_argument,
    _remember_lang,
    _scenario_argument,
    _search_options,
    _wrap,
)
from planner.cli.feasibility import _explain_infeasible
from planner.cli.signals import ProgressDisplay, _catch_signals, _interrupted
from planner.instance import Instance
from planner.io import plan_directory_files, read_plan, read_summary
from planner.outputs import LANGS, InForce, describe_files, render
from planner.outputs.terminal import message, objective_table, print_plan, print_scenario
from planner.plan import Plan
from planner.replan.freeze import freeze
from planner.search.solving import STARTS, Progress, Settings, solve
from planner.status import Status


def _template(path: str | None):  # type: ignore[no-untyped-def]
    """The documents' template, read (and checked) now: a broken copy is refused before any work."""
    from planner.outputs.docx import load_template

    return load_template(path)


def _say_amendments(files: dict, wanted: bool, lang: str) -> None:  # type: ignore[type-arg]
    """With a baseline: which amendments were written, or that nothing of the decision in force changed."""
    if not wanted:
        return
    names = [n for n in files if n.startswith("amendment")]
    if names:
        n = len(names)
        click.echo(_wrap(message("amendments", lang, n=n, s="s" if n != 1 else "", files=", ".join(names))))
    else:
        click.echo(_wrap(message("no_amendment", lang)))


@main.command()
@_scenario_argument
@_lang_option()
def validate(scenario: str, lang: str = "en") -> None:
    """Load SCENARIO and print what it holds, or every error in it."""
    inst = _load(scenario)
    print_scenario(_console(), inst, lang)
    from planner.io.tables import derived_ids

    for note in derived_ids(inst.scenario.source):  # ids a table or workbook left out, derived from names
        click.echo(message("derived_id", lang, note=note))
    click.echo(message("valid", lang))


def _mapped_baseline(base: Plan | None, changes: str, inst: Instance) -> tuple[Plan, Instance | None]:
    """solve --id-map: the baseline in the ids of the changed scenario, its window and ids only; and the
    scenario in force, when ``planner apply`` recorded it (its committees get amendments, new ones do not)."""
    from planner.replan import map_plan, read_changes
    from planner.replan.id_map import check_id_map, recorded_base

    if base is None:
        raise click.UsageError("--id-map needs --baseline (the plan whose ids it maps)")
    cs = read_changes(changes)
    base_inst = None
    recorded = recorded_base(inst.scenario.source)  # SCENARIO written by planner apply: its base is known
    if recorded is not None:
        from planner.io import load_scenario
        from planner.replan.apply import apply_changes

        in_force = load_scenario(recorded)
        apply_changes(in_force, cs)  # refused exactly as apply refuses it
        base_inst = Instance(in_force)
    check_id_map(cs, base, set(inst.units), set(inst.members))  # and what would merge decisions silently
    return map_plan(base, cs.id_map(), list(inst.months), set(inst.members), set(inst.units)), base_inst


@main.command(name="solve")
@_scenario_argument
@_out_dir_option("Directory to write the plan to (charges.csv, meetings.csv, attendance.csv, summary.json).")
@_search_options(
    "Search effort, in CP-SAT deterministic seconds: about 0.6–0.8 s of wall time each on two idle cores, "
    "after the LP's rounded plan (models up to 150,000 variables: 0.1–21 s on the examples; in all 1–37 s "
    "on the examples), more on a busy machine, with the same plan.",
    seed="Random seed of the search.",
    workers="Search workers (threads).",
)
@click.option(
    "--deterministic/--wall-clock",
    default=True,
    show_default=True,
    help="Deterministic: same seed and settings give the same plan. Wall-clock: the time limit is "
    "wall seconds and workers run freely (faster, not reproducible).",
)
@click.option(
    "--start",
    type=click.Choice(tuple(STARTS)),
    default="lp",
    show_default=True,
    help="Where the search starts. lp: the LP relaxation's plan, its whole-number values kept and the rest "
    "searched (models up to 150,000 variables); highs: the plan of HiGHS's root node (the same model as a "
    "MIP: slower, sometimes a tighter bound); charges: CP-SAT alone, from a charges-first plan. Each falls "
    "back on the next when it gives no plan; all are deterministic.",
)
@click.option("--quiet", "-q", is_flag=True, help="Print only the status line.")
@_force_option
@_format_list_option(
    "Outputs to write besides the contract CSV files: a comma list of csv, xlsx, docx, ics, html, "
    "md (or all). See docs/outputs.md."
)
@click.option(
    "--lang",
    type=click.Choice(LANGS),
    default=None,
    callback=_remember_lang,
    help="Language of the labels in xlsx, html, md and calendars (default vi) and of the terminal "
    "(default en). The decision, its amendment and the notices (docx) are Vietnamese.",
)
@click.option(
    "--baseline",
    type=click.Path(),
    default=None,
    help="An existing plan directory: each decision that differs from it costs the stability weight, "
    "and the search starts from it.",
)
@click.option(
    "--freeze-until",
    default=None,
    metavar="YYYY-MM",
    help="With --baseline: take every month up to this one from the baseline as it was.",
)
@_id_map_option(
    "With --baseline: the change set SCENARIO came from; the baseline's merged, renamed and removed ids "
    "are mapped through it (and only SCENARIO's months and ids are kept)."
)
@_document_options
def solve_cmd(
    scenario: str,
    out: str,
    formats: tuple[str, ...],
    lang: str | None,
    time_limit: float,
    seed: int,
    workers: int,
    deterministic: bool,
    quiet: bool,
    baseline: str | None,
    freeze_until: str | None,
    id_map: str | None = None,
    force: bool = False,
    decision_template: str | None = None,
    committee: str | None = None,
    amends: str | None = None,
    amends_date=None,  # type: ignore[no-untyped-def]
    replace: bool = False,
    start: str = "lp",
) -> None:
    """Plan SCENARIO and write the assignment decision to --out."""
    inst = _load(scenario)
    _check_committee(inst, committee)
    if (amends or amends_date or replace) and not baseline:
        raise click.UsageError("--amends, --amends-date and --replace need --baseline (the plan in force)")
    template = _template(decision_template)  # a broken template is refused before the search
    target = _output(out, force=force, expected=_expected_bytes(inst, formats))  # before the search, not after
    base = read_plan(baseline) if baseline else None
    base_inst: Instance | None = None  # the scenario in force, when known (committees founded since: no amendment)
    if id_map is not None:
        base, base_inst = _mapped_baseline(base, id_map, inst)
    if freeze_until is not None:
        if base is None:
            raise click.UsageError("--freeze-until needs --baseline (the plan whose months are kept)")
        inst = Instance(freeze(inst.scenario, base, freeze_until))
    con, err = _console(), _console(stderr=True)  # err: only to know whether stderr is a terminal
    settings = Settings(time_limit=time_limit, seed=seed, workers=workers, deterministic=deterministic, **STARTS[start])
    display = None if quiet else ProgressDisplay(err, lang=lang or "en")
    progress = Progress()
    caught = _catch_signals(progress)  # a signal stops the search; before any plan is found, it aborts at once
    try:
        result = solve(inst, settings, baseline=base, progress=progress, on_start=display and display.start)
    finally:
        if display is not None:
            display.stop()
    summary = result.summary
    if result.plan is not None:
        progress.solutions = max(progress.solutions, 1)  # a plan to write: a signal from here on lets it be written
    if result.plan is None:
        from planner.outputs.terminal import status_line

        con.print(f"[bold]{inst.scenario.name}[/]")
        con.print(status_line(summary, lang or "en"))
        if caught:
            _interrupted(caught, "no plan had been found yet; nothing was written")
        if summary.status == Status.INFEASIBLE:
            click.echo(_explain_infeasible(inst, lang or "en", seed))  # why, in words (issue 3)
            click.echo(message("nothing", lang or "en"))
            sys.exit(EXIT_INFEASIBLE)
        con.print(message("no_plan", lang or "en"))
        sys.exit(EXIT_NO_PLAN)
    report = verify(inst, result.plan, base)
    if not report.ok or report.objective != summary.objective:
        click.echo("internal error: the plan found does not pass verify (nothing written):", err=True)
        for v in report.violations[:20]:
            click.echo(f"  - {v}", err=True)
        if report.objective != summary.objective:
            click.echo(f"  - objective {summary.objective} from the solver, {report.objective} recomputed", err=True)
        sys.exit(1)
    files: dict[str, str | bytes] = dict(plan_directory_files(inst, result.plan, summary))
    in_force = InForce(amends or "", amends_date, replace) if base is not None else None
    files.update(
        render(
            [f for f in formats if f != "csv"],
            inst,
            result.plan,
            summary,
            lang or "vi",
            violations=0,
            decision_template=template,
            committee=committee,
            baseline=base,
            in_force=in_force,
            baseline_inst=base_inst,
        )
    )
    target.write(files)
    if quiet:
        from planner.outputs.terminal import status_line

        con.print(status_line(summary, lang or "en"))
    else:
        print_plan(con, inst, result.plan, summary, lang or "en")
    _say_amendments(files, base is not None and "docx" in formats and not replace, lang or "en")
    click.echo(_wrap(message("plan_written", lang or "en", out=out, files=describe_files(files, lang or "en"))))
    if caught:
        _interrupted(caught, f"the plan written is the best found before the stop ({summary.status})")


@main.command(name="verify")
@_scenario_argument
@_plan_dir_argument
@click.option("--baseline", type=click.Path(), default=None, help="A baseline plan directory, for the stability term.")
@_lang_option()
def verify_cmd(scenario: str, plan_dir: str, baseline: str | None, lang: str = "en") -> None:
    """Check the plan in PLAN_DIR against every hard rule of SCENARIO; recompute its objective."""
    inst = _load(scenario)
    plan: Plan = read_plan(plan_dir)
    base = read_plan(baseline) if baseline else None
    report = verify(inst, plan, base)
    con = _console()
    con.print(objective_table(inst, report.terms, lang))
    claimed = (read_summary(plan_dir) or {}).get("objective")
    if claimed is not None and claimed != report.objective:
        click.echo(message("claimed", lang, claimed=claimed, objective=report.objective))
    if report.ok:
        click.echo(message("ok", lang, objective=report.objective))
        return
    n = len(report.violations)
    click.echo(message("violations", lang, n=n, s="s" if n != 1 else ""))
    for v in report.violations:
        click.echo(f"  - {v}")
    sys.exit(EXIT_INFEASIBLE)


@main.command(name="report")
@_scenario_argument
@_plan_dir_argument
@_out_dir_option("Directory to write to: the plan's contract files, copied as they are, and the outputs.")
@_format_list_option("Comma list of csv, xlsx, docx, ics, html, md (or all). See docs/outputs.md.")
@click.option(
    "--lang",
    type=click.Choice(LANGS),
    default="vi",
    show_default=True,
    help="Language of the labels in xlsx, html, md and calendars (the decision docx is Vietnamese).",
)
@_document_options
@click.option(
    "--baseline",
    type=click.Path(file_okay=False),
    default=None,
    help="The plan in force (a plan directory, in SCENARIO's ids): with docx, an amendment lists what "
    "changed from it (amendment.docx), or with --replace the decision replaces it.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Replace the result already in --out (never other files); and write the outputs even when verify "
    "finds violations (exit 3 still).",
)
def report_cmd(
    scenario: str,
    plan_dir: str,
    out: str,
    formats: tuple[str, ...],
    lang: str,
    decision_template: str | None,
    force: bool,
    committee: str | None = None,
    amends: str | None = None,
    amends_date=None,  # type: ignore[no-untyped-def]
    replace: bool = False,
    baseline: str | None = None,
) -> None:
    """Render the plan in PLAN_DIR (the planner's, or one edited by hand) as the chosen outputs, after verify."""
    from planner.outputs import summary_from_dict

    source = click.get_current_context().get_parameter_source("lang")
    say = lang if source is not None and source.name != "DEFAULT" else "en"  # the terminal: English unless asked
    inst = _load(scenario)
    if (amends or amends_date or replace) and not baseline:
        raise click.UsageError("--amends, --amends-date and --replace need --baseline (the plan in force)")
    template = _template(decision_template)
    target = _output(out, force=force, expected=_expected_bytes(inst, formats), same_as=plan_dir)
    plan = read_plan(plan_dir)
    _check_committee(inst, committee, plan)
    base = read_plan(baseline) if baseline else None
    raw = read_summary(plan_dir)
    checked = verify(inst, plan)
    summary = summary_from_dict(raw)
    if raw and raw.get("scenario_sha256") and raw["scenario_sha256"] != inst.scenario.sha256:
        click.echo(_wrap(message("other_scenario", say)))
    if summary.objective is not None and summary.objective != checked.objective:
        click.echo(_wrap(message("edited", say, claimed=summary.objective, objective=checked.objective)))
        summary.status = Status.EDITED
    summary.objective, summary.terms = checked.objective, dict(checked.terms)
    n = len(checked.violations)
    if checked.ok:
        click.echo(message("verify_ok", say, objective=checked.objective))
    else:
        click.echo(message("verify_bad", say, n=n, s="s" if n != 1 else ""))
        for v in checked.violations:
            click.echo(f"  - {v}")
        if not force:
            click.echo(message("refused", say))
            sys.exit(EXIT_INFEASIBLE)
    files: dict[str, str | bytes] = {}
    for name in ("charges.csv", "meetings.csv", "attendance.csv", "summary.json"):
        if (Path(plan_dir) / name).is_file():
            files[name] = (Path(plan_dir) / name).read_bytes()
    files.update(
        render(
            [f for f in formats if f != "csv"],
            inst,
            plan,
            summary,
            lang,
            violations=n,
            decision_template=template,
            committee=committee,
            baseline=base,
            in_force=InForce(amends or "", amends_date, replace) if base is not None else None,
        )
    )
    target.write(files)
    _say_amendments(files, base is not None and "docx" in formats and not replace, say)
    click.echo(_wrap(message("written", say, out=out, files=describe_files(files, say))))
    if n:
        sys.exit(EXIT_INFEASIBLE)
