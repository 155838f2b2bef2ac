"""Signals and progress of a running search: `_catch_signals` turns Ctrl-C (SIGINT) and SIGTERM into a request
to stop the search, so that the best plan found so far is still checked and written, `_interrupted` then exits
130 or 143, and `_show_progress` prints the search's progress lines to stderr."""

from __future__ import annotations

import os
import signal
import sys
import threading

import click
from rich.console import Console

from planner.search.solving import Progress, abandoned_searches, request_stop, reset_stop


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
