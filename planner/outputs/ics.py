"""One iCalendar file per member (``calendars/<member id>.ics``): an event per meeting it attends. A person
with seats on several committees (members with the same ``person``) has one calendar, under the id of the
first seat, with every seat's meetings, each once.

An event has the meeting's time when the scenario gives one (``meeting.time``, or a pinned date's own
``time``): it starts then and lasts ``duration`` minutes (90, the least Hướng dẫn 42-HD/BTCTW asks, when not
given), written in UTC (Việt Nam keeps UTC+7 all year); without a time it is an all-day event, and a known
session (morning, afternoon, evening) is named in its title. The place, when given, is its location beside the
unit's name.

Each event's UID is a UUID-5 of the scenario name, the member, the unit and the month, so a re-issued calendar
(a meeting moved to another day, a member re-planned) carries the same UIDs and a calendar program updates
the events instead of adding duplicates. SEQUENCE is the number of seconds from 2020-01-01 to the time of issue
(so it rises with every issue, one second apart at least, and fits the 32-bit integer calendar programs keep
until 2088); LAST-MODIFIED is the time of issue. The name of the unit, its parent and the regular meeting day
are in the event's text.
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
VIETNAM = dt.timezone(dt.timedelta(hours=7))
DEFAULT_MINUTES = 90  # Hướng dẫn 42-HD/BTCTW: a cell meeting lasts at least 90 minutes
_SESSIONS = {
    "morning": ("morning", "buổi sáng"),
    "afternoon": ("afternoon", "buổi chiều"),
    "evening": ("evening", "buổi tối"),
}


def sequence_of(generated: dt.datetime) -> int:
    """The SEQUENCE of every event of a calendar issued at ``generated``: seconds since 2020-01-01 UTC."""
    return max(0, int((generated.astimezone(dt.UTC) - _SEQUENCE_EPOCH).total_seconds()))


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
    sequence = sequence_of(stamp)
    cal = Calendar()
    cal.add("prodid", "-//planner//assignment calendar//VI")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", L("calendar_name", member=f.member_name(member)))
    cal.add("x-wr-caldesc", f.name)
    cal.add("x-wr-timezone", "Asia/Ho_Chi_Minh")
    seats = f.seats(member)  # one person, one calendar: every seat's attendances, each meeting once
    charged = {u for s in seats for u in f.charges.get(s, ())}
    seen: set[tuple[str, dt.date]] = set()
    attendances = sorted((a for s in seats for a in f.by_member.get(s, [])), key=lambda a: (a.date, a.unit))
    for a in attendances:
        if (a.unit, a.date) in seen:
            continue
        seen.add((a.unit, a.date))
        unit = inst.units.get(a.unit)
        ev = Event()
        ev.add("uid", event_uid(f.name, member, a.unit, a.month))
        ev.add("dtstamp", stamp)
        ev.add("last-modified", stamp)
        ev.add("sequence", sequence)
        info = f.meeting_info(a.unit, a.month)
        title = L("event_attend", unit=f.unit_name(a.unit)) + f.own_mark(member, a.unit, L)
        when = f"{L.weekday(a.date)}, {L.date(a.date)}"
        if info["time"]:
            start = dt.datetime.combine(a.date, dt.time.fromisoformat(info["time"]), VIETNAM)
            minutes = info["duration"] or DEFAULT_MINUTES
            ev.add("dtstart", start.astimezone(dt.UTC))
            ev.add("dtend", (start + dt.timedelta(minutes=minutes)).astimezone(dt.UTC))
            when += f", {info['time']}–{(start + dt.timedelta(minutes=minutes)):%H:%M}"
        else:
            ev.add("dtstart", a.date)
            ev.add("dtend", a.date + dt.timedelta(days=1))
            if info["session"]:
                session = _SESSIONS[info["session"]][1 if L.lang == "vi" else 0]
                title += f" ({session})"
                when += f", {session}"
        ev.add("summary", title)
        ev.add("location", f"{f.unit_name(a.unit)}, {info['place']}" if info["place"] else f.unit_name(a.unit))
        lines = [L("event_attend", unit=f.unit_name(a.unit)) + f" — {when}"]
        if f.own_cell(member, a.unit):
            lines.append(L("event_own_cell"))
        if f.parent_name(a.unit):
            lines.append(L("event_parent", parent=f.parent_name(a.unit)))
        if unit is not None:
            lines.append(L("event_kind", kind=L.kind(unit.kind)))
        pref = f.preferred(a.unit, a.month)
        if pref is not None and pref != a.date:
            lines.append(L("event_regular", date=L.date(pref)))
        src = next((u for u in inst.ancestors.get(a.unit, ()) if u in charged), None)
        if src is not None:
            lines.append(L("event_charge", basis=L.basis(f.basis(a.member, src))))
        lines.append(L("event_plan", name=f.name))
        ev.add("description", "\n".join(lines))
        ev.add("categories", [L("attendance")])
        ev.add("transp", "OPAQUE")
        cal.add_component(ev)
    return cal.to_ical()


def render_ics(facts: Facts, L: Labels, generated: dt.datetime) -> dict[str, bytes]:
    """One calendar per person: a person with seats on several committees (``person``) has one, named after
    the first seat in the members' order."""
    first = list(dict.fromkeys(facts.seats(m)[0] for m in facts.members))
    names = calendar_names(first)
    return {names[m]: member_calendar(facts, L, m, generated) for m in first}
