"""Benchmark: build and solve every scenario at the given settings and print one table.

    python bench/run.py [--time-limit 20] [--workers 2] [--seed 0] [--param NAME=VALUE ...]
                        [--redundant default|all|none|FAMILY,...] [--bound-row] [--warm-share X]
                        [--no-window] [--mip SECONDS] [--start lp|highs|charges] [SCENARIO ...]

Columns: members, units, variables, build s, solve s (wall, the start included), det s (CP-SAT
deterministic time), status, objective, bound, gap, the bound's method, each bound method's value (cp-sat /
term-by-term / lp), HiGHS's root node when it ran (its plan, its bound, its wall seconds; ``--start highs``;
the default start is the LP's rounded plan, ``--start charges`` CP-SAT alone from a charges-first plan), and
whether the plan passes verify. ``--param`` passes a CP-SAT parameter to every search (e.g.
``--param symmetry_level=3``); ``--redundant`` chooses the redundant constraints of the model
(`planner.model.redundant`: ``balance_rounding``, ``least_visits``; by default its ``DEFAULT_FAMILIES``),
``--bound-row`` adds "objective ≤ the term-by-term bound", ``--warm-share`` the warm start's share of the
budget, ``--no-window`` a warm start without the first months' plan; ``--mip SECONDS`` also solves each plan
model as a MIP with HiGHS (one thread, a wall-clock limit: an independent check of the optimum, objective /
bound; on the whole set of examples one run overran its limits by far — give it the scenarios one at a time). Speed is measured here, never in timed tests.
"""

from __future__ import annotations

import argparse
import ast
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from planner.checks.verify import verify
from planner.instance import Instance
from planner.io import load_scenario
from planner.model import build_model, redundant
from planner.search import solving, warm_start
from planner.search.lp_bound import mip_optimum
from planner.search.solving import STARTS, Settings, solve

ROOT = Path(__file__).resolve().parent.parent
BOUNDS = ("cp-sat", "term-by-term", "lp")


def highs_column(inst: Instance, seconds: float) -> str:
    """The plan model as a MIP solved by HiGHS (wall-clock limited: an independent check, not a plan)."""
    mip = mip_optimum(build_model(inst).model, seconds)
    if mip is None:
        return "–"
    objective = "–" if mip.objective is None else f"{mip.objective:g}"
    bound = "–" if mip.bound is None else f"{mip.bound:g}"
    return f"{objective} / {bound} ({mip.status}, {mip.seconds:.0f} s)"


def highs_root_column(extra: dict) -> str:
    """HiGHS's root node as the solve ran it (`planner.search.highs`): its plan, its bound and its seconds."""
    root = extra.get("highs")
    if root is None:
        return "–"
    objective = "–" if root["objective"] is None else str(root["objective"])
    bound = "–" if root["bound"] is None else f"{root['bound']:g}"
    return f"{objective} / {bound} ({extra['highs_seconds']:.1f})"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scenarios", nargs="*", type=Path)
    ap.add_argument("--time-limit", type=float, default=Settings.time_limit)
    ap.add_argument("--workers", type=int, default=Settings.workers)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-warm-start", action="store_true")
    ap.add_argument("--start", choices=tuple(STARTS), default="lp", help="where the search starts (as planner solve)")
    ap.add_argument("--param", action="append", default=[], metavar="NAME=VALUE")
    ap.add_argument("--redundant", default="default", help="default, all, none, or FAMILY,FAMILY,...")
    ap.add_argument("--mip", type=float, default=None, metavar="SECONDS", help="also solve the model with HiGHS")
    ap.add_argument("--no-window", action="store_true", help="warm start without the first months' plan")
    ap.add_argument("--bound-row", action="store_true", help="the row 'objective ≤ the term-by-term bound'")
    ap.add_argument("--warm-share", type=float, default=None, help="the warm start's share of the budget")
    args = ap.parse_args(argv)
    params = []
    for item in args.param:
        name, _, text = item.partition("=")
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            value = text
        params.append((name, value))
    solving.BOUND_ROW = args.bound_row
    if args.no_window:
        warm_start.representative_window = lambda inst: None
    if args.warm_share is not None:
        solving.WARM_SHARE = args.warm_share
    if args.redundant == "all":
        redundant.DEFAULT_FAMILIES = redundant.REDUNDANT_FAMILIES
    elif args.redundant != "default":
        names = [] if args.redundant == "none" else args.redundant.split(",")
        redundant.DEFAULT_FAMILIES = tuple(getattr(redundant, f"add_{n}") for n in names)
    paths = args.scenarios or sorted((ROOT / "scenarios").glob("*.yaml"))
    settings = Settings(
        time_limit=args.time_limit,
        workers=args.workers,
        seed=args.seed,
        warm_start=not args.no_warm_start,
        **STARTS[args.start],
        params=tuple(params),
    )

    table = Table(
        title=f"planner bench — time limit {settings.time_limit} det-s, {settings.workers} workers, "
        f"seed {settings.seed}, start {args.start}, "
        f"warm start {'on' if settings.warm_start else 'off'} ({solving.WARM_SHARE:g}), "
        f"redundant {args.redundant}, bound row {'on' if solving.BOUND_ROW else 'off'}"
        + (", no window" if args.no_window else "")
        + "".join(f", {k}={v}" for k, v in params)
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
        "method",
        "cp-sat / term / lp",
        "HiGHS root: plan / bound (s)",
        "verify",
        *(["HiGHS MIP"] if args.mip else []),
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
            str(s.extra["bound_method"] or "–"),
            " / ".join("–" if b is None else f"{b:g}" for b in (s.extra["bounds"].get(k) for k in BOUNDS)),
            highs_root_column(s.extra),
            ok,
            *([highs_column(inst, args.mip)] if args.mip else []),
        )
    Console(width=240).print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
