"""One iCalendar file per member (``calendars/<member id>.ics``): an all-day event per meeting it attends.

Each event's UID is a UUID-5 of the scenario name, the member, the unit and the month, so a re-issued calendar
(a meeting moved to another day, a member re-planned) carries the same UIDs and a calendar program updates
the events instead of adding duplicates; SEQUENCE and LAST-MODIFIED grow with the time of issue. The name of
the unit, its parent and the regular meeting day are in the event's text.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid

from icalendar import Calendar, Event

from planner.outputs.facts import Facts
from planner.outputs.labels import Labels

# Fixed namespace of the planner's calendar UIDs: never change it, or every issued calendar duplicates.
UID_NAMESPACE = uuid.UUID("6f1c3b0e-5d1a-4c52-9a3e-2f6c1b7d8e90")
_SEQUENCE_EPOCH = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


def event_uid(scenario_name: str, member: str, unit: str, month: str) -> str:
    return f"{uuid.uuid5(UID_NAMESPACE, f'{scenario_name}|{member}|{unit}|{month}')}@planner"


def safe_name(text: str) -> str:
    """A file name from an id: letters, digits, '.', '_' and '-' kept, anything else '_'."""
    name = re.sub(r"[^A-Za-z0-9._-]", "_", text).strip("._") or "member"
    return name[:100]


def calendar_names(member_ids: list[str]) -> dict[str, str]:
    """Member id → ``calendars/<name>.ics``, unique even where two ids sanitize alike."""
    out, used = {}, set()
    for m in member_ids:
        base, name, i = safe_name(m), safe_name(m), 2
        while name.lower() in used:
            name, i = f"{base}-{i}", i + 1
        used.add(name.lower())
        out[m] = f"calendars/{name}.ics"
    return out


def member_calendar(facts: Facts, L: Labels, member: str, generated: dt.datetime) -> bytes:
    f, inst = facts, facts.inst
    stamp = generated.astimezone(dt.UTC).replace(microsecond=0)
    sequence = max(0, int((stamp - _SEQUENCE_EPOCH).total_seconds() // 60))
    cal = Calendar()
    cal.add("prodid", "-//planner//assignment calendar//VI")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", L("calendar_name", member=f.member_name(member)))
    cal.add("x-wr-caldesc", f.name)
    cal.add("x-wr-timezone", "Asia/Ho_Chi_Minh")
    charged = set(f.charges.get(member, ()))
    for a in f.by_member.get(member, []):
        unit = inst.units.get(a.unit)
        ev = Event()
        ev.add("uid", event_uid(f.name, member, a.unit, a.month))
        ev.add("dtstamp", stamp)
        ev.add("last-modified", stamp)
        ev.add("sequence", sequence)
        ev.add("dtstart", a.date)
        ev.add("dtend", a.date + dt.timedelta(days=1))
        ev.add("summary", L("event_attend", unit=f.unit_name(a.unit)))
        ev.add("location", f.unit_name(a.unit))
        lines = [L("event_attend", unit=f.unit_name(a.unit)) + f" — {L.weekday(a.date)}, {L.date(a.date)}"]
        if f.parent_name(a.unit):
            lines.append(L("event_parent", parent=f.parent_name(a.unit)))
        if unit is not None:
            lines.append(L("event_kind", kind=L.kind(unit.kind)))
        pref = f.preferred(a.unit, a.month)
        if pref is not None and pref != a.date:
            lines.append(L("event_regular", date=L.date(pref)))
        src = next((u for u in inst.ancestors.get(a.unit, ()) if u in charged), None)
        if src is not None:
            lines.append(L("event_charge", basis=L.basis(f.basis(member, src))))
        lines.append(L("event_plan", name=f.name))
        ev.add("description", "\n".join(lines))
        ev.add("categories", [L("attendance")])
        ev.add("transp", "OPAQUE")
        cal.add_component(ev)
    return cal.to_ical()


def render_ics(facts: Facts, L: Labels, generated: dt.datetime) -> dict[str, bytes]:
    names = calendar_names(facts.members)
    return {names[m]: member_calendar(facts, L, m, generated) for m in facts.members}
