"""A counting argument the sweep adds to `planner.checks.precheck`: the charges an in-charge quota implies.

A quota counted "at cells in the member's charge" (``units: {in_charge: true}``) of *k* meetings a month needs
each of its members to be in charge of at least *k* of those cells (a cell meets once a month; over a quarter
of three months, ⌈k/3⌉ cells), and the responsibility rules cap how many members may be in charge of each cell
(``per_unit.max``) and how many cells a member may take (``per_member.max``). When the charges the quota
implies exceed what those caps allow, no plan exists, whatever the calendar. This is the typical fate of "every
commune member attends twice a month": 32 members × 2 cells > 25 villages × at most 2 members each.

The pre-checks of `planner.checks.precheck` count the responsibility rules on their own (their ``per_member.min``
against ``per_unit.max``), not the minimum an attendance quota implies; CP-SAT proves this argument only through
its LP, which at a commune's size (≈ 70,000 literals over a year) takes longer than a sweep's budget. The
argument is sound on the cases it accepts: only members whose charges cover a counted cell directly (no charge of
a unit above it) are counted, and a cell's cap is the sum of the caps of every responsibility rule that may put
those members in charge of it (plus pinned charges no rule covers). It belongs with the other counting checks in
`planner.checks.precheck`; it lives here until it moves there.

`implied_charges` returns one `ImpliedCharges` per attendance rule that cannot hold, with its numbers, the
least shortfall it proves (visits that must be missing if the quota's minimums were soft) and its words.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from planner.checks.words import Words
from planner.instance import Instance


@dataclass(frozen=True)
class ImpliedCharges:
    """An in-charge attendance quota that implies more charges than the responsibility rules allow."""

    rule: str  # the attendance rule
    per: str
    at_least: int
    period: str  # the period label where it fails worst
    members: tuple[str, ...]  # the members counted
    units: tuple[str, ...]  # the counted cells (with a meeting)
    cells_each: int  # cells each member must be in charge of in that period
    need: int  # charges needed in all
    can: int  # charges the responsibility rules allow, at most
    binding: str  # "per_unit" (cells' caps) or "per_member" (members' caps or too few candidates)
    caps: tuple[tuple[str, int | None], ...]  # (responsibility rule, per_unit.max) of the rules that cap the cells
    shortfall: int  # visits that must be missing, at least, with the quota's minimums soft (every period)

    def words(self, w: Words) -> str:
        """The argument in one sentence, in ``w``'s language."""
        n, k, d = len(self.members), self.at_least, self.cells_each
        cells = w.cells_word(self.units)
        rules = ", ".join(r for r, _ in self.caps)
        maxes = {m for _, m in self.caps}
        cap = ""
        if self.binding == "per_unit" and len(maxes) == 1 and None not in maxes:
            mx = next(iter(maxes))
            cap = w.t(
                f" (at most {mx} {'member' if mx == 1 else 'members'} in charge of each of the {len(self.units)} {cells})",
                f" (mỗi chi bộ trong {len(self.units)} {cells} nhiều nhất {mx} đồng chí phụ trách)",
            )
        elif self.binding == "per_member":
            cap = w.t(
                " (the members' own caps and candidates)",
                " (do giới hạn số đơn vị mỗi đồng chí được phụ trách và số đơn vị có thể phụ trách)",
            )
        return w.t(
            f"rule {self.rule} asks each of its {n} members for {w.meetings(k)} {w.per(self.per)} at {cells} in "
            f"their charge, so each must be in charge of at least {d} of them — {self.need} charges in all; "
            f"rule{'s' if len(self.caps) > 1 else ''} {rules} allow{'' if len(self.caps) > 1 else 's'} at most "
            f"{self.can}{cap}",
            f"quy định {self.rule} yêu cầu mỗi đồng chí trong {n} đồng chí dự {k} buổi {w.per(self.per)} tại "
            f"{cells} mình phụ trách, nên mỗi đồng chí phải phụ trách ít nhất {d} đơn vị — tổng cộng {self.need} "
            f"lượt phân công; quy định {rules} chỉ cho phép nhiều nhất {self.can} lượt{cap}",
        )


def implied_charges(inst: Instance) -> list[ImpliedCharges]:
    """Every attendance rule (counted in charge) whose implied charges exceed the responsibility rules' caps."""
    s = inst.scenario
    fixed = inst.fixed_charges
    # for each responsibility rule: its members, units, caps and pairs (resolved once)
    resp = []
    in_rule: set[tuple[str, str]] = set()
    for r in s.responsibility:
        pairs = {p for p in inst.responsibility_pairs(r) if fixed.get(p) is not False}
        in_rule |= pairs
        resp.append((inst.rule_id(r), r.per_unit.max, r.per_member.max, pairs))
    chargeable: dict[str, set[str]] = defaultdict(set)  # member -> units it may be put in charge of
    for m, u in inst.charge_pairs:
        if fixed.get((m, u)) is not False:
            chargeable[m].add(u)
    out = []
    for rule in s.attendance:
        if not rule.units.in_charge or rule.at_least <= 0:
            continue
        units = [u for u in inst.select_units(rule.units) if inst.units[u].meeting is not None]
        uset = set(units)
        # only members whose every counted cell is covered by a charge of that cell itself
        members = [
            m
            for m in inst.select_members(rule.members)
            if all(inst.cover_sources.get((m, u), (u,)) == (u,) for u in units) and m not in inst.part_time
        ]  # (a member serving part of the window asks less: leaving it out keeps every claim true)
        if not members or not units:
            continue
        mset = set(members)
        own = {m: chargeable[m] & uset for m in members}
        # a cell's cap: the members who may take it, and the rules (with those members) that cap it
        cap_u: dict[str, float] = {}
        capping: dict[str, tuple[str, int | None]] = {}
        for u in units:
            cands = [m for m in members if u in own[m]]
            total: float = 0
            pins = sum(1 for m in cands if fixed.get((m, u)) and (m, u) not in in_rule)
            for rid, umax, _mmax, pairs in resp:
                if any((m, u) in pairs for m in cands):
                    total += math.inf if umax is None else umax
                    capping.setdefault(rid, (rid, umax))
            cap_u[u] = min(len(cands), total + pins)
        # a member's cap: the cells it may take, and the rules' per_member.max over those cells
        cap_m: dict[str, float] = {}
        for m in members:
            total = 0
            pins = sum(1 for u in own[m] if fixed.get((m, u)) and (m, u) not in in_rule)
            for _rid, _umax, mmax, pairs in resp:
                if any((m, u) in pairs for u in own[m]):
                    total += math.inf if mmax is None else mmax
            cap_m[m] = min(len(own[m]), total + pins)
        by_units = sum(cap_u.values())
        worst = None
        shortfall = 0
        for slot in inst.slots(rule.per):
            k = slot.scaled(rule.at_least)
            if k <= 0:
                continue
            span = len(slot.months)
            d = math.ceil(k / span)
            by_members = sum(min(d, cap_m[m]) for m in members)
            can = int(min(by_units, by_members))
            need = d * len(members)
            shortfall += max(0, k * len(members) - span * can)
            if need > can and (worst is None or need - can > worst[1] - worst[2]):
                binding = "per_unit" if by_units <= by_members else "per_member"
                worst = (slot, need, can, d, binding)
        if worst is None:
            continue
        slot, need, can, d, binding = worst
        caps = tuple(sorted(capping.values()))
        out.append(
            ImpliedCharges(
                inst.rule_id(rule),
                rule.per,
                rule.at_least,
                slot.label,
                tuple(sorted(mset, key=inst.member_order.__getitem__)),
                tuple(units),
                d,
                need,
                can,
                binding,
                caps,
                shortfall,
            )
        )
    return out
