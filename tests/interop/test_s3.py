"""The append/read path against a real S3 server (MinIO on loopback):
medallion writes across a checkpoint, delta-rs reads the same rows and
appends, medallion reads everything back, time travel agrees. The 2 x 200
race on S3 lives in test_concurrency.py (its `s3` parameter)."""

from __future__ import annotations

import pytest
from deltalake import DeltaTable, write_deltalake

import delta_log
from conftest import s3_table
from tabledata import arrow_rows, canonical_rows, make_rows, make_table

pytestmark = pytest.mark.s3

COMMITS = 12
ROWS_PER_COMMIT = 25


def expected(batches) -> list[tuple]:
    return canonical_rows(r for b in batches for r in make_rows(b, ROWS_PER_COMMIT))


def test_append_read_and_checkpoint_on_s3(medallion, minio, inputs):
    loc = s3_table(minio, "rw")
    # The first append creates the table from the input schema (whether the
    # create is a commit of its own is the engine's choice: `first` says).
    first = None
    for b in range(COMMITS):
        out = medallion.append(loc, inputs(make_table(b, ROWS_PER_COMMIT)), partition_by=["country", "day"])
        if first is None:
            (first,) = out.committed_versions()
        assert out.committed_versions() == [first + b], out.describe()
    latest = first + COMMITS - 1

    def batches_at(version: int) -> range:
        return range(max(0, version - first + 1))

    assert delta_log.commit_versions(loc) == list(range(latest + 1))
    assert delta_log.last_checkpoint(loc)["version"] == 10
    assert 10 in delta_log.checkpoint_versions(loc)

    info = medallion.describe(loc)
    assert info["uri"].rstrip("/") == loc.uri
    assert (info["version"], info["num_rows"]) == (latest, COMMITS * ROWS_PER_COMMIT)
    assert info["partition_columns"] == ["country", "day"]

    want = expected(range(COMMITS))
    assert canonical_rows(medallion.scan(loc)) == want
    dt = DeltaTable(loc.uri, storage_options=loc.storage_options)
    assert dt.version() == latest
    assert arrow_rows(dt.to_pyarrow_table()) == want

    assert canonical_rows(medallion.scan(loc, version=3)) == expected(batches_at(3))
    old = DeltaTable(loc.uri, version=3, storage_options=loc.storage_options)
    assert arrow_rows(old.to_pyarrow_table()) == expected(batches_at(3))

    # delta-rs appends; medallion reads it and writes on top; delta-rs reads that.
    write_deltalake(loc.uri, make_table(COMMITS, ROWS_PER_COMMIT), mode="append",
                    storage_options=loc.storage_options)
    assert canonical_rows(medallion.scan(loc)) == expected(range(COMMITS + 1))
    out = medallion.append(loc, inputs(make_table(COMMITS + 1, ROWS_PER_COMMIT)))
    assert out.committed_versions() == [latest + 2]
    dt = DeltaTable(loc.uri, storage_options=loc.storage_options)
    assert arrow_rows(dt.to_pyarrow_table()) == expected(range(COMMITS + 2))


def test_not_a_table_on_s3(medallion, minio):
    loc = s3_table(minio, "empty")
    loc.write_bytes("notes.txt", b"not a table")
    out = medallion.run("table", "describe", loc.uri, location=loc, check=False)
    assert out.returncode != 0
    assert len(out.error_lines) == 1 and out.error_lines[0].startswith("medallion: error:"), out.describe()
    assert loc.uri.split("/", 3)[-1] in out.error_lines[0], out.describe()
    assert loc.list_files() == ["notes.txt"]
