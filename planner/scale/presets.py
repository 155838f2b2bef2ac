"""The generator's size presets: how many provinces, districts, communes, cells and committee members a
``planner generate --preset P --levels L`` scenario has (`SIZES`, from DOMAIN.md's seeds), the accepted
presets, quota styles and rule scopes, and `scale_to` for ``--communes N``."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

PRESETS = ("tiny", "commune", "district", "province", "nation")
RULES = ("yen-bai", "lang-son", "kon-tum")
SCOPES = ("level", "committee")


@dataclass(frozen=True)
class Size:
    """The numbers of one preset at one number of levels (ranges are drawn per commune)."""

    provinces: int = 0  # > 0 only for the nation
    districts: int = 0  # per province (levels 3)
    communes: int = 1  # per district (levels 3) or per province (levels 2); for a single commune: 1
    cells: tuple[int, int] = (25, 45)  # cells per commune
    members: tuple[int, int] = (15, 30)  # commune committee members
    district_members: tuple[int, int, int] = (0, 0, 0)  # standing, executive, leaders (per district)
    province_members: tuple[int, int, int] = (0, 0, 0)  # standing, executive, leaders (per province)
    difficult: float = 0.25  # share of communes flagged especially difficult


# (preset, levels) -> Size. Levels 3 sizes are pre-2025 (small communes, districts); levels 2 post-2025.
SIZES: dict[tuple[str, int], Size] = {
    ("tiny", 2): Size(communes=2, cells=(4, 5), members=(3, 4), difficult=0.5),
    ("tiny", 3): Size(districts=1, communes=2, cells=(4, 5), members=(3, 4), district_members=(1, 1, 0), difficult=0.5),
    # Tương Dương / Thượng Sơn after the reform: one commune, 25–45 cells, a committee of 15–30
    ("commune", 2): Size(communes=1, cells=(25, 45), members=(15, 30)),
    # before the reform: a small commune, its district committee's members in charge of it
    ("commune", 3): Size(districts=1, communes=1, cells=(13, 19), members=(13, 19), district_members=(1, 2, 0)),
    # Hữu Lũng: 24 communes, 203 villages (+ agency, school, health, military, police cells), 448 commune
    # cadres, 79 district people (8 standing, 27 executive, 44 leaders)
    ("district", 3): Size(districts=1, communes=24, cells=(11, 14), members=(16, 21), district_members=(8, 27, 44)),
    # the same area after the reform: eight larger communes, no district level
    ("district", 2): Size(communes=8, cells=(30, 38), members=(25, 35)),
    # Lạng Sơn: 53 province, 502 district (11 × 46), 3,059 commune members (200 × 15); ≈ 2,500 cells
    ("province", 3): Size(
        districts=11,
        communes=18,
        cells=(9, 14),
        members=(13, 18),
        district_members=(9, 27, 10),
        province_members=(15, 30, 8),
    ),
    # Lạng Sơn after the reform: 65 communes of ≈ 38 cells
    ("province", 2): Size(communes=65, cells=(33, 43), members=(30, 40), province_members=(15, 30, 8)),
    # the whole country: 34 provinces, 3,321 communes (levels 2); 63 provinces, ≈ 10,600 communes (levels 3)
    ("nation", 2): Size(provinces=34, communes=98, cells=(30, 45), members=(28, 40), province_members=(15, 30, 8)),
    ("nation", 3): Size(
        provinces=63,
        districts=11,
        communes=15,
        cells=(9, 14),
        members=(13, 18),
        district_members=(9, 27, 10),
        province_members=(15, 30, 8),
    ),
}


def scale_to(size: Size, communes: int, levels: int) -> Size:
    """The preset with about ``communes`` communes in all (for a smaller nation, or a bigger province)."""
    if size.provinces:
        per_prov = size.communes * max(1, size.districts)
        provinces = max(1, math.ceil(communes / per_prov))
        per = math.ceil(communes / provinces)
        if levels == 3:
            districts = max(1, min(size.districts, math.ceil(per / size.communes)))
            return replace(size, provinces=provinces, districts=districts, communes=math.ceil(per / districts))
        return replace(size, provinces=provinces, communes=per)
    if size.districts > 1:
        districts = max(1, min(size.districts, math.ceil(communes / size.communes)))
        return replace(size, districts=districts, communes=math.ceil(communes / districts))
    return replace(size, communes=communes)
