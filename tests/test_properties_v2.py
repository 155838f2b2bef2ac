"""Property tests for scenario format v2: the random small scenarios of `test_properties`, each given some of
the v2 additions at random — members serving part of the window or excused for a stretch, a person with a seat
on a district committee too, own_cell exclude on the rules, flex_when, sessions, two cells kept apart, a
quarterly cell, a unit founded mid-window, a work team. Every plan the solver returns passes `verify` with the
same objective and terms, and a reported bound is never below the plan; re-solving against its own optimal plan
moves nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from planner.instance import Instance
from planner.scenario import Scenario
from planner.search.solving import Settings
from tests.test_properties import scenarios, solved_and_verified, stable_optimum

SOLVE = Settings(time_limit=2, workers=1, seed=0)
V2 = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def v2_scenarios(draw: st.DrawFn, mild: bool = False) -> dict[str, Any]:
    data = draw(scenarios(mild=mild))
    start = dt.date.fromisoformat(data["period"]["start"])
    end = dt.date.fromisoformat(data["period"]["end"])
    cells = [u for u in data["units"] if u["id"] != "dx"]
    members = data["members"]

    def day() -> dt.date:
        return start + dt.timedelta(days=draw(st.integers(0, (end - start).days)))

    if draw(st.booleans()):  # a member who joins (or leaves) during the window
        m = draw(st.sampled_from(members))
        m["active"] = {"from": day().isoformat()} if draw(st.booleans()) else {"to": day().isoformat()}
    if draw(st.booleans()):  # an excused stretch
        m = draw(st.sampled_from(members))
        a = day()
        m["excused"] = [{"from": a.isoformat(), "to": (a + dt.timedelta(days=draw(st.integers(0, 20)))).isoformat()}]
    if draw(st.booleans()):  # a person with a second seat, on the district committee above
        data["units"].insert(0, {"id": "hx", "name": "Huyện ủy", "kind": "district_committee", "level": "district"})
        data["units"][1]["parent"] = "hx"
        first = members[0]
        members.append({"id": "hx-1", "name": first["name"], "committee": "hx", "person": first["id"]})
    for rule in data.get("attendance", []) + data.get("coverage", []):
        if draw(st.integers(0, 2)) == 0:
            rule["own_cell"] = "exclude"
    for u in cells:
        meeting = u["meeting"]
        if draw(st.integers(0, 3)) == 0:
            meeting["flex_when"] = draw(st.sampled_from(["blocked", "next"]))
        if draw(st.booleans()):
            meeting["session"] = draw(st.sampled_from(["morning", "afternoon", "evening"]))
    if len(cells) >= 2 and draw(st.booleans()):
        a, b = draw(st.lists(st.sampled_from([c["id"] for c in cells]), min_size=2, max_size=2, unique=True))
        next(c for c in cells if c["id"] == a)["apart_from"] = [b]
    if draw(st.integers(0, 3)) == 0:
        draw(st.sampled_from(cells))["meeting"]["frequency"] = "quarter"
    if draw(st.integers(0, 3)) == 0:
        draw(st.sampled_from(cells))["active"] = {"from": day().isoformat()}
    if len(members) >= 2 and draw(st.integers(0, 2)) == 0:
        ids = [m["id"] for m in members if m["committee"] == "dx"]
        leader, *rest = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=2, unique=True))
        data["teams"] = [{"id": "to", "leader": leader, "members": rest, "units": {"ids": [c["id"] for c in cells]}}]
    return data


def v2_instance(data: dict[str, Any]) -> Instance:
    """The instance once every meeting has a possible day in every month it meets in (else an input error);
    a meeting without one first loses its weekdays, closed days and flex_when, then gets a flex of 3."""
    for attempt in range(3):
        try:
            inst = Instance(Scenario.model_validate(data))
        except ValueError:
            assume(False)
        empty = {u for (u, mo), days in inst.candidate_days.items() if not days and inst.meets_in(u, mo)}
        if not empty:
            return inst
        for u in data["units"]:
            if u["id"] in empty:
                u["meeting"].pop("weekdays", None)
                u["meeting"].pop("flex_when", None)
                u.pop("closed", None)
                if attempt:
                    u["meeting"]["flex"] = 3
    assume(False)
    raise AssertionError("unreachable")


@V2
@given(v2_scenarios())
def test_every_v2_plan_passes_verify_with_the_same_objective(data: dict[str, Any]) -> None:
    solved_and_verified(v2_instance(data))


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(v2_scenarios(mild=True))
def test_a_v2_optimal_plan_is_its_own_stable_optimum(data: dict[str, Any]) -> None:
    stable_optimum(v2_instance(data))
