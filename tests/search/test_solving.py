"""`solve` itself: what it reports is what the plan it returns is worth, whichever of its searches found it."""

from __future__ import annotations

from planner.checks.verify import verify
from planner.instance import Instance
from planner.io import load_scenario
from planner.replan import apply_files
from planner.replan.whatif import baselines
from planner.search.solving import STARTS, Settings, solve
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


def test_progress_speaks_on_the_final_scale_and_ends_as_the_summary():
    """Every figure the progress display could show during a solve is on the whole scenario's scale: no
    objective above the final one (a window of months once showed `best 119` for a result of −88), no bound
    below the final bound; at the end, the progress equals the summary, and the budget's share is reported."""
    import threading
    import time

    from planner.search.driver import Progress

    inst = Instance(load_scenario(SCENARIOS / "tuong-duong-2026.yaml"))
    progress, seen, stop = Progress(), [], threading.Event()

    def sample() -> None:
        while not stop.is_set():
            seen.append((progress.objective, progress.bound, progress.phase, progress.used))
            time.sleep(0.01)

    sampler = threading.Thread(target=sample, daemon=True)
    # the charges-first start: it plans a window of months first, whose figures are on another scale
    settings = Settings(time_limit=2, **STARTS["charges"])
    result = solve(inst, settings, progress=progress, on_start=lambda _: sampler.start())
    stop.set()
    sampler.join()
    s = result.summary
    assert progress.done and progress.objective == s.objective and progress.bound == s.bound
    assert progress.gap == s.gap
    objectives = [o for o, _, _, _ in seen if o is not None]
    bounds = [b for _, b, _, _ in seen if b is not None]
    assert objectives and all(o <= s.objective for o in objectives)
    assert bounds and all(b >= s.bound for b in bounds)
    assert {"first months", "whole year"} <= {phase for _, _, phase, _ in seen}
    used = [u for _, _, _, u in seen if u is not None]
    assert used == sorted(used) and 0 <= used[0] and used[-1] <= 1
