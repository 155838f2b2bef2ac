"""All decision variables of the model, created once, only where a decision is possible.

- ``charge[m, u]``: member m is in charge of unit u — only for pairs some responsibility rule (or pin) allows.
- ``day[u, month, d]``: unit u meets on day d of that month — only for candidate days, and only for units
  whose date matters to someone (others meet on their best candidate day, a constant).
- ``attend[m, u, month]``: m attends u's meeting that month — only for eligible pairs with a day m is free.
- ``on[m, u, d]``: m attends u on day d — one per candidate day of an attendance (``attend`` = their sum,
  ``on`` ⇒ ``day``): the day-level conflicts (one meeting a day, own meetings) are sums of these.
- ``cover[m, u]``: m is in charge of u or of a unit above it (a literal over the ``charge`` variables).
No dense member × unit × day cube: only eligible pairs, only candidate days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from planner.calendar import Month
from planner.instance import Instance

Lit = cp_model.IntVar


@dataclass
class Variables:
    charge: dict[tuple[str, str], Lit] = field(default_factory=dict)
    cover: dict[tuple[str, str], Lit] = field(default_factory=dict)
    day: dict[tuple[str, Month, dt.date], Lit] = field(default_factory=dict)
    fixed_day: dict[tuple[str, Month], dt.date] = field(default_factory=dict)  # units whose date is a constant
    attend: dict[tuple[str, str, Month], Lit] = field(default_factory=dict)
    on: dict[tuple[str, str, dt.date], Lit] = field(default_factory=dict)  # m attends u on that day
    counted: dict[tuple[str, str, Month], Lit] = field(default_factory=dict)  # attend ∧ cover, made on demand

    def days_of(self, inst: Instance, uid: str, month: Month) -> list[tuple[dt.date, Lit | None]]:
        """Candidate days of a meeting with their literal (None: the date is fixed, always true)."""
        if (uid, month) in self.fixed_day:
            return [(self.fixed_day[uid, month], None)]
        return [(d, self.day[uid, month, d]) for d in inst.candidate_days[uid, month] if (uid, month, d) in self.day]


def date_matters(inst: Instance) -> set[str]:
    """Units whose meeting date can affect a rule: someone may attend them, or they keep a member busy."""
    units = {u for (_, u) in inst.attend_sources} | {u for (_, u, _), on in inst.fixed_attendance.items() if on}
    for mid in inst.members:
        units.update(inst.own_units(mid))
    units.update(u for pair in inst.apart_pairs for u in pair)
    return units


def create_charge_variables(
    model: cp_model.CpModel, inst: Instance, v: Variables, only: set[tuple[str, str]] | None = None
) -> None:
    """Charge literals for every allowed pair; with ``only``, just those pairs, fixed to true."""
    for m, u in inst.charge_pairs:
        if inst.fixed_charges.get((m, u)) is False or (only is not None and (m, u) not in only):
            continue
        v.charge[m, u] = model.new_bool_var(f"charge[{m},{u}]")
        if only is not None:
            model.add(v.charge[m, u] == 1)


def create_variables(
    model: cp_model.CpModel,
    inst: Instance,
    charges: set[tuple[str, str]] | None = None,
    dated: set[str] | frozenset[str] = frozenset(),
) -> Variables:
    """All variables; with ``charges``, the model of a plan whose charges are decided (a smaller model); the
    meeting dates of the units in ``dated`` are decided even where nothing else depends on them."""
    v = Variables()
    create_charge_variables(model, inst, v, charges)

    for (m, u), sources in inst.cover_sources.items():
        lits = [v.charge[m, a] for a in sources if (m, a) in v.charge]
        if len(lits) == 1:
            v.cover[m, u] = lits[0]
        elif lits:
            c = model.new_bool_var(f"cover[{m},{u}]")
            model.add_max_equality(c, lits)
            v.cover[m, u] = c

    matters = date_matters(inst) | set(dated)
    for uid in inst.meeting_units:
        for mo in inst.months:
            days = inst.candidate_days[uid, mo]
            if not days:
                continue  # no meeting this month (months, frequency, active)
            if uid not in matters or len(days) == 1:
                v.fixed_day[uid, mo] = days[0]
                continue
            lits = [model.new_bool_var(f"day[{uid},{mo},{d.day}]") for d in days]
            for d, lit in zip(days, lits):
                v.day[uid, mo, d] = lit
            model.add_exactly_one(lits)

    pairs = set(inst.attend_sources) | {(m, u) for (m, u, _), on in inst.fixed_attendance.items() if on}
    for m, u in sorted(pairs, key=inst.pair_key):
        if inst.units[u].meeting is None:
            continue
        for mo in inst.months:
            if inst.fixed_attendance.get((m, u, mo)) is False:
                continue
            if inst.is_frozen(mo) and not inst.fixed_attendance.get((m, u, mo)):
                continue  # a frozen month holds only its pinned attendances
            if (m, u) not in inst.attend_sources and not inst.fixed_attendance.get((m, u, mo)):
                continue
            if (
                inst.attend_sources.get((m, u)) == "in_charge"
                and (m, u) not in v.cover
                and not inst.fixed_attendance.get((m, u, mo))
            ):
                continue  # never in charge of it: cannot attend
            free_days = [d for d, _ in v.days_of(inst, u, mo) if inst.unavailable(m, d) is None]
            if not free_days and not inst.fixed_attendance.get((m, u, mo)):
                continue
            att = v.attend[m, u, mo] = model.new_bool_var(f"attend[{m},{u},{mo}]")
            options = v.days_of(inst, u, mo)
            if len(options) == 1:
                v.on[m, u, options[0][0]] = att
                continue
            ons = []
            for d, day_lit in options:  # attending means attending on the one day the meeting takes place
                assert day_lit is not None  # several candidate days: each has its literal
                on = v.on[m, u, d] = model.new_bool_var(f"on[{m},{u},{d.isoformat()}]")
                model.add_implication(on, day_lit)
                ons.append(on)
            model.add(sum(ons) == att)
    return v


def counted(
    model: cp_model.CpModel, inst: Instance, v: Variables, key: tuple[str, str, str], in_charge: bool
) -> Lit | None:
    """The literal that an attendance counts under a quota: ``attend``, or ``attend ∧ cover`` with in_charge."""
    att = v.attend.get(key)
    if att is None or not in_charge:
        return att
    m, u, mo = key
    cov = v.cover.get((m, u))
    if cov is None:
        return None
    if inst.attend_sources.get((m, u)) == "in_charge" and not inst.fixed_attendance.get(key):
        return att  # eligibility already forces attend → cover
    if key not in v.counted:
        y = model.new_bool_var(f"counted[{m},{u},{mo}]")
        model.add_multiplication_equality(y, [att, cov])
        v.counted[key] = y
    return v.counted[key]
