"""The relaxed parts' bound: each relaxed rule on a tiny case with its exact effect, the bound on a coupled
district never below its proven optimum, and a property: whichever members are taken out of a random
scenario, the bound is never below the proven optimum."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from planner.instance import Instance
from planner.io import load_scenario
from planner.model import build_model
from planner.scale.decompose import solve_decomposed
from planner.scale.executors import SerialExecutor
from planner.scale.generate import write
from planner.scale.relaxed import relaxed_bound, relaxed_split
from planner.scenario import Scenario
from planner.search.solving import Settings, solve
from tests.search.test_bound_property import proven_optimum
from tests.test_properties_v2 import v2_instance, v2_scenarios


def tiny(**extra: Any) -> Instance:
    """A commune committee ``dx`` with cells c1, c2 (meeting on the 5th, flex 2) and members a, b, o."""
    data: dict[str, Any] = {
        "name": "tiny",
        "period": {"start": "2026-03-01", "end": "2026-03-31"},
        "calendar": {"public_holidays": "none"},
        "units": [
            {"id": "dx", "name": "Đảng ủy xã", "kind": "commune_committee", "level": "commune"},
            {"id": "c1", "name": "Chi bộ 1", "kind": "residential", "parent": "dx", "meeting": {"day": 5, "flex": 2}},
            {"id": "c2", "name": "Chi bộ 2", "kind": "residential", "parent": "dx", "meeting": {"day": 5, "flex": 2}},
        ],
        "members": [
            {"id": "a", "name": "A", "committee": "dx"},
            {"id": "b", "name": "B", "committee": "dx"},
            {"id": "o", "name": "O", "committee": "dx", "residence": "c1"},
        ],
        "responsibility": [{"id": "pt", "units": {"ids": ["c1", "c2"]}, "per_unit": {"min": 1, "max": 1}}],
    }
    data.update(extra)
    return Instance(Scenario.model_validate(data))


def part(inst: Instance, outside: set[str]) -> Scenario:
    split = relaxed_split(inst, outside)
    assert split is not None and len(split.scenarios) == 1
    return split.scenarios[0]


def test_a_units_least_count_is_lowered_by_the_outside_members_that_may_take_it():
    p = part(tiny(), {"o"})
    assert [m.id for m in p.members] == ["a", "b"]
    rules = {r.id: (r.units.ids, r.per_unit.min, r.per_unit.max, r.per_member.min) for r in p.responsibility}
    # o may take either cell: each needs no local member any more, and still takes at most one
    assert rules == {"pt~members": (("c1", "c2"), 0, 1, 0), "pt~1": (("c1", "c2"), 0, 1, 0)}


def test_the_outside_share_counts_their_rewards_visits_and_the_shift_of_units_no_part_plans():
    inst = tiny(
        attendance=[
            {"id": "q", "members": {"ids": ["o"]}, "units": {"ids": ["c1", "c2"]}, "per": "month", "at_least": 2}
        ]
    )
    split = relaxed_split(inst, {"o"})
    assert split is not None
    # o earns at most the residence reward of c1 (10), makes at least 2 visits; every unit is in the part
    assert (split.outside_reward, split.outside_visits, split.outside_shift) == (10.0, 2, 0)
    assert split.outside_bound(inst) == 8.0


def test_coverage_asks_nothing_where_an_outside_member_it_counts_may_come():
    cov = [{"id": "cv", "units": {"ids": ["c1", "c2"]}, "by": {"ids": ["a", "o"]}, "in_charge": True, "per": "month"}]
    resp = [
        {"id": "pt", "members": {"ids": ["a", "b"]}, "units": {"ids": ["c1", "c2"]}, "per_unit": {"min": 0}},
        {"id": "pt-o", "members": {"ids": ["o"]}, "units": {"ids": ["c1"]}, "per_unit": {"min": 0}},
    ]
    inst = tiny(responsibility=resp, coverage=[{**cov[0], "at_least": 1, "at_most": 2}])
    p = part(inst, {"o"})
    # o may be in charge of c1 only: c1's visit may be o's, c2's must still be a's; the most holds for both
    got = {(r.id, r.units.ids, r.at_least, r.at_most, r.by.ids) for r in p.coverage}
    assert got == {("cv", ("c2",), 1, 2, ("a",)), ("cv~outside", ("c1",), 0, 2, ("a",))}


def test_a_rule_over_members_in_other_parts_counts_one_member_at_a_time():
    att = [{"id": "q", "members": {}, "units": {"ids": ["c1", "c2"]}, "per": "month", "at_least": 1}]
    p = part(tiny(attendance=att), {"o"})
    assert sorted((r.id, r.members.ids) for r in p.attendance) == [("q~a", ("a",)), ("q~b", ("b",))]


def test_the_relaxed_bound_is_never_below_the_optimum_on_a_tiny_case():
    att = [{"id": "q", "members": {}, "units": {"ids": ["c1", "c2"]}, "per": "month", "at_least": 1}]
    inst = tiny(attendance=att)
    proven, optimum = proven_optimum(build_model(inst).model)
    assert proven and optimum is not None
    for outside in ({"o"}, {"a"}, {"a", "b"}, {"a", "b", "o"}):
        rb = relaxed_bound(inst, outside_members=outside)
        assert rb.bound is not None and rb.bound >= optimum, outside


@pytest.fixture(scope="module")
def with_district(tmp_path_factory) -> Instance:
    """Two communes under a district whose members may take charge of either; optimum −60 (proven below)."""
    path = tmp_path_factory.mktemp("relaxed") / "district.yaml"
    write(path, "tiny", 3, seed=3)
    return Instance(load_scenario(path))


def test_on_a_coupled_district_the_bound_is_the_relaxed_parts_and_holds(with_district):
    split = relaxed_split(with_district)
    assert split is not None and len(split.scenarios) == 2  # the two communes, the district's members taken out
    assert set(split.outside) == {m.id for m in with_district.scenario.members if m.committee == "huyen"}
    mono = solve(with_district, Settings(time_limit=30.0))
    assert (mono.summary.status, mono.summary.objective) == ("optimal", -60)
    rb = relaxed_bound(with_district)
    assert rb.bound == -60  # exact here; the term-by-term bound, which ignores the calendar, says −58
    dec = solve_decomposed(with_district, Settings(time_limit=5.0), SerialExecutor())
    x = dec.summary.extra
    assert x["term_bound"]["bound"] == -58
    assert x["bounds"] == {"term-by-term": -58, "relaxed-parts": -60}
    assert (dec.summary.bound, x["bound_method"]) == (-60, "relaxed-parts")
    assert x["relaxed_bound"]["bound"] == -60 and x["relaxed_bound"]["parts"] == 2
    assert dec.summary.objective <= -60


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(v2_scenarios(), st.data())
def test_whoever_is_taken_out_the_bound_is_never_below_a_proven_optimum(data: dict[str, Any], draw) -> None:
    inst = v2_instance(data)
    proven, optimum = proven_optimum(build_model(inst).model)
    if not proven or optimum is None:
        event("infeasible or not proven")
        return
    outside = draw.draw(st.sets(st.sampled_from(sorted(inst.members)), min_size=1), label="outside")
    rb = relaxed_bound(inst, outside_members=outside)
    event("bound" if rb.bound is not None else "no bound")
    assert rb.bound is None or rb.bound >= optimum - 1e-6, (outside, rb, optimum)
