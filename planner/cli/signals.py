"""Signals and progress of a running search: `_catch_signals` turns Ctrl-C (SIGINT) and SIGTERM into a request
to stop the search, so that the best plan found so far is still checked and written, `_interrupted` then exits
130 or 143, and `ProgressDisplay` shows the search's progress on stderr."""

from __future__ import annotations

import os
import signal
import sys
import threading

import click
from rich.console import Console
from rich.live import Live
from rich.text import Text

from planner.search.solving import Progress, ProgressThread, abandoned_searches, request_stop, reset_stop


def progress_line(p: Progress) -> str:
    """One line of a running solve: the phase, wall time, share of the deterministic budget, and the best
    objective, bound and gap on the final objective's scale (what summary.json would say now)."""
    obj = "–" if p.objective is None else f"{p.objective:g}"
    bound = "–" if p.bound is None else f"{p.bound:g}"
    gap = "–" if p.gap is None else f"{100 * p.gap:.1f} %"
    used = "" if p.used is None else f"  {100 * p.used:3.0f} % of {p.budget:g} det-s"
    phase = f" {p.phase}" if p.phase else ""
    return f"  solving{phase}: {p.elapsed:5.1f} s{used}  best {obj}  bound {bound}  gap {gap}"


class ProgressDisplay:
    """Shows a running solve's progress on stderr: in a terminal one live line, refreshed every half second and
    gone at the end; otherwise (a log, a pipe) a plain line every ``every`` seconds."""

    def __init__(self, con: Console, every: float = 5.0):
        self.con, self.every = con, every
        self.live: Live | None = None
        self.thread: ProgressThread | None = None

    def start(self, progress: Progress) -> None:
        if self.con.is_terminal:
            self.live = Live(Text(progress_line(progress)), console=self.con, transient=True, auto_refresh=False)
            self.live.start()
            self.thread = ProgressThread(progress, self._update, after=0.0, every=0.5)
        else:
            self.thread = ProgressThread(progress, lambda p: click.echo(progress_line(p), err=True), 1.0, self.every)
        self.thread.start()

    def _update(self, progress: Progress) -> None:
        if self.live is not None:
            self.live.update(Text(progress_line(progress)), refresh=True)

    def stop(self) -> None:
        if self.thread is not None:
            self.thread.stop()
            self.thread.join(2)
        if self.live is not None:
            self.live.stop()


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
