"""Change sets: each operation, its errors (file, line, change number, what and how), the written scenario
re-loading, the id map carrying a baseline across a merge, and re-planning from a baseline."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.changes import (
    IdMap,
    apply_changes,
    apply_files,
    dump_scenario,
    map_plan,
    read_changes,
    scenario_data,
)
from planner.cli import main
from planner.diff import diff_plans
from planner.errors import InputError, Problem
from planner.instance import Instance
from planner.loader import load_scenario
from planner.plan import Plan, Summary, plan_directory_files, write_directory
from planner.solve import Settings, solve
from planner.verify import verify
from planner.whatif import baselines

from .conftest import ROOT, SCENARIOS

DATA = Path(__file__).parent / "data" / "changes"
BASE = DATA / "base.yaml"


@pytest.fixture(scope="module")
def base():
    return load_scenario(BASE)


def changes_file(tmp_path: Path, body: str, name: str = "changes.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body).lstrip("\n"), encoding="utf-8")
    return path


def applied(base, tmp_path: Path, body: str):
    return apply_changes(base, read_changes(changes_file(tmp_path, body)))


def problems(base, tmp_path: Path, body: str) -> list[Problem]:
    with pytest.raises(InputError) as info:
        applied(base, tmp_path, body)
    return info.value.problems


def one_problem(base, tmp_path: Path, body: str) -> Problem:
    found = problems(base, tmp_path, body)
    assert len(found) == 1, [str(p) for p in found]
    return found[0]


def unit(s, uid):
    return next(u for u in s.units if u.id == uid)


def member(s, mid):
    return next(m for m in s.members if m.id == mid)


# ============================================================================================== merge
def test_merge_moves_children_members_pins_and_selectors(base, tmp_path):
    a = applied(base, tmp_path, """
        changes:
          - merge: {units: [xa-a, xa-b], into: {id: xa-ab, name: Đảng ủy xã AB}}
            reason: sáp nhập
    """)
    s = a.scenario
    ids = [u.id for u in s.units]
    assert "xa-a" not in ids and "xa-b" not in ids
    assert ids.index("xa-ab") == 1  # where the first merged unit stood
    ab = unit(s, "xa-ab")
    assert (ab.kind, ab.level, ab.parent, ab.meeting.day) == ("commune_committee", "commune", "huyen", 20)
    assert {u.id for u in s.units if u.parent == "xa-ab"} == {"a-cq", "a-1", "a-2", "b-cq", "b-1", "b-2"}
    assert {m.id for m in s.members if m.committee == "xa-ab"} == {"a-m1", "a-m2", "a-m3", "b-m1", "b-m2", "b-m3"}
    rules = {r.id: r for r in s.responsibility}
    assert rules["phu-trach-a"].members.committee == ("xa-ab",)
    assert rules["phu-trach-b"].units.under == ("xa-ab",)
    assert a.id_map.units == {"xa-a": "xa-ab", "xa-b": "xa-ab"}
    assert a.changes.changes[0].reason == "sáp nhập"
    assert any("6 members joined the committee xa-ab" in n for _, n in a.notes)


def test_merge_maps_fixed_pins_and_drops_duplicates(base, tmp_path):
    a = applied(base, tmp_path, """
        changes:
          - merge: {units: [a-cq, b-cq], into: {id: ab-cq, name: Chi bộ cơ quan AB, parent: xa-a}}
    """)
    pins = [f for f in a.scenario.fixed if getattr(f, "charge", None) is not None]
    assert {(f.member, f.unit) for f in pins} == {("a-m1", "ab-cq"), ("b-m1", "ab-cq")}
    assert member(a.scenario, "a-m1").home_cell == "ab-cq"


def test_merge_into_an_existing_id_is_an_error(base, tmp_path):
    p = one_problem(base, tmp_path, """
        changes:
          - period: {start: 2026-03, end: 2026-05}
          - merge: {units: [xa-a, xa-b], into: {id: huyen, name: X}}
    """)
    assert p.file.endswith("changes.yaml") and p.line == 3
    assert p.field == "change 2 (merge).into.id"
    assert "'huyen' is the id of an existing unit" in p.message
    assert "new unit an id" in p.hint


def test_merge_into_one_of_the_merged_units_is_an_error(base, tmp_path):
    p = one_problem(base, tmp_path, """
        changes:
          - merge: {units: [xa-a, xa-b], into: {id: xa-a, name: X}}
    """)
    assert "one of the units merged" in p.message and "new id" in p.hint


def test_merge_of_an_unknown_unit_names_it_and_guesses(base, tmp_path):
    p = one_problem(base, tmp_path, """
        changes:
          - merge:
              units: [xa-a, xa-c]
              into: {id: xa-ac, name: X}
    """)
    assert p.line == 3 and p.field == "change 1 (merge).units[1]"
    assert p.message == "unknown unit 'xa-c'" and "did you mean" in p.hint


def test_merge_needs_two_units_and_a_name(base, tmp_path):
    p = one_problem(base, tmp_path, """
        changes:
          - merge: {units: [xa-a], into: {id: n, name: N}}
    """)
    assert "at least two units" in p.message and "rename" in p.hint
    p = one_problem(base, tmp_path, """
        changes:
          - merge: {units: [xa-a, xa-b], into: {id: n}}
    """)
    assert p.message == "missing 'name'"


def test_merge_with_contradicting_pins_is_an_error(base, tmp_path):
    p = one_problem(base, tmp_path, """
        changes:
          - add: {fixed: {member: a-m1, unit: b-cq, charge: false}}
          - merge: {units: [a-cq, b-cq], into: {id: ab-cq, name: Chi bộ cơ quan AB}}
    """)
    assert "contradict" in p.message and "remove: {fixed:" in p.hint


# ============================================================================================== split
def test_split_distributes_children_and_members(base, tmp_path):
    a = applied(base, tmp_path, """
        changes:
          - split:
              unit: xa-a
              into:
                - {id: xa-a1, name: Xã A1, children: [a-cq, a-1], members: [a-m1, a-m3]}
                - {id: xa-a2, name: Xã A2, children: [a-2], members: [a-m2]}
    """)
    s = a.scenario
    assert unit(s, "a-1").parent == "xa-a1" and unit(s, "a-2").parent == "xa-a2"
    assert unit(s, "xa-a2").kind == "commune_committee" and unit(s, "xa-a2").parent == "huyen"
    assert member(s, "a-m2").committee == "xa-a2"
    rule = next(r for r in s.responsibility if r.id == "phu-trach-a")
    assert rule.members.committee == ("xa-a1", "xa-a2") and rule.units.under == ("xa-a1", "xa-a2")
    member_h = member(s, "h-1")
    assert member_h.residence == "huyen"  # lived in the split commune: now its parent
    assert a.id_map.units == {"xa-a": None}


def test_split_must_place_every_child(base, tmp_path):
    p = one_problem(base, tmp_path, """
        changes:
          - split:
              unit: xa-a
              into:
                - {id: xa-a1, name: Xã A1, children: [a-cq, a-1], members: [a-m1, a-m2, a-m3]}
                - {id: xa-a2, name: Xã A2}
    """)
    assert "a-2" in p.message and "not listed under any part" in p.message
    p = one_problem(base, tmp_path, """
        changes:
          - split:
              unit: xa-a
              into:
                - {id: xa-a1, name: Xã A1, children: [a-cq, a-1, a-2, b-1]}
                - {id: xa-a2, name: Xã A2}
    """)
    assert p.message == "'b-1' is not a child of 'xa-a'" and "a-cq, a-1, a-2" in p.hint


def test_split_may_keep_the_id_for_one_part(base, tmp_path):
    a = applied(base, tmp_path, """
        changes:
          - split:
              unit: xa-b
              into:
                - {id: xa-b, children: [b-cq, b-1]}
                - {id: xa-b2, name: Xã B2, children: [b-2], members: [b-m2]}
    """)
    s = a.scenario
    assert unit(s, "xa-b").name == "Đảng ủy xã B" and unit(s, "b-2").parent == "xa-b2"
    assert member(s, "b-m1").committee == "xa-b" and member(s, "b-m2").committee == "xa-b2"
    assert a.id_map.unit("xa-b") == "xa-b"


# ============================================================================================== move
def test_move_a_unit(base, tmp_path):
    a = applied(base, tmp_path, """
        changes:
          - move: {unit: b-1, parent: xa-a}
          - move: {unit: xa-b, parent: null}
    """)
    assert unit(a.scenario, "b-1").parent == "xa-a" and unit(a.scenario, "xa-b").parent is None


def test_move_into_its_own_subtree_is_a_cycle(base, tmp_path):
    p = one_problem(base, tmp_path, """
        changes:
          - move: {unit: huyen, parent: a-1}
    """)
    assert p.field == "change 1 (move).parent" and p.line == 2
    assert "makes a cycle" in p.message and "huyen → xa-a → a-1" in p.message


def test_move_under_an_unknown_unit(base, tmp_path):
    p = one_problem(base, tmp_path, """
        changes:
          - move: {unit: b-1, parent: xa-z}
    """)
    assert p.message == "unknown parent unit 'xa-z'"


# ============================================================================================== rename
def test_rename_a_unit_and_a_member_moves_every_reference(base, tmp_path):
    a = applied(base, tmp_path, """
        changes:
          - rename: {unit: xa-a, to: xa-an, name: Đảng ủy xã An}
          - rename: {member: a-m1, to: an-bi-thu}
    """)
    s = a.scenario
    assert unit(s, "xa-an").name == "Đảng ủy xã An" and unit(s, "a-1").parent == "xa-an"
    assert member(s, "a-m2").committee == "xa-an"
    assert any(getattr(f, "member", None) == "an-bi-thu" for f in s.fixed)
    assert a.id_map.unit("xa-a") == "xa-an" and a.id_map.member("a-m1") == "an-bi-thu"


def test_rename_to_an_existing_id_is_an_error(base, tmp_path):
    p = one_problem(base, tmp_path, """
        changes:
          - rename: {unit: xa-a, to: xa-b}
    """)
    assert "existing unit" in p.message


# ============================================================================================== remove / add
def test_remove_a_committee_with_members_seated_is_an_error(base, tmp_path):
    p = one_problem(base, tmp_path, """
        changes:
          - remove: {units: [huyen]}
    """)
    assert "1 member sits on the committee 'huyen': h-1" in p.message and "move_member" in p.hint


def test_remove_whose_selector_would_be_empty_is_an_error(base, tmp_path):
    p = one_problem(base, tmp_path, """
        changes:
          - remove: {units: [huyen], members: [h-1]}
    """)
    assert "responsibility[huyen-xa] selects its members by committee 'huyen' only" in p.message
    assert "rules: [responsibility[huyen-xa]]" in p.hint


def test_remove_units_members_rules_and_pins(base, tmp_path):
    a = applied(base, tmp_path, """
        changes:
          - remove:
              rules: [huyen-xa, "attendance[1]"]
              fixed: [{unit: a-1}]
              members: [h-1]
              units: [huyen]
    """)
    s = a.scenario
    assert unit(s, "xa-a").parent is None  # lifted to the removed unit's parent
    assert [r.id for r in s.responsibility] == ["phu-trach-a", "phu-trach-b"]
    assert [r.id for r in s.attendance] == ["xa-moi-thang"]
    assert len(s.fixed) == 2
    cov = s.coverage[0]
    assert cov.units.under == ("xa-a", "xa-b")  # 'under huyen' keeps what lay below it
    assert a.id_map.unit("huyen") is None and a.id_map.member("h-1") is None


def test_remove_an_unknown_rule_lists_the_rules(base, tmp_path):
    p = one_problem(base, tmp_path, """
        changes:
          - remove: {rules: ["attendance[xa-moi-thng]"]}
    """)
    assert p.message == "no rule attendance[xa-moi-thng]" and "attendance[xa-moi-thang]" in p.hint


def test_remove_a_pin_that_does_not_exist(base, tmp_path):
    p = one_problem(base, tmp_path, """
        changes:
          - remove: {fixed: [4]}
    """)
    assert p.message == "there is no pin 4: the scenario has 3 pins" and p.field == "change 1 (remove).fixed[0]"


def test_remove_a_member_drops_its_pins(base, tmp_path):
    a = applied(base, tmp_path, """
        changes:
          - remove: {member: a-m1}
    """)
    assert all(getattr(f, "member", None) != "a-m1" for f in a.scenario.fixed)
    assert any("dropped 1 pin on the removed member a-m1" in n for _, n in a.notes)


def test_add_units_members_and_rules(base, tmp_path):
    a = applied(base, tmp_path, """
        changes:
          - add: {unit: {id: a-3, name: Chi bộ thôn A3, kind: residential, parent: xa-a, meeting: {day: 12}}}
          - add:
              member: {id: a-m4, name: Cấp ủy viên A4, committee: xa-a, residence: a-3}
          - add:
              coverage: {id: toi-da, units: {kind: residential}, per: month, at_most: 3}
    """)
    assert unit(a.scenario, "a-3").parent == "xa-a" and member(a.scenario, "a-m4").residence == "a-3"
    assert [r.id for r in a.scenario.coverage] == ["moi-chi-bo", "toi-da"]


def test_add_an_existing_id_is_an_error(base, tmp_path):
    p = one_problem(base, tmp_path, """
        changes:
          - add: {member: {id: a-m1, name: X, committee: xa-a}}
    """)
    assert "existing member" in p.message


def test_move_member_to_another_committee(base, tmp_path):
    found = problems(base, tmp_path, """
        changes:
          - move_member: {member: h-1, committee: xa-b, home_cell: b-cq}
    """)  # the district rules would select nobody: said at the change, with the rule and the reason
    assert [(p.line, p.field) for p in found] == [(2, "change 1 (move_member)")] * 2
    assert "responsibility[0] (huyen-xa).members: selects no member" in found[0].message
    a = applied(base, tmp_path, """
        changes:
          - remove: {rules: [huyen-xa, huyen-moi-quy]}
          - move_member: {member: h-1, committee: xa-b, home_cell: b-cq}
    """)
    assert member(a.scenario, "h-1").committee == "xa-b" and member(a.scenario, "h-1").home_cell == "b-cq"
    p = one_problem(base, tmp_path, """
        changes:
          - remove: {rules: [huyen-xa, huyen-moi-quy]}
          - move_member: {member: h-1, committee: b-1}
    """)
    assert "not a committee" in p.message and p.field == "change 2 (move_member).committee"


# ============================================================================================== set / period
def test_set_rule_fields_by_id_and_number(base, tmp_path):
    a = applied(base, tmp_path, """
        changes:
          - set:
              attendance[xa-moi-thang].at_least: 2
              coverage[1].at_most: 3
              units[a-1].meeting.day: 7
              weights.stability: 5
              name: Đổi tên
    """)
    s = a.scenario
    assert s.attendance[1].at_least == 2 and s.coverage[0].at_most == 3
    assert unit(s, "a-1").meeting.day == 7 and s.weights.stability == 5 and s.name == "Đổi tên"


def test_set_null_deletes_a_field(base, tmp_path):
    a = applied(base, tmp_path, """
        changes:
          - set: {"attendance[xa-moi-thang].at_most": null}
    """)
    assert a.scenario.attendance[1].at_most is None


def test_set_errors(base, tmp_path):
    p = one_problem(base, tmp_path, """
        changes:
          - set:
              attendance[xa-moi-thag].at_least: 2
    """)
    assert p.message == "no item 'xa-moi-thag' in 'attendance'" and "did you mean 'xa-moi-thang'" in p.hint
    p = one_problem(base, tmp_path, """
        changes:
          - set: {"units[a-1].id": a-one}
    """)
    assert "rename" in p.message
    # a bad value is found when the result is validated, and charged to the change that set it
    p = one_problem(base, tmp_path, """
        changes:
          - rename: {unit: a-2, name: Thôn Hai}
          - set:
              attendance[xa-moi-thang].at_least: 5
          - move: {unit: b-2, parent: xa-a}
    """)
    assert p.line == 3 and p.field == "change 2 (set)"
    assert "leaves the scenario invalid" in p.message and "at_least (5) is larger than at_most (2)" in p.message
    p = one_problem(base, tmp_path, """
        changes:
          - set:
              coverage[moi-chi-bo].at_lest: 1
    """)
    assert "unknown key 'at_lest'" in p.message and "at_least" in p.hint


def test_brackets_inside_a_flow_mapping_get_a_hint(base, tmp_path):
    with pytest.raises(InputError) as info:
        read_changes(changes_file(tmp_path, """
            changes:
              - set: {attendance[xa-moi-thang].at_least: 2}
        """))
    p = info.value.problems[0]
    assert p.line == 2 and "YAML syntax error" in p.message and "must be quoted" in p.hint


def test_period_change_drops_pins_outside_the_window(base, tmp_path):
    a = applied(base, tmp_path, """
        changes:
          - period: {start: 2026-05, end: 2026-05-31}
    """)
    assert (a.scenario.start.isoformat(), a.scenario.end.isoformat()) == ("2026-05-01", "2026-05-31")
    assert not any(getattr(f, "date", None) for f in a.scenario.fixed)
    p = one_problem(base, tmp_path, """
        changes:
          - period: {start: 2026-05-02, end: 2026-05}
    """)
    assert "not the first day of a month" in p.message


def test_file_shape_errors(base, tmp_path):
    with pytest.raises(InputError) as info:
        read_changes(changes_file(tmp_path, """
            chages: []
        """))
    assert {p.message for p in info.value.problems} == {"unknown key 'chages'", "missing required key 'changes'"}
    with pytest.raises(InputError) as info:
        read_changes(changes_file(tmp_path, """
            changes:
              - merge: {units: [a, b], into: {id: c, name: C}}
                move: {unit: a, parent: b}
              - mege: {units: [a, b]}
        """))
    found = info.value.problems
    assert [p.line for p in found] == [2, 4]
    assert "exactly one operation" in found[0].message
    assert found[1].message == "unknown key 'mege'" and "merge" in found[1].hint


# ============================================================================================== writing
def test_apply_writes_a_scenario_that_loads_back_the_same(base, tmp_path):
    a = apply_files(BASE, DATA / "merge.yaml")
    out = tmp_path / "new.yaml"
    out.write_text(a.yaml_text("planner apply"), encoding="utf-8")
    loaded = load_scenario(out)
    assert loaded.model_dump() == a.scenario.model_dump()
    text = out.read_text(encoding="utf-8")
    assert "  - {id: xa-ab, name: Đảng ủy xã AB, kind: commune_committee" in text  # one flow mapping a line
    assert "# Change set:" in text and "sáp nhập xã" in text


@pytest.mark.parametrize("path", [SCENARIOS / "yen-bai-rule-18.yaml", SCENARIOS / "tuong-duong-2026.yaml",
                                  ROOT / "tests" / "data" / "tables" / "commune.yaml"])
def test_no_changes_round_trip(path, tmp_path):
    """A scenario written back (tables inlined) loads to the same scenario."""
    s = load_scenario(path)
    out = tmp_path / "same.yaml"
    out.write_text(dump_scenario(scenario_data(s)), encoding="utf-8")
    assert load_scenario(out).model_dump() == s.model_dump()


def test_the_merge_example_applies_and_loads(tmp_path):
    a = apply_files(SCENARIOS / "huyen-hop-nhat-2025.yaml", SCENARIOS / "changes" / "huyen-hop-nhat-2025-changes.yaml")
    s = a.scenario
    assert (s.start.isoformat(), s.end.isoformat()) == ("2025-07-01", "2025-12-31")
    assert {m.committee for m in s.members} == {"xa-hop-nhat"} and len(s.members) == 17
    assert not any(u.kind == "district_committee" for u in s.units)
    out = tmp_path / "hop-nhat.yaml"
    out.write_text(a.yaml_text(), encoding="utf-8")
    assert load_scenario(out).model_dump() == s.model_dump()


# ============================================================================================== id map
def test_id_map_follows_chains_and_maps_a_plan():
    import datetime as dt

    cs = read_changes(DATA / "merge.yaml")
    idm = cs.id_map()
    assert idm.unit("xa-a") == "xa-ab" and idm.unit("a-cq") == "ab-cq" and idm.unit("a-1") == "a-1"
    assert idm.unit("huyen") is None and idm.member("h-1") is None
    d = dt.date
    plan = Plan(
        charges=frozenset({("a-m1", "a-cq"), ("b-m1", "b-cq"), ("h-1", "xa-a")}),
        meetings={("a-cq", "2026-03"): d(2026, 3, 2), ("b-cq", "2026-03"): d(2026, 3, 3),
                  ("a-1", "2026-03"): d(2026, 3, 5), ("a-1", "2026-06"): d(2026, 6, 5)},
        attendance=frozenset({("a-m1", "a-cq", d(2026, 3, 2)), ("a-m1", "b-cq", d(2026, 3, 3)),
                              ("h-1", "a-1", d(2026, 3, 5)), ("a-m2", "a-1", d(2026, 6, 5))}))
    mapped = map_plan(plan, idm, months=["2026-03", "2026-04", "2026-05"])
    assert mapped.charges == {("a-m1", "ab-cq"), ("b-m1", "ab-cq")}
    assert mapped.attendance == {("a-m1", "ab-cq", d(2026, 3, 2))}  # two visits to merged cells: one, the earlier
    assert mapped.meetings == {("a-1", "2026-03"): d(2026, 3, 5)}  # merged units' dates are not carried over
    kept = map_plan(plan, idm, months=["2026-03"], keep_removed=True)
    assert ("h-1", "xa-ab") in kept.charges and ("h-1", "a-1", d(2026, 3, 5)) in kept.attendance
    assert map_plan(plan, IdMap()) == plan


# ============================================================================================== re-planning
@pytest.fixture(scope="module")
def base_plan(base):
    result = solve(Instance(base), Settings(time_limit=3))
    assert result.plan is not None
    return result.plan


def test_replanning_an_unchanged_scenario_changes_nothing(base, base_plan):
    inst = Instance(base)
    again = solve(inst, Settings(time_limit=3), baseline=base_plan)
    assert again.plan is not None and again.summary.terms["stability"] == 0
    d = diff_plans(base_plan, again.plan)
    assert d.empty, d.counts()


def test_removing_one_member_changes_only_what_it_must(base, base_plan, tmp_path):
    gone = "b-m2"
    a = applied(base, tmp_path, f"""
        changes:
          - remove: {{member: {gone}}}
    """)
    inst = Instance(a.scenario)
    b = baselines(base_plan, a.id_map, inst)
    result = solve(inst, Settings(time_limit=3), baseline=b.for_solve)
    assert result.plan is not None and verify(inst, result.plan, b.for_solve).ok
    d = diff_plans(b.for_diff, result.plan)
    former = {u for m, u in base_plan.charges if m == gone}
    takers = {m for m, u in d.charges_added if u in former}
    assert former and takers
    assert {m for m, _ in d.charges_removed} == {gone}
    for m, u in d.charges_added:
        assert u in former, (m, u)
    for m, u, *_ in d.att_added + d.att_removed:
        assert m == gone or m in takers or u in former, (m, u)
    # the least any plan can change: the member's charge and its 3 monthly visits go, someone takes them over
    assert len(former) == 1 and result.summary.status == "optimal"
    assert d.stability == 2 * (1 + 3) and d.changed == d.stability, d.counts()


def test_solve_with_baseline_and_id_map_via_cli(base, base_plan, tmp_path):
    base_dir = tmp_path / "base-plan"
    write_directory(base_dir, plan_directory_files(Instance(base), base_plan, Summary("optimal")))
    runner = CliRunner()
    new = tmp_path / "new.yaml"
    r = runner.invoke(main, ["apply", str(BASE), str(DATA / "merge.yaml"), "-o", str(new)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert "xa-a → xa-ab" in r.output and "huyen → (removed)" in r.output
    out = tmp_path / "re-plan"
    r = runner.invoke(main, ["solve", str(new), "--out", str(out), "--time-limit", "3", "-q", "--format", "csv",
                             "--baseline", str(base_dir), "--id-map", str(DATA / "merge.yaml")],
                      catch_exceptions=False)
    assert r.exit_code == 0, r.output
    r = runner.invoke(main, ["apply", str(BASE), str(changes_file(tmp_path, """
        changes:
          - move: {unit: huyen, parent: a-1}
    """, "bad.yaml")), "-o", str(tmp_path / "x.yaml")])
    assert r.exit_code == 2 and "makes a cycle" in r.output and "bad.yaml, line 2" in r.output
    assert not (tmp_path / "x.yaml").exists()
