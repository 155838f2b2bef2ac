"""Human-facing words of the outputs, in English and Vietnamese (``--lang en|vi``).

The CSV contract headers never go through here: they stay as the contract specifies. The DOCX decision is
always Vietnamese and takes its text from ``templates/decision.vi.yaml``; the words below serve its tables.
"""

from __future__ import annotations

import datetime as dt

LANGS = ("vi", "en")

# key: (en, vi)
_WORDS: dict[str, tuple[str, str]] = {
    # titles and sections
    "report": ("Assignment plan", "Kế hoạch phân công"),
    "summary": ("Summary", "Tổng hợp"),
    "decision": ("Assignment", "Phân công"),
    "calendar": ("Calendar", "Lịch"),
    "attendance": ("Attendance", "Dự sinh hoạt"),
    "meetings": ("Meetings", "Lịch họp"),
    "quotas": ("Quotas", "Định mức"),
    "coverage": ("Coverage", "Bao phủ"),
    "heatmap": ("Meetings attended, member × month", "Số buổi dự sinh hoạt, theo đồng chí và tháng"),
    "by_month": ("Who attends where, month by month", "Ai dự ở đâu, theo từng tháng"),
    "by_member": ("Members", "Cấp ủy viên"),
    "by_unit": ("Units", "Chi bộ"),
    "objective_terms": ("Objective terms", "Các thành phần mục tiêu"),
    # columns
    "no": ("No.", "STT"),
    "member": ("Member", "Đồng chí"),
    "member_id": ("Member id", "Mã cấp ủy viên"),
    "role": ("Role", "Chức vụ"),
    "committee": ("Committee", "Cấp ủy"),
    "unit": ("Unit", "Chi bộ"),
    "unit_id": ("Unit id", "Mã chi bộ"),
    "kind": ("Kind", "Loại"),
    "parent": ("Under", "Trực thuộc"),
    "basis": ("Basis", "Cơ sở phân công"),
    "in_charge_of": ("In charge of", "Phụ trách"),
    "in_charge": ("In charge", "Người phụ trách"),
    "month": ("Month", "Tháng"),
    "date": ("Date", "Ngày"),
    "preferred_date": ("Regular day", "Ngày họp thường kỳ"),
    "shift": ("Days moved", "Số ngày dời"),
    "attendees": ("Attending", "Đồng chí dự"),
    "attendances": ("Attendances", "Số buổi dự"),
    "visits": ("Visits", "Số lượt dự"),
    "rule": ("Rule", "Quy định"),
    "period": ("Period", "Kỳ"),
    "required": ("Required", "Yêu cầu"),
    "at_least": ("At least", "Tối thiểu"),
    "at_most": ("At most", "Tối đa"),
    "planned": ("Planned", "Theo kế hoạch"),
    "state": ("State", "Tình trạng"),
    "months_without": ("Months without a visit", "Tháng không có người dự"),
    "term": ("Term", "Thành phần"),
    "count": ("Count", "Số lượng"),
    "weight": ("Weight", "Trọng số"),
    "contribution": ("Contribution", "Đóng góp"),
    "total": ("Total", "Tổng"),
    "field": ("Field", "Mục"),
    "value": ("Value", "Giá trị"),
    "quota": ("Per period vs quota", "Theo kỳ so với định mức"),
    # summary fields
    "scenario": ("Scenario", "Kịch bản"),
    "window": ("Planning window", "Thời gian kế hoạch"),
    "status": ("Status", "Trạng thái"),
    "objective": ("Objective", "Giá trị mục tiêu"),
    "bound": ("Best possible (bound)", "Mức tốt nhất có thể (cận)"),
    "gap": ("Short of the best possible (gap)", "Còn cách mức tốt nhất có thể"),
    "bound_explained": (
        "Best possible (bound): no plan can reach a higher objective than this, as the solver has proven. Short "
        "of the best possible (gap): how far, in per cent, this plan may still be below it; 0 % means the plan "
        "is proven the best.",
        "Mức tốt nhất có thể (cận): bộ giải đã chứng minh không kế hoạch nào đạt giá trị mục tiêu cao hơn mức "
        "này. Còn cách mức tốt nhất có thể: kế hoạch này có thể còn kém mức đó bao nhiêu phần trăm; 0 % nghĩa "
        "là đã chứng minh kế hoạch tốt nhất.",
    ),
    "seconds": ("Solve time (s)", "Thời gian giải (giây)"),
    "scenario_sha256": ("Scenario hash (SHA-256)", "Mã băm kịch bản (SHA-256)"),
    "seed": ("Seed", "Hạt giống ngẫu nhiên"),
    "n_members": ("Members", "Số cấp ủy viên"),
    "n_units": ("Units with a meeting", "Số chi bộ có sinh hoạt"),
    "n_charges": ("Charges", "Số lượt phân công phụ trách"),
    "n_attendances": ("Attendances", "Tổng số buổi dự"),
    "verify": ("Check (verify)", "Kiểm tra (verify)"),
    "verify_ok": ("every rule holds", "đạt mọi quy định"),
    "verify_bad": ("{n} violations", "{n} vi phạm"),
    "generated": ("Generated", "Lập lúc"),
    "none": ("–", "–"),
    "unknown": ("unknown", "chưa rõ"),
    # quota states
    "ok": ("ok", "đạt"),
    "tight": ("tight", "vừa đủ"),
    "below": ("below", "thiếu"),
    "above": ("above", "vượt"),
    # calendar event
    "event_attend": ("Attend the meeting of {unit}", "Dự sinh hoạt {unit}"),
    "event_parent": ("Under: {parent}", "Trực thuộc: {parent}"),
    "event_kind": ("Kind: {kind}", "Loại chi bộ: {kind}"),
    "event_regular": ("Regular day: {date}", "Ngày họp thường kỳ: {date}"),
    "event_charge": ("You are in charge of this unit ({basis}).", "Đồng chí phụ trách chi bộ này ({basis})."),
    "event_plan": ("Plan: {name}", "Kế hoạch: {name}"),
    "event_own_cell": (
        "This is your own cell (where you are a party member).",
        "Đây là chi bộ nơi đồng chí sinh hoạt.",
    ),
    "calendar_name": ("{member} — meetings to attend", "{member} — lịch dự sinh hoạt chi bộ"),
    # format v2: own cells, part-time service, work teams
    "own_cell": ("(own cell)", "(chi bộ nơi sinh hoạt)"),
    "note": ("Note", "Ghi chú"),
    "serving": ("Serving", "Thời gian đảm nhiệm"),
    "serves_from": ("from {date}", "từ {date}"),
    "serves_to": ("until {date}", "đến {date}"),
    "excused": ("excused {when}", "nghỉ {when}"),
    "excused_month": ("excused", "nghỉ"),
    "not_yet": ("not serving yet, from {date}", "chưa đảm nhiệm, từ {date}"),
    "no_longer": ("no longer serving, until {date}", "thôi đảm nhiệm, đến {date}"),
    "prorated": ("prorated", "tính theo thời gian đảm nhiệm"),
    "note_prorated": ("prorated: serves {served} of {months} months", "tính theo {served}/{months} tháng đảm nhiệm"),
    "note_unit_prorated": (
        "prorated: the unit is active {served} of {months} months",
        "tính theo {served}/{months} tháng chi bộ hoạt động",
    ),
    "note_own_excluded": ("own cell not counted ({unit})", "không tính chi bộ nơi sinh hoạt ({unit})"),
    "own_not_counted": ("own cell not counted", "không tính chi bộ nơi sinh hoạt"),
    "teams": ("Work teams", "Tổ công tác"),
    "team": ("Work team", "Tổ công tác"),
    "team_leader": ("(leader)", "(tổ trưởng)"),
    "with_team": ("with {team}", "cùng {team}"),
    "seats": ("Seats", "Các cương vị"),
    "no_meeting": ("no meeting", "không họp"),
    "legend": ("darker: more meetings that month", "màu đậm hơn: nhiều buổi hơn trong tháng"),
}

_STATUS = {
    "optimal": ("optimal (proven best)", "tối ưu (đã chứng minh)"),
    "feasible": ("feasible (not proven best)", "khả thi (chưa chứng minh tối ưu)"),
    "infeasible": ("infeasible", "không khả thi"),
    "unknown": ("no plan found", "chưa tìm được kế hoạch"),
    "hand-made": ("drafted by hand (no summary.json)", "lập thủ công (không có summary.json)"),
    "edited": ("edited by hand after solving", "đã chỉnh sửa thủ công sau khi lập"),
}

ROLE_ORDER = ("secretary", "deputy_secretary", "standing", "executive", "leader")
_ROLES = {
    "secretary": ("Secretary", "Bí thư"),
    "deputy_secretary": ("Deputy secretary", "Phó Bí thư"),
    "standing": ("Standing committee member", "Ủy viên Ban Thường vụ"),
    "executive": ("Executive committee member", "Ủy viên Ban Chấp hành"),
    "leader": ("Leader / manager", "Cán bộ lãnh đạo, quản lý"),
}
_KINDS = {
    "province_committee": ("province committee", "tỉnh ủy"),
    "district_committee": ("district committee", "huyện ủy"),
    "commune_committee": ("commune committee", "đảng ủy xã"),
    "residential": ("residential", "khu dân cư"),
    "agency": ("commune agency", "cơ quan"),
    "school": ("school", "trường học"),
    "military": ("military", "quân sự"),
    "police": ("police", "công an"),
    "health": ("health", "y tế"),
    "enterprise": ("enterprise", "doanh nghiệp"),
    "household": ("household", "hộ gia đình"),
}
_BASES = {
    "residence": ("residence", "nơi cư trú"),
    "sector": ("sector", "lĩnh vực"),
    "none": ("other", "khác"),
    "team": ("with the work team", "cùng tổ công tác"),
}
_TERMS = {
    "residence": ("charges by residence", "phụ trách theo nơi cư trú"),
    "sector": ("charges by sector", "phụ trách theo lĩnh vực"),
    "shift": ("days meetings are moved", "số ngày dời lịch họp"),
    "visit": ("attendances", "số buổi dự"),
    "balance": ("imbalance between members", "chênh lệch giữa các đồng chí"),
    "stability": ("changes from the baseline", "thay đổi so với kế hoạch gốc"),
    "moved": ("meetings moved from the baseline date", "buổi sinh hoạt đổi ngày so với kế hoạch gốc"),
}
_PERIODS = {
    "month": ("a month", "mỗi tháng"),
    "quarter": ("a quarter", "mỗi quý"),
    "half": ("a half-year", "mỗi 6 tháng"),
    "year": ("a year", "mỗi năm"),
}


class Labels:
    """``L = Labels("vi"); L("member")`` → "Đồng chí"; unknown keys come back as they are."""

    def __init__(self, lang: str = "vi"):
        if lang not in LANGS:
            raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGS)}")
        self.lang = lang
        self._i = 1 if lang == "vi" else 0

    def __call__(self, key: str, **kw: object) -> str:
        pair = _WORDS.get(key)
        text = pair[self._i] if pair else key
        return text.format(**kw) if kw else text

    def _pick(self, table: dict[str, tuple[str, str]], key: str) -> str:
        pair = table.get(key)
        return pair[self._i] if pair else key

    def status(self, s: str) -> str:
        return self._pick(_STATUS, s)

    def role(self, r: str) -> str:
        return self._pick(_ROLES, r)

    def roles(self, roles: tuple[str, ...]) -> str:
        ordered = sorted(roles, key=lambda r: ROLE_ORDER.index(r) if r in ROLE_ORDER else len(ROLE_ORDER))
        return ", ".join(self.role(r) for r in ordered) or "–"

    def kind(self, k: str) -> str:
        return self._pick(_KINDS, k)

    def basis(self, b: str) -> str:
        return self._pick(_BASES, b)

    def term(self, t: str) -> str:
        return self._pick(_TERMS, t)

    def per(self, p: str) -> str:
        return self._pick(_PERIODS, p)

    def month(self, month: str) -> str:
        """``2026-03`` → "Tháng 3/2026" / "March 2026"."""
        y, m = int(month[:4]), int(month[5:7])
        if self.lang == "vi":
            return f"Tháng {m}/{y}"
        return dt.date(y, m, 1).strftime("%B %Y")

    def month_short(self, month: str) -> str:
        y, m = int(month[:4]), int(month[5:7])
        return f"T{m}" if self.lang == "vi" else dt.date(y, m, 1).strftime("%b")

    def date(self, d: dt.date) -> str:
        return d.strftime("%d/%m/%Y") if self.lang == "vi" else d.isoformat()

    def day_month(self, d: dt.date) -> str:
        return d.strftime("%d/%m") if self.lang == "vi" else d.strftime("%b %d").replace(" 0", " ")

    def weekday(self, d: dt.date) -> str:
        if self.lang == "vi":
            return ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")[d.weekday()]
        return d.strftime("%A")

    @property
    def date_format(self) -> str:
        """The Excel number format of a date."""
        return "dd/mm/yyyy" if self.lang == "vi" else "yyyy-mm-dd"
