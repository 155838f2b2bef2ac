"""`solve` itself: what it reports is what the plan it returns is worth, whichever of its searches found it."""

from __future__ import annotations

from planner.checks.verify import verify
from planner.instance import Instance
from planner.io import load_scenario
from planner.replan import apply_files
from planner.replan.whatif import baselines
from planner.search.solving import Settings, solve
from tests.conftest import SCENARIOS

MERGE = SCENARIOS / "huyen-hop-nhat-2025.yaml"
CHANGES = SCENARIOS / "changes" / "huyen-hop-nhat-2025-changes.yaml"


def test_a_replan_reports_the_objective_of_its_plan_with_stability(tmp_path):
    """At 2 deterministic seconds the merged district's re-plan comes from the warm start's completion (the full
    model finds nothing better in time). That completion must carry the stability term too: it once reported
    stability 0 for a plan 146 decisions away from the baseline, and `whatif` stopped on its own verify."""
    before = solve(Instance(load_scenario(MERGE)), Settings(time_limit=2))
    assert before.plan is not None
    applied = apply_files(MERGE, CHANGES)
    path = tmp_path / "merged.yaml"
    path.write_text(applied.yaml_text("test"), encoding="utf-8")
    inst = Instance(load_scenario(path))
    base = baselines(before.plan, applied.id_map, inst).for_solve
    result = solve(inst, Settings(time_limit=2), baseline=base)
    assert result.plan is not None
    check = verify(inst, result.plan, base)
    assert check.ok
    assert check.terms == result.summary.terms and check.objective == result.summary.objective
    assert result.summary.terms["stability"] > 0
