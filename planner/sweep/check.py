"""One commune's check (`check_commune`, run in a worker process or on a Dask worker): counting first, the
exact check only where counting decides nothing, each commune with its own budget.

1. **Counting** (no search): the pre-checks of `planner.checks.precheck` and the charges an in-charge quota
   implies (`planner.sweep.counting`). Any impossible count proves the commune infeasible; its words are the
   reason, and the least shortfall it proves (visits missing with the quota minimums soft) is a lower bound.
2. **The exact check**, where counting found nothing: the greedy drafter's plan (`planner.scale.greedy`) when
   `verify` finds no broken rule — a plan is a proof —, else CP-SAT on the diagnosis's model with one
   enforcement literal per rule instance (`planner.checks.diagnose.GuardedModel`), solved under them as
   assumptions for ``time_limit`` deterministic seconds, **one worker thread**: `planner check`'s `decide`
   gives half of its budget to a second, two-worker search of the plain model, which here doubles the threads
   of a worker process (two processes on two cores would run four) and its memory (≈ 1 GB on a 30-member
   commune) for no commune decided more in the measurements (docs/scale.md). Infeasible: the minimal set of
   clashing rules (`planner.checks.diagnose.minimise`), said by `planner.checks.explain.statements`. Neither
   within the budget: ``undecided``.
3. **The largest quota that holds**, for an infeasible commune: the rule the change set added or changed (else
   the one the reason names) at ``at_least`` one lower, and lower, each value screened by counting, then
   tried as in 2 (``suggest_limit`` deterministic seconds in all); said by
   `planner.checks.explain.suggestion_line`. ``largest_note`` says what the value is: ``proven`` (a plan holds
   at it, every value between it and the current one is refuted), ``holds`` (a plan holds at it; a value above
   it was not decided within the budget) or, without the search (``suggestions`` off, ``--no-suggest``),
   ``at most`` (the largest value counting does not refute, no plan sought: it costs no search).

The result is a plain dict (`Row` fields, JSON-ready, the reason and suggestion in English and Vietnamese) that
depends only on the task: the same task gives the same row on any worker, except ``seconds``, ``worker`` and
``peak_mib``.
"""

from __future__ import annotations

import os
import resource
import socket
import time
from typing import Any

from planner.checks.diagnose import Budget, CheckSettings, GuardedModel, Suggestion, minimise
from planner.checks.explain import finding_line, statements, suggestion_line
from planner.checks.precheck import Finding, run_prechecks
from planner.checks.verify import verify
from planner.checks.words import Words
from planner.instance import Instance
from planner.model import BuiltModel
from planner.plan import Plan
from planner.scenario import Scenario
from planner.search.solving import extract_plan
from planner.status import Status
from planner.sweep.communes import CommuneTask
from planner.sweep.counting import ImpliedCharges, implied_charges

STATUSES = ("feasible", "infeasible", "undecided", "error")
LANGS = ("en", "vi")
SHORTFALL_KINDS = ("calendar", "capacity", "mix")  # findings a soft quota minimum would absorb
MOST_STATEMENTS = 3


def _both(inst: Instance, say) -> dict[str, str]:
    """``say(words)`` in both languages."""
    return {lang: say(Words(inst, lang)) for lang in LANGS}


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def empty_row(status: str, reason: dict[str, str]) -> dict[str, Any]:
    return {
        "status": status,
        "decided_by": "",
        "cause": "",
        "rule": "",
        "quota": None,
        "largest_quota": None,
        "largest_decided": True,
        "largest_note": "",
        "shortfall": None,
        "shortfall_note": "",
        "reason": reason,
        "suggestion": {lang: "" for lang in LANGS},
        "det_time": 0.0,
        "solves": 0,
        "seconds": 0.0,
        "cpu_s": 0.0,
        "worker": "",
        "peak_mib": 0.0,
    }


def error_row(message: str) -> dict[str, Any]:
    return empty_row("error", {lang: message for lang in LANGS}) | {"cause": "error"}


def check_commune(task: CommuneTask) -> dict[str, Any]:
    """Check one commune (see the module); never raises: a failure is a row with status ``error``."""
    t0, c0 = time.monotonic(), time.process_time()
    try:
        row = _check(task)
    except Exception as exc:  # noqa: BLE001 - one commune's failure must not stop the sweep
        row = error_row(f"internal error while checking this commune: {type(exc).__name__}: {exc}")
    row["seconds"] = round(time.monotonic() - t0, 3)
    row["cpu_s"] = round(time.process_time() - c0, 3)  # this process's CPU (CP-SAT's threads included)
    row["worker"] = f"{socket.gethostname()}:{os.getpid()}"
    row["peak_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return row


# ---------------------------------------------------------------------------------------------- counting
def counting(inst: Instance) -> tuple[list[Finding], list[ImpliedCharges]]:
    """Every impossible count: the pre-checks' findings and the implied charges."""
    return run_prechecks(inst), implied_charges(inst)


def _counting_shortfall(findings: list[Finding], implied: list[ImpliedCharges]) -> int | None:
    """The least shortfall the counts prove (visits missing with attendance/coverage minimums soft), or None
    when a count no soft minimum absorbs (responsibility, pins) stands."""
    if any(f.kind not in SHORTFALL_KINDS or f.what == "including-above-at-most" for f in findings):
        return None
    by_findings = sum(f.need - f.can for f in findings)  # each one rule instance's own slack
    by_charges = sum(ic.shortfall for ic in implied)  # each one rule's slacks, rule by rule
    return max(by_findings, by_charges)


def _quota_rule(task: CommuneTask, inst: Instance, named: str) -> tuple[str, str, int] | None:
    """(family, rule id, at_least) of the quota the largest-value search is about: the first rule the change set
    added or changed that this commune keeps, else ``named`` (the reason's rule) if it is a quota."""
    for rid in (*task.quota_rules, named):
        for family in ("attendance", "coverage"):
            for r in getattr(inst.scenario, family):
                if inst.rule_id(r) == rid and r.at_least > 0:
                    return family, rid, r.at_least
    return None


def _check(task: CommuneTask) -> dict[str, Any]:
    settings = task.settings
    inst = Instance(task.scenario)
    findings, implied = counting(inst)
    row = empty_row("infeasible", {})
    if findings or implied:
        row["decided_by"] = "counting"
        if findings:
            first = findings[0]
            row["cause"], named = first.kind, first.rule
            said = _both(inst, lambda w: _cap(finding_line(w, first)))
        else:
            row["cause"], named = "charges", implied[0].rule
            said = _both(inst, lambda w: _cap(implied[0].words(w)))
        more = len(findings) + len(implied) - 1
        if more:
            said = {
                lang: text
                + (f" (and {more} more impossible counts)" if lang == "en" else f" (và {more} chỉ tiêu khác)")
                for lang, text in said.items()
            }
        row["reason"] = {lang: text + "." for lang, text in said.items()}
        short = _counting_shortfall(findings, implied)
        if short is not None:
            row["shortfall"], row["shortfall_note"] = short, "at least"
    else:
        budget = Budget(settings.time_limit)
        status, plan, core, minimal, named = _exact(inst, settings, budget)
        row["det_time"], row["solves"] = round(budget.spent, 3), budget.solves
        if status == Status.FEASIBLE:
            assert plan is not None
            report = verify(inst, plan)
            if not report.ok:
                return error_row(
                    f"internal error: the plan found breaks {len(report.violations)} rules: {report.violations[0]}"
                )
            row["status"], row["decided_by"] = "feasible", "plan"
            n_charges, n_visits = len(plan.charges), len(plan.attendance)
            row["reason"] = _both(
                inst,
                lambda w: w.t(
                    f"A plan satisfies every rule ({n_charges} charges, {n_visits} attendances; checked by verify).",
                    f"Có kế hoạch thỏa mãn mọi quy định ({n_charges} lượt phân công, {n_visits} lượt dự sinh hoạt; "
                    f"đã kiểm tra bằng verify).",
                ),
            )
            return row
        if status == Status.UNKNOWN:
            limit = settings.time_limit
            row["status"], row["cause"] = "undecided", "time"
            row["reason"] = _both(
                inst,
                lambda w: w.t(
                    f"Neither a plan nor a proof of infeasibility within {limit:g} deterministic seconds; give a "
                    f"larger --time-limit.",
                    f"Trong {limit:g} giây tất định chưa tìm được kế hoạch cũng chưa chứng minh được là không khả "
                    f"thi; hãy tăng --time-limit.",
                ),
            )
            return row
        row["decided_by"], row["cause"] = "search", "conflict"
        if core:
            row["reason"] = _both(inst, lambda w: _conflict_words(w, core, minimal))
        else:
            row["reason"] = _both(
                inst,
                lambda w: w.t(
                    "No plan exists (proven by search), but the rules that clash were not isolated within the time "
                    "budget.",
                    "Đã chứng minh không có kế hoạch khả thi, nhưng chưa tách được các quy định mâu thuẫn trong thời "
                    "gian cho phép.",
                ),
            )
    quota = _quota_rule(task, inst, named)
    if quota is not None:
        family, rid, current = quota
        row["rule"], row["quota"] = rid, current
        if settings.suggestions:
            budget = Budget(settings.suggest_limit)
            value, decided, found = largest_quota(task.scenario, family, rid, settings, budget)
            row["det_time"] = round(row["det_time"] + budget.spent, 3)
            row["solves"] += budget.solves
            row["largest_quota"], row["largest_decided"] = value, decided
            if found:
                row["largest_note"] = "proven" if decided else "holds"
            s = Suggestion(rid, "at_least", current, value, "", decided, found)
            row["suggestion"] = _both(inst, lambda w: _cap(suggestion_line(w, s)))
        else:
            bound = counting_bound(task.scenario, family, rid)
            if bound is not None:
                row["largest_quota"], row["largest_decided"], row["largest_note"] = bound, False, "at most"
                per = next(r.per for r in getattr(inst.scenario, family) if inst.rule_id(r) == rid)
                row["suggestion"] = _both(
                    inst,
                    lambda w: w.t(
                        f"Rule {rid}: at_least {bound} {w.per(per)} (now {current}) is the largest that counting does "
                        f"not refute (no plan sought: --no-suggest).",
                        f"Quy định {rid}: at_least = {bound} {w.per(per)} (hiện là {current}) là mức cao nhất mà phép "
                        f"đếm chưa bác bỏ (chưa tìm kế hoạch: --no-suggest).",
                    ),
                )
    elif named:
        row["rule"] = named
    return row


def _exact(inst: Instance, settings: CheckSettings, budget: Budget):
    """(status, plan, minimal core, minimal?, rule named) of the exact check (see the module)."""
    from planner.scale.greedy import run_greedy

    draft = run_greedy(inst)
    if draft.violations == 0:
        return Status.FEASIBLE, draft.plan, [], False, ""
    gm = GuardedModel(inst)
    status, core, plan = decide(inst, settings, budget, gm)
    if status != Status.INFEASIBLE or not core:
        return status, plan, [], False, ""
    core, minimal = minimise(gm, core, settings, budget)
    named = next((k.rule for k in core if k.family in ("attendance", "including", "coverage")), "")
    return status, None, core, minimal, named


def decide(
    inst: Instance, settings: CheckSettings, budget: Budget, gm: GuardedModel | None = None
) -> tuple[Status, list, Plan | None]:
    """Feasible (with a plan), infeasible (with CP-SAT's sufficient set of rule instances) or unknown: the
    guarded model under every rule instance as an assumption, one worker, the whole budget (see the module)."""
    gm = gm or GuardedModel(inst)
    status, core, solver = gm.solve(gm.keys, settings, budget)
    if status == Status.FEASIBLE:
        return status, [], extract_plan(inst, BuiltModel(gm.ctx, None), solver.boolean_value)
    return status, core, None


def _conflict_words(w: Words, core, minimal: bool) -> str:
    lines = statements(w, core)
    shown = " ".join(lines[:MOST_STATEMENTS])
    if len(lines) > MOST_STATEMENTS:
        shown += w.t(f" … and {len(lines) - MOST_STATEMENTS} more.", f" … và {len(lines) - MOST_STATEMENTS} mục khác.")
    k = len(core)
    if minimal:
        head = w.t(
            f"These {k} rules cannot all hold together (a minimal conflict): " if k != 1 else "This rule cannot hold: ",
            f"{k} quy định sau không thể cùng được đáp ứng (mâu thuẫn tối thiểu): "
            if k != 1
            else "Quy định sau không thể được đáp ứng: ",
        )
    else:
        head = w.t(
            f"These {k} rules cannot all hold together (not proven minimal): ",
            f"{k} quy định sau không thể cùng được đáp ứng (chưa chứng minh là tối thiểu): ",
        )
    return head + shown


# ---------------------------------------------------------------------------------------------- largest quota
def with_at_least(scenario: Scenario, family: str, rid: str, value: int) -> Scenario:
    """``scenario`` with rule ``rid`` of ``family`` (attendance or coverage) at ``at_least`` ``value``."""
    inst = Instance(scenario)
    rules = list(getattr(scenario, family))
    for i, r in enumerate(rules):
        if inst.rule_id(r) == rid:
            rules[i] = r.model_copy(update={"at_least": value})
    return scenario.model_copy(update={family: tuple(rules)})


def counting_bound(scenario: Scenario, family: str, rid: str) -> int | None:
    """The largest ``at_least`` below the current one that counting does not refute (None: not even 0)."""
    inst = Instance(scenario)
    rule = next(r for r in getattr(scenario, family) if inst.rule_id(r) == rid)
    for value in range(rule.at_least - 1, -1, -1):
        findings, implied = counting(Instance(with_at_least(scenario, family, rid, value)))
        if not findings and not implied:
            return value
    return None


def largest_quota(
    scenario: Scenario, family: str, rid: str, settings: CheckSettings, budget: Budget
) -> tuple[int | None, bool, bool]:
    """The largest ``at_least`` below the current one at which the commune is feasible, everything else
    unchanged: (value, decided, found). Values are tried downwards; one that counting refutes costs no search;
    one that neither a plan nor a proof decides within the budget makes ``decided`` False (a lower value found is
    then feasible, but a higher one might be too)."""
    inst = Instance(scenario)
    rule = next(r for r in getattr(scenario, family) if inst.rule_id(r) == rid)
    undecided = False
    for value in range(rule.at_least - 1, -1, -1):
        trial = Instance(with_at_least(scenario, family, rid, value))
        findings, implied = counting(trial)
        if findings or implied:
            continue
        from planner.scale.greedy import run_greedy

        if run_greedy(trial).violations == 0:
            return value, not undecided, True
        if budget.left <= 0:
            return None, False, False
        share = budget.part(budget.left / 2)  # each value half of what is left: one hard value cannot take all
        status, _, _ = decide(trial, settings, share)
        budget.absorb(share)
        if status == Status.FEASIBLE:
            return value, not undecided, True
        if status == Status.UNKNOWN:
            undecided = True
    return None, not undecided, False
