"""Behaviour check for refactoring: run every command on every example and fingerprint what it writes.

    python bench/same_outputs.py record FILE.json     # before a change
    python bench/same_outputs.py compare FILE.json    # after it: lists every output that differs

Each command runs as a user would run it (the installed ``planner`` script, a fresh process, a short
deterministic time limit so the whole set takes a few minutes). What it prints and every file it writes are
fingerprinted after the parts that change from run to run are blanked: wall-clock timings, the time of
issue (HTML footer, calendar stamps and sequences), the temporary directory's name, and the creation stamps
inside .xlsx/.docx archives. Everything else must be byte-identical.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
EXAMPLES = ("thuong-son-2026", "tuong-duong-2026", "yen-bai-rule-18", "huyen-hop-nhat-2025", "fixed-day-quota-check")
LIMIT = "2"


def commands() -> list[tuple[str, list[str]]]:
    """(name, arguments) of every run; ``{out}`` stands for the run's own output directory, ``{tmp}`` the
    scratch directory shared by the runs (plans of earlier runs are read from there)."""
    runs: list[tuple[str, list[str]]] = []
    for ex in EXAMPLES:
        s = str(SCENARIOS / f"{ex}.yaml")
        runs.append((f"validate-{ex}", ["validate", s]))
        runs.append(
            (
                f"solve-{ex}",
                ["solve", s, "--out", "{tmp}/plan-" + ex, "--time-limit", LIMIT, "--format", "all", "--lang", "vi"],
            )
        )
        runs.append(
            (
                f"solve-q-en-{ex}",
                ["solve", s, "--out", "{out}", "--time-limit", LIMIT, "-q", "--format", "md", "--lang", "en"],
            )
        )
        runs.append((f"check-{ex}", ["check", s, "--time-limit", LIMIT]))
        runs.append((f"check-vi-{ex}", ["check", s, "--time-limit", LIMIT, "--lang", "vi", "--no-suggest"]))
        if ex != "fixed-day-quota-check":
            runs.append((f"verify-{ex}", ["verify", s, "{tmp}/plan-" + ex]))
            runs.append(
                (f"report-{ex}", ["report", s, "{tmp}/plan-" + ex, "--out", "{out}", "--format", "all", "--lang", "en"])
            )
            runs.append(
                (f"decompose-{ex}", ["decompose", s, "--out", "{out}", "--time-limit", LIMIT, "--processes", "1"])
            )
    merge = str(SCENARIOS / "huyen-hop-nhat-2025.yaml")
    changes = str(SCENARIOS / "changes" / "huyen-hop-nhat-2025-changes.yaml")
    runs.append(("apply", ["apply", merge, changes, "-o", "{out}/merged.yaml"]))
    runs.append(
        (
            "whatif",
            [
                "whatif",
                merge,
                changes,
                "--baseline",
                "{tmp}/plan-huyen-hop-nhat-2025",
                "--out",
                "{out}",
                "--time-limit",
                LIMIT,
            ],
        )
    )
    runs.append(("diff", ["diff", "{tmp}/plan-thuong-son-2026", "{tmp}/plan-tuong-duong-2026", "--out", "{out}"]))
    runs.append(
        (
            "solve-baseline",
            [
                "solve",
                merge,
                "--out",
                "{out}",
                "--time-limit",
                LIMIT,
                "--baseline",
                "{tmp}/plan-huyen-hop-nhat-2025",
                "--freeze-until",
                "2025-03",
                "-q",
            ],
        )
    )
    for preset in ("tiny", "commune"):
        runs.append((f"generate-{preset}", ["generate", "--preset", preset, "--seed", "3", "-o", "{out}/g.yaml"]))
    runs.append(
        (
            "generate-district-decompose",
            ["generate", "--preset", "district", "--seed", "1", "-o", "{tmp}/district.yaml"],
        )
    )
    runs.append(
        (
            "decompose-district",
            ["decompose", "{tmp}/district.yaml", "--out", "{out}", "--time-limit", LIMIT, "--processes", "2"],
        )
    )
    runs.append(("solve-bad-input", ["solve", str(ROOT / "tests/data/invalid/parent-cycle.yaml"), "--out", "{out}"]))
    return runs


_TIMING = re.compile(r"\d+(?:\.\d+)?(?= ?(?:s\b|seconds|giây))")
_TIMING_KEYS = ("seconds", "build_seconds", "solve_seconds", "wall_time")


def _blank_text(text: str, tmp: str) -> str:
    text = text.replace(tmp, "{tmp}")
    text = _TIMING.sub("#", text)
    text = re.sub(r"(DTSTAMP|SEQUENCE|CREATED|LAST-MODIFIED)[:;][^\r\n]*", r"\1:#", text)
    text = re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d(?::\d\d)?(?:\+00:00|Z)?", "#when", text)
    return text


def _blank_json(data: object) -> object:
    if isinstance(data, dict):
        return {
            k: ("#" if "seconds" in k or k in _TIMING_KEYS or k.startswith("peak_mib") else _blank_json(v))
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [_blank_json(v) for v in data]
    return data


def _xlsx_text(raw: bytes) -> str:
    """Every sheet's cells (value, number format, fill, bold), widths, merges and panes; a time of solving
    (the cell right of a label in seconds) blanked."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(raw))
    out = []
    for ws in book.worksheets:
        out.append(f"sheet {ws.title} {ws.freeze_panes} {sorted(map(str, ws.merged_cells.ranges))}")
        out.append(" ".join(f"{k}:{d.width}" for k, d in sorted(ws.column_dimensions.items())))
        for row in ws.iter_rows():
            label = ""
            for c in row:
                value = c.value
                if isinstance(label, str) and ("giây" in label or "seconds" in label.lower()):
                    value = "#"
                out.append(f"{c.coordinate}={value!r}|{c.number_format}|{c.fill.fgColor.rgb}|{c.font.b}")
                label = c.value
    return "\n".join(out)


def fingerprint(path: Path, tmp: str) -> str:
    raw = path.read_bytes()
    if path.suffix == ".xlsx":
        raw = _xlsx_text(raw).encode()
    elif path.suffix == ".docx":
        parts = []
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            for name in sorted(z.namelist()):
                body = z.read(name)
                if name == "docProps/core.xml":
                    body = re.sub(rb"<dcterms:(created|modified)[^<]*</dcterms:\w+>", b"", body)
                body = _blank_text(body.decode("utf-8", "replace"), tmp).encode()
                parts.append(name.encode() + b"\0" + body)
        raw = b"\0\0".join(parts)
    elif path.name == "summary.json":
        raw = json.dumps(_blank_json(json.loads(raw)), sort_keys=True).encode()
    else:
        raw = _blank_text(raw.decode("utf-8", "replace"), tmp).encode()
    return hashlib.sha256(raw).hexdigest()[:16]


def run_all() -> dict[str, dict[str, str]]:
    exe = shutil.which("planner")
    if exe is None:
        sys.exit("the planner command is not installed (pip install -e .)")
    out: dict[str, dict[str, str]] = {}
    with tempfile.TemporaryDirectory(prefix="same-") as tmp:
        for name, args in commands():
            target = Path(tmp) / "runs" / name
            argv = [a.replace("{out}", str(target)).replace("{tmp}", tmp) for a in args]
            if "{out}/" in " ".join(args):
                target.mkdir(parents=True)
            p = subprocess.run([exe, *argv], capture_output=True, text=True, stdin=subprocess.DEVNULL)
            got = {
                "exit": str(p.returncode),
                "stdout": hashlib.sha256(_blank_text(p.stdout, tmp).encode()).hexdigest()[:16],
                "stderr": hashlib.sha256(_blank_text(p.stderr, tmp).encode()).hexdigest()[:16],
            }
            written = next((Path(a) for a in argv if a.startswith(tmp + "/plan-")), target)
            if written.exists():
                for f in sorted(f for f in written.rglob("*") if f.is_file()):
                    got[str(f.relative_to(written))] = fingerprint(f, tmp)
            out[name] = got
            print(f"{name}: exit {p.returncode}, {len(got) - 3} files", file=sys.stderr)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("action", choices=("record", "compare"))
    ap.add_argument("file", type=Path)
    args = ap.parse_args(argv)
    got = run_all()
    if args.action == "record":
        args.file.write_text(json.dumps(got, indent=1, sort_keys=True), encoding="utf-8")
        print(f"recorded {sum(len(v) for v in got.values())} fingerprints of {len(got)} runs to {args.file}")
        return 0
    want = json.loads(args.file.read_text(encoding="utf-8"))
    bad = 0
    for name in sorted(set(want) | set(got)):
        a, b = want.get(name, {}), got.get(name, {})
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key):
                bad += 1
                print(f"DIFFERS {name}: {key} ({a.get(key)} → {b.get(key)})")
    print(
        f"{bad} differences in {len(got)} runs"
        if bad
        else f"identical: {len(got)} runs, {sum(len(v) for v in got.values())} fingerprints"
    )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
