"""Feasibility (issues 3 and 16): `check` says whether a scenario admits a plan and, if not, which rules clash, why,
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
    _console,
    _expected_bytes,
    _load,
    _output,
    _scenario_argument,
)
from planner.instance import Instance
from planner.io.output import OutputKind
from planner.outputs import DEFAULT_FORMATS, OUTPUT_PATTERNS
from planner.status import Status

# what check --out may write (and so replace with --force): a plan, the report, the corrected scenario and plan
CHECK_OUTPUT = OutputKind(
    "a plan",
    (
        *OUTPUT_PATTERNS,
        "explanation.txt",
        "conflicts.xlsx",  # planner.outputs.feasibility's XLSX_NAME and DOCX_NAME (not imported: it loads the solver)
        "bao-cao-kha-nang-thuc-hien.docx",
        "corrected/scenario.yaml",
        *(f"corrected/{p}" for p in OUTPUT_PATTERNS),
    ),
)


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
    help="If feasible, plan SCENARIO as `solve` does and write the plan to this directory; if not, write the "
    "explanation, conflicts.xlsx, the report bao-cao-kha-nang-thuc-hien.docx and, under corrected/, the scenario "
    "with the least change and its plan.",
)
@click.option(
    "--time-limit",
    type=SECONDS,
    default=20.0,
    show_default=True,
    help="Deterministic seconds for deciding feasibility and the minimal conflict; as many again for "
    "the least change and the suggestions, and with --all for every conflict; with --out, the solve's limit.",
)
@click.option("--seed", type=SEED, default=0, show_default=True, help="Random seed of the searches.")
@click.option(
    "--no-suggest", is_flag=True, help="Skip the suggestions, the least shortfall and the least change (faster)."
)
@click.option("--force", is_flag=True, help="With --out: replace the plan already there (as solve --force).")
@click.option(
    "--all",
    "all_conflicts",
    is_flag=True,
    help="Every distinct conflict, grouped by rule and calendar fact, each with its members and months.",
)
@click.option(
    "--max",
    "most",
    type=click.IntRange(1, 1000),
    default=10,
    show_default=True,
    help="With --all: at most this many distinct conflicts.",
)
@click.option(
    "--keep",
    "keep",
    multiple=True,
    metavar="RULE[=W]",
    help="A rule the committee would rather keep (a rule id, or meetings_per_day, max_per_month, "
    "own_meetings_busy, fixed): weight W (10 if not given; others 1) in the smallest explanation and the "
    "least change. Repeatable.",
)
@click.option(
    "--minimal-only",
    is_flag=True,
    help="Stop at a minimal conflict (the deletion filter); do not try to prove the smallest.",
)
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
    all_conflicts: bool = False,
    most: int = 10,
    keep: tuple[str, ...] = (),
    minimal_only: bool = False,
) -> None:
    """Say whether SCENARIO admits a plan; if not, which rules clash (the smallest conflict, every distinct
    one with --all), why, and the least change that makes it hold."""
    from planner.checks.diagnose import CheckSettings, diagnose
    from planner.checks.explain import explain_diagnosis, feasible_line

    weights = _weights(keep)
    inst = _load(scenario)
    target = None
    if out is not None:
        target = _output(  # before the diagnosis
            out, CHECK_OUTPUT, force=force, expected=_expected_bytes(inst, DEFAULT_FORMATS) * 3
        )
    settings = CheckSettings(
        time_limit=time_limit,
        suggest_limit=time_limit,
        seed=seed,
        suggestions=not no_suggest,
        shortfall=not no_suggest,
        correction=not no_suggest,
        smallest=not minimal_only,
        all_conflicts=all_conflicts,
        max_conflicts=most,
        conflicts_limit=time_limit,
        weights=tuple(sorted(weights.items())),
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
        if target is not None and out is not None:
            _write_holds(target, inst, diag, out, lang, time_limit, seed)
        return
    text = explain_diagnosis(inst, diag, lang, width=EXPLAIN_WIDTH)
    click.echo(text)
    if target is not None and diag.status == Status.INFEASIBLE:
        files = _report_files(inst, diag, lang, text, time_limit, seed)
        target.write(files)
        click.echo(
            f"Report written to {out}/: {', '.join(sorted(n for n in files if '/' not in n))}"
            + (" and corrected/ (the corrected scenario and its plan)." if any("/" in n for n in files) else ".")
        )
    sys.exit(EXIT_INFEASIBLE if diag.status == Status.INFEASIBLE else EXIT_NO_PLAN)


def _write_holds(target, inst: Instance, diag, out: str, lang: str, time_limit: float, seed: int) -> None:
    """check --out on a feasible scenario: the plan, planned, verified and written as `solve` writes it, with
    the report that the rules hold and the plan's key numbers (conflicts.xlsx, bao-cao-kha-nang-thuc-hien.docx),
    all in one write."""
    from planner.io import plan_directory_files
    from planner.outputs import describe_files, render
    from planner.outputs.feasibility import holds_files
    from planner.outputs.terminal import message, status_line
    from planner.search.solving import Settings, solve

    result = solve(inst, Settings(time_limit=time_limit, seed=seed))
    plan, summary = result.plan, result.summary
    if plan is None:  # the search found none within its budget (the diagnosis's plan proves one exists)
        plan = diag.plan
    report = verify(inst, plan)
    if not report.ok:
        click.echo("internal error: the plan found does not pass verify (nothing written):", err=True)
        for v in report.violations[:20]:
            click.echo(f"  - {v}", err=True)
        sys.exit(1)
    files: dict[str, str | bytes] = dict(plan_directory_files(inst, plan, summary))
    files.update(render([f for f in DEFAULT_FORMATS if f != "csv"], inst, plan, summary, lang, violations=0))
    files.update(holds_files(inst, diag, plan, summary, lang))
    target.write(files)
    _console().print(status_line(summary, lang))
    click.echo(message("plan_written", lang, out=out, files=describe_files(files, lang)))


def _weights(keep: tuple[str, ...]) -> dict[str, int]:
    """--keep RULE[=W] … as weights (W 10 when not given)."""
    out: dict[str, int] = {}
    for item in keep:
        name, _, w = item.partition("=")
        name = name.strip()
        if not name:
            raise click.BadParameter(f"{item!r}: give a rule id, as --keep RULE or --keep RULE=W", param_hint="--keep")
        try:
            weight = int(w) if w else 10
        except ValueError:
            raise click.BadParameter(
                f"{item!r}: the weight must be a whole number, as --keep {name}=5", param_hint="--keep"
            ) from None
        if not 1 <= weight <= 1000:
            raise click.BadParameter(f"{item!r}: the weight must be between 1 and 1000", param_hint="--keep")
        out[name] = weight
    return out


def _report_files(inst: Instance, diag, lang: str, text: str, time_limit: float, seed: int) -> dict[str, str | bytes]:
    """check --out on an infeasible scenario: the explanation, the conflicts workbook, the committee's report,
    and — when the least change was found and holds — the corrected scenario and its plan, as solve writes
    them."""
    from planner.io import plan_directory_files
    from planner.outputs import render
    from planner.outputs.feasibility import feasibility_files
    from planner.search.solving import Settings, solve

    files: dict[str, str | bytes] = {"explanation.txt": text + "\n"}
    files.update(feasibility_files(inst, diag, lang))
    corr = diag.correction
    if corr is not None and corr.scenario is not None and corr.holds == Status.FEASIBLE:
        from planner.io.yaml_writer import dump_scenario
        from planner.replan.plain_data import scenario_data

        fixed = Instance(corr.scenario)
        result = solve(fixed, Settings(time_limit=time_limit, seed=seed))
        if result.plan is not None and verify(fixed, result.plan).ok:
            from planner.checks.explain import change_text
            from planner.checks.words import Words

            w = Words(inst, "en")
            head = ["# The scenario with the least change that makes it hold (planner check --out):"]
            head += [f"#   {change_text(w, ch)}" for ch in corr.changes]
            files["corrected/scenario.yaml"] = dump_scenario(scenario_data(corr.scenario), head)
            for name, content in plan_directory_files(fixed, result.plan, result.summary).items():
                files[f"corrected/{name}"] = content
            rendered = render(
                [f for f in DEFAULT_FORMATS if f != "csv"], fixed, result.plan, result.summary, lang, violations=0
            )
            for name, content in rendered.items():
                files[f"corrected/{name}"] = content
    return files
