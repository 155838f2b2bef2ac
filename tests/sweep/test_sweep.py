"""planner sweep: statuses, reasons and suggestions on a small province, resuming after a crash, Ctrl-C, a lost
worker, bad input, and the same rows from this process, a process pool and a loopback Dask cluster."""

from __future__ import annotations

import csv
import io
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from planner.errors import InputError
from planner.scale.executors import LocalExecutor
from planner.sweep import SweepSettings, run_sweep
from planner.sweep.report import COLUMNS

DATA = Path(__file__).resolve().parents[1] / "data" / "sweep"
PROVINCE = str(DATA / "province.yaml")
CHANGES = str(DATA / "two-a-month.yaml")
ROOT = Path(__file__).resolve().parents[2]


def _csv_rows(path: Path) -> list[dict[str, str]]:
    text = path.read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def _without_seconds(path: Path) -> list[tuple[str, ...]]:
    """results.csv as rows, the one column that may differ between runs (seconds) left out."""
    keep = [c for c in COLUMNS if c != "seconds"]
    return [tuple(r[c] for c in keep) for r in _csv_rows(path)]


def _cli(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "planner.cli", *args], capture_output=True, text=True, cwd=ROOT, timeout=120, **kw
    )


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """The province swept in this process (the rows every other run must equal)."""
    out = tmp_path_factory.mktemp("reference")
    run_sweep(CHANGES, [PROVINCE], out, lang="en")
    return out


def test_statuses_reasons_and_suggestions(reference: Path) -> None:
    rows = {r["commune"]: r for r in _csv_rows(reference / "results.csv")}
    assert list(rows) == ["xa-an", "xa-binh", "xa-cuc", "xa-dan"]  # by commune id
    assert {c: r["status"] for c, r in rows.items()} == {
        "xa-an": "feasible",
        "xa-binh": "infeasible",
        "xa-cuc": "infeasible",
        "xa-dan": "infeasible",
    }
    an = rows["xa-an"]
    assert an["province"] == "Tỉnh ủy Thử Nghiệm" and an["members"] == "3"  # the province member is left out
    assert an["decided_by"] == "plan" and an["reason"].startswith("A plan satisfies every rule (")
    binh = rows["xa-binh"]
    assert (binh["decided_by"], binh["cause"], binh["rule"], binh["quota"], binh["largest_quota"]) == (
        "counting",
        "charges",
        "xa-moi-thang",
        "2",
        "1",
    )
    assert binh["reason"] == (
        "Rule xa-moi-thang asks each of its 4 members for 2 meetings a month at residential cells in their charge, "
        "so each must be in charge of at least 2 of them — 8 charges in all; rule xa-binh-phu-trach-thon allows at "
        "most 6 (at most 2 members in charge of each of the 3 residential cells)."
    )
    assert binh["suggestion"] == "Rule xa-moi-thang: at_least 1 a month (now 2) is the largest that holds."
    assert binh["largest_quota_note"] == "proven"  # a plan at 1, and 2 refuted
    # 8 attendances a month needed, 6 charges give at most 6: 2 missing in each of the 3 months
    assert (binh["shortfall"], binh["shortfall_note"]) == ("6", "at least")
    cuc = rows["xa-cuc"]
    assert (cuc["cause"], cuc["largest_quota"], cuc["shortfall"]) == ("calendar", "1", "9")
    assert cuc["reason"] == (
        "Đặng Văn Cúc (xa-cuc-uv1), March 2026: rule xa-moi-thang asks 2 attendances, at most 1 is possible "
        "(and 8 more impossible counts)."
    )
    dan = rows["xa-dan"]
    assert (dan["decided_by"], dan["cause"], dan["largest_quota"], dan["shortfall"]) == ("search", "conflict", "1", "")
    assert dan["reason"].startswith("These 5 rules cannot all hold together (a minimal conflict): Rule xa-moi-thang: ")
    assert dan["suggestion"] == binh["suggestion"]
    # the outputs: the workbook's three sheets, the page with its chart
    from openpyxl import load_workbook

    wb = load_workbook(reference / "results.xlsx")
    assert wb.sheetnames == ["communes", "provinces", "summary"]
    assert wb["communes"].max_row == 5 and wb["provinces"]["C2"].value == 1  # 1 feasible in the province
    page = (reference / "report.html").read_text(encoding="utf-8")
    assert "<svg" in page and "Tỉnh ủy Thử Nghiệm" in page and "xa-binh-phu-trach-thon" in page


def test_vietnamese_reason(tmp_path: Path) -> None:
    run_sweep(CHANGES, [PROVINCE], tmp_path, lang="vi")
    binh = next(r for r in _csv_rows(tmp_path / "results.csv") if r["commune"] == "xa-binh")
    assert binh["status"] == "infeasible"  # status words stay English (the contract)
    assert (
        binh["suggestion"] == "Quy định xa-moi-thang: at_least = 1 mỗi tháng (hiện là 2) là mức cao nhất còn khả thi."
    )
    assert binh["reason"].startswith("Quy định xa-moi-thang yêu cầu mỗi đồng chí trong 4 đồng chí dự 2 buổi mỗi tháng")


def test_same_settings_same_bytes_but_seconds(reference: Path, tmp_path: Path) -> None:
    run_sweep(CHANGES, [PROVINCE], tmp_path, lang="en")
    assert _without_seconds(tmp_path / "results.csv") == _without_seconds(reference / "results.csv")
    assert (tmp_path / "report.html").read_bytes() == (reference / "report.html").read_bytes()
    # and a rerun into the same directory checks nothing again
    again = run_sweep(CHANGES, [PROVINCE], tmp_path, lang="en")
    assert (again.progress.checked, again.progress.skipped) == (0, 4)
    assert _without_seconds(tmp_path / "results.csv") == _without_seconds(reference / "results.csv")


def test_process_pool_and_dask_give_the_same_rows(reference: Path, tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    from planner.scale.executors import DaskExecutor

    pool = LocalExecutor(2)
    run_sweep(CHANGES, [PROVINCE], tmp_path / "pool", executor=pool, lang="en")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        dask = DaskExecutor(cluster.scheduler_address)  # as --cluster tcp://HOST:PORT does
        try:
            result = run_sweep(CHANGES, [PROVINCE], tmp_path / "dask", executor=dask, lang="en")
        finally:
            dask.close()
    assert result.backend.startswith("dask cluster tcp://127.0.0.1:")
    expected = _without_seconds(reference / "results.csv")
    assert _without_seconds(tmp_path / "pool" / "results.csv") == expected
    assert _without_seconds(tmp_path / "dask" / "results.csv") == expected


def test_a_worker_that_dies_has_its_commune_checked_again(reference: Path, tmp_path: Path, monkeypatch) -> None:
    from tests.sweep.helpers import crash_once

    marker = tmp_path / "died"
    monkeypatch.setenv("PLANNER_TEST_SWEEP_MARKER", str(marker))  # the spawned workers inherit it
    result = run_sweep(CHANGES, [PROVINCE], tmp_path / "out", executor=LocalExecutor(2), lang="en", check=crash_once)
    assert marker.exists()
    assert any("xa-binh: the worker process checking it died (exit code 9); checked again" in n for n in result.notes)
    assert {r["commune"]: r["attempts"] for r in result.rows}["xa-binh"] == 2
    assert _without_seconds(tmp_path / "out" / "results.csv") == _without_seconds(reference / "results.csv")


def test_a_dask_worker_that_dies_has_its_commune_checked_elsewhere(
    reference: Path, tmp_path: Path, monkeypatch
) -> None:
    distributed = pytest.importorskip("distributed")
    from planner.scale.executors import DaskExecutor
    from tests.sweep.helpers import crash_once

    marker = tmp_path / "died"
    monkeypatch.setenv("PLANNER_TEST_SWEEP_MARKER", str(marker))  # before the cluster: its workers inherit it
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        dask = DaskExecutor(cluster.scheduler_address)
        try:
            run_sweep(CHANGES, [PROVINCE], tmp_path / "out", executor=dask, lang="en", check=crash_once)
        finally:
            dask.close()
    assert marker.exists()  # a worker died on xa-binh; the scheduler gave xa-binh to another one
    assert _without_seconds(tmp_path / "out" / "results.csv") == _without_seconds(reference / "results.csv")


def test_resume_after_a_crash_gives_the_same_results(reference: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    script = (
        "from planner.scale.executors import LocalExecutor\n"
        "from planner.sweep import run_sweep\n"
        "from tests.sweep.helpers import slow_check\n"
        f"run_sweep({CHANGES!r}, [{PROVINCE!r}], {str(out)!r}, executor=LocalExecutor(1), check=slow_check)\n"
    )
    env = {**os.environ, "PLANNER_TEST_SWEEP_DELAY": "1.5"}
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 60
        stored = 0
        while stored < 1 and time.monotonic() < deadline:  # one commune stored, the others not yet
            time.sleep(0.1)
            if (out / "sweep.sqlite").exists():
                try:
                    with sqlite3.connect(f"file:{out / 'sweep.sqlite'}?mode=ro", uri=True, timeout=1) as db:
                        stored = db.execute("SELECT count(*) FROM results").fetchone()[0]
                except sqlite3.OperationalError:
                    pass
        assert stored >= 1
        proc.kill()  # a crash: no handler runs, nothing is flushed
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert not (out / "results.csv").exists()
    resumed = run_sweep(CHANGES, [PROVINCE], out, lang="en")
    assert resumed.progress.skipped >= 1 and resumed.progress.checked <= 3
    assert _without_seconds(out / "results.csv") == _without_seconds(reference / "results.csv")


def test_ctrl_c_stops_within_seconds_and_keeps_what_is_stored(tmp_path: Path) -> None:
    nation = tmp_path / "nation.yaml"
    gen = _cli("generate", "--preset", "nation", "--communes", "6", "--seed", "3", "-o", str(nation))
    assert gen.returncode == 0, gen.stderr
    changes = tmp_path / "changes.yaml"
    changes.write_text("changes:\n  - set:\n      attendance[xa-moi-thang].at_least: 2\n", encoding="utf-8")
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "planner.cli",
            "sweep",
            str(changes),
            str(nation),
            "--out",
            str(out),
            "--processes",
            "1",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        stored = 0
        while stored < 1 and time.monotonic() < deadline:
            time.sleep(0.1)
            if (out / "sweep.sqlite").exists():
                try:
                    with sqlite3.connect(f"file:{out / 'sweep.sqlite'}?mode=ro", uri=True, timeout=1) as db:
                        stored = db.execute("SELECT count(*) FROM results").fetchone()[0]
                except sqlite3.OperationalError:
                    pass
        assert stored >= 1
        t0 = time.monotonic()
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=10)
        took = time.monotonic() - t0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    assert took < 3.0, took
    assert "Traceback" not in err and "run the same command again to resume" in err
    with sqlite3.connect(out / "sweep.sqlite") as db:
        assert db.execute("SELECT count(*) FROM results").fetchone()[0] >= stored


def test_bad_input_names_the_file_and_exits_2(tmp_path: Path) -> None:
    runs = []
    bad_changes = tmp_path / "bad-changes.yaml"
    bad_changes.write_text("changes:\n  - sett: {name: x}\n", encoding="utf-8")
    runs.append(r := _cli("sweep", str(bad_changes), PROVINCE, "--out", str(tmp_path / "a")))
    assert r.returncode == 2 and "bad-changes.yaml" in r.stderr and "unknown key 'sett'" in r.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    runs.append(r := _cli("sweep", CHANGES, str(empty), "--out", str(tmp_path / "b")))
    assert r.returncode == 2 and "holds no scenario" in r.stderr and str(empty) in r.stderr
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: x\nyear: 2026\nunits: [\n", encoding="utf-8")
    runs.append(r := _cli("sweep", CHANGES, str(broken), "--out", str(tmp_path / "c")))
    assert r.returncode == 2 and "broken.yaml" in r.stderr
    fixed_day = str(ROOT / "scenarios" / "fixed-day-quota-check.yaml")  # it has no rule xa-moi-thang
    runs.append(r := _cli("sweep", CHANGES, fixed_day, "--out", str(tmp_path / "d")))
    assert r.returncode == 2 and "two-a-month.yaml" in r.stderr and "xa-moi-thang" in r.stderr
    assert all("Traceback" not in run.stderr for run in runs)


def test_files_of_a_directory_that_fail_are_error_rows(tmp_path: Path) -> None:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    shutil.copy(PROVINCE, folder / "a-province.yaml")
    shutil.copy(ROOT / "scenarios" / "fixed-day-quota-check.yaml", folder / "b-fixed-day.yaml")  # no xa-moi-thang
    (folder / "c-broken.yaml").write_text("name: x\nyear: 2026\nunits: [\n", encoding="utf-8")
    result = run_sweep(CHANGES, [str(folder)], tmp_path / "out", lang="en")
    errors = {Path(r["source"]).name: r for r in result.rows if r["status"] == "error"}
    assert sorted(errors) == ["b-fixed-day.yaml", "c-broken.yaml"]
    assert "attendance[xa-moi-thang]" in errors["b-fixed-day.yaml"]["reason"]["en"]
    assert "c-broken.yaml" in errors["c-broken.yaml"]["reason"]["en"]
    assert sum(r["status"] != "error" for r in result.rows) == 4
    # the broken file mended: its error row goes, its communes come; the others are not checked again
    shutil.copy(PROVINCE, folder / "c-broken.yaml")
    again = run_sweep(CHANGES, [str(folder)], tmp_path / "out", lang="en")
    assert again.progress.skipped == 5 and again.progress.checked == 4
    assert [Path(r["source"]).name for r in again.rows if r["status"] == "error"] == ["b-fixed-day.yaml"]
    assert sum(r["status"] != "error" for r in again.rows) == 8


def test_a_rerun_with_other_settings_is_refused_unless_forced(tmp_path: Path) -> None:
    quick = run_sweep(CHANGES, [PROVINCE], tmp_path, SweepSettings(suggest=False), lang="en")
    binh = next(r for r in quick.rows if r["commune"] == "xa-binh")  # without the search: counting's bound only
    assert (binh["largest_quota"], binh["largest_note"]) == (1, "at most")
    assert binh["suggestion"]["en"] == (
        "Rule xa-moi-thang: at_least 1 a month (now 2) is the largest that counting does not refute (no plan "
        "sought: --no-suggest)."
    )
    with pytest.raises(InputError, match="holds the results of another sweep .*suggest"):
        run_sweep(CHANGES, [PROVINCE], tmp_path, lang="en")
    forced = run_sweep(CHANGES, [PROVINCE], tmp_path, SweepSettings(force=True), lang="en")
    assert forced.progress.checked == 4
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(InputError, match="not a plan"):  # a directory holding anything else is never written
        run_sweep(CHANGES, [PROVINCE], tmp_path, lang="en")


def test_no_text_written_starts_like_a_formula(reference: Path) -> None:
    from planner.sweep.report import results_csv, safe
    from planner.sweep.store import Store

    st = Store(reference)
    try:
        rows = st.results()
    finally:
        st.close()
    rows[0]["reason"] = {"en": "=HYPERLINK(1)", "vi": "@x"}
    rows[0]["name"] = "-1"
    text = results_csv(rows, "en")
    assert "'=HYPERLINK(1)" in text and ",'-1," in text
    assert safe("+1") == "'+1" and safe("plain") == "plain" and safe(3) == 3
