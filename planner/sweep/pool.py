"""Where the commune checks run, as a stream: tasks go in as workers free up, each result comes out as soon as
it is known (so the main process stores it at once), a worker that dies gives its task back, and a stop ends
everything within a second.

`planner.scale.executors` (``decompose``'s) maps a whole list and returns when the last item is done, which a
sweep of hours cannot use; `backend_for` takes the same executors (`make_executor` builds them from
``--cluster`` and ``--processes``) and streams through what each stands for:

- `LocalExecutor` (``--processes N``) → `ProcessBackend`: N worker processes (spawned, as the executor's pool
  is), one task each at a time over a pipe. Workers ignore SIGINT (the terminal sends Ctrl-C to the whole
  process group; the main process decides) and are terminated on a stop; a worker that dies (killed, out of
  memory) is replaced and its task comes back as *lost*, to be retried by another.
- `DaskExecutor` (``--cluster tcp://HOST:PORT``, or a ``distributed.Client``) → `DaskBackend`: tasks submitted
  to the cluster, a few per worker thread ahead; Dask's scheduler itself retries the tasks of a worker that
  dies on another one (``distributed.scheduler.allowed-failures``, 3 by default), after which the task ends
  with ``KilledWorker``. A stop cancels what is queued; a check already running on a remote worker finishes
  there, unused.
- `SerialExecutor` (and ``None``) → `SerialBackend`: in this process, one at a time (tests, debugging).

These stream methods would sit well on the executors themselves; they are here until they move there.
"""

from __future__ import annotations

import multiprocessing as mp
import multiprocessing.connection as mpc
import signal
import time
import uuid
from collections.abc import Callable
from typing import Any, Protocol

from planner.scale.executors import DaskExecutor, Executor, LocalExecutor
from planner.search.driver import stop_requested

Event = tuple[int, str, Any]  # (task key, "ok" | "lost" | "failed", the result or a message)


class Backend(Protocol):
    name: str

    def slots(self) -> int:
        """How many tasks it wants in flight at once."""
        ...

    def submit(self, key: int, task: Any) -> None: ...

    def poll(self, timeout: float) -> list[Event]:
        """The tasks that ended (within ``timeout`` seconds, if none has yet)."""
        ...

    def cancel(self) -> None:
        """Stop now: nothing more comes out."""
        ...

    def close(self) -> None: ...


def backend_for(executor: Executor | None, fn: Callable[[Any], Any]) -> Backend:
    if isinstance(executor, DaskExecutor):
        return DaskBackend(executor.client, fn)
    if isinstance(executor, LocalExecutor):
        return ProcessBackend(executor.processes, fn)
    return SerialBackend(fn)


# ---------------------------------------------------------------------------------------------- serial
class SerialBackend:
    name = "this process"

    def __init__(self, fn: Callable[[Any], Any]):
        self.fn = fn
        self.todo: list[tuple[int, Any]] = []

    def slots(self) -> int:
        return 1

    def submit(self, key: int, task: Any) -> None:
        self.todo.append((key, task))

    def poll(self, timeout: float) -> list[Event]:
        if not self.todo:
            time.sleep(min(timeout, 0.05))
            return []
        key, task = self.todo.pop(0)
        try:
            value = self.fn(task)
        except Exception as exc:  # noqa: BLE001 - said as the task's failure
            return [(key, "failed", f"{type(exc).__name__}: {exc}")]
        if stop_requested():  # a search cut short by the stop is not a result: drop it
            return []
        return [(key, "ok", value)]

    def cancel(self) -> None:
        self.todo.clear()

    def close(self) -> None:
        self.todo.clear()


# ---------------------------------------------------------------------------------------------- processes
def _serve(conn: mpc.Connection, fn: Callable[[Any], Any]) -> None:
    """A worker process: run each task received, send its result back; end on None or when the main process
    is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        key, task = msg
        try:
            out: Event = (key, "ok", fn(task))
        except Exception as exc:  # noqa: BLE001 - said as the task's failure
            out = (key, "failed", f"{type(exc).__name__}: {exc}")
        try:
            conn.send(out)
        except (OSError, ValueError):
            return


class _Worker:
    def __init__(self, ctx: Any, fn: Callable[[Any], Any]):
        parent, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(child, fn), daemon=True, name="planner-sweep-worker")
        self.process.start()
        child.close()
        self.conn = parent
        self.key: int | None = None


class ProcessBackend:
    """``processes`` worker processes on this machine (see the module)."""

    def __init__(self, processes: int, fn: Callable[[Any], Any]):
        self.processes = max(1, processes)
        self.fn = fn
        self.name = f"local process pool ({self.processes})"
        self.ctx = mp.get_context("spawn")
        self.workers: list[_Worker] = []

    def slots(self) -> int:
        return self.processes

    def submit(self, key: int, task: Any) -> None:
        worker = next((w for w in self.workers if w.key is None), None)
        if worker is None:
            if len(self.workers) >= self.processes:
                raise RuntimeError("no idle worker")
            worker = _Worker(self.ctx, self.fn)
            self.workers.append(worker)
        try:
            worker.conn.send((key, task))
        except (OSError, ValueError):  # died while idle: replace it and try once more
            self._drop(worker)
            self.submit(key, task)
            return
        worker.key = key

    def poll(self, timeout: float) -> list[Event]:
        busy = [w for w in self.workers if w.key is not None]
        if not busy:
            time.sleep(min(timeout, 0.05))
            return []
        ready = set(mpc.wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout))
        out: list[Event] = []
        for w in busy:
            if w.conn not in ready and w.process.sentinel not in ready:
                continue
            try:
                if w.conn.poll():
                    out.append(w.conn.recv())
                    w.key = None
                    continue
            except (EOFError, OSError):
                pass
            if not w.process.is_alive() and w.key is not None:
                code = w.process.exitcode
                how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
                out.append((w.key, "lost", f"the worker process checking it died ({how})"))
                self._drop(w)
        return out

    def _drop(self, worker: _Worker) -> None:
        worker.conn.close()
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(1)
        self.workers.remove(worker)

    def cancel(self) -> None:
        for w in self.workers:
            if w.process.is_alive():
                w.process.terminate()
        deadline = time.monotonic() + 1.0
        for w in list(self.workers):
            w.process.join(max(0.0, deadline - time.monotonic()))
            self._drop(w)

    def close(self) -> None:
        for w in self.workers:
            try:
                w.conn.send(None)
            except (OSError, ValueError):
                pass
        deadline = time.monotonic() + 2.0
        for w in list(self.workers):
            w.process.join(max(0.0, deadline - time.monotonic()))
            self._drop(w)


# ---------------------------------------------------------------------------------------------- dask
class DaskBackend:
    """A Dask distributed cluster (see the module)."""

    AHEAD = 2  # tasks in flight per worker thread: the next one is already there when one ends

    def __init__(self, client: Any, fn: Callable[[Any], Any]):
        self.client = client
        self.fn = fn
        self.name = f"dask cluster {client.scheduler.address}"
        self.futures: dict[Any, int] = {}
        self.tag = uuid.uuid4().hex[:8]
        self._submitted = 0
        self._threads = 0
        self._asked = 0.0

    def slots(self) -> int:
        if time.monotonic() - self._asked > 5.0:  # workers may come and go
            self._threads = sum(self.client.nthreads().values())
            self._asked = time.monotonic()
        return max(1, self.AHEAD * self._threads)

    def submit(self, key: int, task: Any) -> None:
        self._submitted += 1  # a Dask key is never reused, not even for a retry of the same task
        fut = self.client.submit(self.fn, task, key=f"planner-sweep-{self.tag}-{key}-{self._submitted}", pure=False)
        self.futures[fut] = key

    def poll(self, timeout: float) -> list[Event]:
        from distributed import wait
        from distributed.scheduler import KilledWorker

        if not self.futures:
            time.sleep(min(timeout, 0.05))
            return []
        try:
            done, _ = wait(list(self.futures), timeout=timeout, return_when="FIRST_COMPLETED")
        except TimeoutError:
            return []
        out: list[Event] = []
        for fut in done:
            key = self.futures.pop(fut)
            if fut.status == "finished":
                out.append((key, "ok", fut.result()))
            elif fut.status == "error":
                exc = fut.exception()
                if isinstance(exc, KilledWorker):
                    out.append((key, "failed", f"the Dask workers running it died, each time ({exc})"))
                else:
                    out.append((key, "failed", f"{type(exc).__name__}: {exc}"))
            else:  # cancelled (a worker lost with the scheduler's retries off, or a cluster shut down)
                out.append((key, "lost", f"the task was {fut.status} on the cluster"))
            fut.release()
        return out

    def cancel(self) -> None:
        if self.futures:
            try:
                self.client.cancel(list(self.futures), force=True)
            except Exception:  # noqa: BLE001 - the cluster may be gone already; nothing more to do
                pass
        self.futures.clear()

    def close(self) -> None:
        self.cancel()
