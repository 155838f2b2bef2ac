"""Every file in tests/data/invalid/ must be rejected with the problems its `# expect:` lines name.

Each file starts with one or more comment lines ``# expect: <substring>``; loading it must raise `InputError`
whose text contains every substring (many include the line, e.g. ``line 7: units[3] (thon-1).id: …``).
A few inputs that cannot live in that folder (a directory, a missing file, damaged tables) are tested below.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.errors import InputError
from planner.io import load_scenario
from tests.conftest import DATA, SCENARIOS, expectations

INVALID = DATA / "invalid"
FILES = sorted(INVALID.glob("*.yaml"))


def load_error(path: Path | str) -> InputError:
    with pytest.raises(InputError) as info:
        load_scenario(path)
    return info.value


def test_there_are_enough_invalid_files() -> None:
    assert len(FILES) >= 25


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_invalid_file_is_rejected_with_its_problems(path: Path) -> None:
    expected = expectations(path)
    assert expected, f"{path.name} has no '# expect:' line"
    error = load_error(path)
    text = str(error)
    for substring in expected:
        assert substring in text, f"{substring!r} not in:\n{text}"
    assert all(p.file for p in error.problems)


def test_missing_file(tmp_path: Path) -> None:
    error = load_error(tmp_path / "nope.yaml")
    assert "file not found" in str(error)


def test_directory_instead_of_file(tmp_path: Path) -> None:
    assert "is a directory" in str(load_error(tmp_path))


def test_problems_are_collected_not_stopped_at_the_first() -> None:
    error = load_error(INVALID / "selector-unknown-ids.yaml")
    assert len(error.problems) == 3


def test_table_problems_name_file_row_and_column() -> None:
    error = load_error(INVALID / "table-unknown-column-bad-row.yaml")
    table = [p for p in error.problems if p.file.endswith("units-bad.csv")]
    assert {(p.line, p.field) for p in table} == {(1, "tag"), (3, "meeting_flex"), (4, "closed"), (5, "meeting_day")}
    assert all(p.row for p in table)
    assert "units-bad.csv, row 3: meeting_flex:" in str(error)


SCENARIO = """name: T
year: 2026
units: {units}
members:
  - {{id: uv-1, name: A, committee: xa}}
"""


def write(tmp_path: Path, units: str, table: str | bytes, name: str = "units.csv") -> Path:
    data = table if isinstance(table, bytes) else table.encode("utf-8")
    (tmp_path / name).write_bytes(data)
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO.format(units=units), encoding="utf-8")
    return path


def test_table_not_utf8(tmp_path: Path) -> None:
    # 0x81 is neither UTF-8 nor Windows-1258 (which the loader accepts as the Vietnamese Excel code page)
    path = write(tmp_path, "units.csv", b"id,name,kind\nxa,X\x81,commune_committee\n")
    error = load_error(path)
    assert "units.csv, row 2: the table is not UTF-8 text" in str(error)


def test_table_missing_required_column_is_reported_once(tmp_path: Path) -> None:
    path = write(tmp_path, "units.csv", "id,name\nxa,X\nthon,T\n")
    error = load_error(path)
    assert [(p.line, p.field, p.message) for p in error.problems] == [
        (1, "kind", "the required column 'kind' is missing")
    ]


def test_table_value_without_header(tmp_path: Path) -> None:
    path = write(tmp_path, "units.csv", "id,name,kind\nxa,X,commune_committee,extra\n")
    assert "row 2: a value ('extra') in a column without a header" in str(load_error(path))


def test_damaged_xlsx(tmp_path: Path) -> None:
    path = write(tmp_path, "units.xlsx", b"not a zip file", name="units.xlsx")
    error = load_error(path)
    assert "cannot read table 'units.xlsx'" in str(error)
    assert error.problems[0].line == 3


def test_table_path_that_is_a_directory(tmp_path: Path) -> None:
    (tmp_path / "units.csv").mkdir()
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO.format(units="units.csv"), encoding="utf-8")
    assert "table file 'units.csv' not found" in str(load_error(path))


def test_internal_fields_are_not_keys_of_the_file(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("name: T\nyear: 2026\nsha256: abc\nunits: []\nmembers: []\n", encoding="utf-8")
    assert "line 3: sha256: unknown key 'sha256'" in str(load_error(path))


def test_recursive_alias(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("name: T\nyear: 2026\nunits: &u [*u]\nmembers: []\n", encoding="utf-8")
    load_error(path)  # an InputError, nothing else


def test_python_tags_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("name: !!python/object/apply:os.system [echo hi]\nyear: 2026\n", encoding="utf-8")
    assert "line 1" in str(load_error(path))


def test_truncated_files_never_raise_anything_but_input_error(tmp_path: Path) -> None:
    """Cut a real scenario at many places: each prefix loads or is an InputError."""
    raw = (SCENARIOS / "thuong-son-2026.yaml").read_bytes()
    path = tmp_path / "cut.yaml"
    for end in range(0, len(raw), max(1, len(raw) // 60)):
        path.write_bytes(raw[:end])
        try:
            load_scenario(path)
        except InputError:
            pass
