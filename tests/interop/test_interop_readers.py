"""A partitioned table written by medallion (12 commits, so a checkpoint
exists) reads the same in delta-rs and Spark; Spark and delta-rs append to it
and medallion reads every row back; time travel agrees in all three."""

from __future__ import annotations

import json

import pyarrow as pa
import pytest
from deltalake import DeltaTable, write_deltalake

import delta_log
from locations import copy_local_table, local_location
from tabledata import (COLUMNS, DELTA_TYPES, SCHEMA_FLAG, SPARK_DDL, arrow_rows, canonical_rows,
                       make_rows, make_table, spark_rows, write_parquet)

COMMITS = 12
ROWS_PER_COMMIT = 30
PARTITION_BY = ["country", "day"]


def expected_rows(batches: range) -> list[tuple]:
    return canonical_rows(r for b in batches for r in make_rows(b, ROWS_PER_COMMIT))


@pytest.fixture(scope="module")
def sales(medallion, tmp_path_factory):
    """Version 0 is the create; version b+1 appends batch b."""
    root = tmp_path_factory.mktemp("readers")
    loc = local_location(root / "sales")
    medallion.create(loc, SCHEMA_FLAG, partition_by=PARTITION_BY)
    for b in range(COMMITS):
        path = write_parquet(make_table(b, ROWS_PER_COMMIT), root / f"batch-{b}.parquet")
        out = medallion.append(loc, path)
        assert out.committed_versions() == [b + 1], out.describe()
    return loc


def schema_fields(schema_json: str | dict) -> list[tuple[str, str]]:
    schema = json.loads(schema_json) if isinstance(schema_json, str) else schema_json
    return [(f["name"], f["type"]) for f in schema["fields"]]


def test_log_has_checkpoint_at_10(sales):
    assert delta_log.commit_versions(sales) == list(range(COMMITS + 1))
    assert delta_log.last_checkpoint(sales)["version"] == 10
    assert 10 in delta_log.checkpoint_versions(sales)
    checkpoint = delta_log.read_checkpoint(sales, 10)
    for column in ("add", "metaData", "protocol"):
        assert column in checkpoint.column_names, f"checkpoint 10 lacks {column}: {checkpoint.schema}"
    live_adds = [a for a in checkpoint.column("add").to_pylist() if a is not None]
    assert {a["path"] for a in live_adds} == {a["path"] for a in delta_log.replay(sales, upto=10)["adds"].values()}
    assert sum(1 for m in checkpoint.column("metaData").to_pylist() if m is not None) == 1
    assert sum(1 for p in checkpoint.column("protocol").to_pylist() if p is not None) == 1


def test_medallion_describe(medallion, sales):
    info = medallion.describe(sales)
    assert info["version"] == COMMITS
    assert info["partition_columns"] == PARTITION_BY
    assert schema_fields(info["schema"]) == DELTA_TYPES
    assert info["num_rows"] == COMMITS * ROWS_PER_COMMIT
    assert info["num_files"] == len(delta_log.replay(sales)["adds"])
    assert (info["min_reader_version"], info["min_writer_version"]) == (1, 2)


def test_medallion_scan_reads_what_was_written(medallion, sales):
    assert canonical_rows(medallion.scan(sales)) == expected_rows(range(COMMITS))


def test_medallion_scan_where_columns_limit(medallion, sales):
    everything = expected_rows(range(COMMITS))
    fr_day2 = [r for r in everything if r[COLUMNS.index("country")] == "fr" and r[COLUMNS.index("day")] == "2026-01-02"]
    assert fr_day2, "test data should put rows in fr/2026-01-02"
    got = medallion.scan(sales, where="country = 'fr' AND day = '2026-01-02'")
    assert canonical_rows(got) == fr_day2

    got = medallion.scan(sales, columns=["id", "price"])
    assert all(set(r) == {"id", "price"} for r in got)
    assert canonical_rows(got, ["id", "price"]) == [(r[0], r[COLUMNS.index("price")]) for r in everything]

    assert len(medallion.scan(sales, limit=7)) == 7


def test_delta_rs_reads_same_rows_and_schema(sales):
    dt = DeltaTable(sales.uri)
    assert dt.version() == COMMITS
    assert schema_fields(dt.schema().to_json()) == DELTA_TYPES
    assert dt.metadata().partition_columns == PARTITION_BY
    assert arrow_rows(dt.to_pyarrow_table()) == expected_rows(range(COMMITS))


@pytest.mark.spark
@pytest.mark.slow
def test_spark_reads_same_rows_and_schema(spark, sales):
    df = spark.read.format("delta").load(sales.uri)
    assert [(f.name, f.dataType.typeName()) for f in df.schema.fields] == DELTA_TYPES
    assert spark_rows(df) == expected_rows(range(COMMITS))
    fr = [r for r in expected_rows(range(COMMITS)) if r[COLUMNS.index("country")] == "fr"]
    assert spark_rows(df.where("country = 'fr'")) == fr


@pytest.mark.spark
@pytest.mark.slow
def test_spark_describe_history(spark, medallion, sales):
    history = spark.sql(f"DESCRIBE HISTORY delta.`{sales.uri}`").collect()
    assert [h["version"] for h in history] == list(range(COMMITS, -1, -1))
    assert all(h["operation"] for h in history), [h.asDict() for h in history]
    ours = medallion.history(sales)
    assert [h["version"] for h in ours] == [h["version"] for h in history]
    assert [h["operation"] for h in ours] == [h["operation"] for h in history]
    assert [h["version"] for h in medallion.history(sales, limit=3)] == [COMMITS, COMMITS - 1, COMMITS - 2]


@pytest.mark.spark
@pytest.mark.slow
def test_time_travel_to_version_3_agrees(spark, medallion, sales):
    want = expected_rows(range(3))
    assert canonical_rows(medallion.scan(sales, version=3)) == want
    assert arrow_rows(DeltaTable(sales.uri, version=3).to_pyarrow_table()) == want
    df = spark.read.format("delta").option("versionAsOf", 3).load(sales.uri)
    assert spark_rows(df) == want
    assert medallion.describe(sales, version=3)["num_rows"] == 3 * ROWS_PER_COMMIT


@pytest.mark.spark
@pytest.mark.slow
def test_spark_and_delta_rs_append_then_medallion_reads_all(spark, medallion, sales, tmp_path, inputs):
    loc = copy_local_table(sales, tmp_path / "shared")
    interval = int(medallion.describe(loc)["configuration"].get("delta.checkpointInterval", 10))
    next_checkpoint = (COMMITS // interval + 1) * interval

    batch = COMMITS
    # Spark commits until it has written its own checkpoint past medallion's.
    while batch < next_checkpoint:
        df = spark.createDataFrame(make_rows(batch, ROWS_PER_COMMIT), SPARK_DDL)
        df.write.format("delta").mode("append").save(loc.uri)
        batch += 1
    assert delta_log.last_checkpoint(loc)["version"] == next_checkpoint
    assert next_checkpoint in delta_log.checkpoint_versions(loc)

    for _ in range(2):
        write_deltalake(loc.uri, make_table(batch, ROWS_PER_COMMIT), mode="append")
        batch += 1
    foreign_version = batch  # one commit per batch after the create

    want = expected_rows(range(batch))
    assert canonical_rows(medallion.scan(loc)) == want
    info = medallion.describe(loc)
    assert info["version"] == foreign_version
    assert info["num_rows"] == batch * ROWS_PER_COMMIT

    # And medallion keeps writing on top of the foreign commits and checkpoint.
    out = medallion.append(loc, inputs(make_table(batch, ROWS_PER_COMMIT)))
    assert out.committed_versions() == [foreign_version + 1]
    batch += 1
    want = expected_rows(range(batch))
    assert arrow_rows(DeltaTable(loc.uri).to_pyarrow_table()) == want
    assert spark_rows(spark.read.format("delta").load(loc.uri)) == want
    assert canonical_rows(medallion.scan(loc, version=next_checkpoint)) == expected_rows(range(next_checkpoint))
