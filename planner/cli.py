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
@click.option("--baseline", type=click.Path(), default=None,
              help="An existing plan directory: each decision that differs from it costs the stability weight, "
                   "and the search starts from it.")
@click.option("--freeze-until", default=None, metavar="YYYY-MM",
              help="With --baseline: take every month up to this one from the baseline as it was.")
def solve_cmd(scenario: str, out: str, time_limit: float, seed: int, workers: int, deterministic: bool,
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
        con.print(status_line(summary))
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
    write_directory(out, plan_directory_files(inst, result.plan, summary))
    if quiet:
        from .report import status_line
        con.print(status_line(summary))
    else:
        print_plan(con, inst, result.plan, summary)
    click.echo(f"Plan written to {out}/ (charges.csv, meetings.csv, attendance.csv, summary.json).")


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


if __name__ == "__main__":
    main()
