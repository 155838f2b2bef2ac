"""Decomposition: exact parts give the monolithic optimum; every merged plan passes verify; the process pool,
the serial executor and a Dask cluster give the same plan."""

from __future__ import annotations

import pytest

from planner.checks.verify import verify
from planner.instance import Instance
from planner.io import load_scenario
from planner.scale.decompose import solve_decomposed
from planner.scale.executors import DaskExecutor, LocalExecutor, SerialExecutor
from planner.scale.generate import write
from planner.scale.parts import decompose
from planner.search.solving import Settings, solve

SETTINGS = Settings(time_limit=5.0)


@pytest.fixture(scope="module")
def two_communes(tmp_path_factory) -> Instance:
    """Two communes with nothing in common: each commune's rules are its own (scope committee)."""
    path = tmp_path_factory.mktemp("dec") / "two.yaml"
    write(path, "tiny", 2, seed=1, scope="committee")
    return Instance(load_scenario(path))


@pytest.fixture(scope="module")
def with_district(tmp_path_factory) -> Instance:
    """Two communes under a district whose members may take charge of either (levels couple them)."""
    path = tmp_path_factory.mktemp("dec") / "district.yaml"
    write(path, "tiny", 3, seed=1)
    return Instance(load_scenario(path))


@pytest.fixture(scope="module")
def local_run(two_communes):
    ex = LocalExecutor(2)
    try:
        return solve_decomposed(two_communes, SETTINGS, ex)
    finally:
        ex.close()


def test_independent_communes_are_exact_parts(two_communes):
    d = decompose(two_communes)
    assert d.scheme == "exact" and d.exact and len(d.parts) == 2
    assert not d.split_rules and not d.coupling and not d.pinned
    communes = [{two_communes.units[u].parent or u for u in p.units} for p in d.parts]
    assert all(len(c) == 1 for c in communes)  # each part is one commune
    assert sorted(len(p.members) for p in d.parts) == sorted(
        sum(1 for m in two_communes.scenario.members if m.committee == c) for c in ("xa-01", "xa-02")
    )


def test_decomposed_optimum_equals_the_monolithic_optimum(two_communes, local_run):
    mono = solve(two_communes, SETTINGS)
    assert mono.summary.status == "optimal"
    dec = local_run.summary
    assert dec.status == "optimal", dec.extra
    assert dec.objective == mono.summary.objective
    assert dec.bound == pytest.approx(mono.summary.objective)
    assert dec.gap == 0.0
    assert verify(two_communes, local_run.plan).ok


def test_serial_and_process_pool_give_the_same_plan(two_communes, local_run):
    serial = solve_decomposed(two_communes, SETTINGS, SerialExecutor())
    assert serial.plan == local_run.plan
    assert serial.summary.objective == local_run.summary.objective


def test_balance_across_parts_is_relaxed_and_the_bound_stays_valid(tmp_path):
    path = tmp_path / "level.yaml"
    write(path, "tiny", 2, seed=1)  # one monthly rule over both communes' members: its balance spans parts
    inst = Instance(load_scenario(path))
    d = decompose(inst)
    assert d.split_rules and d.exact
    dec = solve_decomposed(inst, SETTINGS, SerialExecutor())
    mono = solve(inst, SETTINGS)
    assert verify(inst, dec.plan).ok
    assert dec.summary.extra["bound_scope"] == "whole"
    assert dec.summary.bound >= mono.summary.objective  # a valid bound for the whole
    assert dec.summary.objective <= mono.summary.bound


def test_levels_couple_communes_charges_first_is_sound(with_district):
    d = decompose(with_district)
    assert d.scheme == "charges-first" and not d.exact
    assert set(d.coupling) == {m.id for m in with_district.scenario.members if m.committee == "huyen"}
    assert len(d.parts) == 2 and d.pinned  # the district committee's dates are pinned
    dec = solve_decomposed(with_district, SETTINGS, SerialExecutor())
    report = verify(with_district, dec.plan)
    assert report.ok, report.violations[:3]
    assert dec.summary.extra["bound_scope"] == "restricted"
    assert report.objective == dec.summary.objective
    mono = solve(with_district, SETTINGS)
    assert mono.summary.bound is not None and dec.summary.objective <= mono.summary.bound


def test_exact_scheme_on_coupled_communes_is_one_part(with_district):
    d = decompose(with_district, scheme="exact")
    assert len(d.parts) == 1 and d.exact


def test_cluster_result_equals_the_local_run(two_communes, local_run):
    distributed = pytest.importorskip(
        "distributed", reason="dask distributed is not installed (pip install 'planner[cluster]')"
    )
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        ex = DaskExecutor(cluster.scheduler_address)  # as --cluster tcp://HOST:PORT does
        try:
            remote = solve_decomposed(two_communes, SETTINGS, ex)
        finally:
            ex.close()
    assert remote.summary.extra["executor"].startswith("dask cluster tcp://127.0.0.1:")
    assert remote.plan == local_run.plan
    assert remote.summary.objective == local_run.summary.objective
    assert remote.summary.status == local_run.summary.status


def test_the_reported_bound_bounds_the_whole_scenario(with_district):
    """With coupled communes the parts bound only the restricted problem; the summary's bound is the tighter
    of the term-by-term and the relaxed parts' bounds on the whole, never below the monolithic optimum."""
    dec = solve_decomposed(with_district, SETTINGS, SerialExecutor())
    x = dec.summary.extra
    assert set(x["bounds"]) == {"term-by-term", "relaxed-parts"}  # the parts' own bound is not one of them
    assert x["term_bound"]["bound"] == x["bounds"]["term-by-term"]
    assert dec.summary.bound == min(x["bounds"].values())
    mono = solve(with_district, Settings(time_limit=30.0))
    assert mono.summary.status == "optimal"
    assert dec.summary.bound >= mono.summary.objective
    assert dec.summary.gap == pytest.approx((dec.summary.bound - dec.summary.objective) / abs(dec.summary.objective))


def test_a_part_without_a_plan_is_tried_again_with_the_whole_time_limit(with_district, monkeypatch):
    """A part whose searches found nothing in its share of the budget gets the whole time limit: without a
    plan for every part there is no merged plan."""
    import planner.scale.decompose as dec_module

    real = dec_module.solve_part
    limits = []

    def stingy(task):
        limits.append(task.settings.time_limit)
        res = real(task)
        if task.settings.time_limit < SETTINGS.time_limit:  # as if the short searches found nothing
            return dec_module.replace(res, plan=None, status="unknown", objective=None, bound=None)
        return res

    monkeypatch.setattr(dec_module, "solve_part", stingy)
    dec = solve_decomposed(with_district, SETTINGS, SerialExecutor(), greedy_fallback=False)
    assert dec.plan is not None and verify(with_district, dec.plan).ok
    assert SETTINGS.time_limit in limits
    # how many parts reach the third round depends on the work the first rounds left (HiGHS's plans leave more)
    assert dec.summary.extra["parts_third_round"] >= 1


def test_decompose_command_writes_a_verified_plan_and_says_what_its_bound_is(tmp_path):
    from click.testing import CliRunner

    from planner.cli import main

    scenario = tmp_path / "district.yaml"
    write(scenario, "tiny", 3, seed=1)
    runner = CliRunner()
    out = tmp_path / "plan"
    res = runner.invoke(main, ["decompose", str(scenario), "--out", str(out), "--time-limit", "5", "--processes", "1"])
    assert res.exit_code == 0, res.output
    assert "2 parts (charges-first" in res.output
    assert "Bound on the whole scenario: the term-by-term bound" in res.output  # here as tight as the relaxed parts'
    assert sorted(p.name for p in out.iterdir()) == ["attendance.csv", "charges.csv", "meetings.csv", "summary.json"]
    check = runner.invoke(main, ["verify", str(scenario), str(out)])
    assert check.exit_code == 0, check.output
    again = runner.invoke(main, ["decompose", str(scenario), "--out", str(out), "--time-limit", "5"])
    assert again.exit_code == 2 and "--force" in again.output  # an existing plan is replaced only with --force


def test_the_parts_keep_what_each_rule_says_beyond_its_members_and_units(tmp_path):
    """A quota or coverage rule rewritten for a part keeps its other fields (here ``own_cell: exclude``): a
    part that counted a member's visits to its own cell would plan visits the whole scenario does not count."""
    path = tmp_path / "district.yaml"
    write(path, "tiny", 3, seed=1)
    s = load_scenario(path)
    s = s.model_copy(update={"attendance": tuple(r.model_copy(update={"own_cell": "exclude"}) for r in s.attendance)})
    inst = Instance(s)
    d = decompose(inst)
    rules = [r for p in d.parts for r in p.scenario.attendance]
    assert rules and all(r.own_cell == "exclude" for r in rules)
    dec = solve_decomposed(inst, SETTINGS, SerialExecutor())
    assert dec.plan is not None and verify(inst, dec.plan).ok
    # the coverage rules, whose own_cell: exclude makes this scenario infeasible, keep it too
    s = s.model_copy(update={"coverage": tuple(r.model_copy(update={"own_cell": "exclude"}) for r in s.coverage)})
    assert all(r.own_cell == "exclude" for p in decompose(Instance(s)).parts for r in p.scenario.coverage)


def test_the_first_round_starts_every_part_from_its_lp_and_needs_no_second(two_communes):
    """On two tiny communes the LP's rounded plan of each part is its optimum: one round, each part's bound
    its LP's, the sum the whole optimum, and the run reproducible."""
    dec = solve_decomposed(two_communes, SETTINGS, SerialExecutor())
    assert all(r.rounds == 1 and not r.drafted and r.status == "optimal" for r in dec.parts)
    assert dec.summary.extra["parts_second_round"] == 0 and dec.summary.extra["reproducible"] is True
    assert dec.summary.status == "optimal"


def test_a_part_the_lp_leads_nowhere_takes_the_drafters_plan_then_a_second_round(two_communes, monkeypatch):
    """Where the rounding finds no plan, the drafter's plan stands in (when it breaks no rule) and the part gets
    a second round, the usual solve with the settings given; a part whose solve was not reproducible makes the
    whole run say so."""
    import planner.scale.decompose as dec_module
    import planner.search.solving as solving

    real_solve = solving.solve

    def nothing_from_the_lp(inst, settings, baseline=None, **kw):  # the first round's search finds no plan
        res = real_solve(inst, settings, baseline, **kw)
        return solving.Result(None, res.summary) if not settings.warm_start else res

    monkeypatch.setattr(solving, "solve", nothing_from_the_lp)
    real = dec_module.solve_part
    seen = []

    def watched(task):
        s = task.settings
        seen.append((task.index, (s.highs, s.rounding, s.warm_start), task.start is not None))
        res = real(task)
        return dec_module.replace(res, reproducible=task.start is None)  # as if the second round's safety net fired

    monkeypatch.setattr(dec_module, "solve_part", watched)
    dec = solve_decomposed(two_communes, SETTINGS, SerialExecutor())
    first, second = seen[:2], seen[2:]
    assert all(how == (False, True, False) and not start for _, how, start in first)  # the LP's rounding alone
    drafted = [i for i, _, _ in first]  # each part's rounding gave nothing: the drafter's plan (it holds here)
    assert sorted(i for i, *_ in second) == sorted(drafted)
    given = (SETTINGS.highs, SETTINGS.rounding, SETTINGS.warm_start)
    assert all(how == given and start for _, how, start in second)
    assert dec.summary.extra["parts_second_round"] == 2
    assert dec.plan is not None and verify(two_communes, dec.plan).ok
    assert dec.summary.extra["reproducible"] is False
