"""The command line: parse, load, solve or check, write. Exit codes: 0 success, 1 anything else, 2 invalid
input, 3 infeasible (solve) or violations found (verify), 4 no plan found within the time limit."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console

from .errors import InputError
from .freeze import freeze
from .instance import Instance
from .loader import load_scenario
from .outputs import DEFAULT_FORMATS, LANGS, OUTPUT_NAMES, describe_files, parse_formats, render
from .plan import Plan, plan_directory_files, read_plan, read_summary, write_directory
from .report import objective_table, print_plan, print_scenario
from .solve import Progress, ProgressThread, Settings, solve
from .verify import verify

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


@main.command(name="solve")
@click.argument("scenario", type=click.Path(dir_okay=True))
@click.option("--out", "-o", "out", type=click.Path(file_okay=False), required=True,
              help="Directory to write the plan to (charges.csv, meetings.csv, attendance.csv, summary.json).")
@click.option("--time-limit", type=click.FloatRange(min=0.1), default=Settings.time_limit, show_default=True,
              help="Search effort, in CP-SAT deterministic seconds (about 1–2 s of wall time each here).")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed of the search.")
@click.option("--workers", type=click.IntRange(min=1, max=64), default=Settings.workers, show_default=True,
              help="Search workers (threads).")
@click.option("--deterministic/--wall-clock", default=True, show_default=True,
              help="Deterministic: same seed and settings give the same plan. Wall-clock: the time limit is "
                   "wall seconds and workers run freely (faster, not reproducible).")
@click.option("--quiet", "-q", is_flag=True, help="Print only the status line.")
@click.option("--format", "formats", default=",".join(DEFAULT_FORMATS), show_default=True, callback=_formats_option,
              help="Outputs to write besides the contract CSV files: a comma list of csv, xlsx, docx, ics, html, "
                   "md (or all). See docs/outputs.md.")
@click.option("--lang", type=click.Choice(LANGS), default=None,
              help="Language of the labels in xlsx, html, md and calendars (default vi) and of the terminal "
                   "tables (default en). The decision docx is Vietnamese.")
@click.option("--baseline", type=click.Path(), default=None,
              help="An existing plan directory: each decision that differs from it costs the stability weight, "
                   "and the search starts from it.")
@click.option("--freeze-until", default=None, metavar="YYYY-MM",
              help="With --baseline: take every month up to this one from the baseline as it was.")
def solve_cmd(scenario: str, out: str, formats: tuple[str, ...], lang: str | None, time_limit: float, seed: int,
              workers: int, deterministic: bool,
              quiet: bool, baseline: str | None, freeze_until: str | None) -> None:
    """Plan SCENARIO and write the assignment decision to --out."""
    inst = _load(scenario)
    base = read_plan(baseline) if baseline else None
    if freeze_until is not None:
        if base is None:
            raise click.UsageError("--freeze-until needs --baseline (the plan whose months are kept)")
        inst = Instance(freeze(inst.scenario, base, freeze_until))
    con, err = _console(), _console(stderr=True)  # err: only to know whether stderr is a terminal
    settings = Settings(time_limit=time_limit, seed=seed, workers=workers, deterministic=deterministic)
    progress = Progress()
    ticker = ProgressThread(progress, _show_progress(err), after=1.0, every=1.0 if err.is_terminal else 5.0)
    result = solve(inst, settings, baseline=base, progress=progress, on_start=lambda _: ticker.start())
    ticker.stop()
    summary = result.summary
    if result.plan is None:
        from .report import status_line
        con.print(f"[bold]{inst.scenario.name}[/]")
        con.print(status_line(summary, lang or "en"))
        if summary.status == "infeasible":
            con.print("No plan satisfies every rule together. Nothing was written.")
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
    files.update(render([f for f in formats if f != "csv"], inst, result.plan, summary, lang or "vi",
                        violations=0))
    write_directory(out, files, replaceable=OUTPUT_NAMES)
    if quiet:
        from .report import status_line
        con.print(status_line(summary, lang or "en"))
    else:
        print_plan(con, inst, result.plan, summary, lang or "en")
    click.echo(_wrap(f"Plan written to {out}/: {describe_files(files)}."))


@main.command(name="verify")
@click.argument("scenario", type=click.Path(dir_okay=True))
@click.argument("plan_dir", type=click.Path())
@click.option("--baseline", type=click.Path(), default=None,
              help="A baseline plan directory, for the stability term.")
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
@click.option("--out", "-o", "out", type=click.Path(file_okay=False), required=True,
              help="Directory to write to: the plan's contract files, copied as they are, and the outputs.")
@click.option("--format", "formats", default=",".join(DEFAULT_FORMATS), show_default=True, callback=_formats_option,
              help="Comma list of csv, xlsx, docx, ics, html, md (or all). See docs/outputs.md.")
@click.option("--lang", type=click.Choice(LANGS), default="vi", show_default=True,
              help="Language of the labels in xlsx, html, md and calendars (the decision docx is Vietnamese).")
@click.option("--decision-template", type=click.Path(exists=True, dir_okay=False), default=None,
              help="An edited copy of the decision's text template (planner/outputs/templates/decision.vi.yaml).")
@click.option("--force", is_flag=True, help="Write the outputs even when verify finds violations (exit 3 still).")
def report_cmd(scenario: str, plan_dir: str, out: str, formats: tuple[str, ...], lang: str,
               decision_template: str | None, force: bool) -> None:
    """Render the plan in PLAN_DIR (the planner's, or one edited by hand) as the chosen outputs, after verify."""
    from .outputs import summary_from_dict

    inst = _load(scenario)
    plan = read_plan(plan_dir)
    raw = read_summary(plan_dir)
    checked = verify(inst, plan)
    summary = summary_from_dict(raw)
    if raw and raw.get("scenario_sha256") and raw["scenario_sha256"] != inst.scenario.sha256:
        click.echo(_wrap("note: the plan was made from another version of the scenario (summary.json has a "
                         "different scenario_sha256)."))
    if summary.objective is not None and summary.objective != checked.objective:
        click.echo(_wrap(f"note: summary.json says objective {summary.objective}; recomputed "
                         f"{checked.objective} (the plan was edited): the outputs show the recomputed terms."))
        summary.status = "edited"
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
    files.update(render([f for f in formats if f != "csv"], inst, plan, summary, lang, violations=n,
                        decision_template=decision_template))
    write_directory(out, files, replaceable=OUTPUT_NAMES)
    click.echo(_wrap(f"Written to {out}/: {describe_files(files)}."))
    if n:
        sys.exit(EXIT_INFEASIBLE)


if __name__ == "__main__":
    main()
