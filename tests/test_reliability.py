"""Reliability (issue 7): the bad-input corpus through the command line, what Excel and macOS write (table
encodings and separators, NFD text), size and nesting limits, safety, interrupts, --force and reproducibility.

The corpus itself is tests/data/invalid/*.yaml (each file's ``# expect:`` lines); the cases that cannot live
there as a file (empty, huge, a directory, a device) are generated here.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import tracemalloc
import unicodedata
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from planner.cli import main
from planner.errors import InputError
from planner.instance import Instance
from planner.io import MAX_FILE_BYTES, load_scenario, read_plan
from planner.plan import PLAN_FILES
from planner.search import driver
from planner.search.solving import Settings, request_stop, reset_stop, solve
from tests.conftest import ROOT, SCENARIOS, assert_same_runs, expectations

INVALID = Path(__file__).parent / "data" / "invalid"
TABLES = Path(__file__).parent / "data" / "tables"
CORPUS = sorted(INVALID.glob("*.yaml"))
EXAMPLES = sorted(SCENARIOS.glob("*.yaml"))
PLANNER = str(Path(sys.executable).with_name("planner"))


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def refused(path: Path | str, *messages: str) -> str:
    """``planner validate`` exits 2 with every message, no traceback; the output is returned."""
    result = run("validate", str(path))
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    for message in messages:
        assert message in result.output, f"{message!r} not in:\n{result.output}"
    return result.output


# ---------------------------------------------------------------------------------------------- the corpus
def test_the_corpus_has_at_least_40_cases() -> None:
    assert len(CORPUS) >= 40


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_every_corpus_case_exits_2_with_its_messages(path: Path) -> None:
    refused(path, *expectations(path))


# ---------------------------------------------------------------------------------------------- generated cases
def test_a_zero_byte_file(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_bytes(b"")
    refused(tmp_path / "s.yaml", "the file is empty")


def test_a_file_of_blank_lines_and_comments(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text("\n   \n# only a comment\n\n", encoding="utf-8")
    refused(tmp_path / "s.yaml", "the file is empty")


def test_a_directory_instead_of_a_file(tmp_path: Path) -> None:
    refused(tmp_path, "this is a directory, not a scenario file")


def test_a_missing_file(tmp_path: Path) -> None:
    refused(tmp_path / "nope.yaml", "file not found")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_device_is_not_read_forever() -> None:
    refused("/dev/zero", "not a regular file")


def _big_scenario(path: Path, megabytes: int) -> None:
    unit = "  - {id: thon-%06d, name: Chi bộ thôn %06d, kind: residential, parent: xa, meeting: {day: 5, flex: 2}}\n"
    block = "".join(unit % (i, i) for i in range(1000)).encode("utf-8")
    with open(path, "wb") as fh:
        fh.write("name: Lớn\nyear: 2026\nunits:\n".encode())
        while fh.tell() < megabytes * 1_000_000:
            fh.write(block)


def test_a_50_mb_scenario_is_refused_quickly_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    _big_scenario(path, 50)
    tracemalloc.start()
    t0 = time.monotonic()
    with pytest.raises(InputError) as info:
        load_scenario(path)
    seconds = time.monotonic() - t0
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    text = str(info.value)
    assert (
        "the file is too large (50." in text
        and f"MB); a scenario file may be at most {MAX_FILE_BYTES / 1e6:.1f} MB" in text
    )
    assert seconds < 2 and peak < 2 * MAX_FILE_BYTES + 5_000_000, (seconds, peak)


def test_a_50_mb_table_is_refused(tmp_path: Path) -> None:
    with open(tmp_path / "units.csv", "wb") as fh:
        fh.write(b"id,name,kind\n")
        row = b"thon-x,Chi bo,residential\n" * 40_000
        while fh.tell() < 50_000_000:
            fh.write(row)
    (tmp_path / "s.yaml").write_text("name: T\nyear: 2026\nunits: units.csv\nmembers: []\n", encoding="utf-8")
    refused(tmp_path / "s.yaml", "units.csv: the file is too large", "a table may be at most")


def test_a_table_of_too_many_rows(tmp_path: Path) -> None:
    rows = "".join(f"thon-{i},T,residential\n" for i in range(60_000))
    (tmp_path / "units.csv").write_text("id,name,kind\n" + rows, encoding="utf-8")
    (tmp_path / "s.yaml").write_text("name: T\nyear: 2026\nunits: units.csv\nmembers: []\n", encoding="utf-8")
    refused(tmp_path / "s.yaml", "units.csv, row 50002: the table has more than 50,000 rows")


def test_billion_laughs_is_refused_at_once() -> None:
    t0 = time.monotonic()
    refused(INVALID / "billion-laughs.yaml")
    assert time.monotonic() - t0 < 2


def test_anchors_aliases_and_merge_keys_of_ordinary_size_still_load(tmp_path: Path) -> None:
    short = """name: T
year: 2026
units:
  - {id: xa, name: Xã, kind: commune_committee, level: commune, meeting: &m {day: 25, flex: 2}}
  - &cell {id: thon-1, name: Thôn 1, kind: residential, parent: xa, meeting: *m}
  - {<<: *cell, id: thon-2, name: Thôn 2}
members:
  - {id: uv-1, name: A, committee: xa}
"""
    long = """name: T
year: 2026
units:
  - {id: xa, name: Xã, kind: commune_committee, level: commune, meeting: {day: 25, flex: 2}}
  - {id: thon-1, name: Thôn 1, kind: residential, parent: xa, meeting: {day: 25, flex: 2}}
  - {id: thon-2, name: Thôn 2, kind: residential, parent: xa, meeting: {day: 25, flex: 2}}
members:
  - {id: uv-1, name: A, committee: xa}
"""
    (tmp_path / "short.yaml").write_text(short, encoding="utf-8")
    (tmp_path / "long.yaml").write_text(long, encoding="utf-8")
    assert load_scenario(tmp_path / "short.yaml").model_dump() == load_scenario(tmp_path / "long.yaml").model_dump()


def test_merged_data_cells_in_xlsx_are_named(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "name", "kind", "parent"])
    sheet.append(["xa", "Đảng ủy xã", "commune_committee", None])
    sheet.append(["thon-1", "Chi bộ thôn 1", "residential", "xa"])
    sheet.append(["thon-2", "Chi bộ thôn 2", "residential", None])
    sheet.merge_cells("D3:D4")
    book.save(tmp_path / "units.xlsx")
    (tmp_path / "s.yaml").write_text("name: T\nyear: 2026\nunits: units.xlsx\nmembers: []\n", encoding="utf-8")
    refused(tmp_path / "s.yaml", "units.xlsx, row 3: the cells D3:D4 are merged: only the first holds the value")


# ---------------------------------------------------------------------------------------------- what Excel writes
def cp1258(text: str) -> bytes:
    """Vietnamese as Windows writes it in code page 1258: vowel marks precomposed where the code page has them,
    tone marks as separate combining characters (so the decoded text is not NFC until normalised)."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = b""
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            nfd = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in tones))
            out += base.encode("cp1258") + "".join(c for c in nfd if c in tones).encode("cp1258")
    return out


def _rows(name: str) -> list[list[str]]:
    with open(TABLES / name, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def _csv(rows: list[list[str]], delimiter: str = ",", newline: str = "\r\n") -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator=newline).writerows(rows)
    return buf.getvalue()


EXCEL_VARIANTS = {
    "semicolons, UTF-8 with BOM": lambda rows: ("\ufeff" + _csv(rows, ";")).encode("utf-8"),
    "semicolons, Windows-1258": lambda rows: cp1258(_csv(rows, ";")),
    "commas, Windows-1258": lambda rows: cp1258(_csv(rows)),
    "Unicode text: UTF-16 with BOM, tabs": lambda rows: b"\xff\xfe" + _csv(rows, "\t").encode("utf-16-le"),
    "UTF-16 big-endian with BOM, commas": lambda rows: b"\xfe\xff" + _csv(rows).encode("utf-16-be"),
    "UTF-16 without BOM, tabs": lambda rows: _csv(rows, "\t").encode("utf-16-le"),
    "sep=; line first": lambda rows: ("sep=;\r\n" + _csv(rows, ";")).encode("utf-8"),
    "NFD text (macOS)": lambda rows: unicodedata.normalize("NFD", _csv(rows)).encode("utf-8"),
}


@pytest.mark.parametrize("variant", list(EXCEL_VARIANTS))
def test_tables_as_excel_writes_them_give_the_same_scenario(tmp_path: Path, variant: str) -> None:
    expected = load_scenario(TABLES / "commune.yaml").model_dump()
    for name in ("units.csv", "members.csv"):
        (tmp_path / name).write_bytes(EXCEL_VARIANTS[variant](_rows(name)))
    shutil.copy(TABLES / "commune.yaml", tmp_path / "commune.yaml")
    assert load_scenario(tmp_path / "commune.yaml").model_dump() == expected


def test_windows_1258_text_really_differs_from_utf8_and_latin1() -> None:
    data = cp1258("Lương, Đảng ủy, Xiềng Líp")
    assert b"\xcc" in data or b"\xec" in data  # a separate tone mark
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")


def test_a_utf16_scenario_with_bom_loads(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_bytes(b"\xff\xfe" + (SCENARIOS / "thuong-son-2026.yaml").read_text(encoding="utf-8").encode("utf-16-le"))
    assert load_scenario(path).model_dump() == load_scenario(SCENARIOS / "thuong-son-2026.yaml").model_dump()


def test_a_windows_style_table_path_is_read_on_posix(tmp_path: Path) -> None:
    shutil.copytree(TABLES, tmp_path / "t")
    text = (TABLES / "commune.yaml").read_text(encoding="utf-8")
    (tmp_path / "s.yaml").write_text(
        text.replace("units.csv", "t\\units.csv").replace("members.csv", "t/members.csv"), encoding="utf-8"
    )
    assert load_scenario(tmp_path / "s.yaml").model_dump() == load_scenario(TABLES / "commune.yaml").model_dump()


# ---------------------------------------------------------------------------------------------- Vietnamese text
def _strings(value: object):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(k)
            yield from _strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_an_nfd_copy_of_a_scenario_is_the_same_scenario(tmp_path: Path, path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    nfd = unicodedata.normalize("NFD", text)
    assert nfd != text  # the examples are Vietnamese: NFD really differs
    copy = tmp_path / path.name
    copy.write_text(nfd, encoding="utf-8")
    loaded = load_scenario(copy).model_dump()
    assert loaded == load_scenario(path).model_dump()
    assert all(unicodedata.is_normalized("NFC", s) for s in _strings(loaded))


def test_one_person_typed_two_ways_is_one_id(tmp_path: Path) -> None:
    """A selector typed in NFC finds a member whose id was typed in NFD (and the other way round)."""
    nfd = unicodedata.normalize("NFD", "lương")
    text = f"""name: T
year: 2026
units:
  - {{id: xa, name: Xã, kind: commune_committee, meeting: {{day: 25, flex: 2}}}}
  - {{id: thôn-1, name: Thôn 1, kind: residential, parent: xa, meeting: {{day: 5, flex: 2}}}}
members:
  - {{id: {nfd}, name: Lê Văn Lương, committee: xa, residence: {unicodedata.normalize("NFD", "thôn-1")}}}
attendance:
  - {{members: {{ids: [lương]}}, units: {{ids: [thôn-1]}}, per: month, at_least: 1}}
"""
    (tmp_path / "s.yaml").write_text(text, encoding="utf-8")
    s = load_scenario(tmp_path / "s.yaml")
    assert s.members[0].id == "lương" and s.members[0].residence == "thôn-1"


def test_plan_files_typed_in_nfd_are_read_as_nfc(tmp_path: Path) -> None:
    (tmp_path / "charges.csv").write_text(
        unicodedata.normalize("NFD", "member_id,unit_id\nlương,thôn-1\n"), encoding="utf-8"
    )
    (tmp_path / "meetings.csv").write_text("unit_id,date\n", encoding="utf-8")
    (tmp_path / "attendance.csv").write_text("date,member_id,unit_id\n", encoding="utf-8")
    assert read_plan(tmp_path).charges == frozenset({("lương", "thôn-1")})


def test_a_plan_file_not_in_utf8_is_a_clean_error(tmp_path: Path) -> None:
    (tmp_path / "charges.csv").write_bytes(b"member_id,unit_id\nl\x81,x\n")
    with pytest.raises(InputError, match="not UTF-8"):
        read_plan(tmp_path)


# ---------------------------------------------------------------------------------------------- safety
@pytest.mark.parametrize(
    "tag",
    [
        "!!python/object/apply:os.system [echo pwned]",
        "!!python/name:os.system",
        "!!python/module:os",
        "!!python/object:planner.scenario.Unit {}",
    ],
)
def test_no_code_or_object_tags(tmp_path: Path, tag: str) -> None:
    (tmp_path / "s.yaml").write_text(f"name: {tag}\nyear: 2026\nunits: []\nmembers: []\n", encoding="utf-8")
    refused(tmp_path / "s.yaml", "line 1")


def test_a_symlink_out_of_the_scenario_folder_is_refused(tmp_path: Path) -> None:
    outside, inside = tmp_path / "outside", tmp_path / "scenario"
    outside.mkdir()
    inside.mkdir()
    shutil.copy(TABLES / "units.csv", outside / "units.csv")
    (inside / "units.csv").symlink_to(outside / "units.csv")
    (inside / "s.yaml").write_text("name: T\nyear: 2026\nunits: units.csv\nmembers: []\n", encoding="utf-8")
    refused(inside / "s.yaml", "'units.csv' lies outside the folder of the scenario file")


def test_an_absolute_table_path_is_the_users_choice(tmp_path: Path) -> None:
    elsewhere = tmp_path / "shared"
    elsewhere.mkdir()
    for name in ("units.csv", "members.csv"):
        shutil.copy(TABLES / name, elsewhere / name)
    text = (TABLES / "commune.yaml").read_text(encoding="utf-8")
    (tmp_path / "s" / "x").mkdir(parents=True)
    path = tmp_path / "s" / "x" / "scenario.yaml"
    path.write_text(
        text.replace("units.csv", str(elsewhere / "units.csv")).replace("members.csv", str(elsewhere / "members.csv")),
        encoding="utf-8",
    )
    assert load_scenario(path).model_dump() == load_scenario(TABLES / "commune.yaml").model_dump()


def test_the_planner_never_evaluates_text() -> None:
    """No eval/exec/pickle anywhere in the package: a scenario is data."""
    for source in (ROOT / "planner").rglob("*.py"):
        code = source.read_text(encoding="utf-8")
        for word in (
            "eval(",
            "exec(",
            "pickle",
            "yaml.load(",
            "yaml.unsafe_load",
            "yaml.full_load",
            "Loader=yaml.Loader",
        ):
            assert word not in code, f"{word} in {source}"


# ---------------------------------------------------------------------------------------------- interrupts
@pytest.fixture
def no_stop():
    reset_stop()
    yield
    reset_stop()


def test_wait_abandons_work_it_cannot_stop(no_stop) -> None:
    release = threading.Event()
    request_stop()
    t0 = time.monotonic()
    assert driver.wait(lambda: release.wait(10), None) is None  # stop already asked: not even started
    reset_stop()
    threading.Timer(0.2, request_stop).start()
    assert driver.wait(lambda: release.wait(10), None) is None
    assert time.monotonic() - t0 < 2 and driver.abandoned_searches()
    release.set()


def test_wait_calls_stop_until_the_work_ends_and_passes_errors_on(no_stop) -> None:
    done = threading.Event()
    threading.Timer(0.1, request_stop).start()
    assert driver.wait(lambda: done.wait(10) and "stopped", done.set) == "stopped"
    reset_stop()
    with pytest.raises(ZeroDivisionError):
        driver.wait(lambda: 1 / 0, done.set)


def test_a_stop_before_the_search_gives_no_plan_or_a_checked_one(no_stop) -> None:
    inst = Instance(load_scenario(SCENARIOS / "thuong-son-2026.yaml"))
    request_stop()
    t0 = time.monotonic()
    result = solve(inst, Settings(time_limit=50))
    assert time.monotonic() - t0 < 10
    assert result.summary.status in ("unknown", "feasible")
    assert result.summary.extra["interrupted"] is True and result.summary.extra["reproducible"] is False


def _interrupt(
    tmp_path: Path, scenario: Path, sig: signal.Signals, wait: float, *options: str
) -> tuple[int, Path, str]:
    """Start ``planner solve`` as a user would, send ``sig`` at the first progress line after ``wait`` seconds
    (or at ``wait`` + 5 s), and return the exit code, the --out directory and stderr."""
    out = tmp_path / "plan"
    proc = subprocess.Popen(
        [PLANNER, "solve", str(scenario), "--out", str(out), "--time-limit", "200", "--format", "csv", *options],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stderr), daemon=True)
    reader.start()
    t0 = time.monotonic()
    while time.monotonic() - t0 < wait + 5 and proc.poll() is None:
        if time.monotonic() - t0 >= wait and any("solving" in line for line in lines):
            break
        time.sleep(0.05)
    proc.send_signal(sig)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    reader.join(5)
    return proc.returncode, out, "".join(lines)


def _check_interrupted(code: int, out: Path, stderr: str, scenario: Path, expected: int) -> str:
    assert code == expected, stderr
    assert "Traceback" not in stderr
    if not out.exists():
        assert "nothing was written" in stderr
        return "none"
    assert sorted(p.name for p in out.iterdir()) == sorted(["summary.json", *PLAN_FILES])
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["status"] == "feasible" and summary["interrupted"] is True
    check = run("verify", str(scenario), str(out))
    assert check.exit_code == 0, check.output
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".plan")]  # no temporary left
    return "plan"


@pytest.mark.parametrize("sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["SIGINT", "SIGTERM"])
def test_a_signal_stops_the_solve_with_a_whole_plan_or_none(tmp_path: Path, sig: signal.Signals, code: int) -> None:
    scenario = SCENARIOS / "yen-bai-rule-18.yaml"
    print("outcome:", _check_interrupted(*_interrupt(tmp_path, scenario, sig, 1.0), scenario, code))


def test_a_signal_after_a_plan_was_found_writes_it(tmp_path: Path) -> None:
    """Tương Dương has a complete plan after a few seconds and is not proven optimal for far longer: the
    interrupt writes that plan (on a slow machine, maybe nothing yet: both are correct). Thượng Sơn, proven
    optimal in about 7 s on an idle machine, could end before the signal."""
    scenario = SCENARIOS / "tuong-duong-2026.yaml"
    print("outcome:", _check_interrupted(*_interrupt(tmp_path, scenario, signal.SIGINT, 7.0), scenario, 130))


@pytest.mark.highs_default
@pytest.mark.parametrize("sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["SIGINT", "SIGTERM"])
def test_a_signal_during_highs_root_node_stops_at_once(tmp_path: Path, sig: signal.Signals, code: int) -> None:
    """HiGHS's root node on Tương Dương takes about 50 s: a signal 3 s in ends the command within seconds
    (HiGHS is told to stop and left behind; no plan exists yet, so nothing is written)."""
    scenario = SCENARIOS / "tuong-duong-2026.yaml"
    t0 = time.monotonic()
    got, out, stderr = _interrupt(tmp_path, scenario, sig, 3.0, "--start", "highs")
    assert time.monotonic() - t0 < 15, stderr
    assert "HiGHS" in stderr  # the progress line named the phase
    assert _check_interrupted(got, out, stderr, scenario, code) == "none"


@pytest.mark.highs_default
def test_a_signal_during_the_lp_stops_at_once(tmp_path: Path) -> None:
    """The LP relaxation of Tương Dương (the default start) takes 14–21 s: a signal 3 s in ends the command
    within seconds (HiGHS is told to stop; no plan exists yet, so nothing is written)."""
    scenario = SCENARIOS / "tuong-duong-2026.yaml"
    t0 = time.monotonic()
    got, out, stderr = _interrupt(tmp_path, scenario, signal.SIGINT, 3.0)
    assert time.monotonic() - t0 < 12, stderr
    assert "LP, rounded" in stderr  # the progress line named the phase
    assert _check_interrupted(got, out, stderr, scenario, 130) == "none"


# ---------------------------------------------------------------------------------------------- --force
def test_an_existing_plan_is_not_replaced_without_force(tmp_path: Path) -> None:
    out = tmp_path / "plan"
    scenario = str(TABLES / "commune.yaml")
    first = run("solve", scenario, "--out", str(out), "--time-limit", "1", "-q", "--format", "csv")
    assert first.exit_code == 0, first.output
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    again = run("solve", scenario, "--out", str(out), "--time-limit", "1", "-q", "--format", "csv", "--seed", "3")
    assert again.exit_code == 2 and "already holds a plan" in again.output and "--force" in again.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    forced = run("solve", scenario, "--out", str(out), "--time-limit", "1", "-q", "--format", "csv", "--force")
    assert forced.exit_code == 0, forced.output
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run("solve", scenario, "--out", str(empty), "--time-limit", "1", "-q", "--format", "csv").exit_code == 0
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    other = run("solve", scenario, "--out", str(out), "--time-limit", "1", "-q", "--format", "csv", "--force")
    assert other.exit_code == 2 and "not a plan" in other.output  # --force replaces a plan, never other work


# ---------------------------------------------------------------------------------------------- reproducibility
def test_one_worker_twice_gives_identical_files(tmp_path: Path) -> None:
    outs = []
    for i in range(2):
        out = tmp_path / f"run{i}"
        result = run(
            "solve",
            str(SCENARIOS / "tuong-duong-2026.yaml"),
            "--out",
            str(out),
            "--time-limit",
            "0.5",
            "--workers",
            "1",
            "-q",
            "--format",
            "csv",
        )
        assert result.exit_code == 0, result.output
        outs.append(out)
    a = assert_same_runs(*outs)
    assert a["reproducible"] is True
    assert a["settings"]["workers"] == 1 and set(a["versions"]) == {"planner", "ortools", "python"}


# ---------------------------------------------------------------------------------------------- signals anywhere
def _live_children(pgid: int) -> list[str]:
    """Processes of the group still alive (zombies excluded: they have ended)."""
    ps = subprocess.run(["ps", "-o", "pid=,stat=,args=", "-g", str(pgid)], capture_output=True, text=True)
    return [line for line in ps.stdout.splitlines() if line.split()[1:2] and not line.split()[1].startswith("Z")]


def _past_interpreter_start(pid: int) -> None:
    """Wait until the process runs the planner's own code (it has loaded pydantic's library, which the
    planner imports after installing its handler): a signal in the first milliseconds, while Python itself
    still starts (site.py), is Python's own business, before any code of the project runs."""
    maps = Path(f"/proc/{pid}/maps")
    t0 = time.monotonic()
    while time.monotonic() - t0 < 30:
        try:
            if "pydantic_core" in maps.read_text():
                return
        except OSError:
            return
        time.sleep(0.005)


def _signal_at(args: list[str], sig: signal.Signals, delay: float) -> tuple[int, float, str, int]:
    """Run ``planner ARGS`` in its own process group, send ``sig`` to the whole group (as a terminal's Ctrl-C
    does) after ``delay`` seconds; return the exit code, the seconds it took to end after the signal, stderr
    and the group id. ``delay`` counts from the moment the planner's own code runs."""
    proc = subprocess.Popen(
        [PLANNER, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    _past_interpreter_start(proc.pid)
    time.sleep(delay)
    t0 = time.monotonic()
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        pass
    try:
        _, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        raise
    return proc.returncode, time.monotonic() - t0, err, proc.pid


@pytest.fixture(scope="module")
def district(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("district") / "district.yaml"
    assert run("generate", "--preset", "district", "--seed", "1", "-o", str(path)).exit_code == 0
    return path


@pytest.fixture(scope="module")
def merge_plan(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("merge") / "plan"
    r = run("solve", str(SCENARIOS / "huyen-hop-nhat-2025.yaml"), "--out", str(out), "--time-limit", "2", "-q")
    assert r.exit_code == 0, r.output
    return out


def test_ctrl_c_and_sigterm_at_random_moments_in_every_command(
    tmp_path: Path, district: Path, merge_plan: Path
) -> None:
    """Each command, signalled at a random moment (imports, loading, building, the search, the diagnosis, the
    parts, writing): it ends within seconds with 130 or 143 (or had already finished), prints no traceback,
    leaves no process running, and its --out holds a whole result or nothing (no temporary beside it)."""
    import random

    rng = random.Random(2026)
    merge = SCENARIOS / "huyen-hop-nhat-2025.yaml"
    changes = SCENARIOS / "changes" / "huyen-hop-nhat-2025-changes.yaml"
    commands = {
        "check": ["check", str(district), "--time-limit", "200"],
        "decompose": ["decompose", str(district), "--out", "{out}", "--time-limit", "200", "--processes", "2"],
        "whatif": [
            "whatif",
            str(merge),
            str(changes),
            "--baseline",
            str(merge_plan),
            "--out",
            "{out}",
            "--time-limit",
            "200",
        ],
        "solve": ["solve", str(SCENARIOS / "tuong-duong-2026.yaml"), "--out", "{out}", "--time-limit", "200"],
        "validate": ["validate", str(district)],
    }
    done = {"check": 0, "decompose": 0, "whatif": 0, "solve": 0, "validate": 0}
    for i, (name, args) in enumerate(list(commands.items()) * 2):
        sig = (signal.SIGINT, signal.SIGTERM)[i % 2]
        out = tmp_path / f"{name}-{i}"
        delay = rng.uniform(0.0, 4.0)
        code, seconds, err, pgid = _signal_at([a.replace("{out}", str(out)) for a in args], sig, delay)
        print(name, sig.name, f"at {delay:.1f} s: exit {code} after {seconds:.1f} s")
        assert "Traceback" not in err, err
        assert code in (128 + sig, 0, 3, 4), (name, code, err)
        assert seconds < 10, (name, seconds)  # within 2 s on an idle machine; 10 s on a busy CI
        time.sleep(0.3)
        assert _live_children(pgid) == [], (name, _live_children(pgid))
        assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")], (name, list(tmp_path.iterdir()))
        if out.exists() and name != "whatif":
            assert {"charges.csv", "meetings.csv", "attendance.csv", "summary.json"} <= {p.name for p in out.iterdir()}
        done[name] += code == 128 + sig
    assert sum(done.values()) >= 5, done  # most runs were really interrupted


def test_a_ctrl_c_while_starting_is_quiet() -> None:
    for delay in (0.0, 0.05, 0.2, 0.5):
        code, _, err, _ = _signal_at(["validate", str(SCENARIOS / "thuong-son-2026.yaml")], signal.SIGINT, delay)
        assert code in (130, 0) and "Traceback" not in err and "KeyboardInterrupt" not in err, (delay, code, err)


def test_a_signal_ignored_at_start_stays_ignored(tmp_path: Path) -> None:
    """``planner solve … &`` in a script starts with SIGINT ignored (POSIX background job): a Ctrl-C meant for
    the script neither stops it while it starts nor once it runs; the plan is written whole."""
    out = tmp_path / "plan"
    proc = subprocess.Popen(
        [PLANNER, "solve", str(SCENARIOS / "thuong-son-2026.yaml"), "--out", str(out), "--time-limit", "2", "-q"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    for delay in (0.1, 1.0):
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert (out / "summary.json").is_file()
