"""Two writer processes race 200 appends each on one table: optimistic
concurrency must give versions 0..400 with no gap, no lost and no doubled
commit, and a table delta-rs reads in full. Runs on a local directory and on
the loopback MinIO."""

from __future__ import annotations

import json
import re
import subprocess

import pyarrow.compute as pc
import pytest
from deltalake import DeltaTable

import delta_log
from tabledata import SCHEMA_FLAG, make_table

WRITERS = 2
COMMITS_PER_WRITER = 200
ROWS_PER_COMMIT = 3
# Writer w appends batch w + 1: ids w*100000 .. w*100000+2, so every commit
# tells which writer made it.
BATCH_OF_WRITER = [1, 2]


def writer_of(stats: dict) -> int:
    lo, hi = stats["minValues"]["id"] // 100_000, stats["maxValues"]["id"] // 100_000
    assert lo == hi, f"a file mixes rows of two writers: {stats}"
    return BATCH_OF_WRITER.index(lo)


@pytest.mark.slow
def test_two_writers_race_200_appends_each(medallion, new_table, inputs):
    loc = new_table("race")
    medallion.create(loc, SCHEMA_FLAG, partition_by=["country"])
    sources = [inputs(make_table(b, ROWS_PER_COMMIT)) for b in BATCH_OF_WRITER]

    procs = [
        medallion.popen(*medallion.append_args(loc, src, repeat=COMMITS_PER_WRITER), location=loc,
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for src in sources
    ]
    outputs = [p.communicate(timeout=900) for p in procs]
    for p, (out, err) in zip(procs, outputs):
        assert p.returncode == 0, f"writer exited {p.returncode}:\n{err[-3000:]}"

    total = WRITERS * COMMITS_PER_WRITER
    versions = delta_log.commit_versions(loc)
    assert versions == list(range(total + 1)), f"gaps or extras: {sorted(set(range(total + 1)) ^ set(versions))}"

    # What each process says it committed is disjoint and matches the log.
    printed = [set(int(v) for v in re.findall(r"committed version (\d+)", out)) for out, _ in outputs]
    assert not (printed[0] & printed[1]), f"two writers claim versions {sorted(printed[0] & printed[1])[:10]}"

    commits_by_writer = [0] * WRITERS
    for v in range(1, total + 1):
        adds = [a["add"] for a in delta_log.read_commit(loc, v) if "add" in a]
        assert adds, f"version {v} has no add"
        stats = [json.loads(a["stats"]) for a in adds]
        assert sum(s["numRecords"] for s in stats) == ROWS_PER_COMMIT, f"version {v}: {stats}"
        owners = {writer_of(s) for s in stats}
        assert len(owners) == 1, f"version {v} holds rows of both writers"
        owner = owners.pop()
        commits_by_writer[owner] += 1
        if printed[owner]:
            assert v in printed[owner], f"version {v} is writer {owner}'s but it did not report it"
    assert commits_by_writer == [COMMITS_PER_WRITER] * WRITERS

    info = medallion.describe(loc)
    assert info["version"] == total
    assert info["num_rows"] == total * ROWS_PER_COMMIT

    table = DeltaTable(loc.uri, storage_options=loc.storage_options).to_pyarrow_table(columns=["id"])
    assert table.num_rows == total * ROWS_PER_COMMIT
    writers = pc.divide(table.column("id"), 100_000).to_pylist()
    assert [writers.count(b) for b in BATCH_OF_WRITER] == [COMMITS_PER_WRITER * ROWS_PER_COMMIT] * WRITERS

    interval = int(info["configuration"].get("delta.checkpointInterval", 10))
    last = delta_log.last_checkpoint(loc)["version"]
    assert last % interval == 0 and last > total - 2 * interval, f"_last_checkpoint at {last}"
