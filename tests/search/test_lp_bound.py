"""The LP bound (`planner.search.lp_bound`): the model's own rows relaxed, exact on tiny cases, never below a
proven optimum on random small scenarios, tighter than the other bounds where charges and visits go together."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings

from planner import load
from planner.model import build_model
from planner.search.lp_bound import lp_bound
from planner.search.solving import Settings, solve
from tests.conftest import SCENARIOS
from tests.model.test_model_rules import base, unit
from tests.search.test_bounds import CELLS_MONTHLY, inst_of, proven_optimum
from tests.test_properties import instance_of, scenarios


def test_lp_bound_is_exact_on_a_tiny_case():
    # two members, cells monthly in March and April (4 visits at least, weight 3), one March day closed
    # (1 day of shift at least, weight 2): no reward to earn, so the best plan is worth −(3·4 + 2·1)
    data = base(attendance=[CELLS_MONTHLY], weights={"visit": 3, "shift": 2})
    unit(data, "c1")["meeting"] = {"day": 5, "flex": 1}
    unit(data, "c1")["closed"] = ["2026-03-05"]
    inst = inst_of(data)
    lp = lp_bound(build_model(inst).model)
    assert (lp.bound, lp.method) == (-14, "lp")
    assert solve(inst, Settings(time_limit=5, workers=1)).summary.objective == -14


def test_lp_bound_is_the_tightest_on_the_merged_district_and_named_in_the_summary():
    """The district members' visits come on top of the coverage the cells need: CP-SAT's bound (−76 at the
    default effort) and the term-by-term one miss it, the LP sees it (−86)."""
    inst = load(SCENARIOS / "huyen-hop-nhat-2025.yaml")
    assert lp_bound(build_model(inst).model).bound == -86
    s = solve(inst, Settings(time_limit=2)).summary
    assert s.extra["bounds"]["lp"] == -86 and s.bound == min(b for b in s.extra["bounds"].values() if b is not None)
    assert s.extra["bound_method"] == "lp" and s.bound == -86


def test_a_model_too_large_claims_no_bound(monkeypatch):
    import planner.search.lp_bound as module

    monkeypatch.setattr(module, "MAX_COLUMNS", 10)
    assert lp_bound(build_model(inst_of(base(attendance=[CELLS_MONTHLY]))).model).bound is None


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_lp_bound_is_never_below_the_optimum(data: dict[str, Any]) -> None:
    built = build_model(instance_of(data))
    optimum = proven_optimum(built.model)
    lp = lp_bound(built.model)
    if optimum is not None:
        assert lp.bound is not None
        assert lp.bound >= optimum - 1e-6
