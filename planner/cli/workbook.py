"""The workbook commands: ``init`` writes a scenario workbook to fill in (an example of a commune, district or
province committee, or a scenario's own content with ``--from``); ``export`` converts a scenario between its
two forms, YAML and workbook (``.xlsx``), either way. Every command that takes a SCENARIO reads either."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from planner.cli import main
from planner.cli.common import _output
from planner.io.output import file_kind

_WORKBOOK = file_kind("a scenario workbook")


def _suffix(path: str, allowed: tuple[str, ...], what: str) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in allowed:
        raise click.BadParameter(f"'{path}' is not {what}; give a file name ending in {' or '.join(allowed)}")
    return suffix


@main.command(name="init")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--level",
    type=click.Choice(["commune", "district", "province"]),
    default="commune",
    show_default=True,
    help="The example the workbook holds: a commune, district or province committee with its units, members and rules.",
)
@click.option(
    "--from",
    "source",
    type=click.Path(dir_okay=False),
    default=None,
    metavar="SCENARIO",
    help="Fill the workbook with this scenario (YAML or workbook) instead of the example (= planner export).",
)
@click.option("--year", type=click.IntRange(1900, 2200), default=None, help="The example's year [this year].")
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
def init(file: str, level: str, source: str | None, year: int | None, force: bool) -> None:
    """Write FILE.xlsx, a scenario workbook in Vietnamese to fill in: instructions, settings, units, members,
    rules, calendar, pins and documents, with drop-down lists and an example (or SCENARIO's content)."""
    from planner.io import load_scenario
    from planner.outputs.workbook import render_workbook, template_scenario

    _suffix(file, (".xlsx",), "a workbook")
    out = _output(file, _WORKBOOK, force=force, option="FILE")
    if source is not None:
        content = render_workbook(load_scenario(source))
        what = f"the scenario {source}"
    else:
        scenario = template_scenario(level, year or dt.date.today().year)
        content = render_workbook(scenario, ids=False)
        what = f"an example {level} committee ({len(scenario.units)} units, {len(scenario.members)} members)"
    out.write(content)
    click.echo(f"wrote {file}: {what}. Fill it in, then: planner validate {file}")


@main.command(name="export")
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.argument("out", type=click.Path(dir_okay=False), required=False)
@click.option("--out", "-o", "out_option", type=click.Path(dir_okay=False), default=None, help="The same as OUT.")
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
def export(scenario: str, out: str | None, out_option: str | None, force: bool) -> None:
    """Convert SCENARIO (YAML or workbook) to OUT: a workbook (.xlsx) or YAML (.yaml); the two load as the
    same scenario and give the same plan."""
    from planner.io import load_scenario

    if (out is None) == (out_option is None):
        raise click.UsageError("give the file to write once: planner export SCENARIO OUT (or -o OUT)")
    out = out or out_option
    assert out is not None

    suffix = _suffix(out, (".xlsx", ".yaml", ".yml"), "a workbook or a YAML file")
    target = _output(out, file_kind("a scenario file"), force=force, option="OUT")
    loaded = load_scenario(scenario)
    if suffix == ".xlsx":
        from planner.outputs.workbook import render_workbook

        target.write(render_workbook(loaded))
    else:
        from planner.io.yaml_writer import dump_scenario
        from planner.replan.plain_data import scenario_data

        target.write(dump_scenario(scenario_data(loaded), [f"# {loaded.name}", f"# exported from {scenario}"]))
    click.echo(f"wrote {out}: {len(loaded.units)} units, {len(loaded.members)} members")
