"""The scenario generator: every preset writes a file that loads, the same seed gives the same bytes, and the
file is written in the examples' style."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from planner.cli import main
from planner.instance import Instance
from planner.io import load_scenario
from planner.scale.generate import PRESETS, RULES, generate, to_yaml, write


@pytest.mark.parametrize("rules", RULES)
@pytest.mark.parametrize("levels", [2, 3])
@pytest.mark.parametrize("preset", ["tiny", "commune", "district"])
def test_generated_scenarios_load(tmp_path, preset, levels, rules):
    path = tmp_path / f"{preset}-{levels}-{rules}.yaml"
    data = write(path, preset, levels, seed=3, rules=rules)
    s = load_scenario(path)
    assert len(s.units) == len(data["units"]) and len(s.members) == len(data["members"])
    inst = Instance(s)
    # every commune member may be put in charge of something, and every rule selects someone
    assert inst.charge_pairs
    assert all(inst.select_members(r.members) for r in s.attendance)


def test_sizes_follow_the_domain():
    hl = generate("district", 3, seed=1)  # Hữu Lũng: 24 communes, 79 district people, ≈ 450 commune cadres
    communes = [u for u in hl["units"] if u["kind"] == "commune_committee"]
    district_people = [m for m in hl["members"] if m["committee"] == "huyen"]
    assert len(communes) == 24 and len(district_people) == 79
    assert 380 <= len(hl["members"]) - 79 <= 520
    one = generate("commune", 2, seed=1)  # after the reform: 25–70 cells
    cells = [u for u in one["units"] if u["kind"] != "commune_committee"]
    assert 25 <= len(cells) <= 70


def test_province_size_without_loading():
    data = generate("province", 3, seed=1)  # Lạng Sơn: ≈ 3,600 members, ≈ 2,500 cells
    cells = [u for u in data["units"] if not u["kind"].endswith("_committee")]
    assert 3300 <= len(data["members"]) <= 3900
    assert 2300 <= len(cells) <= 2900


def test_same_seed_same_bytes_other_seed_other_file():
    a = to_yaml(generate("tiny", 3, seed=5, rules="lang-son"))
    b = to_yaml(generate("tiny", 3, seed=5, rules="lang-son"))
    c = to_yaml(generate("tiny", 3, seed=6, rules="lang-son"))
    assert a == b and a != c


def test_examples_style_one_flow_mapping_per_line(tmp_path):
    path = tmp_path / "s.yaml"
    write(path, "tiny", 2, seed=1)
    text = path.read_text(encoding="utf-8")
    block = text.split("\nunits:\n")[1].split("\n\n")[0].splitlines()
    assert block and all(re.fullmatch(r"  - \{id: .*\}", line) for line in block)
    members = text.split("\nmembers:\n")[1].split("\n\n")[0].splitlines()
    assert members and all(line.startswith("  - {id: ") and line.endswith("}") for line in members)


def test_rules_styles_and_features():
    kt = generate("commune", 3, seed=2, rules="kon-tum")
    assert any(r.get("own_cell") == "forbid" for r in kt["responsibility"])
    assert all(r["units"].get("kind") == "residential" for r in kt["attendance"])
    yb = generate("district", 3, seed=2, rules="yen-bai")
    assert any(r.get("including") for r in yb["attendance"])
    units = yb["units"]
    assert any("difficult" in u.get("tags", []) for u in units)
    assert any(u.get("meeting", {}).get("weekdays") for u in units)  # schools on weekdays
    assert any("flex" not in u.get("meeting", {"flex": 1}) for u in units)  # fixed-day cells
    assert any(m.get("unavailable") for m in yb["members"])
    assert any(m.get("sectors") for m in yb["members"])


def test_months_give_a_period_and_scope_committee_gives_rules_per_commune(tmp_path):
    data = generate("tiny", 2, seed=1, months=3, scope="committee")
    assert "period" in data and str(data["period"]["end"]) == "2026-03-31"
    assert len(data["attendance"]) == 2  # one per commune
    path = tmp_path / "p.yaml"
    write(path, "tiny", 2, seed=1, months=3, scope="committee")
    assert load_scenario(path).period is not None


def test_nation_scaled_down(tmp_path):
    path = tmp_path / "n.yaml"
    data = write(path, "nation", 2, seed=1, communes=4)
    assert sum(1 for u in data["units"] if u["kind"] == "province_committee") >= 1
    load_scenario(path)


def test_real_names_from_the_optional_package(tmp_path):
    pytest.importorskip("vietnam_provinces", reason="the optional vietnam-provinces package is not installed")
    data = generate("province", 2, seed=1, names="real", communes=3)
    names = [u["name"] for u in data["units"]]
    assert any("Lạng Sơn" in n for n in names)
    path = tmp_path / "r.yaml"
    write(path, "province", 2, seed=1, names="real", communes=3)
    load_scenario(path)


def test_cli_generate(tmp_path):
    out = tmp_path / "g.yaml"
    r = CliRunner().invoke(
        main, ["generate", "--preset", "tiny", "--levels", "3", "--seed", "4", "--rules", "kon-tum", "-o", str(out)]
    )
    assert r.exit_code == 0, r.output
    assert "members" in r.output
    load_scenario(out)
    r = CliRunner().invoke(main, ["generate", "--preset", "hamlet", "-o", str(out)])
    assert r.exit_code == 2


def test_presets_are_listed():
    assert set(PRESETS) == {"tiny", "commune", "district", "province", "nation"}
