"""The diagnosis in words, in English or Vietnamese: which rules clash, the calendar facts behind the clash, and
what would make the scenario feasible.

Every sentence names the rule ids, members and units by name and id, the periods and the days, with the
numbers. It reads the `Instance`, the `Diagnosis` and the counting facts of `planner.precheck`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from planner.calendar import Month, PeriodSlot, month_of
from planner.checks.diagnose import Diagnosis, Shortfall, Suggestion
from planner.instance import CountSpec, Instance
from planner.model.context import RuleKey
from planner.checks.precheck import Counter, Finding, MonthCapacity
from planner.scenario import UnitSelector

LANGS = ("en", "vi")

_WEEKDAYS = {"en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
             "vi": ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")}
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_ROMAN = {"1": "I", "2": "II", "3": "III", "4": "IV"}
_KINDS = {
    "residential": ("residential cells", "chi bộ khu dân cư"),
    "agency": ("agency cells", "chi bộ cơ quan"),
    "school": ("school cells", "chi bộ trường học"),
    "military": ("military cells", "chi bộ quân sự"),
    "police": ("police cells", "chi bộ công an"),
    "health": ("health cells", "chi bộ y tế"),
    "enterprise": ("enterprise cells", "chi bộ doanh nghiệp"),
    "commune_committee": ("commune committees", "đảng ủy xã"),
    "district_committee": ("district committees", "huyện ủy"),
    "province_committee": ("province committees", "tỉnh ủy"),
}


class Words:
    """Names, dates, periods and plurals in one language."""

    def __init__(self, inst: Instance, lang: str):
        if lang not in LANGS:
            raise ValueError(f"language {lang!r}: use one of {', '.join(LANGS)}")
        self.inst, self.lang = inst, lang

    def t(self, en: str, vi: str) -> str:
        return vi if self.lang == "vi" else en

    # ------------------------------------------------------------------------------------------ things
    def member(self, mid: str) -> str:
        m = self.inst.members.get(mid)
        name = f"{m.name} ({mid})" if m is not None else mid
        return self.t(name, f"đồng chí {name}")

    def unit(self, uid: str) -> str:
        u = self.inst.units.get(uid)
        return f"{u.name} ({uid})" if u is not None else uid

    def listing(self, items: list[str], most: int = 4) -> str:
        if len(items) > most:
            items = items[:most - 1] + ["…", items[-1]]
            return ", ".join(items)
        if len(items) <= 1:
            return "".join(items)
        return ", ".join(items[:-1]) + self.t(" and ", " và ") + items[-1]

    def units(self, uids, most: int = 4) -> str:
        ordered = sorted(uids, key=lambda u: self.inst.unit_order.get(u, 0))
        return self.listing([self.unit(u) for u in ordered], most)

    def members(self, mids, most: int = 4) -> str:
        ordered = sorted(mids, key=lambda m: self.inst.member_order.get(m, 0))
        if self.lang == "vi":
            names = [self.member(m).removeprefix("đồng chí ") for m in ordered]
            return ("các đồng chí " if len(names) > 1 else "đồng chí ") + self.listing(names, most)
        return self.listing([self.member(m) for m in ordered], most)

    def n(self, count: int, en: str, vi: str, en_plural: str | None = None) -> str:
        """``3 meetings`` / ``3 buổi``."""
        if self.lang == "vi":
            return f"{count} {vi}"
        return f"{count} {en if count == 1 else (en_plural or en + 's')}"

    def meetings(self, count: int) -> str:
        return self.n(count, "meeting", "buổi")

    def cells_word(self, uids) -> str:
        kinds = {self.inst.units[u].kind for u in uids}
        if len(kinds) == 1:
            kind = kinds.pop()
            if kind in _KINDS:
                en, vi = _KINDS[kind]
                return self.t(en if len(uids) > 1 else en[:-1], vi)
        return self.t("units" if len(uids) > 1 else "unit", "đơn vị")

    # ------------------------------------------------------------------------------------------ time
    def date(self, d: dt.date) -> str:
        wd = _WEEKDAYS[self.lang][d.weekday()]
        return self.t(f"{wd} {d.isoformat()}", f"{wd} {d.day:02d}/{d.month:02d}/{d.year}")

    def month(self, mo: Month) -> str:
        y, m = int(mo[:4]), int(mo[5:7])
        return self.t(f"{_MONTHS[m - 1]} {y}", f"tháng {m:02d}/{y}")

    def period(self, label: str) -> str:
        if len(label) == 7 and label[4] == "-" and label[5:].isdigit():
            return self.month(label)
        if "-Q" in label:
            y, q = label.split("-Q")
            return self.t(f"Q{q} {y}", f"quý {_ROMAN.get(q, q)}/{y}")
        if "-H" in label:
            y, h = label.split("-H")
            return self.t(f"H{h} {y} ({'first' if h == '1' else 'second'} half)",
                          f"6 tháng {'đầu' if h == '1' else 'cuối'} năm {y}")
        return self.t(label, f"năm {label}")

    def per(self, per: str) -> str:
        return {"month": self.t("a month", "mỗi tháng"), "quarter": self.t("a quarter", "mỗi quý"),
                "half": self.t("a half-year", "mỗi 6 tháng"), "year": self.t("a year", "mỗi năm")}[per]

    def in_period(self, label: str) -> str:
        return self.t(f"in {self.period(label)}", f"trong {self.period(label)}")

    # ------------------------------------------------------------------------------------------ selectors
    def selector(self, sel: UnitSelector, in_charge: bool = False) -> str:
        inst = self.inst
        if sel.ids is not None:
            text = self.units(sel.ids)
        else:
            uids = inst.select_units(sel)
            text = None
            if sel.kind is not None and len(sel.kind) == 1 and sel.kind[0] in _KINDS:
                text = self.t(f"the {_KINDS[sel.kind[0]][0]}", f"các {_KINDS[sel.kind[0]][1]}")
            elif len(uids) <= 3:
                text = self.units(uids)
                return text + (self.t(" in charge", " mình phụ trách") if sel.in_charge or in_charge else "")
            else:
                text = self.t(f"the {len(uids)} selected units", f"{len(uids)} đơn vị được chọn")
            if sel.under is not None:
                text += self.t(f" under {self.units(sel.under)}", f" thuộc {self.units(sel.under)}")
            if sel.tags is not None:
                text += self.t(f" tagged {', '.join(sel.tags)}", f" có nhãn {', '.join(sel.tags)}")
        if sel.in_charge or in_charge:
            text += self.t(" in charge", " mình phụ trách")
        return text


# ---------------------------------------------------------------------------------------------- statements
def _attendance_rule(inst: Instance, rid: str):
    return next(r for r in inst.scenario.attendance if inst.rule_id(r) == rid)


def _coverage_rule(inst: Instance, rid: str):
    return next(r for r in inst.scenario.coverage if inst.rule_id(r) == rid)


def _responsibility_rule(inst: Instance, rid: str):
    return next(r for r in inst.scenario.responsibility if inst.rule_id(r) == rid)


def _slot(inst: Instance, per: str, label: str) -> PeriodSlot:
    return next(s for s in inst.slots(per) if s.label == label)


def _scaled_note(w: Words, slot: PeriodSlot, at_least: int) -> str:
    inside, total = slot.share
    if inside == total or slot.scaled(at_least) == at_least:
        return ""
    return w.t(f" ({at_least} {w.per(slot.per)}, scaled to the {inside} of its {total} months in the window)",
               f" ({at_least} {w.per(slot.per)}, tính theo {inside}/{total} tháng nằm trong kỳ kế hoạch)")


def _bounds(w: Words, lo: int, hi: int | None) -> str:
    if hi is None:
        return w.t(f"at least {lo}", f"ít nhất {lo}")
    if lo <= 0:
        return w.t(f"at most {hi}", f"nhiều nhất {hi}")
    if lo == hi:
        return w.t(f"exactly {lo}", f"đúng {lo}")
    return w.t(f"between {lo} and {hi}", f"từ {lo} đến {hi}")


def _plural_of(lo: int, hi: int | None, word: str) -> str:
    """``word`` or ``word + s`` after a bound phrase: singular only when the number said is 1."""
    if hi is not None and 0 < lo < hi:
        return word + "s"  # "between 1 and 2 members"
    said = hi if hi is not None and (lo <= 0 or lo == hi) else lo
    return word if said == 1 else word + "s"


def statement(w: Words, key: RuleKey) -> str:
    """One rule instance of the minimal set, said as the rule it is."""
    inst, fam = w.inst, key.family
    if fam == "attendance":
        rule = _attendance_rule(inst, key.rule)
        slot = _slot(inst, rule.per, key.period)
        lo = slot.scaled(rule.at_least)
        return w.t(f"Rule {key.rule}: {w.member(key.subject)} attends {_bounds(w, lo, rule.at_most)} "
                   f"{_plural_of(lo, rule.at_most, 'meeting')} of {w.selector(rule.units)} "
                   f"{w.in_period(key.period)}{_scaled_note(w, slot, rule.at_least)}.",
                   f"Quy định {key.rule}: {w.member(key.subject)} dự sinh hoạt {_bounds(w, lo, rule.at_most)} buổi "
                   f"tại {w.selector(rule.units)} {w.in_period(key.period)}{_scaled_note(w, slot, rule.at_least)}.")
    if fam == "including":
        rule = _attendance_rule(inst, key.rule)
        i = int(key.extra) - 1
        inc = rule.including[i]
        slot = _slot(inst, rule.per, key.period)
        lo = slot.scaled(inc.at_least)
        return w.t(f"Rule {key.rule} (including {key.extra}): of its count, {w.member(key.subject)} attends at least "
                   f"{w.meetings(lo)} at {w.selector(inc.units, rule.units.in_charge)} {w.in_period(key.period)}.",
                   f"Quy định {key.rule} (mục including {key.extra}): trong số đó {w.member(key.subject)} dự ít nhất "
                   f"{lo} buổi tại {w.selector(inc.units, rule.units.in_charge)} {w.in_period(key.period)}.")
    if fam == "coverage":
        rule = _coverage_rule(inst, key.rule)
        slot = _slot(inst, rule.per, key.period)
        lo = slot.scaled(rule.at_least)
        by = inst.select_members(rule.by)
        who = w.members(by, 3) if len(by) <= 3 else w.t(f"the {len(by)} members it counts",
                                                          f"{len(by)} đồng chí được tính")
        ic = rule.in_charge or rule.units.in_charge
        return w.t(f"Rule {key.rule}: {w.unit(key.subject)} receives {_bounds(w, lo, rule.at_most)} "
                   f"{_plural_of(lo, rule.at_most, 'visit')} {w.in_period(key.period)} by {who}"
                   f"{' in charge of it' if ic else ''}.",
                   f"Quy định {key.rule}: {w.unit(key.subject)} có {_bounds(w, lo, rule.at_most)} lượt dự sinh hoạt "
                   f"{w.in_period(key.period)} của {who}{' phụ trách đơn vị' if ic else ''}.")
    if fam == "responsibility":
        rule = _responsibility_rule(inst, key.rule)
        if key.extra == "per_unit":
            return w.t(f"Rule {key.rule}: {w.unit(key.subject)} has {_bounds(w, rule.unit_min, rule.per_unit.max)} "
                       f"{_plural_of(rule.unit_min, rule.per_unit.max, 'member')} in charge (per_unit).",
                       f"Quy định {key.rule}: {w.unit(key.subject)} có {_bounds(w, rule.unit_min, rule.per_unit.max)} "
                       f"đồng chí phụ trách (per_unit).")
        return w.t(f"Rule {key.rule}: {w.member(key.subject)} is in charge of "
                   f"{_bounds(w, rule.member_min, rule.per_member.max)} "
                   f"{_plural_of(rule.member_min, rule.per_member.max, 'unit')} (per_member).",
                   f"Quy định {key.rule}: {w.member(key.subject)} phụ trách "
                   f"{_bounds(w, rule.member_min, rule.per_member.max)} đơn vị (per_member).")
    if fam == "meetings_per_day":
        k = inst.scenario.limits.meetings_per_day
        d = dt.date.fromisoformat(key.period)
        return w.t(f"meetings_per_day is {k}: {w.member(key.subject)} attends at most {w.meetings(k)} on {w.date(d)}.",
                   f"meetings_per_day = {k}: {w.member(key.subject)} dự nhiều nhất {k} buổi trong ngày {w.date(d)}.")
    if fam == "own_meetings":
        d = dt.date.fromisoformat(key.period)
        return w.t(f"own_meetings_busy: {w.member(key.subject)} attends no other meeting on a day its own unit "
                   f"{w.unit(key.extra)} meets — here {w.date(d)}.",
                   f"own_meetings_busy: {w.member(key.subject)} không dự buổi sinh hoạt nào khác vào ngày đơn vị "
                   f"của mình là {w.unit(key.extra)} họp — ở đây là {w.date(d)}.")
    if fam == "unavailable":
        d = dt.date.fromisoformat(key.period)
        reason = inst.unavailable(key.subject, d) or ""
        return w.t(f"{w.member(key.subject)} is unavailable on {w.date(d)} ({reason}), so does not attend "
                   f"{w.unit(key.extra)} that day.",
                   f"{w.member(key.subject)} bận vào {w.date(d)} ({reason}), nên không dự {w.unit(key.extra)} ngày đó.")
    if fam == "max_per_month":
        mpm = inst.members[key.subject].max_per_month
        return w.t(f"max_per_month: {w.member(key.subject)} attends at most {w.meetings(mpm or 0)} in "
                   f"{w.month(key.period)}.",
                   f"max_per_month: {w.member(key.subject)} dự nhiều nhất {mpm} buổi trong {w.month(key.period)}.")
    if fam == "fixed":
        if key.period:
            return w.t(f"A fixed item has {w.member(key.subject)} attend the meeting of {w.unit(key.extra)} in "
                       f"{w.month(key.period)}.",
                       f"Mục fixed: {w.member(key.subject)} phải dự sinh hoạt tại {w.unit(key.extra)} trong "
                       f"{w.month(key.period)}.")
        return w.t(f"A fixed item puts {w.member(key.subject)} in charge of {w.unit(key.extra)}.",
                   f"Mục fixed: {w.member(key.subject)} phụ trách {w.unit(key.extra)}.")
    return str(key)


def statements(w: Words, core: list[RuleKey], group: int = 4) -> list[str]:
    """The minimal set, one line per rule instance; ``group`` or more instances of one responsibility bound
    (per_unit or per_member of one rule) are said in one line."""
    inst = w.inst
    groups: dict[tuple, list[RuleKey]] = defaultdict(list)
    for k in core:
        groups[(k.family, k.rule, k.extra) if k.family == "responsibility" else (k,)].append(k)
    out = []
    for head, ks in groups.items():
        if len(ks) < group:
            out += [statement(w, k) for k in ks]
            continue
        rule = _responsibility_rule(inst, head[1])
        subjects = [k.subject for k in ks]
        if head[2] == "per_unit":
            lo, hi = rule.unit_min, rule.per_unit.max
            out.append(w.t(f"Rule {head[1]} (per_unit), for each of these {len(ks)} units: {w.units(subjects, 6)} — "
                           f"{_bounds(w, lo, hi)} {_plural_of(lo, hi, 'member')} in charge.",
                           f"Quy định {head[1]} (per_unit), với mỗi đơn vị trong {len(ks)} đơn vị: "
                           f"{w.units(subjects, 6)} — {_bounds(w, lo, hi)} đồng chí phụ trách."))
        else:
            lo, hi = rule.member_min, rule.per_member.max
            out.append(w.t(f"Rule {head[1]} (per_member), for each of these {len(ks)} members: "
                           f"{w.members(subjects, 6)} — in charge of {_bounds(w, lo, hi)} "
                           f"{_plural_of(lo, hi, 'unit')}.",
                           f"Quy định {head[1]} (per_member), với mỗi đồng chí trong {len(ks)} đồng chí: "
                           f"{w.members(subjects, 6).removeprefix('các đồng chí ')} — phụ trách {_bounds(w, lo, hi)} "
                           f"đơn vị."))
    return out


# ---------------------------------------------------------------------------------------------- facts
def _why_not(w: Words, why: str) -> str:
    return {
        "no-meeting": w.t("holds no meeting", "không tổ chức sinh hoạt"),
        "pinned-off": w.t("a fixed item keeps the member away", "mục fixed không cho dự"),
        "no-rule": w.t("no rule lets the member attend it", "không quy định nào cho phép dự"),
        "never-in-charge": w.t("no rule can put the member in charge of it", "không quy định nào cho phép phụ trách"),
        "unavailable": w.t("unavailable on every possible day", "bận vào mọi ngày có thể họp"),
        "own_meeting": w.t("busy with an own meeting that day", "trùng ngày họp của đơn vị mình"),
        "max_per_month": w.t("max_per_month is 0", "max_per_month = 0"),
    }.get(why, why)


def _meeting_window(w: Words, uid: str, month: Month) -> str:
    """Why a meeting has the days it has: its day, flex, weekdays, and the blocked days in its window."""
    inst = w.inst
    u = inst.units[uid]
    pin = inst.pinned_dates.get((uid, month))
    if pin is not None:
        return w.t(f"its date is pinned to {w.date(pin)}", f"ngày họp được cố định là {w.date(pin)}")
    m = u.meeting
    assert m is not None
    parts = []
    if m.flex == (0, 0):
        parts.append(w.t(f"meets on day {m.day} with no flex", f"họp ngày {m.day}, không linh hoạt"))
    else:
        parts.append(w.t(f"meets on day {m.day}, or up to {m.flex[0]} days before and {m.flex[1]} after",
                         f"họp ngày {m.day}, linh hoạt {m.flex[0]} ngày trước và {m.flex[1]} ngày sau"))
    if m.weekdays is not None:
        parts.append(w.t(f"only on {', '.join(m.weekdays)}", f"chỉ vào các thứ {', '.join(m.weekdays)}"))
    pref = inst.preferred(uid, month)
    blocked = []
    for d in sorted(inst.calendar.blocked):
        if month_of(d) == month and -m.flex[0] <= (d - pref).days <= m.flex[1]:
            blocked.append(f"{w.date(d)} ({inst.calendar.blocked[d]})")
    if blocked:
        parts.append(w.t(f"blocked: {', '.join(blocked)}", f"ngày bị chặn: {', '.join(blocked)}"))
    return "; ".join(parts)


def _days_text(w: Words, days) -> str:
    """Days, runs of consecutive days as ``first … last``."""
    days = sorted(set(days))
    runs: list[list[dt.date]] = []
    for d in days:
        if runs and (d - runs[-1][-1]).days == 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    texts = [w.date(r[0]) if len(r) == 1 else f"{w.date(r[0])} … {w.date(r[-1])}" for r in runs]
    return ", ".join(texts if len(texts) <= 4 else texts[:3] + ["…"])


def _windows(w: Words, uids, month: Month) -> str:
    """The meeting windows of several units, when they are all alike (else nothing)."""
    texts = {_meeting_window(w, u, month) for u in uids}
    if len(texts) != 1:
        return ""
    text = texts.pop()
    if text.startswith(("its date", "ngày họp")):  # a pinned date
        return f" ({text})" if len(uids) == 1 else ""
    return f" ({w.t('each ' if len(uids) > 1 else 'it ', 'mỗi chi bộ ' if len(uids) > 1 else '')}{text})"


def month_fact(w: Words, cap: MonthCapacity) -> str:
    """What limits a member's attendances in one month, in a sentence."""
    inst, m = w.inst, cap.member
    att = cap.attendable
    if not cap.eligible and not cap.not_eligible:
        return w.t(f"in {w.month(cap.month)} no meeting counts", f"trong {w.month(cap.month)} không có buổi nào được tính")
    parts = []
    if cap.binding == "days" and att:
        days = cap.free_days
        cells = w.cells_word(att)
        if len(days) == 1:
            d = days[0]
            all_ = w.t("all " if len(att) > 2 else "both " if len(att) == 2 else "", "cả " if len(att) > 1 else "")
            parts.append(w.t(
                f"in {w.month(cap.month)} {all_}{len(att)} {cells} {w.member(m)} may attend ({w.units(att)}) meet only "
                f"on {w.date(d)}{_windows(w, att, cap.month)}",
                f"trong {w.month(cap.month)} {all_}{len(att)} {cells} mà {w.member(m)} có thể dự ({w.units(att)}) "
                f"chỉ họp vào {w.date(d)}{_windows(w, att, cap.month)}"))
        else:
            parts.append(w.t(
                f"in {w.month(cap.month)} the {len(att)} meetings {w.member(m)} may attend ({w.units(att)}) can only "
                f"fall on {len(days)} days ({', '.join(w.date(d) for d in days)})",
                f"trong {w.month(cap.month)} {len(att)} buổi mà {w.member(m)} có thể dự ({w.units(att)}) chỉ rơi vào "
                f"{len(days)} ngày ({', '.join(w.date(d) for d in days)})"))
        parts.append(w.t(
            f"meetings_per_day is {cap.per_day}, so {w.member(m)} can attend at most {w.meetings(cap.by_days)} that month",
            f"mỗi ngày dự nhiều nhất {cap.per_day} buổi (meetings_per_day = {cap.per_day}), nên {w.member(m)} dự được "
            f"nhiều nhất {cap.by_days} buổi trong tháng"))
    elif cap.binding == "max_per_month":
        parts.append(w.t(f"in {w.month(cap.month)} max_per_month caps {w.member(m)} at {w.meetings(cap.capacity)}",
                         f"trong {w.month(cap.month)} max_per_month giới hạn {w.member(m)} ở {cap.capacity} buổi"))
    else:
        if att:
            parts.append(w.t(f"in {w.month(cap.month)} {w.member(m)} can attend only {w.meetings(len(att))}: {w.units(att)}",
                             f"trong {w.month(cap.month)} {w.member(m)} chỉ có thể dự {len(att)} buổi: {w.units(att)}"))
        else:
            parts.append(w.t(f"in {w.month(cap.month)} {w.member(m)} can attend none of these meetings",
                             f"trong {w.month(cap.month)} {w.member(m)} không dự được buổi nào trong số này"))
    # why the others are out
    blocked_units = [u for u in cap.eligible if not cap.free[u]]
    if blocked_units and cap.binding != "days":
        reasons: dict[str, list[dt.date]] = defaultdict(list)
        member = inst.members[m]
        for b in cap.blocked:
            if b.unit not in blocked_units:
                continue
            if b.why == "unavailable":
                c = next((c for c in member.unavailable if c.covers(b.day)), None)
                text = c.describe() if c is not None else b.detail
                reasons[w.t(f"unavailable {text}, which covers their possible days",
                            f"bận {text}, trùng các ngày có thể họp")].append(b.day)
            else:
                reasons[w.t(f"its own unit {w.unit(b.detail)} meets on", f"đơn vị của mình {w.unit(b.detail)} họp vào")].append(b.day)
        said = "; ".join(f"{r} {_days_text(w, ds)}" for r, ds in reasons.items())
        they = w.t("meets" if len(blocked_units) == 1 else "meet", "chỉ họp")
        parts.append(w.t(f"{w.units(blocked_units)} {they} only when {w.member(m)} cannot: {said}",
                         f"{w.units(blocked_units)} {they} vào ngày {w.member(m)} không dự được: {said}"))
    if cap.not_eligible and cap.binding != "days":
        by_why = defaultdict(list)
        for u, why in cap.not_eligible.items():
            by_why[why].append(u)
        for why, us in by_why.items():
            parts.append(f"{w.units(us)}: {_why_not(w, why)}")
    return "; ".join(parts)


def quota_fact(w: Words, key: RuleKey, counter: Counter, core: list[RuleKey] = ()) -> str | None:
    """For an attendance or including rule instance: the member's possible meetings in the period, and the ask
    (or, when the calendar allows it, what the member's limit on charges allows)."""
    inst = w.inst
    rule = _attendance_rule(inst, key.rule)
    slot = _slot(inst, rule.per, key.period)
    if key.family == "attendance":
        spec, need = inst.attendance_counts(rule)[key.subject], slot.scaled(rule.at_least)
    else:
        i = int(key.extra) - 1
        spec, need = inst.including_counts(rule)[i], slot.scaled(rule.including[i].at_least)
    return (_capacity_sentence(w, key.rule, key.subject, spec, slot, need, counter)
            or _charges_sentence(w, key, spec, slot, need, core))


def _charges_sentence(w: Words, key: RuleKey, spec: CountSpec, slot: PeriodSlot, need: int,
                      core: list[RuleKey]) -> str | None:
    """An "in charge" quota against a per_member limit in the set: the charges allowed hold too few meetings."""
    inst, mid = w.inst, key.subject
    limits = [k for k in core if k.family == "responsibility" and k.extra == "per_member" and k.subject == mid]
    if not spec.in_charge or not limits:
        return None
    r = _responsibility_rule(inst, limits[0].rule)
    most = r.per_member.max
    if most is None:
        return None
    meeting = {u for u in spec.units if inst.units[u].meeting is not None}

    def size(a: str) -> int:  # counted meetings a month that a charge of ``a`` puts in charge
        return sum(1 for u in meeting if a in inst.ancestors[u])

    own = {u for m, u in inst.responsibility_pairs(r) if m == mid and inst.fixed_charges.get((m, u)) is not False}
    other = {u for m, u in inst.charge_pairs if m == mid and u not in own}
    per_month = sum(sorted((size(a) for a in own), reverse=True)[:most]) + sum(size(a) for a in other)
    can = per_month * len(slot.months)
    if can >= need:
        return None
    return w.t(f"Only meetings of units in charge count, and rule {limits[0].rule} lets {w.member(mid)} take "
               f"charge of at most {most} {'unit' if most == 1 else 'units'}, which hold at most "
               f"{w.meetings(per_month)} a month: at most {can} {w.in_period(slot.label)}; rule {key.rule} asks {need}.",
               f"Chỉ tính các buổi ở đơn vị mình phụ trách, mà quy định {limits[0].rule} cho {w.member(mid)} phụ trách "
               f"nhiều nhất {most} đơn vị, tức nhiều nhất {per_month} buổi mỗi tháng: nhiều nhất {can} buổi "
               f"{w.in_period(slot.label)}; quy định {key.rule} yêu cầu {need}.")


def _capacity_sentence(w: Words, rid: str, mid: str, spec: CountSpec, slot: PeriodSlot, need: int,
                       counter: Counter, what: str = "") -> str | None:
    caps = counter.period_capacity(mid, spec, slot)
    can = sum(c.capacity for c in caps)
    if can >= need:
        return None  # the count alone allows it: other rules in the set make the difference
    shown = [c for c in caps if c.capacity < max(1, len(c.eligible))] or caps
    first = shown[0]
    same = all((c.binding, c.capacity, c.attendable == first.attendable, c.eligible == first.eligible)
               == (first.binding, first.capacity, True, True) for c in shown)
    if len(shown) > 1 and same:
        others = [c.month for c in shown[1:]]
        facts = month_fact(w, first) + w.t(
            f" (and likewise in {w.listing([w.month(mo) for mo in others])})",
            f" (tương tự trong {w.listing([w.month(mo) for mo in others])})")
    elif len(shown) > 3:
        facts = "; ".join(month_fact(w, c) for c in shown[:3]) + w.t(
            f"; and so on in {len(shown) - 3} more months", f"; tương tự với {len(shown) - 3} tháng nữa")
    else:
        facts = "; ".join(month_fact(w, c) for c in shown)
    asks = what or w.t(f"rule {rid} asks {need}", f"quy định {rid} yêu cầu {need}")
    if len(slot.months) == 1:
        return w.t(f"{facts[0].upper()}{facts[1:]}; {asks}.", f"{facts[0].upper()}{facts[1:]}; {asks}.")
    return w.t(f"{facts[0].upper()}{facts[1:]}. In all, {w.member(mid)} can attend at most {w.meetings(can)} "
               f"{w.in_period(slot.label)}; {asks}.",
               f"{facts[0].upper()}{facts[1:]}. Tổng cộng {w.member(mid)} dự được nhiều nhất {can} buổi "
               f"{w.in_period(slot.label)}; {asks}.")


def coverage_fact(w: Words, key: RuleKey, counter: Counter, core: list[RuleKey]) -> str | None:
    inst = w.inst
    rule = _coverage_rule(inst, key.rule)
    slot = _slot(inst, rule.per, key.period)
    need = slot.scaled(rule.at_least)
    units, by, in_charge = inst.coverage_spec(rule)
    uid = key.subject
    out, total = [], 0
    for mo in slot.months:
        ok, why = counter.visitors(uid, by, in_charge, mo)
        total += len(ok)
        text = w.t(f"in {w.month(mo)} {len(ok)} of the {len(by)} members counted may visit {w.unit(uid)}",
                   f"trong {w.month(mo)} chỉ {len(ok)}/{len(by)} đồng chí được tính có thể dự tại {w.unit(uid)}")
        if ok:
            text += f" ({w.members(ok)})"
        if why and len(why) <= 4:
            text += "; " + "; ".join(f"{w.member(m)}: {_why_not(w, r)}" for m, r in why.items())
        elif why:
            text += w.t(f"; {len(why)} others may not", f"; {len(why)} đồng chí khác không thể")
        out.append(text)
    resp = [k for k in core if k.family == "responsibility" and k.extra == "per_unit"
            and k.subject in inst.ancestors.get(uid, ())]
    extra = ""
    if in_charge and resp:
        r = _responsibility_rule(inst, resp[0].rule)
        if r.per_unit.max is not None:
            extra = w.t(f"; only members in charge count, and rule {r and resp[0].rule} puts at most {r.per_unit.max} in "
                        f"charge of {w.unit(resp[0].subject)}",
                        f"; chỉ tính người phụ trách, mà quy định {resp[0].rule} cho tối đa {r.per_unit.max} đồng chí "
                        f"phụ trách {w.unit(resp[0].subject)}")
    if total >= need and not extra:
        return None
    facts = "; ".join(out[:3]) + (w.t(f"; and so on for {len(out) - 3} more months", f"; tương tự với {len(out) - 3} tháng nữa")
                                   if len(out) > 3 else "")
    return w.t(f"{facts[0].upper()}{facts[1:]}{extra}; rule {key.rule} asks {need} visits {w.in_period(key.period)}.",
               f"{facts[0].upper()}{facts[1:]}{extra}; quy định {key.rule} yêu cầu {need} lượt {w.in_period(key.period)}.")


def responsibility_facts(w: Words, core: list[RuleKey]) -> list[str]:
    inst = w.inst
    out = []
    by_rule = defaultdict(list)
    for k in core:
        if k.family == "responsibility":
            by_rule[k.rule].append(k)
    for rid, keys in by_rule.items():
        rule = _responsibility_rule(inst, rid)
        pairs = [p for p in inst.responsibility_pairs(rule) if inst.fixed_charges.get(p) is not False]
        units = [k.subject for k in keys if k.extra == "per_unit"]
        members = [k.subject for k in keys if k.extra == "per_member"]
        if len(units) == 1 and not members:
            u = units[0]
            cands = [m for m, uu in pairs if uu == u]
            selected = inst.select_members(rule.members)
            if len(cands) < rule.unit_min:
                if rule.basis == "require":
                    unit = inst.units[u]
                    sectors = ", ".join([unit.kind, *unit.tags])
                    out.append(w.t(
                        f"Rule {rid} has basis: require, so a member may take charge of {w.unit(u)} only if living in or "
                        f"below it or having a sector matching its kind or tags ({sectors}); of the {len(selected)} "
                        f"members it selects "
                        f"({w.members(selected)}), {len(cands) if cands else 'none'} qualif{'ies' if len(cands) == 1 else 'y'}"
                        f"{' (' + w.members(cands) + ')' if cands else ''}; it needs {rule.unit_min}.",
                        f"Quy định {rid} có basis: require, nên chỉ người cư trú tại (hoặc dưới) {w.unit(u)} hoặc có lĩnh "
                        f"vực trùng loại hoặc nhãn của đơn vị ({sectors}) mới được phụ trách; trong {len(selected)} "
                        f"đồng chí được chọn "
                        f"({w.members(selected)}) có {len(cands)} người đủ điều kiện"
                        f"{' (' + w.members(cands) + ')' if cands else ''}; quy định cần {rule.unit_min}."))
                else:
                    off = [m for m in selected if inst.fixed_charges.get((m, u)) is False]
                    note = w.t(f"; fixed items keep {w.members(off)} from it", f"; mục fixed không cho {w.members(off)} phụ trách") if off else ""
                    only = w.t(f"Only {len(cands)} {'member' if len(cands) == 1 else 'members'} may" if cands
                               else "No member may", "")
                    out.append(w.t(f"{only} take charge of {w.unit(u)} under rule {rid}"
                                   f"{' (' + w.members(cands) + ')' if cands else ''}{note}; it needs {rule.unit_min}.",
                                   f"Theo quy định {rid} "
                                   f"{f'chỉ {len(cands)} đồng chí có thể' if cands else 'không đồng chí nào có thể'} "
                                   f"phụ trách {w.unit(u)}"
                                   f"{' (' + w.members(cands) + ')' if cands else ''}{note}; quy định cần {rule.unit_min}."))
            continue
        if len(members) == 1 and not units:
            m = members[0]
            cands = [uu for mm, uu in pairs if mm == m]
            if len(cands) < rule.member_min:
                out.append(w.t(f"Under rule {rid} {w.member(m)} may take charge of only {len(cands)} units; "
                               f"it needs {rule.member_min}.",
                               f"Theo quy định {rid} {w.member(m)} chỉ có thể phụ trách {len(cands)} đơn vị; "
                               f"quy định cần {rule.member_min}."))
            continue
        mmax = rule.per_member.max
        if units and mmax is not None:
            need_u = rule.unit_min * len(units)
            can = _most_charges(pairs, members, units, mmax)
            if need_u > can:
                out.append(w.t(
                    f"Under rule {rid} the {len(units)} units {w.units(units)} need at least {rule.unit_min} member in "
                    f"charge each ({need_u} charges), but only {w.members(members)} may take charge of them, at most "
                    f"{mmax} each ({can} charges).",
                    f"Theo quy định {rid}, {len(units)} đơn vị {w.units(units)} mỗi đơn vị cần ít nhất {rule.unit_min} "
                    f"người phụ trách ({need_u} lượt phân công), nhưng chỉ {w.members(members)} có thể phụ trách, mỗi "
                    f"người nhiều nhất {mmax} đơn vị ({can} lượt)."))
                continue
        umax = rule.per_unit.max
        if members and umax is not None:
            need_m = rule.member_min * len(members)
            can = _most_charges([(u, m) for m, u in pairs], units, members, umax)
            if need_m > can:
                out.append(w.t(
                    f"Under rule {rid} the {len(members)} members {w.members(members)} must each take charge of at least "
                    f"{rule.member_min} units ({need_m} charges), but the units open to them ({w.units(units)}) take at "
                    f"most {umax} members each ({can} charges).",
                    f"Theo quy định {rid}, {w.members(members)} mỗi người phải phụ trách ít nhất {rule.member_min} đơn "
                    f"vị ({need_m} lượt), nhưng các đơn vị có thể nhận ({w.units(units)}) mỗi nơi nhiều nhất {umax} "
                    f"người ({can} lượt)."))
    return out


def _most_charges(pairs: list[tuple[str, str]], holders: list[str], others: list[str], cap: int) -> int:
    """The most of the allowed ``pairs`` (holder, other) that can be charges when each holder is paired with at most
    ``cap`` of ``others`` (members with units under per_member.max, or units with members under per_unit.max)."""
    return sum(min(cap, sum(1 for h, o in pairs if h == x and o in others)) for x in set(holders))


def pin_facts(w: Words, core: list[RuleKey], counter: Counter) -> list[str]:
    inst, out = w.inst, []
    for k in core:
        if k.family != "fixed" or not k.period:
            continue
        m, u, mo = k.subject, k.extra, k.period
        if (u, mo) not in inst.candidate_days:
            continue
        free, blocked = counter.free_days(m, u, mo)
        if free:
            continue
        days = inst.candidate_days[u, mo]
        said = "; ".join(
            f"{w.date(b.day)}: " + (w.t(f"unavailable ({b.detail})", f"bận ({b.detail})") if b.why == "unavailable"
                                    else w.t(f"its own unit {w.unit(b.detail)} meets", f"đơn vị mình {w.unit(b.detail)} họp"))
            for b in blocked)
        out.append(w.t(f"In {w.month(mo)} {w.unit(u)} can meet only on {', '.join(w.date(d) for d in days)} "
                       f"({w.t('it ', '')}{_meeting_window(w, u, mo)}), and {w.member(m)} cannot attend then ({said}).",
                       f"Trong {w.month(mo)} {w.unit(u)} chỉ có thể họp vào {', '.join(w.date(d) for d in days)} "
                       f"({_meeting_window(w, u, mo)}), mà {w.member(m)} không dự được ({said})."))
    return out


def mix_fact(w: Words, keys: list[RuleKey], counter: Counter) -> str | None:
    """Several ``including`` sub-counts of one rule, member and period: together against the calendar or at_most."""
    inst = w.inst
    k0 = keys[0]
    rule = _attendance_rule(inst, k0.rule)
    slot = _slot(inst, rule.per, k0.period)
    idx = sorted(int(k.extra) - 1 for k in keys if k.family == "including")
    includings = inst.including_counts(rule)
    needs = [slot.scaled(rule.including[i].at_least) for i in idx]
    total = sum(needs)
    main = any(k.family == "attendance" for k in keys)
    if main and rule.at_most is not None and total > rule.at_most:
        return w.t(f"Rule {k0.rule}'s including items ask {' + '.join(map(str, needs))} = {total} attendances "
                   f"of {w.member(k0.subject)} {w.in_period(k0.period)} at different units, more than its at_most "
                   f"{rule.at_most}.",
                   f"Các mục including của quy định {k0.rule} yêu cầu {' + '.join(map(str, needs))} = {total} buổi của "
                   f"{w.member(k0.subject)} {w.in_period(k0.period)} tại các đơn vị khác nhau, vượt at_most = "
                   f"{rule.at_most}.")
    union = CountSpec(frozenset().union(*(includings[i].units for i in idx)), all(includings[i].in_charge for i in idx))
    return _capacity_sentence(w, k0.rule, k0.subject, union, slot, total, counter,
                              w.t(f"its including items ask {' + '.join(map(str, needs))} = {total}",
                                  f"các mục including yêu cầu {' + '.join(map(str, needs))} = {total}"))


def facts(w: Words, core: list[RuleKey], counter: Counter) -> list[str]:
    out: list[str] = []
    inc_groups = defaultdict(list)
    for k in core:
        if k.family == "including":
            inc_groups[k.rule, k.subject, k.period].append(k)
    for (rid, m, label), ks in inc_groups.items():
        main = [k for k in core if k.family == "attendance" and (k.rule, k.subject, k.period) == (rid, m, label)]
        if len(ks) >= 2:
            f = mix_fact(w, main + ks, counter)
        else:
            f = quota_fact(w, ks[0], counter, core)
        if f:
            out.append(f)
    for k in core:
        if k.family == "attendance" and (k.rule, k.subject, k.period) not in inc_groups:
            rule = _attendance_rule(w.inst, k.rule)
            if rule.at_least > 0:
                f = quota_fact(w, k, counter, core)
                if f:
                    out.append(f)
        elif k.family == "coverage":
            f = coverage_fact(w, k, counter, core)
            if f:
                out.append(f)
    out += responsibility_facts(w, core)
    out += pin_facts(w, core, counter)
    return out


# ---------------------------------------------------------------------------------------------- findings
def _is(n: int) -> str:
    return "is" if n == 1 else "are"


def finding_line(w: Words, f: Finding) -> str:
    inst = w.inst
    subj = ""
    if f.subject in inst.members:
        subj = w.member(f.subject)
    elif f.subject in inst.units:
        subj = w.unit(f.subject)
    where = ", ".join(x for x in (subj, w.period(f.period) if f.period and f.kind != "pin" or (f.kind == "pin" and len(f.period) == 7) else "") if x)
    head = f"{where}: " if where else ""
    if f.kind in ("calendar", "mix"):
        return head + w.t(f"rule {f.rule} asks {f.need} attendances, at most {f.can} {_is(f.can)} possible",
                          f"quy định {f.rule} yêu cầu {f.need} buổi, nhiều nhất chỉ dự được {f.can}")
    if f.kind == "capacity":
        return head + w.t(f"rule {f.rule} asks {f.need} visits, at most {f.can} {_is(f.can)} possible",
                          f"quy định {f.rule} yêu cầu {f.need} lượt, nhiều nhất chỉ có {f.can}")
    if f.kind in ("responsibility", "require-basis"):
        if f.what == "members":
            return head + w.t(f"rule {f.rule} needs {f.need} members in charge, {f.can} may take it",
                              f"quy định {f.rule} cần {f.need} người phụ trách, chỉ {f.can} người có thể")
        if f.what == "units":
            return head + w.t(f"rule {f.rule} needs {f.need} units in charge, {f.can} are open",
                              f"quy định {f.rule} cần phụ trách {f.need} đơn vị, chỉ {f.can} đơn vị có thể")
        return head + w.t(f"rule {f.rule} needs {f.need} charges, at most {f.can} {_is(f.can)} possible",
                          f"quy định {f.rule} cần {f.need} lượt phân công, nhiều nhất chỉ có {f.can}")
    return head + w.t(f"fixed items ask {f.need}, rule {f.rule} allows {f.can}",
                      f"các mục fixed yêu cầu {f.need}, quy định {f.rule} chỉ cho {f.can}")


# ---------------------------------------------------------------------------------------------- suggestions
def suggestion_line(w: Words, s: Suggestion) -> str:
    inst = w.inst
    undecided = w.t(" (not decided within the time budget)", " (chưa kết luận được trong thời gian cho phép)") \
        if not s.decided else ""
    if s.rule == "own_meetings_busy":
        return (w.t("own_meetings_busy: false would make it feasible.", "own_meetings_busy: false sẽ làm kế hoạch khả thi.")
                if s.found else w.t("own_meetings_busy: false alone would not help.",
                                    "chỉ đặt own_meetings_busy: false thì chưa đủ.")) + undecided
    if s.rule == "fixed":
        m, u, mo = s.subject.split("|")
        what = (w.t(f"the fixed item that has {w.member(m)} attend {w.unit(u)} in {w.month(mo)}",
                    f"mục fixed buộc {w.member(m)} dự {w.unit(u)} trong {w.month(mo)}") if mo else
                w.t(f"the fixed item that puts {w.member(m)} in charge of {w.unit(u)}",
                    f"mục fixed giao {w.member(m)} phụ trách {w.unit(u)}"))
        return (w.t(f"Dropping {what} would make it feasible.", f"Bỏ {what} sẽ làm kế hoạch khả thi.") if s.found else
                w.t(f"Dropping {what} alone would not help.", f"Chỉ bỏ {what} thì chưa đủ.")) + undecided
    name = s.rule
    if s.rule == "max_per_month":
        name = w.t(f"max_per_month of {w.member(s.subject)}", f"max_per_month của {w.member(s.subject)}")
        fld = ""
    elif s.rule == "meetings_per_day":
        fld = ""
    else:
        name = w.t(f"rule {s.rule}", f"quy định {s.rule}")
        fld = f" {s.field}"
    per = ""
    if s.field.endswith("at_least") or s.field == "at_most":
        rule = next((r for r in (*inst.scenario.attendance, *inst.scenario.coverage) if inst.rule_id(r) == s.rule), None)
        if rule is not None:
            per = f" {w.per(rule.per)}"
    down = s.field.endswith(".min") or s.field.endswith("at_least")

    def setting(value) -> str:
        if w.lang == "vi":
            return f"{name}:{fld} = {value}{per}" if fld else f"{name} = {value}{per}"
        return f"{name}:{fld} {value}{per}"

    if s.found and s.value is None:
        return w.t(f"{name}: only removing{fld} altogether would make it feasible.",
                   f"{name}: chỉ khi bỏ hẳn{fld} thì kế hoạch mới khả thi.") + undecided
    if s.found and not s.decided:
        return w.t(f"{setting(s.value)} (now {s.current}) holds; values nearer {s.current} were not decided within "
                   f"the time budget.",
                   f"{setting(s.value)} (hiện là {s.current}) là khả thi; các mức gần {s.current} hơn chưa kết luận "
                   f"được trong thời gian cho phép.")
    if s.found:
        if down:
            return w.t(f"{setting(s.value)} (now {s.current}) is the largest that holds.",
                       f"{setting(s.value)} (hiện là {s.current}) là mức cao nhất còn khả thi.")
        return w.t(f"{setting(s.value)} (now {s.current}) is the smallest that holds.",
                   f"{setting(s.value)} (hiện là {s.current}) là mức thấp nhất còn khả thi.")
    if not s.decided:
        return w.t(f"{name}:{fld} no feasible value found within the time budget.",
                   f"{name}:{fld} chưa tìm được giá trị khả thi trong thời gian cho phép.")
    return w.t(f"{name}: changing{fld} alone does not help.", f"{name}: chỉ thay đổi{fld} thì chưa đủ.")


def _useful(suggestions: list[Suggestion]) -> list[Suggestion]:
    """Leave out "changing X alone does not help" for a rule when another of its fields does help."""
    helped = {(s.rule, s.subject) for s in suggestions if s.found}
    return [s for s in suggestions if s.found or not s.decided or (s.rule, s.subject) not in helped
            or s.rule == "fixed"]


_PERIOD_WORDS = {"month": ("months", "tháng"), "quarter": ("quarters", "quý"), "half": ("half-years", "nửa năm"),
                 "year": ("years", "năm")}


def _per_of(label: str) -> str:
    if "-Q" in label:
        return "quarter"
    if "-H" in label:
        return "half"
    return "month" if len(label) == 7 else "year"


def _periods_text(w: Words, items: list[tuple[str, int]]) -> str:
    amounts = {n for _, n in items}
    if len(amounts) == 1 and len(items) > 2:
        n = amounts.pop()
        en, vi = _PERIOD_WORDS[_per_of(items[0][0])]
        return w.t(f"{n} missing in each of {len(items)} {en} ({w.period(items[0][0])} … {w.period(items[-1][0])})",
                   f"thiếu {n} buổi trong mỗi {vi} của {len(items)} {vi} ({w.period(items[0][0])} … "
                   f"{w.period(items[-1][0])})")
    if len(items) > 3:
        total = sum(n for _, n in items)
        en, vi = _PERIOD_WORDS[_per_of(items[0][0])]
        return w.t(f"{total} missing over {len(items)} {en} ({w.period(items[0][0])} … {w.period(items[-1][0])}, "
                   f"{min(amounts)} to {max(amounts)} each)",
                   f"thiếu tổng cộng {total} buổi trong {len(items)} {vi} ({w.period(items[0][0])} … "
                   f"{w.period(items[-1][0])}, mỗi {vi} {min(amounts)} đến {max(amounts)})")
    return ", ".join(w.t(f"{n} missing {w.in_period(p)}", f"thiếu {n} {w.in_period(p)}") for p, n in items)


def shortfall_lines(w: Words, sh: Shortfall, most: int = 10) -> list[str]:
    if sh.status == "infeasible":
        return [w.t("Making the attendance and coverage minimums soft is not enough: the conflict lies in other rules "
                    "(responsibility, pins or limits).",
                    "Kể cả khi coi các chỉ tiêu tối thiểu về dự sinh hoạt là mềm thì vẫn không khả thi: mâu thuẫn nằm ở "
                    "các quy định khác (phân công phụ trách, mục fixed hoặc giới hạn).")]
    if sh.status == "unknown" or sh.total is None:
        return [w.t("The least shortfall was not found within the time budget.",
                    "Chưa tính được mức thiếu hụt nhỏ nhất trong thời gian cho phép.")]
    proven = sh.status == "optimal"
    head = w.t(f"With the attendance and coverage minimums made soft, the least total shortfall is {sh.total} "
               f"{'visit' if sh.total == 1 else 'visits'}{'' if proven else f' (best found; at least {sh.bound})'}:",
               f"Nếu coi các chỉ tiêu tối thiểu là mềm, tổng số buổi còn thiếu ít nhất là {sh.total}"
               f"{'' if proven else f' (tốt nhất tìm được; không dưới {sh.bound})'}:")
    per_subject: dict[tuple[str, str, str], list[tuple[str, int]]] = defaultdict(list)
    for key, _need, miss in sh.missing:
        per_subject[key.family, key.rule, key.subject].append((key.period, miss))
    # subjects missing the same amounts in the same periods under the same rule are said together
    groups: dict[tuple, list[str]] = defaultdict(list)
    for (fam, rid, subj), items in per_subject.items():
        groups[fam, rid, tuple(items)].append(subj)
    lines = [head]
    for (fam, rid, items), subjects in list(groups.items())[:most]:
        if fam == "coverage":
            who = w.units(subjects)
        else:
            who = w.members(subjects)
        if len(subjects) > 1:
            who = w.t(f"each of {who}", f"mỗi {who.removeprefix('các ')}")
        lines.append(f"  - {rid}, {who}: {_periods_text(w, list(items))}")
    if len(groups) > most:
        lines.append(w.t(f"  - … and {len(groups) - most} more", f"  - … và {len(groups) - most} mục khác"))
    return lines


# ---------------------------------------------------------------------------------------------- the whole text
def _fold(lines: list[str], width: int | None) -> str:
    """Lines folded to ``width`` columns, list items with a hanging indent."""
    if not width:
        return "\n".join(lines)
    import re
    import textwrap

    out = []
    for line in lines:
        m = re.match(r"^(\s*(?:- |\d+\. )?)", line)
        lead = m.group(1) if m else ""
        out.append(textwrap.fill(line, width=width, subsequent_indent=" " * len(lead), break_long_words=False,
                                 break_on_hyphens=False) if line else "")
    return "\n".join(out)


def explain(inst: Instance, diag: Diagnosis, lang: str = "en", counter: Counter | None = None, header: bool = True,
            width: int | None = None) -> str:
    """The explanation of an infeasible (or undecided) diagnosis, as plain text. ``header``: start with the
    one-line verdict (``solve`` prints its own status line instead); ``width``: fold lines to it."""
    w = Words(inst, lang)
    counter = counter or Counter(inst)
    if diag.status == "feasible":
        return feasible_line(inst, diag, lang)
    if diag.status == "unknown":
        return w.t(f"unknown: neither a plan nor a proof of infeasibility within the time budget "
                   f"({diag.deterministic_time:.1f} deterministic s). Give a larger --time-limit.",
                   f"chưa rõ: trong thời gian cho phép ({diag.deterministic_time:.1f} s tất định) chưa tìm được kế hoạch "
                   f"cũng chưa chứng minh được là không khả thi. Hãy tăng --time-limit.")
    lines = [w.t("infeasible: no plan satisfies every rule together.",
                 "không khả thi: không có kế hoạch nào thỏa mãn đồng thời mọi quy định.")] if header else []
    if diag.findings:
        n = len(diag.findings)
        lines += [""] if lines else []
        lines += [w.t(f"Counting checks (before any search) found {n} impossible "
                          f"{'count' if n == 1 else 'counts'}:",
                          f"Kiểm tra đếm (trước khi tìm kiếm) phát hiện {n} chỉ tiêu không thể đạt:")]
        lines += [f"  - {finding_line(w, f)}" for f in diag.findings[:3]]
        if n > 3:
            lines.append(w.t(f"  - … and {n - 3} more", f"  - … và {n - 3} trường hợp khác"))
    k = len(diag.core)
    lines += [""] if lines else []
    if not diag.core:
        lines.append(w.t("No plan exists (proven), but the rules that clash were not isolated within the time budget; "
                         "give a larger --time-limit.",
                         "Đã chứng minh không có kế hoạch khả thi, nhưng chưa tách được các quy định mâu thuẫn trong "
                         "thời gian cho phép; hãy tăng --time-limit."))
        return _fold(lines, width)
    lines += [w.t((f"Why: these {k} rules cannot all hold together" if k != 1 else "Why: this rule cannot hold")
                      + (("; drop any one of them and the rest can (a minimal conflict):" if k != 1 else
                          ", whatever the other rules:") if diag.minimal else
                         " (not proven minimal within the time budget):"),
                      (f"Nguyên nhân: {k} quy định sau không thể cùng được đáp ứng" if k != 1 else
                       "Nguyên nhân: quy định sau không thể được đáp ứng")
                      + (("; bỏ bất kỳ quy định nào thì các quy định còn lại đều đáp ứng được (mâu thuẫn tối thiểu):"
                          if k != 1 else ", dù các quy định khác thế nào:")
                         if diag.minimal else " (chưa chứng minh được là tối thiểu trong thời gian cho phép):"))]
    lines += [f"  {i}. {text}" for i, text in enumerate(statements(w, diag.core), start=1)]
    fs = facts(w, diag.core, counter)
    if fs:
        lines += ["", w.t("The facts behind it:", "Các dữ kiện dẫn tới mâu thuẫn:")]
        lines += [f"  - {f}" for f in fs]
    if diag.suggestions or diag.shortfall:
        lines += ["", w.t("What would make it feasible (each change alone, everything else unchanged):",
                          "Điều gì sẽ làm kế hoạch khả thi (thay đổi riêng từng điểm, giữ nguyên mọi thứ khác):")]
        lines += [f"  - {suggestion_line(w, s)}" for s in _useful(diag.suggestions)]
        if diag.shortfall:
            sl = shortfall_lines(w, diag.shortfall)
            lines += [f"  - {sl[0]}"] + [f"  {x}" for x in sl[1:]]
    lines += ["", w.t(f"({diag.rule_instances} rule instances checked, {diag.solves} solves, "
                      f"{diag.deterministic_time:.2f} deterministic s, {diag.seconds:.1f} s)",
                      f"({diag.rule_instances} ràng buộc được kiểm tra, {diag.solves} lần giải, "
                      f"{diag.deterministic_time:.2f} s tất định, {diag.seconds:.1f} s)")]
    return _fold(lines, width)


def feasible_line(inst: Instance, diag: Diagnosis, lang: str = "en") -> str:
    w = Words(inst, lang)
    plan = diag.plan
    charges = len(plan.charges) if plan else 0
    visits = len(plan.attendance) if plan else 0
    return w.t(f"feasible: a plan satisfies all {diag.rule_instances} rule instances ({charges} charges, {visits} "
               f"attendances; checked by verify) — found in {diag.seconds:.1f} s.",
               f"khả thi: có kế hoạch thỏa mãn cả {diag.rule_instances} ràng buộc ({charges} lượt phân công, {visits} "
               f"lượt dự sinh hoạt; đã kiểm tra bằng verify) — tìm trong {diag.seconds:.1f} s.")
