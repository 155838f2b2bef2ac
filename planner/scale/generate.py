"""Generate synthetic scenarios of realistic size: a commune, a district, a province, or the whole country.

    planner generate --preset commune|district|province|nation --levels 2|3 --seed N -o FILE.yaml
                     [--rules yen-bai|lang-son|kon-tum] [--year 2026] [--months 12] [--communes N]
                     [--scope level|committee] [--names synthetic|real]

Sizes follow DOMAIN.md (the seeds): a commune after the 2025 reform has 25–70 cells and a committee of
15–35; Hữu Lũng district (Lạng Sơn) assigned 79 people (8 standing, 27 executive, 44 leaders) to 24 communes
and 203 villages, with 448 cadres at commune level; Lạng Sơn province has 53 province, 502 district and 3,059
commune executive members (≈ 3,600 members, ≈ 2,500 cells). ``--levels 2`` is the tree after the reform
(province → commune → cells), ``--levels 3`` the one before (province → district → commune → cells).

What varies, as in real communes: where members live (residence spread over the villages, several in some,
none in others), their sectors (school, health, military, police, agency, enterprise) matched to the cells of
that kind, public holidays and the Tết blackout, personal unavailability (trainings, trips, members who never
meet on weekends), cells with a fixed day or Hậu Giang's "the 1st, or the next working day", schools meeting on
weekdays only, communes flagged especially difficult, and the quota style:

- ``yen-bai`` (Quy định 18-QĐ/TU): province standing members once a quarter in their district or communes;
  province executive members and leaders in charge of difficult communes, and district members, twice a quarter
  (one at the commune committee, one at a residential cell); commune members monthly at their residential cells.
- ``lang-son`` (Quy định 1764): province / district / commune members at least 1 / 2 / 4 times a year at the
  units in their charge (leaders and managers included, Nghị quyết 77).
- ``kon-tum`` (Quy định 776-QĐ/TU): residential cells only; province executive members twice a year, district
  and commune members six times; a commune member is never in charge of the residential cell he or she
  belongs to (``own_cell: forbid``).

Responsibility rules are per committee (each commune committee assigns its own members to its own cells, each
district committee its members to its communes): the format has no "own commune" selector, and one rule over
every commune member and every cell of a province would allow millions of pairs. Attendance and coverage rules
are the regulation's, one per level (``--scope level``, the default) or one per committee (``--scope
committee``: each commune's quota rule stands alone, so its ``balance`` term stays inside the commune).

Names are synthetic but Vietnamese-looking. ``--names real`` takes the province and commune names of the 2025
administrative map from the optional ``vietnam-provinces`` package (GPL: an optional extra, never vendored)
when it is installed; districts, villages and people stay synthetic. Every file loads with
`planner.io.load_scenario`; the same arguments give the same bytes.

The parts: `planner.scale.presets` (the sizes), `planner.scale.generate_names` (people and places),
`planner.scale.generate_calendar` (Tết, meeting days, unavailability), `planner.scale.generate_tree` (the
`Generator`: units and members) and `planner.scale.generate_rules` (responsibility and quota rules). This module
holds the entry points: `generate`, `to_yaml`, `describe` and `write`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from planner.io.yaml_writer import GENERATED, dump_scenario
from planner.scale.generate_calendar import TET, WEEKDAYS_ONLY
from planner.scale.generate_names import NameMaker, slug
from planner.scale.generate_tree import Generator
from planner.scale.presets import PRESETS, RULES, SCOPES, SIZES, Size

# the entry points, and (re-exported) the names this module held before its split
__all__ = [
    "generate",
    "to_yaml",
    "describe",
    "write",
    "generate_text",
    "estimated_bytes",
    "Generator",
    "PRESETS",
    "RULES",
    "SCOPES",
    "SIZES",
    "Size",
    "TET",
    "WEEKDAYS_ONLY",
    "NameMaker",
    "slug",
]


def generate(
    preset: str,
    levels: int = 2,
    seed: int = 0,
    rules: str = "yen-bai",
    year: int = 2026,
    months: int = 12,
    communes: int | None = None,
    scope: str = "level",
    names: str = "synthetic",
) -> dict[str, Any]:
    """A scenario as a mapping (what `to_yaml` writes)."""
    return Generator(preset, levels, seed, rules, year, months, communes, scope, names).build()


# ============================================================================================== YAML
def to_yaml(data: dict[str, Any], header: str = "") -> str:
    """The scenario in the examples' style: one flow mapping per unit and member line, rules as blocks."""
    head = [f"# {line}".rstrip() for line in header.splitlines()] if header else []
    return dump_scenario(data, head, GENERATED)


def describe(data: dict[str, Any]) -> str:
    units = data["units"]
    cells = sum(1 for u in units if not u["kind"].endswith("_committee"))
    communes = sum(1 for u in units if u["kind"] == "commune_committee")
    return (
        f"{len(data['members'])} members, {len(units)} units ({communes} communes, {cells} cells), "
        f"{len(data['responsibility'])} responsibility, {len(data['attendance'])} attendance and "
        f"{len(data['coverage'])} coverage rules"
    )


def estimated_bytes(preset: str, levels: int = 2, communes: int | None = None) -> int:
    """A low estimate of the size of the YAML ``generate`` writes, before generating it (about 130 bytes per
    cell and per member; the examples take 150–190): a request far beyond what the loader reads
    (`planner.io.MAX_FILE_BYTES`) is refused at once instead of after minutes of work."""
    from planner.scale.presets import scale_to

    if (preset, levels) not in SIZES:
        return 0
    size = SIZES[preset, levels]
    if communes is not None:
        size = scale_to(size, communes, levels)
    n = max(1, size.provinces) * max(1, size.districts) * size.communes
    per_commune = sum(size.cells) / 2 + sum(size.members) / 2
    above = max(1, size.provinces) * (sum(size.province_members) + max(1, size.districts) * sum(size.district_members))
    return int(130 * (n * per_commune + above))


def generate_text(
    preset: str,
    levels: int = 2,
    seed: int = 0,
    rules: str = "yen-bai",
    year: int = 2026,
    months: int = 12,
    communes: int | None = None,
    scope: str = "level",
    names: str = "synthetic",
) -> tuple[dict[str, Any], str]:
    """The scenario ``generate`` makes, as a mapping and as the YAML text `write` writes."""
    data = generate(preset, levels, seed, rules, year, months, communes, scope, names)
    args = f"--preset {preset} --levels {levels} --seed {seed} --rules {rules} --year {year}"
    if months != 12:
        args += f" --months {months}"
    if communes is not None:
        args += f" --communes {communes}"
    if scope != "level":
        args += f" --scope {scope}"
    if names != "synthetic":
        args += f" --names {names}"
    header = (
        f"Generated by `planner generate {args}`: a synthetic scenario of realistic size\n"
        f"({describe(data)}). Names are illustrative."
    )
    return data, to_yaml(data, header)


def write(
    path: str | Path,
    preset: str,
    levels: int = 2,
    seed: int = 0,
    rules: str = "yen-bai",
    year: int = 2026,
    months: int = 12,
    communes: int | None = None,
    scope: str = "level",
    names: str = "synthetic",
) -> dict[str, Any]:
    data, text = generate_text(preset, levels, seed, rules, year, months, communes, scope, names)
    Path(path).write_text(text, encoding="utf-8")
    return data
