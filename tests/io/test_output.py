"""The one output writer (`planner.io.output`) and the commands that write through it: nothing of a user's is
ever deleted (at any depth), ``--force`` replaces only an earlier result, the target is checked before any work
(read-only, full, a file for a parent, a dangling link, a name too long), a kill at any instant leaves the old or
the new result under its name (the next run repairs a half swap), and two runs cannot both replace one target.
"""

from __future__ import annotations

import errno
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import main
from planner.errors import InputError
from planner.io import output
from planner.io.output import Output, OutputKind
from tests.conftest import DATA, SCENARIOS

TABLES = DATA / "tables"
COMMUNE = str(TABLES / "commune.yaml")
PLANNER = str(Path(sys.executable).with_name("planner"))
KIND = OutputKind("a result", ("a.txt", "b.txt", "sub/*.txt"))


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


def solve(out: Path, *extra: str):
    return run("solve", COMMUNE, "--out", out, "--time-limit", "1", "-q", "--format", "csv", *extra)


def tree(path: Path) -> dict[str, bytes]:
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


def hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def refused(result, *messages: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    for m in messages:
        assert m in result.output, f"{m!r} not in {result.output}"


# ---------------------------------------------------------------------------------------------- never delete
def test_a_file_of_the_user_inside_calendars_is_never_deleted(tmp_path: Path) -> None:
    out = tmp_path / "plan"
    assert run("solve", COMMUNE, "--out", out, "--time-limit", "1", "-q", "--format", "csv,ics").exit_code == 0
    (out / "calendars" / "notes.txt").write_text("mine", encoding="utf-8")
    before = tree(out)
    refused(solve(out, "--force"), "calendars/notes.txt", "not a plan")
    refused(run("report", COMMUNE, out, "--out", out, "--format", "csv"), "calendars/notes.txt")
    assert tree(out) == before
    (out / "calendars" / "x").mkdir()
    refused(solve(out, "--force"), "calendars/x/")


def test_report_does_not_replace_another_plan_without_force(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    assert solve(a).exit_code == 0 and solve(b, "--seed", "5").exit_code == 0
    before = tree(b)
    refused(run("report", COMMUNE, a, "--out", b, "--format", "md"), "already holds a plan", "--force")
    assert tree(b) == before
    assert run("report", COMMUNE, a, "--out", b, "--format", "md", "--force").exit_code == 0
    assert (b / "plan.md").is_file()
    # rendered in place needs no --force: the plan's own files are copied byte for byte
    assert run("report", COMMUNE, a, "--out", a, "--format", "md").exit_code == 0
    assert (a / "plan.md").is_file()


def test_diff_and_generate_and_apply_replace_only_with_force(tmp_path: Path) -> None:
    a, b, d = tmp_path / "a", tmp_path / "b", tmp_path / "d"
    assert solve(a).exit_code == 0 and solve(b, "--seed", "5").exit_code == 0
    assert run("diff", a, b, "--out", d).exit_code == 0
    refused(run("diff", a, b, "--out", d), "already holds a plan diff", "--force")
    assert run("diff", a, b, "--out", d, "--force").exit_code == 0
    g = tmp_path / "g.yaml"
    assert run("generate", "--preset", "tiny", "-o", g).exit_code == 0
    refused(run("generate", "--preset", "tiny", "-o", g), "already exists", "--force")
    assert run("generate", "--preset", "tiny", "-o", g, "--force").exit_code == 0
    refused(run("generate", "--preset", "tiny", "-o", tmp_path), "is a directory")


def test_an_earlier_result_of_another_command_is_foreign(tmp_path: Path) -> None:
    a, b, d = tmp_path / "a", tmp_path / "b", tmp_path / "d"
    assert solve(a).exit_code == 0 and solve(b, "--seed", "5").exit_code == 0
    assert run("diff", a, b, "--out", d).exit_code == 0
    refused(solve(d, "--force"), "not a plan")  # a diff is not a plan: never replaced by one


# ---------------------------------------------------------------------------------------------- before any work
def _quick(result, t0: float) -> None:
    assert time.monotonic() - t0 < 20, "refused only after the work"


def test_the_target_is_checked_before_the_search(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    t0 = time.monotonic()
    refused(
        run("solve", SCENARIOS / "tuong-duong-2026.yaml", "--out", tmp_path / "file" / "plan", "--time-limit", "500"),
        "is a file, not a folder",
    )
    refused(
        run("solve", SCENARIOS / "tuong-duong-2026.yaml", "--out", tmp_path / "file", "--time-limit", "500"),
        "is a file",
    )
    (tmp_path / "link").symlink_to(tmp_path / "nowhere")
    refused(
        run("solve", SCENARIOS / "tuong-duong-2026.yaml", "--out", tmp_path / "link", "--time-limit", "500"),
        "which does not exist",
    )
    refused(
        run("solve", SCENARIOS / "tuong-duong-2026.yaml", "--out", tmp_path / ("ư" * 130), "--time-limit", "500"),
        "bytes long",
    )
    refused(
        run("check", SCENARIOS / "tuong-duong-2026.yaml", "--out", tmp_path / "file", "--time-limit", "500"),
        "is a file",
    )
    refused(
        run("decompose", SCENARIOS / "tuong-duong-2026.yaml", "--out", tmp_path / "file", "--time-limit", "500"),
        "is a file",
    )
    _quick(None, t0)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "link"]


@pytest.fixture
def mount(tmp_path: Path):
    """A tmpfs of the options given, unmounted at the end (skipped where mounting is not allowed)."""
    made: list[Path] = []

    def make(options: str) -> Path:
        where = tmp_path / f"mnt{len(made)}"
        where.mkdir()
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], capture_output=True)
        if r.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {r.stderr.decode(errors='replace').strip()}")
        made.append(where)
        return where

    yield make
    for where in made:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def test_a_read_only_file_system_is_refused_before_the_search(mount) -> None:
    ro = mount("ro,size=1m")
    t0 = time.monotonic()
    refused(run("solve", SCENARIOS / "tuong-duong-2026.yaml", "--out", ro / "plan", "--time-limit", "500"), "read-only")
    _quick(None, t0)


def test_a_full_disk_is_refused_before_the_search_and_never_half_written(mount, monkeypatch) -> None:
    tiny = mount("size=64k")
    refused(
        run(
            "solve",
            SCENARIOS / "tuong-duong-2026.yaml",
            "--out",
            tiny / "plan",
            "--time-limit",
            "500",
            "--format",
            "all",
        ),
        "MB free",
    )
    # a disk that fills while the files are written: the old plan stays whole, no temporary is left
    roomy = mount("size=8m")
    out = roomy / "plan"
    assert solve(out).exit_code == 0
    before = tree(out)
    with open(roomy / "filler", "wb") as fh:  # the disk is full when the writing starts
        try:
            while True:
                fh.write(b"\0" * 65536)
        except OSError:
            pass
    monkeypatch.setattr(output, "SPACE_MARGIN", 0)
    monkeypatch.setattr(Output, "check", lambda self: None)  # past the check: the disk fills after it
    result = solve(out, "--force", "--format", "csv,xlsx")
    refused(result, "no space left")
    assert tree(out) == before and hidden(roomy) == []


def test_enospc_and_eacces_while_writing_are_messages(tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "plan"
    assert solve(out).exit_code == 0
    before = tree(out)
    for code in (errno.ENOSPC, errno.EACCES, errno.EROFS):

        def fail(path, content, code=code):
            raise OSError(code, os.strerror(code), str(path))

        monkeypatch.setattr(output, "_write_file", fail)
        refused(solve(out, "--force"), "cannot be written")
        assert tree(out) == before and hidden(tmp_path) == []


# ---------------------------------------------------------------------------------------------- the swap
def test_the_exchange_is_atomic_on_linux(tmp_path: Path) -> None:
    target = tmp_path / "r"
    Output(target, KIND).write({"a.txt": "old"})
    Output(target, KIND, force=True).write({"a.txt": "new", "sub/x.txt": "x"})
    assert tree(target) == {"a.txt": b"new", "sub/x.txt": b"x"} and hidden(tmp_path) == []


_KILLER = """
import os, sys
from planner.io import output
from planner.io.output import Output, OutputKind
mode = sys.argv[2]
if mode == "renames":
    output._exchange = lambda a, b: False
    real = os.replace
    def replace(a, b):
        real(a, b)
        if os.path.realpath(str(a)) == os.path.realpath(sys.argv[1]):
            os._exit(9)  # killed between the two renames: the old result moved aside, the new one not yet in
    output.os.replace = replace
kind = OutputKind("a result", ("a.txt", "b.txt", "sub/*.txt"))
n = 0
while True:
    n += 1
    Output(sys.argv[1], kind, force=True).write({"a.txt": f"v{n}", "b.txt": f"v{n}" * 20000, "sub/c.txt": f"v{n}"})
    if mode == "renames":
        break
"""


def _whole(target: Path) -> str:
    files = tree(target)
    assert set(files) == {"a.txt", "b.txt", "sub/c.txt"}, files.keys()
    v = files["a.txt"].decode()
    assert files["b.txt"] == (v * 20000).encode() and files["sub/c.txt"] == v.encode()
    return v


def test_a_kill_between_the_two_renames_is_repaired_by_the_next_run(tmp_path: Path) -> None:
    target = tmp_path / "r"
    Output(target, KIND).write({"a.txt": "v0", "b.txt": "v0" * 20000, "sub/c.txt": "v0"})
    p = subprocess.run([sys.executable, "-c", _KILLER, str(target), "renames"], capture_output=True, text=True)
    assert p.returncode == 9, p.stderr
    assert not target.exists() and hidden(tmp_path)  # the gap a plain pair of renames leaves
    with Output(target, KIND, force=True):  # the next run: repaired before anything else
        pass
    assert _whole(target) == "v1" and hidden(tmp_path) == []


def test_kill_9_at_random_moments_leaves_the_old_or_the_new_result(tmp_path: Path) -> None:
    target = tmp_path / "r"
    Output(target, KIND).write({"a.txt": "v0", "b.txt": "v0" * 20000, "sub/c.txt": "v0"})
    rng = random.Random(7)
    for _ in range(6):
        p = subprocess.Popen([sys.executable, "-c", _KILLER, str(target), "loop"])
        time.sleep(1.0 + rng.random() * 1.5)  # imports, then many writes
        p.send_signal(signal.SIGKILL)
        p.wait()
        assert target.exists()  # the exchange never leaves the name empty
        _whole(target)
        with Output(target, KIND, force=True):
            pass
        _whole(target)
        assert hidden(tmp_path) == [], hidden(tmp_path)


def test_two_runs_cannot_both_replace_one_target(tmp_path: Path) -> None:
    out = tmp_path / "plan"
    procs = [
        subprocess.Popen(
            [PLANNER, "solve", str(SCENARIOS / "thuong-son-2026.yaml"), "--out", str(out), "--time-limit", "3", "-q"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=300) for p in procs]
    codes = sorted(p.returncode for p in procs)
    assert codes == [0, 2], outs
    loser = "".join(o[1] for p, o in zip(procs, outs) if p.returncode == 2)
    assert "another planner run is writing to it" in loser or "already holds a plan" in loser
    assert "Traceback" not in loser


def test_the_lock_is_reentrant_and_refuses_a_second_holder(tmp_path: Path) -> None:
    target = tmp_path / "r"
    with Output(target, KIND):
        with Output(target, KIND):  # the same process (check --out → solve)
            pass
        p = subprocess.run(
            [sys.executable, "-c", f"from planner.io.output import *; Output({str(target)!r}, PLAN_KIND).open()"],
            capture_output=True,
            text=True,
        )
        assert "another planner run is writing to it now" in p.stderr


def test_the_api_still_replaces_what_it_wrote(tmp_path: Path) -> None:
    from planner.io import write_directory

    write_directory(tmp_path / "p", {"charges.csv": "a"})
    write_directory(tmp_path / "p", {"charges.csv": "b"})
    assert (tmp_path / "p" / "charges.csv").read_text() == "b"
    (tmp_path / "p" / "x.txt").write_text("mine")
    with pytest.raises(InputError, match="not a plan"):
        write_directory(tmp_path / "p", {"charges.csv": "c"})


# ---------------------------------------------------------------------------------------------- whatif
WHATIF = DATA / "changes"


@pytest.fixture(scope="module")
def base_plan(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wi") / "base-plan"
    r = run("solve", WHATIF / "base.yaml", "--out", out, "--time-limit", "2", "-q", "--format", "csv")
    assert r.exit_code == 0, r.output
    return out


def whatif(out: Path, base_plan: Path, *extra: str):
    return run(
        "whatif",
        WHATIF / "base.yaml",
        WHATIF / "merge.yaml",
        "--baseline",
        base_plan,
        "--out",
        out,
        "--time-limit",
        "1",
        *extra,
    )


def test_whatif_replaces_an_earlier_result_only_with_force_and_whole(tmp_path: Path, base_plan: Path) -> None:
    out = tmp_path / "wi"
    assert whatif(out, base_plan).exit_code == 0
    before = tree(out)
    refused(whatif(out, base_plan), "already holds a what-if result", "--force")
    assert tree(out) == before
    (out / "diff" / "notes.txt").write_text("mine", encoding="utf-8")
    before = tree(out)
    refused(whatif(out, base_plan, "--force"), "diff/notes.txt")
    assert tree(out) == before  # nothing rewritten: not scenario.yaml, not plan/
    (out / "diff" / "notes.txt").unlink()
    assert whatif(out, base_plan, "--force").exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == ["diff", "plan", "report.txt", "scenario.yaml"]


def test_generate_refuses_at_once_what_it_could_not_read_back(tmp_path: Path) -> None:
    t0 = time.monotonic()
    r = run("generate", "--preset", "nation", "--communes", "20000", "-o", tmp_path / "n.yaml")
    assert r.exit_code == 2 and "at most 5.0 MB" in r.output and "Traceback" not in r.output
    assert time.monotonic() - t0 < 5 and not (tmp_path / "n.yaml").exists()
