"""Fuzzing the loader: mutated copies of the example scenarios (and of a scenario with CSV tables) either load
as a valid `Scenario` or raise `InputError`, and ``planner validate`` exits 0 or 2 without a traceback.

Mutations, one to four per case: byte flips, line deletions and duplications, swapped values or keys between
two lines, a value replaced by a troublesome one (huge numbers, YAML tags, aliases, NFD text, dates that do
not exist, brackets…), inserted blocks (an alias bomb, a second document, tabs, python tags), insertions of
random bytes, and truncation.

The suite runs a modest number of derandomized cases. A bigger campaign, outside the suite:

    PLANNER_FUZZ_EXAMPLES=20000 PLANNER_FUZZ_RANDOM=1 pytest tests/test_fuzz.py --hypothesis-show-statistics
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.cli import main
from planner.errors import InputError
from planner.io import load_scenario
from planner.scenario import Scenario
from tests.conftest import DATA, SCENARIOS

TABLES = DATA / "tables"
SOURCES = sorted(SCENARIOS.glob("*.yaml")) + [TABLES / "commune.yaml", TABLES / "units.csv", TABLES / "members.csv"]
EXAMPLES = int(os.environ.get("PLANNER_FUZZ_EXAMPLES", "120"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not os.environ.get("PLANNER_FUZZ_RANDOM"),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)

NASTY_VALUES = [
    "-1",
    "0",
    "1000000000",
    "9" * 400,
    "1e309",
    ".nan",
    "-.inf",
    "0x7fffffffffffffff",
    "1_000",
    "190:20:30",
    "~",
    "null",
    "true",
    "no",
    "on",
    "[]",
    "{}",
    "[[[[]]]]",
    "''",
    '""',
    "'",
    '"',
    "[",
    "{",
    "}",
    ":",
    "- x",
    "&a x",
    "*a",
    "*nope",
    "<<: *a",
    "!!python/object/apply:os.system [echo x]",
    "!!str",
    "!!int x",
    "!!binary ???",
    "!!set {a, b}",
    "!!omap [a: 1]",
    "!!timestamp 2026-13-45",
    "2026-02-30",
    "2026-02-29",
    "0000-01-01",
    "9999-12-31",
    "2026-1-1",
    "2026-03",
    "mnday",
    "sun",
    "|\n  text",
    ">-\n  text",
    "\t",
    "\x00",
    "\x07",
    "\ufeff",
    "\u200b",
    "\ud7ff",
    "🙂",
    unicodedata.normalize("NFD", "Lương Đảng ủy"),
    "../../etc/passwd.csv",
    "/dev/zero.csv",
    "units.xlsx",
    "no-such.csv",
    "tables\\units.csv",
    "=1+1",
    "@SUM(A1)",
    "a" * 5000,
    "9" * 5000,
    "[" * 3000,
    "- " * 300 + "x",
    "!!timestamp nope",
    "!!float x",
    "!!bool maybe",
    "!!null x",
    "!!map x",
    "!!seq x",
    "!!merge x",
    "!!python/none ''",
    "{<<: [1, 2]}",
    "{<<: *nope}",
    "{? [a]: b}",
]
BLOCKS = [  # whole lines inserted somewhere
    "".join(
        f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" if i else "l0: &l0 [a, a, a, a, a, a, a, a, a]\n"
        for i in range(9)
    ),
    "a: &a {x: 1}\nb: {<<: *a, <<: *a}\n",
    "---\nname: again\n",
    "\tname: tab\n",
    "%YAML 1.1\n---\n",
    "? complex\n: key\n",
    "x: !!python/object/new:os.system [ls]\n",
    "units: &u\n  - *u\n",
]
NASTY_KEYS = [
    "id",
    "name",
    "units",
    "members",
    "parent",
    "committee",
    "meeting",
    "day",
    "flex",
    "weekdays",
    "at_least",
    "at_most",
    "per",
    "including",
    "fixed",
    "calendar",
    "<<",
    "? x",
    "sha256",
    "source",
]


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True) or [b""]


def mutate(data: bytes, ops: list[tuple[str, int, int, int]]) -> bytes:
    for op, a, b, c in ops:
        if not data:
            data = b"name: x\n"
        if op == "flip":
            i = a % len(data)
            data = data[:i] + bytes([b % 256]) + data[i + 1 :]
        elif op == "insert":
            i = a % (len(data) + 1)
            data = data[:i] + bytes([b % 256, c % 256]) + data[i:]
        elif op == "block":
            lines = _lines(data)
            lines.insert(a % (len(lines) + 1), BLOCKS[b % len(BLOCKS)].encode("utf-8"))
            data = b"".join(lines)
        elif op == "truncate":
            data = data[: a % (len(data) + 1)]
        else:
            lines = _lines(data)
            i, j = a % len(lines), b % len(lines)
            if op == "delete":
                del lines[i]
            elif op == "duplicate":
                lines.insert(j, lines[i])
            elif op == "swap_lines":
                lines[i], lines[j] = lines[j], lines[i]
            elif op in ("swap_values", "swap_keys"):
                mi, mj = (re.match(rb"^(\s*-?\s*)([^:#]+):(.*)$", lines[k], re.S) for k in (i, j))
                if mi and mj:
                    if op == "swap_values":
                        lines[i] = mi.group(1) + mi.group(2) + b":" + mj.group(3)
                        lines[j] = mj.group(1) + mj.group(2) + b":" + mi.group(3)
                    else:
                        lines[i] = mi.group(1) + mj.group(2) + b":" + mi.group(3)
                        lines[j] = mj.group(1) + mi.group(2) + b":" + mj.group(3)
            elif op == "nasty_value":
                value = NASTY_VALUES[c % len(NASTY_VALUES)].encode("utf-8", "surrogatepass")
                m = re.match(rb"^(\s*-?\s*[^:#\n]+:\s*)(.*?)(\r?\n?)$", lines[i], re.S)
                if m:
                    lines[i] = m.group(1) + value + m.group(3)
                else:  # a CSV row or a list item: replace one cell
                    cells = lines[i].rstrip(b"\r\n").split(b",")
                    cells[c % len(cells)] = value
                    lines[i] = b",".join(cells) + b"\n"
            elif op == "nasty_key":
                key = NASTY_KEYS[c % len(NASTY_KEYS)].encode()
                m = re.match(rb"^(\s*-?\s*)([^:#\n]+)(:.*)$", lines[i], re.S)
                if m:
                    lines[i] = m.group(1) + key + m.group(3)
            data = b"".join(lines)
    return data


OP_NAMES = [
    "flip",
    "insert",
    "truncate",
    "delete",
    "duplicate",
    "swap_lines",
    "swap_values",
    "swap_keys",
    "nasty_value",
    "nasty_value",
    "nasty_key",
    "block",
]
OPS = st.tuples(st.sampled_from(OP_NAMES), st.integers(0, 1 << 20), st.integers(0, 1 << 20), st.integers(0, 1 << 20))
CASES = st.tuples(st.sampled_from(SOURCES), st.lists(OPS, min_size=1, max_size=4))


@pytest.fixture(scope="module")
def workdir():
    """A folder holding a copy of the table scenario, where each case overwrites one file."""
    d = Path(tempfile.mkdtemp(prefix="planner-fuzz-"))
    yield d
    shutil.rmtree(d, ignore_errors=True)


def write_case(workdir: Path, source: Path, ops) -> Path:
    """Write the mutated file; for a table, next to a pristine copy of the scenario naming it."""
    for name in ("commune.yaml", "units.csv", "members.csv"):
        shutil.copy(TABLES / name, workdir / name)
    data = mutate(source.read_bytes(), ops)
    if source.parent == TABLES:
        (workdir / source.name).write_bytes(data)
        return workdir / "commune.yaml"
    path = workdir / "scenario.yaml"
    path.write_bytes(data)
    return path


@FUZZ
@given(case=CASES)
def test_mutated_scenarios_load_or_fail_cleanly(workdir: Path, case) -> None:
    source, ops = case
    path = write_case(workdir, source, ops)
    try:
        scenario = load_scenario(path)
    except InputError as err:
        assert err.problems and all(p.file and p.message for p in err.problems)
        str(err)  # every problem prints
    else:
        assert isinstance(scenario, Scenario)


@settings(FUZZ, max_examples=max(10, EXAMPLES // 4))
@given(case=CASES)
def test_mutated_scenarios_through_the_cli_exit_0_or_2(workdir: Path, case) -> None:
    source, ops = case
    path = write_case(workdir, source, ops)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code in (0, 2), (result.output, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output


def test_the_mutations_do_mutate() -> None:
    data = (SCENARIOS / "thuong-son-2026.yaml").read_bytes()
    for op in ("flip", "delete", "duplicate", "swap_values", "swap_keys", "nasty_value", "nasty_key"):
        assert mutate(data, [(op, 5, 9, 3)]) != data, op


def campaign(cases: int, seed: int = 0, timeout: float = 20.0) -> dict[str, list[str]]:
    """A bigger run outside the suite (``python -m tests.test_fuzz 20000``): random cases of the same mutations,
    every failure that is not an `InputError` grouped by exception type and the line that raised it. A case
    that runs longer than ``timeout`` seconds counts as a failure (TimeoutError)."""
    import random
    import signal
    import traceback

    def alarm(signum: int, frame: object) -> None:
        raise TimeoutError(f"more than {timeout} s")

    signal.signal(signal.SIGALRM, alarm)

    rng = random.Random(seed)
    names = OP_NAMES
    failures: dict[str, list[str]] = {}
    workdir = Path(tempfile.mkdtemp(prefix="planner-fuzz-"))
    try:
        for n in range(cases):
            source = rng.choice(SOURCES)
            ops = [
                (rng.choice(names), rng.randrange(1 << 20), rng.randrange(1 << 20), rng.randrange(1 << 20))
                for _ in range(rng.randint(1, 4))
            ]
            path = write_case(workdir, source, ops)
            signal.setitimer(signal.ITIMER_REAL, timeout)
            try:
                load_scenario(path)
            except InputError:
                pass
            except Exception as exc:  # noqa: BLE001 - that is what we are looking for
                frame = traceback.extract_tb(exc.__traceback__)[-1]
                key = f"{type(exc).__name__} at {Path(frame.filename).name}:{frame.lineno}"
                failures.setdefault(key, []).append(f"case {n}: {source.name} {ops}: {exc!s:.200}")
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return failures


if __name__ == "__main__":
    import sys
    import time

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    t0 = time.monotonic()
    found = campaign(count, int(sys.argv[2]) if len(sys.argv) > 2 else 0)
    print(
        f"{count} cases in {time.monotonic() - t0:.0f} s: {sum(map(len, found.values()))} failures, "
        f"{len(found)} distinct"
    )
    for key, cases in sorted(found.items(), key=lambda kv: -len(kv[1])):
        print(f"{len(cases):6d}  {key}\n        e.g. {cases[0]}")
