"""A Markdown summary of the plan (for a wiki, an e-mail or a diff in review): the status, the charges by
member, the calendar month by month and the objective terms. Deterministic text: golden-file tested."""

from __future__ import annotations

from planner.outputs.facts import Facts
from planner.outputs.labels import Labels
from planner.status import Status


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", "<br>")


def _table(header: list[str], rows: list[list[object]], right: tuple[int, ...] = ()) -> list[str]:
    out = [
        "| " + " | ".join(_cell(h) for h in header) + " |",
        "|" + "|".join("---:" if i in right else "---" for i in range(len(header))) + "|",
    ]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return out


def _names(f: Facts, members: list[str], unit: str, L: Labels) -> str:
    """The attending members, each person once, an attendance at one's own cell marked."""
    return ", ".join(dict.fromkeys(f.member_name(m) + f.own_mark(m, unit, L) for m in members))


def render_md(facts: Facts, L: Labels) -> str:
    f, s, inst = facts, facts.summary, facts.inst
    lines = [f"# {f.name}", "", f"{L('report')} · {f.committee_name} · {L.date(f.start)} – {L.date(f.end)}", ""]
    lines += [f"## {L('summary')}", ""]
    items = [
        (L("status"), L.status(s.status)),
        (L("objective"), s.objective if s.objective is not None else L("unknown")),
    ]
    if s.status == Status.FEASIBLE:
        items.append((L("bound"), f"{s.bound:g}" if s.bound is not None else L("unknown")))
        items.append((L("gap"), f"{100 * s.gap:.1f} %" if s.gap is not None else L("unknown")))
    items += [
        (L("n_members"), len(f.people)),
        (L("n_charges"), len(f.plan.charges)),
        (L("n_attendances"), len(f.plan.attendance)),
    ]
    if f.violations is not None:
        items.append((L("verify"), L("verify_ok") if not f.violations else L("verify_bad", n=f.violations)))
    if s.scenario_sha256:
        items.append((L("scenario_sha256"), f"`{s.scenario_sha256}`"))
    lines += [f"- **{k}**: {v}" for k, v in items] + [""]

    lines += [f"## {L('decision')}", ""]
    rows: list[list[object]] = []
    for i, m in enumerate(f.people, start=1):
        mem = inst.members[m]
        units = "; ".join(f.charge_text(s, u, L) for s, u in f.person_charges(m)) or "–"
        name = mem.name + (f" ({f.service_text(m, L)})" if f.service_text(m, L) else "")
        rows.append([i, name, f.person_roles(m, L), units, len(f.person_attendances(m))])
    lines += _table([L("no"), L("member"), L("role"), L("in_charge_of"), L("attendances")], rows, right=(0, 4))
    lines.append("")
    if f.team_charges:
        lines += [f"### {L('teams')}", ""]
        lines += [f"- {f.team_text(t, L)} — {', '.join(f.unit_name(u) for u in us)}" for t, us in f.team_charges]
        lines.append("")

    lines += [f"## {L('by_month')}", ""]
    for mo in f.months:
        lines += [f"### {L.month(mo)}", ""]
        meetings = f.meetings_attended.get(mo, [])
        if not meetings:
            lines += ["–", ""]
            continue
        rows = [[L.date(d), f.unit_name(u), _names(f, ms, u, L)] for d, u, ms in meetings]
        lines += _table([L("date"), L("unit"), L("attendees")], rows) + [""]

    lines += [f"## {L('objective_terms')}", ""]
    rows = [
        [f"{name} ({L.term(name)})", count, f"{weight:+d}", f"{contrib:+d}"]
        for name, count, weight, contrib in f.term_rows()
    ]
    rows.append([L("total"), "", "", f"{sum(t[3] for t in f.term_rows()):+d}"])
    lines += _table([L("term"), L("count"), L("weight"), L("contribution")], rows, right=(1, 2, 3))
    return "\n".join(lines) + "\n"
