"""Signals and progress of a running command: the one place where Ctrl-C (SIGINT) and SIGTERM are handled.

Every command runs under `handled` (the `main` group calls it), so a signal at any moment ends it within a
second or two with 130 or 143, no traceback, and no child process left:

- by default (loading, building, the diagnosis, the parts of a decomposition, rendering) the first signal
  *aborts*: `Interrupted` is raised in the main thread, the output writer removes its temporary copy (the old
  result stays whole under its name), the callbacks given to `on_interrupt` end child processes, and the
  process exits 128 + the signal's number;
- inside `stopping` (a search whose best plan is worth keeping: solve, whatif, check --out) the first signal
  only asks the search to stop (`request_stop`); the best plan found so far is then checked and written, and
  `_interrupted` exits 130 or 143. A second signal ends the process at once (an output being swapped in is
  finished first: the writer blocks signals for that instant).

(Before a command starts, while the libraries are still being imported, `planner._quiet_interrupts_while_starting`
ends the process quietly.) `ProgressDisplay` shows a search's progress on stderr."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator

import click
from rich.console import Console
from rich.live import Live
from rich.text import Text

from planner.search.solving import Progress, ProgressThread, abandoned_searches, request_stop, reset_stop

_PHASES_VI = {
    "HiGHS root node": "HiGHS, nút gốc",
    "LP, rounded": "quy hoạch tuyến tính, làm tròn",
    "plan in force, completed": "kế hoạch đang thực hiện, bổ sung",
    "first months": "các tháng đầu",
    "whole year, charges of the first months": "cả năm, phân công của các tháng đầu",
    "charges": "phân công phụ trách",
    "whole year, charges decided": "cả năm, đã định phân công",
    "whole year": "cả năm",
    "done": "xong",
}


def progress_line(p: Progress, lang: str = "en") -> str:
    """One line of a running solve: the phase, wall time, share of the deterministic budget, and the best
    objective, bound and gap on the final objective's scale (what summary.json would say now)."""
    obj = "–" if p.objective is None else f"{p.objective:g}"
    bound = "–" if p.bound is None else f"{p.bound:g}"
    gap = "–" if p.gap is None else f"{100 * p.gap:.1f} %"
    if lang == "vi":
        used = "" if p.used is None else f"  {100 * p.used:3.0f} % của {p.budget:g} giây tất định"
        phase = f" {_PHASES_VI.get(p.phase, p.phase)}" if p.phase else ""
        return f"  đang lập kế hoạch{phase}: {p.elapsed:5.1f} s{used}  tốt nhất {obj}  cận {bound}  còn cách {gap}"
    used = "" if p.used is None else f"  {100 * p.used:3.0f} % of {p.budget:g} det-s"
    phase = f" {p.phase}" if p.phase else ""
    return f"  solving{phase}: {p.elapsed:5.1f} s{used}  best {obj}  bound {bound}  gap {gap}"


class ProgressDisplay:
    """Shows a running solve's progress on stderr: in a terminal one live line, refreshed every half second and
    gone at the end; otherwise (a log, a pipe) a plain line every ``every`` seconds."""

    def __init__(self, con: Console, every: float = 5.0, lang: str = "en"):
        self.con, self.every, self.lang = con, every, lang
        self.live: Live | None = None
        self.thread: ProgressThread | None = None

    def start(self, progress: Progress) -> None:
        if self.con.is_terminal:
            line = progress_line(progress, self.lang)
            self.live = Live(Text(line), console=self.con, transient=True, auto_refresh=False)
            self.live.start()
            self.thread = ProgressThread(progress, self._update, after=0.0, every=0.5)
        else:
            self.thread = ProgressThread(
                progress, lambda p: click.echo(progress_line(p, self.lang), err=True), 1.0, self.every
            )
        self.thread.start()

    def _update(self, progress: Progress) -> None:
        if self.live is not None:
            self.live.update(Text(progress_line(progress, self.lang)), refresh=True)

    def stop(self) -> None:
        if self.thread is not None:
            self.thread.stop()
            self.thread.join(2)
        if self.live is not None:
            self.live.stop()


# ---------------------------------------------------------------------------------------------- the handler
class Interrupted(BaseException):
    """Raised in the main thread by the first signal outside `stopping`: the command ends (not an Exception,
    so that no ``except Exception`` on the way can swallow it)."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


_state: dict[str, object] = {"stopping": False, "progress": None}
_caught: list[int] = []  # the signals received by the command under way (the first decides the exit code)
_on_interrupt: list[Callable[[], None]] = []


def on_interrupt(callback: Callable[[], None]) -> Callable[[], None]:
    """Run ``callback`` (end child processes, close a cluster client) when a signal aborts the command;
    returns a function that withdraws it."""
    _on_interrupt.append(callback)
    return lambda: _on_interrupt.remove(callback) if callback in _on_interrupt else None


def _run_callbacks() -> None:
    while _on_interrupt:
        callback = _on_interrupt.pop()
        with contextlib.suppress(Exception):
            callback()


def _handler(signum: int, frame: object) -> None:
    if _caught:  # a second signal: quit at once
        _run_callbacks()
        _exit_now(128 + _caught[0])
    _caught.append(signum)
    request_stop()
    progress = _state["progress"]
    nothing_yet = isinstance(progress, Progress) and progress.solutions == 0
    if _state["stopping"] and not nothing_yet:
        click.echo(
            f"\n{signal.Signals(signum).name}: stopping the search; the best plan found so far will be "
            "written (signal again to quit at once).",
            err=True,
        )
        return
    _run_callbacks()
    raise Interrupted(signum)


def _exit_now(code: int) -> None:
    with contextlib.suppress(Exception):
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(code)


@contextlib.contextmanager
def handled() -> Iterator[None]:
    """Run a command under the planner's signal handling (see the module's docstring); an abort ends the
    process with ``os._exit(128 + n)`` once the output writer has cleaned up (C++ threads must not outlive
    Python)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _caught.clear()
    _state.update(stopping=False, progress=None)
    reset_stop()
    from planner import IGNORED_AT_START

    # a signal ignored when the command started (a background job of a script) stays ignored, as POSIX asks
    watched = [sig for sig in (signal.SIGINT, signal.SIGTERM) if sig not in IGNORED_AT_START]
    previous = {sig: signal.signal(sig, _handler) for sig in watched}
    try:
        yield
    except Interrupted as exc:
        _run_callbacks()
        from planner.io.output import written

        name = signal.Signals(exc.signum).name
        done = written()
        what = (
            f"{len(done)} output{'s' if len(done) != 1 else ''} had been written whole"
            if done
            else "nothing was written"
        )
        click.echo(f"\nInterrupted ({name}): {what}.", err=True)
        # os._exit, not sys.exit: a search cut short may still run in C++ threads (CP-SAT's own, not only the
        # cp-sat thread of the driver), and destroying them at interpreter exit aborts ("terminate called")
        _exit_now(128 + exc.signum)
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
        _on_interrupt.clear()
        _state.update(stopping=False, progress=None)
        reset_stop()


def _busy_threads() -> bool:
    """A search thread (or any other non-daemon worker) still runs: the process must end with os._exit."""
    return any(
        t.is_alive() and t is not threading.current_thread() and t.name == "cp-sat" for t in threading.enumerate()
    )


@contextlib.contextmanager
def stopping(progress: Progress | None = None) -> Iterator[None]:
    """Inside: a signal stops the search (its best plan is kept) instead of aborting the command — unless
    ``progress`` says that no plan has been found yet (the model still being built, say): then there is nothing
    to keep, and the command is aborted at once."""
    before = dict(_state)
    _state["stopping"], _state["progress"] = True, progress
    try:
        yield
    finally:
        _state.update(before)


def caught_signals() -> list[int]:
    """The signals the command under way has received (the list grows when one arrives)."""
    return _caught


def _catch_signals(progress: Progress | None = None) -> list[int]:
    """The signals caught so far by the command (the list grows when one arrives), for `_interrupted`; from
    here to the command's end a signal stops the search instead of aborting (see `stopping`; with
    ``progress``, a signal before any plan was found aborts at once)."""
    if threading.current_thread() is threading.main_thread():
        _state["stopping"], _state["progress"] = True, progress
    return _caught


def _interrupted(caught: list[int], what: str) -> None:
    """Exit 128 + the signal's number (130 for SIGINT, 143 for SIGTERM) after an interrupted solve."""
    click.echo(f"Interrupted ({signal.Signals(caught[0]).name}): {what}.", err=True)
    if abandoned_searches():  # a C++ search still runs in a background thread: it must not outlive Python
        _exit_now(128 + caught[0])
    sys.exit(128 + caught[0])
