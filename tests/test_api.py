"""The public API at the package root: the README's example runs as written, and each name does what it says."""

from __future__ import annotations

import re

import pytest

import planner
from planner.status import Status
from tests.conftest import ROOT, SCENARIOS


def test_the_readme_example_runs(monkeypatch, capsys):
    """The code block of the README's "Use from Python" section, executed from the project's folder."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Use from Python", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    monkeypatch.chdir(ROOT)
    exec(compile(code, "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert out.split()[0] in ("optimal", "feasible")
    assert "hai-buoi-moi-thang" in out  # the clashing rule, named in the Vietnamese explanation


def test_the_root_names_what_it_exports():
    for name in planner.__all__:
        assert getattr(planner, name) is not None, name
    assert planner.Status.FEASIBLE == "feasible" and str(planner.Status.OPTIMAL) == "optimal"


def test_load_raises_input_error_in_words(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nyear: 2026\nunits: []\nmembers: []\natendance: []\n", encoding="utf-8")
    with pytest.raises(planner.InputError) as err:
        planner.load(bad)
    assert "did you mean 'attendance'" in str(err.value)


def test_verify_catches_a_broken_plan_and_objective_recomputes():
    inst = planner.load(SCENARIOS / "thuong-son-2026.yaml")
    result = planner.solve(inst, planner.Settings(time_limit=2))
    assert result.plan is not None and result.status in (Status.FEASIBLE, Status.OPTIMAL)
    assert planner.verify(inst, result.plan) == []
    assert planner.objective(inst, result.plan) == result.summary.objective
    broken = planner.Plan(result.plan.charges, result.plan.meetings, frozenset())  # nobody attends anything
    violations = planner.verify(inst, broken)
    assert violations and all(isinstance(v, planner.Violation) for v in violations)
    assert {v.family for v in violations} >= {"attendance-quota"}


def test_read_plan_reads_what_solve_wrote(tmp_path):
    from click.testing import CliRunner

    from planner.cli import main

    out = tmp_path / "plan"
    result = CliRunner().invoke(
        main,
        [
            "solve",
            str(SCENARIOS / "thuong-son-2026.yaml"),
            "--out",
            str(out),
            "--time-limit",
            "1",
            "-q",
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.output
    inst = planner.load(SCENARIOS / "thuong-son-2026.yaml")
    assert planner.verify(inst, planner.read_plan(out)) == []
