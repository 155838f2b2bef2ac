"""Feasibility (issue 3): `check` says whether a scenario admits a plan and, if not, which rules clash, why,
and what would make it feasible (with --out it then plans the scenario as `solve` does); `_explain_infeasible`
is the same explanation, which `solve` prints when it finds a scenario infeasible."""

from __future__ import annotations

import sys

import click

from planner.checks.verify import verify
from planner.cli import main
from planner.cli.common import (
    EXIT_INFEASIBLE,
    EXIT_NO_PLAN,
    EXPLAIN_WIDTH,
    SECONDS,
    SEED,
    _expected_bytes,
    _load,
    _output,
    _scenario_argument,
)
from planner.instance import Instance
from planner.outputs import DEFAULT_FORMATS, parse_formats
from planner.status import Status


def _explain_infeasible(inst: Instance, lang: str, seed: int = 0) -> str:
    """Why an infeasible scenario is so: the minimal conflicting rules, the facts, what would make it feasible."""
    from planner.checks.diagnose import CheckSettings, diagnose
    from planner.checks.explain import explain_diagnosis

    diag = diagnose(inst, CheckSettings(seed=seed))
    return explain_diagnosis(inst, diag, lang, header=diag.status != Status.INFEASIBLE, width=EXPLAIN_WIDTH)


@main.command(name="check")
@_scenario_argument
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
    type=SECONDS,
    default=20.0,
    show_default=True,
    help="Deterministic seconds for deciding feasibility and the minimal conflict; as many again for "
    "the suggestions; with --out, the solve's limit.",
)
@click.option("--seed", type=SEED, default=0, show_default=True, help="Random seed of the searches.")
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
    from planner.cli.plan import solve_cmd  # here: planner.cli.plan imports _explain_infeasible from this module

    inst = _load(scenario)
    if out is not None:
        _output(out, force=force, expected=_expected_bytes(inst, DEFAULT_FORMATS))  # before the diagnosis
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
