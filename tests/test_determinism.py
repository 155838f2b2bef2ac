"""Same scenario, seed and settings: byte-identical plan files, summary equal but for its timing fields."""

from __future__ import annotations

import json

from click.testing import CliRunner

from planner.cli import main
from planner.plan import PLAN_FILES, Summary

from .conftest import SCENARIOS


def test_two_runs_same_seed_give_identical_files(tmp_path):
    outs = []
    for i in range(2):
        out = tmp_path / f"run{i}"
        result = CliRunner().invoke(main, ["solve", str(SCENARIOS / "tuong-duong-2026.yaml"), "--out", str(out),
                                           "--time-limit", "2", "--seed", "7", "-q"])
        assert result.exit_code == 0, result.output
        outs.append(out)
    for name in PLAN_FILES:
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name
    a, b = (json.loads((o / "summary.json").read_text(encoding="utf-8")) for o in outs)
    for key in Summary.TIMING_FIELDS + ("deterministic_time",):
        a.pop(key, None)
        b.pop(key, None)
    assert a == b
    assert a["seed"] == 7 and a["reproducible"] is True
