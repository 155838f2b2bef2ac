"""The command line: parse, load, solve or check, write. Exit codes: 0 success, 1 anything else, 2 invalid
input, 3 infeasible (solve) or violations found (verify), 4 no plan found within the time limit. This module
holds the `main` group (the `planner` entry point, ``planner.cli:main``) and imports the command modules, which
register their commands on it: plan (validate, solve, verify, report), replan (apply, diff, whatif), feasibility
(check) and scale (generate, decompose)."""

from __future__ import annotations

import click

from planner.cli.common import _fail_input
from planner.errors import InputError


class _Group(click.Group):
    def main(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            return super().main(*args, **kwargs)
        finally:
            import planner

            if planner._RUN_AS_COMMAND:  # the command is over: a signal now cannot change its exit code
                import signal

                for sig in (signal.SIGINT, signal.SIGTERM):
                    signal.signal(sig, signal.SIG_IGN)

    def invoke(self, ctx: click.Context):
        from planner.cli.signals import handled

        with handled():  # Ctrl-C and SIGTERM, at any moment of any command: 130 or 143, no traceback
            try:
                return super().invoke(ctx)
            except InputError as err:
                _fail_input(err)


@click.group(cls=_Group)
@click.version_option(package_name="planner")
def main() -> None:
    """Plan which committee members take charge of which party cells and which cell meetings they attend."""


from planner.cli import feasibility, plan, replan, scale, sweep, workbook  # noqa: E402, F401  (each registers its commands)
