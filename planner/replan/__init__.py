"""Re-planning after a reorganisation: change sets, the id map, freezing months, plan diffs, what-if.

- `planner.replan.change_set`: a change set file (merge, split, move, rename, remove, add, move_member, set,
  period) read and checked (`read_changes`, `ChangeSet`, `Change`);
- `planner.replan.id_map`: where each unit and member id ends up after the changes (`IdMap`), and a baseline
  plan carried into the new ids (`map_plan`);
- `planner.replan.engine`: the edit engine, one operation at a time on a scenario as plain data (`Effect`: what
  each change touched); `planner.replan.plain_data`: that plain data (`scenario_data`);
- `planner.replan.apply`: a change set applied to a base scenario and validated (`apply_changes`,
  `apply_files`, `Applied`, whose ``yaml_text`` writes it with `planner.io.yaml_writer`);
- `planner.replan.freeze`: the months already lived pinned to an existing plan (`freeze`);
- `planner.replan.diff`: what changed between two plans (`diff_plans`, `diff_dirs`, `PlanDiff`, `write_diff`,
  `summary_text`);
- `planner.replan.whatif`: apply, re-plan from the old plan, and say what changed and why (`run_whatif`,
  `WhatIf`).

The function ``freeze`` is not re-exported here: as an attribute of this package it would hide the module of
the same name. Import it from `planner.replan.freeze`.
"""

from planner.replan.apply import Applied, apply_changes, apply_files
from planner.replan.change_set import Change, ChangeSet, read_changes
from planner.replan.diff import PlanDiff, diff_dirs, diff_plans, summary_text, write_diff
from planner.replan.engine import Effect
from planner.replan.id_map import IdMap, map_plan
from planner.replan.plain_data import scenario_data
from planner.replan.whatif import WhatIf, run_whatif

__all__ = [
    "read_changes",
    "ChangeSet",
    "Change",
    "IdMap",
    "map_plan",
    "apply_changes",
    "apply_files",
    "Applied",
    "Effect",
    "scenario_data",
    "diff_plans",
    "diff_dirs",
    "PlanDiff",
    "write_diff",
    "summary_text",
    "run_whatif",
    "WhatIf",
]
