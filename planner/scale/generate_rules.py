"""The generator's rules: each committee's responsibility rules (its members in charge of its cells or of the
communes below it) and the regulation's attendance and coverage quotas per style (``yen-bai``, ``lang-son``,
``kon-tum``), one per level or one per commune committee. Nothing here draws a random number: the rules follow
from the units and members already made."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from planner.scale.generate_tree import Doc

Scopes = list[tuple[str, dict[str, Any]]]  # (id suffix, member selector) for commune members


# ============================================================================================== responsibility
def commune_responsibility(
    cid: str, n_res: int, n_members: int, sectors_needed: list[str], rules: str
) -> list[dict[str, Any]]:
    """A commune committee's rules: villages by residence (prefer), other cells by sector (require)."""
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
    if rules == "kon-tum":
        rule["own_cell"] = "forbid"
    out: list[dict[str, Any]] = [rule]
    other = [k for k in sectors_needed]
    if other:
        out.append(
            {
                "id": f"{cid}-phu-trach-linh-vuc",
                "members": {"committee": cid},
                "units": {"under": cid, "kind": other},
                "per_unit": {"min": 1, "max": 1},
                "basis": "require",
            }
        )
    return out


def district_responsibility(did: str, n_members: int, n_communes: int) -> dict[str, Any]:
    """A district committee's members in charge of its communes (one or two each)."""
    per_unit_max = max(2, math.ceil(n_members / n_communes) + 1)
    return {
        "id": f"{did}-phu-trach-xa",
        "members": {"committee": did},
        "units": {"under": did, "kind": "commune_committee"},
        "per_unit": {"min": 1, "max": per_unit_max},
        "per_member": {"min": 1, "max": 2},
        "basis": "prefer",
    }


def province_responsibility(d: Doc, pid: str, mids: list[str], communes: list[str], levels: int) -> None:
    """A province committee's rules, appended to ``d.responsibility``: standing members in charge of its
    districts (levels 3) or of up to four communes each, the others each of a difficult commune."""
    standing = [m for m in mids if "standing" in _roles(d, m)]
    others = [m for m in mids if m not in standing]
    districts = [x for x in d.districts if x.startswith(pid + "-")]
    if standing:
        if levels == 3 and districts:
            d.responsibility.append(
                {
                    "id": f"{pid}-btv-phu-trach-huyen",
                    "members": {"committee": pid, "roles": "standing"},
                    "units": {"under": pid, "kind": "district_committee"},
                    "per_unit": {"min": 1, "max": max(2, math.ceil(len(standing) / len(districts)) + 1)},
                    "per_member": {"min": 1, "max": 1},
                }
            )
        else:
            d.responsibility.append(
                {
                    "id": f"{pid}-btv-phu-trach-xa",
                    "members": {"committee": pid, "roles": "standing"},
                    "units": {"under": pid, "kind": "commune_committee"},
                    "per_unit": {"min": 0, "max": 1},
                    "per_member": {"min": 1, "max": 4},
                }
            )
    if others:
        difficult = [c for c in communes if "difficult" in _tags(d, c)]
        sel: dict[str, Any] = {"under": pid, "kind": "commune_committee"}
        if difficult:
            sel["tags"] = "difficult"
        pool = len(difficult) or len(communes)
        d.responsibility.append(
            {
                "id": f"{pid}-uv-phu-trach-xa-kho-khan",
                "members": {"committee": pid, "roles": ["executive", "leader"]},
                "units": sel,
                "per_unit": {"min": 0, "max": max(1, math.ceil(len(others) / pool))},
                "per_member": {"min": 1, "max": 1},
            }
        )


def _roles(d: Doc, mid: str) -> list[str]:
    return next(m["roles"] for m in d.members if m["id"] == mid)


def _tags(d: Doc, uid: str) -> list[str]:
    return next(u.get("tags", []) for u in d.units if u["id"] == uid)


# ============================================================================================== quotas
def quota_rules(d: Doc, rules: str, scope: str) -> None:
    """The regulation's attendance and coverage rules (one per level, or one per committee), appended to
    ``d.attendance`` and ``d.coverage``."""
    have = {m["committee"] for m in d.members}
    levels_present = {
        "province": any(p in have for p in d.provinces),
        "district": any(x in have for x in d.districts),
        "commune": any(c in have for c in d.communes),
    }
    scopes: Scopes = []
    if scope == "committee":
        scopes = [(c, {"committee": c}) for c in d.communes if c in have]
    else:
        scopes = [("xa", {"level": "commune"})]
    prov_standing = any("standing" in m["roles"] for m in d.members if m["committee"] in d.provinces)
    prov_other = any(set(m["roles"]) & {"executive", "leader"} for m in d.members if m["committee"] in d.provinces)
    if rules == "yen-bai":
        _yen_bai_attendance(d.attendance, scopes, prov_standing, prov_other, levels_present["district"])
    elif rules == "lang-son":
        _lang_son_attendance(d.attendance, scopes, levels_present)
    else:  # kon-tum: residential cells only
        _kon_tum_attendance(d.attendance, scopes, prov_other, levels_present["district"])
    _coverage(d, rules, scope, scopes)


def _yen_bai_attendance(
    att: list[dict[str, Any]], scopes: Scopes, prov_standing: bool, prov_other: bool, district: bool
) -> None:
    """Quy định 18-QĐ/TU: province standing members once a quarter; province executive members and leaders,
    and district members, twice (one at a commune committee, one at a residential cell); communes monthly."""
    two_a_quarter = {
        "per": "quarter",
        "at_least": 2,
        "including": [
            {"units": {"kind": "commune_committee", "in_charge": True}, "at_least": 1},
            {"units": {"kind": "residential", "in_charge": True}, "at_least": 1},
        ],
    }
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
    if district:
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


def _lang_son_attendance(att: list[dict[str, Any]], scopes: Scopes, levels_present: dict[str, bool]) -> None:
    """Quy định 1764: province / district / commune members at least 1 / 2 / 4 times a year in their charge."""
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


def _kon_tum_attendance(att: list[dict[str, Any]], scopes: Scopes, prov_other: bool, district: bool) -> None:
    """Quy định 776-QĐ/TU, residential cells only: province executive members twice a year, district and
    commune members six times."""
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
    if district:
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


def _coverage(d: Doc, rules: str, scope: str, scopes: Scopes) -> None:
    """Every cell gets a visit from a committee member in charge (villages each quarter under Yên Bái's
    monthly rule, each half-year otherwise; other cells each half-year), at most 3 visitors."""
    cov = d.coverage
    kinds_other = sorted({u["kind"] for u in d.units if u.get("parent") in d.communes and u["kind"] != "residential"})
    village_per = "quarter" if rules == "yen-bai" else "half"
    for suffix, sel in scopes:
        by = sel if scope == "committee" else {"level": "commune"}
        units_r: dict[str, Any] = {"kind": "residential"}
        units_o: dict[str, Any] = {"kind": kinds_other}
        if scope == "committee":
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
        if kinds_other and rules != "kon-tum":
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
