"""Check functions for the sweep's tests, importable by worker processes (they are sent by name)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from planner.sweep.check import check_commune


def slow_check(task):
    """The real check, a second late: a sweep of a few communes that lasts long enough to be killed."""
    time.sleep(float(os.environ.get("PLANNER_TEST_SWEEP_DELAY", "1.0")))
    return check_commune(task)


def crash_once(task):
    """The real check, except that the worker process dies the first time it is given xa-binh (the marker
    file named by $PLANNER_TEST_SWEEP_MARKER says it happened)."""
    marker = Path(os.environ["PLANNER_TEST_SWEEP_MARKER"])
    if task.commune == "xa-binh" and not marker.exists():
        marker.write_text("died once")
        os._exit(9)
    return check_commune(task)
