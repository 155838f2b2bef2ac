"""The names a table or workbook may use, in one place: every column (the English field name of the scenario
format and the Vietnamese headers offices write) and every coded value (roles, unit kinds, levels, periods,
weekdays, sessions, rule kinds…), each with the labels it may be written as.

Matching is by `fold`: case, diacritics (``Ủy``/``Uỷ``/``uy``), ``đ``/``d`` and punctuation do not count, so
``Họ và tên``, ``HỌ VÀ TÊN`` and ``ho va ten`` are one header and ``Phó bí thư`` is ``pho bi thu``.

A field is a column by one line of `COLUMNS`: ``Column("path.of.field", ("Vietnamese header", …), "family")``;
the first header is the one `planner export` writes, ``family`` names the value labels of `VALUES` the cells
may use. The reader (`planner.io.tables`, `planner.io.workbook`) and the writer (`planner.outputs.workbook`)
take everything from here; docs/workbook.md lists the same names.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "fold",
    "Column",
    "COLUMNS",
    "IGNORED_HEADERS",
    "VALUES",
    "ROLE_LABELS",
    "ROLES_OFFERED",
    "SHEETS",
    "SETTINGS",
]


def fold(text: str) -> str:
    """``text`` as names are compared: no diacritics, ``đ`` as ``d``, lower case, punctuation and runs of
    spaces as one space (``"  Phó Bí thư, Đảng ủy "`` → ``"pho bi thu dang uy"``)."""
    text = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


@dataclass(frozen=True)
class Column:
    """One column of a sheet: ``path`` is the field (dots for nested fields: ``meeting.day``), ``headers`` the
    Vietnamese names (the first is written), ``family`` the key of `VALUES` whose labels its cells may use,
    ``ref`` ``unit``/``member`` when the cell names a unit or member (by id or by name), ``english`` the field's
    name in the English tables (default: the path with ``_`` for dots)."""

    path: str
    headers: tuple[str, ...]
    family: str | None = None
    ref: str | None = None
    english: str = ""
    note: str = ""  # what the cell holds, shown as the header's comment in the workbook

    @property
    def name(self) -> str:
        return self.english or self.path.replace(".", "_")

    @property
    def header(self) -> str:
        return self.headers[0]


C = Column
#: The columns of every sheet, by sheet key. Units and members are also the columns of the tables a YAML
#: scenario names (``units: units.xlsx``).
COLUMNS: dict[str, tuple[Column, ...]] = {
    "units": (
        C("id", ("Mã", "Mã chi bộ", "Mã đơn vị", "Mã tổ chức", "Ký hiệu"), note="để trống: lấy từ tên"),
        C("name", ("Tên tổ chức đảng", "Tên", "Tên chi bộ", "Tên đơn vị", "Chi bộ", "Đơn vị", "Tổ chức đảng")),
        C("kind", ("Loại", "Loại chi bộ", "Loại hình", "Loại đơn vị", "Loại hình chi bộ"), "kind"),
        C("parent", ("Trực thuộc", "Thuộc", "Cấp trên", "Đảng ủy", "Đảng bộ", "Cấp ủy cấp trên"), ref="unit"),
        C("level", ("Cấp", "Cấp hành chính"), "level", note="chỉ ghi cho đảng ủy, huyện ủy, tỉnh ủy"),
        C("tags", ("Nhãn", "Đặc điểm", "Phân loại")),
        C("meeting.day", ("Ngày họp", "Ngày sinh hoạt", "Ngày họp hằng tháng", "Ngày sinh hoạt hằng tháng")),
        C("meeting.flex", ("Xê dịch (ngày)", "Xê dịch", "Dời được (ngày)"), note="2, hoặc trước;sau như 0;3"),
        C("meeting.weekdays", ("Thứ được họp", "Các thứ được họp", "Thứ họp"), "weekday"),
        C("meeting.time", ("Giờ họp", "Giờ"), note="HH:MM, ví dụ 19:30"),
        C("meeting.session", ("Buổi họp", "Buổi"), "session"),
        C("meeting.duration", ("Thời lượng (phút)", "Thời lượng")),
        C("meeting.place", ("Địa điểm họp", "Địa điểm", "Nơi họp")),
        C("meeting.flex_when", ("Khi nào dời ngày", "Dời ngày khi"), "flex_when"),
        C("meeting.frequency", ("Họp mỗi", "Định kỳ họp"), "period", note="tháng (mặc định) hoặc quý"),
        C("meeting.months", ("Các tháng họp", "Tháng họp"), note="ví dụ 1; 4; 7; 10"),
        C("active.from", ("Hoạt động từ ngày", "Thành lập ngày"), note="thành lập, sáp nhập trong năm"),
        C("active.to", ("Hoạt động đến ngày", "Giải thể ngày"), note="giải thể, sáp nhập trong năm"),
        C("apart_from", ("Không họp cùng ngày với", "Không trùng ngày với"), ref="unit"),
        C("term", ("Nhiệm kỳ",), note="của cấp ủy, ví dụ 2025 - 2030"),
        C("superior", ("Cấp trên trực tiếp", "Tổ chức đảng cấp trên"), note="khi cấp trên không có ở trang này"),
        C("closed", ("Ngày không họp", "Không họp")),
    ),
    "members": (
        C("id", ("Mã", "Mã cấp ủy viên", "Mã đảng viên", "Mã số"), note="để trống: lấy từ họ tên"),
        C("name", ("Họ và tên", "Họ tên", "Tên", "Đồng chí", "Họ và tên đồng chí")),
        C("committee", ("Cấp ủy", "Đảng ủy", "Thuộc cấp ủy", "Cấp ủy viên của", "Ban Chấp hành"), ref="unit"),
        C("roles", ("Chức vụ Đảng", "Chức vụ", "Chức vụ trong Đảng", "Vai trò"), "role"),
        C("title", ("Chức danh", "Chức vụ chính quyền", "Chức danh chính quyền", "Chức vụ đoàn thể")),
        C("residence", ("Nơi cư trú", "Nơi ở", "Cư trú tại", "Địa bàn cư trú", "Thôn cư trú"), ref="unit"),
        C("home_cell", ("Chi bộ sinh hoạt", "Sinh hoạt tại chi bộ", "Chi bộ nơi sinh hoạt"), ref="unit"),
        C("sectors", ("Lĩnh vực phụ trách", "Lĩnh vực", "Lĩnh vực chuyên môn"), "kind"),
        C("tags", ("Nhãn", "Đặc điểm")),
        C("max_per_month", ("Tối đa mỗi tháng", "Số buổi tối đa mỗi tháng")),
        C("person", ("Người", "Mã người", "Cùng một người"), note="cùng mã: một người giữ nhiều ghế"),
        C("active.from", ("Tham gia từ ngày", "Từ ngày"), note="bầu bổ sung, chuyển đến trong năm"),
        C("active.to", ("Tham gia đến ngày", "Đến ngày"), note="nghỉ hưu, chuyển công tác trong năm"),
        C("unavailable", ("Ngày bận", "Bận", "Lịch bận")),
        C("excused", ("Ngày được miễn", "Được miễn")),
    ),
    "rules": (
        C("kind", ("Loại quy tắc", "Loại"), "rule"),
        C("id", ("Mã quy tắc", "Mã")),
        C("members.committee", ("Ai: cấp ủy", "Cấp ủy"), ref="unit"),
        C("members.roles", ("Ai: chức vụ", "Chức vụ"), "role"),
        C("units.kind", ("Ở đâu: loại", "Loại chi bộ"), "kind"),
        C("units.under", ("Ở đâu: thuộc", "Thuộc"), ref="unit"),
        C("in_charge", ("Chỉ nơi phụ trách", "Phụ trách"), "bool", note="dự/bao phủ: chỉ tính chi bộ được phân công"),
        C("per", ("Mỗi", "Kỳ"), "period"),
        C("at_least", ("Ít nhất", "Tối thiểu")),
        C("at_most", ("Nhiều nhất", "Tối đa")),
        C("including", ("Trong đó", "Trong đó ít nhất"), note="loại: số; ví dụ: đảng ủy xã: 1; khu dân cư: 1"),
        C("per_member.min", ("Mỗi người ít nhất", "Mỗi đồng chí ít nhất"), note="phụ trách: số đơn vị mỗi người"),
        C("per_member.max", ("Mỗi người nhiều nhất", "Mỗi đồng chí nhiều nhất")),
        C("basis", ("Căn cứ phân công", "Theo"), "basis"),
        C(
            "own_cell",
            ("Chi bộ mình sinh hoạt", "Chi bộ của mình"),
            "own_cell",
            note="phụ trách: được/không được; dự, được dự: tính/không tính",
        ),
        C("source", ("Văn bản", "Căn cứ")),
        C("members.level", ("Ai: cấp", "Cấp của người"), "level"),
        C("members.tags", ("Ai: nhãn", "Nhãn người")),
        C("members.ids", ("Ai: từng người", "Những đồng chí"), ref="member"),
        C("members.not.roles", ("Ai: trừ chức vụ",), "role"),
        C("members.not.ids", ("Ai: trừ những đồng chí",), ref="member"),
        C("units.level", ("Ở đâu: cấp", "Cấp của đơn vị"), "level"),
        C("units.tags", ("Ở đâu: nhãn", "Nhãn đơn vị")),
        C("units.ids", ("Ở đâu: từng đơn vị", "Những đơn vị"), ref="unit"),
        C("units.not.kind", ("Ở đâu: trừ loại",), "kind"),
        C("units.not.ids", ("Ở đâu: trừ những đơn vị",), ref="unit"),
    ),
    "calendar": (
        C("kind", ("Loại", "Loại ngày"), "calendar"),
        C("owner", ("Áp dụng cho", "Đơn vị hoặc đồng chí", "Ai hoặc ở đâu")),
        C("date", ("Ngày",)),
        C("from", ("Từ ngày",)),
        C("to", ("Đến ngày",)),
        C("weekdays", ("Các thứ", "Thứ"), "weekday"),
        C("reason", ("Lý do", "Nội dung")),
    ),
    "fixed": (
        C("kind", ("Loại", "Loại cố định"), "fixed"),
        C("member", ("Đồng chí", "Họ và tên", "Cấp ủy viên"), ref="member"),
        C("unit", ("Chi bộ", "Đơn vị", "Tổ chức đảng"), ref="unit"),
        C("month", ("Tháng",)),
        C("date", ("Ngày",)),
        C("time", ("Giờ",)),
        C("session", ("Buổi",), "session"),
        C("place", ("Địa điểm",)),
        C("value", ("Có", "Có/Không", "Có hay không"), "bool", note="phụ trách/dự: Có hoặc Không"),
    ),
    "sources": (
        C("id", ("Mã", "Mã văn bản")),
        C("kind", ("Loại văn bản", "Loại")),
        C("number", ("Số, ký hiệu", "Số hiệu", "Số")),
        C("date", ("Ngày ban hành", "Ngày")),
        C("issuer", ("Cơ quan ban hành", "Nơi ban hành")),
        C("title", ("Trích yếu", "Tên văn bản", "Nội dung")),
        C("valid_from", ("Hiệu lực từ",)),
        C("valid_to", ("Hiệu lực đến",)),
    ),
}
del C

#: Headers of columns that are read and ignored (numbering and the columns a roster keeps for other uses).
IGNORED_HEADERS = (
    "STT",
    "TT",
    "Số TT",
    "Số thứ tự",
    "No",
    "Ghi chú",
    "Note",
    "Notes",
    "Ngày sinh",
    "Năm sinh",
    "Giới tính",
    "Dân tộc",
    "Tôn giáo",
    "Quê quán",
    "Trình độ",
    "Trình độ chuyên môn",
    "Trình độ lý luận chính trị",
    "Lý luận chính trị",
    "Số điện thoại",
    "Điện thoại",
    "Email",
    "Ngày vào Đảng",
    "Ký nhận",
)

#: The sheets of a workbook: key → names (the first is written; any of them, folded, is read).
SHEETS: dict[str, tuple[str, ...]] = {
    "guide": ("Hướng dẫn", "Huong dan", "Guide"),
    "settings": ("Thiết lập", "Cài đặt", "Settings"),
    "units": ("Đơn vị", "Chi bộ", "Tổ chức đảng", "Units"),
    "members": ("Cấp ủy viên", "Đảng viên", "Danh sách", "Members"),
    "rules": ("Quy tắc", "Quy định", "Rules"),
    "calendar": ("Lịch", "Lịch nghỉ", "Calendar"),
    "fixed": ("Cố định", "Ghim", "Fixed", "Pins"),
    "sources": ("Văn bản", "Căn cứ", "Sources"),
}

#: The rows of the settings sheet: path of the scenario → labels (the first is written), value family.
SETTINGS: tuple[tuple[str, tuple[str, ...], str | None], ...] = (
    ("name", ("Tên kế hoạch", "Tên", "Tiêu đề"), None),
    ("year", ("Năm", "Năm kế hoạch"), None),
    ("period.start", ("Từ ngày", "Bắt đầu"), None),
    ("period.end", ("Đến ngày", "Kết thúc"), None),
    ("calendar.public_holidays", ("Ngày lễ theo", "Nghỉ lễ"), None),
    ("limits.meetings_per_day", ("Số buổi dự tối đa mỗi ngày", "Số buổi mỗi ngày"), None),
    ("limits.own_meetings_busy", ("Bận ngày họp cấp ủy mình", "Bận khi cấp ủy mình họp"), "bool"),
    ("frozen_until", ("Giữ nguyên đến tháng", "Đóng băng đến tháng"), None),
    ("weights.residence", ("Trọng số: phụ trách theo nơi cư trú",), None),
    ("weights.sector", ("Trọng số: phụ trách theo lĩnh vực",), None),
    ("weights.shift", ("Trọng số: mỗi ngày dời lịch họp",), None),
    ("weights.visit", ("Trọng số: mỗi buổi dự",), None),
    ("weights.balance", ("Trọng số: chênh lệch giữa các đồng chí",), None),
    ("weights.stability", ("Trọng số: giữ nguyên phân công cũ",), None),
)

#: Party roles as written: label → the roles it means. A secretary and a deputy secretary sit on the standing
#: committee (Ban Thường vụ), so their labels mean that role too. A label may be followed by the committee's
#: name ("Bí thư Đảng ủy xã", "Ủy viên BCH Đảng bộ"). The first label of each tuple of roles is written.
ROLE_LABELS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Bí thư", ("secretary", "standing")),
    ("Phó Bí thư", ("deputy_secretary", "standing")),
    ("Phó Bí thư Thường trực", ("deputy_secretary", "standing")),
    ("Ủy viên BTV", ("standing",)),
    ("Ủy viên Ban Thường vụ", ("standing",)),
    ("Thường vụ", ("standing",)),
    ("Ủy viên BCH", ("executive",)),
    ("Ủy viên Ban Chấp hành", ("executive",)),
    ("Đảng ủy viên", ("executive",)),
    ("Cấp ủy viên", ("executive",)),
    ("Huyện ủy viên", ("executive",)),
    ("Quận ủy viên", ("executive",)),
    ("Thị ủy viên", ("executive",)),
    ("Thành ủy viên", ("executive",)),
    ("Tỉnh ủy viên", ("executive",)),
    ("Cán bộ lãnh đạo quản lý", ("leader",)),
    ("Cán bộ lãnh đạo", ("leader",)),
    ("Lãnh đạo quản lý", ("leader",)),
    ("secretary", ("secretary",)),
    ("deputy_secretary", ("deputy_secretary",)),
    ("standing", ("standing",)),
    ("executive", ("executive",)),
    ("leader", ("leader",)),
)

#: What may follow a role label: the committee it is a role of ("Bí thư Đảng ủy xã Thượng Sơn").
ROLE_QUALIFIERS = ("dang uy", "dang bo", "huyen uy", "quan uy", "thi uy", "thanh uy", "tinh uy", "cap uy", "ban")

#: Coded values: family → code → labels (the first is written; the code itself is read too).
VALUES: dict[str, dict[str, tuple[str, ...]]] = {
    "kind": {
        "residential": (
            "khu dân cư",
            "thôn",
            "bản",
            "làng",
            "xóm",
            "ấp",
            "buôn",
            "sóc",
            "tổ dân phố",
            "tdp",
            "khối",
            "khu phố",
            "khu",
            "thôn bản",
            "địa bàn dân cư",
        ),
        "agency": ("cơ quan", "cơ quan xã", "cơ quan phường", "cơ quan đảng", "khối cơ quan", "cơ quan chính quyền"),
        "school": (
            "trường học",
            "trường",
            "giáo dục",
            "trường mầm non",
            "trường tiểu học",
            "trường thcs",
            "trường thpt",
        ),
        "health": ("y tế", "trạm y tế", "bệnh viện", "trung tâm y tế"),
        "military": ("quân sự", "ban chỉ huy quân sự", "quân đội", "bộ đội biên phòng", "đồn biên phòng"),
        "police": ("công an", "công an xã", "công an phường"),
        "enterprise": ("doanh nghiệp", "công ty", "hợp tác xã", "htx"),
        "commune_committee": (
            "đảng ủy xã",
            "đảng ủy phường",
            "đảng ủy thị trấn",
            "đảng ủy đặc khu",
            "đảng ủy cơ sở",
            "đảng bộ xã",
            "đảng bộ phường",
            "đảng bộ cơ sở",
        ),
        "district_committee": ("huyện ủy", "quận ủy", "thị ủy", "đảng bộ huyện"),
        "province_committee": ("tỉnh ủy", "đảng bộ tỉnh"),
    },
    "level": {
        "commune": ("xã", "phường", "thị trấn", "đặc khu", "cấp xã", "cơ sở", "cấp cơ sở"),
        "district": ("huyện", "quận", "thị xã", "cấp huyện"),
        "province": ("tỉnh", "thành phố trực thuộc trung ương", "cấp tỉnh"),
    },
    "period": {
        "month": ("tháng", "hằng tháng", "hàng tháng", "mỗi tháng"),
        "quarter": ("quý", "hằng quý", "hàng quý", "mỗi quý"),
        "half": ("6 tháng", "sáu tháng", "nửa năm", "mỗi 6 tháng"),
        "year": ("năm", "hằng năm", "hàng năm", "mỗi năm"),
    },
    "weekday": {
        "mon": ("thứ hai", "thứ 2", "t2"),
        "tue": ("thứ ba", "thứ 3", "t3"),
        "wed": ("thứ tư", "thứ 4", "t4"),
        "thu": ("thứ năm", "thứ 5", "t5"),
        "fri": ("thứ sáu", "thứ 6", "t6"),
        "sat": ("thứ bảy", "thứ 7", "t7"),
        "sun": ("chủ nhật", "cn"),
    },
    "session": {
        "morning": ("sáng", "buổi sáng"),
        "afternoon": ("chiều", "buổi chiều"),
        "evening": ("tối", "buổi tối"),
    },
    "bool": {
        "true": ("có", "x", "đúng", "yes", "1", "✓", "v"),
        "false": ("không", "sai", "no", "0"),
    },
    "basis": {
        "require": ("bắt buộc", "chỉ theo nơi cư trú hoặc lĩnh vực"),
        "prefer": ("ưu tiên", "ưu tiên nơi cư trú hoặc lĩnh vực"),
        "ignore": ("không xét", "bỏ qua"),
    },
    "own_cell": {
        "allow": ("được", "được phụ trách", "cho phép"),
        "forbid": ("không được", "không được phụ trách", "cấm"),
        "count": ("tính", "có tính", "được tính"),
        "exclude": ("không tính", "không được tính"),
    },
    "flex_when": {
        "always": ("trong khoảng xê dịch", "luôn", "bất kỳ"),
        "blocked": ("khi trùng ngày nghỉ", "khi bị trùng"),
        "next": ("ngày làm việc kế tiếp", "ngày làm việc tiếp theo", "ngày kế tiếp"),
    },
    "rule": {
        "responsibility": ("phụ trách", "phân công phụ trách", "trách nhiệm"),
        "attendance": ("dự sinh hoạt", "dự", "số buổi dự"),
        "coverage": ("chi bộ được dự", "bao phủ", "số người dự mỗi chi bộ"),
    },
    "calendar": {
        "blackout": ("nghỉ chung", "ngày nghỉ", "toàn đảng bộ nghỉ"),
        "closed": ("chi bộ không họp", "không họp", "đơn vị không họp"),
        "unavailable": ("đồng chí bận", "bận", "vắng"),
        "excused": ("đồng chí được miễn", "được miễn", "miễn", "nghỉ phép"),
    },
    "fixed": {
        "charge": ("phụ trách", "giao phụ trách"),
        "attend": ("dự", "dự sinh hoạt"),
        "date": ("ngày họp", "lịch họp"),
    },
}


def label(family: str, code: str) -> str:
    """The label written for ``code`` (the code itself when it has none: a unit kind of the user's own)."""
    labels = VALUES.get(family, {}).get(code)
    return labels[0] if labels else code


def value_index(family: str) -> dict[str, str]:
    """Folded label or code → code, for one family."""
    out: dict[str, str] = {}
    for code, labels in VALUES[family].items():
        out.setdefault(fold(code), code)
        for text in labels:
            out.setdefault(fold(text), code)
    return out


def header_index(sheet: str) -> dict[str, Column | None]:
    """Folded header (Vietnamese or English) → its column, for one sheet; ignored headers map to None."""
    out: dict[str, Column | None] = {}
    for col in COLUMNS[sheet]:
        for text in (col.name, col.path, *col.headers):
            out.setdefault(fold(text), col)
    for text in IGNORED_HEADERS:
        out.setdefault(fold(text), None)
    return out


#: The role labels the workbook offers in its drop-down list.
ROLES_OFFERED = (
    "Bí thư",
    "Phó Bí thư",
    "Phó Bí thư Thường trực",
    "Ủy viên BTV",
    "Ủy viên BCH",
    "Cán bộ lãnh đạo quản lý",
)
