"""Every `add` medallion writes carries stats (numRecords, minValues,
maxValues, nullCount) that agree with what pyarrow computes from the data file
itself, for every column type the engine supports."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import unquote

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

import delta_log
from locations import local_location
from tabledata import ARROW_SCHEMA, SCHEMA_FLAG, day_iso, make_rows, make_table, ts_micros

# Delta type of each column, as in the table schema.
TYPES = {"id": "long", "name": "string", "ts": "timestamp", "day": "date", "price": "double",
         "qty": "integer", "ok": "boolean", "country": "string"}


def all_null_rows(batch: int, rows: int) -> pa.Table:
    """A partition whose name/price/qty/ok columns hold nothing but nulls."""
    out = make_rows(batch, rows, countries=("zz",))
    for r in out:
        r.update(name=None, price=None, qty=None, ok=None)
    return pa.Table.from_pylist(out, schema=ARROW_SCHEMA)


def normalise(type_name: str, value):
    """A stats value or a pyarrow scalar value in one comparable form."""
    if value is None:
        return None
    if type_name == "timestamp":
        return ts_micros(value)
    if type_name == "date":
        return day_iso(value)
    if type_name == "double":
        return float(value)
    return value


def timestamp_stat_ok(stat_micros: int, actual_micros: int) -> bool:
    # The protocol lets writers keep timestamps at millisecond precision in
    # stats (Spark does, truncating); exact microseconds are fine too.
    return stat_micros in (actual_micros, actual_micros - actual_micros % 1000)


def check_add(loc, add: dict, schema_types: dict[str, str], partition_columns: list[str]) -> None:
    path = unquote(add["path"])
    assert add.get("stats"), f"add {path} has no stats"
    stats = json.loads(add["stats"])
    table = pq.read_table(loc.path(path))
    where = f"{path} stats {stats}"

    assert stats["numRecords"] == table.num_rows, where
    for column in partition_columns:
        assert column not in table.column_names, f"{path} stores partition column {column}"
        assert column in add["partitionValues"], f"{path} lacks partitionValues[{column}]"

    data_columns = [c for c in schema_types if c not in partition_columns]
    assert sorted(table.column_names) == sorted(data_columns), path
    for column in data_columns:
        # Microsecond UTC timestamps, int32, date32: what Spark and delta-rs expect.
        assert table.schema.field(column).type == ARROW_SCHEMA.field(column).type, f"{path} column {column}"
    for column in data_columns:
        kind = schema_types[column]
        values = table.column(column)
        assert stats["nullCount"].get(column) == values.null_count, f"nullCount[{column}]: {where}"
        min_stat = stats.get("minValues", {}).get(column)
        max_stat = stats.get("maxValues", {}).get(column)
        if values.null_count == len(values):
            assert min_stat is None and max_stat is None, f"all-null {column} has min/max: {where}"
            continue
        if kind == "boolean" and min_stat is None and max_stat is None:
            continue  # Delta writers may leave booleans out of min/max.
        bounds = pc.min_max(values)
        actual_min = normalise(kind, bounds["min"].as_py())
        actual_max = normalise(kind, bounds["max"].as_py())
        got_min, got_max = normalise(kind, min_stat), normalise(kind, max_stat)
        if kind == "timestamp":
            assert timestamp_stat_ok(got_min, actual_min), f"minValues[ts] {min_stat} vs {bounds['min']}: {where}"
            assert timestamp_stat_ok(got_max, actual_max), f"maxValues[ts] {max_stat} vs {bounds['max']}: {where}"
        else:
            assert (got_min, got_max) == (actual_min, actual_max), f"min/max[{column}]: {where}"


@pytest.mark.parametrize("partition_by", [["country"], []], ids=["by-country", "unpartitioned"])
def test_every_add_has_stats_matching_the_file(medallion, tmp_path, inputs, partition_by):
    loc = local_location(tmp_path / "stats")
    medallion.append(loc, inputs(make_table(0, 400)), partition_by=partition_by)
    medallion.append(loc, inputs(all_null_rows(1, 25)))
    for batch in range(2, 11):
        medallion.append(loc, inputs(make_table(batch, 20 + batch)))

    state = delta_log.replay(loc)
    partition_columns = state["metaData"]["partitionColumns"]
    assert partition_columns == partition_by
    schema_types = {f["name"]: f["type"] for f in json.loads(state["metaData"]["schemaString"])["fields"]}
    assert schema_types == TYPES

    adds = [a["add"] for v in delta_log.commit_versions(loc) for a in delta_log.read_commit(loc, v) if "add" in a]
    assert len(adds) >= 11
    for add in adds:
        check_add(loc, add, schema_types, partition_columns)

    # The checkpoint (written at version 10) carries the same stats.
    assert delta_log.last_checkpoint(loc)["version"] == 10
    checkpoint = delta_log.read_checkpoint(loc, 10)
    in_checkpoint = {a["path"]: a for a in checkpoint.column("add").to_pylist() if a is not None}
    adds_upto_10 = [a["add"] for v in range(11) for a in delta_log.read_commit(loc, v) if "add" in a]
    assert set(in_checkpoint) == {a["path"] for a in adds_upto_10}
    for add in adds_upto_10:
        assert in_checkpoint[add["path"]]["stats"], f"checkpoint add {add['path']} has no stats"
        assert json.loads(in_checkpoint[add["path"]]["stats"]) == json.loads(add["stats"])


def test_stats_of_a_known_file(medallion, tmp_path, inputs):
    """Hand-checked values, so a writer and this test cannot agree on a wrong rule."""
    rows = [
        {"id": 5, "name": "b", "ts": dt.datetime(2026, 3, 1, 12, 0, 0, 250_000, tzinfo=dt.timezone.utc),
         "day": dt.date(2026, 3, 1), "price": -1.5, "qty": 7, "ok": True, "country": "de"},
        {"id": -2, "name": None, "ts": None, "day": dt.date(2025, 12, 31), "price": 2.25, "qty": None,
         "ok": None, "country": "de"},
        {"id": 9, "name": "a", "ts": dt.datetime(2026, 2, 28, 0, 0, 0, tzinfo=dt.timezone.utc),
         "day": None, "price": None, "qty": -3, "ok": False, "country": "de"},
    ]
    loc = local_location(tmp_path / "known")
    medallion.append(loc, inputs(pa.Table.from_pylist(rows, schema=ARROW_SCHEMA)))
    (add,) = [a["add"] for a in delta_log.read_commit(loc, delta_log.commit_versions(loc)[-1]) if "add" in a]
    stats = json.loads(add["stats"])
    assert stats["numRecords"] == 3
    assert stats["nullCount"] == {"id": 0, "name": 1, "ts": 1, "day": 1, "price": 1, "qty": 1, "ok": 1, "country": 0}
    mins, maxs = stats["minValues"], stats["maxValues"]
    assert (mins["id"], maxs["id"]) == (-2, 9)
    assert (mins["name"], maxs["name"]) == ("a", "b")
    assert (mins["price"], maxs["price"]) == (-1.5, 2.25)
    assert (mins["qty"], maxs["qty"]) == (-3, 7)
    assert (mins["day"], maxs["day"]) == ("2025-12-31", "2026-03-01")
    assert (mins["country"], maxs["country"]) == ("de", "de")
    assert ts_micros(mins["ts"]) == ts_micros(dt.datetime(2026, 2, 28, tzinfo=dt.timezone.utc))
    assert ts_micros(maxs["ts"]) == ts_micros(dt.datetime(2026, 3, 1, 12, 0, 0, 250_000, tzinfo=dt.timezone.utc))
