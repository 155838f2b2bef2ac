"""The command line: parse, load, solve or check, write. Exit codes: 0 success, 1 anything else, 2 invalid
input, 3 infeasible (solve) or violations found (verify), 4 no plan found within the time limit."""

from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path

import click
from rich.console import Console

from planner.checks.verify import verify
from planner.errors import InputError
from planner.instance import Instance
from planner.io import (
    check_output_directory,
    load_scenario,
    plan_directory_files,
    read_plan,
    read_summary,
    write_directory,
)
from planner.outputs import DEFAULT_FORMATS, LANGS, OUTPUT_NAMES, describe_files, parse_formats, render
from planner.outputs.terminal import objective_table, print_plan, print_scenario
from planner.plan import Plan
from planner.replan.freeze import freeze
from planner.search.solving import (
    Progress,
    ProgressThread,
    Settings,
    abandoned_searches,
    request_stop,
    reset_stop,
    solve,
)
from planner.status import Status

EXIT_INVALID, EXIT_INFEASIBLE, EXIT_NO_PLAN = 2, 3, 4


def _console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False, soft_wrap=False)


def _load(path: str) -> Instance:
    return Instance(load_scenario(path))


def _fail_input(err: InputError) -> None:
    n = len(err.problems)
    click.echo(f"error: {n} problem{'s' if n != 1 else ''} in the input:", err=True)
    for p in err.problems:
        click.echo(f"  - {p}", err=True)
    sys.exit(EXIT_INVALID)


class _Group(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except InputError as err:
            _fail_input(err)


@click.group(cls=_Group)
@click.version_option(package_name="planner")
def main() -> None:
    """Plan which committee members take charge of which party cells and which cell meetings they attend."""


@main.command()
@click.argument("scenario", type=click.Path(dir_okay=True))
def validate(scenario: str) -> None:
    """Load SCENARIO and print what it holds, or every error in it."""
    inst = _load(scenario)
    print_scenario(_console(), inst)
    click.echo("valid: the scenario loads and every reference resolves.")


def _formats_option(ctx: click.Context, param: click.Parameter, value: str) -> tuple[str, ...]:
    try:
        return parse_formats(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _options(*decorators):
    """Several click parameters as one decorator, listed in --help in the order given."""

    def stack(f):
        for decorate in reversed(decorators):
            f = decorate(f)
        return f

    return stack


def _search_options(effort: str, seed: str | None, workers: str):
    """--time-limit, --seed and --workers of a command that runs the planner's search; the help says what each
    means for that command (``seed=None``: no help line)."""
    return _options(
        click.option(
            "--time-limit", type=click.FloatRange(min=0.1), default=Settings.time_limit, show_default=True, help=effort
        ),
        click.option("--seed", type=int, default=0, show_default=True, help=seed),
        click.option(
            "--workers", type=click.IntRange(min=1, max=64), default=Settings.workers, show_default=True, help=workers
        ),
    )


def _id_map_option(text: str):
    """--id-map CHANGES: the change set whose id map carries a plan's ids across (``text``: its help)."""
    return click.option(
        "--id-map", "id_map", type=click.Path(dir_okay=False), default=None, metavar="CHANGES", help=text
    )


def _rows_option(lister: str):
    """--rows: how many changes of each kind a diff summary lists."""
    return click.option(
        "--rows",
        type=click.IntRange(min=0),
        default=6,
        show_default=True,
        help=f"How many changes of each kind the {lister} lists.",
    )


# BASE CHANGES: a scenario file and a change set file (apply, whatif)
_change_set_arguments = _options(
    click.argument("base", type=click.Path(dir_okay=False)), click.argument("changes", type=click.Path(dir_okay=False))
)


def _wrap(text: str) -> str:
    """A message folded to an 80-column terminal."""
    import textwrap

    return textwrap.fill(text, width=80, break_long_words=False, break_on_hyphens=False)


def _show_progress(con: Console):
    def show(p: Progress) -> None:
        obj = "–" if p.objective is None else f"{p.objective:g}"
        bound = "–" if p.bound is None else f"{p.bound:g}"
        gap = "–" if p.gap is None else f"{100 * p.gap:.1f} %"
        click.echo(f"  solving… {p.elapsed:5.1f} s  best {obj}  bound {bound}  gap {gap}", err=True)

    return show


def _catch_signals() -> list[int]:
    """Until the command ends, SIGINT (Ctrl-C) and SIGTERM stop the search instead of killing the process: the
    best plan found so far is still checked and written, then `_interrupted` exits 130 or 143. A second signal
    ends the process at once (outputs are moved into place whole, so nothing is left half-written)."""
    caught: list[int] = []
    reset_stop()
    if threading.current_thread() is not threading.main_thread():
        return caught

    def handler(signum: int, frame: object) -> None:
        if caught:
            os._exit(128 + caught[0])
        caught.append(signum)
        request_stop()
        click.echo(
            f"\n{signal.Signals(signum).name}: stopping the search; the best plan found so far will be "
            "written (signal again to quit at once).",
            err=True,
        )

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}

    def restore() -> None:
        for sig, old in previous.items():
            signal.signal(sig, old)
        reset_stop()

    click.get_current_context().call_on_close(restore)
    return caught


def _interrupted(caught: list[int], what: str) -> None:
    """Exit 128 + the signal's number (130 for SIGINT, 143 for SIGTERM) after an interrupted solve."""
    click.echo(f"Interrupted ({signal.Signals(caught[0]).name}): {what}.", err=True)
    if abandoned_searches():  # a C++ search still runs in a background thread: it must not outlive Python
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(128 + caught[0])
    sys.exit(128 + caught[0])


@main.command(name="solve")
@click.argument("scenario", type=click.Path(dir_okay=True))
@click.option(
    "--out",
    "-o",
    "out",
    type=click.Path(file_okay=False),
    required=True,
    help="Directory to write the plan to (charges.csv, meetings.csv, attendance.csv, summary.json).",
)
@_search_options(
    "Search effort, in CP-SAT deterministic seconds (about 1–2 s of wall time each here).",
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
@click.option("--quiet", "-q", is_flag=True, help="Print only the status line.")
@click.option("--force", is_flag=True, help="Replace the plan already in --out (never other files).")
@click.option(
    "--format",
    "formats",
    default=",".join(DEFAULT_FORMATS),
    show_default=True,
    callback=_formats_option,
    help="Outputs to write besides the contract CSV files: a comma list of csv, xlsx, docx, ics, html, "
    "md (or all). See docs/outputs.md.",
)
@click.option(
    "--lang",
    type=click.Choice(LANGS),
    default=None,
    help="Language of the labels in xlsx, html, md and calendars (default vi) and of the terminal "
    "tables (default en). The decision docx is Vietnamese.",
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
) -> None:
    """Plan SCENARIO and write the assignment decision to --out."""
    inst = _load(scenario)
    check_output_directory(out, replaceable=OUTPUT_NAMES, force=force)  # before the search, not after it
    base = read_plan(baseline) if baseline else None
    if id_map is not None:
        base = _mapped_baseline(base, id_map, inst)
    if freeze_until is not None:
        if base is None:
            raise click.UsageError("--freeze-until needs --baseline (the plan whose months are kept)")
        inst = Instance(freeze(inst.scenario, base, freeze_until))
    con, err = _console(), _console(stderr=True)  # err: only to know whether stderr is a terminal
    settings = Settings(time_limit=time_limit, seed=seed, workers=workers, deterministic=deterministic)
    progress = Progress()
    ticker = ProgressThread(progress, _show_progress(err), after=1.0, every=1.0 if err.is_terminal else 5.0)
    caught = _catch_signals()
    result = solve(inst, settings, baseline=base, progress=progress, on_start=lambda _: ticker.start())
    ticker.stop()
    summary = result.summary
    if result.plan is None:
        from planner.outputs.terminal import status_line

        con.print(f"[bold]{inst.scenario.name}[/]")
        con.print(status_line(summary, lang or "en"))
        if caught:
            _interrupted(caught, "no plan had been found yet; nothing was written")
        if summary.status == Status.INFEASIBLE:
            click.echo(_explain_infeasible(inst, lang or "en", seed))  # why, in words (issue 3)
            click.echo("Nothing was written.")
            sys.exit(EXIT_INFEASIBLE)
        con.print("Nothing was written. Give a larger --time-limit.")
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
    files.update(render([f for f in formats if f != "csv"], inst, result.plan, summary, lang or "vi", violations=0))
    write_directory(out, files, replaceable=OUTPUT_NAMES, force=force)
    if quiet:
        from planner.outputs.terminal import status_line

        con.print(status_line(summary, lang or "en"))
    else:
        print_plan(con, inst, result.plan, summary, lang or "en")
    click.echo(_wrap(f"Plan written to {out}/: {describe_files(files)}."))
    if caught:
        _interrupted(caught, f"the plan written is the best found before the stop ({summary.status})")


@main.command(name="verify")
@click.argument("scenario", type=click.Path(dir_okay=True))
@click.argument("plan_dir", type=click.Path())
@click.option("--baseline", type=click.Path(), default=None, help="A baseline plan directory, for the stability term.")
def verify_cmd(scenario: str, plan_dir: str, baseline: str | None) -> None:
    """Check the plan in PLAN_DIR against every hard rule of SCENARIO; recompute its objective."""
    inst = _load(scenario)
    plan: Plan = read_plan(plan_dir)
    base = read_plan(baseline) if baseline else None
    report = verify(inst, plan, base)
    con = _console()
    con.print(objective_table(inst, report.terms))
    claimed = (read_summary(plan_dir) or {}).get("objective")
    if claimed is not None and claimed != report.objective:
        click.echo(f"note: summary.json says objective {claimed}; recomputed {report.objective}.")
    if report.ok:
        click.echo(f"ok: the plan satisfies every rule; objective {report.objective}.")
        return
    n = len(report.violations)
    click.echo(f"{n} violation{'s' if n != 1 else ''}:")
    for v in report.violations:
        click.echo(f"  - {v}")
    sys.exit(EXIT_INFEASIBLE)


@main.command(name="report")
@click.argument("scenario", type=click.Path(dir_okay=True))
@click.argument("plan_dir", type=click.Path())
@click.option(
    "--out",
    "-o",
    "out",
    type=click.Path(file_okay=False),
    required=True,
    help="Directory to write to: the plan's contract files, copied as they are, and the outputs.",
)
@click.option(
    "--format",
    "formats",
    default=",".join(DEFAULT_FORMATS),
    show_default=True,
    callback=_formats_option,
    help="Comma list of csv, xlsx, docx, ics, html, md (or all). See docs/outputs.md.",
)
@click.option(
    "--lang",
    type=click.Choice(LANGS),
    default="vi",
    show_default=True,
    help="Language of the labels in xlsx, html, md and calendars (the decision docx is Vietnamese).",
)
@click.option(
    "--decision-template",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="An edited copy of the decision's text template (planner/outputs/templates/decision.vi.yaml).",
)
@click.option("--force", is_flag=True, help="Write the outputs even when verify finds violations (exit 3 still).")
def report_cmd(
    scenario: str,
    plan_dir: str,
    out: str,
    formats: tuple[str, ...],
    lang: str,
    decision_template: str | None,
    force: bool,
) -> None:
    """Render the plan in PLAN_DIR (the planner's, or one edited by hand) as the chosen outputs, after verify."""
    from planner.outputs import summary_from_dict

    inst = _load(scenario)
    plan = read_plan(plan_dir)
    raw = read_summary(plan_dir)
    checked = verify(inst, plan)
    summary = summary_from_dict(raw)
    if raw and raw.get("scenario_sha256") and raw["scenario_sha256"] != inst.scenario.sha256:
        click.echo(
            _wrap(
                "note: the plan was made from another version of the scenario (summary.json has a "
                "different scenario_sha256)."
            )
        )
    if summary.objective is not None and summary.objective != checked.objective:
        click.echo(
            _wrap(
                f"note: summary.json says objective {summary.objective}; recomputed "
                f"{checked.objective} (the plan was edited): the outputs show the recomputed terms."
            )
        )
        summary.status = Status.EDITED
    summary.objective, summary.terms = checked.objective, dict(checked.terms)
    n = len(checked.violations)
    if checked.ok:
        click.echo(f"verify: ok, the plan satisfies every rule; objective {checked.objective}.")
    else:
        click.echo(f"verify: {n} violation{'s' if n != 1 else ''}:")
        for v in checked.violations:
            click.echo(f"  - {v}")
        if not force:
            click.echo("Nothing written: fix the plan, or give --force to render it anyway.")
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
            decision_template=decision_template,
        )
    )
    write_directory(out, files, replaceable=OUTPUT_NAMES)
    click.echo(_wrap(f"Written to {out}/: {describe_files(files)}."))
    if n:
        sys.exit(EXIT_INFEASIBLE)


# ---------------------------------------------------------------------------------------------- what-if (issue 4)
def _mapped_baseline(base: Plan | None, changes: str, inst: Instance) -> Plan:
    """solve --id-map: the baseline in the ids of the changed scenario, its window and ids only."""
    from planner.replan import map_plan, read_changes

    if base is None:
        raise click.UsageError("--id-map needs --baseline (the plan whose ids it maps)")
    return map_plan(base, read_changes(changes).id_map(), list(inst.months), set(inst.members), set(inst.units))


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
def apply_cmd(base: str, changes: str, out: str) -> None:
    """Apply the change set CHANGES to the scenario BASE and write the resulting scenario to --out."""
    from planner.replan import apply_files

    applied = apply_files(base, changes)
    text = applied.yaml_text(f"planner apply {base} {changes} -o {out}")
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(text, encoding="utf-8")
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
@_rows_option("summary")
@_id_map_option(
    "PLAN_A is of the scenario before this change set: carry its ids across (merged units → the new "
    "unit) and, with --scenario, compare only that scenario's months."
)
def diff_cmd(
    plan_a: str, plan_b: str, scenario: str | None, out: str | None, rows: int, id_map: str | None = None
) -> None:
    """Compare plan PLAN_A (before) with PLAN_B (after): charges, attendances, meetings, loads, coverage."""
    from planner.replan import read_changes
    from planner.replan.diff import diff_dirs, summary_text, write_diff

    inst = _load(scenario) if scenario else None
    d = diff_dirs(plan_a, plan_b, inst, read_changes(id_map).id_map() if id_map else None)
    click.echo(summary_text(d, plan_a, plan_b, rows=rows), nl=False)
    if out:
        write_diff(d, out)
        click.echo(f"Diff written to {out}/: diff-*.csv and diff.xlsx.")


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
    type=click.IntRange(min=0),
    default=None,
    help="Override the scenario's stability weight (0: re-plan freely, to compare).",
)
@_rows_option("report")
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
) -> None:
    """Apply CHANGES to BASE, re-plan from the plan in --baseline, and report what changed and why."""
    from planner.outputs.terminal import status_line
    from planner.replan.whatif import run_whatif

    settings = Settings(time_limit=time_limit, seed=seed, workers=workers)
    command = f"planner whatif {base} {changes} --baseline {baseline} --out {out}"
    w = run_whatif(base, changes, baseline, out, settings, stability, command, rows=rows)
    if w.result.plan is None:
        click.echo(status_line(w.result.summary))
        if w.result.summary.status == Status.INFEASIBLE:
            click.echo(f"No plan satisfies every rule of the changed scenario ({out}/scenario.yaml).")
            sys.exit(EXIT_INFEASIBLE)
        click.echo("No plan found: give a larger --time-limit.")
        sys.exit(EXIT_NO_PLAN)
    click.echo(w.report, nl=False)
    click.echo(f"Written to {out}/: scenario.yaml, plan/, diff/ (CSV and diff.xlsx), report.txt.")


# ---------------------------------------------------------------------------------------------- check (issue 3)
EXPLAIN_WIDTH = 100


def _explain_infeasible(inst: Instance, lang: str, seed: int = 0) -> str:
    """Why an infeasible scenario is so: the minimal conflicting rules, the facts, what would make it feasible."""
    from planner.checks.diagnose import CheckSettings, diagnose
    from planner.checks.explain import explain_diagnosis

    diag = diagnose(inst, CheckSettings(seed=seed))
    return explain_diagnosis(inst, diag, lang, header=diag.status != Status.INFEASIBLE, width=EXPLAIN_WIDTH)


@main.command(name="check")
@click.argument("scenario", type=click.Path(dir_okay=True))
@click.option(
    "--lang",
    type=click.Choice(("en", "vi")),
    default="en",
    show_default=True,
    help="Language of the verdict and the explanation.",
)
@click.option(
    "--out",
    "-o",
    "out",
    type=click.Path(file_okay=False),
    default=None,
    help="If feasible, plan SCENARIO as `solve` does and write the plan to this directory.",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0.1),
    default=20.0,
    show_default=True,
    help="Deterministic seconds for deciding feasibility and the minimal conflict; as many again for "
    "the suggestions; with --out, the solve's limit.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed of the searches.")
@click.option("--no-suggest", is_flag=True, help="Skip the suggestions and the least shortfall (faster).")
@click.option("--force", is_flag=True, help="With --out: replace the plan already there (as solve --force).")
@click.pass_context
def check_cmd(
    ctx: click.Context,
    scenario: str,
    lang: str,
    out: str | None,
    time_limit: float,
    seed: int,
    no_suggest: bool,
    force: bool,
) -> None:
    """Say whether SCENARIO admits a plan; if not, which rules clash, why, and what would make it feasible."""
    from planner.checks.diagnose import CheckSettings, diagnose
    from planner.checks.explain import explain_diagnosis, feasible_line

    inst = _load(scenario)
    settings = CheckSettings(
        time_limit=time_limit, suggest_limit=time_limit, seed=seed, suggestions=not no_suggest, shortfall=not no_suggest
    )
    diag = diagnose(inst, settings)
    click.echo(inst.scenario.name)
    if diag.status == Status.FEASIBLE:
        assert diag.plan is not None
        report = verify(inst, diag.plan)
        if not report.ok:
            click.echo("internal error: the plan found does not pass verify:", err=True)
            for v in report.violations[:20]:
                click.echo(f"  - {v}", err=True)
            sys.exit(1)
        click.echo(feasible_line(inst, diag, lang))
        if out is not None:
            ctx.invoke(
                solve_cmd,
                scenario=scenario,
                out=out,
                lang=lang,
                time_limit=time_limit,
                seed=seed,
                quiet=True,
                force=force,
                formats=parse_formats(",".join(DEFAULT_FORMATS)),
            )  # invoke runs no callback
        return
    click.echo(explain_diagnosis(inst, diag, lang, width=EXPLAIN_WIDTH))
    sys.exit(EXIT_INFEASIBLE if diag.status == Status.INFEASIBLE else EXIT_NO_PLAN)


@main.command(name="generate")
@click.option(
    "--preset",
    type=click.Choice(("tiny", "commune", "district", "province", "nation")),
    required=True,
    help="Size: tiny (tests), commune, district (Hữu Lũng), province (Lạng Sơn), nation.",
)
@click.option(
    "--levels",
    type=click.Choice(("2", "3")),
    default="2",
    show_default=True,
    help="2: province → commune → cells (after the 2025 reform); 3: with districts (before it).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed (same seed, same file).")
@click.option(
    "--rules",
    type=click.Choice(("yen-bai", "lang-son", "kon-tum")),
    default="yen-bai",
    show_default=True,
    help="Quota style: Yên Bái 18-QĐ/TU, Lạng Sơn 1764, Kon Tum 776-QĐ/TU.",
)
@click.option("--year", type=int, default=2026, show_default=True)
@click.option(
    "--months",
    type=click.IntRange(1, 12),
    default=12,
    show_default=True,
    help="Plan the first N months of the year only.",
)
@click.option(
    "--communes",
    type=click.IntRange(min=1),
    default=None,
    help="About this many communes in all instead of the preset's (e.g. a smaller nation).",
)
@click.option(
    "--scope",
    type=click.Choice(("level", "committee")),
    default="level",
    show_default=True,
    help="Quota rules one per level (as regulations are written) or one per commune committee.",
)
@click.option(
    "--names",
    type=click.Choice(("synthetic", "real")),
    default="synthetic",
    show_default=True,
    help="real: province and commune names of the 2025 map from the optional vietnam-provinces "
    "package (pip install 'planner[names]').",
)
@click.option("--out", "-o", "out", type=click.Path(dir_okay=False), required=True, help="The YAML file to write.")
def generate_cmd(
    preset: str,
    levels: str,
    seed: int,
    rules: str,
    year: int,
    months: int,
    communes: int | None,
    scope: str,
    names: str,
    out: str,
) -> None:
    """Write a synthetic scenario of realistic size (see planner/generate.py)."""
    from planner.scale.generate import describe, write

    try:
        data = write(out, preset, int(levels), seed, rules, year, months, communes, scope, names)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    load_scenario(out)  # every generated file must load; an error here is a bug (exit 1 with the message)
    click.echo(_wrap(f"Wrote {out}: {describe(data)}."))


@main.command(name="decompose")
@click.argument("scenario", type=click.Path(dir_okay=True))
@click.option(
    "--out",
    "-o",
    "out",
    type=click.Path(file_okay=False),
    required=True,
    help="Directory to write the merged plan to (charges.csv, meetings.csv, attendance.csv, summary.json).",
)
@_search_options(
    "Deterministic seconds per process, shared among the parts by size.",
    seed=None,
    workers="CP-SAT workers of each part's search.",
)
@click.option(
    "--processes",
    type=click.IntRange(min=1, max=256),
    default=2,
    show_default=True,
    help="Parts solved at once on this machine (a process pool).",
)
@click.option(
    "--cluster",
    default=None,
    metavar="tcp://HOST:PORT",
    help="Run the parts on this existing Dask distributed cluster instead (pip install 'planner[cluster]').",
)
@click.option(
    "--scheme",
    type=click.Choice(("auto", "exact", "charges-first")),
    default="auto",
    show_default=True,
    help="exact: connected components only; charges-first: decide the charges of members who couple "
    "communes first (auto: when there are such members).",
)
@click.option(
    "--balance",
    type=click.Choice(("drop", "part")),
    default="drop",
    show_default=True,
    help="A quota rule whose members span parts: drop its balance in the parts (a valid bound) or "
    "balance each part's members (the parts' bounds then bound nothing; the term-by-term bound still "
    "holds).",
)
@click.option("--force", is_flag=True, help="Replace the plan already in --out (never other files).")
def decompose_cmd(
    scenario: str,
    out: str,
    time_limit: float,
    seed: int,
    workers: int,
    processes: int,
    cluster: str | None,
    scheme: str,
    balance: str,
    force: bool,
) -> None:
    """Plan SCENARIO in independent parts solved in parallel, merge them, verify the merged plan on the whole."""
    from planner.outputs.terminal import status_line
    from planner.scale.decompose import solve_decomposed
    from planner.scale.executors import make_executor

    inst = _load(scenario)
    check_output_directory(out, replaceable=OUTPUT_NAMES, force=force)
    settings = Settings(time_limit=time_limit, seed=seed, workers=workers)
    try:
        executor = make_executor(cluster, processes)
    except (RuntimeError, OSError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    try:
        result = solve_decomposed(inst, settings, executor, scheme=scheme, balance=balance, processes=processes)
    finally:
        executor.close()
    s = result.summary
    con = _console()
    x = s.extra
    con.print(f"[bold]{inst.scenario.name}[/]")
    click.echo(
        _wrap(
            f"{x['parts']} parts ({x['scheme']}, on {x['executor']}), largest {x['largest_part']} members; "
            f"{x['coupling_members']} coupling members, {x['pinned_units']} pinned units; part statuses "
            f"{x['part_statuses']}."
        )
    )
    pb, tb = x.get("parts_bound"), x.get("term_bound") or {}
    click.echo(
        _wrap(
            "Bound on the whole scenario: "
            + (
                "the parts' bounds added up"
                if x["bound_scope"] == "whole" and pb is not None and s.bound == pb
                else f"the term-by-term bound (rewards ≤ {tb.get('reward', 0):g}, visits ≥ {tb.get('visits')}, "
                f"shift ≥ {tb.get('shift')})"
                if tb.get("bound") is not None
                else "none"
            )
            + (
                f"; the parts' own bound, {pb:g}, holds only with the coupling members' charges and places as decided"
                if x["bound_scope"] == "restricted" and pb is not None
                else ""
            )
            + "."
        )
    )
    for note in x["notes"]:
        click.echo(_wrap(f"note: {note}"))
    if result.plan is None:
        con.print(status_line(s))
        click.echo("Nothing was written.")
        sys.exit(EXIT_INFEASIBLE if s.status in (Status.INFEASIBLE, Status.INFEASIBLE_RESTRICTED) else EXIT_NO_PLAN)
    report = verify(inst, result.plan)
    if not report.ok:
        click.echo(f"the merged plan breaks {len(report.violations)} rules (nothing written):", err=True)
        for v in report.violations[:20]:
            click.echo(f"  - {v}", err=True)
        sys.exit(1)
    con.print(status_line(s))
    files = plan_directory_files(inst, result.plan, s)
    write_directory(out, files, replaceable=OUTPUT_NAMES, force=force)
    click.echo(_wrap(f"Plan written to {out}/: {describe_files(files)}."))


if __name__ == "__main__":
    main()
