"""The diagnosis in words, in English or Vietnamese: which rules clash, the calendar facts behind the clash, and
what would make the scenario feasible.

Every sentence names the rule ids, members and units by name and id, the periods and the days, with the
numbers. It reads the `Instance`, the `Diagnosis` and the counting facts of `planner.precheck`; the
wording is `planner.checks.words`'s, the facts behind a conflict `planner.checks.facts`'s.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from planner.checks.diagnose import Diagnosis, Shortfall, Suggestion
from planner.checks.facts import _attendance_rule, _coverage_rule, _responsibility_rule, _slot, facts
from planner.checks.precheck import CapacityCounter, Finding
from planner.checks.words import Words, _bounds, _fold, _is, _periods_text, _plural_of, _scaled_note
from planner.instance import Instance
from planner.model.context import RuleKey


# ---------------------------------------------------------------------------------------------- statements
def statement(w: Words, key: RuleKey) -> str:
    """One rule instance of the minimal set, said as the rule it is."""
    inst, fam = w.inst, key.family
    if fam == "attendance":
        rule = _attendance_rule(inst, key.rule)
        slot = _slot(inst, rule.per, key.period)
        lo = slot.scaled(rule.at_least)
        return w.t(
            f"Rule {key.rule}: {w.member(key.subject)} attends {_bounds(w, lo, rule.at_most)} "
            f"{_plural_of(lo, rule.at_most, 'meeting')} of {w.selector(rule.units)} "
            f"{w.in_period(key.period)}{_scaled_note(w, slot, rule.at_least)}.",
            f"Quy định {key.rule}: {w.member(key.subject)} dự sinh hoạt {_bounds(w, lo, rule.at_most)} buổi "
            f"tại {w.selector(rule.units)} {w.in_period(key.period)}{_scaled_note(w, slot, rule.at_least)}.",
        )
    if fam == "including":
        rule = _attendance_rule(inst, key.rule)
        i = int(key.extra) - 1
        inc = rule.including[i]
        slot = _slot(inst, rule.per, key.period)
        lo = slot.scaled(inc.at_least)
        return w.t(
            f"Rule {key.rule} (including {key.extra}): of its count, {w.member(key.subject)} attends at least "
            f"{w.meetings(lo)} at {w.selector(inc.units, rule.units.in_charge)} {w.in_period(key.period)}.",
            f"Quy định {key.rule} (mục including {key.extra}): trong số đó {w.member(key.subject)} dự ít nhất "
            f"{lo} buổi tại {w.selector(inc.units, rule.units.in_charge)} {w.in_period(key.period)}.",
        )
    if fam == "coverage":
        rule = _coverage_rule(inst, key.rule)
        slot = _slot(inst, rule.per, key.period)
        lo = slot.scaled(rule.at_least)
        by = inst.select_members(rule.by)
        who = (
            w.members(by, 3)
            if len(by) <= 3
            else w.t(f"the {len(by)} members it counts", f"{len(by)} đồng chí được tính")
        )
        ic = rule.in_charge or rule.units.in_charge
        return w.t(
            f"Rule {key.rule}: {w.unit(key.subject)} receives {_bounds(w, lo, rule.at_most)} "
            f"{_plural_of(lo, rule.at_most, 'visit')} {w.in_period(key.period)} by {who}"
            f"{' in charge of it' if ic else ''}.",
            f"Quy định {key.rule}: {w.unit(key.subject)} có {_bounds(w, lo, rule.at_most)} lượt dự sinh hoạt "
            f"{w.in_period(key.period)} của {who}{' phụ trách đơn vị' if ic else ''}.",
        )
    if fam == "responsibility":
        rule = _responsibility_rule(inst, key.rule)
        if key.extra == "per_unit":
            return w.t(
                f"Rule {key.rule}: {w.unit(key.subject)} has {_bounds(w, rule.unit_min, rule.per_unit.max)} "
                f"{_plural_of(rule.unit_min, rule.per_unit.max, 'member')} in charge (per_unit).",
                f"Quy định {key.rule}: {w.unit(key.subject)} có {_bounds(w, rule.unit_min, rule.per_unit.max)} "
                f"đồng chí phụ trách (per_unit).",
            )
        return w.t(
            f"Rule {key.rule}: {w.member(key.subject)} is in charge of "
            f"{_bounds(w, rule.member_min, rule.per_member.max)} "
            f"{_plural_of(rule.member_min, rule.per_member.max, 'unit')} (per_member).",
            f"Quy định {key.rule}: {w.member(key.subject)} phụ trách "
            f"{_bounds(w, rule.member_min, rule.per_member.max)} đơn vị (per_member).",
        )
    if fam == "one-meeting-a-day":
        k = inst.scenario.limits.meetings_per_day
        d = dt.date.fromisoformat(key.period)
        session_en = f", in the {key.extra} session" if key.extra else ""
        session_vi = {"morning": ", buổi sáng", "afternoon": ", buổi chiều", "evening": ", buổi tối"}.get(key.extra, "")
        return w.t(
            f"meetings_per_day is {k}: {w.member(key.subject)} attends at most {w.meetings(k)} on {w.date(d)}"
            f"{session_en}.",
            f"meetings_per_day = {k}: {w.member(key.subject)} dự nhiều nhất {k} buổi trong ngày {w.date(d)}"
            f"{session_vi}.",
        )
    if fam == "own-meeting":
        d = dt.date.fromisoformat(key.period)
        return w.t(
            f"own_meetings_busy: {w.member(key.subject)} attends no other meeting on a day its own unit "
            f"{w.unit(key.extra)} meets — here {w.date(d)}.",
            f"own_meetings_busy: {w.member(key.subject)} không dự buổi sinh hoạt nào khác vào ngày đơn vị "
            f"của mình là {w.unit(key.extra)} họp — ở đây là {w.date(d)}.",
        )
    if fam == "unavailable":
        d = dt.date.fromisoformat(key.period)
        reason = inst.unavailable(key.subject, d) or ""
        return w.t(
            f"{w.member(key.subject)} is unavailable on {w.date(d)} ({reason}), so does not attend "
            f"{w.unit(key.extra)} that day.",
            f"{w.member(key.subject)} bận vào {w.date(d)} ({reason}), nên không dự {w.unit(key.extra)} ngày đó.",
        )
    if fam == "max-per-month":
        mpm = inst.members[key.subject].max_per_month
        return w.t(
            f"max_per_month: {w.member(key.subject)} attends at most {w.meetings(mpm or 0)} in {w.month(key.period)}.",
            f"max_per_month: {w.member(key.subject)} dự nhiều nhất {mpm} buổi trong {w.month(key.period)}.",
        )
    if fam == "fixed":
        if key.period:
            return w.t(
                f"A fixed item has {w.member(key.subject)} attend the meeting of {w.unit(key.extra)} in "
                f"{w.month(key.period)}.",
                f"Mục fixed: {w.member(key.subject)} phải dự sinh hoạt tại {w.unit(key.extra)} trong "
                f"{w.month(key.period)}.",
            )
        return w.t(
            f"A fixed item puts {w.member(key.subject)} in charge of {w.unit(key.extra)}.",
            f"Mục fixed: {w.member(key.subject)} phụ trách {w.unit(key.extra)}.",
        )
    if fam == "team":
        team = next((t for t in inst.scenario.teams if t.id == key.rule), None)
        name = (team.name or team.id) if team is not None else key.rule
        if key.extra == "per_team" and team is not None:
            lo, hi = team.per_team.min or 0, team.per_team.max
            return w.t(
                f"Work team {name} takes charge of {_bounds(w, lo, hi)} {_plural_of(lo, hi, 'unit')} together.",
                f"Tổ công tác {name} cùng phụ trách {_bounds(w, lo, hi)} đơn vị.",
            )
        return w.t(
            f"Work team {name}: all its members are in charge of a unit together, or none.",
            f"Tổ công tác {name}: cả tổ cùng phụ trách một đơn vị, hoặc không ai.",
        )
    if fam == "apart-from":
        return w.t(
            f"apart_from: {w.unit(key.subject)} and {w.unit(key.extra)} never meet on the same day "
            f"({w.month(key.period)}).",
            f"apart_from: {w.unit(key.subject)} và {w.unit(key.extra)} không họp cùng một ngày "
            f"({w.month(key.period)}).",
        )
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
            out.append(
                w.t(
                    f"Rule {head[1]} (per_unit), for each of these {len(ks)} units: {w.units(subjects, 6)} — "
                    f"{_bounds(w, lo, hi)} {_plural_of(lo, hi, 'member')} in charge.",
                    f"Quy định {head[1]} (per_unit), với mỗi đơn vị trong {len(ks)} đơn vị: "
                    f"{w.units(subjects, 6)} — {_bounds(w, lo, hi)} đồng chí phụ trách.",
                )
            )
        else:
            lo, hi = rule.member_min, rule.per_member.max
            out.append(
                w.t(
                    f"Rule {head[1]} (per_member), for each of these {len(ks)} members: "
                    f"{w.members(subjects, 6)} — in charge of {_bounds(w, lo, hi)} "
                    f"{_plural_of(lo, hi, 'unit')}.",
                    f"Quy định {head[1]} (per_member), với mỗi đồng chí trong {len(ks)} đồng chí: "
                    f"{w.members(subjects, 6).removeprefix('các đồng chí ')} — phụ trách {_bounds(w, lo, hi)} "
                    f"đơn vị.",
                )
            )
    return out


# ---------------------------------------------------------------------------------------------- findings
def finding_line(w: Words, f: Finding) -> str:
    inst = w.inst
    subj = ""
    if f.subject in inst.members:
        subj = w.member(f.subject)
    elif f.subject in inst.units:
        subj = w.unit(f.subject)
    where = ", ".join(
        x
        for x in (
            subj,
            w.period(f.period) if f.period and f.kind != "pin" or (f.kind == "pin" and len(f.period) == 7) else "",
        )
        if x
    )
    head = f"{where}: " if where else ""
    if f.kind in ("calendar", "mix"):
        return head + w.t(
            f"rule {f.rule} asks {f.need} attendances, at most {f.can} {_is(f.can)} possible",
            f"quy định {f.rule} yêu cầu {f.need} buổi, nhiều nhất chỉ dự được {f.can}",
        )
    if f.kind == "capacity":
        return head + w.t(
            f"rule {f.rule} asks {f.need} visits, at most {f.can} {_is(f.can)} possible",
            f"quy định {f.rule} yêu cầu {f.need} lượt, nhiều nhất chỉ có {f.can}",
        )
    if f.kind in ("responsibility", "require-basis"):
        if f.what == "members":
            return head + w.t(
                f"rule {f.rule} needs {f.need} members in charge, {f.can} may take it",
                f"quy định {f.rule} cần {f.need} người phụ trách, chỉ {f.can} người có thể",
            )
        if f.what == "units":
            return head + w.t(
                f"rule {f.rule} needs {f.need} units in charge, {f.can} are open",
                f"quy định {f.rule} cần phụ trách {f.need} đơn vị, chỉ {f.can} đơn vị có thể",
            )
        return head + w.t(
            f"rule {f.rule} needs {f.need} charges, at most {f.can} {_is(f.can)} possible",
            f"quy định {f.rule} cần {f.need} lượt phân công, nhiều nhất chỉ có {f.can}",
        )
    return head + w.t(
        f"fixed items ask {f.need}, rule {f.rule} allows {f.can}",
        f"các mục fixed yêu cầu {f.need}, quy định {f.rule} chỉ cho {f.can}",
    )


# ---------------------------------------------------------------------------------------------- suggestions
def suggestion_line(w: Words, s: Suggestion) -> str:
    inst = w.inst
    undecided = (
        w.t(" (not decided within the time budget)", " (chưa kết luận được trong thời gian cho phép)")
        if not s.decided
        else ""
    )
    if s.rule == "own_meetings_busy":
        return (
            w.t("own_meetings_busy: false would make it feasible.", "own_meetings_busy: false sẽ làm kế hoạch khả thi.")
            if s.found
            else w.t("own_meetings_busy: false alone would not help.", "chỉ đặt own_meetings_busy: false thì chưa đủ.")
        ) + undecided
    if s.rule == "fixed":
        m, u, mo = s.subject.split("|")
        what = (
            w.t(
                f"the fixed item that has {w.member(m)} attend {w.unit(u)} in {w.month(mo)}",
                f"mục fixed buộc {w.member(m)} dự {w.unit(u)} trong {w.month(mo)}",
            )
            if mo
            else w.t(
                f"the fixed item that puts {w.member(m)} in charge of {w.unit(u)}",
                f"mục fixed giao {w.member(m)} phụ trách {w.unit(u)}",
            )
        )
        return (
            w.t(f"Dropping {what} would make it feasible.", f"Bỏ {what} sẽ làm kế hoạch khả thi.")
            if s.found
            else w.t(f"Dropping {what} alone would not help.", f"Chỉ bỏ {what} thì chưa đủ.")
        ) + undecided
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
        rule = next(
            (r for r in (*inst.scenario.attendance, *inst.scenario.coverage) if inst.rule_id(r) == s.rule), None
        )
        if rule is not None:
            per = f" {w.per(rule.per)}"
    down = s.field.endswith(".min") or s.field.endswith("at_least")

    def setting(value) -> str:
        if w.lang == "vi":
            return f"{name}:{fld} = {value}{per}" if fld else f"{name} = {value}{per}"
        return f"{name}:{fld} {value}{per}"

    if s.found and s.value is None:
        return (
            w.t(
                f"{name}: only removing{fld} altogether would make it feasible.",
                f"{name}: chỉ khi bỏ hẳn{fld} thì kế hoạch mới khả thi.",
            )
            + undecided
        )
    if s.found and not s.decided:
        return w.t(
            f"{setting(s.value)} (now {s.current}) holds; values nearer {s.current} were not decided within "
            f"the time budget.",
            f"{setting(s.value)} (hiện là {s.current}) là khả thi; các mức gần {s.current} hơn chưa kết luận "
            f"được trong thời gian cho phép.",
        )
    if s.found:
        if down:
            return w.t(
                f"{setting(s.value)} (now {s.current}) is the largest that holds.",
                f"{setting(s.value)} (hiện là {s.current}) là mức cao nhất còn khả thi.",
            )
        return w.t(
            f"{setting(s.value)} (now {s.current}) is the smallest that holds.",
            f"{setting(s.value)} (hiện là {s.current}) là mức thấp nhất còn khả thi.",
        )
    if not s.decided:
        return w.t(
            f"{name}:{fld} no feasible value found within the time budget.",
            f"{name}:{fld} chưa tìm được giá trị khả thi trong thời gian cho phép.",
        )
    return w.t(f"{name}: changing{fld} alone does not help.", f"{name}: chỉ thay đổi{fld} thì chưa đủ.")


def _useful(suggestions: list[Suggestion]) -> list[Suggestion]:
    """Leave out "changing X alone does not help" for a rule when another of its fields does help."""
    helped = {(s.rule, s.subject) for s in suggestions if s.found}
    return [
        s for s in suggestions if s.found or not s.decided or (s.rule, s.subject) not in helped or s.rule == "fixed"
    ]


def shortfall_lines(w: Words, sh: Shortfall, most: int = 10) -> list[str]:
    if sh.status == "infeasible":
        return [
            w.t(
                "Making the attendance and coverage minimums soft is not enough: the conflict lies in other rules "
                "(responsibility, pins or limits).",
                "Kể cả khi coi các chỉ tiêu tối thiểu về dự sinh hoạt là mềm thì vẫn không khả thi: mâu thuẫn nằm ở "
                "các quy định khác (phân công phụ trách, mục fixed hoặc giới hạn).",
            )
        ]
    if sh.status == "unknown" or sh.total is None:
        return [
            w.t(
                "The least shortfall was not found within the time budget.",
                "Chưa tính được mức thiếu hụt nhỏ nhất trong thời gian cho phép.",
            )
        ]
    proven = sh.status == "optimal"
    head = w.t(
        f"With the attendance and coverage minimums made soft, the least total shortfall is {sh.total} "
        f"{'visit' if sh.total == 1 else 'visits'}{'' if proven else f' (best found; at least {sh.bound})'}:",
        f"Nếu coi các chỉ tiêu tối thiểu là mềm, tổng số buổi còn thiếu ít nhất là {sh.total}"
        f"{'' if proven else f' (tốt nhất tìm được; không dưới {sh.bound})'}:",
    )
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


# ---------------------------------------------------------------------------------------------- issue 16
def kind_line(w: Words, diag: Diagnosis) -> str:
    """Whether the set said is the smallest (proven) or minimal only."""
    what = w.t("weight", "trọng số") if diag.weighted else w.t("rule instances", "ràng buộc")
    if diag.smallest:
        return w.t(
            f"  This is the smallest conflict (proven): no set of rules that clash has less {what} ({diag.weight})."
            if diag.weighted
            else f"  This is the smallest conflict (proven): no set of fewer rule instances clashes ({diag.weight}).",
            (
                f"  Đây là mâu thuẫn nhỏ nhất (đã chứng minh): không có mâu thuẫn nào có tổng trọng số nhỏ hơn "
                f"({diag.weight})."
                if diag.weighted
                else f"  Đây là mâu thuẫn nhỏ nhất (đã chứng minh): không có mâu thuẫn nào gồm ít ràng buộc hơn "
                f"({diag.weight})."
            ),
        )
    if diag.minimal:
        return w.t(
            "  This conflict is minimal; that it is the smallest was not proven within the time budget ("
            + (f"no conflict has less than {diag.lower_bound} {what}; " if diag.lower_bound > 1 else "")
            + f"this one has {diag.weight}).",
            "  Mâu thuẫn này là tối thiểu; chưa chứng minh được là nhỏ nhất trong thời gian cho phép ("
            + (f"mọi mâu thuẫn có ít nhất {diag.lower_bound} {what}; " if diag.lower_bound > 1 else "")
            + f"mâu thuẫn này có {diag.weight}).",
        )
    return w.t("  (Neither minimal nor smallest proven.)", "  (Chưa chứng minh được là tối thiểu hay nhỏ nhất.)")


def _months_of(inst: Instance, periods) -> list[str]:
    out = set()
    for p in periods:
        if len(p) == 10:
            out.add(p[:7])
        elif len(p) == 7 and p[4] == "-" and p[5:].isdigit():
            out.add(p)
        else:
            for per in ("quarter", "half", "year"):
                for slot in inst.slots(per):
                    if slot.label == p:
                        out.update(slot.months)
    return sorted(out)


def conflict_subjects(inst: Instance, c) -> tuple[list[str], list[str], list[str]]:
    """The members, units and months of a conflict (every instance found)."""
    members, units, periods = set(), set(), set()
    for k in c.keys():
        if k.subject in inst.members:
            members.add(k.subject)
        elif k.subject in inst.units:
            units.add(k.subject)
        if k.extra in inst.units:
            units.add(k.extra)
        if k.period:
            periods.add(k.period)
    return (
        sorted(members, key=inst.member_order.__getitem__),
        sorted(units, key=lambda u: inst.unit_order.get(u, 0)),
        _months_of(inst, periods),
    )


def rules_text(w: Words, groups) -> str:
    names = []
    for fam, rule, extra in groups:
        if fam == "one-meeting-a-day":
            names.append(w.t("one meeting a day (meetings_per_day)", "mỗi ngày một buổi (meetings_per_day)"))
        elif fam == "own-meeting":
            names.append(w.t("own meetings (own_meetings_busy)", "trùng ngày họp của đơn vị mình (own_meetings_busy)"))
        elif fam == "unavailable":
            names.append(w.t("a member's unavailability", "lịch bận của đồng chí"))
        elif fam == "fixed":
            names.append(w.t("the fixed items", "các mục fixed"))
        elif fam == "max-per-month":
            names.append("max_per_month")
        elif fam == "team":
            names.append(w.t(f"work team {rule}", f"tổ công tác {rule}"))
        elif fam == "apart-from":
            names.append(w.t("meetings kept apart (apart_from)", "không họp cùng ngày (apart_from)"))
        else:
            side = f" ({extra})" if fam == "responsibility" else f" (including {extra})" if extra else ""
            names.append(w.t(f"rule {rule}{side}", f"quy định {rule}{side}"))
    return w.listing(names, 6)


def conflict_lines(w: Words, enum, counter: CapacityCounter) -> list[str]:
    inst = w.inst
    n = len(enum.conflicts)
    lines = [
        w.t(
            f"Every distinct conflict ({n} found{'' if enum.complete else ', the search was cut by --max or the time budget'}; "
            f"grouped by rule and calendar fact):",
            f"Các mâu thuẫn khác nhau ({n} mâu thuẫn{'' if enum.complete else ', việc tìm bị dừng do --max hoặc hết thời gian'}; "
            f"gộp theo quy định và dữ kiện lịch):",
        )
    ]
    for i, c in enumerate(enum.conflicts, start=1):
        members, units, months = conflict_subjects(inst, c)
        who = []
        if members:
            who.append(
                w.t(
                    f"{len(members)} member{'s' if len(members) != 1 else ''} ({w.members(members, 6)})",
                    f"{len(members)} đồng chí ({w.members(members, 6).removeprefix('các đồng chí ').removeprefix('đồng chí ')})",
                )
            )
        if units and not members:
            who.append(
                w.t(
                    f"{len(units)} unit{'s' if len(units) != 1 else ''} ({w.units(units, 6)})",
                    f"{len(units)} đơn vị ({w.units(units, 6)})",
                )
            )
        when = w.listing([w.month(m) for m in months], 6) if months else ""
        lines.append(
            w.t(
                f"  {i}. {rules_text(w, c.groups)} clash"
                + (f" for {', '.join(who)}" if who else "")
                + (f" in {len(months)} month{'s' if len(months) != 1 else ''} ({when})" if months else "")
                + f" — {len(c.instances)} instance{'s' if len(c.instances) != 1 else ''} found"
                + ("" if c.complete else ", maybe more")
                + ". For example:",
                f"  {i}. {rules_text(w, c.groups)} mâu thuẫn nhau"
                + (f" với {', '.join(who)}" if who else "")
                + (f" trong {len(months)} tháng ({when})" if months else "")
                + f" — tìm thấy {len(c.instances)} trường hợp"
                + ("" if c.complete else ", có thể còn nữa")
                + ". Ví dụ:",
            )
        )
        lines += [f"     - {t}" for t in statements(w, c.example)]
        lines += [f"     - {t}" for t in facts(w, c.example, counter)[:2]]
    return lines


def change_text(w: Words, ch) -> str:
    f, inst = ch.field, w.inst
    if f.path[0] == "fixed":
        item = inst.scenario.fixed[int(f.path[1])]
        if getattr(item, "attend", None) is True:
            what = w.t(
                f"the fixed item that has {w.member(item.member)} attend {w.unit(item.unit)} in {w.month(item.month)}",
                f"mục fixed buộc {w.member(item.member)} dự {w.unit(item.unit)} trong {w.month(item.month)}",
            )
        else:
            what = w.t(
                f"the fixed item that puts {w.member(item.member)} in charge of {w.unit(item.unit)}",
                f"mục fixed giao {w.member(item.member)} phụ trách {w.unit(item.unit)}",
            )
        return w.t(f"drop {what}", f"bỏ {what}")
    if f.path[0] == "unit" and f.path[2] == "flex_when":
        m = inst.units[f.path[1]].meeting
        return w.t(
            f"the meeting of {w.unit(f.path[1])}: flex_when {m.flex_when} → always (it may move within its flex "
            f"in any month, not only when day {m.day} is blocked)",
            f"lịch họp của {w.unit(f.path[1])}: flex_when {m.flex_when} → always (được họp lệch ngày {m.day} trong "
            f"phạm vi flex ở mọi tháng, không chỉ khi ngày đó là ngày nghỉ)",
        )
    if f.path[0] == "apart":
        a, b = f.path[1], f.path[2]
        return w.t(
            f"drop apart_from between {w.unit(a)} and {w.unit(b)} (they may meet on the same day)",
            f"bỏ apart_from giữa {w.unit(a)} và {w.unit(b)} (được họp cùng một ngày)",
        )
    if f.path[0] == "team":
        team = next((t for t in inst.scenario.teams if t.id == f.path[1]), None)
        name = (team.name or team.id) if team is not None else f.path[1]
        return w.t(
            f"work team {name}: {f.path[2]} {f.current} → {ch.value}",
            f"tổ công tác {name}: {f.path[2]} {f.current} → {ch.value}",
        )
    if f.path[0] == "unit":
        side = f.path[2].removeprefix("flex.")
        return w.t(
            f"the meeting of {w.unit(f.path[1])}: flex {side} {f.current} → {ch.value} "
            f"day{'s' if ch.value != 1 else ''} ({'earlier' if side == 'before' else 'later'} than day "
            f"{inst.units[f.path[1]].meeting.day} allowed)",
            f"lịch họp của {w.unit(f.path[1])}: flex {'trước' if side == 'before' else 'sau'} {f.current} → "
            f"{ch.value} ngày (cho phép họp {'sớm' if side == 'before' else 'muộn'} hơn ngày "
            f"{inst.units[f.path[1]].meeting.day})",
        )
    if f.path == ("limits", "own_meetings_busy"):
        return "own_meetings_busy: true → false"
    if f.path == ("limits", "meetings_per_day"):
        return f"meetings_per_day: {f.current} → {ch.value}"
    if f.path[0] == "member":
        return w.t(
            f"max_per_month of {w.member(f.path[1])}: {f.current} → {ch.value}",
            f"max_per_month của {w.member(f.path[1])}: {f.current} → {ch.value}",
        )
    per = ""
    if f.path[0] in ("attendance", "coverage") and not f.path[2].startswith("including"):
        rules = inst.scenario.attendance if f.path[0] == "attendance" else inst.scenario.coverage
        rule = next((r for r in rules if inst.rule_id(r) == f.path[1]), None)
        per = f" {w.per(rule.per)}" if rule is not None else ""
    return w.t(
        f"rule {f.path[1]}: {f.path[2]} {f.current} → {ch.value}{per}",
        f"quy định {f.path[1]}: {f.path[2]} {f.current} → {ch.value}{per}",
    )


def correction_lines(w: Words, corr, core: list | None = None) -> list[str]:
    if corr.status == "infeasible":
        return [nothing_holds(w, core or [])]
    if corr.status == "unknown" or corr.total is None:
        return [
            w.t(
                "The least change was not found within the time budget.",
                "Chưa tìm được phương án điều chỉnh ít nhất trong thời gian cho phép.",
            )
        ]
    proven = corr.status == "optimal"
    head = w.t(
        f"The least change that makes it hold (total change {corr.total}"
        + ("; proven: no smaller change does" if proven else f"; best found, no change smaller than {corr.bound}")
        + "):",
        f"Phương án điều chỉnh ít nhất để kế hoạch khả thi (tổng mức thay đổi {corr.total}"
        + ("; đã chứng minh: không có phương án nhỏ hơn" if proven else f"; tốt nhất tìm được, không dưới {corr.bound}")
        + "):",
    )
    lines = [head] + [f"  - {change_text(w, ch)}" for ch in corr.changes]
    if corr.holds == "feasible":
        lines.append(
            w.t(
                "  Checked anew: the scenario so changed has a plan (check --out writes it, as solve does).",
                "  Đã kiểm tra lại: kịch bản sau điều chỉnh có kế hoạch khả thi (check --out ghi kế hoạch như solve).",
            )
        )
    return lines


def nothing_holds(w: Words, core: list) -> str:
    """No relaxable field makes it hold: say so, and name what is left to change — from the conflict's rules,
    never the calendar when a work team's rule is what stands."""
    head = w.t(
        "No change of the rules' numbers (quotas, responsibility, work teams' per_team, the day and month "
        "limits), pins, own_meetings_busy, apart_from or the meetings' flex and flex_when (up to 3 days more each "
        "side) makes it hold",
        "Thay đổi các con số của quy định (chỉ tiêu, phân công phụ trách, per_team của tổ công tác, giới hạn theo "
        "ngày và tháng), mục fixed, own_meetings_busy, apart_from hay flex và flex_when của lịch họp (thêm tối đa 3 "
        "ngày mỗi phía) đều chưa đủ",
    )
    fams = {k.family for k in core}
    teams = sorted({k.rule for k in core if k.family == "team" and k.extra == "together"})
    if teams:
        names = ", ".join(teams)
        return head + w.t(
            f": what stands is that a work team's members take charge together ({names}) — change the team's "
            f"members or the units it may take.",
            f": điều còn lại là các thành viên tổ công tác phụ trách cùng nhau ({names}) — cần thay đổi thành viên "
            f"của tổ hoặc các đơn vị tổ được phụ trách.",
        )
    if fams and fams <= {"team", "responsibility", "fixed"}:
        return head + w.t(
            ": what must change is who may take charge of what (the responsibility rules' members and units, "
            "the work teams).",
            ": cần thay đổi ai được phụ trách đơn vị nào (đối tượng và đơn vị của quy định phân công, các tổ công "
            "tác).",
        )
    return head + w.t(
        ": the calendar itself must change (meeting days, weekdays, months or frequency, holidays, who is "
        "unavailable when).",
        ": phải thay đổi chính lịch họp (ngày họp, thứ trong tuần, tháng họp, ngày nghỉ, thời gian vắng mặt).",
    )


def quota_lines(w: Words, q) -> list[str]:
    inst = w.inst
    rule = next((r for r in inst.scenario.attendance if inst.rule_id(r) == q.rule), None)
    per = f" {w.per(rule.per)}" if rule is not None else ""
    name = f"{q.rule} ({q.field})"
    if q.largest is not None:
        head = w.t(
            f"Rule {name}: the largest value every member can meet is {q.largest}{per} (asked: {q.asked})"
            + (", once the other changes of the least change are made" if q.with_other_changes else "")
            + ("" if q.decided else "; values nearer were not decided within the time budget")
            + ".",
            f"Quy định {name}: mức cao nhất mọi đồng chí đều đạt được là {q.largest}{per} (yêu cầu: {q.asked})"
            + (
                ", sau khi thực hiện các điều chỉnh khác của phương án điều chỉnh ít nhất"
                if q.with_other_changes
                else ""
            )
            + ("" if q.decided else "; các mức gần hơn chưa kết luận được trong thời gian cho phép")
            + ".",
        )
    else:
        head = w.t(
            f"Rule {name}: no value of it alone makes the scenario hold (asked: {q.asked}).",
            f"Quy định {name}: không mức nào của riêng quy định này làm kế hoạch khả thi (yêu cầu: {q.asked}).",
        )
    lines = [head]
    if not q.short and q.largest is not None and not q.shortfall_known:
        lines.append(
            w.t(
                f"  Who falls short at {q.asked} (the least shortfall) was not decided within the time budget; "
                f"give a larger --time-limit.",
                f"  Chưa xác định được trong thời gian cho phép những đồng chí không đạt ở mức {q.asked} (thiếu hụt "
                f"ít nhất); hãy tăng --time-limit.",
            )
        )
    if q.short:
        by_member: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for m, period, _need, miss in q.short:
            by_member[m].append((period, miss))
        lines.append(
            w.t(
                f"  At {q.asked}, {len(by_member)} member{'s fall' if len(by_member) != 1 else ' falls'} short ("
                + (
                    "least total shortfall"
                    if q.shortfall_proven
                    else "the least total shortfall found, not proven least"
                )
                + "):",
                f"  Ở mức {q.asked}, {len(by_member)} đồng chí không đạt ("
                + (
                    "tổng thiếu hụt ít nhất"
                    if q.shortfall_proven
                    else "tổng thiếu hụt ít nhất tìm được, chưa chứng minh"
                )
                + "):",
            )
        )
        for m, items in list(by_member.items())[:8]:
            lines.append(f"  - {w.member(m)}: {_periods_text(w, items)}")
        if len(by_member) > 8:
            lines.append(w.t(f"  - … and {len(by_member) - 8} more", f"  - … và {len(by_member) - 8} đồng chí khác"))
    return lines


# ---------------------------------------------------------------------------------------------- the whole text
def explain_diagnosis(
    inst: Instance,
    diag: Diagnosis,
    lang: str = "en",
    counter: CapacityCounter | None = None,
    header: bool = True,
    width: int | None = None,
) -> str:
    """The explanation of an infeasible (or undecided) diagnosis, as plain text. ``header``: start with the
    one-line verdict (``solve`` prints its own status line instead); ``width``: fold lines to it."""
    w = Words(inst, lang)
    counter = counter or CapacityCounter(inst)
    if diag.status == "feasible":
        return feasible_line(inst, diag, lang)
    if diag.status == "unknown":
        return w.t(
            f"unknown: neither a plan nor a proof of infeasibility within the time budget "
            f"({diag.deterministic_time:.1f} deterministic s). Give a larger --time-limit.",
            f"chưa rõ: trong thời gian cho phép ({diag.deterministic_time:.1f} s tất định) chưa tìm được kế hoạch "
            f"cũng chưa chứng minh được là không khả thi. Hãy tăng --time-limit.",
        )
    lines = (
        [
            w.t(
                "infeasible: no plan satisfies every rule together.",
                "không khả thi: không có kế hoạch nào thỏa mãn đồng thời mọi quy định.",
            )
        ]
        if header
        else []
    )
    if diag.findings:
        n = len(diag.findings)
        lines += [""] if lines else []
        lines += [
            w.t(
                f"Counting checks (before any search) found {n} impossible {'count' if n == 1 else 'counts'}:",
                f"Kiểm tra đếm (trước khi tìm kiếm) phát hiện {n} chỉ tiêu không thể đạt:",
            )
        ]
        lines += [f"  - {finding_line(w, f)}" for f in diag.findings[:3]]
        if n > 3:
            lines.append(w.t(f"  - … and {n - 3} more", f"  - … và {n - 3} trường hợp khác"))
    k = len(diag.core)
    lines += [""] if lines else []
    if not diag.core:
        lines.append(
            w.t(
                "No plan exists (proven), but the rules that clash were not isolated within the time budget; "
                "give a larger --time-limit.",
                "Đã chứng minh không có kế hoạch khả thi, nhưng chưa tách được các quy định mâu thuẫn trong "
                "thời gian cho phép; hãy tăng --time-limit.",
            )
        )
        return _fold(lines, width)
    lines += [
        w.t(
            (f"Why: these {k} rules cannot all hold together" if k != 1 else "Why: this rule cannot hold")
            + (
                (
                    "; drop any one of them and the rest can (a minimal conflict):"
                    if k != 1
                    else ", whatever the other rules:"
                )
                if diag.minimal
                else " (not proven minimal within the time budget):"
            ),
            (
                f"Nguyên nhân: {k} quy định sau không thể cùng được đáp ứng"
                if k != 1
                else "Nguyên nhân: quy định sau không thể được đáp ứng"
            )
            + (
                (
                    "; bỏ bất kỳ quy định nào thì các quy định còn lại đều đáp ứng được (mâu thuẫn tối thiểu):"
                    if k != 1
                    else ", dù các quy định khác thế nào:"
                )
                if diag.minimal
                else " (chưa chứng minh được là tối thiểu trong thời gian cho phép):"
            ),
        )
    ]
    lines += [f"  {i}. {text}" for i, text in enumerate(statements(w, diag.core), start=1)]
    lines.append(kind_line(w, diag))
    fs = facts(w, diag.core, counter)
    if fs:
        lines += ["", w.t("The facts behind it:", "Các dữ kiện dẫn tới mâu thuẫn:")]
        lines += [f"  - {f}" for f in fs]
    if diag.enumeration is not None:
        lines += [""] + conflict_lines(w, diag.enumeration, counter)
    if diag.correction is not None:
        lines += [""] + correction_lines(w, diag.correction, diag.core)
    for q in diag.quotas:
        lines += [""] + quota_lines(w, q)
    if diag.suggestions or diag.shortfall:
        lines += [
            "",
            w.t(
                "What would make it feasible (each change alone, everything else unchanged):",
                "Điều gì sẽ làm kế hoạch khả thi (thay đổi riêng từng điểm, giữ nguyên mọi thứ khác):",
            ),
        ]
        lines += [f"  - {suggestion_line(w, s)}" for s in _useful(diag.suggestions)]
        if diag.shortfall:
            sl = shortfall_lines(w, diag.shortfall)
            lines += [f"  - {sl[0]}"] + [f"  {x}" for x in sl[1:]]
    lines += [
        "",
        w.t(
            f"({diag.rule_instances} rule instances checked, {diag.solves} solves, "
            f"{diag.deterministic_time:.2f} deterministic s, {diag.seconds:.1f} s)",
            f"({diag.rule_instances} ràng buộc được kiểm tra, {diag.solves} lần giải, "
            f"{diag.deterministic_time:.2f} s tất định, {diag.seconds:.1f} s)",
        ),
    ]
    return _fold(lines, width)


def feasible_line(inst: Instance, diag: Diagnosis, lang: str = "en") -> str:
    w = Words(inst, lang)
    plan = diag.plan
    charges = len(plan.charges) if plan else 0
    visits = len(plan.attendance) if plan else 0
    return w.t(
        f"feasible: a plan satisfies all {diag.rule_instances} rule instances ({charges} charges, {visits} "
        f"attendances; checked by verify) — found in {diag.seconds:.1f} s.",
        f"khả thi: có kế hoạch thỏa mãn cả {diag.rule_instances} ràng buộc ({charges} lượt phân công, {visits} "
        f"lượt dự sinh hoạt; đã kiểm tra bằng verify) — tìm trong {diag.seconds:.1f} s.",
    )
