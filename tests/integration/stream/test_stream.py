"""Acceptance for `medallion stream` (issue 5): kill -9 at random moments
leaves Silver and Gold equal to an uninterrupted run; the status file; and
`medallion quality check --table` on the streamed Silver."""
from __future__ import annotations

import json
import random
import shutil
import signal
import subprocess
import time

import pytest

from stream_lake import GOLD_TABLES, SUITE, produce_and_ingest, read_delta, rows_of, run, stream_args


@pytest.fixture(scope="module")
def bronze_src(medallion, tmp_path_factory):
    src = tmp_path_factory.mktemp("stream_src")
    # Many small Bronze commits over three days: a long run to kill, several
    # dates for Gold to recompute.
    produce_and_ingest(medallion, src, src, "--seed", "7", "--history-days", "3", "--bad-fraction", "0.1",
                       "--heavy-bad-every", "0", "--max-events", "4000", "--daily-units", "1500",
                       batch_records=25)
    return src


def copy_bronze(src, lake):
    (lake / "bronze").mkdir(parents=True)
    shutil.copytree(src / "bronze" / "orders", lake / "bronze" / "orders")


def test_kill_9_of_stream_at_random_moments_matches_an_uninterrupted_run(medallion, bronze_src, tmp_path):
    reference, crashed = tmp_path / "reference", tmp_path / "crashed"
    for lake in (reference, crashed):
        copy_bronze(bronze_src, lake)
    out = run(stream_args(medallion, reference, "--until-idle", "--max-versions-per-batch", "2"))
    assert "freshness" in out.stdout

    rng = random.Random(55)
    kills = 0
    silver_log = crashed / "silver" / "orders" / "_delta_log"
    gold_log = crashed / "gold" / "revenue_city_hourly" / "_delta_log"
    for round_ in range(10):
        proc = subprocess.Popen([str(a) for a in stream_args(medallion, crashed, "--trigger-ms", "0",
                                                             "--max-versions-per-batch", "1")],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # Alternate the clock the kill waits on, Silver commits or Gold
        # commits, plus a random few milliseconds: kills land between Silver
        # and Gold, between Gold tables and inside commits.
        log = silver_log if round_ % 2 == 0 else gold_log
        start = len(list(log.glob("*.json"))) if log.exists() else 0
        target = start + rng.randint(1, 8)
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline:
            if log.exists() and len(list(log.glob("*.json"))) >= target:
                break
            time.sleep(0.005)
        time.sleep(rng.uniform(0, 0.05))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait(30)
    assert kills >= 5, f"only {kills} of 10 runs were still going when killed"
    run(stream_args(medallion, crashed, "--until-idle", "--max-versions-per-batch", "2"))

    for table in ["orders", "orders_quarantine"]:
        key = lambda r: (r["partition"], r["offset"])  # noqa: E731
        a = sorted(read_delta(crashed / "silver" / table).to_pylist(), key=key)
        b = sorted(read_delta(reference / "silver" / table).to_pylist(), key=key)
        assert a == b, f"silver/{table} differs after kill -9"
    for table in GOLD_TABLES:
        path = reference / "gold" / table
        if table == "late_events" and not path.exists():
            assert not (crashed / "gold" / table).exists()
            continue
        assert rows_of(crashed / "gold" / table) == rows_of(path), f"gold/{table} differs after kill -9"
    assert read_delta(reference / "gold" / "revenue_city_hourly").num_rows > 0


def test_status_file_and_quality_check_on_the_streamed_table(medallion, bronze_src, tmp_path):
    lake = tmp_path / "lake"
    copy_bronze(bronze_src, lake)
    run(stream_args(medallion, lake, "--until-idle"))
    status = json.loads((lake / "_runs" / "stream_status.json").read_text())
    silver = read_delta(lake / "silver" / "orders")
    assert status["layers"]["silver"]["rows_out"] == silver.num_rows
    assert status["freshness_ms"]["count"] == silver.num_rows
    assert status["freshness_ms"]["p50"] <= status["freshness_ms"]["p99"]
    assert status["layers"]["gold"]["commits"] > 0

    # The Silver suite holds on Silver (its rejects went to quarantine).
    ok = run([medallion, "quality", "check", "--table", lake / "silver" / "orders", "--suite", SUITE,
              "--format", "json"])
    result = json.loads(ok.stdout)
    assert result["success"] is True
    assert result["statistics"]["evaluated_expectations"] > 0
    # A filter and a version narrow the rows validated.
    first_day = min(silver.column("event_date").to_pylist()).isoformat()
    narrowed = run([medallion, "quality", "check", "--table", lake / "silver" / "orders", "--suite", SUITE,
                    "--where", f"event_date = '{first_day}'", "--version", "1", "--format", "json"])
    narrowed_rows = json.loads(narrowed.stdout)["results"][0]["result"].get("element_count")
    assert narrowed_rows is None or narrowed_rows < silver.num_rows

    # A suite that fails exits 1 and still prints the report.
    strict = tmp_path / "strict.yaml"
    strict.write_text("name: strict\nexpectations:\n  - type: expect_column_values_to_be_between\n"
                      "    column: quantity\n    min_value: 1\n    max_value: 1\n")
    failed = run([medallion, "quality", "check", "--table", lake / "silver" / "orders", "--suite", strict],
                 check=False)
    assert failed.returncode == 1, failed.stderr
    assert "FAIL" in failed.stdout
    bad = run([medallion, "quality", "check", "--table", lake / "nope", "--suite", strict], check=False)
    assert bad.returncode != 0 and "nope" in bad.stderr
