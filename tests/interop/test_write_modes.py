"""The rest of the write side of the CLI contract, checked with delta-rs as
the independent reader: partition overwrite, OPTIMIZE, explicit checkpoints,
table properties, Spark JSON schemas, --repeat, CSV/JSON-lines inputs, and
time travel by timestamp."""

from __future__ import annotations

import datetime as dt
import json
import time
from urllib.parse import unquote

import pyarrow as pa
import pyarrow.csv as pacsv
import pytest
from deltalake import DeltaTable

import delta_log
from locations import local_location
from tabledata import (COLUMNS, DELTA_TYPES, SCHEMA_FLAG, arrow_rows, canonical_rows, make_rows,
                       make_table)

COUNTRY = COLUMNS.index("country")


def rows_of(batches, rows=30, **kw) -> list[tuple]:
    return canonical_rows(r for b in batches for r in make_rows(b, rows, **kw))


def delta_rs_rows(loc, version=None) -> list[tuple]:
    return arrow_rows(DeltaTable(loc.uri, version=version).to_pyarrow_table())


def test_overwrite_replaces_only_the_partitions_in_the_input(medallion, tmp_path, inputs):
    loc = local_location(tmp_path / "ow")
    medallion.create(loc, SCHEMA_FLAG, partition_by=["country"])
    medallion.append(loc, inputs(make_table(0, 30)))
    medallion.append(loc, inputs(make_table(1, 30)))
    fr_files = {p for p, a in delta_log.replay(loc)["adds"].items() if a["partitionValues"]["country"] == "fr"}
    assert fr_files

    replacement = make_table(2, 10, countries=("fr",))
    out = medallion.append(loc, inputs(replacement), mode="overwrite")
    assert out.committed_versions() == [3]

    actions = delta_log.read_commit(loc, 3)
    removed = {unquote(a["remove"]["path"]) for a in actions if "remove" in a}
    added = [a["add"] for a in actions if "add" in a]
    assert removed == fr_files
    assert added and all(a["partitionValues"]["country"] == "fr" for a in added)
    assert all(a["remove"]["dataChange"] for a in actions if "remove" in a)

    want = [r for r in rows_of([0, 1]) if r[COUNTRY] != "fr"] + rows_of([2], rows=10, countries=("fr",))
    want.sort(key=lambda r: r[0])
    assert delta_rs_rows(loc) == want
    assert canonical_rows(medallion.scan(loc)) == want
    assert delta_rs_rows(loc, version=2) == rows_of([0, 1])


def test_optimize_bin_packs_without_changing_data(medallion, tmp_path, inputs):
    loc = local_location(tmp_path / "opt")
    medallion.create(loc, SCHEMA_FLAG, partition_by=["country"])
    for b in range(8):
        medallion.append(loc, inputs(make_table(b, 15)))
    before_version = delta_log.commit_versions(loc)[-1]
    files_before = delta_log.referenced_files(loc)

    medallion.run("table", "optimize", loc.uri)
    version = delta_log.commit_versions(loc)[-1]
    assert version == before_version + 1
    actions = delta_log.read_commit(loc, version)
    assert all(not a["add"]["dataChange"] for a in actions if "add" in a)
    assert all(not a["remove"]["dataChange"] for a in actions if "remove" in a)
    files_after = delta_log.referenced_files(loc)
    assert len(files_after) == 3, f"one file per partition expected: {sorted(files_after)}"
    assert not files_after & files_before

    want = rows_of(range(8), rows=15)
    assert delta_rs_rows(loc) == want
    assert canonical_rows(medallion.scan(loc)) == want
    assert delta_rs_rows(loc, version=before_version) == want
    for add in (a["add"] for a in actions if "add" in a):
        assert json.loads(add["stats"])["numRecords"] > 0

    # The compacted-away files go with VACUUM; the table still reads.
    medallion.run("table", "vacuum", loc.uri, "--retention-hours", "0")
    assert delta_log.data_files_on_disk(loc) == files_after
    assert delta_rs_rows(loc) == want


def test_properties_explicit_checkpoint_and_repeat(medallion, tmp_path, inputs):
    loc = local_location(tmp_path / "props")
    medallion.create(loc, SCHEMA_FLAG, properties={"delta.checkpointInterval": "3", "owner.team": "lake"})
    out = medallion.append(loc, inputs(make_table(0, 5)), repeat=4)
    assert out.committed_versions() == [1, 2, 3, 4]
    info = medallion.describe(loc)
    assert info["configuration"] == {"delta.checkpointInterval": "3", "owner.team": "lake"}
    assert DeltaTable(loc.uri).metadata().configuration == info["configuration"]
    assert delta_log.last_checkpoint(loc)["version"] == 3

    medallion.run("table", "checkpoint", loc.uri)
    assert delta_log.last_checkpoint(loc)["version"] == 4
    assert 4 in delta_log.checkpoint_versions(loc)
    assert DeltaTable(loc.uri).to_pyarrow_table().num_rows == 20
    assert info["num_rows"] == 20


def test_schema_flag_accepts_spark_json(medallion, tmp_path):
    spark_schema = {"type": "struct", "fields": [
        {"name": n, "type": t, "nullable": True, "metadata": {}} for n, t in DELTA_TYPES]}
    loc = local_location(tmp_path / "json-schema")
    medallion.create(loc, json.dumps(spark_schema), partition_by=["country"])
    info = medallion.describe(loc)
    assert [(f["name"], f["type"]) for f in json.loads(info["schema"])["fields"]] == DELTA_TYPES
    assert info["version"] == 0 and info["num_files"] == 0
    assert DeltaTable(loc.uri).to_pyarrow_table().num_rows == 0


def test_csv_and_json_lines_inputs(medallion, tmp_path):
    rows = [{"id": i, "name": f"n{i}", "price": i * 0.5} for i in range(50)]
    table = pa.Table.from_pylist(rows, schema=pa.schema([("id", pa.int64()), ("name", pa.string()),
                                                         ("price", pa.float64())]))
    csv_path = tmp_path / "in.csv"
    pacsv.write_csv(table, csv_path)
    jsonl_path = tmp_path / "in.jsonl"
    jsonl_path.write_text("".join(json.dumps(r) + "\n" for r in rows))

    for name, path in [("from-csv", csv_path), ("from-jsonl", jsonl_path)]:
        loc = local_location(tmp_path / name)
        medallion.append(loc, path)
        medallion.append(loc, path)
        got = DeltaTable(loc.uri).to_pyarrow_table()
        assert got.num_rows == 100, name
        assert sorted(got.column("id").to_pylist()) == sorted(list(range(50)) * 2), name
        assert sorted(got.column("price").to_pylist()) == sorted([i * 0.5 for i in range(50)] * 2), name
        assert canonical_rows(medallion.scan(loc, columns=["id", "name"]), ["id", "name"]) == \
            sorted([(i, f"n{i}") for i in range(50)] * 2)


def history_time(entry) -> dt.datetime:
    ts = entry["timestamp"]
    if isinstance(ts, (int, float)):
        return dt.datetime.fromtimestamp(ts / 1000, tz=dt.timezone.utc)
    return dt.datetime.fromisoformat(str(ts).replace("Z", "+00:00"))


def test_time_travel_by_timestamp(medallion, tmp_path, inputs):
    loc = local_location(tmp_path / "tt")
    medallion.create(loc, SCHEMA_FLAG)
    for b in range(4):
        time.sleep(0.05)  # distinct commit timestamps
        medallion.append(loc, inputs(make_table(b, 10)))
    history = {h["version"]: history_time(h) for h in medallion.history(loc)}
    assert sorted(history) == [0, 1, 2, 3, 4]
    at_v2 = history[2].astimezone(dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    assert canonical_rows(medallion.scan(loc, timestamp=at_v2)) == rows_of([0, 1], rows=10)
    assert canonical_rows(medallion.scan(loc, version=2)) == rows_of([0, 1], rows=10)


@pytest.mark.spark
@pytest.mark.slow
def test_spark_reads_overwrites_optimize_and_tombstones_in_a_checkpoint(spark, medallion, tmp_path, inputs):
    """remove actions, dataChange=false rewrites and a checkpoint that carries
    tombstones: the parts of medallion's log that plain appends never use."""
    from tabledata import spark_rows

    loc = local_location(tmp_path / "tombstones")
    medallion.create(loc, SCHEMA_FLAG, partition_by=["country"])
    for b in range(4):
        medallion.append(loc, inputs(make_table(b, 20)))
    medallion.append(loc, inputs(make_table(10, 8, countries=("us",))), mode="overwrite")
    medallion.run("table", "optimize", loc.uri)
    medallion.run("table", "checkpoint", loc.uri)
    version = delta_log.commit_versions(loc)[-1]
    assert delta_log.last_checkpoint(loc)["version"] == version
    removes = [r for r in delta_log.read_checkpoint(loc, version).column("remove").to_pylist() if r is not None]
    assert removes, "the checkpoint should carry the tombstones of the overwrite and the optimize"

    want = sorted([r for r in rows_of(range(4), rows=20) if r[COUNTRY] != "us"] +
                  rows_of([10], rows=8, countries=("us",)), key=lambda r: r[0])
    assert canonical_rows(medallion.scan(loc)) == want
    assert delta_rs_rows(loc) == want
    assert spark_rows(spark.read.format("delta").load(loc.uri)) == want
    # Spark can also time-travel to before the overwrite on this log.
    assert spark_rows(spark.read.format("delta").option("versionAsOf", 4).load(loc.uri)) == rows_of(range(4), rows=20)
