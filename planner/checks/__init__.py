"""Checks of scenarios and plans: a plan against every rule, a scenario's feasibility, and the reasons in words.

- `planner.checks.verify`: a plan checked against every rule of its scenario (`verify`, `Report`, `Violation`);
- `planner.checks.precheck`: counting checks before any search (`run_prechecks`, `Finding`);
- `planner.checks.diagnose`: feasibility, the minimal conflicting set, suggestions (`diagnose`, `Diagnosis`,
  `CheckSettings`);
- `planner.checks.explain`: the diagnosis as text (`explain_diagnosis`, `feasible_line`), with its wording in
  `planner.checks.words` and the facts behind a conflict in `planner.checks.facts`.

The functions ``verify`` and ``diagnose`` are not re-exported here: as attributes of this package they would
hide the modules of the same names. Import them from their modules, or use ``planner.verify`` and
``planner.check`` at the package root.
"""

from planner.checks.diagnose import CheckSettings, Diagnosis
from planner.checks.explain import explain_diagnosis, feasible_line
from planner.checks.precheck import Finding, run_prechecks
from planner.checks.verify import Report, Violation

__all__ = [
    "Violation",
    "Report",
    "run_prechecks",
    "Finding",
    "Diagnosis",
    "CheckSettings",
    "explain_diagnosis",
    "feasible_line",
]
