"""What the commands share: the exit codes, the consoles, loading a scenario and reporting invalid input, the
80-column wrap, and the click parameters two or more commands declare alike (SCENARIO, PLAN_DIR, BASE CHANGES,
--out, --format, --force, --time-limit/--seed/--workers, --id-map, --rows). A decorator that takes a text is
one declaration whose help each command words for itself; one without takes the same help everywhere."""

from __future__ import annotations

import math
import sys

import click
from rich.console import Console

from planner.errors import InputError
from planner.instance import Instance
from planner.io import load_scenario
from planner.io.output import Output, OutputKind
from planner.outputs import DEFAULT_FORMATS, OUTPUT_PATTERNS, parse_formats
from planner.search.solving import Settings

EXIT_INVALID, EXIT_INFEASIBLE, EXIT_NO_PLAN = 2, 3, 4
EXPLAIN_WIDTH = 100


def _console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False, soft_wrap=False)


def _load(path: str) -> Instance:
    return Instance(load_scenario(path))


class _FiniteRange(click.FloatRange):
    """A float in a range that is a number: ``nan`` (which compares false with every bound) is refused too."""

    def convert(self, value, param, ctx):  # type: ignore[no-untyped-def]
        rv = super().convert(value, param, ctx)
        if not math.isfinite(rv):
            self.fail(f"{value!r} is not a number", param, ctx)
        return rv


# the ranges of the numeric options every command shares: a deterministic time limit (seconds: up to about
# eleven days of work), CP-SAT's random seed (a 32-bit integer)
SECONDS = _FiniteRange(min=0.1, max=1_000_000)
SEED = click.IntRange(min=0, max=2**31 - 1)


# what a plan directory written by solve, check, report or decompose may hold (anything else: not replaced)
PLAN_OUTPUT = OutputKind("a plan", OUTPUT_PATTERNS)


def _output(
    out: str,
    kind: OutputKind = PLAN_OUTPUT,
    force: bool = False,
    expected: int = 0,
    same_as: str | None = None,
    option: str = "--out",
) -> Output:
    """The command's output target, opened before any work (locked, repaired, checked: `planner.io.output`)
    and closed when the command ends; write the result with its ``write``."""
    return click.get_current_context().with_resource(
        Output(out, kind, force=force, expected_bytes=expected, same_as=same_as, option=option)
    )


def _expected_bytes(inst: Instance, formats: tuple[str, ...] = ("csv",)) -> int:
    """About how many bytes a plan of ``inst`` takes in ``formats`` (for the free-space check): a generous
    guess from the counts of members, units and months."""
    rows = (len(inst.members) * 3 + len(inst.units)) * max(1, len(inst.months))
    return 120 * rows * (1 + len(formats))


def _remember_lang(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Keep the command's ``--lang`` in the context's meta (shared with the group's), so that input errors,
    reported outside the command, are introduced in that language too."""
    if value is not None:
        ctx.meta["planner.lang"] = value
    return value


def _lang_option(default: str | None = "en"):  # type: ignore[no-untyped-def]
    """``--lang vi|en``: the language of the command's terminal lines (English by default)."""
    return click.option(
        "--lang",
        type=click.Choice(("vi", "en")),
        default=default,
        callback=_remember_lang,
        help="Language of the terminal lines (default en).",
    )


def _fail_input(err: InputError) -> None:
    from planner.outputs.terminal import message

    n = len(err.problems)
    ctx = click.get_current_context(silent=True)
    lang = ctx.meta.get("planner.lang", "en") if ctx is not None else "en"
    click.echo(message("input_errors", lang, n=n, s="s" if n != 1 else ""), err=True)
    for p in err.problems:
        click.echo(f"  - {p}", err=True)
    sys.exit(EXIT_INVALID)


def _wrap(text: str) -> str:
    """A message folded to an 80-column terminal."""
    import textwrap

    return textwrap.fill(text, width=80, break_long_words=False, break_on_hyphens=False)


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


# SCENARIO: a scenario file or directory (validate, solve, verify, report, check, decompose)
_scenario_argument = click.argument("scenario", type=click.Path(dir_okay=True))

# PLAN_DIR: a plan directory (verify, report)
_plan_dir_argument = click.argument("plan_dir", type=click.Path())

# BASE CHANGES: a scenario file and a change set file (apply, whatif)
_change_set_arguments = _options(
    click.argument("base", type=click.Path(dir_okay=False)), click.argument("changes", type=click.Path(dir_okay=False))
)


def _out_dir_option(text: str):
    """--out/-o DIRECTORY, required: where the command writes (``text``: its help)."""
    return click.option("--out", "-o", "out", type=click.Path(file_okay=False), required=True, help=text)


def _format_list_option(text: str):
    """--format: the comma list of outputs to write, parsed by `_formats_option` (``text``: its help)."""
    return click.option(
        "--format",
        "formats",
        default=",".join(DEFAULT_FORMATS),
        show_default=True,
        callback=_formats_option,
        help=text,
    )


# --force of a command that writes a plan directory (solve, decompose)
_force_option = click.option("--force", is_flag=True, help="Replace the plan already in --out (never other files).")


def _search_options(effort: str, seed: str | None, workers: str):
    """--time-limit, --seed and --workers of a command that runs the planner's search; the help says what each
    means for that command (``seed=None``: no help line)."""
    return _options(
        click.option("--time-limit", type=SECONDS, default=Settings.time_limit, show_default=True, help=effort),
        click.option("--seed", type=SEED, default=0, show_default=True, help=seed),
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


def _amends_date(ctx: click.Context, param: click.Parameter, value: str | None):  # type: ignore[no-untyped-def]
    import datetime as dt

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date; write it as YYYY-MM-DD, e.g. 2026-01-05") from None


# the documents' options (solve, report): the decision's template, the one committee, the decision in force
_decision_template_option = click.option(
    "--decision-template",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="An edited copy of the documents' text template (planner/outputs/templates/decision.vi.yaml).",
)
_document_options = _options(
    _decision_template_option,
    click.option(
        "--committee",
        default=None,
        metavar="UNIT_ID",
        help="Write the decision (and the notices) of this committee only; default: one decision per committee "
        "whose members the plan assigns.",
    ),
    click.option(
        "--amends",
        default=None,
        metavar="NUMBER",
        help="With --baseline: the number of the decision in force (12, or 12-QĐ/ĐU), which the amendment "
        "(amendment.docx) amends or, with --replace, the new decision replaces.",
    ),
    click.option(
        "--amends-date",
        default=None,
        metavar="YYYY-MM-DD",
        callback=_amends_date,
        help="With --baseline: the date of the decision in force.",
    ),
    click.option(
        "--replace",
        is_flag=True,
        help="With --baseline: write a whole new decision that replaces the one in force (thay thế) instead of "
        "an amendment listing what changed (sửa đổi, bổ sung).",
    ),
)


def _check_committee(inst: Instance, committee: str | None, plan=None) -> None:  # type: ignore[no-untyped-def]
    """--committee names a committee of the scenario (whose members the plan assigns, when a plan is given)."""
    from planner.errors import did_you_mean

    if committee is None:
        return
    committees = [u.id for u in inst.scenario.units if u.is_committee]
    if plan is not None:
        from planner.outputs import issuing_committees

        committees = issuing_committees(inst, plan) or committees
    if committee not in committees:
        hint = did_you_mean(committee, committees) or f"choose one of {', '.join(committees)}"
        raise click.BadParameter(
            f"'{committee}' is not a committee that issues a decision here; {hint}", param_hint="--committee"
        )
