"""The sweep's results store: one SQLite file in the output directory (``sweep.sqlite``), written by the main
process only, one transaction per commune, so that each result is on disk as soon as it is known.

Tables: ``meta`` (what the results depend on: the change set's sha256, the time limits, the seed, whether the
largest quota is searched, the planner version — a rerun with other values is refused unless ``--force``
starts over), ``sources`` (each scenario file's identity and its communes, so that a rerun skips a file whose
communes are all done without loading it) and ``results`` (one row per scenario file and commune, with the
identity of its input: a commune whose file changed is checked again).

The database runs in WAL mode with ``synchronous=FULL``: every committed result survives a crash of the
process or of the machine (SQLite's own guarantee), and a run killed mid-write loses at most the commune it
was writing. Nothing else writes the file: a second sweep into the same directory while one runs is refused
(an exclusive ``flock`` on the file, held until the store is closed), said as bad input.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from planner.errors import InputError

FILE = "sweep.sqlite"
FILES = (FILE, f"{FILE}-wal", f"{FILE}-shm", f"{FILE}-journal")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources (
    key TEXT PRIMARY KEY, path TEXT NOT NULL, sha TEXT NOT NULL, communes TEXT NOT NULL, notes TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS results (
    source_key TEXT NOT NULL, commune TEXT NOT NULL, input_sha TEXT NOT NULL, source TEXT NOT NULL,
    name TEXT NOT NULL, province TEXT NOT NULL, members INTEGER NOT NULL, cells INTEGER NOT NULL,
    row TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 1, stored REAL NOT NULL DEFAULT (julianday('now')),
    PRIMARY KEY (source_key, commune)
);
"""


class Store:
    """The results of one sweep directory (see the module)."""

    def __init__(self, directory: str | Path):
        self.path = Path(directory) / FILE
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = _lock(self.path)
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None, timeout=2.0)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")
            self.db.executescript(_SCHEMA)
        except sqlite3.Error as exc:
            raise InputError.one(
                str(self.path),
                None,
                None,
                f"cannot open the sweep's results store: {exc}",
                "another sweep may be writing to this directory; wait for it, or choose another --out",
            ) from None

    # ------------------------------------------------------------------------------------------ meta
    def meta(self) -> dict[str, Any]:
        return {k: json.loads(v) for k, v in self.db.execute("SELECT key, value FROM meta")}

    def set_meta(self, meta: dict[str, Any]) -> None:
        self.db.execute("BEGIN")
        for k, v in meta.items():
            self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (k, json.dumps(v, sort_keys=True)))
        self.db.execute("COMMIT")

    def clear(self) -> None:
        """Start over (``--force``): every result and source is forgotten."""
        self.db.execute("BEGIN")
        for table in ("meta", "sources", "results"):
            self.db.execute(f"DELETE FROM {table}")
        self.db.execute("COMMIT")

    # ------------------------------------------------------------------------------------------ sources
    def sources(self) -> dict[str, tuple[str, list[str], list[str]]]:
        """source key -> (sha, communes, notes)."""
        return {
            key: (sha, json.loads(communes), json.loads(notes))
            for key, sha, communes, notes in self.db.execute("SELECT key, sha, communes, notes FROM sources")
        }

    def put_source(self, key: str, path: str, sha: str, communes: list[str], notes: list[str]) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?, ?)",
            (key, path, sha, json.dumps(communes, ensure_ascii=False), json.dumps(notes, ensure_ascii=False)),
        )

    # ------------------------------------------------------------------------------------------ results
    def done(self) -> dict[tuple[str, str], str]:
        """(source key, commune) -> the identity of the input it was checked from."""
        return {(s, c): sha for s, c, sha in self.db.execute("SELECT source_key, commune, input_sha FROM results")}

    def put(self, info: dict[str, Any], row: dict[str, Any], attempts: int = 1) -> None:
        """Store one commune's result (``info``: source_key, commune, input_sha, source, name, province, members,
        cells) at once, in its own transaction."""
        self.db.execute(
            "INSERT OR REPLACE INTO results (source_key, commune, input_sha, source, name, province, members, cells, "
            "row, attempts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                info["source_key"],
                info["commune"],
                info["input_sha"],
                info["source"],
                info["name"],
                info["province"],
                info["members"],
                info["cells"],
                json.dumps(row, ensure_ascii=False, sort_keys=True),
                attempts,
            ),
        )

    def forget(self, source_key: str, keep: set[str]) -> None:
        """Drop the results of ``source_key`` for communes other than ``keep`` (its file changed: a commune gone,
        or the error row of a file that now loads)."""
        stored = [c for (c,) in self.db.execute("SELECT commune FROM results WHERE source_key = ?", (source_key,))]
        for c in stored:
            if c not in keep:
                self.db.execute("DELETE FROM results WHERE source_key = ? AND commune = ?", (source_key, c))

    def results(self, source_keys: set[str] | None = None) -> list[dict[str, Any]]:
        """Every stored result (of ``source_keys`` only, if given), as flat dicts, ordered by commune id, then
        source file."""
        out = []
        cols = "source_key, commune, input_sha, source, name, province, members, cells, row, attempts"
        for r in self.db.execute(f"SELECT {cols} FROM results ORDER BY commune, source, source_key"):
            if source_keys is not None and r[0] not in source_keys:
                continue
            d = dict(zip(cols.split(", "), r))
            d.update(json.loads(d.pop("row")))
            out.append(d)
        return out

    def close(self) -> None:
        self.db.close()
        if self._lock is not None:
            self._lock.close()
            self._lock = None


def _lock(path: Path):
    """An exclusive lock on the store for as long as the returned file stays open (None where ``flock`` does
    not exist). ``flock`` locks are independent of SQLite's own POSIX locks on the same file."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not Linux or macOS
        return None
    fh = open(path, "ab")  # noqa: SIM115 - kept open: the lock lives as long as the file object
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        fh.close()
        raise InputError.one(
            str(path),
            None,
            None,
            "another sweep is writing to this directory",
            "wait for it to end, or choose another --out",
        ) from None
    return fh
