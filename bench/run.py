"""Benchmark: build and solve every scenario at the given settings and print one table.

    python bench/run.py [--time-limit 20] [--workers 2] [--seed 0] [SCENARIO ...]

Columns: members, units, variables, build s, solve s (wall), det s (CP-SAT deterministic time), status,
objective, bound, gap, and whether the plan passes verify. Speed is measured here, never in timed tests.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from planner.checks.verify import verify
from planner.instance import Instance
from planner.io import load_scenario
from planner.search.solving import Settings, solve

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scenarios", nargs="*", type=Path)
    ap.add_argument("--time-limit", type=float, default=Settings.time_limit)
    ap.add_argument("--workers", type=int, default=Settings.workers)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-warm-start", action="store_true")
    args = ap.parse_args(argv)
    paths = args.scenarios or sorted((ROOT / "scenarios").glob("*.yaml"))
    settings = Settings(
        time_limit=args.time_limit, workers=args.workers, seed=args.seed, warm_start=not args.no_warm_start
    )

    table = Table(
        title=f"planner bench — time limit {settings.time_limit} det-s, {settings.workers} workers, "
        f"seed {settings.seed}, warm start {'on' if settings.warm_start else 'off'}"
    )
    for col in (
        "scenario",
        "members",
        "units",
        "variables",
        "build s",
        "solve s",
        "det s",
        "status",
        "objective",
        "bound",
        "gap",
        "verify",
    ):
        table.add_column(col, justify="left" if col in ("scenario", "status") else "right")
    for path in paths:
        t0 = time.monotonic()
        inst = Instance(load_scenario(path))
        load_s = time.monotonic() - t0
        r = solve(inst, settings)
        s = r.summary
        ok = "–" if r.plan is None else ("ok" if verify(inst, r.plan).ok else "FAIL")
        table.add_row(
            path.stem,
            str(len(inst.members)),
            str(len(inst.units)),
            str(s.extra["model"]["variables"]),
            f"{load_s + s.extra['build_seconds']:.2f}",
            f"{s.extra['solve_seconds']:.2f}",
            f"{s.extra['deterministic_time']:.2f}" if s.extra["deterministic_time"] is not None else "–",
            s.status,
            "–" if s.objective is None else str(s.objective),
            "–" if s.bound is None else f"{s.bound:g}",
            "–" if s.gap is None else f"{100 * s.gap:.1f}%",
            ok,
        )
    Console(width=160).print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
