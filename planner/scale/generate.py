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
`planner.loader.load_scenario`; the same arguments give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planner.calendar import Calendar, month_days, months_between
from planner.io.yaml_writer import GENERATED, dump_scenario
from planner.scenario import Conflict, Meeting

PRESETS = ("tiny", "commune", "district", "province", "nation")
RULES = ("yen-bai", "lang-son", "kon-tum")
SCOPES = ("level", "committee")

# Tết (lunar new year's day): the blackout is the days around it, as in the examples (−3 .. +5).
TET = {
    2024: dt.date(2024, 2, 10),
    2025: dt.date(2025, 1, 29),
    2026: dt.date(2026, 2, 17),
    2027: dt.date(2027, 2, 6),
    2028: dt.date(2028, 1, 26),
    2029: dt.date(2029, 2, 13),
    2030: dt.date(2030, 2, 3),
}


# ============================================================================================== sizes
@dataclass(frozen=True)
class Size:
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


# ============================================================================================== names
SURNAMES = (
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Vi",
    "Lương",
    "Nông",
    "Hà",
    "Lộc",
    "Triệu",
    "Đinh",
    "Mã",
    "Chu",
    "Lăng",
    "Hoàng",
    "Nguyễn",
    "Lý",
    "Đặng",
    "Bế",
    "Dương",
    "Vũ",
    "Ma",
    "Lục",
    "Sầm",
    "Bàn",
    "Hứa",
)
MIDDLE_M = ("Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Xuân", "Thanh", "Công")
MIDDLE_F = ("Thị", "Thị", "Thu", "Ngọc", "Thanh", "Hồng", "Kim")
GIVEN_M = (
    "Hùng",
    "Tuấn",
    "Thắng",
    "Dũng",
    "Minh",
    "Hải",
    "Quân",
    "Phúc",
    "Sơn",
    "Lâm",
    "Kiên",
    "Toàn",
    "Bình",
    "Cường",
    "Đạt",
    "Hiếu",
    "Long",
    "Nam",
    "Thành",
    "Trung",
    "Vinh",
    "Lực",
    "Tâm",
    "Khánh",
    "Lập",
)
GIVEN_F = (
    "Lan",
    "Hoa",
    "Hà",
    "Nga",
    "Huệ",
    "Mai",
    "Hương",
    "Nhung",
    "Thảo",
    "Yến",
    "Hạnh",
    "Linh",
    "Trang",
    "Dung",
    "Phượng",
    "Thủy",
    "Vân",
)
PLACE_A = (
    "Nà",
    "Pác",
    "Khuổi",
    "Bản",
    "Lũng",
    "Cốc",
    "Phiêng",
    "Nặm",
    "Tồng",
    "Pò",
    "Co",
    "Khau",
    "Kéo",
    "Nà",
    "Đông",
    "Tây",
    "Thượng",
    "Hạ",
    "Trung",
    "Tân",
    "Phú",
    "Hòa",
    "Thanh",
    "Minh",
    "Quang",
    "Vĩnh",
)
PLACE_B = (
    "Pàn",
    "Mạ",
    "Slằng",
    "Luông",
    "Khoét",
    "Bó",
    "Vùi",
    "Sơn",
    "Lầy",
    "Cáy",
    "Nưa",
    "Phai",
    "Hin",
    "Lừa",
    "An",
    "Bình",
    "Thịnh",
    "Lộc",
    "Hưng",
    "Tiến",
    "Thành",
    "Lợi",
    "Yên",
    "Xuân",
    "Đồng",
    "Phong",
    "Hợp",
)

_ASCII = str.maketrans(
    "àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ",
    "aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd",
)


def slug(text: str) -> str:
    """An ASCII id from a Vietnamese name: ``Nà Pàn`` → ``na-pan``."""
    s = text.lower().translate(_ASCII)
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")


class Names:
    """Synthetic names, each place name used once per scope; people may share names (ids are unique)."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def person(self) -> tuple[str, bool]:
        female = self.rng.random() < 0.3
        mid = self.rng.choice(MIDDLE_F if female else MIDDLE_M)
        given = self.rng.choice(GIVEN_F if female else GIVEN_M)
        return f"{self.rng.choice(SURNAMES)} {mid} {given}", female

    def places(self, n: int) -> list[str]:
        pool = [f"{a} {b}" for a in PLACE_A for b in PLACE_B]
        pool = list(dict.fromkeys(pool))
        self.rng.shuffle(pool)
        out = pool[:n]
        while len(out) < n:  # more than the pool holds: number them
            out.append(f"{pool[len(out) % len(pool)]} {len(out) // len(pool) + 1}")
        return out


def _real_divisions() -> list[tuple[str, list[str]]] | None:
    """(province name, [commune names]) of the 2025 map from ``vietnam-provinces``, or None if not installed."""
    try:
        from vietnam_provinces import Province, Ward  # type: ignore[import-not-found]
    except ImportError:
        return None
    out = []
    for p in sorted(Province.iter_all(), key=lambda p: int(p.code)):
        wards = sorted(Ward.iter_by_province(p.code), key=lambda w: int(w.code))
        out.append((p.name, [w.name for w in wards]))
    return out


# ============================================================================================== builder
@dataclass
class _Doc:
    units: list[dict[str, Any]] = field(default_factory=list)
    members: list[dict[str, Any]] = field(default_factory=list)
    responsibility: list[dict[str, Any]] = field(default_factory=list)
    attendance: list[dict[str, Any]] = field(default_factory=list)
    coverage: list[dict[str, Any]] = field(default_factory=list)
    communes: list[str] = field(default_factory=list)  # commune committee ids
    districts: list[str] = field(default_factory=list)
    provinces: list[str] = field(default_factory=list)
    commune_members: dict[str, list[str]] = field(default_factory=dict)  # commune id -> its member ids


WEEKDAYS_ONLY = ["mon", "tue", "wed", "thu", "fri"]


class Generator:
    def __init__(
        self,
        preset: str,
        levels: int,
        seed: int,
        rules: str = "yen-bai",
        year: int = 2026,
        months: int = 12,
        communes: int | None = None,
        scope: str = "level",
        names: str = "synthetic",
    ):
        if preset not in PRESETS:
            raise ValueError(f"unknown preset '{preset}'; use one of {', '.join(PRESETS)}")
        if levels not in (2, 3):
            raise ValueError("levels is 2 (after the 2025 reform) or 3 (with districts)")
        if rules not in RULES:
            raise ValueError(f"unknown rules '{rules}'; use one of {', '.join(RULES)}")
        if scope not in SCOPES:
            raise ValueError(f"unknown scope '{scope}'; use one of {', '.join(SCOPES)}")
        if not 1 <= months <= 12:
            raise ValueError("months is 1..12 (the window starts in January)")
        self.preset, self.levels, self.seed, self.rules, self.year = preset, levels, seed, rules, year
        self.months, self.scope = months, scope
        self.size = SIZES[preset, levels]
        self.communes_given = communes is not None
        if communes is not None:
            if communes < 1:
                raise ValueError("communes must be at least 1")
            self.size = _scale_to(self.size, communes, levels)
        self.rng = random.Random(f"planner-generate/{preset}/{levels}/{rules}/{seed}")
        self.names = Names(self.rng)
        self.real = _real_divisions() if names == "real" else None
        if names == "real" and self.real is None:
            raise ValueError(
                "--names real needs the optional package vietnam-provinces "
                "(pip install 'planner[names]'); without it, names are synthetic"
            )
        start = dt.date(year, 1, 1)
        end = month_days(f"{year:04d}-{months:02d}")[-1]
        self.start, self.end = start, end
        self.blackouts = self._blackouts()
        self.calendar = Calendar(start, end, "VN", tuple(Conflict.model_validate(b) for b in self.blackouts))
        self.month_list = months_between(start, end)
        self.doc = _Doc()

    # ------------------------------------------------------------------------------------------ calendar
    def _blackouts(self) -> list[dict[str, Any]]:
        tet = TET.get(self.year)
        if tet is None:
            return []
        a, b = tet - dt.timedelta(days=3), tet + dt.timedelta(days=5)
        if b < self.start or a > self.end:
            return []
        return [{"from": max(a, self.start), "to": min(b, self.end), "reason": "nghỉ Tết Nguyên Đán"}]

    def _meeting(
        self,
        day: int,
        flex: int | list[int],
        weekdays: list[str] | None = None,
        closed: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """A meeting with a possible day in every month: widen ``flex`` until each month has one."""
        fl = flex
        for _ in range(10):
            spec = {"day": day, "flex": fl} if fl not in (0, [0, 0]) else {"day": day}
            if weekdays:
                spec["weekdays"] = weekdays
            meeting = Meeting.model_validate(spec)
            closed_c = tuple(Conflict.model_validate(c) for c in closed or ())
            if all(self.calendar.candidates(meeting, closed_c, mo) for mo in self.month_list):
                return spec
            fl = [0, 3] if fl in (0, [0, 0]) else ([fl[0] + 1, fl[1] + 1] if isinstance(fl, list) else fl + 1)
        raise AssertionError(f"no flex gives every month a meeting day (day {day})")  # pragma: no cover

    # ------------------------------------------------------------------------------------------ people
    def _member(
        self,
        mid: str,
        committee: str,
        roles: list[str],
        residence: str | None,
        home_cell: str | None,
        sectors: list[str] | None = None,
        busy: bool = True,
    ) -> str:
        name, _female = self.names.person()
        m: dict[str, Any] = {"id": mid, "name": name, "committee": committee, "roles": roles}
        if residence:
            m["residence"] = residence
        if home_cell:
            m["home_cell"] = home_cell
        if sectors:
            m["sectors"] = sectors
        if busy:
            un = self._unavailable(sectors=bool(sectors))
            if un:
                m["unavailable"] = un
        self.doc.members.append(m)
        return mid

    def _unavailable(self, sectors: bool) -> list[Any]:
        """Trainings (a week or so), trips (single days), and some who never meet on weekends."""
        r, out = self.rng, []
        if r.random() < 0.15:
            mo = r.choice([m for m in self.month_list if not m.endswith("-02")] or self.month_list)
            days = month_days(mo)
            first = r.randrange(0, max(1, len(days) - 10))
            length = r.randint(4, 9)
            out.append(
                {
                    "from": days[first],
                    "to": days[min(first + length, len(days) - 1)],
                    "reason": r.choice(["học tập trung", "bồi dưỡng lý luận chính trị", "tập huấn"]),
                }
            )
        if r.random() < 0.12:
            for _ in range(r.randint(1, 3)):
                mo = r.choice(self.month_list)
                out.append({"date": r.choice(month_days(mo)), "reason": "công tác"})
        if not sectors and r.random() < 0.05:
            out.append({"weekdays": ["sat", "sun"], "reason": "không họp cuối tuần"})
        out.sort(key=lambda c: str(c.get("date") or c.get("from") or ""))
        return out

    # ------------------------------------------------------------------------------------------ a commune
    def commune(self, cid: str, name: str, parent: str | None, difficult: bool) -> None:
        r, size = self.rng, self.size
        n_cells = r.randint(*size.cells)
        n_members = r.randint(*size.members)
        committee = {"id": cid, "name": f"Đảng ủy {name}", "kind": "commune_committee", "level": "commune"}
        if parent:
            committee["parent"] = parent
        if difficult:
            committee["tags"] = ["difficult"]
        committee["meeting"] = self._meeting(r.randint(24, 28), 2)
        self.doc.units.append(committee)
        self.doc.communes.append(cid)

        # the cells: agency, schools, health, military, police, maybe an enterprise; the rest residential
        kinds: list[tuple[str, str]] = [("agency", "Chi bộ Cơ quan Đảng - Đoàn thể")]
        if n_cells >= 16:
            kinds.append(("agency", "Chi bộ Cơ quan Chính quyền"))
        n_school = 1 if n_cells < 8 else (r.randint(1, 2) if n_cells < 15 else r.randint(3, 5))
        school_names = [
            "Trường Mầm non",
            "Trường Tiểu học",
            "Trường THCS",
            "Trường PTDTBT Tiểu học",
            "Trường PTDTBT THCS",
            "Trường Mầm non số 2",
        ]
        kinds += [("school", f"Chi bộ {school_names[i]}") for i in range(n_school)]
        if n_cells >= 6:
            kinds.append(("health", "Chi bộ Trạm Y tế"))
        if n_cells >= 8:
            kinds.append(("military", "Chi bộ Quân sự"))
            if n_cells >= 15 or r.random() < 0.3:  # small communes: police members sit in the agency cell
                kinds.append(("police", "Chi bộ Công an"))
        if n_cells >= 30 and r.random() < 0.6:
            kinds.append(("enterprise", "Chi bộ Hợp tác xã"))
        # at least one village for every two members: each member takes a village (monthly quotas are met
        # there), no village more than two, so visits fit under "at most three visitors a meeting"
        n_res = max(2, n_cells - len(kinds), math.ceil(n_members / 2))
        hamlet = "Bản" if r.random() < 0.5 else "Thôn"
        villages = self.names.places(n_res)
        cells: list[dict[str, Any]] = []
        res_ids = []
        for i, vname in enumerate(villages, start=1):
            uid = f"{cid}-t{i:02d}"
            if r.random() < 0.15:  # a fixed day, or "the 1st, or the next working day"
                meeting = self._meeting(r.randint(1, 10), 0) if r.random() < 0.5 else self._meeting(1, [0, 3])
            else:
                meeting = self._meeting(r.randint(1, 12), r.choice([2, 3, 3]))
            cells.append(
                {
                    "id": uid,
                    "name": f"Chi bộ {hamlet.lower()} {vname}",
                    "kind": "residential",
                    "parent": cid,
                    "meeting": meeting,
                }
            )
            res_ids.append(uid)
        by_kind: dict[str, list[str]] = {}
        for j, (kind, cname) in enumerate(kinds, start=1):
            uid = f"{cid}-{kind[:2]}{j:02d}"
            if kind == "school":
                meeting = self._meeting(r.randint(8, 15), 3, WEEKDAYS_ONLY)
            elif kind in ("military", "police"):
                meeting = self._meeting(r.choice([5, 10, 15]), 0)  # a fixed day (moved only if it cannot be)
            elif kind == "agency":
                meeting = self._meeting(r.randint(2, 6), [0, 3], WEEKDAYS_ONLY)
            else:
                meeting = self._meeting(r.randint(5, 15), 2)
            cells.append({"id": uid, "name": cname, "kind": kind, "parent": cid, "meeting": meeting})
            by_kind.setdefault(kind, []).append(uid)
        self.doc.units.extend(cells)

        # the committee: secretary, deputies, standing, executive; sectors for every non-residential kind
        n_standing = max(1, min(n_members, round(n_members * 0.33)))
        sectors_needed = [k for k in ("agency", "school", "health", "military", "police", "enterprise") if k in by_kind]
        sector_of: dict[int, list[str]] = {}
        order = list(range(n_members))
        r.shuffle(order)
        for k, kind in enumerate(sectors_needed):
            holders = 2 if kind == "school" and len(by_kind["school"]) >= 3 and n_members >= 8 else 1
            for h in range(holders):
                idx = order[(k * 2 + h) % n_members]
                sector_of.setdefault(idx, []).append(kind)
        mids = []
        for i in range(n_members):
            roles = (
                ["secretary", "standing"]
                if i == 0
                else ["deputy_secretary", "standing"]
                if i < 3 and n_members >= 10
                else ["standing"]
                if i < n_standing
                else ["executive"]
            )
            residence = r.choice(res_ids) if r.random() < 0.85 else cid
            sectors = sorted(sector_of.get(i, []))
            if "military" in sectors and "military" in by_kind:
                home = by_kind["military"][0]
            elif "police" in sectors and "police" in by_kind:
                home = by_kind["police"][0]
            elif residence != cid and r.random() < 0.3:
                home = residence  # a party member of his or her village's cell
            else:
                home = by_kind["agency"][0]
            mids.append(self._member(f"{cid}-uv{i + 1:02d}", cid, roles, residence, home, sectors))
        self.doc.commune_members[cid] = mids

        # this committee's responsibility rules: villages by residence (prefer), other cells by sector (require)
        # every member takes at least one village (the monthly quota is met there), each village 1–2 members
        # (more where the committee outnumbers the villages), no member more than a fair share plus one
        per_unit_max = 2
        per_member_max = max(2, math.ceil(per_unit_max * n_res / n_members) + 1)
        rule = {
            "id": f"{cid}-phu-trach-thon",
            "members": {"committee": cid},
            "units": {"under": cid, "kind": "residential"},
            "per_unit": {"min": 1, "max": per_unit_max},
            "per_member": {"min": 1, "max": per_member_max},
            "basis": "prefer",
        }
        if self.rules == "kon-tum":
            rule["own_cell"] = "forbid"
        self.doc.responsibility.append(rule)
        other = [k for k in sectors_needed]
        if other:
            self.doc.responsibility.append(
                {
                    "id": f"{cid}-phu-trach-linh-vuc",
                    "members": {"committee": cid},
                    "units": {"under": cid, "kind": other},
                    "per_unit": {"min": 1, "max": 1},
                    "basis": "require",
                }
            )

    # ------------------------------------------------------------------------------------------ upper levels
    def upper_members(
        self, committee: str, counts: tuple[int, int, int], prefix: str, home_cells: list[str], residences: list[str]
    ) -> list[str]:
        standing, executive, leaders = counts
        out = []
        i = 0
        for roles, n in ((["standing"], standing), (["executive"], executive), (["leader"], leaders)):
            for _ in range(n):
                i += 1
                first = ["secretary", "standing"] if i == 1 and roles == ["standing"] else roles
                out.append(
                    self._member(
                        f"{prefix}-uv{i:02d}",
                        committee,
                        first,
                        self.rng.choice(residences) if residences else None,
                        self.rng.choice(home_cells) if home_cells else None,
                    )
                )
        return out

    def district(self, did: str, name: str, parent: str | None, n_communes: int, commune_names: list[str]) -> None:
        r = self.rng
        unit = {"id": did, "name": f"Huyện ủy {name}", "kind": "district_committee", "level": "district"}
        if parent:
            unit["parent"] = parent
        unit["meeting"] = self._meeting(r.randint(17, 22), 3)
        self.doc.units.append(unit)
        self.doc.districts.append(did)
        agencies = []
        if any(self.size.district_members):
            for j, cname in enumerate(
                ("Chi bộ Văn phòng Huyện ủy", "Chi bộ Ủy ban nhân dân huyện", "Chi bộ Ban Tổ chức Huyện ủy"), start=1
            ):
                uid = f"{did}-cq{j}"
                # a kind of their own, so that rules on the communes' agency cells do not select them
                self.doc.units.append(
                    {
                        "id": uid,
                        "name": cname,
                        "kind": "district_agency",
                        "parent": did,
                        "meeting": self._meeting(r.randint(3, 8), 2, WEEKDAYS_ONLY),
                    }
                )
                agencies.append(uid)
        first = len(self.doc.communes)
        for k in range(n_communes):
            cid = f"{did}-x{k + 1:02d}"
            self.commune(cid, commune_names[k], did, r.random() < self.size.difficult)
        communes = self.doc.communes[first:]
        if not any(self.size.district_members):
            return
        mids = self.upper_members(did, self.size.district_members, did, agencies, communes)
        per_unit_max = max(2, math.ceil(len(mids) / len(communes)) + 1)
        self.doc.responsibility.append(
            {
                "id": f"{did}-phu-trach-xa",
                "members": {"committee": did},
                "units": {"under": did, "kind": "commune_committee"},
                "per_unit": {"min": 1, "max": per_unit_max},
                "per_member": {"min": 1, "max": 2},
                "basis": "prefer",
            }
        )

    def province(self, pid: str, name: str, commune_names: list[str]) -> None:
        r, size = self.rng, self.size
        self.doc.units.append(
            {
                "id": pid,
                "name": f"Tỉnh ủy {name}",
                "kind": "province_committee",
                "level": "province",
                "meeting": self._meeting(r.randint(12, 16), 3),
            }
        )
        self.doc.provinces.append(pid)
        first = len(self.doc.communes)
        if self.levels == 3:
            dnames = self.names.places(size.districts)
            for d in range(size.districts):
                n = size.communes
                self.district(
                    f"{pid}-h{d + 1:02d}",
                    dnames[d],
                    pid,
                    n,
                    commune_names[d * n : (d + 1) * n] or self._commune_names(n),
                )
        else:
            for k in range(size.communes):
                self.commune(f"{pid}-x{k + 1:03d}", commune_names[k], pid, r.random() < size.difficult)
        communes = self.doc.communes[first:]
        if not any(size.province_members):
            return
        mids = self.upper_members(pid, size.province_members, pid, [], communes)
        standing = [m for m in mids if "standing" in self._roles(m)]
        others = [m for m in mids if m not in standing]
        districts = [d for d in self.doc.districts if d.startswith(pid + "-")]
        if standing:
            if self.levels == 3 and districts:
                self.doc.responsibility.append(
                    {
                        "id": f"{pid}-btv-phu-trach-huyen",
                        "members": {"committee": pid, "roles": "standing"},
                        "units": {"under": pid, "kind": "district_committee"},
                        "per_unit": {"min": 1, "max": max(2, math.ceil(len(standing) / len(districts)) + 1)},
                        "per_member": {"min": 1, "max": 1},
                    }
                )
            else:
                self.doc.responsibility.append(
                    {
                        "id": f"{pid}-btv-phu-trach-xa",
                        "members": {"committee": pid, "roles": "standing"},
                        "units": {"under": pid, "kind": "commune_committee"},
                        "per_unit": {"min": 0, "max": 1},
                        "per_member": {"min": 1, "max": 4},
                    }
                )
        if others:
            difficult = [c for c in communes if "difficult" in self._tags(c)]
            sel: dict[str, Any] = {"under": pid, "kind": "commune_committee"}
            if difficult:
                sel["tags"] = "difficult"
            pool = len(difficult) or len(communes)
            self.doc.responsibility.append(
                {
                    "id": f"{pid}-uv-phu-trach-xa-kho-khan",
                    "members": {"committee": pid, "roles": ["executive", "leader"]},
                    "units": sel,
                    "per_unit": {"min": 0, "max": max(1, math.ceil(len(others) / pool))},
                    "per_member": {"min": 1, "max": 1},
                }
            )

    def _roles(self, mid: str) -> list[str]:
        return next(m["roles"] for m in self.doc.members if m["id"] == mid)

    def _tags(self, uid: str) -> list[str]:
        return next(u.get("tags", []) for u in self.doc.units if u["id"] == uid)

    def _commune_names(self, n: int) -> list[str]:
        return [f"xã {p}" for p in self.names.places(n)]

    # ------------------------------------------------------------------------------------------ quota rules
    def quota_rules(self) -> None:
        """The regulation's attendance and coverage rules (one per level, or one per committee)."""
        d = self.doc
        have = {m["committee"] for m in d.members}
        levels_present = {
            "province": any(p in have for p in d.provinces),
            "district": any(x in have for x in d.districts),
            "commune": any(c in have for c in d.communes),
        }
        scopes: list[tuple[str, dict[str, Any]]] = []  # (id suffix, member selector) for commune members
        if self.scope == "committee":
            scopes = [(c, {"committee": c}) for c in d.communes if c in have]
        else:
            scopes = [("xa", {"level": "commune"})]
        att, cov = d.attendance, d.coverage
        prov_standing = any("standing" in m["roles"] for m in d.members if m["committee"] in d.provinces)
        prov_other = any(set(m["roles"]) & {"executive", "leader"} for m in d.members if m["committee"] in d.provinces)
        two_a_quarter = {
            "per": "quarter",
            "at_least": 2,
            "including": [
                {"units": {"kind": "commune_committee", "in_charge": True}, "at_least": 1},
                {"units": {"kind": "residential", "in_charge": True}, "at_least": 1},
            ],
        }
        if self.rules == "yen-bai":
            if prov_standing:
                att.append(
                    {
                        "id": "btv-tinh-moi-quy",
                        "members": {"level": "province", "roles": "standing"},
                        "units": {"kind": ["commune_committee", "residential"], "in_charge": True},
                        "per": "quarter",
                        "at_least": 1,
                    }
                )
            if prov_other:
                att.append(
                    {
                        "id": "tinh-uy-vien-moi-quy-hai-lan",
                        "members": {"level": "province", "roles": ["executive", "leader"]},
                        "units": {"kind": ["commune_committee", "residential"], "in_charge": True},
                        **two_a_quarter,
                    }
                )
            if levels_present["district"]:
                att.append(
                    {
                        "id": "huyen-moi-quy-hai-lan",
                        "members": {"level": "district"},
                        "units": {"kind": ["commune_committee", "residential"], "in_charge": True},
                        **two_a_quarter,
                    }
                )
            for suffix, sel in scopes:
                att.append(
                    {
                        "id": f"{suffix}-moi-thang",
                        "members": sel,
                        "units": {"kind": "residential", "in_charge": True},
                        "per": "month",
                        "at_least": 1,
                    }
                )
        elif self.rules == "lang-son":
            for level, n in (("province", 1), ("district", 2)):
                if levels_present[level]:
                    att.append(
                        {
                            "id": f"{'tinh' if level == 'province' else 'huyen'}-{n}-lan-moi-nam",
                            "members": {"level": level},
                            "units": {"kind": ["commune_committee", "residential"], "in_charge": True},
                            "per": "year",
                            "at_least": n,
                        }
                    )
            for suffix, sel in scopes:
                att.append(
                    {
                        "id": f"{suffix}-4-lan-moi-nam",
                        "members": sel,
                        "units": {"in_charge": True},
                        "per": "year",
                        "at_least": 4,
                    }
                )
        else:  # kon-tum: residential cells only
            if prov_other:
                att.append(
                    {
                        "id": "tinh-uy-vien-2-lan-moi-nam",
                        "members": {"level": "province", "roles": ["executive", "leader"]},
                        "units": {"kind": "residential", "in_charge": True},
                        "per": "year",
                        "at_least": 2,
                    }
                )
            if levels_present["district"]:
                att.append(
                    {
                        "id": "huyen-6-lan-moi-nam",
                        "members": {"level": "district"},
                        "units": {"kind": "residential", "in_charge": True},
                        "per": "year",
                        "at_least": 6,
                    }
                )
            for suffix, sel in scopes:
                att.append(
                    {
                        "id": f"{suffix}-6-lan-moi-nam",
                        "members": sel,
                        "units": {"kind": "residential", "in_charge": True},
                        "per": "year",
                        "at_least": 6,
                    }
                )

        # coverage: every cell gets a visit from a committee member in charge (villages each quarter under
        # Yên Bái's monthly rule, each half-year otherwise; other cells each half-year), at most 3 visitors
        kinds_other = sorted(
            {u["kind"] for u in d.units if u.get("parent") in d.communes and u["kind"] != "residential"}
        )
        village_per = "quarter" if self.rules == "yen-bai" else "half"
        for suffix, sel in scopes:
            by = sel if self.scope == "committee" else {"level": "commune"}
            units_r: dict[str, Any] = {"kind": "residential"}
            units_o: dict[str, Any] = {"kind": kinds_other}
            if self.scope == "committee":
                units_r["under"] = units_o["under"] = suffix
            cov.append(
                {
                    "id": f"{suffix}-tham-thon",
                    "units": units_r,
                    "by": by,
                    "in_charge": True,
                    "per": village_per,
                    "at_least": 1,
                }
            )
            if kinds_other and self.rules != "kon-tum":
                cov.append(
                    {
                        "id": f"{suffix}-tham-chi-bo-khac",
                        "units": units_o,
                        "by": by,
                        "in_charge": True,
                        "per": "half",
                        "at_least": 1,
                    }
                )
        cov.append(
            {
                "id": "toi-da-ba-khach-moi-buoi",
                "units": {"kind": ["commune_committee", "residential"]},
                "by": {},
                "per": "month",
                "at_most": 3,
            }
        )

    # ------------------------------------------------------------------------------------------ whole
    def build(self) -> dict[str, Any]:
        size = self.size
        real = self.real
        if size.provinces:  # the nation
            if real is not None and self.levels == 2:
                provs = real[: size.provinces] if size.provinces <= len(real) else real
            else:
                provs = [(f"tỉnh {p}", []) for p in self.names.places(size.provinces)]
            for k, (pname, wards) in enumerate(provs, start=1):
                n = size.communes * max(1, size.districts)
                cnames = list(wards[:n]) if wards and self.levels == 2 else []
                cnames += self._commune_names(n - len(cnames))
                if self.levels == 2 and wards and not self.communes_given:
                    self.size = _replace(size, communes=len(wards))  # the real map: every commune of the province
                    cnames = list(wards)
                self.province(f"p{k:02d}", pname.replace("Tỉnh ", "").replace("Thành phố ", "thành phố "), cnames)
                self.size = size
            title = "cả nước"
        elif self.preset in ("province",):
            pname, wards = ("Lạng Sơn", [])
            if real is not None:
                pname, wards = next(((p, w) for p, w in real if "Lạng Sơn" in p), real[0])
                pname = pname.replace("Tỉnh ", "")
            n = size.communes * max(1, size.districts)
            cnames = (list(wards[:n]) if self.levels == 2 else []) + []
            cnames += self._commune_names(n - len(cnames))
            self.province("tinh", pname, cnames)
            title = f"tỉnh {pname}"
        elif size.districts:  # a district (or a commune under its district), under no province committee
            dname = self.names.places(1)[0]
            self.district("huyen", dname, None, size.communes, self._commune_names(size.communes))
            title = f"huyện {dname}"
        else:  # communes after the reform, no upper level in the file
            cnames = self._commune_names(size.communes)
            if real is not None:
                pool = [w for _, ws in real for w in ws]
                self.rng.shuffle(pool)
                cnames = pool[: size.communes]
            for k in range(size.communes):
                cid = "xa" if size.communes == 1 else f"xa-{k + 1:02d}"
                self.commune(cid, cnames[k], None, self.rng.random() < size.difficult)
            title = cnames[0] if size.communes == 1 else f"{size.communes} xã"
        self.quota_rules()
        data: dict[str, Any] = {
            "name": f"{title[0].upper()}{title[1:]} — phân công cấp ủy viên dự sinh hoạt chi bộ "
            f"(tổng hợp, {self.preset}, {self.rules}, hạt giống {self.seed})",
        }
        if self.months == 12:
            data["year"] = self.year
        else:
            data["period"] = {"start": self.start, "end": self.end}
        data["calendar"] = {"public_holidays": "VN", "blackouts": self.blackouts}
        d = self.doc
        data.update(
            units=d.units,
            members=d.members,
            responsibility=d.responsibility,
            attendance=d.attendance,
            coverage=d.coverage,
        )
        return data


def _replace(size: Size, **kw: Any) -> Size:
    from dataclasses import replace

    return replace(size, **kw)


def _scale_to(size: Size, communes: int, levels: int) -> Size:
    """The preset with about ``communes`` communes in all (for a smaller nation, or a bigger province)."""
    if size.provinces:
        per_prov = size.communes * max(1, size.districts)
        provinces = max(1, math.ceil(communes / per_prov))
        per = math.ceil(communes / provinces)
        if levels == 3:
            districts = max(1, min(size.districts, math.ceil(per / size.communes)))
            return _replace(size, provinces=provinces, districts=districts, communes=math.ceil(per / districts))
        return _replace(size, provinces=provinces, communes=per)
    if size.districts > 1:
        districts = max(1, min(size.districts, math.ceil(communes / size.communes)))
        return _replace(size, districts=districts, communes=math.ceil(communes / districts))
    return _replace(size, communes=communes)


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
    Path(path).write_text(to_yaml(data, header), encoding="utf-8")
    return data
