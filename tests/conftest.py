from __future__ import annotations

import json
from pathlib import Path

import pytest

from planner.plan import PLAN_FILES, Summary

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
DATA = ROOT / "tests" / "data"


@pytest.fixture(scope="session")
def scenarios_dir() -> Path:
    return SCENARIOS


def expectations(path: Path) -> list[str]:
    """The ``# expect:`` lines heading an invalid-input file: what its error messages must contain."""
    out = []
    for line in path.read_bytes().decode("utf-8", errors="replace").splitlines():
        if not line.startswith("# expect:"):
            break
        out.append(line.removeprefix("# expect:").strip())
    return out


def assert_same_runs(first: Path, second: Path) -> dict:
    """Two plan directories hold byte-identical plan files and equal summaries but for timings; the summary."""
    for name in PLAN_FILES:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    a, b = (json.loads((o / "summary.json").read_text(encoding="utf-8")) for o in (first, second))
    for key in Summary.TIMING_FIELDS + ("deterministic_time",):
        a.pop(key, None)
        b.pop(key, None)
    assert a == b
    return a
