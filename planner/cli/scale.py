"""Scale: `generate` writes a synthetic scenario of realistic size (a commune up to the nation), and
`decompose` plans a large scenario in independent parts solved in parallel (a process pool or a Dask cluster),
merges them and verifies the merged plan on the whole."""

from __future__ import annotations

import sys

import click

from planner.checks.verify import verify
from planner.cli import main
from planner.cli.common import (
    EXIT_INFEASIBLE,
    EXIT_NO_PLAN,
    SEED,
    _console,
    _expected_bytes,
    _force_option,
    _load,
    _out_dir_option,
    _output,
    _scenario_argument,
    _search_options,
    _wrap,
)
from planner.cli.signals import on_interrupt
from planner.io import plan_directory_files
from planner.io.output import file_kind
from planner.outputs import describe_files
from planner.scenario import YEARS
from planner.search.solving import Settings
from planner.status import Status


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
@click.option("--seed", type=SEED, default=0, show_default=True, help="Random seed (same seed, same file).")
@click.option(
    "--rules",
    type=click.Choice(("yen-bai", "lang-son", "kon-tum")),
    default="yen-bai",
    show_default=True,
    help="Quota style: Yên Bái 18-QĐ/TU, Lạng Sơn 1764, Kon Tum 776-QĐ/TU.",
)
@click.option("--year", type=click.IntRange(*YEARS), default=2026, show_default=True)
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
@click.option("--force", is_flag=True, help="Replace the file already at --out.")
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
    force: bool = False,
) -> None:
    """Write a synthetic scenario of realistic size (see planner/scale/generate.py)."""
    import tempfile
    from pathlib import Path

    from planner.io import MAX_FILE_BYTES, load_scenario
    from planner.io.files import megabytes
    from planner.scale.generate import describe, estimated_bytes, generate_text

    target = _output(
        out, file_kind("a scenario"), force=force, expected=2 * estimated_bytes(preset, int(levels), communes)
    )
    guess = estimated_bytes(preset, int(levels), communes)
    too_big = (
        f"a scenario that the planner reads is at most {megabytes(MAX_FILE_BYTES)}: give fewer --communes, or a "
        "smaller --preset"
    )
    if guess > MAX_FILE_BYTES:
        raise click.UsageError(f"this scenario would take at least {megabytes(guess)}; {too_big}")
    try:
        data, text = generate_text(preset, int(levels), seed, rules, year, months, communes, scope, names)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    size = len(text.encode("utf-8"))
    if size > MAX_FILE_BYTES:
        raise click.UsageError(f"this scenario takes {megabytes(size)}; {too_big} (nothing was written)")
    with tempfile.TemporaryDirectory(prefix="planner-generate-") as tmp:
        (Path(tmp) / "g.yaml").write_text(text, encoding="utf-8")
        load_scenario(Path(tmp) / "g.yaml")  # every generated file must load; an error here is a bug
    target.write(text)
    click.echo(_wrap(f"Wrote {out}: {describe(data)}."))


@main.command(name="decompose")
@_scenario_argument
@_out_dir_option("Directory to write the merged plan to (charges.csv, meetings.csv, attendance.csv, summary.json).")
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
@_force_option
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
    target = _output(out, force=force, expected=_expected_bytes(inst))
    settings = Settings(time_limit=time_limit, seed=seed, workers=workers)
    try:
        executor = make_executor(cluster, processes)
    except (RuntimeError, OSError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    withdraw = on_interrupt(executor.terminate)  # a signal ends the parts' processes at once
    try:
        result = solve_decomposed(inst, settings, executor, scheme=scheme, balance=balance, processes=processes)
    finally:
        withdraw()
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
    pb, tb, rb = x.get("parts_bound"), x.get("term_bound") or {}, x.get("relaxed_bound") or {}
    method = x.get("bound_method")
    click.echo(
        _wrap(
            "Bound on the whole scenario: "
            + (
                "the parts' bounds added up"
                if method == "parts"
                else f"the relaxed parts' bound ({rb.get('parts')} parts without the {rb.get('outside_members')} "
                f"coupling members, each by its linear relaxation, plus what the coupling members can add, "
                f"{rb.get('outside'):g})"
                if method == "relaxed-parts"
                else f"the term-by-term bound (rewards ≤ {tb.get('reward', 0):g}, visits ≥ {tb.get('visits')}, "
                f"shift ≥ {tb.get('shift')})"
                if method == "term-by-term"
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
    target.write(files)
    click.echo(_wrap(f"Plan written to {out}/: {describe_files(files)}."))
