"""Terminal tables of a scenario and of a plan (rich). Reads the instance and the plan; never the solver."""

from __future__ import annotations

from collections import Counter, defaultdict

from rich.console import Console
from rich.table import Table

from planner.calendar import month_of
from planner.instance import Instance
from planner.outputs.labels import Labels
from planner.plan import Plan, PlanView, Summary
from planner.scenario import TERM_SIGNS
from planner.status import Status


def _span(values: list[int]) -> str:
    if not values:
        return "–"
    lo, hi = min(values), max(values)
    return str(lo) if lo == hi else f"{lo}–{hi}"


def _need(at_least: int, at_most: int | None) -> str:
    if at_most is None:
        return f"≥{at_least}"
    return f"{at_least}–{at_most}" if at_least else f"≤{at_most}"


# Vietnamese words of the terminal tables (``planner solve --lang vi``); English is the default.
_VI = {
    "Members: charges and attendances": "Cấp ủy viên: phụ trách và dự sinh hoạt",
    "Member": "Đồng chí",
    "In charge of": "Phụ trách",
    "Att.": "Dự",
    "Per period vs quota": "Theo kỳ so với định mức",
    "Units: visits vs coverage": "Chi bộ: lượt dự so với yêu cầu",
    "Unit": "Chi bộ",
    "In charge": "Người phụ trách",
    "Visits": "Lượt dự",
    "Per period vs coverage": "Theo kỳ so với yêu cầu",
    "Objective (maximised)": "Mục tiêu (cực đại)",
    "Term": "Thành phần",
    "Count": "Số lượng",
    "Weight": "Trọng số",
    "Contribution": "Đóng góp",
    "total": "tổng",
    "a month": "mỗi tháng",
    "a quarter": "mỗi quý",
    "a half": "mỗi 6 tháng",
    "a year": "mỗi năm",
}


def _tr(text: str, lang: str) -> str:
    return _VI.get(text, text) if lang == "vi" else text


# The commands' own lines (``--lang vi``: Vietnamese): key → (English, Vietnamese).
_MESSAGES = {
    "plan_written": ("Plan written to {out}/: {files}.", "Đã ghi kế hoạch vào {out}/: {files}."),
    "written": ("Written to {out}/: {files}.", "Đã ghi vào {out}/: {files}."),
    "nothing": ("Nothing was written.", "Không ghi tệp nào."),
    "no_plan": (
        "Nothing was written. Give a larger --time-limit.",
        "Không ghi tệp nào: chưa tìm được kế hoạch trong thời gian cho phép; hãy cho --time-limit lớn hơn.",
    ),
    "verify_ok": (
        "verify: ok, the plan satisfies every rule; objective {objective}.",
        "kiểm tra: đạt, kế hoạch thỏa mọi quy định; giá trị mục tiêu {objective}.",
    ),
    "verify_bad": ("verify: {n} violation{s}:", "kiểm tra: {n} vi phạm:"),
    "refused": (
        "Nothing written: fix the plan, or give --force to render it anyway.",
        "Không ghi tệp nào: hãy sửa kế hoạch, hoặc thêm --force để vẫn xuất.",
    ),
    "other_scenario": (
        "note: the plan was made from another version of the scenario (summary.json has a different scenario_sha256).",
        "lưu ý: kế hoạch được lập từ một phiên bản khác của kịch bản (scenario_sha256 trong summary.json khác).",
    ),
    "edited": (
        "note: summary.json says objective {claimed}; recomputed {objective} (the plan was edited): the outputs "
        "show the recomputed terms.",
        "lưu ý: summary.json ghi giá trị mục tiêu {claimed}; tính lại được {objective} (kế hoạch đã được sửa): "
        "các tệp xuất ra dùng giá trị tính lại.",
    ),
    "amendments": (
        "{n} amendment{s} of the decision in force: {files}.",
        "{n} quyết định sửa đổi, bổ sung quyết định đang thi hành: {files}.",
    ),
    "no_amendment": (
        "No decision of the plan in force changed: no amendment written.",
        "Không có nội dung nào của quyết định đang thi hành thay đổi: không lập quyết định sửa đổi.",
    ),
}


def message(key: str, lang: str = "en", **kw: object) -> str:
    """One line of a command, in English or (``lang="vi"``) Vietnamese."""
    en, vi = _MESSAGES[key]
    return (vi if lang == "vi" else en).format(**kw)


# The status line's words: a template per status ("other": any other status), "unknown", the unit of seconds.
_STATUS_LINES = {
    "en": (
        {
            "optimal": "[bold green]optimal[/]: objective {objective} (proven), {seconds}",
            "feasible": "[bold yellow]feasible[/]: objective {objective}, best bound {bound}, gap {gap} "
            "(not proven optimal), {seconds}",
            "infeasible": "[bold red]infeasible[/]: no plan satisfies every rule ({seconds})",
            "other": "[bold red]{status}[/]: no plan found within the time limit ({seconds})",
        },
        "unknown",
        "s",
    ),
    "vi": (
        {
            "optimal": "[bold green]tối ưu (optimal)[/]: mục tiêu {objective} (đã chứng minh), {seconds}",
            "feasible": "[bold yellow]khả thi (feasible)[/]: mục tiêu {objective}, cận {bound}, khoảng cách {gap} "
            "(chưa chứng minh tối ưu), {seconds}",
            "infeasible": "[bold red]không khả thi (infeasible)[/]: không có kế hoạch nào đạt mọi quy định ({seconds})",
            "other": "[bold red]{status}[/]: chưa tìm được kế hoạch trong thời gian cho phép ({seconds})",
        },
        "chưa rõ",
        "giây",
    ),
}


def status_line(summary: Summary, lang: str = "en") -> str:
    """The outcome of the search in one line (rich markup), in English or (``lang="vi"``) Vietnamese."""
    s = summary
    lines, unknown, sec = _STATUS_LINES["vi" if lang == "vi" else "en"]
    values = {"status": s.status, "objective": s.objective, "seconds": f"{s.seconds:.1f} {sec}"}
    if s.status == Status.FEASIBLE:
        values["gap"] = f"{100 * s.gap:.1f} %" if s.gap is not None else unknown
        values["bound"] = f"{s.bound:g}" if s.bound is not None else unknown
    return lines.get(s.status, lines["other"]).format(**values)


def _period_check(inst: Instance, rule, got: list[int], lang: str) -> str:
    """One rule's counts per period against what it asks: ``xa-moi-thang: 1–2 a month (≥1)``."""
    return f"{inst.rule_id(rule)}: {_span(got)} {_tr(f'a {rule.per}', lang)} ({_need(rule.at_least, rule.at_most)})"


def member_table(inst: Instance, plan: Plan, lang: str = "en") -> Table:
    view = PlanView(inst, plan)
    t = Table(title=_tr("Members: charges and attendances", lang), show_lines=False, expand=False)
    t.add_column(_tr("Member", lang), overflow="fold")
    t.add_column(_tr("In charge of", lang), overflow="fold")
    t.add_column(_tr("Att.", lang), justify="right")
    t.add_column(_tr("Per period vs quota", lang), overflow="fold")
    rules = inst.scenario.attendance
    counts = [inst.attendance_counts(r) for r in rules]
    for mid, member in inst.members.items():
        units = sorted(view.charged[mid], key=inst.unit_order.__getitem__)
        checks = []
        for rule, spec_by_member in zip(rules, counts):
            spec = spec_by_member.get(mid)
            if spec is None:
                continue
            got = [view.member_count(mid, spec, slot.months) for slot in inst.slots(rule.per)]
            checks.append(_period_check(inst, rule, got, lang))
        t.add_row(
            f"{member.name} ({mid})",
            ", ".join(inst.units[u].name for u in units) or "–",
            str(len(view.att_by_member[mid])),
            "; ".join(checks) or "–",
        )
    return t


def unit_table(inst: Instance, plan: Plan, lang: str = "en") -> Table:
    view = PlanView(inst, plan)
    t = Table(title=_tr("Units: visits vs coverage", lang), expand=False)
    t.add_column(_tr("Unit", lang), overflow="fold")
    t.add_column(_tr("In charge", lang), overflow="fold")
    t.add_column(_tr("Visits", lang), justify="right")
    t.add_column(_tr("Per period vs coverage", lang), overflow="fold")
    in_charge: dict[str, list[str]] = defaultdict(list)
    for m, u in sorted(plan.charges, key=inst.pair_key):
        in_charge[u].append(inst.members[m].name)
    specs = [(r, *inst.coverage_spec(r)) for r in inst.scenario.coverage]
    for uid, unit in inst.units.items():
        checks = []
        for rule, units, by, ic in specs:
            if uid in units:
                got = [view.unit_count(uid, by, ic, slot.months) for slot in inst.slots(rule.per)]
                checks.append(_period_check(inst, rule, got, lang))
        visits = len(view.att_by_unit[uid])
        if not (in_charge[uid] or visits or checks):
            continue
        t.add_row(f"{unit.name} ({uid})", ", ".join(in_charge[uid]) or "–", str(visits), "; ".join(checks) or "–")
    return t


def objective_table(inst: Instance, terms: dict[str, int], lang: str = "en") -> Table:
    w = inst.scenario.weights.model_dump()
    t = Table(title=_tr("Objective (maximised)", lang))
    t.add_column(_tr("Term", lang))
    t.add_column(_tr("Count", lang), justify="right")
    t.add_column(_tr("Weight", lang), justify="right")
    t.add_column(_tr("Contribution", lang), justify="right")
    total = 0
    for name, sign in TERM_SIGNS.items():
        value = terms.get(name, 0)
        contrib = sign * w[name] * value
        total += contrib
        label = f"{Labels('vi').term(name)} ({name})" if lang == "vi" else name
        t.add_row(label, str(value), f"{'+' if sign > 0 else '−'}{w[name]}", f"{contrib:+d}")
    t.add_row(f"[bold]{_tr('total', lang)}[/]", "", "", f"[bold]{total:+d}[/]")
    return t


def print_plan(console: Console, inst: Instance, plan: Plan, summary: Summary, lang: str = "en") -> None:
    console.print(f"[bold]{inst.scenario.name}[/]")
    console.print(status_line(summary, lang))
    console.print(member_table(inst, plan, lang))
    console.print(unit_table(inst, plan, lang))
    console.print(objective_table(inst, summary.terms, lang))


def print_scenario(console: Console, inst: Instance) -> None:
    """What a scenario holds: units by kind, members by level and role, rules, days blocked by holidays."""
    s = inst.scenario
    console.print(f"[bold]{s.name}[/]  ({s.start} – {s.end}, {len(inst.months)} months)")
    kinds = Counter(u.kind for u in s.units)
    t = Table(title=f"{len(s.units)} units")
    t.add_column("Kind")
    t.add_column("Count", justify="right")
    t.add_column("Meeting", justify="right")
    meets = Counter(u.kind for u in s.units if u.meeting is not None)
    for kind, n in kinds.most_common():
        t.add_row(kind, str(n), str(meets[kind]))
    console.print(t)

    t = Table(title=f"{len(s.members)} members")
    t.add_column("Level")
    t.add_column("Role")
    t.add_column("Count", justify="right")
    roles = Counter((inst.member_level(m.id) or "–", r) for m in s.members for r in (m.roles or ("–",)))
    for (level, role), n in sorted(roles.items()):
        t.add_row(level, role, str(n))
    console.print(t)

    t = Table(title="Rules")
    t.add_column("Rule")
    t.add_column("Kind")
    t.add_column("Selects", overflow="fold")
    t.add_column("Asks", overflow="fold")
    for r in s.responsibility:
        t.add_row(
            inst.rule_id(r),
            "responsibility",
            f"{len(inst.select_members(r.members))} members × {len(inst.select_units(r.units))} units",
            f"per unit {r.unit_min}–{r.per_unit.max if r.per_unit.max is not None else '∞'}, per member "
            f"{r.member_min}–{r.per_member.max if r.per_member.max is not None else '∞'}, basis {r.basis}",
        )
    for r in s.attendance:
        inc = "".join(
            f", of which ≥{i.at_least} at {len(spec.units)} units"
            for i, spec in zip(r.including, inst.including_counts(r))
        )
        t.add_row(
            inst.rule_id(r),
            "attendance",
            f"{len(inst.select_members(r.members))} members, {len(inst.select_units(r.units))} units"
            + (" (in charge)" if r.units.in_charge else ""),
            f"{_need(r.at_least, r.at_most)} a {r.per}{inc}",
        )
    for r in s.coverage:
        units, by, ic = inst.coverage_spec(r)
        t.add_row(
            inst.rule_id(r),
            "coverage",
            f"{len(units)} units, by {len(by)} members" + (" (in charge)" if ic else ""),
            f"{_need(r.at_least, r.at_most)} visits a {r.per}",
        )
    console.print(t)

    lim = s.limits
    console.print(
        f"Limits: meetings_per_day {lim.meetings_per_day}, own_meetings_busy {lim.own_meetings_busy}; "
        f"{len(s.fixed)} pinned decisions"
    )
    blocked = inst.calendar.blocked
    t = Table(title=f"{len(blocked)} days blocked for every meeting (public holidays, blackouts)")
    t.add_column("Date")
    t.add_column("Why")
    t.add_column("Preferred meeting days it moves", overflow="fold")
    for day, why in sorted(blocked.items()):
        moved = [inst.units[u].name for u in inst.meeting_units if inst.preferred(u, month_of(day)) == day]
        t.add_row(day.isoformat(), why, ", ".join(moved) or "–")
    console.print(t)
