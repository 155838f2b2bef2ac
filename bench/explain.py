"""The explanation benchmark (issue 16): for every crafted infeasible scenario, the fixed-day example and a
commune-size scenario with a new infeasible rule, the wall time of `planner check` (the smallest conflict,
the least change, the suggestions) and of `check --all` (every distinct conflict), with what each found.

    python bench/explain.py [--time-limit S] [--no-commune] [--only NAME]

Columns: the rule instances, the conflict said (its size and kind), the least change's total, then for `check` and
`check --all` the wall seconds and the deterministic seconds (the work, the same on any machine) and solves.

Targets: each crafted scenario and the example in at most 5 s; the commune-size one in at most 30 s.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from planner.checks.diagnose import CheckSettings, diagnose  # noqa: E402
from planner.instance import Instance  # noqa: E402
from planner.io import load_scenario  # noqa: E402
from planner.scenario import AttendanceRule  # noqa: E402


def commune() -> Instance:
    """Thượng Sơn (18 cells, 15 members) with a new rule: two meetings a month at the cells in charge, while each
    cell has one member in charge (18 charges for 15 members asking 2 each: it cannot hold)."""
    s = load_scenario(ROOT / "scenarios" / "thuong-son-2026.yaml")
    rule = AttendanceRule.model_validate(
        {
            "id": "hai-buoi-moi-thang",
            "members": {"committee": "dang-uy-thuong-son"},
            "units": {"in_charge": True},
            "per": "month",
            "at_least": 2,
        }
    )
    return Instance(
        s.model_copy(update={"attendance": (*s.attendance, rule), "name": s.name + " + hai-buoi-moi-thang"})
    )


def measure(inst: Instance, settings: CheckSettings):
    t0 = time.monotonic()
    diag = diagnose(inst, settings)
    return diag, time.monotonic() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--time-limit", type=float, default=20.0)
    ap.add_argument("--no-commune", action="store_true")
    ap.add_argument("--only", default=None, help="only the scenarios whose name contains this")
    args = ap.parse_args()
    cases = [(p.stem, Instance(load_scenario(p))) for p in sorted((ROOT / "tests/data/infeasible").glob("*.yaml"))]
    cases.append(("fixed-day-quota-check", Instance(load_scenario(ROOT / "scenarios/fixed-day-quota-check.yaml"))))
    if not args.no_commune:
        cases.append(("thuong-son-2026 + new rule", commune()))
    if args.only:
        cases = [c for c in cases if args.only in c[0]]
    tl = args.time_limit
    head = (
        f"{'scenario':30} {'rules':>6} {'set':>4} {'kind':9} {'change':>6} {'check s':>8} {'det s':>6} {'solves':>6} "
        f"{'conflicts':>9} {'--all s':>8} {'det s':>6}"
    )
    print(head)
    print("-" * len(head))
    for name, inst in cases:
        diag, secs = measure(inst, CheckSettings(time_limit=tl, suggest_limit=tl))
        big = name.startswith("thuong-son")
        if big:  # --all on the commune: the rule-level map and the instances, within the same budget
            alld, all_secs = measure(
                inst,
                CheckSettings(time_limit=tl, all_conflicts=True, suggestions=False, shortfall=False, correction=False),
            )
        else:
            alld, all_secs = measure(
                inst, CheckSettings(time_limit=tl, all_conflicts=True, suggestions=False, shortfall=False)
            )
        enum = alld.enumeration
        n = f"{len(enum.conflicts)}{'' if enum.complete else '+'}" if enum is not None else "-"
        corr = diag.correction
        change = str(corr.total) if corr is not None and corr.total is not None else "-"
        print(
            f"{name[:30]:30} {diag.rule_instances:>6} {len(diag.core):>4} {diag.kind:9} {change:>6} {secs:>8.2f} "
            f"{diag.deterministic_time:>6.1f} {diag.solves:>6} {n:>9} {all_secs:>8.2f} {alld.deterministic_time:>6.1f}",
            flush=True,
        )
        if big:
            quota = next(iter(diag.quotas), None)
            short = diag.shortfall.status if diag.shortfall is not None else "-"
            print(
                f"{'':30} quota that holds: {quota.largest if quota else '-'}; who falls short at 2: {short} "
                f"({len({m for m, *_ in quota.short}) if quota else 0} members); lower bound {diag.lower_bound}",
                flush=True,
            )


if __name__ == "__main__":
    main()
