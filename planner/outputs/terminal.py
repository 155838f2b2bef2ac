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
    "valid": (
        "valid: the scenario loads and every reference resolves.",
        "hợp lệ: kịch bản đọc được và mọi tham chiếu đều đúng.",
    ),
    "derived_id": ("id derived from the name: {note}", "mã lấy từ tên: {note}"),
    "ok": (
        "ok: the plan satisfies every rule; objective {objective}.",
        "đạt: kế hoạch thỏa mọi quy định; giá trị mục tiêu {objective}.",
    ),
    "claimed": (
        "note: summary.json says objective {claimed}; recomputed {objective}.",
        "lưu ý: summary.json ghi giá trị mục tiêu {claimed}; tính lại được {objective}.",
    ),
    "violations": ("{n} violation{s}:", "{n} vi phạm:"),
    "input_errors": ("error: {n} problem{s} in the input:", "lỗi: {n} vấn đề trong dữ liệu vào:"),
    "diff_written": (
        "Diff written to {out}/: diff-*.csv and diff.xlsx.",
        "Đã ghi so sánh vào {out}/: diff-*.csv và diff.xlsx.",
    ),
    "whatif_infeasible": (
        "No plan satisfies every rule of the changed scenario ({out}/scenario.yaml).",
        "Không có kế hoạch nào thỏa mọi quy định của kịch bản đã thay đổi ({out}/scenario.yaml).",
    ),
    "whatif_no_plan": (
        "No plan found: give a larger --time-limit.",
        "Chưa tìm được kế hoạch: hãy cho --time-limit lớn hơn.",
    ),
    "whatif_no_amendment": (
        "No amendment: no committee of the plan in force had its decisions changed, or each committee "
        "that issues one now was founded by the changes (its decision.docx is a new decision).",
        "Không lập quyết định sửa đổi: không cấp ủy nào của kế hoạch đang thi hành có nội dung thay đổi, hoặc "
        "mỗi cấp ủy ra quyết định nay đều mới thành lập theo thay đổi (decision.docx là quyết định mới).",
    ),
    "whatif_written": (
        "Written to {out}/: scenario.yaml, plan/, diff/ (CSV and diff.xlsx), report.txt{docs}.",
        "Đã ghi vào {out}/: scenario.yaml, plan/, diff/ (CSV và diff.xlsx), report.txt{docs}.",
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
            got = [view.member_count(mid, spec, slot.months) for slot in inst.slots(rule.per, mid)]
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
                slots = [x for x in inst.slots(rule.per, unit=uid) if x.serving != 0]  # periods it meets in
                got = [view.unit_count(uid, by, ic, slot.months) for slot in slots]
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


_VI_SCENARIO = {
    "units": "chi bộ, đảng bộ",
    "members": "cấp ủy viên (ghế)",
    "Kind": "Loại",
    "Count": "Số lượng",
    "Meeting": "Có họp",
    "Level": "Cấp",
    "Role": "Vai trò",
    "Rules": "Quy định",
    "Rule": "Quy định",
    "Selects": "Áp dụng cho",
    "Asks": "Yêu cầu",
    "responsibility": "phụ trách",
    "attendance": "dự sinh hoạt",
    "coverage": "bao phủ",
    "Date": "Ngày",
    "Why": "Lý do",
    "Preferred meeting days it moves": "Ngày họp thường kỳ phải dời",
}


def print_scenario(console: Console, inst: Instance, lang: str = "en") -> None:
    """What a scenario holds: units by kind, members by level and role, rules, days blocked by holidays
    (``lang="vi"``: in Vietnamese)."""
    vi = lang == "vi"
    L = Labels("vi")

    def tr(text: str) -> str:
        return _VI_SCENARIO.get(text, text) if vi else text

    s = inst.scenario
    if vi:
        console.print(f"[bold]{s.name}[/]  ({s.start} – {s.end}, {len(inst.months)} tháng)")
    else:
        console.print(f"[bold]{s.name}[/]  ({s.start} – {s.end}, {len(inst.months)} months)")
    kinds = Counter(u.kind for u in s.units)
    t = Table(title=f"{len(s.units)} {tr('units')}")
    t.add_column(tr("Kind"))
    t.add_column(tr("Count"), justify="right")
    t.add_column(tr("Meeting"), justify="right")
    meets = Counter(u.kind for u in s.units if u.meeting is not None)
    for kind, n in kinds.most_common():
        t.add_row(f"{L.kind(kind)} ({kind})" if vi else kind, str(n), str(meets[kind]))
    console.print(t)

    persons = len(inst.seats)
    title = f"{len(s.members)} {tr('members')}"
    if persons != len(s.members):
        title += f", {persons} người" if vi else f", {persons} persons"
    t = Table(title=title)
    t.add_column(tr("Level"))
    t.add_column(tr("Role"))
    t.add_column(tr("Count"), justify="right")
    levels = {"province": "tỉnh", "district": "huyện", "commune": "xã"}
    roles = Counter((inst.member_level(m.id) or "–", r) for m in s.members for r in (m.roles or ("–",)))
    for (level, role), n in sorted(roles.items()):
        if vi:
            t.add_row(levels.get(level, level), L.role(role) if role != "–" else "–", str(n))
        else:
            t.add_row(level, role, str(n))
    console.print(t)

    t = Table(title=tr("Rules"))
    t.add_column(tr("Rule"))
    t.add_column(tr("Kind"))
    t.add_column(tr("Selects"), overflow="fold")
    t.add_column(tr("Asks"), overflow="fold")
    for r in s.responsibility:
        umax = r.per_unit.max if r.per_unit.max is not None else "∞"
        mmax = r.per_member.max if r.per_member.max is not None else "∞"
        nm, nu = len(inst.select_members(r.members)), len(inst.select_units(r.units))
        if vi:
            basis = {"require": "bắt buộc", "prefer": "ưu tiên", "ignore": "không xét"}[r.basis]
            t.add_row(
                inst.rule_id(r),
                tr("responsibility"),
                f"{nm} cấp ủy viên × {nu} chi bộ",
                f"mỗi chi bộ {r.unit_min}–{umax}, mỗi đồng chí {r.member_min}–{mmax}, cơ sở {basis}",
            )
        else:
            t.add_row(
                inst.rule_id(r),
                "responsibility",
                f"{nm} members × {nu} units",
                f"per unit {r.unit_min}–{umax}, per member {r.member_min}–{mmax}, basis {r.basis}",
            )
    for ar in s.attendance:
        specs = list(zip(ar.including, inst.including_counts(ar)))
        nm, nu = len(inst.select_members(ar.members)), len(inst.select_units(ar.units))
        if vi:
            inc = "".join(f", trong đó ≥{i.at_least} tại {len(spec.units)} chi bộ" for i, spec in specs)
            own = ", không tính chi bộ nơi sinh hoạt" if ar.own_cell == "exclude" else ""
            t.add_row(
                inst.rule_id(ar),
                tr("attendance"),
                f"{nm} cấp ủy viên, {nu} chi bộ" + (" (đang phụ trách)" if ar.units.in_charge else ""),
                f"{_need(ar.at_least, ar.at_most)} {L.per(ar.per)}{inc}{own}",
            )
        else:
            inc = "".join(f", of which ≥{i.at_least} at {len(spec.units)} units" for i, spec in specs)
            own = ", own cell not counted" if ar.own_cell == "exclude" else ""
            t.add_row(
                inst.rule_id(ar),
                "attendance",
                f"{nm} members, {nu} units" + (" (in charge)" if ar.units.in_charge else ""),
                f"{_need(ar.at_least, ar.at_most)} a {ar.per}{inc}{own}",
            )
    for cr in s.coverage:
        units, by, ic = inst.coverage_spec(cr)
        if vi:
            t.add_row(
                inst.rule_id(cr),
                tr("coverage"),
                f"{len(units)} chi bộ, bởi {len(by)} cấp ủy viên" + (" (đang phụ trách)" if ic else ""),
                f"{_need(cr.at_least, cr.at_most)} lượt dự {L.per(cr.per)}",
            )
        else:
            t.add_row(
                inst.rule_id(cr),
                "coverage",
                f"{len(units)} units, by {len(by)} members" + (" (in charge)" if ic else ""),
                f"{_need(cr.at_least, cr.at_most)} visits a {cr.per}",
            )
    console.print(t)

    lim = s.limits
    if vi:
        busy = "có" if lim.own_meetings_busy else "không"
        console.print(
            f"Giới hạn: tối đa {lim.meetings_per_day} buổi mỗi ngày, bận họp cấp ủy và chi bộ nơi sinh hoạt: {busy}; "
            f"{len(s.fixed)} nội dung đã ấn định"
        )
        if s.teams:
            console.print(f"{len(s.teams)} tổ công tác: " + ", ".join(t.name or t.id for t in s.teams))
    else:
        console.print(
            f"Limits: meetings_per_day {lim.meetings_per_day}, own_meetings_busy {lim.own_meetings_busy}; "
            f"{len(s.fixed)} pinned decisions"
        )
        if s.teams:
            console.print(f"{len(s.teams)} work teams: " + ", ".join(t.name or t.id for t in s.teams))
    blocked = inst.calendar.blocked
    if vi:
        title = f"{len(blocked)} ngày không chi bộ nào họp (ngày lễ, ngày nghỉ)"
    else:
        title = f"{len(blocked)} days blocked for every meeting (public holidays, blackouts)"
    t = Table(title=title)
    t.add_column(tr("Date"))
    t.add_column(tr("Why"))
    t.add_column(tr("Preferred meeting days it moves"), overflow="fold")
    for day, why in sorted(blocked.items()):
        moved = [inst.units[u].name for u in inst.meeting_units if inst.preferred(u, month_of(day)) == day]
        t.add_row(day.isoformat(), why, ", ".join(moved) or "–")
    console.print(t)
