"""Executors: how the parts of a decomposition run (`planner.scale.decompose`).

Parts run through a small interface (`Executor.map`): `SerialExecutor`, `LocalExecutor` (a
``concurrent.futures.ProcessPoolExecutor``) and `DaskExecutor` (an existing ``dask.distributed`` cluster,
``tcp://HOST:PORT``; optional extra ``planner[cluster]``). All three give the same plan: each part is solved
deterministically from its own sub-scenario.
"""

from __future__ import annotations

import concurrent.futures as cf
from collections.abc import Callable, Sequence
from typing import Any, Protocol


class Executor(Protocol):
    """Runs ``fn`` over ``items`` and returns the results in order."""

    name: str

    def map(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]: ...

    def close(self) -> None: ...


class SerialExecutor:
    name = "serial"

    def map(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
        return [fn(x) for x in items]

    def close(self) -> None:
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

            self._pool = cf.ProcessPoolExecutor(self.processes, mp_context=mp.get_context("spawn"))
        return list(self._pool.map(fn, items))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None


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


def make_executor(cluster: str | None = None, processes: int = 2) -> Executor:
    if cluster:
        return DaskExecutor(cluster)
    return LocalExecutor(processes) if processes > 1 else SerialExecutor()
