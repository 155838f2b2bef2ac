"""What every output shows, computed once from the instance and the plan (no solver, no file format).

`Facts` orders members by committee, role (secretary first) and scenario order, units by scenario order,
and counts each quota and coverage rule per period the way `verify` does (through `report.PlanView`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from planner.calendar import Month, month_of
from planner.instance import Instance
from planner.outputs.labels import ROLE_ORDER
from planner.plan import Plan, PlanView, Summary
from planner.scenario import TERM_SIGNS
from planner.status import Status

_PLACE_PREFIXES = (
    "Đảng ủy xã ",
    "Đảng ủy phường ",
    "Đảng ủy thị trấn ",
    "Đảng ủy đặc khu ",
    "Đảng bộ xã ",
    "Đảng bộ phường ",
    "Đảng bộ tỉnh ",
    "Đảng bộ huyện ",
    "Đảng bộ ",
    "Đảng ủy ",
    "Tỉnh ủy ",
    "Thành ủy ",
    "Huyện ủy ",
    "Quận ủy ",
    "Thị ủy ",
    "Ban Thường vụ ",
)


@dataclass(frozen=True)
class Attendance:
    member: str
    unit: str
    date: dt.date

    @property
    def month(self) -> Month:
        return month_of(self.date)


@dataclass(frozen=True)
class QuotaRow:
    """One count of one rule in one period: who (member or unit), required range, planned, and its state."""

    rule: str
    subject: str  # member id (attendance) or unit id (coverage)
    period: str
    at_least: int
    at_most: int | None
    planned: int
    # format v2: the months of the period the member serves, of its months in the window (prorated need),
    # and the home cell an ``own_cell: exclude`` rule does not count for the member
    serving: tuple[int, int] | None = None
    not_counted: str | None = None

    @property
    def state(self) -> str:
        if self.planned < self.at_least:
            return "below"
        if self.at_most is not None and self.planned > self.at_most:
            return "above"
        if (self.at_least > 0 and self.planned == self.at_least) or self.planned == self.at_most:
            return "tight"
        return "ok"

    @property
    def required(self) -> str:
        if self.at_most is None:
            return f"≥ {self.at_least}"
        if self.at_least == self.at_most:
            return str(self.at_least)
        return f"{self.at_least}–{self.at_most}"


def _conflict_text(c: Any, L: Any) -> str:
    """An excused stretch in words: "01/03/2026 – 30/04/2026", "05/08/2026", "thứ Hai"."""
    if c.date is not None:
        return L.date(c.date)
    if c.from_ is not None or c.to is not None:
        a = L.date(c.from_) if c.from_ is not None else "…"
        b = L.date(c.to) if c.to is not None else "…"
        return f"{a} – {b}"
    return ", ".join(c.weekdays or ())


def role_rank(roles: tuple[str, ...]) -> int:
    return min((ROLE_ORDER.index(r) for r in roles if r in ROLE_ORDER), default=len(ROLE_ORDER))


def summary_from_dict(data: dict[str, Any] | None) -> Summary:
    """A `Summary` from a plan directory's ``summary.json`` (None: a plan drafted by hand)."""
    if not data:
        return Summary(status=Status.HAND_MADE)
    known = {"status", "objective", "bound", "gap", "seconds", "scenario_sha256", "seed", "terms"}
    return Summary(
        status=Status.read(data.get("status", "unknown")),
        objective=data.get("objective"),
        bound=data.get("bound"),
        gap=data.get("gap"),
        seconds=float(data.get("seconds") or 0.0),
        scenario_sha256=str(data.get("scenario_sha256") or ""),
        seed=int(data.get("seed") or 0),
        terms=dict(data.get("terms") or {}),
        extra={k: v for k, v in data.items() if k not in known},
    )


class Facts:
    def __init__(self, inst: Instance, plan: Plan, summary: Summary, violations: int | None = None):
        # Ids the scenario does not know (a plan edited by hand, rendered with --force) are left out: verify
        # has reported them, and no output could name them.
        known_m, known_u = inst.members.keys(), inst.units.keys()
        plan = Plan(
            frozenset((m, u) for m, u in plan.charges if m in known_m and u in known_u),
            {k: d for k, d in plan.meetings.items() if k[0] in known_u},
            frozenset(a for a in plan.attendance if a[0] in known_m and a[1] in known_u),
        )
        self.inst, self.plan, self.summary = inst, plan, summary
        self.violations = violations  # None: not checked here
        self.view = PlanView(inst, plan)
        s = inst.scenario
        self.name = s.name
        self.months: list[Month] = list(inst.months)
        self.start, self.end = s.start, s.end

    # ------------------------------------------------------------------------------------------ members, units
    @cached_property
    def members(self) -> list[str]:
        """Member ids by committee (scenario order of the committee unit), role, then scenario order."""
        inst = self.inst
        return sorted(
            inst.members,
            key=lambda m: (
                inst.unit_order.get(inst.members[m].committee, -1),
                role_rank(inst.members[m].roles),
                inst.member_order[m],
            ),
        )

    @cached_property
    def units(self) -> list[str]:
        """Units in charge of someone or attended, in scenario order."""
        used = {u for _, u in self.plan.charges} | {u for _, u, _ in self.plan.attendance}
        return [u for u in self.inst.units if u in used]

    @cached_property
    def charges(self) -> dict[str, list[str]]:
        """Member → units in charge, scenario order."""
        out: dict[str, list[str]] = {m: [] for m in self.members}
        for m, u in sorted(self.plan.charges, key=self.inst.pair_key):
            out.setdefault(m, []).append(u)
        return out

    @cached_property
    def in_charge(self) -> dict[str, list[str]]:
        """Unit → members in charge, in the members' order."""
        out: dict[str, list[str]] = defaultdict(list)
        for m in self.members:
            for u in self.charges.get(m, ()):
                out[u].append(m)
        return out

    @cached_property
    def attendances(self) -> list[Attendance]:
        """Every attendance by date, member order, unit order."""
        order = {m: i for i, m in enumerate(self.members)}
        return sorted(
            (Attendance(m, u, d) for m, u, d in self.plan.attendance),
            key=lambda a: (a.date, order.get(a.member, 1 << 30), self.inst.unit_order.get(a.unit, 1 << 30)),
        )

    @cached_property
    def by_member(self) -> dict[str, list[Attendance]]:
        out: dict[str, list[Attendance]] = {m: [] for m in self.members}
        for a in self.attendances:
            out.setdefault(a.member, []).append(a)
        return out

    @cached_property
    def by_member_month(self) -> dict[tuple[str, Month], list[Attendance]]:
        out: dict[tuple[str, Month], list[Attendance]] = defaultdict(list)
        for a in self.attendances:
            out[a.member, a.month].append(a)
        return out

    @cached_property
    def meetings_attended(self) -> dict[Month, list[tuple[dt.date, str, list[str]]]]:
        """Month → [(date, unit, attending members)] for meetings someone attends, by date and unit order."""
        groups: dict[tuple[dt.date, str], list[str]] = defaultdict(list)
        for a in self.attendances:
            groups[a.date, a.unit].append(a.member)
        out: dict[Month, list[tuple[dt.date, str, list[str]]]] = {mo: [] for mo in self.months}
        for (d, u), ms in sorted(groups.items(), key=lambda kv: (kv[0][0], self.inst.unit_order.get(kv[0][1], 0))):
            out.setdefault(month_of(d), []).append((d, u, ms))
        return out

    @cached_property
    def meetings(self) -> list[tuple[str, Month, dt.date, list[str]]]:
        """Every planned meeting: (unit, month, date, attending members), unit order then month."""
        att: dict[tuple[str, dt.date], list[str]] = defaultdict(list)
        for a in self.attendances:
            att[a.unit, a.date].append(a.member)
        rows = sorted(self.plan.meetings.items(), key=lambda kv: (self.inst.unit_order.get(kv[0][0], 0), kv[0][1]))
        return [(u, mo, d, att.get((u, d), [])) for (u, mo), d in rows]

    def preferred(self, unit: str, month: Month) -> dt.date | None:
        u = self.inst.units.get(unit)
        return self.inst.preferred(unit, month) if u is not None and u.meeting is not None else None

    def member_name(self, m: str) -> str:
        mem = self.inst.members.get(m)
        return mem.name if mem else m

    def unit_name(self, u: str) -> str:
        unit = self.inst.units.get(u)
        return unit.name if unit else u

    def parent_name(self, u: str) -> str:
        unit = self.inst.units.get(u)
        return self.unit_name(unit.parent) if unit is not None and unit.parent else ""

    def basis(self, m: str, u: str) -> str:
        """Why the member is in charge of the unit, for the tables: residence, sector, other — or ``team`` when
        it is in charge of it with its work team."""
        if (m, u) in self.inst.team_pairs:
            for t in self.inst.scenario.teams:
                if m in t.everyone and all((p, u) in self.plan.charges for p in t.everyone):
                    return "team"
        return self.inst.basis(m, u)

    # ------------------------------------------------------------------------------------------ quotas
    @cached_property
    def quota_rows(self) -> list[QuotaRow]:
        """Each attendance rule (and each ``including``), per member and period: required vs planned."""
        inst, view, rows = self.inst, self.view, []
        for rule in inst.scenario.attendance:
            rid = inst.rule_id(rule)
            specs = inst.attendance_counts(rule)
            units = frozenset(inst.select_units(rule.units))
            for mid in self.members:
                spec = specs.get(mid)
                if spec is None:
                    continue
                incs = list(zip(rule.including, inst.including_counts(rule, mid)))
                home = inst.members[mid].home_cell
                skip = home if rule.own_cell == "exclude" and home in units else None
                for slot in inst.slots(rule.per, mid):
                    part = slot.serving is not None and slot.serving < len(slot.months)
                    serving = (slot.serving or 0, len(slot.months)) if part else None
                    rows.append(
                        QuotaRow(
                            rid,
                            mid,
                            slot.label,
                            slot.scaled(rule.at_least),
                            rule.at_most,
                            view.member_count(mid, spec, slot.months),
                            serving,
                            skip,
                        )
                    )
                    for i, (inc, ispec) in enumerate(incs, start=1):
                        rows.append(
                            QuotaRow(
                                f"{rid} / including[{i}]",
                                mid,
                                slot.label,
                                slot.scaled(inc.at_least),
                                None,
                                view.member_count(mid, ispec, slot.months),
                                serving,
                                skip,
                            )
                        )
        return rows

    def quota_note(self, q: QuotaRow, L: Any) -> str:
        """Why a quota row asks what it asks, in words: "prorated: serves 3 of 12 months", "own cell not
        counted (Chi bộ thôn 4)"; empty for an ordinary row."""
        parts = []
        if q.serving is not None:
            parts.append(L("note_prorated", served=q.serving[0], months=q.serving[1]))
        if q.not_counted is not None:
            parts.append(L("note_own_excluded", unit=self.unit_name(q.not_counted)))
        return "; ".join(parts)

    @cached_property
    def coverage_rows(self) -> list[QuotaRow]:
        """Each coverage rule per unit and period; a period in which the unit holds no meeting (it meets
        quarterly, or is founded later) asks nothing and is left out."""
        view = self.view
        rows = []
        for c in self.inst.coverage_checks():
            if c.slot.serving == 0:
                continue
            part = c.slot.serving is not None and c.slot.serving < len(c.slot.months)
            rows.append(
                QuotaRow(
                    c.rule_id,
                    c.unit,
                    c.slot.label,
                    c.slot.scaled(c.rule.at_least),
                    c.rule.at_most,
                    view.unit_count(c.unit, c.by, c.in_charge, c.slot.months),
                    (c.slot.serving or 0, len(c.slot.months)) if part else None,
                )
            )
        return rows

    def coverage_note(self, q: QuotaRow, L: Any) -> str:
        """ "prorated: the unit is active 2 of 3 months" for a unit founded or dissolved in the period."""
        return L("note_unit_prorated", served=q.serving[0], months=q.serving[1]) if q.serving is not None else ""

    def quota_states(self, member: str) -> Counter[str]:
        return Counter(r.state for r in self.quota_rows if r.subject == member)

    # ------------------------------------------------------------------------------------------ format v2
    def own_cell(self, m: str, u: str) -> bool:
        """The unit is the home cell of the member (or of any seat of the member's person)."""
        inst = self.inst
        return any(inst.members[s].home_cell == u for s in self.seats(m) if s in inst.members)

    def own_mark(self, m: str, u: str, L: Any) -> str:
        """ " (chi bộ nơi sinh hoạt)" / " (own cell)" after an attendance at the member's home cell, else ""."""
        return f" {L('own_cell')}" if self.own_cell(m, u) else ""

    @cached_property
    def people(self) -> list[str]:
        """One member id per person (its first seat in the members' order): every list of people uses these."""
        return list(dict.fromkeys(self.seats(m)[0] for m in self.members))

    def person_charges(self, m: str) -> list[tuple[str, str]]:
        """(seat, unit) of every charge of the person of ``m``, seats in the members' order."""
        return [(s, u) for s in self.seats(m) for u in self.charges.get(s, [])]

    def person_attendances(self, m: str) -> list[Attendance]:
        """The person's attendances, each meeting once (a meeting two seats attend is one visit), by date."""
        seen: dict[tuple[str, dt.date], Attendance] = {}
        for s in self.seats(m):
            for a in self.by_member.get(s, []):
                seen.setdefault((a.unit, a.date), a)
        return sorted(seen.values(), key=lambda a: (a.date, self.inst.unit_order.get(a.unit, 1 << 30)))

    def person_month(self, m: str, month: Month) -> list[Attendance]:
        return [a for a in self.person_attendances(m) if a.month == month]

    def seat_committees(self, m: str) -> str:
        """The committees of the person's seats: "Huyện ủy Đăk Hà; Đảng ủy xã Đăk Mar"."""
        return "; ".join(dict.fromkeys(self.unit_name(self.inst.members[s].committee) for s in self.seats(m)))

    def person_roles(self, m: str, L: Any) -> str:
        """The roles of the person of ``m``: one seat's roles, or each seat's with its committee ("Ủy viên Ban
        Chấp hành (Huyện ủy Đăk Hà); Bí thư, Ủy viên Ban Thường vụ (Đảng ủy xã Ngọk Réo)")."""
        seats = self.seats(m)
        if len(seats) == 1:
            return L.roles(self.inst.members[m].roles)
        return "; ".join(
            f"{L.roles(self.inst.members[s].roles)} ({self.unit_name(self.inst.members[s].committee)})" for s in seats
        )

    def service_text(self, m: str, L: Any) -> str:
        """When the member serves, if not the whole window: "từ 01/10/2026", "đến 31/05/2026", and each excused
        stretch with its reason: "nghỉ 01/03/2026 – 30/04/2026: học lớp trung cấp"; "" for a whole-window member."""
        parts: list[str] = []
        for s in self.seats(m):
            mem = self.inst.members.get(s)
            if mem is None:
                continue
            a = mem.active
            if a is not None:
                if a.from_ is not None and a.from_ > self.start:
                    parts.append(L("serves_from", date=L.date(a.from_)))
                if a.to is not None and a.to < self.end:
                    parts.append(L("serves_to", date=L.date(a.to)))
            for c in mem.excused:
                parts.append(L("excused", when=_conflict_text(c, L)) + (f": {c.reason}" if c.reason else ""))
        return "; ".join(dict.fromkeys(parts))

    def absence(self, m: str, month: Month, L: Any) -> str | None:
        """Why the member has nothing to do in ``month`` (not yet / no longer serving, or excused for most of
        it), in a few words; None when it serves that month."""
        inst = self.inst
        if all(inst.serves_in(s, month) for s in self.seats(m) if s in inst.members):
            return None
        for s in self.seats(m):
            mem = inst.members[s]
            if inst.serves_in(s, month):
                return None
            a = mem.active
            first = dt.date(int(month[:4]), int(month[5:7]), 1)
            last = (first + dt.timedelta(days=31)).replace(day=1) - dt.timedelta(days=1)
            if a is not None and a.from_ is not None and a.from_ > first:
                return L("not_yet", date=L.date(a.from_))
            if a is not None and a.to is not None and a.to < last:
                return L("no_longer", date=L.date(a.to))
            reasons = [c.reason for c in mem.excused if c.reason]
            return L("excused_month") + (f": {reasons[0]}" if reasons else "")
        return None

    def team_of(self, m: str, u: str) -> Any:
        """The work team with which the member is in charge of the unit, or None."""
        for t in self.inst.scenario.teams:
            if m in t.everyone and all((p, u) in self.plan.charges for p in t.everyone):
                return t
        return None

    @cached_property
    def team_charges(self) -> list[tuple[Any, list[str]]]:
        """Each work team that takes charge of something, with its units (scenario order)."""
        out = []
        for t in self.inst.scenario.teams:
            units = [u for u in self.inst.units if all((p, u) in self.plan.charges for p in t.everyone)]
            if units:
                out.append((t, units))
        return out

    def team_text(self, team: Any, L: Any) -> str:
        """ "Tổ công tác số 1: Nguyễn Văn A (tổ trưởng), Trần Văn B, Lê Thị C"."""
        names = [self.member_name(team.leader) + f" {L('team_leader')}"]
        names += [self.member_name(p) for p in team.members if p != team.leader]
        return f"{team.name or team.id}: {', '.join(names)}"

    def charge_basis(self, m: str, u: str, L: Any) -> str:
        """Why the member is in charge of the unit, in words: "nơi cư trú", "cùng Tổ công tác số 1" (with its
        work team), and a household's kind first ("hộ gia đình, cùng Tổ công tác số 1")."""
        unit = self.inst.units.get(u)
        team = self.team_of(m, u)
        basis = L("with_team", team=team.name or team.id) if team is not None else L.basis(self.basis(m, u))
        return f"{L.kind(unit.kind)}, {basis}" if unit is not None and unit.kind == "household" else basis

    def charge_text(self, m: str, u: str, L: Any, qualify: bool | None = None) -> str:
        """ "Chi bộ thôn 4 (nơi cư trú)": the unit and `charge_basis` (with ``qualify`` not None, the unit as
        `unit_label` names it: with its commune where the name repeats, or always when ``qualify``)."""
        name = self.unit_name(u) if qualify is None else self.unit_label(u, qualify)
        return f"{name} ({self.charge_basis(m, u, L)})"

    def member_quota_text(self, member: str, L: Any) -> str:
        """ "moi-thang: 1–2 mỗi tháng (≥ 1)" per rule of the member, the planned span over its periods."""
        parts = []
        for rule in self.inst.scenario.attendance:
            rid = self.inst.rule_id(rule)
            got = [r.planned for r in self.quota_rows if r.rule == rid and r.subject == member]
            if not got:
                continue
            lo, hi = min(got), max(got)
            span = str(lo) if lo == hi else f"{lo}–{hi}"
            prorated = any(r.serving is not None for r in self.quota_rows if r.rule == rid and r.subject == member)
            need = (
                f"≥ {rule.at_least}"
                if rule.at_most is None
                else f"{rule.at_least}–{rule.at_most}"
                if rule.at_least
                else f"≤ {rule.at_most}"
            )
            if prorated:
                needs = [r.at_least for r in self.quota_rows if r.rule == rid and r.subject == member]
                need = f"≥ {min(needs)}" if min(needs) == max(needs) else f"≥ {min(needs)}–{max(needs)}"
                need += f", {L('prorated')}"
            if any(r.not_counted for r in self.quota_rows if r.rule == rid and r.subject == member):
                need += f", {L('own_not_counted')}"
            parts.append(f"{rid}: {span} {L.per(rule.per)} ({need})")
        return "; ".join(parts)

    # ------------------------------------------------------------------------------------------ decision
    @cached_property
    def committee(self) -> str | None:
        """The issuing committee: the one most members sit on (ties: scenario order)."""
        counts = Counter(m.committee for m in self.inst.scenario.members if m.committee in self.inst.units)
        if not counts:
            return None
        return min(counts, key=lambda c: (-counts[c], self.inst.unit_order[c]))

    @property
    def committee_name(self) -> str:
        return self.unit_name(self.committee) if self.committee else self.name

    @property
    def superior_name(self) -> str:
        return self.parent_name(self.committee) if self.committee else ""

    @property
    def place(self) -> str:
        name = self.committee_name
        for p in _PLACE_PREFIXES:
            if name.lower().startswith(p.lower()):
                return name[len(p) :].strip()
        return name

    @property
    def secretary(self) -> str:
        for m in self.members:
            mem = self.inst.members[m]
            if mem.committee == self.committee and "secretary" in mem.roles:
                return mem.name
        return ""

    @property
    def whole_year(self) -> bool:
        return self.start == dt.date(self.start.year, 1, 1) and self.end == dt.date(self.start.year, 12, 31)

    def window_text(self, lang: str) -> str:
        s, e = self.start, self.end
        if self.whole_year:
            return f"năm {s.year}" if lang == "vi" else f"{s.year}"
        if lang == "vi":
            return f"từ tháng {s.month}/{s.year} đến tháng {e.month}/{e.year}"
        return f"{s:%B %Y} – {e:%B %Y}"

    # ------------------------------------------------------------------------------------------ decisions
    @cached_property
    def issuing_committees(self) -> list[str]:
        """Every committee whose members the plan assigns (a charge or an attendance): one decision each,
        the higher level first, then scenario order."""
        inst = self.inst
        used = {m for m, _ in self.plan.charges} | {m for m, _, _ in self.plan.attendance}
        cids = {inst.members[m].committee for m in used if inst.members[m].committee in inst.units}
        rank = {"province": 0, "district": 1, "commune": 2}
        return sorted(cids, key=lambda c: (rank.get(inst.unit_level(c) or "", 3), inst.unit_order[c]))

    def committee_members(self, cid: str) -> list[str]:
        """The committee's members, in the members' order."""
        return [m for m in self.members if self.inst.members[m].committee == cid]

    def signer(self, cid: str) -> tuple[str, str]:
        """(name, position) of who signs the committee's decision: its secretary (BÍ THƯ), else a deputy
        secretary (PHÓ BÍ THƯ); ("", "BÍ THƯ") when the scenario names neither."""
        for role, position in (("secretary", "BÍ THƯ"), ("deputy_secretary", "PHÓ BÍ THƯ")):
            for m in self.committee_members(cid):
                if role in self.inst.members[m].roles:
                    return self.inst.members[m].name, position
        return "", "BÍ THƯ"

    def person(self, m: str) -> str:
        """The person a member record is a seat of (``person``, else the member id)."""
        mem = self.inst.members.get(m)
        return (mem.person or mem.id) if mem is not None else m

    def seats(self, m: str) -> list[str]:
        """Every member record of the same person, in the members' order (the member itself included)."""
        p = self.person(m)
        return [x for x in self.members if self.person(x) == p]

    @cached_property
    def _repeated_names(self) -> set[str]:
        names = Counter(u.name.strip().lower() for u in self.inst.scenario.units)
        return {n for n, k in names.items() if k > 1}

    def unit_label(self, u: str, qualify: bool = False) -> str:
        """The unit's name, with the place of its committee where another unit has the same name, or always
        (``qualify``) unless the name already holds it: "Chi bộ thôn Đông (xã Hợp Thành)"."""
        from planner.outputs.party import organisation_of, place_of

        unit = self.inst.units.get(u)
        if unit is None:
            return u
        name = unit.name
        if unit.is_committee or not unit.parent or unit.parent not in self.inst.units:
            return name
        repeated = name.strip().lower() in self._repeated_names
        # the committee the unit is under (a household: the commune of its village)
        above = [a for a in self.inst.ancestors.get(u, ()) if a != u and self.inst.units[a].is_committee]
        if not above:
            return name
        parent = self.inst.units[above[0]]
        if not repeated and (not qualify or place_of(parent.name).lower() in name.lower()):
            return name
        org = organisation_of(parent.name, self.inst.unit_level(parent.id))
        where = org[len("Đảng bộ ") :] if org.lower().startswith("đảng bộ ") else org
        return f"{name} ({where})"

    def meeting_info(self, u: str, month: Month) -> dict[str, Any]:
        """When and where the meeting of ``u`` in ``month`` is held, as far as the scenario says: ``time``
        ("HH:MM"), ``session`` (morning, afternoon, evening), ``duration`` (minutes) and ``place`` (a pinned
        date's own time, session and place win over the unit's regular ones)."""
        unit = self.inst.units.get(u)
        meeting = unit.meeting if unit is not None else None
        info: dict[str, Any] = {
            "time": meeting.time if meeting else None,
            "session": meeting.session if meeting else None,
            "duration": meeting.duration if meeting else None,
            "place": meeting.place if meeting else None,
        }
        for f in self.inst.scenario.fixed:
            if getattr(f, "date", None) is not None and f.unit == u and f.month == month:
                for key in ("time", "session", "place"):
                    if getattr(f, key, None):
                        info[key] = getattr(f, key)
        return info

    def rule_committees(self, rule: Any) -> set[str]:
        """The committees whose members a rule selects."""
        inst = self.inst
        sel = getattr(rule, "members", None) or getattr(rule, "by", None)
        if sel is None:
            return set()
        return {inst.members[m].committee for m in inst.select_members(sel)}

    def sources_for(self, cid: str, on: dt.date) -> list[Any]:
        """The scenario's sources a committee's decision cites: those that a rule selecting its members
        applies, and those no rule names, in force on ``on``; by date."""
        s = self.inst.scenario
        rules = [*s.responsibility, *s.attendance, *s.coverage]
        named = {r.source for r in rules if r.source}
        mine = {r.source for r in rules if r.source and cid in self.rule_committees(r)}
        out = [
            src
            for src in s.sources
            if (src.id in mine or src.id not in named)
            and (src.valid_from or src.date) <= on
            and (src.valid_to is None or src.valid_to >= on)
        ]
        return sorted(out, key=lambda x: x.date)

    # ------------------------------------------------------------------------------------------ summary
    def term_rows(self) -> list[tuple[str, int, int, int]]:
        """(term, count, signed weight, contribution) of the objective."""
        w = self.inst.scenario.weights.model_dump()
        out = []
        for name, sign in TERM_SIGNS.items():
            value = int(self.summary.terms.get(name, 0))
            out.append((name, value, sign * w[name], sign * w[name] * value))
        return out
