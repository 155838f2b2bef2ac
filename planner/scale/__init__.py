"""Planning at scale: a big scenario solved in independent parts, a greedy drafter, date polishing, and a
generator of synthetic scenarios.

- `planner.scale.parts`: the split into parts (`decompose`, `Decomposition`, `Part`);
- `planner.scale.executors`: where the parts run (`make_executor`: serial, a local process pool, Dask);
- `planner.scale.decompose`: the parts solved, merged and verified (`solve_decomposed`, `DecomposedResult`);
- `planner.scale.greedy`: a fast plan without search (`run_greedy`, `greedy_plan`);
- `planner.scale.polish`: meetings moved nearer their day where every rule allows (`polish_dates`);
- `planner.scale.generate`: synthetic scenarios of any size (`generate`).

The functions ``decompose`` and ``generate`` are not re-exported here: as attributes of this package they would
hide the modules of the same names (``import planner.scale.decompose as m`` would give the function, and the
tests patch that module). Import them from `planner.scale.parts` and `planner.scale.generate`.
"""

from planner.scale.decompose import DecomposedResult, solve_decomposed
from planner.scale.executors import make_executor
from planner.scale.greedy import greedy_plan, run_greedy
from planner.scale.polish import polish_dates

__all__ = ["solve_decomposed", "make_executor", "DecomposedResult", "run_greedy", "greedy_plan", "polish_dates"]
