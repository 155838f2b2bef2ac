"""The io layer: the only code that reads or writes files. `load_scenario` reads a scenario (YAML, and CSV/XLSX
tables it names) into a validated `Scenario`, every problem an `InputError` naming file, line or row, and field
(`read_yaml_mapping` and `validate_mapping` are its two halves); `read_plan` and `read_summary` read a plan
directory in the contract layout, `plan_files`/`plan_directory_files` make its files as text (`csv_text`) and
`write_directory` writes them whole or not at all, after `check_output_directory`. Every command writes through
the one output writer, `planner.io.output.Output` (checks before any work, a lock, a journal, an atomic swap);
every text written into a spreadsheet passes `planner.io.cells`; what text may not hold (control and invisible
characters, Excel error values) is decided in `planner.io.text`. The ``MAX_*`` figures are the limits on what is
read.
"""

from planner.io.files import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES, MAX_TABLE_COLUMNS, MAX_TABLE_ROWS
from planner.io.loader import load_scenario, read_yaml_mapping, validate_mapping
from planner.io.plan_files import (
    check_output_directory,
    csv_text,
    plan_directory_files,
    plan_files,
    read_plan,
    read_summary,
    write_directory,
)

__all__ = [
    "load_scenario",
    "read_yaml_mapping",
    "validate_mapping",
    "read_plan",
    "read_summary",
    "plan_files",
    "plan_directory_files",
    "csv_text",
    "check_output_directory",
    "write_directory",
    "MAX_FILE_BYTES",
    "MAX_DEPTH",
    "MAX_NODES",
    "MAX_TABLE_ROWS",
    "MAX_TABLE_COLUMNS",
]
