"""kill -9 of a writer at random moments never leaves a partial commit
visible: after every round medallion and delta-rs read the table and the row
count is exactly commits x rows per commit. VACUUM then removes the data
files that killed writers left behind and nothing else."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time

import pyarrow as pa
import pytest
from deltalake import DeltaTable

import delta_log
from locations import local_location
from tabledata import ARROW_SCHEMA, SCHEMA_FLAG, make_rows

ROUNDS = 10
REPEAT = 50
ROWS_PER_COMMIT = 2000
SEED = int(os.environ.get("MEDALLION_CRASH_SEED", "20261123"))


def crash_input() -> pa.Table:
    """Moderately sized: a ~64-byte incompressible payload per row makes each
    data file a few hundred KB, so kills often land mid-write."""
    rng = random.Random(SEED)
    rows = make_rows(7, ROWS_PER_COMMIT)
    for r in rows:
        r["payload"] = rng.randbytes(32).hex()
    schema = ARROW_SCHEMA.append(pa.field("payload", pa.string()))
    return pa.Table.from_pylist(rows, schema=schema)


def assert_consistent(medallion, loc, context: str, maintenance_from: int | None = None) -> int:
    """Every visible commit is whole; returns the latest version. Versions from
    `maintenance_from` on may be data-less (VACUUM may log its start and end)."""
    versions = delta_log.commit_versions(loc)
    latest = versions[-1]
    assert versions == list(range(latest + 1)), f"{context}: log has gaps: {versions}"
    data_commits = 0
    for v in range(1, latest + 1):
        actions = delta_log.read_commit(loc, v)
        adds = [a["add"] for a in actions if "add" in a]
        if not adds and maintenance_from is not None and v >= maintenance_from:
            assert not any("remove" in a for a in actions), f"{context}: version {v} removes files"
            continue
        rows = sum(json.loads(a["stats"])["numRecords"] for a in adds)
        assert rows == ROWS_PER_COMMIT, f"{context}: version {v} holds {rows} rows"
        data_commits += 1
    want = data_commits * ROWS_PER_COMMIT

    info = medallion.describe(loc)
    assert (info["version"], info["num_rows"]) == (latest, want), f"{context}: describe {info}"
    assert medallion.scan_count(loc) == want, f"{context}: medallion scan"
    assert DeltaTable(loc.uri).to_pyarrow_table(columns=["id"]).num_rows == want, f"{context}: delta-rs"
    return latest


def age(path, hours: float) -> None:
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


@pytest.mark.slow
def test_kill_9_during_appends_then_vacuum(medallion, tmp_path, inputs):
    loc = local_location(tmp_path / "crash")
    medallion.create(loc, SCHEMA_FLAG + ",payload:string", partition_by=["country"])
    source = inputs(crash_input())

    # Calibrate the kill window on this machine so kills land while the
    # writer is still at work: start-up plus most of its REPEAT commits.
    def timed_append(repeat: int) -> float:
        started = time.monotonic()
        medallion.append(loc, source, repeat=repeat)
        return time.monotonic() - started

    one, six = timed_append(1), timed_append(6)
    per_commit = max((six - one) / 5, 0.001)
    startup = max(one - per_commit, 0.0)
    # Kills land from late start-up to past the middle of the commits, so a
    # machine that gets faster between calibration and kill still sees most
    # writers die mid-run.
    earliest, latest_kill = 0.3 * startup, startup + 0.6 * REPEAT * per_commit

    rng = random.Random(SEED)
    killed = 0
    for round_no in range(ROUNDS):
        before = delta_log.commit_versions(loc)[-1]
        proc = medallion.popen(*medallion.append_args(loc, source, repeat=REPEAT),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        delay = rng.uniform(earliest, latest_kill)
        try:
            proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            killed += 1
        _, err = proc.communicate(timeout=60)
        if proc.returncode != -signal.SIGKILL:
            assert proc.returncode == 0, f"round {round_no}: writer failed:\n{err.decode()[-2000:]}"
        latest = assert_consistent(medallion, loc, f"round {round_no} (seed {SEED}, kill after {delay:.3f}s)")
        assert latest >= before
    assert killed >= ROUNDS // 2, (f"only {killed} of {ROUNDS} writers were killed mid-run; "
                                   f"window {earliest:.3f}..{latest_kill:.3f}s")
    print(f"\ncrash: {killed} kills, {delta_log.commit_versions(loc)[-1]} commits, "
          f"start-up {startup * 1000:.0f} ms, {per_commit * 1000:.0f} ms per commit", file=sys.stderr)

    # Orphans: whatever the kills left, plus two planted ones so the check
    # never depends on luck: a whole copy and a torn (truncated) file.
    referenced = delta_log.referenced_files(loc)
    on_disk = delta_log.data_files_on_disk(loc)
    assert referenced <= on_disk, f"referenced files missing: {sorted(referenced - on_disk)[:5]}"
    some_file = sorted(referenced)[0]
    partition_dir = os.path.dirname(some_file)
    planted = [f"{partition_dir}/part-planted-orphan.parquet", f"{partition_dir}/part-planted-torn.parquet"]
    shutil.copyfile(loc.path(some_file), loc.path(planted[0]))
    loc.write_bytes(planted[1], loc.read_bytes(some_file)[:1000])
    for p in planted:
        age(loc.path(p), 2)
    orphans = delta_log.data_files_on_disk(loc) - referenced
    assert set(planted) <= orphans
    print(f"crash: {len(orphans) - len(planted)} orphaned data files left by the kills", file=sys.stderr)

    before = loc.snapshot_of_files()
    dry = medallion.run("table", "vacuum", loc.uri, "--retention-hours", "0", "--dry-run")
    assert loc.snapshot_of_files() == before, "vacuum --dry-run changed files"
    for p in planted:
        assert os.path.basename(p) in dry.stdout, f"dry run does not list {p}:\n{dry.stdout[-2000:]}"

    latest = delta_log.commit_versions(loc)[-1]
    medallion.run("table", "vacuum", loc.uri, "--retention-hours", "0")
    assert delta_log.data_files_on_disk(loc) == referenced
    assert delta_log.referenced_files(loc) == referenced
    assert_consistent(medallion, loc, "after vacuum", maintenance_from=latest + 1)
