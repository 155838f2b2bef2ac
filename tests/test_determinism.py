"""Same scenario, seed and settings: byte-identical plan files, summary equal but for its timing fields."""

from __future__ import annotations

from click.testing import CliRunner

from planner.cli import main
from tests.conftest import SCENARIOS, assert_same_runs


def test_two_runs_same_seed_give_identical_files(tmp_path):
    outs = []
    for i in range(2):
        out = tmp_path / f"run{i}"
        result = CliRunner().invoke(
            main,
            [
                "solve",
                str(SCENARIOS / "tuong-duong-2026.yaml"),
                "--out",
                str(out),
                "--time-limit",
                "2",
                "--seed",
                "7",
                "-q",
            ],
        )
        assert result.exit_code == 0, result.output
        outs.append(out)
    a = assert_same_runs(*outs)
    assert a["seed"] == 7 and a["reproducible"] is True
