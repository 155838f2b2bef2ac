"""The generator's administrative tree: the `Generator` makes the units (province, district and commune
committees, their cells with meeting days) and the members (roles, residence, sectors, unavailability) from
one seeded random stream, and `Doc` collects them with the rules of `planner.scale.generate_rules`."""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field, replace
from typing import Any

from planner.calendar import Calendar, month_days, months_between
from planner.scale.generate_calendar import WEEKDAYS_ONLY, meeting_spec, tet_blackouts, unavailable
from planner.scale.generate_names import NameMaker, real_divisions
from planner.scale.generate_rules import (
    commune_responsibility,
    district_responsibility,
    province_responsibility,
    quota_rules,
)
from planner.scale.presets import PRESETS, RULES, SCOPES, SIZES, scale_to
from planner.scenario import Conflict

SCHOOL_NAMES = (
    "Trường Mầm non",
    "Trường Tiểu học",
    "Trường THCS",
    "Trường PTDTBT Tiểu học",
    "Trường PTDTBT THCS",
    "Trường Mầm non số 2",
)
DISTRICT_AGENCIES = ("Chi bộ Văn phòng Huyện ủy", "Chi bộ Ủy ban nhân dân huyện", "Chi bộ Ban Tổ chức Huyện ủy")


@dataclass
class Doc:
    """The scenario's lists as they are built, and the committees made so far."""

    units: list[dict[str, Any]] = field(default_factory=list)
    members: list[dict[str, Any]] = field(default_factory=list)
    responsibility: list[dict[str, Any]] = field(default_factory=list)
    attendance: list[dict[str, Any]] = field(default_factory=list)
    coverage: list[dict[str, Any]] = field(default_factory=list)
    communes: list[str] = field(default_factory=list)  # commune committee ids
    districts: list[str] = field(default_factory=list)
    provinces: list[str] = field(default_factory=list)
    commune_members: dict[str, list[str]] = field(default_factory=dict)  # commune id -> its member ids


class Generator:
    """One scenario from one preset, number of levels, quota style and seed (see `planner.scale.generate`)."""

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
            self.size = scale_to(self.size, communes, levels)
        self.rng = random.Random(f"planner-generate/{preset}/{levels}/{rules}/{seed}")
        self.names = NameMaker(self.rng)
        self.real = real_divisions() if names == "real" else None
        if names == "real" and self.real is None:
            raise ValueError(
                "--names real needs the optional package vietnam-provinces "
                "(pip install 'planner[names]'); without it, names are synthetic"
            )
        start = dt.date(year, 1, 1)
        end = month_days(f"{year:04d}-{months:02d}")[-1]
        self.start, self.end = start, end
        self.blackouts = tet_blackouts(year, start, end)
        self.calendar = Calendar(start, end, "VN", tuple(Conflict.model_validate(b) for b in self.blackouts))
        self.month_list = months_between(start, end)
        self.doc = Doc()

    def _meeting(
        self,
        day: int,
        flex: int | list[int],
        weekdays: list[str] | None = None,
        closed: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """A meeting with a possible day in every month of the window (`meeting_spec`)."""
        return meeting_spec(self.calendar, self.month_list, day, flex, weekdays, closed)

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
            un = unavailable(self.rng, self.month_list, sectors=bool(sectors))
            if un:
                m["unavailable"] = un
        self.doc.members.append(m)
        return mid

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
        res_ids, by_kind = self._cells(cid, n_cells, n_members)
        sectors_needed = [k for k in ("agency", "school", "health", "military", "police", "enterprise") if k in by_kind]
        self.doc.commune_members[cid] = self._commune_committee(cid, n_members, res_ids, by_kind, sectors_needed)
        self.doc.responsibility.extend(commune_responsibility(cid, len(res_ids), n_members, sectors_needed, self.rules))

    def _cells(self, cid: str, n_cells: int, n_members: int) -> tuple[list[str], dict[str, list[str]]]:
        """A commune's cells: agency, schools, health, military, police, maybe an enterprise; the rest
        residential. Returns the residential cell ids and the other cell ids by kind."""
        r = self.rng
        kinds: list[tuple[str, str]] = [("agency", "Chi bộ Cơ quan Đảng - Đoàn thể")]
        if n_cells >= 16:
            kinds.append(("agency", "Chi bộ Cơ quan Chính quyền"))
        n_school = 1 if n_cells < 8 else (r.randint(1, 2) if n_cells < 15 else r.randint(3, 5))
        kinds += [("school", f"Chi bộ {SCHOOL_NAMES[i]}") for i in range(n_school)]
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
        return res_ids, by_kind

    def _commune_committee(
        self, cid: str, n_members: int, res_ids: list[str], by_kind: dict[str, list[str]], sectors_needed: list[str]
    ) -> list[str]:
        """The committee: secretary, deputies, standing, executive; sectors for every non-residential kind."""
        r = self.rng
        n_standing = max(1, min(n_members, round(n_members * 0.33)))
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
        return mids

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
            for j, cname in enumerate(DISTRICT_AGENCIES, start=1):
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
        self.doc.responsibility.append(district_responsibility(did, len(mids), len(communes)))

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
        province_responsibility(self.doc, pid, mids, communes, self.levels)

    def _commune_names(self, n: int) -> list[str]:
        return [f"xã {p}" for p in self.names.places(n)]

    # ------------------------------------------------------------------------------------------ whole
    def build(self) -> dict[str, Any]:
        """The scenario as a mapping: the tree for the preset, then the quota rules, then the header keys."""
        title = self._tree()
        quota_rules(self.doc, self.rules, self.scope)
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

    def _tree(self) -> str:
        """Every unit and member of the preset (the nation, a province, a district or communes); the title."""
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
                    self.size = replace(size, communes=len(wards))  # the real map: every commune of the province
                    cnames = list(wards)
                self.province(f"p{k:02d}", pname.replace("Tỉnh ", "").replace("Thành phố ", "thành phố "), cnames)
                self.size = size
            return "cả nước"
        if self.preset in ("province",):
            pname, wards = ("Lạng Sơn", [])
            if real is not None:
                pname, wards = next(((p, w) for p, w in real if "Lạng Sơn" in p), real[0])
                pname = pname.replace("Tỉnh ", "")
            n = size.communes * max(1, size.districts)
            cnames = (list(wards[:n]) if self.levels == 2 else []) + []
            cnames += self._commune_names(n - len(cnames))
            self.province("tinh", pname, cnames)
            return f"tỉnh {pname}"
        if size.districts:  # a district (or a commune under its district), under no province committee
            dname = self.names.places(1)[0]
            self.district("huyen", dname, None, size.communes, self._commune_names(size.communes))
            return f"huyện {dname}"
        # communes after the reform, no upper level in the file
        cnames = self._commune_names(size.communes)
        if real is not None:
            pool = [w for _, ws in real for w in ws]
            self.rng.shuffle(pool)
            cnames = pool[: size.communes]
        for k in range(size.communes):
            cid = "xa" if size.communes == 1 else f"xa-{k + 1:02d}"
            self.commune(cid, cnames[k], None, self.rng.random() < size.difficult)
        return cnames[0] if size.communes == 1 else f"{size.communes} xã"
