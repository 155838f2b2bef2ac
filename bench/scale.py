"""Scale benchmark: the monolithic model, the decomposed model and the greedy baseline on every example and on
generated commune, district and province scenarios — one table per scenario.

    python bench/scale.py [--time-limit 40] [--presets commune,district,province] [--levels 3] [--seed 1]
                          [--rules yen-bai] [--mono-max-members 1200] [--processes 2] [--no-examples]
                          [SCENARIO ...]

Each method runs in a fresh process, so its peak memory (``ru_maxrss``; for the decomposed model the main
process plus each pool worker's peak) is its own. Columns: members, units, variables, build s (load, instance
and model building; for the decomposed model the split and the parts' model building), solve s (the rest of
the wall time), status, objective, bound, gap, peak MiB, verify (the plan checked on the whole scenario), and
against the monolithic row of the same scenario: Δ objective and the time ratio. ``--time-limit`` is CP-SAT's
deterministic time for the monolithic model and for each process of the decomposed one (spread over its parts,
see `planner.scale.decompose.part_settings`). The monolithic model is skipped above ``--mono-max-members``.
Generated scenarios are written to ``bench/generated/`` (ignored by git).

At the end, one table of the targets this run can judge (the examples optimal at their proven optima within
60 s, the generated commune optimal or within 1 %, the district within 5 % and the province within 10 % of a
valid bound in 5 minutes, every plan verified), each with what was measured and whether it is met. Wall time
there is the whole child process: loading, solving and the benchmark's own verify. ``--starved SCENARIO``
adds the last target: the scenario solved with the CLI's defaults on an idle machine, then again at ``nice
15`` beside ``--busy`` busy loops (6: the solve runs some 20–25 times slower), and its plan files compared
byte for byte (a few minutes).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from planner.plan import PLAN_FILES
from planner.search.solving import Settings

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ROOT / "bench" / "generated"
METHODS = ("monolithic", "decomposed", "greedy")
# the examples' optima, proven by HiGHS on the same model and by CP-SAT (docs/scale.md, "What the bound means")
OPTIMA = {"thuong-son-2026": -158, "tuong-duong-2026": -75, "yen-bai-rule-18": -96, "huyen-hop-nhat-2025": -95}
EXAMPLE_SECONDS, BIG_SECONDS = 60.0, 300.0


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_one(path: str, method: str, time_limit: float, processes: int, seed: int) -> dict:
    """One method on one scenario, in this process: the figures as a dict (printed as JSON by --one)."""
    sys.path.insert(0, str(ROOT))
    from planner.checks.verify import verify
    from planner.instance import Instance
    from planner.io import load_scenario
    from planner.search.solving import Settings

    t0 = time.monotonic()
    inst = Instance(load_scenario(path))
    load_s = time.monotonic() - t0
    settings = Settings(time_limit=time_limit, seed=seed)
    out: dict = {"members": len(inst.members), "units": len(inst.units)}
    plan = None
    if method == "monolithic":
        from planner.search.solving import solve

        r = solve(inst, settings)
        s, plan = r.summary, r.plan
        out.update(
            variables=s.extra["model"]["variables"],
            build=load_s + s.extra["build_seconds"],
            solve=s.extra["solve_seconds"],
            peak=_peak_mib(),
        )
    elif method == "decomposed":
        from planner.scale.decompose import solve_decomposed
        from planner.scale.executors import make_executor

        ex = make_executor(None, processes)
        try:
            r = solve_decomposed(inst, settings, ex, processes=processes)
        finally:
            ex.close()
        s, plan = r.summary, r.plan
        workers: dict[int, float] = {}
        for p in r.parts:
            workers[p.pid] = max(workers.get(p.pid, 0.0), p.peak_mib)
        workers.pop(os.getpid(), None)
        # the parts' models are built in the pool's processes at once: their build time, divided among the
        # processes, counts as build; the rest of the wall time as solve
        build = s.extra["decompose_seconds"] + (s.extra["build_seconds"] - s.extra["decompose_seconds"]) / max(
            1, min(processes, s.extra["parts"])
        )
        out.update(
            variables=s.extra["model"]["variables"],
            build=load_s + build,
            solve=s.seconds - build,
            peak=_peak_mib() + sum(workers.values()),
            parts=s.extra["parts"],
            scheme=s.extra["scheme"],
            bound_scope=s.extra["bound_scope"],
            coupling=s.extra["coupling_members"],
            polished=s.extra.get("polish_saved_shift", 0),
            part_statuses=s.extra["part_statuses"],
            second=s.extra.get("parts_second_round", 0),
        )
    else:
        from planner.scale.greedy import run_greedy

        g = run_greedy(inst, check=False)
        s, plan = g.summary, g.plan
        out.update(variables=0, build=load_s, solve=s.seconds, peak=_peak_mib())
    out.update(status=s.status, objective=s.objective, bound=s.bound, gap=s.gap)
    if plan is not None:
        t1 = time.monotonic()
        report = verify(inst, plan)
        out["verify"] = "ok" if report.ok else f"{len(report.violations)} violations"
        out["verify_seconds"] = time.monotonic() - t1
        if method == "greedy":
            out["objective"] = report.objective
            out["status"] = "feasible" if report.ok else "violations"  # the draft breaks rules: not infeasible
        elif report.objective != s.objective:
            out["verify"] += f" (objective {report.objective} ≠ {s.objective})"
    else:
        out["verify"] = "–"
    return out


def _child(path: Path, method: str, args) -> dict:
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--one",
        str(path),
        method,
        "--time-limit",
        str(args.time_limit),
        "--processes",
        str(args.processes),
        "--seed",
        str(args.seed),
    ]
    t0 = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    wall = time.monotonic() - t0
    if p.returncode != 0:
        return {"status": "error", "error": (p.stderr or p.stdout).strip().splitlines()[-1:] or ["?"], "wall": wall}
    out = json.loads(p.stdout.strip().splitlines()[-1])
    out["wall"] = wall
    return out


def generated(args) -> list[Path]:
    from planner.scale.generate import write

    GENERATED.mkdir(parents=True, exist_ok=True)
    paths = []
    for preset in [p for p in args.presets.split(",") if p]:
        path = GENERATED / f"{preset}-{args.levels}-{args.rules}-{args.seed}.yaml"
        if not path.exists():
            write(path, preset, args.levels, args.seed, args.rules)
        paths.append(path)
    return paths


def _pct(gap) -> str:
    return "–" if gap is None else f"{100 * gap:.1f} %"


def targets(everything: dict[str, dict[str, dict]], starved: dict | None = None) -> list[tuple[str, str, bool]]:
    """(target, what was measured, met?) for every target the rows of this run can judge."""
    out: list[tuple[str, str, bool]] = []
    for name, optimum in OPTIMA.items():
        r = everything.get(name, {}).get("monolithic")
        if r is None or "wall" not in r:
            continue
        ok = r.get("status") == "optimal" and r.get("objective") == optimum and r.get("verify") == "ok"
        out.append(
            (
                f"{name}: optimal at {optimum}, ≤ {EXAMPLE_SECONDS:.0f} s",
                f"{r.get('status')} {_fmt(r.get('objective'))}, {r['wall']:.0f} s",
                ok and r["wall"] <= EXAMPLE_SECONDS,
            )
        )
    for stem, rows in everything.items():
        kind = stem.split("-")[0]
        r = rows.get("decomposed")
        if kind not in ("commune", "district", "province") or r is None or "wall" not in r:
            continue
        verified = r.get("verify") == "ok"
        gap = r.get("gap")
        measured = f"{r.get('status')} {_fmt(r.get('objective'))}, bound {_fmt(r.get('bound'), 'g')}, gap {_pct(gap)}"
        measured += f", {r['wall']:.0f} s"
        if kind == "commune":
            ok = verified and (r.get("status") == "optimal" or (gap is not None and gap <= 0.01))
            out.append((f"{stem}: optimal, or gap ≤ 1 %", measured, ok))
        else:
            most = 0.05 if kind == "district" else 0.10
            ok = verified and gap is not None and gap <= most and r["wall"] <= BIG_SECONDS
            what = "gap" if kind == "district" else "verified plan, gap"
            out.append((f"{stem}: {what} ≤ {100 * most:.0f} % in ≤ {BIG_SECONDS / 60:.0f} min", measured, ok))
    broken = [
        f"{stem} {method}"
        for stem, rows in everything.items()
        for method, r in rows.items()
        if method != "greedy" and r.get("objective") is not None and r.get("verify") != "ok"
    ]
    solved = sum(
        1 for rows in everything.values() for m, r in rows.items() if m != "greedy" and r.get("objective") is not None
    )
    out.append(
        (
            "every plan passes verify",
            f"{solved - len(broken)} of {solved}" + "".join(f"; {b}" for b in broken),
            not broken,
        )
    )
    if starved is not None:
        same = starved["identical"]
        out.append(
            (
                f"{starved['scenario']}, idle against starved: identical plan files, or reproducible: false",
                f"{'identical' if same else 'different'} plan files; idle {starved['idle']:.0f} s, starved "
                f"{starved['starved']:.0f} s ({starved['busy']} busy loops, nice 15); reproducible: "
                f"{starved['reproducible']}",
                same or starved["reproducible"][1] is False,
            )
        )
    return out


def starved_run(path: Path, busy: int) -> dict:
    """``planner solve`` on ``path`` (default settings) idle, then at nice 15 beside ``busy`` busy loops."""
    planner = Path(sys.executable).with_name("planner")
    cli = [str(planner)] if planner.exists() else [sys.executable, "-c", "from planner.cli import main; main()"]
    out: dict = {"scenario": path.stem, "busy": busy, "reproducible": []}
    with tempfile.TemporaryDirectory() as tmp:
        for name, prefix in (("idle", []), ("starved", ["nice", "-n", "15"])):
            loops = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(busy if prefix else 0)]
            try:
                t0 = time.monotonic()
                subprocess.run(
                    [*prefix, *cli, "solve", str(path), "--out", f"{tmp}/{name}", "-q"], check=True, cwd=ROOT
                )
                out[name] = time.monotonic() - t0
            finally:
                for loop in loops:
                    loop.kill()
                    loop.wait()
            summary = json.loads(Path(tmp, name, "summary.json").read_text(encoding="utf-8"))
            out["reproducible"].append(summary.get("reproducible"))
        out["identical"] = all(
            Path(tmp, "idle", f).read_bytes() == Path(tmp, "starved", f).read_bytes() for f in PLAN_FILES
        )
    return out


def _fmt(v, spec: str = "") -> str:
    if v is None:
        return "–"
    return format(v, spec) if spec else str(v)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scenarios", nargs="*", type=Path)
    ap.add_argument("--time-limit", type=float, default=Settings.time_limit)
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1, help="seed of the generated scenarios (the solver's is 0)")
    ap.add_argument("--presets", default="commune,district,province")
    ap.add_argument("--levels", type=int, default=3)
    ap.add_argument("--rules", default="yen-bai")
    ap.add_argument("--mono-max-members", type=int, default=1200)
    ap.add_argument("--methods", default=",".join(METHODS))
    ap.add_argument("--no-examples", action="store_true")
    ap.add_argument("--json", type=Path, default=None, help="also write every figure to this file")
    ap.add_argument(
        "--starved", type=Path, default=None, metavar="SCENARIO", help="idle against starved, this scenario"
    )
    ap.add_argument("--busy", type=int, default=6, help="busy loops beside the starved solve")
    ap.add_argument("--one", nargs=2, metavar=("SCENARIO", "METHOD"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(args.one[0], args.one[1], args.time_limit, args.processes, 0)))
        return 0

    from rich.console import Console
    from rich.table import Table

    paths = list(args.scenarios)
    if not paths and not args.no_examples:
        paths = sorted((ROOT / "scenarios").glob("*.yaml"))
    if not args.scenarios:
        paths += generated(args)
    methods = [m for m in args.methods.split(",") if m]
    con = Console(width=170)
    con.print(
        f"planner scale bench — time limit {args.time_limit} det-s (monolithic: 2 workers; decomposed: per "
        f"process, {args.processes} processes × 2 workers), generated: --levels {args.levels} --rules "
        f"{args.rules} --seed {args.seed}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    everything = {}
    for path in paths:
        rows = {}
        for method in methods:
            if method == "monolithic" and args.mono_max_members:
                from planner.io import load_scenario

                n = len(load_scenario(path).members)
                if n > args.mono_max_members:
                    rows[method] = {"status": f"skipped (> {args.mono_max_members} members)"}
                    continue
            rows[method] = _child(path, method, args)
        everything[path.stem] = rows
        table = Table(title=f"{path.stem}", title_justify="left")
        for col in (
            "method",
            "members",
            "units",
            "variables",
            "build s",
            "solve s",
            "status",
            "objective",
            "bound",
            "gap",
            "peak MiB",
            "verify",
            "Δ obj vs mono",
            "time × mono",
            "notes",
        ):
            table.add_column(col, justify="left" if col in ("method", "status", "verify", "notes") else "right")
        mono = rows.get("monolithic", {})
        mono_t = (mono.get("build") or 0) + (mono.get("solve") or 0)
        for method, r in rows.items():
            t = (r.get("build") or 0) + (r.get("solve") or 0)
            d_obj = (
                "–"
                if r.get("objective") is None
                or mono.get("objective") is None
                or method == "monolithic"
                or r.get("verify") != "ok"
                else f"{r['objective'] - mono['objective']:+d}"
            )
            ratio = "–" if not mono_t or method == "monolithic" or not t else f"{t / mono_t:.2f}"
            notes = ""
            if method == "decomposed" and "parts" in r:
                notes = (
                    f"{r['parts']} parts, {r['scheme']}, {r['coupling']} coupling, parts' bound "
                    f"{r['bound_scope']}, polish −{r.get('polished', 0)} shift"
                    + (f", {r['second']} in round 2" if r.get("second") else "")
                )
            if r.get("status") == "error":
                notes = " ".join(r.get("error", []))[:60]
            table.add_row(
                method,
                _fmt(r.get("members")),
                _fmt(r.get("units")),
                _fmt(r.get("variables")),
                _fmt(r.get("build"), ".1f"),
                _fmt(r.get("solve"), ".1f"),
                r.get("status", "–"),
                _fmt(r.get("objective")),
                _fmt(r.get("bound"), "g"),
                "–" if r.get("gap") is None else f"{100 * r['gap']:.1f}%",
                _fmt(r.get("peak"), ".0f"),
                r.get("verify", "–"),
                d_obj,
                ratio,
                notes,
            )
        con.print(table)
    starved = starved_run(args.starved, args.busy) if args.starved else None
    table = Table(title="targets", title_justify="left")
    for col in ("target", "measured", "met"):
        table.add_column(col)
    for target, measured, ok in targets(everything, starved):
        table.add_row(target, measured, "yes" if ok else "no")
    con.print(table)
    if args.json:
        everything["_starved"] = starved  # type: ignore[assignment]
        args.json.write_text(json.dumps(everything, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
