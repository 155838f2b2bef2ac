"""What-if: apply a change set, re-plan with the old plan as baseline, and say what changed and why.

`explain` gives each changed decision a reason, where one can be told:

1. the decision's member or unit was removed (that change); else the member or unit was touched by a change
   (the member moved to another committee, added, set; the unit merged, split, moved, added, set) — the first
   such change in the file;
2. a rule that a change added, removed or set selects the decision's member and unit;
3. a charge no responsibility rule allows any more; an attendance no rule allows any more;
4. an attendance whose member's charge over that unit changed ("follows the charge change");
5. otherwise "re-optimised" — the solver traded it against the objective (balance, rewards, stability).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planner.checks.verify import verify
from planner.instance import Instance
from planner.io import load_scenario, plan_directory_files, read_plan
from planner.io.output import Output, OutputKind
from planner.plan import PLAN_FILES, Plan
from planner.replan.apply import Applied, apply_files
from planner.replan.diff import DIFF_FILES, Key, Names, PlanDiff, diff_files, diff_plans, summary_text
from planner.replan.engine import Effect
from planner.replan.id_map import IdMap, map_plan
from planner.search.solving import Progress, Result, Settings, solve

REOPTIMISED = "re-optimised"


@dataclass
class Baselines:
    """The old plan in the new ids: ``for_solve`` (decisions of removed ids dropped, only the new window) and
    ``for_diff`` (the same, but decisions of removed members and units kept under their old ids)."""

    for_solve: Plan
    for_diff: Plan


def baselines(plan: Plan, id_map: IdMap | None, inst: Instance) -> Baselines:
    months = list(inst.months)
    return Baselines(
        map_plan(plan, id_map, months, set(inst.members), set(inst.units)),
        map_plan(plan, id_map, months, set(inst.members), set(inst.units), keep_removed=True),
    )


# What a change did to a decision's member or unit, by the change's operation (any other: "changed by OP").
_MEMBER_FATES = {
    "remove": lambda a: "member removed",
    "move_member": lambda a: f"member moved to committee {a['committee']}",
    "add": lambda a: "member added",
}
_UNIT_FATES = {
    "merge": lambda a: f"{', '.join(a['units'])} merged into {a['into']['id']}",
    "remove": lambda a: "unit removed",
    "move": lambda a: f"unit moved under {a['parent'] or 'the top'}",
    "split": lambda a: f"unit {a['unit']} split",
    "add": lambda a: "unit added",
}


def _effect_reason(e: Effect, mid: str | None, uid: str | None, id_map: IdMap) -> str | None:
    c = e.change
    if mid is not None and mid in e.members:
        what, fates = "member", _MEMBER_FATES
    elif uid is not None and {uid, *id_map.sources(uid)} & e.units:
        what, fates = "unit", _UNIT_FATES
    else:
        return None
    fate = fates[c.op](c.args) if c.op in fates else f"{what} changed by {c.op}"
    return f"{fate} (change {c.number})"


def explain(d: PlanDiff, applied: Applied, new_inst: Instance) -> dict[Key, str]:
    """A reason for every changed decision of ``d`` (baseline in the new ids → re-plan)."""
    base_inst = Instance(applied.base)
    idm = applied.id_map
    reasons: dict[Key, str] = {}
    charge_changes: dict[str, set[str]] = {}
    for m, u in d.charges_added + d.charges_removed:
        charge_changes.setdefault(m, set()).add(u)
    allowed = set(new_inst.charge_pairs)

    def rule_reason(e: Effect, mid: str, uid: str, charge: bool) -> str | None:
        tag = f"change {e.change.number}"
        for family, name in sorted(e.rules):
            if charge != (family == "responsibility"):
                continue
            if _selects(new_inst, family, name, mid, uid):
                return f"rule {name} {'added' if e.change.op == 'add' else 'changed'} ({tag})"
        for family, name in sorted(e.old_rules):
            if charge != (family == "responsibility"):
                continue
            if _selects(base_inst, family, name, mid, uid):
                return f"rule {name} removed ({tag})"
        return None

    for key in d.keys():
        kind = key[0]
        mid = key[1] if kind != "meeting" else None
        uid = key[2] if kind != "meeting" else key[1]
        why = None
        for e in applied.effects:  # a removed member or unit first: the decision cannot stand at all
            if e.change.op == "remove" and (mid in e.members or uid in e.units):
                why = _effect_reason(e, mid, uid, idm)
                break
        for e in applied.effects if why is None else ():
            why = _effect_reason(e, mid, uid, idm)
            if why is None and mid is not None and uid is not None:
                why = rule_reason(e, mid, uid, kind == "charge")
            if why:
                break
        if (
            why is None
            and kind == "charge"
            and key[1:] not in allowed
            and mid in new_inst.members
            and uid in new_inst.units
        ):
            why = "no responsibility rule allows this charge now"
        if why is None and kind == "attend" and mid in new_inst.members and uid in new_inst.units:
            above = set(new_inst.ancestors.get(uid, ()))
            changed = charge_changes.get(mid, set()) & above
            if changed:
                why = "follows a change of the member's charges"
            elif not new_inst.may_attend(mid, uid, key[3]):
                why = "no rule lets this member attend this unit now"
        reasons[key] = why or REOPTIMISED
    return reasons


def _selects(inst: Instance, family: str, name: str, mid: str, uid: str) -> bool:
    """Does the rule called ``name`` (``attendance[x]`` or ``attendance[2]``) select this member and unit?"""
    if mid not in inst.members or uid not in inst.units:
        return False
    rules = getattr(inst.scenario, family)
    for i, r in enumerate(rules, start=1):
        if name not in (f"{family}[{r.id}]" if r.id else "", f"{family}[{i}]"):
            continue
        if family == "responsibility":
            return (mid, uid) in inst.responsibility_pairs(r)
        if family == "attendance":
            units = set(inst.select_units(r.units))
            for inc in r.including:
                units |= set(inst.select_units(inc.units))
            return mid in inst.select_members(r.members) and uid in units
        return mid in inst.select_members(r.by) and uid in inst.select_units(r.units)
    return False


def reason_counts(d: PlanDiff) -> list[tuple[str, int]]:
    """How many changed decisions each reason explains, most first (re-optimised last)."""
    counts = Counter(d.reasons.get(k, REOPTIMISED) for k in d.keys())
    return sorted(counts.items(), key=lambda kv: (kv[0] == REOPTIMISED, -kv[1], kv[0]))


def report_text(applied: Applied, d: PlanDiff, summary: dict, dropped: int, diff_text: str) -> str:
    """The what-if report: the changes, the re-plan's status, how many decisions changed and why."""
    cs = applied.changes
    out = [
        f"What-if: {applied.base.name}",
        f"  base scenario: {applied.base.source}",
        f"  change set:    {cs.file} ({len(cs.changes)} changes)",
    ]
    for c in cs.changes:
        out.append(f"    {c.number}. {c.describe()}" + (f" — {c.reason}" if c.reason else ""))
        out += [f"       {text}" for i, text in applied.notes if i == c.index]
    out.append(
        f"  new scenario:  {applied.scenario.name} ({len(applied.scenario.units)} units, "
        f"{len(applied.scenario.members)} members, {applied.scenario.start}..{applied.scenario.end})"
    )
    out.append(
        f"  re-plan: {summary['status']}, objective {summary['objective']}, "
        f"stability weight {summary['stability_weight']}, {summary['seconds']:.1f} s"
    )
    if dropped:
        out.append(f"  ({dropped} baseline decisions lie outside the new window and are not compared)")
    out.append("")
    out.append(f"{d.changed} decision{'s' if d.changed != 1 else ''} changed (stability count {d.stability}); why:")
    for why, n in reason_counts(d):
        out.append(f"  {n:5d}  {why}")
    out.append("")
    out.append(diff_text)
    return "\n".join(out)


def outside_window(plan: Plan, inst: Instance) -> int:
    months = set(inst.months)
    return sum(1 for (_u, mo) in plan.meetings if mo not in months) + sum(
        1 for _m, _u, d in plan.attendance if f"{d.year:04d}-{d.month:02d}" not in months
    )


# ============================================================================================== the command
WHATIF_ENTRIES = ("scenario.yaml", "plan", "diff", "report.txt")
WHATIF_KIND = OutputKind(
    "a what-if result",
    (
        "scenario.yaml",
        "report.txt",
        *(f"plan/{n}" for n in ("summary.json", *PLAN_FILES)),
        *(f"diff/{n}" for n in DIFF_FILES),
        "decision*.docx",  # the documents (render_documents): decisions, amendments, notices
        "amendment*.docx",
        "notices/*.docx",
    ),
)


@dataclass
class WhatIf:
    applied: Applied
    inst: Instance
    result: Result
    diff: PlanDiff | None
    report: str


def run_whatif(
    base: str | Path,
    changes: str | Path,
    baseline_dir: str | Path,
    out: str | Path,
    settings: Settings = Settings(),
    stability: int | None = None,
    command: str = "",
    rows: int = 6,
    force: bool = True,
    stoppable: Any = None,
    documents: Any = None,
) -> WhatIf:
    """Apply ``changes`` to ``base``, re-plan with the plan in ``baseline_dir`` as baseline (ids mapped, only the
    new window), diff, explain, and write ``out/``: scenario.yaml, plan/, diff/, report.txt — in one step, whole
    or not at all (`planner.io.output`: nothing of an earlier result is left half replaced). Only scenario.yaml
    is written when no plan is found. ``force`` False: an earlier what-if result in ``out`` is not replaced.
    ``stoppable``: a function of the search's `Progress` giving the context manager under which the search
    runs (the command line's `planner.cli.signals.stopping`: a signal stops it). ``documents``: a function of
    the new instance, the re-plan, the plan in force (new ids) and the base scenario giving more files to write
    beside them (the command line's amendment and notices, `planner.outputs.render`)."""
    import contextlib
    import tempfile

    with Output(out, WHATIF_KIND, force=force) as target, contextlib.ExitStack() as stack:
        applied = apply_files(base, changes)
        if stability is not None:
            applied.data.setdefault("weights", {})["stability"] = stability
        old_plan = read_plan(baseline_dir)
        scenario_text = applied.yaml_text(command)
        with tempfile.TemporaryDirectory(prefix="planner-whatif-") as tmp:
            scenario_path = Path(tmp) / "scenario.yaml"
            scenario_path.write_text(scenario_text, encoding="utf-8")
            scenario = load_scenario(scenario_path)
        scenario = scenario.model_copy(update={"source": str(Path(out) / "scenario.yaml")})
        applied.scenario = scenario
        inst = Instance(scenario)
        bases = baselines(old_plan, applied.id_map, inst)
        progress = Progress()
        if stoppable is not None:  # from here on a signal stops the search, and its best plan is still written
            stack.enter_context(stoppable(progress))
        result = solve(inst, settings, baseline=bases.for_solve, progress=progress)
        if result.plan is not None:
            progress.solutions = max(progress.solutions, 1)  # a plan to write: a signal lets it be written
        files: dict[str, str | bytes] = {"scenario.yaml": scenario_text}
        if result.plan is None:
            target.write(files)
            return WhatIf(applied, inst, result, None, "")
        check = verify(inst, result.plan, bases.for_solve)
        if not check.ok or check.objective != result.summary.objective:
            raise RuntimeError("the re-plan does not pass verify: " + "; ".join(str(v) for v in check.violations[:5]))
        names = Names.of_instance(inst)
        names.update(Names.of_instance(Instance(applied.base)))
        names.update(Names.of_plan_dir(baseline_dir))
        d = diff_plans(bases.for_diff, result.plan, names)
        d.reasons = explain(d, applied, inst)
        s = result.summary
        info = {
            "status": s.status,
            "objective": s.objective,
            "seconds": s.seconds,
            "stability_weight": scenario.weights.stability,
        }
        text = report_text(
            applied,
            d,
            info,
            outside_window(old_plan, inst),
            summary_text(d, f"baseline {baseline_dir}", "re-plan", rows=rows),
        )
        files.update({f"plan/{k}": v for k, v in plan_directory_files(inst, result.plan, s).items()})
        files.update({f"diff/{k}": v for k, v in diff_files(d).items()})
        files["report.txt"] = text
        if documents is not None:  # a function (inst, plan, plan in force, its scenario) → the documents
            files.update(documents(inst, result.plan, bases.for_diff, Instance(applied.base)))
        target.write(files)
        return WhatIf(applied, inst, result, d, text)
