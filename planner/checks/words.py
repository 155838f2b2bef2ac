"""Words for the diagnosis, in English or Vietnamese: names of members and units, dates, months and
periods, plurals, bounds, and the folding of lines. Pure wording: it reads the `Instance` for names and order,
never recomputes a fact (those are `planner.checks.facts`'s; the whole text is `planner.checks.explain`'s).
"""

from __future__ import annotations

import datetime as dt

from planner.calendar import Month, PeriodSlot
from planner.instance import Instance
from planner.scenario import UnitSelector

EXPLAIN_LANGS = ("en", "vi")

_WEEKDAYS = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "vi": ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật"),
}
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
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
        if lang not in EXPLAIN_LANGS:
            raise ValueError(f"language {lang!r}: use one of {', '.join(EXPLAIN_LANGS)}")
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
            items = items[: most - 1] + ["…", items[-1]]
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
            return self.t(
                f"H{h} {y} ({'first' if h == '1' else 'second'} half)",
                f"6 tháng {'đầu' if h == '1' else 'cuối'} năm {y}",
            )
        return self.t(label, f"năm {label}")

    def per(self, per: str) -> str:
        return {
            "month": self.t("a month", "mỗi tháng"),
            "quarter": self.t("a quarter", "mỗi quý"),
            "half": self.t("a half-year", "mỗi 6 tháng"),
            "year": self.t("a year", "mỗi năm"),
        }[per]

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


# ---------------------------------------------------------------------------------------------- phrases
def _scaled_note(w: Words, slot: PeriodSlot, at_least: int) -> str:
    inside, total = slot.share
    if inside == total or slot.scaled(at_least) == at_least:
        return ""
    return w.t(
        f" ({at_least} {w.per(slot.per)}, scaled to the {inside} of its {total} months in the window)",
        f" ({at_least} {w.per(slot.per)}, tính theo {inside}/{total} tháng nằm trong kỳ kế hoạch)",
    )


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


def _is(n: int) -> str:
    return "is" if n == 1 else "are"


_PERIOD_WORDS = {
    "month": ("months", "tháng"),
    "quarter": ("quarters", "quý"),
    "half": ("half-years", "nửa năm"),
    "year": ("years", "năm"),
}


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
        return w.t(
            f"{n} missing in each of {len(items)} {en} ({w.period(items[0][0])} … {w.period(items[-1][0])})",
            f"thiếu {n} buổi trong mỗi {vi} của {len(items)} {vi} ({w.period(items[0][0])} … {w.period(items[-1][0])})",
        )
    if len(items) > 3:
        total = sum(n for _, n in items)
        en, vi = _PERIOD_WORDS[_per_of(items[0][0])]
        return w.t(
            f"{total} missing over {len(items)} {en} ({w.period(items[0][0])} … {w.period(items[-1][0])}, "
            f"{min(amounts)} to {max(amounts)} each)",
            f"thiếu tổng cộng {total} buổi trong {len(items)} {vi} ({w.period(items[0][0])} … "
            f"{w.period(items[-1][0])}, mỗi {vi} {min(amounts)} đến {max(amounts)})",
        )
    return ", ".join(w.t(f"{n} missing {w.in_period(p)}", f"thiếu {n} {w.in_period(p)}") for p, n in items)


# ---------------------------------------------------------------------------------------------- folding
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
        out.append(
            textwrap.fill(
                line, width=width, subsequent_indent=" " * len(lead), break_long_words=False, break_on_hyphens=False
            )
            if line
            else ""
        )
    return "\n".join(out)
