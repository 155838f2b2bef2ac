"""The sweep: read the change set, find the scenarios, split them into communes, check each on the workers,
store each result as it comes, and write the results when every commune is done.

`run_sweep` is the whole command without its terminal: the CLI (`planner.cli.sweep`) parses the options, turns
Ctrl-C into `planner.search.driver.request_stop`, prints the progress and exits with the code. The main
process does three things at once: a thread loads the scenarios and splits them into communes (a province's
file takes seconds; the workers start on the first one meanwhile), the main thread hands the communes to the
workers (`planner.sweep.pool`) and stores each result in the SQLite store (`planner.sweep.store`) the moment it
arrives, and progress is reported every two seconds.

**Resuming.** A rerun into the same directory skips every commune already stored whose input is unchanged (the
scenario file's bytes and the change set's), and a file whose communes are all done is not even loaded. The
settings the results depend on (the change set, the time limits, the seed, ``suggest``) must be the same;
``force`` starts over. Nothing is lost on Ctrl-C, a crash or a lost worker: what is stored stays, what was
running is checked again next time (a lost worker's commune is retried by another worker at once, up to
``max_attempts`` times, then stored as an ``error`` row).

**Stopping.** When a stop is requested the workers are ended (a running CP-SAT search in a local worker is
terminated with its process; queued Dask tasks are cancelled), nothing more is stored and no output is written:
`SweepResult.interrupted` is true, and a rerun resumes.
"""

from __future__ import annotations

import hashlib
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planner import __version__
from planner.checks.diagnose import CheckSettings
from planner.errors import InputError
from planner.io import check_output_directory
from planner.replan import ChangeSet, read_changes
from planner.scale.executors import Executor
from planner.search.driver import stop_requested
from planner.sweep import store as store_module
from planner.sweep.check import check_commune, error_row
from planner.sweep.communes import CommuneTask, Expanded, Source, expand, file_sha, sources
from planner.sweep.pool import backend_for
from planner.sweep.report import OUTPUT_FILES, write_outputs
from planner.sweep.store import Store

PROGRESS_EVERY = 2.0  # seconds between two progress reports


@dataclass(frozen=True)
class SweepSettings:
    """What each commune's check may do (the results depend on these; see `meta`)."""

    time_limit: float = 10.0  # deterministic seconds for the exact check of one commune; as many again for the
    # largest quota that holds
    seed: int = 0
    suggest: bool = True  # search the largest quota that holds for each infeasible commune
    force: bool = False  # forget stored results and start over
    max_attempts: int = 3  # tries of a commune whose worker process dies

    def check_settings(self) -> CheckSettings:
        return CheckSettings(
            time_limit=self.time_limit,
            suggest_limit=self.time_limit,
            seed=self.seed,
            suggestions=self.suggest,
            shortfall=False,
        )


@dataclass
class Progress:
    """How far a sweep is: ``checked`` in this run, ``skipped`` (done before), of ``total`` (None until every
    scenario is split), the statuses so far, the rate and the estimated time left."""

    checked: int = 0
    skipped: int = 0
    total: int | None = None
    known: int = 0  # communes found so far
    counts: Counter = field(default_factory=Counter)
    elapsed: float = 0.0
    running: int = 0
    split_seconds: float | None = None  # when the last scenario had been split into communes (from the start)
    estimate: int | None = None  # the total guessed from the files split so far (communes a file, on average)

    @property
    def done(self) -> int:
        return self.checked + self.skipped

    @property
    def per_minute(self) -> float | None:
        return 60.0 * self.checked / self.elapsed if self.checked and self.elapsed > 0 else None

    @property
    def eta(self) -> float | None:
        """Seconds left at this run's rate, from the total or else its estimate (None before either is known
        and a commune is checked)."""
        total = self.total if self.total is not None else self.estimate
        if total is None or not self.per_minute:
            return None
        return 60.0 * max(0, total - self.done) / self.per_minute


@dataclass
class SweepResult:
    out: Path
    rows: list[dict[str, Any]]  # every stored result of this sweep's scenarios, ordered by commune id
    progress: Progress
    interrupted: bool
    notes: list[str]
    seconds: float
    files: list[str]  # output files written
    backend: str = ""

    @property
    def counts(self) -> Counter:
        return Counter(r["status"] for r in self.rows)


def meta(changes_path: str | Path, changes_sha: str, settings: SweepSettings) -> dict[str, Any]:
    """What the stored results depend on (a rerun must match it)."""
    return {
        "changes": str(changes_path),
        "changes_sha256": changes_sha,
        "time_limit": settings.time_limit,
        "seed": settings.seed,
        "suggest": settings.suggest,
        "planner": __version__,
    }


def _info(task: CommuneTask) -> dict[str, Any]:
    return {
        "source_key": task.source_key,
        "commune": task.commune,
        "input_sha": task.input_sha,
        "source": task.source,
        "name": task.name,
        "province": task.province,
        "members": task.members,
        "cells": task.cells,
    }


def run_sweep(
    changes: str | Path,
    scenarios: list[str],
    out: str | Path,
    settings: SweepSettings = SweepSettings(),
    executor: Executor | None = None,
    lang: str = "vi",
    on_progress: Callable[[Progress], None] | None = None,
    on_note: Callable[[str], None] | None = None,
    check: Callable[[CommuneTask], dict[str, Any]] = check_commune,
    write: bool = True,
) -> SweepResult:
    """Apply the change set ``changes`` to every commune of ``scenarios`` and check each, storing the results in
    ``out`` as they come (see the module). ``executor``: from `planner.scale.executors.make_executor` (None: in
    this process). ``check``: the function run on each commune (a module-level function: it is sent to the
    workers by name). Raises `InputError` for bad input (the change set, a scenario named, ``out``)."""
    t0 = time.monotonic()
    out = Path(out)
    cs = read_changes(changes)
    changes_sha = hashlib.sha256(Path(changes).read_bytes()).hexdigest()
    srcs = sources(list(scenarios))
    _remove_partial_writes(out)
    check_output_directory(out, names=(*OUTPUT_FILES, *store_module.FILES), force=True)
    st = Store(out)
    try:
        return _run(
            cs, changes, changes_sha, srcs, out, st, settings, executor, lang, on_progress, on_note, check, write, t0
        )
    finally:
        st.close()


def _run(
    cs: ChangeSet,
    changes: str | Path,
    changes_sha: str,
    srcs: list[Source],
    out: Path,
    st: Store,
    settings: SweepSettings,
    executor: Executor | None,
    lang: str,
    on_progress: Callable[[Progress], None] | None,
    on_note: Callable[[str], None] | None,
    check: Callable[[CommuneTask], dict[str, Any]],
    write: bool,
    t0: float,
) -> SweepResult:
    wanted = meta(changes, changes_sha, settings)
    old = st.meta()
    if settings.force:
        st.clear()
    elif old and {k: v for k, v in old.items() if k != "changes"} != {
        k: v for k, v in wanted.items() if k != "changes"
    }:
        differ = sorted(k for k in wanted if k != "changes" and old.get(k) != wanted[k])
        raise InputError.one(
            str(out),
            None,
            None,
            "holds the results of another sweep (its " + ", ".join(differ) + " differ from this run's)",
            "give --force to start over, or choose another --out",
        )
    st.set_meta(wanted)
    done = {} if settings.force else st.done()
    known = {} if settings.force else st.sources()
    feed: queue.Queue = queue.Queue(maxsize=4)
    found: dict[str, float] = {}  # the splitting thread's count of communes, and when it ended
    expander = threading.Thread(
        target=_expand_all,
        args=(srcs, cs, changes_sha, settings, known, done, feed, found),
        name="planner-sweep-split",
        daemon=True,
    )
    expander.start()

    progress = Progress()
    notes: list[str] = []
    pending: list[CommuneTask] = []
    inflight: dict[int, CommuneTask] = {}
    attempts: Counter = Counter()
    backend = backend_for(executor, check)
    expanded = False
    interrupted = False
    next_key = 0
    last_report = 0.0
    t_run = time.monotonic()

    def note(text: str) -> None:
        notes.append(text)
        if on_note is not None:
            on_note(text)

    def stored(task: CommuneTask, row: dict[str, Any], tries: int) -> None:
        st.put(_info(task), row, tries)
        progress.checked += 1
        progress.counts[row["status"]] += 1

    try:
        while True:
            if stop_requested():
                interrupted = True
                break
            # take what the splitting thread found, as long as the workers have enough to do
            while not expanded and len(pending) < 4 * backend.slots():
                try:
                    item = feed.get_nowait()
                except queue.Empty:
                    break
                kind = item[0]
                if kind == "end":
                    expanded = True
                    progress.total = progress.known
                    progress.split_seconds = max(0.0, found["ended"] - t_run)
                elif kind == "fail":
                    raise item[1]
                elif kind == "skip":
                    _, src, sha, communes, src_notes = item
                    progress.skipped += len(communes)
                    progress.known += len(communes)
                    for n in src_notes:
                        note(n)
                elif kind == "broken":
                    _, src, sha, message = item
                    st.forget(src.key, {""})
                    st.put_source(src.key, src.path, sha, [""], [])
                    info = {
                        "source_key": src.key,
                        "commune": "",
                        "input_sha": sha,
                        "source": src.path,
                        "name": Path(src.path).name,
                        "province": "",
                        "members": 0,
                        "cells": 0,
                    }
                    st.put(info, error_row(message))
                    progress.known += 1
                    progress.checked += 1
                    progress.counts["error"] += 1
                else:  # "source"
                    ex: Expanded = item[1]
                    st.forget(ex.source.key, {t.commune for t in ex.tasks})
                    st.put_source(ex.source.key, ex.source.path, ex.sha, [t.commune for t in ex.tasks], ex.notes)
                    for n in ex.notes:
                        note(n)
                    for task in ex.tasks:
                        progress.known += 1
                        if done.get((task.source_key, task.commune)) == task.input_sha:
                            progress.skipped += 1
                        else:
                            pending.append(task)
            while pending and len(inflight) < backend.slots():
                task = pending.pop(0)
                inflight[next_key] = task
                attempts[next_key] += 1
                backend.submit(next_key, task)
                next_key += 1
            if expanded and not pending and not inflight:
                break
            events = backend.poll(0.2) if inflight else []
            if not inflight:
                time.sleep(0.05)
            for key, kind, value in events:
                if key not in inflight:
                    continue
                task = inflight.pop(key)
                if kind == "ok":
                    stored(task, value, attempts[key])
                elif kind == "lost" and attempts[key] < settings.max_attempts:
                    note(f"{task.commune}: {value}; checked again (attempt {attempts[key] + 1})")
                    inflight[key] = task  # same key: the attempts add up
                    attempts[key] += 1
                    backend.submit(key, task)
                else:
                    tries = attempts[key]
                    message = value if kind == "failed" else f"{value}, {tries} times: not checked"
                    stored(task, error_row(message), tries)
            progress.running = len(inflight)
            progress.elapsed = time.monotonic() - t_run
            if "ended" in found and progress.total is None:  # known before its last tasks are taken
                progress.total = int(found["communes"])
                progress.split_seconds = max(0.0, found["ended"] - t_run)
            elif progress.total is None and found.get("files"):
                progress.estimate = round(found["communes"] / found["files"] * len(srcs))
            if on_progress is not None and time.monotonic() - last_report >= PROGRESS_EVERY:
                last_report = time.monotonic()
                on_progress(progress)
    except BaseException:
        backend.cancel()
        raise
    if interrupted:
        backend.cancel()
    else:
        backend.close()
    progress.running = 0
    progress.elapsed = time.monotonic() - t_run
    if on_progress is not None:
        on_progress(progress)
    keys = {s.key for s in srcs}
    rows = st.results(keys)
    files: list[str] = []
    if not interrupted and write:
        all_notes = notes + [n for k, (_, _, ns) in st.sources().items() if k in keys for n in ns if n not in notes]
        files = write_outputs(out, rows, lang, _report_meta(cs, srcs, settings, all_notes, backend.name))
    return SweepResult(out, rows, progress, interrupted, notes, time.monotonic() - t0, files, backend.name)


def _remove_partial_writes(out: Path) -> None:
    """Temporary files a killed run left while replacing an output (``.results.csv.XXXX``; nothing else)."""
    if out.is_dir():
        for f in out.iterdir():
            if f.is_file() and any(f.name.startswith(f".{name}.") for name in OUTPUT_FILES):
                f.unlink(missing_ok=True)


def _report_meta(cs: ChangeSet, srcs: list[Source], settings: SweepSettings, notes: list[str], backend: str) -> dict:
    return {
        "name": cs.name or "",
        "description": cs.description or "",
        "changes_file": cs.file,
        "changes": [c.describe() + (f" — {c.reason}" if c.reason else "") for c in cs.changes],
        "scenarios": [s.path for s in srcs],
        "time_limit": settings.time_limit,
        "seed": settings.seed,
        "suggest": settings.suggest,
        "notes": notes,
    }


def _expand_all(
    srcs: list[Source],
    cs: ChangeSet,
    changes_sha: str,
    settings: SweepSettings,
    known: dict[str, tuple[str, list[str], list[str]]],
    done: dict[tuple[str, str], str],
    feed: queue.Queue,
    found: dict[str, float],
) -> None:
    """The splitting thread: each scenario file skipped (all done), split, or said broken (see the module);
    ``found`` counts the communes found and, at the end, says when."""
    check_settings = settings.check_settings()
    found["communes"] = found["files"] = 0
    for src in srcs:
        if stop_requested():
            return
        sha = file_sha(src.path, changes_sha)
        prev = known.get(src.key)
        if prev is not None and prev[0] == sha and all(done.get((src.key, c)) == sha for c in prev[1]):
            found["communes"] += len(prev[1])
            found["files"] += 1
            feed.put(("skip", src, sha, prev[1], prev[2]))
            continue
        try:
            ex = expand(src, cs, changes_sha, check_settings)
        except InputError as err:
            if src.explicit:
                feed.put(("fail", err))
                return
            found["communes"] += 1
            found["files"] += 1
            feed.put(("broken", src, sha, "; ".join(str(p) for p in err.problems)))
            continue
        except Exception as exc:  # noqa: BLE001 - a file the loader let through but that cannot be split
            bad = InputError.one(src.path, None, None, f"cannot be split into communes: {type(exc).__name__}: {exc}")
            if src.explicit:
                feed.put(("fail", bad))
                return
            found["communes"] += 1
            found["files"] += 1
            feed.put(("broken", src, sha, str(bad.problems[0])))
            continue
        found["communes"] += len(ex.tasks)
        found["files"] += 1
        feed.put(("source", ex))
    found["ended"] = time.monotonic()
    feed.put(("end",))
