from __future__ import annotations

import json
from pathlib import Path

import pytest

from planner.plan import PLAN_FILES, Summary

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
DATA = ROOT / "tests" / "data"


# HiGHS's root node (planner.search.highs) and the LP's rounding (planner.search.rounding) run before CP-SAT on
# models up to their limits; in the suite they run on the small models (every tiny case, random scenario and
# generated part goes through them) but not on the examples, where HiGHS's root takes 9–50 s and the LP 1–21 s
# each — in this process and in the commands tests start (the environment variables); tests marked
# ``highs_default`` keep the product's limits.
TEST_HIGHS_COLUMNS = 5_000
TEST_ROUNDING_COLUMNS = 20_000


@pytest.fixture(scope="session", autouse=True)
def _highs_on_small_models():
    import planner.search.highs as highs
    import planner.search.solving as solving

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(highs, "MAX_COLUMNS", TEST_HIGHS_COLUMNS)
        mp.setenv("PLANNER_HIGHS_MAX_COLUMNS", str(TEST_HIGHS_COLUMNS))
        mp.setattr(solving, "ROUNDING_COLUMNS", TEST_ROUNDING_COLUMNS)
        mp.setenv("PLANNER_ROUNDING_MAX_COLUMNS", str(TEST_ROUNDING_COLUMNS))
        yield


@pytest.fixture(autouse=True)
def _highs_default(request, monkeypatch):
    if request.node.get_closest_marker("highs_default") is not None:
        import planner.search.highs as highs
        import planner.search.solving as solving

        monkeypatch.setattr(highs, "MAX_COLUMNS", 150_000)
        monkeypatch.delenv("PLANNER_HIGHS_MAX_COLUMNS")
        monkeypatch.setattr(solving, "ROUNDING_COLUMNS", 150_000)
        monkeypatch.delenv("PLANNER_ROUNDING_MAX_COLUMNS")


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
