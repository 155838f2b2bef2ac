"""The sweep benchmark: communes per minute of `planner sweep` on a slice of the nation preset, with 1 and 2 workers
of a loopback Dask `LocalCluster`, the scaling ratio, the peak memory of each worker, the same rows from every
run, and the extrapolation to the 3,321 communes of the nation and to N cores.

    python bench/sweep.py [--communes 200] [--seed 1] [--time-limit 10] [--workers 1,2] [--local]
                          [--no-suggest] [--full] [--keep DIR] [--json FILE]
    python bench/sweep.py --write-nation DIR [--seed 1]     # then: planner sweep CHANGES DIR --out OUT

- ``--local``: also sweep the slice on the local process pool (``--processes 2``) and compare its rows.
- ``--full``: also sweep the whole nation once (3,321 communes, written as one scenario file per province: the
  nation's single file would be over the loader's 5 MB limit) with the largest worker count.

The change set is the issue's rule: every commune member at two meetings a month at the cells in his or her
charge (``attendance[xa-moi-thang].at_least: 2``), the cells keeping their days. Figures are wall time on this
machine, which other work shares: see docs/scale.md for the measured table.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHANGES = """\
name: Mỗi cấp ủy viên xã dự sinh hoạt 2 buổi mỗi tháng (các chi bộ giữ ngày họp)
changes:
  - set:
      attendance[xa-moi-thang].at_least: 2
    reason: quy định đang cân nhắc ở cấp trung ương
"""
NATION_COMMUNES = 3321


def _generate_slice(path: Path, communes: int, seed: int) -> float:
    t0 = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "planner.cli", "generate", "--preset", "nation", "--communes", str(communes), "--seed",
         str(seed), "-o", str(path)],
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return time.monotonic() - t0


def _generate_nation(folder: Path, seed: int) -> float:
    """The whole nation preset, one scenario file per province (the provinces' units, their committees' members,
    the responsibility rules of those committees, and every attendance and coverage rule, which select by
    level and kind)."""
    from planner.scale.generate import generate, to_yaml

    t0 = time.monotonic()
    data = generate("nation", 2, seed, "yen-bai")
    parent = {u["id"]: u.get("parent") for u in data["units"]}

    def province_of(uid: str | None) -> str | None:
        while uid is not None and parent.get(uid) is not None:
            uid = parent[uid]
        return uid

    provinces = [u["id"] for u in data["units"] if u.get("parent") is None]
    folder.mkdir(parents=True, exist_ok=True)
    for p in provinces:
        units = [u for u in data["units"] if province_of(u["id"]) == p]
        ids = {u["id"] for u in units}
        members = [m for m in data["members"] if m["committee"] in ids]
        resp = [r for r in data["responsibility"] if set(_as_list(r["members"].get("committee"))) <= ids]
        part = {k: v for k, v in data.items() if k not in ("units", "members", "responsibility")}
        part.update(units=units, members=members, responsibility=resp, name=f"{units[0]['name']} — {data['name']}")
        (folder / f"{p}.yaml").write_text(to_yaml(part, f"bench/sweep.py: province {p} of the nation preset"), "utf-8")
    return time.monotonic() - t0


def _as_list(v) -> list:
    return [] if v is None else list(v) if isinstance(v, list | tuple) else [v]


def _sweep(changes: Path, inputs: list[str], out: Path, executor, time_limit: float, suggest: bool = True) -> dict:
    from planner.sweep import SweepSettings, run_sweep

    last = [0.0]

    def show(p) -> None:
        if time.monotonic() - last[0] >= 30 or p.running == 0:
            last[0] = time.monotonic()
            rate = f"{p.per_minute:.1f}/min" if p.per_minute else "–"
            print(f"    {p.done}/{p.total or '?'} communes, {rate}, {dict(p.counts)}", file=sys.stderr, flush=True)

    load0 = os.getloadavg()[0]
    t0 = time.monotonic()
    result = run_sweep(changes, inputs, out, SweepSettings(time_limit=time_limit, suggest=suggest, force=True), executor,
                       lang="en", on_progress=show)  # fmt: skip
    wall = time.monotonic() - t0
    per_worker: dict[str, float] = defaultdict(float)
    busy: dict[str, float] = defaultdict(float)
    for r in result.rows:
        if r["worker"]:
            per_worker[r["worker"]] = max(per_worker[r["worker"]], r["peak_mib"])
            busy[r["worker"]] += r["seconds"]
    import resource

    cpu = sum(r.get("cpu_s", 0.0) for r in result.rows)
    return {
        "communes": len(result.rows),
        "wall_s": round(wall, 1),
        # the CPU the workers got, in cores (their CPU seconds over the wall time): below the worker count when
        # other work shares the machine
        "effective_cores": round(cpu / wall, 2),
        "cpu_s_total": round(cpu, 1),
        "loadavg_1min": [round(load0, 2), round(os.getloadavg()[0], 2)],
        "split_s": round(result.progress.split_seconds or 0.0, 1),
        "per_minute": round(60 * len(result.rows) / wall, 1),
        "check_s_mean": round(sum(r["seconds"] for r in result.rows) / max(1, len(result.rows)), 3),
        "cpu_s_mean": round(sum(r.get("cpu_s", 0.0) for r in result.rows) / max(1, len(result.rows)), 3),
        "check_s_max": round(max((r["seconds"] for r in result.rows), default=0.0), 2),
        "statuses": dict(Counter(r["status"] for r in result.rows)),
        "causes": dict(Counter(r["cause"] or r["decided_by"] for r in result.rows)),
        "decided_by": dict(Counter(r["decided_by"] or "-" for r in result.rows)),
        "workers": len(per_worker),
        "peak_mib_worker_max": round(max(per_worker.values(), default=0.0), 1),
        "peak_mib_workers": sorted(round(v, 1) for v in per_worker.values()),
        "busy_s_workers": sorted(round(v, 1) for v in busy.values()),
        "peak_mib_main": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "backend": result.backend,
        "rows": [_key(r) for r in result.rows],
    }


def _key(r: dict) -> tuple:
    """A row as results.csv has it, less the seconds."""
    return (r["commune"], r["source"], r["status"], r["decided_by"], r["cause"], r["rule"], r["quota"],
            r["largest_quota"], r.get("largest_note"), r["shortfall"], r["shortfall_note"], r["reason"]["en"], r["suggestion"]["en"])  # fmt: skip


def _dask(workers: int):
    import distributed

    cluster = distributed.LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None,
        memory_limit=0,  # measured, not limited: the target is ≤ 1 GiB a worker
    )  # fmt: skip
    return cluster


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--communes", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--time-limit", type=float, default=10.0)
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--local", action="store_true")
    ap.add_argument("--no-suggest", action="store_true", help="sweep without the largest-quota search")
    ap.add_argument("--full", action="store_true")
    ap.add_argument("--keep", default=None, help="keep the scenarios and sweep directories here")
    ap.add_argument("--json", default=None)
    ap.add_argument(
        "--write-nation",
        default=None,
        metavar="DIR",
        help="only write the whole nation, one scenario file per province, into DIR (for planner sweep DIR)",
    )
    args = ap.parse_args()
    if args.write_nation:
        seconds = _generate_nation(Path(args.write_nation), args.seed)
        print(f"wrote {len(list(Path(args.write_nation).glob('*.yaml')))} province files in {seconds:.0f} s")
        return
    from planner.scale.executors import DaskExecutor, LocalExecutor

    base = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-sweep-"))
    base.mkdir(parents=True, exist_ok=True)
    changes = base / "two-a-month.yaml"
    changes.write_text(CHANGES, encoding="utf-8")
    nation = base / f"nation-{args.communes}.yaml"
    gen_s = _generate_slice(nation, args.communes, args.seed)
    size = os.path.getsize(nation)
    print(f"slice: {nation} ({size / 1e6:.1f} MB, generated in {gen_s:.1f} s)", file=sys.stderr)
    runs: dict[str, dict] = {}
    for w in [int(x) for x in args.workers.split(",")]:
        print(f"  dask LocalCluster, {w} worker(s):", file=sys.stderr, flush=True)
        cluster = _dask(w)
        ex = DaskExecutor(cluster.scheduler_address)
        try:
            runs[f"dask-{w}"] = _sweep(
                changes, [str(nation)], base / f"dask-{w}", ex, args.time_limit, not args.no_suggest
            )
        finally:
            ex.close()
            cluster.close()
    if args.local:
        print("  local process pool, 2 processes:", file=sys.stderr, flush=True)
        runs["local-2"] = _sweep(
            changes, [str(nation)], base / "local-2", LocalExecutor(2), args.time_limit, not args.no_suggest
        )
    names = list(runs)
    same = all(runs[n]["rows"] == runs[names[0]]["rows"] for n in names)
    out = {
        "communes": args.communes,
        "seed": args.seed,
        "time_limit": args.time_limit,
        "suggest": not args.no_suggest,
        "slice_mb": round(size / 1e6, 2),
        "same_rows": same,
        "runs": {n: {k: v for k, v in r.items() if k != "rows"} for n, r in runs.items()},
    }
    one, two = runs.get("dask-1"), runs.get("dask-2")
    if one and two:
        out["scaling_2_over_1"] = round(two["per_minute"] / one["per_minute"], 2)
        # communes a minute per core the workers were given, and the ratio that makes on two free cores
        r1, r2 = one["per_minute"] / one["effective_cores"], two["per_minute"] / two["effective_cores"]
        out["per_effective_core"] = [round(r1, 1), round(r2, 1)]
        out["scaling_on_two_free_cores_est"] = round(2 * r2 / r1, 2)
    best = max(runs.values(), key=lambda r: r["per_minute"])
    # extrapolation: the checks' own seconds (as measured on the workers) over N cores, plus the splitting the
    # main process does meanwhile (overlapped with the checks; it bounds the time from below)
    per_commune = best["cpu_s_mean"]
    split_per_commune = best["split_s"] / best["communes"]
    out["extrapolation"] = {
        f"{n}_cores_min": round(max(NATION_COMMUNES * per_commune / n, NATION_COMMUNES * split_per_commune) / 60, 1)
        for n in (1, 2, 4, 8, 16, 32)
    }
    if args.full:
        folder = base / "nation"
        gen = _generate_nation(folder, args.seed)
        print(f"  the whole nation: {len(list(folder.glob('*.yaml')))} province files in {gen:.0f} s", file=sys.stderr)
        w = max(int(x) for x in args.workers.split(","))
        cluster = _dask(w)
        ex = DaskExecutor(cluster.scheduler_address)
        try:
            full = _sweep(changes, [str(folder)], base / "nation-sweep", ex, args.time_limit, not args.no_suggest)
        finally:
            ex.close()
            cluster.close()
        out["full"] = {k: v for k, v in full.items() if k != "rows"} | {"generate_s": round(gen, 1)}
    text = json.dumps(out, indent=2, ensure_ascii=False)
    print(text)
    if args.json:
        Path(args.json).write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
