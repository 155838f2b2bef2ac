"""One self-contained HTML report, readable offline in any browser: inline CSS, no script, no external file.

Sections: summary (status, objective, counts, objective terms), a member × month heat map, who attends where
month by month, the members table and the units table. Prints on A4 landscape as well.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from html import escape

from planner.outputs.facts import Facts
from planner.outputs.labels import Labels
from planner.status import Status

CSS = """
:root{--red:#8b1a1a;--ink:#222;--muted:#666;--line:#ddd;--bg:#fafafa}
*{box-sizing:border-box}
body{font-family:"Segoe UI","Noto Sans","DejaVu Sans",Arial,sans-serif;color:var(--ink);margin:0;background:#fff;
 font-size:14px;line-height:1.4}
header{background:var(--red);color:#fff;padding:18px 28px}
header h1{margin:0;font-size:22px;font-weight:600}
header p{margin:4px 0 0;opacity:.9}
nav{padding:8px 28px;background:#f3e9e9;border-bottom:1px solid var(--line)}
nav a{color:var(--red);margin-right:18px;text-decoration:none;font-weight:600}
main{padding:0 28px 28px}
h2{color:var(--red);border-bottom:2px solid var(--red);padding-bottom:4px;margin:28px 0 12px;font-size:18px}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{border:1px solid var(--line);border-radius:6px;padding:10px 14px;min-width:150px;background:var(--bg)}
.card .k{color:var(--muted);font-size:12px}
.card .v{font-size:20px;font-weight:600}
.card.optimal .v{color:#1a7f37}.card.feasible .v{color:#9a6700}.card.bad .v{color:#b42318}
table{border-collapse:collapse;margin:8px 0}
th,td{border:1px solid var(--line);padding:4px 8px;vertical-align:top;text-align:left}
th{background:#f3e9e9}
td.n,th.n{text-align:right}
table.heat td.h{width:44px;text-align:center;font-weight:600;padding:6px 2px}
table.heat th.m{text-align:center;width:44px}
.h0{background:#f4f4f4;color:#999}.h1{background:#f8d7d2}.h2{background:#ee9d92}.h3{background:#d9574a;color:#fff}
.h4{background:#8b1a1a;color:#fff}
.off{background:repeating-linear-gradient(45deg,#eee,#eee 3px,#fff 3px,#fff 6px);color:#999}
.legend span{display:inline-block;width:18px;height:12px;margin:0 2px;vertical-align:middle}
.months{display:grid;grid-template-columns:repeat(auto-fill,minmax(380px,1fr));gap:14px}
.month{border:1px solid var(--line);border-radius:6px;padding:8px 12px;background:var(--bg)}
.month h3{margin:0 0 6px;font-size:15px;color:var(--red)}
.month ul{margin:0;padding-left:0;list-style:none}
.month li{padding:2px 0;border-bottom:1px dotted var(--line)}
.month .d{display:inline-block;min-width:48px;font-weight:600}
.month .who{color:var(--muted)}
.tag{display:inline-block;border-radius:3px;padding:0 5px;font-size:12px}
.tag.tight{background:#fff2cc}.tag.bad{background:#f4cccc}.tag.ok{background:#d9ead3}
.muted{color:var(--muted)}
footer{color:var(--muted);font-size:12px;padding:12px 28px;border-top:1px solid var(--line)}
.explain{font-size:12px;max-width:900px}
/* printed (Ctrl+P, or chromium --print-to-pdf): A4 landscape, smaller type, colours kept, headings kept with
   what follows them, table rows whole and header rows repeated, the months three across, no forced breaks */
@media print{
 @page{size:A4 landscape;margin:10mm 10mm 12mm}
 *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
 body{font-size:10px;line-height:1.25}
 nav{display:none}
 header{padding:8px 12px}header h1{font-size:16px}
 main{padding:0 4px}
 footer{padding:6px 4px}
 h2{font-size:14px;margin:12px 0 6px;break-after:avoid;page-break-after:avoid}
 h2+*{break-before:avoid}
 section{break-before:auto}
 .cards{gap:6px}.card{padding:4px 8px;min-width:110px}.card .v{font-size:14px}
 table{font-size:9.5px}th,td{padding:2px 4px}
 thead{display:table-header-group}
 tr{break-inside:avoid;page-break-inside:avoid}
 table.heat td.h{width:30px;padding:2px 1px}table.heat th.m{width:30px}
 .months{display:block;columns:3;column-gap:10px}
 .month{break-inside:avoid;page-break-inside:avoid;margin:0 0 8px;padding:4px 6px}
 .month h3{font-size:11px;margin:0 0 2px}
 .month li{padding:0}
}
"""


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _heat_class(count: int, top: int) -> str:
    if count <= 0:
        return "h0"
    if top <= 1:
        return "h2"
    return f"h{min(4, 1 + (3 * (count - 1)) // max(1, top - 1))}"


def _in_charge(f: Facts, u: str, L: Labels) -> str:
    """Who is in charge of a unit, each person once; a work team by its name."""
    names: list[str] = []
    done: set[str] = set()
    for m in f.in_charge.get(u, []):
        team = f.team_of(m, u)
        if team is not None:
            if team.id not in done:
                done.add(team.id)
                names.append(f"{team.name or team.id} ({', '.join(f.member_name(p) for p in team.everyone)})")
            continue
        if f.person(m) not in done:
            done.add(f.person(m))
            names.append(f.member_name(m))
    return ", ".join(names)


def render_html(facts: Facts, L: Labels, generated: dt.datetime) -> str:
    f, inst, s = facts, facts.inst, facts.summary
    out: list[str] = []
    w = out.append
    w("<!DOCTYPE html>")
    w(f'<html lang="{L.lang}">')
    w(
        f'<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(f.name)}</title><style>{CSS}</style></head>"
    )
    w("<body>")
    w(
        f"<header><h1>{_e(f.name)}</h1><p>{_e(L('report'))} · {_e(f.committee_name)} · "
        f"{_e(L.date(f.start))} – {_e(L.date(f.end))}</p></header>"
    )
    w(
        f'<nav><a href="#summary">{_e(L("summary"))}</a><a href="#heatmap">{_e(L("calendar"))}</a>'
        f'<a href="#by-month">{_e(L("by_month"))}</a><a href="#members">{_e(L("by_member"))}</a>'
        f'<a href="#units">{_e(L("by_unit"))}</a></nav>'
    )
    w("<main>")

    # summary
    w(f'<section id="summary"><h2>{_e(L("summary"))}</h2><div class="cards">')
    cls = (
        "optimal"
        if s.status == Status.OPTIMAL
        else "feasible"
        if s.status in (Status.FEASIBLE, Status.HAND_MADE)
        else "bad"
    )
    cards = [
        (L("status"), L.status(s.status), cls),
        (L("objective"), s.objective if s.objective is not None else L("unknown"), ""),
        (L("bound"), f"{s.bound:g}" if s.bound is not None else "–", ""),
        (L("gap"), f"{100 * s.gap:.1f} %" if s.gap is not None else "–", ""),
        (L("n_members"), len(f.people), ""),
        (L("n_units"), len(inst.meeting_units), ""),
        (L("n_charges"), len(f.plan.charges), ""),
        (L("n_attendances"), len(f.plan.attendance), ""),
    ]
    if f.violations is not None:
        cards.append(
            (
                L("verify"),
                L("verify_ok") if not f.violations else L("verify_bad", n=f.violations),
                "optimal" if not f.violations else "bad",
            )
        )
    for k, v, c in cards:
        w(f'<div class="card {c}"><div class="k">{_e(k)}</div><div class="v">{_e(v)}</div></div>')
    w("</div>")
    if s.bound is not None:
        w(f'<p class="explain muted">{_e(L("bound_explained"))}</p>')
    w(
        f'<table class="terms"><caption class="muted">{_e(L("objective_terms"))}</caption><tr>'
        f'<th>{_e(L("term"))}</th><th class="n">{_e(L("count"))}</th><th class="n">{_e(L("weight"))}</th>'
        f'<th class="n">{_e(L("contribution"))}</th></tr>'
    )
    total = 0
    for name, count, weight, contrib in f.term_rows():
        total += contrib
        w(
            f'<tr><td>{_e(name)} <span class="muted">— {_e(L.term(name))}</span></td><td class="n">{count}</td>'
            f'<td class="n">{weight:+d}</td><td class="n">{contrib:+d}</td></tr>'
        )
    w(f'<tr><th>{_e(L("total"))}</th><th></th><th></th><th class="n">{total:+d}</th></tr></table>')
    if s.scenario_sha256:
        w(
            f'<p class="muted">{_e(L("scenario_sha256"))}: <code>{_e(s.scenario_sha256)}</code> · '
            f"{_e(L('seed'))}: {s.seed}</p>"
        )
    w("</section>")

    # heat map
    top = max((len(f.person_month(m, mo)) for m in f.people for mo in f.months), default=0)
    w(f'<section id="heatmap"><h2>{_e(L("heatmap"))}</h2><table class="heat"><thead><tr><th>{_e(L("member"))}</th>')
    for mo in f.months:
        w(f'<th class="m" title="{_e(L.month(mo))}">{_e(L.month_short(mo))}</th>')
    w(f'<th class="n">{_e(L("total"))}</th></tr></thead><tbody>')
    for m in f.people:
        w(f"<tr><td>{_e(f.member_name(m))}</td>")
        for mo in f.months:
            atts = f.person_month(m, mo)
            tip = "; ".join(f"{L.day_month(a.date)} {f.unit_name(a.unit)}{f.own_mark(m, a.unit, L)}" for a in atts)
            off = f.absence(m, mo, L)
            if off and not atts:
                w(f'<td class="h off" title="{_e(L.month(mo))}: {_e(off)}">–</td>')
                continue
            w(f'<td class="h {_heat_class(len(atts), top)}" title="{_e(tip or L.month(mo))}">{len(atts) or ""}</td>')
        w(f'<td class="n">{len(f.person_attendances(m))}</td></tr>')
    w("</tbody></table>")
    legend = "".join(f'<span class="h{i}"></span>' for i in range(5))
    w(f'<p class="legend muted">0 {legend} {top} — {_e(L("legend"))}</p></section>')

    # by month
    w(f'<section id="by-month"><h2>{_e(L("by_month"))}</h2><div class="months">')
    for mo in f.months:
        meetings = f.meetings_attended.get(mo, [])
        w(f'<div class="month"><h3>{_e(L.month(mo))} <span class="muted">({len(meetings)})</span></h3><ul>')
        for d, u, ms in meetings:
            names = ", ".join(
                dict.fromkeys(f.member_name(m) + f.own_mark(m, u, L) for m in ms if f.seats(m)[0] in f.people)
            )
            w(
                f'<li><span class="d">{_e(L.day_month(d))}</span> {_e(f.unit_name(u))} '
                f'<span class="who">— {_e(names)}</span></li>'
            )
        if not meetings:
            w('<li class="muted">–</li>')
        w("</ul></div>")
    w("</div></section>")

    # members
    w(
        f'<section id="members"><h2>{_e(L("by_member"))}</h2><table><thead><tr><th class="n">{_e(L("no"))}</th>'
        f"<th>{_e(L('member'))}</th><th>{_e(L('role'))}</th><th>{_e(L('in_charge_of'))}</th>"
        f'<th class="n">{_e(L("attendances"))}</th><th>{_e(L("quota"))}</th></tr></thead><tbody>'
    )
    for i, m in enumerate(f.people, start=1):
        mem = inst.members[m]
        units = (
            "<br>".join(
                f'{_e(f.unit_name(u))} <span class="muted">({_e(f.charge_basis(x, u, L))})</span>'
                for x, u in f.person_charges(m)
            )
            or "–"
        )
        states: Counter[str] = Counter()
        for seat in f.seats(m):
            states.update(f.quota_states(seat))
        bad = states["below"] + states["above"]
        tag = (
            f'<span class="tag bad">{_e(L("below") if states["below"] else L("above"))}: {bad}</span>'
            if bad
            else f'<span class="tag tight">{_e(L("tight"))}: {states["tight"]}</span>'
            if states["tight"]
            else f'<span class="tag ok">{_e(L("ok"))}</span>'
            if states
            else ""
        )
        ids = ", ".join(f.seats(m))
        service = f.service_text(m, L)
        titles = "".join(
            f"; {_e(t)}" for t in dict.fromkeys(inst.members[x].title for x in f.seats(m) if inst.members[x].title)
        )
        quota = "; ".join(t for t in (f.member_quota_text(x, L) for x in f.seats(m)) if t)
        w(
            f'<tr><td class="n">{i}</td><td>{_e(mem.name)} <span class="muted">({_e(ids)})</span>'
            + (f'<br><span class="muted">{_e(service)}</span>' if service else "")
            + f"</td><td>{_e(f.person_roles(m, L))}{titles}</td><td>{units}</td>"
            f'<td class="n">{len(f.person_attendances(m))}</td>'
            f"<td>{_e(quota) or '–'} {tag}</td></tr>"
        )
    w("</tbody></table></section>")

    # units
    planned: dict[str, set[str]] = {}
    for u, mo, _d, _ms in f.meetings:
        planned.setdefault(u, set()).add(mo)
    visited: dict[str, set[str]] = {}
    for a in f.attendances:
        visited.setdefault(a.unit, set()).add(a.month)
    w(
        f'<section id="units"><h2>{_e(L("by_unit"))}</h2><table><thead><tr><th>{_e(L("unit"))}</th>'
        f"<th>{_e(L('kind'))}</th>"
        f'<th>{_e(L("parent"))}</th><th>{_e(L("in_charge"))}</th><th class="n">{_e(L("visits"))}</th>'
        f"<th>{_e(L('months_without'))}</th></tr></thead><tbody>"
    )
    for u in f.units:
        unit = inst.units[u]
        missing = [mo for mo in f.months if mo in planned.get(u, set()) and mo not in visited.get(u, set())]
        visits = sum(1 for a in f.attendances if a.unit == u)
        w(
            f'<tr><td>{_e(unit.name)} <span class="muted">({_e(u)})</span></td><td>{_e(L.kind(unit.kind))}</td>'
            f"<td>{_e(f.parent_name(u)) or '–'}</td>"
            f"<td>{_e(_in_charge(f, u, L)) or '–'}</td>"
            f'<td class="n">{visits}</td><td>{_e(", ".join(L.month_short(mo) for mo in missing)) or "–"}</td></tr>'
        )
    w("</tbody></table>")
    if f.team_charges:
        w(f"<h3>{_e(L('teams'))}</h3><table><thead><tr><th>{_e(L('team'))}</th><th>{_e(L('in_charge_of'))}</th>")
        w("</tr></thead><tbody>")
        for t, tunits in f.team_charges:
            w(f"<tr><td>{_e(f.team_text(t, L))}</td><td>{_e(', '.join(f.unit_name(u) for u in tunits))}</td></tr>")
        w("</tbody></table>")
    w("</section>")

    w("</main>")
    w(f"<footer>{_e(L('generated'))}: {_e(generated.strftime('%Y-%m-%d %H:%M'))} · planner</footer>")
    w("</body></html>")
    return "\n".join(out) + "\n"
