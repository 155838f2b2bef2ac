"""The nationwide check of a rule (`planner sweep`): a change set applied to every commune of a set of
scenarios, each commune checked on its own — counting first, the exact check where counting decides nothing —,
each result stored as soon as it is known, resumable, on a local process pool or a Dask cluster.

- `planner.sweep.communes`: the scenario files, the change set applied, each commune's own scenario
  (`sources`, `expand`, `CommuneTask`); what a commune is and why upper-level members are left out;
- `planner.sweep.counting`: the charges an in-charge quota implies (`implied_charges`), a counting argument the
  pre-checks lack;
- `planner.sweep.check`: one commune's check (`check_commune`: counting, then a verified plan or CP-SAT, then
  the largest quota that holds);
- `planner.sweep.pool`: the checks as a stream on the executors of `planner.scale.executors` (`backend_for`);
- `planner.sweep.store`: the SQLite results store (`Store`);
- `planner.sweep.runner`: the sweep itself (`run_sweep`, `SweepSettings`, `Progress`, `SweepResult`);
- `planner.sweep.report`: ``results.csv``, ``results.xlsx``, ``report.html``.

See ``docs/scale.md`` (the sweep) for the figures.
"""

from planner.sweep.check import check_commune
from planner.sweep.communes import CommuneTask
from planner.sweep.runner import Progress, SweepResult, SweepSettings, run_sweep

__all__ = ["run_sweep", "SweepSettings", "SweepResult", "Progress", "check_commune", "CommuneTask"]
