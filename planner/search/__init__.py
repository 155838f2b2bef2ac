"""The search: one CP-SAT driver, planning a scenario, the warm start, and bounds on the whole scenario.

- `planner.search.driver`: the one place CP-SAT runs (`run`, `SearchParams`: the parameters; interrupts with
  `request_stop`; progress; the wall-time safety net);
- `planner.search.solving`: `solve` (build, warm start, search, the `Result` with its summary) and `Settings`;
- `planner.search.warm_start`: a first plan, charges first (`ChargeProposals`, `representative_window`);
- `planner.search.bounds`: the term-by-term bound on the objective (`term_bound`).
"""

from planner.search.bounds import TermBound, term_bound
from planner.search.driver import Progress, Run, SearchParams, relative_gap, request_stop, run, stop_requested
from planner.search.solving import Result, Settings, extract_plan, solve

__all__ = [
    "Progress",
    "Result",
    "Run",
    "SearchParams",
    "Settings",
    "TermBound",
    "extract_plan",
    "relative_gap",
    "request_stop",
    "run",
    "solve",
    "stop_requested",
    "term_bound",
]
