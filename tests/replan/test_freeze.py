"""Frozen months: taken from the baseline as they were, counted toward quotas that span the freeze."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from planner.checks.verify import verify
from planner.instance import Instance
from planner.plan import Plan
from planner.replan.freeze import freeze
from planner.scenario import Scenario
from planner.search.solving import STARTS, Settings, solve

SETTINGS = Settings(time_limit=5, workers=1)


def scenario(**extra) -> Scenario:
    data = {
        "name": "freeze",
        "period": {"start": "2026-01-01", "end": "2026-06-30"},
        "calendar": {"public_holidays": "none"},
        "units": [
            {"id": "xa", "name": "Xã", "kind": "commune_committee", "level": "commune"},
            {"id": "t1", "name": "Thôn 1", "kind": "residential", "parent": "xa", "meeting": {"day": 5, "flex": 2}},
            {"id": "t2", "name": "Thôn 2", "kind": "residential", "parent": "xa", "meeting": {"day": 10, "flex": 2}},
        ],
        "members": [
            {"id": "a", "name": "A", "committee": "xa", "residence": "t1"},
            {"id": "b", "name": "B", "committee": "xa", "residence": "t2"},
        ],
        "responsibility": [
            {
                "members": {},
                "units": {"kind": "residential"},
                "per_unit": {"min": 1, "max": 1},
                "per_member": {"max": 1},
            }
        ],
        "attendance": [{"id": "quy", "members": {}, "units": {"in_charge": True}, "per": "half", "at_least": 3}],
    }
    data.update(extra)
    return Scenario.model_validate(data)


def test_frozen_months_are_taken_from_the_baseline_byte_for_byte():
    base_inst = Instance(scenario())
    # the base is one optimum of several; the counts below were worked out on the charges-first start's
    base = solve(base_inst, replace(SETTINGS, **STARTS["charges"]))
    assert base.summary.status == "optimal"
    # a baseline with a visit in January and another in March for each member, dates moved off the preferred day
    meetings = dict(base.plan.meetings)
    meetings["t1", "2026-01"] = dt.date(2026, 1, 7)
    att = {(m, u, d) for m, u, d in base.plan.attendance if d.month > 3}
    att |= {
        ("a", "t1", dt.date(2026, 1, 7)),
        ("a", "t1", meetings["t1", "2026-03"]),
        ("b", "t2", meetings["t2", "2026-02"]),
    }
    baseline = Plan(base.plan.charges, meetings, frozenset(att))

    frozen = Instance(freeze(scenario(), baseline, "2026-03"))
    result = solve(frozen, SETTINGS, baseline=baseline)
    assert result.summary.status == "optimal"
    plan = result.plan
    for mo in ("2026-01", "2026-02", "2026-03"):
        for u in ("t1", "t2"):
            assert plan.meetings[u, mo] == baseline.meetings[u, mo]
    early = {a for a in plan.attendance if a[2].month <= 3}
    assert early == {a for a in baseline.attendance if a[2].month <= 3}
    # the half-year quota (3) spans the freeze: a has 2 frozen visits, needs 1 more; b has 1, needs 2 more
    late = {a for a in plan.attendance if a[2].month > 3}
    assert sum(1 for m, _, _ in late if m == "a") == 1
    assert sum(1 for m, _, _ in late if m == "b") == 2
    report = verify(frozen, plan, baseline)
    assert report.ok and report.objective == result.summary.objective


def test_verify_flags_an_extra_attendance_in_a_frozen_month():
    inst0 = Instance(scenario())
    base = solve(inst0, SETTINGS).plan
    frozen = Instance(freeze(scenario(), base, "2026-02"))
    options = [(m, u, base.meetings[u, "2026-01"]) for m in ("a", "b") for u in ("t1", "t2")]
    extra = next(a for a in options if a not in base.attendance)
    broken = Plan(base.charges, base.meetings, base.attendance | {extra})
    families = {v.family for v in verify(frozen, broken).violations}
    assert "frozen" in families


def test_frozen_until_must_be_a_month():
    import pytest
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="YYYY-MM"):
        scenario(frozen_until="June")


def test_cli_freeze_needs_a_baseline_and_keeps_an_unchanged_plan(tmp_path):
    from click.testing import CliRunner

    from planner.cli import main
    from planner.plan import PLAN_FILES
    from tests.conftest import SCENARIOS

    tuong = str(SCENARIOS / "tuong-duong-2026.yaml")
    runner = CliRunner()
    bad = runner.invoke(main, ["solve", tuong, "-o", str(tmp_path / "x"), "--freeze-until", "2026-06"])
    assert bad.exit_code == 2 and "--freeze-until needs --baseline" in bad.output
    first = runner.invoke(main, ["solve", tuong, "-o", str(tmp_path / "a"), "--time-limit", "3", "-q"])
    assert first.exit_code == 0, first.output
    again = runner.invoke(
        main,
        [
            "solve",
            tuong,
            "-o",
            str(tmp_path / "b"),
            "--time-limit",
            "3",
            "-q",
            "--baseline",
            str(tmp_path / "a"),
            "--freeze-until",
            "2026-06",
        ],
    )
    assert again.exit_code == 0, again.output
    for name in PLAN_FILES:  # its own plan as baseline: nothing changes
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
