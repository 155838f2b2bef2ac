"""Feasibility diagnosis (issue 3): counting pre-checks, the minimal conflicting set, the words, the suggestions,
and `planner check` / `planner solve` on infeasible scenarios."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from ortools.sat.python import cp_model

from planner.checks.diagnose import CheckSettings, GuardedModel, diagnose
from planner.checks.explain import explain_diagnosis as explain
from planner.checks.precheck import run_prechecks
from planner.checks.verify import verify
from planner.cli import main
from planner.instance import Instance
from planner.io import load_scenario
from planner.model import build_model
from tests.conftest import DATA, SCENARIOS

INFEASIBLE = DATA / "infeasible"
FIXED_DAY = SCENARIOS / "fixed-day-quota-check.yaml"
FEASIBLE_EXAMPLES = sorted(p for p in SCENARIOS.glob("*.yaml") if p != FIXED_DAY)


def K(family: str, rule: str, subject: str = "", period: str = "", extra: str = "") -> tuple:
    return (family, rule, subject, period, extra)


def keys(diag) -> set[tuple]:
    return {(k.family, k.rule, k.subject, k.period, k.extra) for k in diag.core}


def flat(text: str) -> str:
    """The text with line folds undone, to look for phrases."""
    return " ".join(text.split())


@functools.cache
def instance(path: Path) -> Instance:
    return Instance(load_scenario(path))


@functools.cache
def diagnosed(path: Path):
    return diagnose(instance(path))


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


# ---------------------------------------------------------------------------------------------- the example
def test_fixed_day_minimal_set_is_the_two_a_month_rule_and_the_one_a_day_limit():
    diag = diagnosed(FIXED_DAY)
    assert diag.status == "infeasible" and diag.minimal
    (quota,) = [k for k in diag.core if k.family == "attendance"]
    (limit,) = [k for k in diag.core if k.family == "one-meeting-a-day"]
    assert len(diag.core) == 2
    assert quota.rule == "hai-buoi-moi-thang"
    assert limit.subject == quota.subject  # one member …
    assert limit.period[:7] == quota.period  # … and one month, on its meeting day
    assert limit.period.endswith("-05")
    assert diag.seed is not None and diag.seed.kind == "calendar"
    assert len(diag.findings) == 6 * 12  # every member, every month: need 2, can 1


def test_fixed_day_suggestion_says_one_a_month_is_the_most_that_holds():
    diag = diagnosed(FIXED_DAY)
    by_field = {(s.rule, s.field): s for s in diag.suggestions}
    s = by_field["hai-buoi-moi-thang", "at_least"]
    assert (s.found, s.value, s.current, s.decided) == (True, 1, 2, True)
    s = by_field["meetings_per_day", "meetings_per_day"]
    assert (s.found, s.value) == (True, 2)
    assert diag.shortfall is not None and diag.shortfall.status == "optimal"
    assert diag.shortfall.total == 72  # 6 members × 12 months, one meeting short each
    assert {miss for _, _, miss in diag.shortfall.missing} == {1}


def test_fixed_day_explanation_in_english():
    text = flat(explain(instance(FIXED_DAY), diagnosed(FIXED_DAY), "en"))
    assert text.startswith("infeasible:")
    assert "Cấp ủy viên 1 (uv-1)" in text
    assert "all 8 residential cells" in text and "meet only on Monday 2026-01-05" in text
    assert "meetings_per_day is 1, so Cấp ủy viên 1 (uv-1) can attend at most 1 meeting that month" in text
    assert "rule hai-buoi-moi-thang asks 2" in text
    assert "at_least 1 a month (now 2) is the largest that holds" in text
    assert "least total shortfall is 72 visits" in text


def test_fixed_day_explanation_in_vietnamese():
    text = flat(explain(instance(FIXED_DAY), diagnosed(FIXED_DAY), "vi"))
    assert text.startswith("không khả thi")
    assert "đồng chí Cấp ủy viên 1 (uv-1)" in text
    assert "cả 8 chi bộ khu dân cư" in text and "chỉ họp vào thứ Hai 05/01/2026" in text
    assert "meetings_per_day = 1" in text and "dự được nhiều nhất 1 buổi trong tháng" in text
    assert "quy định hai-buoi-moi-thang yêu cầu 2" in text
    assert "at_least = 1 mỗi tháng (hiện là 2) là mức cao nhất còn khả thi" in text
    assert "tháng 01/2026" in text


# ---------------------------------------------------------------------------------------------- crafted scenarios
CASES = {
    "calendar-training": dict(
        seed="calendar",
        core={K("attendance", "moi-quy", "uv-2", "2026-Q2")},
        en=[
            "Q2 2026",
            "Nông Thị Lan (uv-2)",
            "unavailable 2026-04-01..2026-06-30 (học lớp trung cấp lý luận chính trị)",
            "can attend at most 0 meetings in Q2 2026; rule moi-quy asks 1",
        ],
        vi=["quý II/2026", "bận 2026-04-01..2026-06-30", "quy định moi-quy yêu cầu 1"],
        suggest=("moi-quy", "at_least", 0),
    ),
    "calendar-own-meeting": dict(
        seed="calendar",
        core={
            K("attendance", "hang-thang", "uv-1", "2026-01"),
            K("own-meeting", "own_meetings_busy", "uv-1", "2026-01-05", "dang-uy"),
        },
        en=[
            "own_meetings_busy",
            "its own unit Đảng ủy xã Thử Nghiệm (dang-uy) meets on Monday 2026-01-05",
            "own_meetings_busy: false would make it feasible",
        ],
        vi=["đơn vị của mình Đảng ủy xã Thử Nghiệm (dang-uy) họp vào thứ Hai 05/01/2026"],
        suggest=("hang-thang", "at_least", 0),
    ),
    "capacity-school": dict(
        seed="capacity",
        core={K("coverage", "hai-luot-truong", "truong-th", "2026-03")},
        en=[
            "Chi bộ Trường Tiểu học (truong-th)",
            "1 of the 2 members counted may visit",
            "Lý Văn Tài (uv-3): unavailable on every possible day",
            "asks 2 visits in March 2026",
        ],
        vi=["chỉ 1/2 đồng chí được tính có thể dự", "yêu cầu 2 lượt trong tháng 03/2026"],
        suggest=("hai-luot-truong", "at_least", 1),
    ),
    "capacity-in-charge": dict(
        seed=None,  # no counting check sees it: the search finds it
        core={
            K("coverage", "hai-luot", "thon-1", "2026-01"),
            K("responsibility", "phu-trach", "thon-1", extra="per_unit"),
        },
        en=[
            "only members in charge count",
            "puts at most 1 in charge of Chi bộ thôn Nà Lầu (thon-1)",
            "per_unit.max 2 (now 1) is the smallest that holds",
        ],
        vi=["chỉ tính người phụ trách"],
        suggest=("phu-trach", "per_unit.max", 2),
    ),
    "responsibility-counts": dict(
        seed="responsibility",
        core=None,  # 7 of the 8 cells (any 7 make 7 > 2 × 3) and both members: see test_responsibility_counts_core
        core_size=9,
        en=["need at least 1 member in charge each (7 charges)", "at most 3 each (6 charges)"],
        vi=["mỗi người nhiều nhất 3 đơn vị (6 lượt)"],
        suggest=("phu-trach", "per_member.max", 4),
    ),
    "require-basis": dict(
        seed="require-basis",
        core={K("responsibility", "theo-linh-vuc", "truong-thcs", extra="per_unit")},
        en=["basis: require", "Chi bộ Trường THCS (truong-thcs)", "(school)", "none qualify"],
        vi=["basis: require", "có 0 người đủ điều kiện"],
        suggest=("theo-linh-vuc", "per_unit.min", 0),
    ),
    "pin-attendance": dict(
        seed="pin",
        core={
            K("fixed", "fixed", "uv-1", "2026-03", "thon-2"),
            K("unavailable", "unavailable", "uv-1", "2026-03-10", "thon-2"),
        },
        en=[
            "A fixed item has Hoàng Văn Minh (uv-1) attend the meeting of Chi bộ thôn Pác Nặm (thon-2) in March 2026",
            "đi công tác Hà Nội",
            "can meet only on Tuesday 2026-03-10",
            "Dropping the fixed item",
        ],
        vi=["Mục fixed", "Bỏ mục fixed"],
        suggest=("fixed", "drop", False),
    ),
    "pin-charges": dict(
        seed="pin",
        core={K("responsibility", "phu-trach", "uv-1", extra="per_member")}
        | {K("fixed", "fixed", "uv-1", extra=u) for u in ("thon-1", "thon-2", "thon-3")},
        en=["is in charge of at most 2 units (per_member)", "A fixed item puts Hoàng Văn Minh (uv-1) in charge of"],
        vi=["phụ trách nhiều nhất 2 đơn vị"],
        suggest=("phu-trach", "per_member.max", 3),
    ),
    "pin-charge-off": dict(
        seed="responsibility",
        core={K("responsibility", "phu-trach", "thon-1", extra="per_unit")},
        en=[
            "No member may take charge of Chi bộ thôn Nà Lầu (thon-1) under rule phu-trach",
            "fixed items keep Hoàng Văn Minh (uv-1), Nông Thị Lan (uv-2) and Lý Văn Tài (uv-3) from it",
        ],
        vi=["không đồng chí nào có thể phụ trách", "mục fixed không cho"],
        suggest=None,
    ),  # no single field helps: without the per_unit minimum the in-charge coverage fails
    "mix-including": dict(
        seed="mix",
        core={
            K("including", "hai-cap", "hu-1", "2026-01", "1"),
            K("including", "hai-cap", "hu-1", "2026-01", "2"),
            K("one-meeting-a-day", "meetings_per_day", "hu-1", "2026-01-05"),
        },
        en=[
            "(including 1)",
            "at the commune committees",
            "its including items ask 1 + 1 = 2",
            "meet only on Monday 2026-01-05",
        ],
        vi=["các mục including yêu cầu 1 + 1 = 2", "đảng ủy xã"],
        suggest=("meetings_per_day", "meetings_per_day", 2),
    ),
    "mix-at-most": dict(
        seed="mix",
        core={
            K("attendance", "mot-quy", "hu-1", "2026-Q1"),
            K("including", "mot-quy", "hu-1", "2026-Q1", "1"),
            K("including", "mot-quy", "hu-1", "2026-Q1", "2"),
        },
        en=["ask 1 + 1 = 2 attendances", "more than its at_most 1", "at_most 2 a quarter (now 1)"],
        vi=["vượt at_most = 1"],
        suggest=("mot-quy", "at_most", 2),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_crafted_minimal_set(name):
    case = CASES[name]
    diag = diagnosed(INFEASIBLE / f"{name}.yaml")
    assert diag.status == "infeasible"
    assert diag.minimal
    if case["core"] is None:
        assert len(diag.core) == case["core_size"]
    else:
        assert keys(diag) == case["core"]
    assert (diag.seed.kind if diag.seed else None) == case["seed"]
    if case["seed"] is None:
        assert not diag.findings  # the counting checks miss it; they never guess
    assert diag.stray == 0


@pytest.mark.parametrize("name", sorted(CASES))
def test_crafted_words(name):
    case = CASES[name]
    path = INFEASIBLE / f"{name}.yaml"
    en = flat(explain(instance(path), diagnosed(path), "en"))
    vi = flat(explain(instance(path), diagnosed(path), "vi"))
    for rule in {k.rule for k in diagnosed(path).core} - {
        "fixed",
        "unavailable",
        "meetings_per_day",
        "own_meetings_busy",
    }:
        assert rule in en and rule in vi
    for phrase in case["en"]:
        assert phrase in en, phrase
    for phrase in case["vi"]:
        assert phrase in vi, phrase


def test_responsibility_counts_core():
    diag = diagnosed(INFEASIBLE / "responsibility-counts.yaml")
    units = {k.subject for k in diag.core if k.extra == "per_unit"}
    members = {k.subject for k in diag.core if k.extra == "per_member"}
    assert {k.rule for k in diag.core} == {"phu-trach"}
    assert len(units) == 7 and units <= {f"thon-{i}" for i in range(1, 9)}
    assert members == {"uv-1", "uv-2"}


@pytest.mark.parametrize("name", sorted(CASES))
def test_crafted_suggestion(name):
    diag = diagnosed(INFEASIBLE / f"{name}.yaml")
    if CASES[name]["suggest"] is None:
        assert not any(s.found for s in diag.suggestions) and all(s.decided for s in diag.suggestions)
        return
    rule, fld, value = CASES[name]["suggest"]
    found = [s for s in diag.suggestions if (s.rule, s.field) == (rule, fld) and s.found]
    assert found, diag.suggestions
    assert found[0].value == value and found[0].decided


@pytest.mark.parametrize("name", sorted(CASES) + ["fixed-day"])
def test_minimal_set_checked_independently(name):
    """A fresh model, with presolve on this time: the set is infeasible and each proper subset is not."""
    path = FIXED_DAY if name == "fixed-day" else INFEASIBLE / f"{name}.yaml"
    diag = diagnosed(path)
    gm = GuardedModel(instance(path))

    def status(subset) -> int:
        gm.model.clear_assumptions()
        gm.model.add_assumptions([gm.lits[k] for k in subset])
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = 10
        return solver.solve(gm.model)

    assert status(diag.core) == cp_model.INFEASIBLE
    for k in diag.core:
        assert status([x for x in diag.core if x != k]) in (cp_model.OPTIMAL, cp_model.FEASIBLE), k


def _relaxed(path: Path, rule: str, fld: str, value):
    """The scenario with one suggested change applied, as a new YAML text (the suggestion made real)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if rule == "meetings_per_day":
        data.setdefault("limits", {})["meetings_per_day"] = value
        return data
    for family in ("attendance", "coverage", "responsibility"):
        for r in data.get(family, []):
            if r.get("id") == rule:
                if "." in fld:
                    side, bound = fld.split(".")
                    r.setdefault(side, {})[bound] = value
                elif fld.startswith("including["):
                    r["including"][int(fld[10]) - 1]["at_least"] = value
                else:
                    r[fld] = value
    return data


@pytest.mark.parametrize("name", sorted(n for n, c in CASES.items() if c["suggest"] and c["suggest"][0] != "fixed"))
def test_suggested_change_is_feasible_and_never_flagged(name, tmp_path):
    """The suggestion, applied to the file: `check` says feasible, and no counting check fires."""
    path = INFEASIBLE / f"{name}.yaml"
    rule, fld, value = CASES[name]["suggest"]
    out = tmp_path / path.name
    out.write_text(yaml.safe_dump(_relaxed(path, rule, fld, value), allow_unicode=True), encoding="utf-8")
    inst = Instance(load_scenario(out))
    assert run_prechecks(inst) == []
    diag = diagnose(inst, CheckSettings(suggestions=False, shortfall=False))
    assert diag.status == "feasible" and not diag.core and not diag.findings
    assert verify(inst, diag.plan).ok


# ---------------------------------------------------------------------------------------------- feasible examples
@pytest.mark.parametrize("path", FEASIBLE_EXAMPLES, ids=lambda p: p.stem)
def test_feasible_examples_say_feasible_and_invent_no_conflict(path):
    inst = instance(path)
    assert run_prechecks(inst) == []
    diag = diagnose(inst)
    assert diag.status == "feasible"
    assert diag.core == [] and diag.findings == [] and diag.suggestions == [] and diag.shortfall is None
    assert verify(inst, diag.plan).ok


# ---------------------------------------------------------------------------------------------- the machinery
def test_guarded_model_has_the_same_constraints_as_build_model():
    """The diagnosis builds its model with the same rule functions as `build_model` (guards add literals only)."""
    for path in (FIXED_DAY, INFEASIBLE / "mix-including.yaml", INFEASIBLE / "pin-charges.yaml"):
        inst = instance(path)
        plain = build_model(inst, objective=False).model.proto
        gm = GuardedModel(inst)
        assert len(gm.model.proto.constraints) == len(plain.constraints)
        assert len(gm.model.proto.variables) == len(plain.variables) + len(gm.lits)
        assert set(gm.keys) == set(gm.lits)


def test_literals_never_passed_are_ignored(monkeypatch):
    """OR-Tools #5141: the sufficient assumptions may name a literal never passed; it is dropped, the rest
    re-checked, and the minimal set is unchanged."""
    original = cp_model.CpSolver.sufficient_assumptions_for_infeasibility

    def with_stray(self):
        return [0, *original(self)]  # variable 0 is a model variable, never an assumption

    monkeypatch.setattr(cp_model.CpSolver, "sufficient_assumptions_for_infeasibility", with_stray)
    diag = diagnose(Instance(load_scenario(FIXED_DAY)), CheckSettings(suggestions=False, shortfall=False))
    assert diag.stray == 1 and diag.minimal
    assert {k.family for k in diag.core} == {"attendance", "one-meeting-a-day"} and len(diag.core) == 2


def test_no_time_gives_unknown_not_a_conflict():
    diag = diagnose(instance(SCENARIOS / "tuong-duong-2026.yaml"), CheckSettings(time_limit=1e-6))
    assert diag.status == "unknown" and diag.core == []
    assert "unknown" in explain(instance(SCENARIOS / "tuong-duong-2026.yaml"), diag)


# ---------------------------------------------------------------------------------------------- command line
def test_check_infeasible_exits_3_with_the_explanation():
    result = run("check", FIXED_DAY)
    assert result.exit_code == 3
    text = flat(result.output)
    assert "infeasible: no plan satisfies every rule together." in text
    assert "hai-buoi-moi-thang" in text and "meetings_per_day is 1" in text and "asks 2" in text


def test_check_in_vietnamese():
    result = run("check", INFEASIBLE / "pin-attendance.yaml", "--lang", "vi")
    assert result.exit_code == 3
    text = flat(result.output)
    assert "không khả thi" in text and "Nguyên nhân" in text and "Hoàng Văn Minh (uv-1)" in text
    assert "thứ Ba 10/03/2026" in text and "Bỏ mục fixed" in text


def test_check_feasible_exits_0_and_writes_the_plan_with_out(tmp_path):
    src = _relaxed(INFEASIBLE / "capacity-school.yaml", "hai-luot-truong", "at_least", 1)
    path = tmp_path / "school.yaml"
    path.write_text(yaml.safe_dump(src, allow_unicode=True), encoding="utf-8")
    result = run("check", path)
    assert result.exit_code == 0, result.output
    assert re.search(r"feasible: a plan satisfies all \d+ rule instances", result.output)
    assert "checked by verify" in result.output
    out = tmp_path / "plan"
    result = run("check", path, "--out", out, "--time-limit", "2", "--lang", "vi")
    assert result.exit_code == 0, result.output
    assert "khả thi" in result.output
    assert {"charges.csv", "meetings.csv", "attendance.csv", "summary.json"} <= {p.name for p in out.iterdir()}
    assert run("verify", path, out).exit_code == 0
    again = run("check", path, "--out", out, "--time-limit", "2")
    assert again.exit_code == 2, again.output  # an existing plan is replaced only with --force, as with solve
    assert run("check", path, "--out", out, "--time-limit", "2", "--force").exit_code == 0


def test_check_bad_input_exits_2(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nyear: 2026\nunits: []\nmembers: []\natendance: []\n", encoding="utf-8")
    result = run("check", bad)
    assert result.exit_code == 2
    assert "did you mean 'attendance'" in result.output and "Traceback" not in result.output


def test_solve_infeasible_prints_the_same_explanation(tmp_path):
    result = run("solve", INFEASIBLE / "mix-including.yaml", "--out", tmp_path / "p", "--time-limit", "2")
    assert result.exit_code == 3
    text = flat(result.output)
    assert "infeasible" in text and "Why: these 3 rules cannot all hold together" in text
    assert "its including items ask 1 + 1 = 2" in text and "Nothing was written." in text
    assert not (tmp_path / "p").exists()


def test_a_counting_argument_the_solver_cannot_confirm_in_time_still_proves_infeasibility(monkeypatch):
    """The pre-checks are sound: if every solve runs out of time, the first finding's rule instances are
    reported, marked as not proven minimal."""

    def no_time(self, keys, settings, budget, linearization=1):
        return "unknown", [], None

    monkeypatch.setattr(GuardedModel, "solve", no_time)
    inst = Instance(load_scenario(FIXED_DAY))
    diag = diagnose(inst, CheckSettings(suggestions=False, shortfall=False))
    assert diag.status == "infeasible" and not diag.minimal
    assert diag.seed is not None and diag.seed.kind == "calendar"
    assert ("attendance", "hai-buoi-moi-thang", "uv-1", "2026-01", "") in keys(diag)
    assert "not proven minimal" in flat(explain(inst, diag))
