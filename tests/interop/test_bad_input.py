"""Bad input gives one error line on stderr that names the culprit, a
non-zero exit code, and leaves every file of the table exactly as it was."""

from __future__ import annotations

import pyarrow as pa
import pytest

import delta_log
from locations import local_location
from tabledata import SCHEMA_FLAG, make_table


def assert_one_line_error(outcome, *names: str) -> str:
    assert outcome.returncode != 0, f"expected failure:\n{outcome.describe()}"
    lines = outcome.error_lines
    assert len(lines) == 1, f"expected exactly one stderr line:\n{outcome.describe()}"
    line = lines[0]
    assert line.startswith("medallion: error:"), line
    for name in names:
        assert name in line, f"error does not name {name!r}: {line}"
    return line


@pytest.fixture
def small_table(medallion, tmp_path, inputs):
    loc = local_location(tmp_path / "small")
    medallion.create(loc, SCHEMA_FLAG, partition_by=["country"])
    medallion.append(loc, inputs(make_table(0, 20)))
    medallion.append(loc, inputs(make_table(1, 20)))
    return loc


READ_COMMANDS = [
    ["describe"],
    ["history"],
    ["scan"],
    ["optimize"],
    ["vacuum", "--retention-hours", "0"],
    ["checkpoint"],
]


@pytest.mark.parametrize("command", READ_COMMANDS, ids=lambda c: c[0])
def test_path_that_is_not_a_table(medallion, tmp_path, command):
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "notes.txt").write_text("not a Delta table\n")
    before = local_location(plain).snapshot_of_files()
    out = medallion.run("table", command[0], plain, *command[1:], check=False)
    assert_one_line_error(out, "plain")
    assert local_location(plain).snapshot_of_files() == before
    assert not (plain / "_delta_log").exists()


@pytest.mark.parametrize("command", READ_COMMANDS, ids=lambda c: c[0])
def test_path_that_does_not_exist(medallion, tmp_path, command):
    missing = tmp_path / "nowhere"
    out = medallion.run("table", command[0], missing, *command[1:], check=False)
    assert_one_line_error(out, "nowhere")
    assert not missing.exists()


@pytest.mark.parametrize("command", [["describe"], ["scan"], ["history"], ["checkpoint"], ["append"]],
                         ids=lambda c: c[0])
def test_corrupt_commit_json(medallion, small_table, inputs, command):
    name = delta_log.commit_name(2)
    small_table.write_bytes(name, b'{"add": {"path": "country=de/part-0.parquet", "partitionValues": {"coun')
    before = small_table.snapshot_of_files()
    args = ["table", command[0], small_table.uri]
    if command[0] == "append":
        args += ["--input", inputs(make_table(2, 20))]
    out = medallion.run(*args, check=False)
    assert_one_line_error(out, "00000000000000000002.json")
    assert small_table.snapshot_of_files() == before


def test_missing_data_file_on_scan(medallion, small_table):
    victim = sorted(delta_log.referenced_files(small_table))[0]
    small_table.delete(victim)
    before = small_table.snapshot_of_files()
    out = medallion.run("table", "scan", small_table.uri, check=False)
    assert_one_line_error(out, victim.rsplit("/", 1)[-1])
    assert small_table.snapshot_of_files() == before


def with_column(table: pa.Table, name: str, values: pa.Array) -> pa.Table:
    if name in table.column_names:
        return table.set_column(table.column_names.index(name), name, values)
    return table.append_column(name, values)


@pytest.mark.parametrize(
    "column, make_values",
    [
        ("qty", lambda n: pa.array([f"q{i}" for i in range(n)])),        # int -> string
        ("id", lambda n: pa.array([float(i) for i in range(n)])),       # long -> double
        ("ts", lambda n: pa.array(list(range(n)), pa.int64())),         # timestamp -> long
        ("bogus", lambda n: pa.array(list(range(n)), pa.int32())),      # unknown column
    ],
    ids=["qty-string", "id-double", "ts-long", "extra-column"],
)
def test_append_with_mismatched_schema(medallion, small_table, inputs, column, make_values):
    good = make_table(2, 20)
    bad = with_column(good, column, make_values(good.num_rows))
    before = small_table.snapshot_of_files()
    out = medallion.append(small_table, inputs(bad), check=False)
    assert_one_line_error(out, column)
    assert small_table.snapshot_of_files() == before
    assert medallion.describe(small_table)["version"] == 2


def test_append_of_unreadable_input_names_the_file(medallion, small_table, tmp_path):
    junk = tmp_path / "junk.parquet"
    junk.write_bytes(b"PAR1 this is not parquet")
    before = small_table.snapshot_of_files()
    out = medallion.append(small_table, junk, check=False)
    assert_one_line_error(out, "junk.parquet")
    assert small_table.snapshot_of_files() == before


def test_scan_of_unknown_column_or_version(medallion, small_table):
    out = medallion.run(*medallion.scan_args(small_table, where="nosuchcol = 'x'"), check=False)
    assert_one_line_error(out, "nosuchcol")
    out = medallion.run(*medallion.scan_args(small_table, columns=["id", "nosuchcol"]), check=False)
    assert_one_line_error(out, "nosuchcol")
    out = medallion.run(*medallion.scan_args(small_table, version=99), check=False)
    assert_one_line_error(out, "99")


def test_invalid_arguments_exit_2(medallion, small_table):
    before = small_table.snapshot_of_files()
    assert medallion.run("table", "scan", small_table.uri, "--format", "bogus", check=False).returncode == 2
    assert medallion.run("table", "append", small_table.uri, check=False).returncode == 2
    assert medallion.run("table", "append", small_table.uri, "--input", "x.parquet", "--mode", "merge",
                         check=False).returncode == 2
    assert small_table.snapshot_of_files() == before
