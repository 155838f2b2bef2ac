"""Executors: how the parts of a decomposition run (`planner.scale.decompose`).

Parts run through a small interface (`Executor.map`): `SerialExecutor`, `LocalExecutor` (a
``concurrent.futures.ProcessPoolExecutor``) and `DaskExecutor` (an existing ``dask.distributed`` cluster,
``tcp://HOST:PORT``; optional extra ``planner[cluster]``). All three give the same plan: each part is solved
deterministically from its own sub-scenario.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol


class Executor(Protocol):
    """Runs ``fn`` over ``items`` and returns the results in order."""

    name: str

    def map(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]: ...

    def close(self) -> None: ...

    def terminate(self) -> None: ...


class SerialExecutor:
    name = "serial"

    def map(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
        return [fn(x) for x in items]

    def close(self) -> None:
        pass

    def terminate(self) -> None:
        pass


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    """SIGINT ignored in this process while the pool starts its workers (they inherit it as they start), so
    that a Ctrl-C while a worker still imports the planner cannot print a traceback there; the parent, which
    handles it, gets it back at once."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _worker_start() -> None:
    """In each worker of the pool: Ctrl-C (sent by a terminal to the whole process group) is the parent's to
    handle, and a worker ends with its parent (Linux), so none is left running after an interrupt or a kill."""
    import signal
    import sys

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass


class LocalExecutor:
    """A process pool on this machine (``processes`` workers)."""

    def __init__(self, processes: int = 2):
        self.processes = max(1, processes)
        self.name = f"local process pool ({self.processes})"
        self._pool: cf.ProcessPoolExecutor | None = None

    def map(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
        if len(items) <= 1 or self.processes == 1:
            return [fn(x) for x in items]
        if self._pool is None:
            import multiprocessing as mp

            self._pool = cf.ProcessPoolExecutor(
                self.processes, mp_context=mp.get_context("spawn"), initializer=_worker_start
            )
        with _sigint_ignored():  # the workers start as the parts are submitted
            results = self._pool.map(fn, items)
        return list(results)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def terminate(self) -> None:
        """End the workers at once (an interrupt): their parts are dropped."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        processes = list(getattr(pool, "_processes", {}).values())
        for p in processes:
            with contextlib.suppress(Exception):
                p.kill()
        with contextlib.suppress(Exception):
            pool.shutdown(wait=False, cancel_futures=True)
        for p in processes:
            with contextlib.suppress(Exception):
                p.join(1)


class DaskExecutor:
    """An existing Dask distributed cluster (``tcp://HOST:PORT``), or a ``distributed.Client``."""

    def __init__(self, address: Any):
        try:
            from distributed import Client
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise RuntimeError(
                "running parts on a Dask cluster needs the optional extra: pip install 'planner[cluster]'"
            ) from exc
        self._own = not isinstance(address, Client)
        self.client = Client(address, timeout="30s") if self._own else address
        self.name = f"dask cluster {self.client.scheduler.address}"

    def map(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
        if not items:
            return []
        futures = self.client.map(fn, list(items), pure=False)
        return self.client.gather(futures)

    def close(self) -> None:
        if self._own:
            self.client.close()

    def terminate(self) -> None:
        """Cancel the parts under way (an interrupt) and let the cluster go."""
        with contextlib.suppress(Exception):
            self.client.close(timeout=1)


def make_executor(cluster: str | None = None, processes: int = 2) -> Executor:
    if cluster:
        return DaskExecutor(cluster)
    return LocalExecutor(processes) if processes > 1 else SerialExecutor()
