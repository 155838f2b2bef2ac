"""`planner sweep`: a change set applied to every commune of a set of scenarios, each commune checked, the results
stored as they come and written as results.csv, results.xlsx and report.html (`planner.sweep`)."""

from __future__ import annotations

import signal
import sys
import time

import click

from planner.cli import main
from planner.cli.common import _wrap


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 90:
        return f"{seconds} s"
    if seconds < 5400:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


def _progress_line(p) -> str:
    total = f"{p.total:,}" if p.total is not None else f"≈{p.estimate:,}" if p.estimate else "?"
    rate = "–" if p.per_minute is None else f"{p.per_minute:.1f}/min"
    eta = "–" if p.eta is None else _duration(p.eta)
    counts = ", ".join(f"{p.counts[s]:,} {s}" for s in ("feasible", "infeasible", "undecided", "error") if p.counts[s])
    skipped = f" ({p.skipped:,} done before)" if p.skipped else ""
    return f"  {p.done:,}/{total} communes{skipped} · {rate} · ETA {eta}" + (f" · {counts}" if counts else "")


class _Printer:
    """Progress on stderr: one line rewritten in place in a terminal; a line every 30 s in a log."""

    def __init__(self, quiet: bool):
        self.quiet = quiet
        self.tty = sys.stderr.isatty()
        self.last = time.monotonic()
        self.shown = False

    def __call__(self, p) -> None:
        if self.quiet:
            return
        line = _progress_line(p)
        if self.tty:
            click.echo("\r" + line.ljust(110)[:150], err=True, nl=False)
            self.shown = True
        elif time.monotonic() - self.last >= 30 or (p.total is not None and p.done >= p.total):
            self.last = time.monotonic()
            click.echo(line, err=True)

    def end(self) -> None:
        if self.shown:
            click.echo("", err=True)
            self.shown = False

    def note(self, text: str) -> None:
        self.end()
        click.echo(_wrap(f"note: {text}"), err=True)


@main.command(name="sweep")
@click.argument("changes", type=click.Path(dir_okay=False))
@click.argument("scenarios", nargs=-1, required=True, type=click.Path())
@click.option(
    "--out",
    "-o",
    "out",
    type=click.Path(file_okay=False),
    required=True,
    help="Directory of the sweep: its results store (sweep.sqlite) and results.csv, results.xlsx, report.html. "
    "A rerun into it resumes.",
)
@click.option(
    "--processes",
    type=click.IntRange(min=1, max=256),
    default=2,
    show_default=True,
    help="Communes checked at once on this machine (worker processes).",
)
@click.option(
    "--cluster",
    default=None,
    metavar="tcp://HOST:PORT",
    help="Check the communes on this existing Dask distributed cluster instead (pip install 'planner[cluster]').",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0.1),
    default=10.0,
    show_default=True,
    help="Deterministic seconds for the exact check of each commune (where counting decides nothing); as many "
    "again for its largest quota that holds.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed of the searches.")
@click.option(
    "--lang",
    type=click.Choice(("vi", "en")),
    default="vi",
    show_default=True,
    help="Language of the reasons and of the workbook's and the page's labels.",
)
@click.option("--no-suggest", is_flag=True, help="Do not search the largest quota that holds (faster).")
@click.option("--force", is_flag=True, help="Forget the results stored in --out and start over.")
@click.option("--quiet", "-q", is_flag=True, help="No progress line.")
def sweep_cmd(
    changes: str,
    scenarios: tuple[str, ...],
    out: str,
    processes: int,
    cluster: str | None,
    time_limit: float,
    seed: int,
    lang: str,
    no_suggest: bool,
    force: bool,
    quiet: bool,
) -> None:
    """Apply the change set CHANGES to every commune of SCENARIOS (files, or directories of .yaml files; a
    province's or the nation's scenario is split into its communes) and check each: feasible, infeasible (why,
    the largest quota that holds, the shortfall) or undecided. Ctrl-C keeps every result stored so far; the
    same command again resumes."""
    from planner.scale.executors import LocalExecutor, make_executor
    from planner.sweep import SweepSettings, run_sweep

    settings = SweepSettings(time_limit=time_limit, seed=seed, suggest=not no_suggest, force=force)
    try:
        executor = make_executor(cluster) if cluster else LocalExecutor(processes)
    except (RuntimeError, OSError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    printer = _Printer(quiet)
    try:
        result = run_sweep(
            changes,
            list(scenarios),
            out,
            settings,
            executor,
            lang=lang,
            on_progress=printer,
            on_note=printer.note,
        )
    except BaseException as exc:
        printer.end()
        if not isinstance(exc, Exception | SystemExit):  # Ctrl-C or SIGTERM (the CLI's handler raised it)
            click.echo(f"Every result stored so far is kept in {out}/; run the same command again to resume.", err=True)
        raise
    finally:
        executor.close()
    printer.end()
    p = result.progress
    if result.interrupted:  # a stop requested without the CLI's handler raising (the library's own path)
        click.echo(
            f"Interrupted: {p.checked:,} communes checked in this run are stored in {out}/; run the same command "
            "again to resume.",
            err=True,
        )
        sys.exit(128 + signal.SIGINT)
    c = result.counts
    click.echo(
        _wrap(
            f"{len(result.rows):,} communes: {c['feasible']:,} feasible, {c['infeasible']:,} infeasible, "
            f"{c['undecided']:,} undecided, {c['error']:,} errors ({p.checked:,} checked in {_duration(result.seconds)}"
            + (f" at {p.per_minute:.1f} a minute" if p.per_minute else "")
            + (f", {p.skipped:,} done before" if p.skipped else "")
            + f", on {result.backend})."
        )
    )
    click.echo(_wrap(f"Written to {out}/: {', '.join(result.files)} (results store: sweep.sqlite)."))
