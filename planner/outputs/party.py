"""The names a party document gives a committee, by its level (Hướng dẫn 36-HD/VPTW).

A committee unit ("Đảng ủy xã Tương Dương", "Huyện ủy Hữu Lũng", "Tỉnh ủy Yên Bái") is the *committee*
(cấp ủy) of a party *organisation* (đảng bộ: "Đảng bộ xã Tương Dương"). Its documents are numbered with the
suffix of its level (QĐ/ĐU, QĐ/HU, QĐ/TU), carry the name of the organisation above it on the heading's first
line ("ĐẢNG BỘ TỈNH LẠNG SƠN"; none for a province: its superior is the Central Committee), and are filed by
its office (Văn phòng Đảng ủy, Văn phòng Huyện ủy, Văn phòng Tỉnh ủy).
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.instance import Instance

# (prefix of a committee's name, the organisation's word, the committee's short word)
_COMMITTEE_PREFIXES = (
    ("Đảng ủy xã ", "Đảng bộ xã ", "Đảng ủy"),
    ("Đảng ủy phường ", "Đảng bộ phường ", "Đảng ủy"),
    ("Đảng ủy thị trấn ", "Đảng bộ thị trấn ", "Đảng ủy"),
    ("Đảng ủy đặc khu ", "Đảng bộ đặc khu ", "Đảng ủy"),
    ("Tỉnh ủy ", "Đảng bộ tỉnh ", "Tỉnh ủy"),
    ("Thành ủy ", "Đảng bộ thành phố ", "Thành ủy"),
    ("Huyện ủy ", "Đảng bộ huyện ", "Huyện ủy"),
    ("Quận ủy ", "Đảng bộ quận ", "Quận ủy"),
    ("Thị ủy ", "Đảng bộ thị xã ", "Thị ủy"),
    ("Đảng ủy ", "Đảng bộ ", "Đảng ủy"),
)
# (prefix of an organisation's name, the committee's name prefix)
_ORGANISATION_PREFIXES = (
    ("Đảng bộ xã ", "Đảng ủy xã "),
    ("Đảng bộ phường ", "Đảng ủy phường "),
    ("Đảng bộ thị trấn ", "Đảng ủy thị trấn "),
    ("Đảng bộ đặc khu ", "Đảng ủy đặc khu "),
    ("Đảng bộ tỉnh ", "Tỉnh ủy "),
    ("Đảng bộ thành phố ", "Thành ủy "),
    ("Đảng bộ huyện ", "Huyện ủy "),
    ("Đảng bộ quận ", "Quận ủy "),
    ("Đảng bộ thị xã ", "Thị ủy "),
    ("Đảng bộ ", "Đảng ủy "),
)
_LEVEL_WORDS = {  # level → (suffix of the number, committee word, organisation word, executive member's title)
    "province": ("TU", "Tỉnh ủy", "Đảng bộ tỉnh ", "Tỉnh ủy viên"),
    "district": ("HU", "Huyện ủy", "Đảng bộ huyện ", "Huyện ủy viên"),
    "commune": ("ĐU", "Đảng ủy", "Đảng bộ xã ", "Đảng ủy viên"),
}


def _strip(name: str, prefix: str) -> str | None:
    return name[len(prefix) :].strip() if name.lower().startswith(prefix.lower()) else None


def organisation_of(committee_name: str, level: str | None) -> str:
    """ "Huyện ủy Hữu Lũng" → "Đảng bộ huyện Hữu Lũng"; a name that already is an organisation stays."""
    if committee_name.lower().startswith("đảng bộ"):
        return committee_name
    for prefix, org, _ in _COMMITTEE_PREFIXES:
        rest = _strip(committee_name, prefix)
        if rest is not None:
            return org + rest
    return _LEVEL_WORDS.get(level or "commune", _LEVEL_WORDS["commune"])[2] + committee_name


def committee_of(organisation_name: str) -> str:
    """ "Đảng bộ tỉnh Nghệ An" → "Tỉnh ủy Nghệ An" (a committee's name stays)."""
    for prefix, com in _ORGANISATION_PREFIXES:
        rest = _strip(organisation_name, prefix)
        if rest is not None:
            return com + rest
    return organisation_name


def place_of(name: str) -> str:
    """The place in a committee's or organisation's name: "Đảng ủy xã Thượng Sơn" → "Thượng Sơn"."""
    for prefix, org, _ in _COMMITTEE_PREFIXES:
        for p in (prefix, org):
            rest = _strip(name, p)
            if rest is not None:
                return rest
    for p in ("Ban Thường vụ ",):
        rest = _strip(name, p)
        if rest is not None:
            return place_of(rest)
    return name


@dataclass(frozen=True)
class Committee:
    """A committee that issues a decision, with every name its documents need."""

    id: str
    name: str  # as in the scenario: "Đảng ủy xã Tương Dương"
    level: str  # province | district | commune
    organisation: str  # "Đảng bộ xã Tương Dương"
    superior: str  # the organisation above: "Đảng bộ tỉnh Nghệ An"; "" for a province or when unknown
    term: str  # "2025 - 2030", or ""

    @property
    def suffix(self) -> str:
        return _LEVEL_WORDS[self.level][0]

    @property
    def word(self) -> str:
        """Đảng ủy, Huyện ủy, Tỉnh ủy: the committee's short name inside its own documents."""
        for prefix, _, word in _COMMITTEE_PREFIXES:
            if self.name.lower().startswith(prefix.lower()):
                return word
        return _LEVEL_WORDS[self.level][1]

    @property
    def executive_title(self) -> str:
        return {"Thành ủy": "Thành ủy viên", "Quận ủy": "Quận ủy viên", "Thị ủy": "Thị ủy viên"}.get(
            self.word, _LEVEL_WORDS[self.level][3]
        )

    @property
    def place(self) -> str:
        return place_of(self.name)

    @property
    def office(self) -> str:
        return f"Văn phòng {self.word}"

    @property
    def proposer(self) -> str:
        """Who proposes the assignment: the office at commune level, the organisation board above."""
        return self.office if self.level == "commune" else f"Ban Tổ chức {self.word}"

    @property
    def superior_committee(self) -> str:
        """The standing committee the decision is reported to ("Ban Thường vụ Tỉnh ủy Nghệ An"), or ""."""
        return f"Ban Thường vụ {committee_of(self.superior)}" if self.superior else ""


def committee_info(inst: Instance, cid: str) -> Committee:
    unit = inst.units[cid]
    level = inst.unit_level(cid) or "commune"
    if level not in _LEVEL_WORDS:
        level = "commune"
    superior = ""
    if unit.superior:
        superior = organisation_of(unit.superior, None)
    elif unit.parent and unit.parent in inst.units and level != "province":
        parent = inst.units[unit.parent]
        superior = organisation_of(parent.name, inst.unit_level(parent.id))
    return Committee(cid, unit.name, level, organisation_of(unit.name, level), superior, unit.term or "")
