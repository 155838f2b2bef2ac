"""The calendar and counting facts behind a conflict, recomputed from the `Instance` and the counts of
`planner.checks.precheck` and said in words (`planner.checks.words`): what limits a member's attendances in a
month, a quota against the meetings possible, a coverage count against the visitors possible, responsibility
counts, pins, and ``including`` sub-counts together. `planner.checks.explain` puts them in the whole text.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from planner.calendar import Month, PeriodSlot, month_of
from planner.checks.precheck import CapacityCounter, MonthCapacity
from planner.checks.words import Words, _days_text, _why_not
from planner.instance import CountSpec, Instance
from planner.model.context import RuleKey


# ---------------------------------------------------------------------------------------------- rules
def _attendance_rule(inst: Instance, rid: str):
    return next(r for r in inst.scenario.attendance if inst.rule_id(r) == rid)


def _coverage_rule(inst: Instance, rid: str):
    return next(r for r in inst.scenario.coverage if inst.rule_id(r) == rid)


def _responsibility_rule(inst: Instance, rid: str):
    return next(r for r in inst.scenario.responsibility if inst.rule_id(r) == rid)


def _slot(inst: Instance, per: str, label: str) -> PeriodSlot:
    return next(s for s in inst.slots(per) if s.label == label)


# ---------------------------------------------------------------------------------------------- facts
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
        parts.append(
            w.t(
                f"meets on day {m.day}, or up to {m.flex[0]} days before and {m.flex[1]} after",
                f"họp ngày {m.day}, linh hoạt {m.flex[0]} ngày trước và {m.flex[1]} ngày sau",
            )
        )
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
        return w.t(
            f"in {w.month(cap.month)} no meeting counts", f"trong {w.month(cap.month)} không có buổi nào được tính"
        )
    parts = []
    if cap.binding == "days" and att:
        days = cap.free_days
        cells = w.cells_word(att)
        if len(days) == 1:
            d = days[0]
            all_ = w.t("all " if len(att) > 2 else "both " if len(att) == 2 else "", "cả " if len(att) > 1 else "")
            parts.append(
                w.t(
                    f"in {w.month(cap.month)} {all_}{len(att)} {cells} {w.member(m)} may attend ({w.units(att)}) meet only "
                    f"on {w.date(d)}{_windows(w, att, cap.month)}",
                    f"trong {w.month(cap.month)} {all_}{len(att)} {cells} mà {w.member(m)} có thể dự ({w.units(att)}) "
                    f"chỉ họp vào {w.date(d)}{_windows(w, att, cap.month)}",
                )
            )
        else:
            parts.append(
                w.t(
                    f"in {w.month(cap.month)} the {len(att)} meetings {w.member(m)} may attend ({w.units(att)}) can only "
                    f"fall on {len(days)} days ({', '.join(w.date(d) for d in days)})",
                    f"trong {w.month(cap.month)} {len(att)} buổi mà {w.member(m)} có thể dự ({w.units(att)}) chỉ rơi vào "
                    f"{len(days)} ngày ({', '.join(w.date(d) for d in days)})",
                )
            )
        parts.append(
            w.t(
                f"meetings_per_day is {cap.per_day}, so {w.member(m)} can attend at most {w.meetings(cap.by_days)} that month",
                f"mỗi ngày dự nhiều nhất {cap.per_day} buổi (meetings_per_day = {cap.per_day}), nên {w.member(m)} dự được "
                f"nhiều nhất {cap.by_days} buổi trong tháng",
            )
        )
    elif cap.binding == "max_per_month":
        parts.append(
            w.t(
                f"in {w.month(cap.month)} max_per_month caps {w.member(m)} at {w.meetings(cap.capacity)}",
                f"trong {w.month(cap.month)} max_per_month giới hạn {w.member(m)} ở {cap.capacity} buổi",
            )
        )
    else:
        if att:
            parts.append(
                w.t(
                    f"in {w.month(cap.month)} {w.member(m)} can attend only {w.meetings(len(att))}: {w.units(att)}",
                    f"trong {w.month(cap.month)} {w.member(m)} chỉ có thể dự {len(att)} buổi: {w.units(att)}",
                )
            )
        else:
            parts.append(
                w.t(
                    f"in {w.month(cap.month)} {w.member(m)} can attend none of these meetings",
                    f"trong {w.month(cap.month)} {w.member(m)} không dự được buổi nào trong số này",
                )
            )
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
                reasons[
                    w.t(
                        f"unavailable {text}, which covers their possible days",
                        f"bận {text}, trùng các ngày có thể họp",
                    )
                ].append(b.day)
            else:
                reasons[
                    w.t(f"its own unit {w.unit(b.detail)} meets on", f"đơn vị của mình {w.unit(b.detail)} họp vào")
                ].append(b.day)
        said = "; ".join(f"{r} {_days_text(w, ds)}" for r, ds in reasons.items())
        they = w.t("meets" if len(blocked_units) == 1 else "meet", "chỉ họp")
        parts.append(
            w.t(
                f"{w.units(blocked_units)} {they} only when {w.member(m)} cannot: {said}",
                f"{w.units(blocked_units)} {they} vào ngày {w.member(m)} không dự được: {said}",
            )
        )
    if cap.not_eligible and cap.binding != "days":
        by_why = defaultdict(list)
        for u, why in cap.not_eligible.items():
            by_why[why].append(u)
        for why, us in by_why.items():
            parts.append(f"{w.units(us)}: {_why_not(w, why)}")
    return "; ".join(parts)


def quota_fact(w: Words, key: RuleKey, counter: CapacityCounter, core: list[RuleKey] = ()) -> str | None:
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
    return _capacity_sentence(w, key.rule, key.subject, spec, slot, need, counter) or _charges_sentence(
        w, key, spec, slot, need, core
    )


def _charges_sentence(
    w: Words, key: RuleKey, spec: CountSpec, slot: PeriodSlot, need: int, core: list[RuleKey]
) -> str | None:
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
    return w.t(
        f"Only meetings of units in charge count, and rule {limits[0].rule} lets {w.member(mid)} take "
        f"charge of at most {most} {'unit' if most == 1 else 'units'}, which hold at most "
        f"{w.meetings(per_month)} a month: at most {can} {w.in_period(slot.label)}; rule {key.rule} asks {need}.",
        f"Chỉ tính các buổi ở đơn vị mình phụ trách, mà quy định {limits[0].rule} cho {w.member(mid)} phụ trách "
        f"nhiều nhất {most} đơn vị, tức nhiều nhất {per_month} buổi mỗi tháng: nhiều nhất {can} buổi "
        f"{w.in_period(slot.label)}; quy định {key.rule} yêu cầu {need}.",
    )


def _capacity_sentence(
    w: Words, rid: str, mid: str, spec: CountSpec, slot: PeriodSlot, need: int, counter: CapacityCounter, what: str = ""
) -> str | None:
    caps = counter.period_capacity(mid, spec, slot)
    can = sum(c.capacity for c in caps)
    if can >= need:
        return None  # the count alone allows it: other rules in the set make the difference
    shown = [c for c in caps if c.capacity < max(1, len(c.eligible))] or caps
    first = shown[0]
    same = all(
        (c.binding, c.capacity, c.attendable == first.attendable, c.eligible == first.eligible)
        == (first.binding, first.capacity, True, True)
        for c in shown
    )
    if len(shown) > 1 and same:
        others = [c.month for c in shown[1:]]
        facts = month_fact(w, first) + w.t(
            f" (and likewise in {w.listing([w.month(mo) for mo in others])})",
            f" (tương tự trong {w.listing([w.month(mo) for mo in others])})",
        )
    elif len(shown) > 3:
        facts = "; ".join(month_fact(w, c) for c in shown[:3]) + w.t(
            f"; and so on in {len(shown) - 3} more months", f"; tương tự với {len(shown) - 3} tháng nữa"
        )
    else:
        facts = "; ".join(month_fact(w, c) for c in shown)
    asks = what or w.t(f"rule {rid} asks {need}", f"quy định {rid} yêu cầu {need}")
    if len(slot.months) == 1:
        return w.t(f"{facts[0].upper()}{facts[1:]}; {asks}.", f"{facts[0].upper()}{facts[1:]}; {asks}.")
    return w.t(
        f"{facts[0].upper()}{facts[1:]}. In all, {w.member(mid)} can attend at most {w.meetings(can)} "
        f"{w.in_period(slot.label)}; {asks}.",
        f"{facts[0].upper()}{facts[1:]}. Tổng cộng {w.member(mid)} dự được nhiều nhất {can} buổi "
        f"{w.in_period(slot.label)}; {asks}.",
    )


def coverage_fact(w: Words, key: RuleKey, counter: CapacityCounter, core: list[RuleKey]) -> str | None:
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
        text = w.t(
            f"in {w.month(mo)} {len(ok)} of the {len(by)} members counted may visit {w.unit(uid)}",
            f"trong {w.month(mo)} chỉ {len(ok)}/{len(by)} đồng chí được tính có thể dự tại {w.unit(uid)}",
        )
        if ok:
            text += f" ({w.members(ok)})"
        if why and len(why) <= 4:
            text += "; " + "; ".join(f"{w.member(m)}: {_why_not(w, r)}" for m, r in why.items())
        elif why:
            text += w.t(f"; {len(why)} others may not", f"; {len(why)} đồng chí khác không thể")
        out.append(text)
    resp = [
        k
        for k in core
        if k.family == "responsibility" and k.extra == "per_unit" and k.subject in inst.ancestors.get(uid, ())
    ]
    extra = ""
    if in_charge and resp:
        r = _responsibility_rule(inst, resp[0].rule)
        if r.per_unit.max is not None:
            extra = w.t(
                f"; only members in charge count, and rule {r and resp[0].rule} puts at most {r.per_unit.max} in "
                f"charge of {w.unit(resp[0].subject)}",
                f"; chỉ tính người phụ trách, mà quy định {resp[0].rule} cho tối đa {r.per_unit.max} đồng chí "
                f"phụ trách {w.unit(resp[0].subject)}",
            )
    if total >= need and not extra:
        return None
    facts = "; ".join(out[:3]) + (
        w.t(f"; and so on for {len(out) - 3} more months", f"; tương tự với {len(out) - 3} tháng nữa")
        if len(out) > 3
        else ""
    )
    return w.t(
        f"{facts[0].upper()}{facts[1:]}{extra}; rule {key.rule} asks {need} visits {w.in_period(key.period)}.",
        f"{facts[0].upper()}{facts[1:]}{extra}; quy định {key.rule} yêu cầu {need} lượt {w.in_period(key.period)}.",
    )


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
                    out.append(
                        w.t(
                            f"Rule {rid} has basis: require, so a member may take charge of {w.unit(u)} only if living in or "
                            f"below it or having a sector matching its kind or tags ({sectors}); of the {len(selected)} "
                            f"members it selects "
                            f"({w.members(selected)}), {len(cands) if cands else 'none'} qualif{'ies' if len(cands) == 1 else 'y'}"
                            f"{' (' + w.members(cands) + ')' if cands else ''}; it needs {rule.unit_min}.",
                            f"Quy định {rid} có basis: require, nên chỉ người cư trú tại (hoặc dưới) {w.unit(u)} hoặc có lĩnh "
                            f"vực trùng loại hoặc nhãn của đơn vị ({sectors}) mới được phụ trách; trong {len(selected)} "
                            f"đồng chí được chọn "
                            f"({w.members(selected)}) có {len(cands)} người đủ điều kiện"
                            f"{' (' + w.members(cands) + ')' if cands else ''}; quy định cần {rule.unit_min}.",
                        )
                    )
                else:
                    off = [m for m in selected if inst.fixed_charges.get((m, u)) is False]
                    note = (
                        w.t(
                            f"; fixed items keep {w.members(off)} from it",
                            f"; mục fixed không cho {w.members(off)} phụ trách",
                        )
                        if off
                        else ""
                    )
                    only = w.t(
                        f"Only {len(cands)} {'member' if len(cands) == 1 else 'members'} may"
                        if cands
                        else "No member may",
                        "",
                    )
                    out.append(
                        w.t(
                            f"{only} take charge of {w.unit(u)} under rule {rid}"
                            f"{' (' + w.members(cands) + ')' if cands else ''}{note}; it needs {rule.unit_min}.",
                            f"Theo quy định {rid} "
                            f"{f'chỉ {len(cands)} đồng chí có thể' if cands else 'không đồng chí nào có thể'} "
                            f"phụ trách {w.unit(u)}"
                            f"{' (' + w.members(cands) + ')' if cands else ''}{note}; quy định cần {rule.unit_min}.",
                        )
                    )
            continue
        if len(members) == 1 and not units:
            m = members[0]
            cands = [uu for mm, uu in pairs if mm == m]
            if len(cands) < rule.member_min:
                out.append(
                    w.t(
                        f"Under rule {rid} {w.member(m)} may take charge of only {len(cands)} units; "
                        f"it needs {rule.member_min}.",
                        f"Theo quy định {rid} {w.member(m)} chỉ có thể phụ trách {len(cands)} đơn vị; "
                        f"quy định cần {rule.member_min}.",
                    )
                )
            continue
        mmax = rule.per_member.max
        if units and mmax is not None:
            need_u = rule.unit_min * len(units)
            can = _most_charges(pairs, members, units, mmax)
            if need_u > can:
                out.append(
                    w.t(
                        f"Under rule {rid} the {len(units)} units {w.units(units)} need at least {rule.unit_min} member in "
                        f"charge each ({need_u} charges), but only {w.members(members)} may take charge of them, at most "
                        f"{mmax} each ({can} charges).",
                        f"Theo quy định {rid}, {len(units)} đơn vị {w.units(units)} mỗi đơn vị cần ít nhất {rule.unit_min} "
                        f"người phụ trách ({need_u} lượt phân công), nhưng chỉ {w.members(members)} có thể phụ trách, mỗi "
                        f"người nhiều nhất {mmax} đơn vị ({can} lượt).",
                    )
                )
                continue
        umax = rule.per_unit.max
        if members and umax is not None:
            need_m = rule.member_min * len(members)
            can = _most_charges([(u, m) for m, u in pairs], units, members, umax)
            if need_m > can:
                out.append(
                    w.t(
                        f"Under rule {rid} the {len(members)} members {w.members(members)} must each take charge of at least "
                        f"{rule.member_min} units ({need_m} charges), but the units open to them ({w.units(units)}) take at "
                        f"most {umax} members each ({can} charges).",
                        f"Theo quy định {rid}, {w.members(members)} mỗi người phải phụ trách ít nhất {rule.member_min} đơn "
                        f"vị ({need_m} lượt), nhưng các đơn vị có thể nhận ({w.units(units)}) mỗi nơi nhiều nhất {umax} "
                        f"người ({can} lượt).",
                    )
                )
    return out


def _most_charges(pairs: list[tuple[str, str]], holders: list[str], others: list[str], cap: int) -> int:
    """The most of the allowed ``pairs`` (holder, other) that can be charges when each holder is paired with at most
    ``cap`` of ``others`` (members with units under per_member.max, or units with members under per_unit.max)."""
    return sum(min(cap, sum(1 for h, o in pairs if h == x and o in others)) for x in set(holders))


def pin_facts(w: Words, core: list[RuleKey], counter: CapacityCounter) -> list[str]:
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
            f"{w.date(b.day)}: "
            + (
                w.t(f"unavailable ({b.detail})", f"bận ({b.detail})")
                if b.why == "unavailable"
                else w.t(f"its own unit {w.unit(b.detail)} meets", f"đơn vị mình {w.unit(b.detail)} họp")
            )
            for b in blocked
        )
        out.append(
            w.t(
                f"In {w.month(mo)} {w.unit(u)} can meet only on {', '.join(w.date(d) for d in days)} "
                f"({w.t('it ', '')}{_meeting_window(w, u, mo)}), and {w.member(m)} cannot attend then ({said}).",
                f"Trong {w.month(mo)} {w.unit(u)} chỉ có thể họp vào {', '.join(w.date(d) for d in days)} "
                f"({_meeting_window(w, u, mo)}), mà {w.member(m)} không dự được ({said}).",
            )
        )
    return out


def mix_fact(w: Words, keys: list[RuleKey], counter: CapacityCounter) -> str | None:
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
        return w.t(
            f"Rule {k0.rule}'s including items ask {' + '.join(map(str, needs))} = {total} attendances "
            f"of {w.member(k0.subject)} {w.in_period(k0.period)} at different units, more than its at_most "
            f"{rule.at_most}.",
            f"Các mục including của quy định {k0.rule} yêu cầu {' + '.join(map(str, needs))} = {total} buổi của "
            f"{w.member(k0.subject)} {w.in_period(k0.period)} tại các đơn vị khác nhau, vượt at_most = "
            f"{rule.at_most}.",
        )
    union = CountSpec(frozenset().union(*(includings[i].units for i in idx)), all(includings[i].in_charge for i in idx))
    return _capacity_sentence(
        w,
        k0.rule,
        k0.subject,
        union,
        slot,
        total,
        counter,
        w.t(
            f"its including items ask {' + '.join(map(str, needs))} = {total}",
            f"các mục including yêu cầu {' + '.join(map(str, needs))} = {total}",
        ),
    )


def facts(w: Words, core: list[RuleKey], counter: CapacityCounter) -> list[str]:
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
    out += in_charge_fact(w, core)
    out += pin_facts(w, core, counter)
    return out


def in_charge_fact(w: Words, core: list[RuleKey]) -> list[str]:
    """Quotas counted only at units in charge against a per_unit maximum: each unit meets once a month, so
    members asking n meetings in a month need n charges each, more than the units' maxima allow in all."""
    inst = w.inst
    asks = [k for k in core if k.family == "attendance"]
    caps = [k for k in core if k.family == "responsibility" and k.extra == "per_unit"]
    if not asks or not caps or len({k.rule for k in caps}) != 1:
        return []
    rule = _responsibility_rule(inst, caps[0].rule)
    most = rule.per_unit.max
    if most is None:
        return []
    needs = []
    for k in asks:
        r = _attendance_rule(inst, k.rule)
        if not r.units.in_charge or r.per != "month":
            return []
        slots = inst.slots(r.per, k.subject) if k.subject in inst.members else inst.slots(r.per)
        slot = next((s for s in slots if s.label == k.period), None)
        if slot is None:
            return []
        needs.append((k.subject, slot.scaled(r.at_least)))
    units = [k.subject for k in caps]
    total, allowed = sum(n for _, n in needs), most * len(units)
    if total <= allowed:
        return []
    members = [m for m, _ in needs]
    n = {x for _, x in needs}
    each = f"{n.pop()}" if len(n) == 1 else w.t("their", "số")
    return [
        w.t(
            f"Only meetings of units in charge count, and each unit meets once a month: the {len(members)} members "
            f"({w.members(members, 5)}) asking {each} meetings in their month need {total} charges in all; rule "
            f"{rule.id or caps[0].rule} allows at most {most} member{'s' if most != 1 else ''} in charge of each of these "
            f"{len(units)} {w.cells_word(units)} ({allowed} charges), and the other units are not open to them.",
            f"Chỉ tính các buổi ở đơn vị mình phụ trách, mỗi đơn vị họp mỗi tháng một lần: {len(members)} đồng chí "
            f"({w.members(members, 5).removeprefix('các đồng chí ')}) cần {each} buổi trong tháng nên cần tổng cộng "
            f"{total} lượt phụ trách; quy định {rule.id or caps[0].rule} cho nhiều nhất {most} đồng chí phụ trách mỗi "
            f"đơn vị trong {len(units)} {w.cells_word(units)} này ({allowed} lượt), các đơn vị khác không thuộc diện "
            f"các đồng chí này phụ trách.",
        )
    ]
