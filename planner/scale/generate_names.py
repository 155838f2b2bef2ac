"""The generator's names: Vietnamese-looking people (surname, middle and given name by sex) and places (two
syllables, each used once per call), `slug` for ASCII ids, and `real_divisions`, the province and commune
names of the 2025 map from the optional ``vietnam-provinces`` package (``--names real``)."""

from __future__ import annotations

import random
import re

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


class NameMaker:
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


def real_divisions() -> list[tuple[str, list[str]]] | None:
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
