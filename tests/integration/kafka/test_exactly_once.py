"""Issue 4 acceptance: Kafka -> Bronze exactly once against a real broker.

Each test starts its own broker (see conftest.py), produces `orders` events,
runs `medallion ingest` the way an operator would (separate processes,
signals, kill -9), and compares Bronze with the topic read back by kcat:
by (partition, offset), by value bytes and by event_id.

    MEDALLION_BUILD_DIR=build-x pytest tests/integration/kafka/test_exactly_once.py
    MEDALLION_KAFKA_EVENTS=100000 ...   # quicker than the 1 M default
"""
from __future__ import annotations

import random
import subprocess
import time

import pytest
from conftest import (EVENTS, KCAT_FORMAT, assert_exactly_once, describe, ingest_args, listening_pid, parse_kcat,
                      produce_args, progress_records, start, stop, tail, topic_contents, wait_for_rows)

# Live orders per second while the fault tests run: enough that every
# ingest incarnation has records to write, little enough for two cores.
LIVE_RATE = "2000"


def test_one_million_events_land_exactly_once(broker, medallion, kcat, tmp_path):
    t0 = time.monotonic()
    # 400 days of history is more than a million events; --max-events cuts it.
    out = subprocess.run(produce_args(medallion, broker.bootstrap, "--history-days", "400",
                                      "--max-events", str(EVENTS)),
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    t_produce = time.monotonic() - t0

    produced = topic_contents(kcat, broker.bootstrap)
    assert len(produced) == EVENTS
    assert {p for p, _ in produced} == set(range(6)), "the topic should have 6 partitions"

    lake = tmp_path / "lake"
    t0 = time.monotonic()
    out = subprocess.run(ingest_args(medallion, broker.bootstrap, lake, "--until-idle"),
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    t_ingest = time.monotonic() - t0
    print(f"produced {EVENTS} in {t_produce:.1f}s, ingested in {t_ingest:.1f}s")

    table = lake / "bronze" / "orders"
    d = describe(medallion, table)
    assert d["num_rows"] == EVENTS
    # The txn per partition is the last offset written: the resume point.
    last = {p: max(o for q, o in produced if q == p) for p in range(6)}
    assert d["txns"] == {f"medallion-ingest-orders-{p}": last[p] for p in range(6)}
    assert_exactly_once(produced, table)

    # Ingesting again finds nothing new: Bronze does not change.
    out = subprocess.run(ingest_args(medallion, broker.bootstrap, lake, "--until-idle"),
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    assert describe(medallion, table)["version"] == d["version"]


def commits(table):
    log = table / "_delta_log"
    return len(list(log.glob("*.json"))) if log.exists() else 0


def finish_producer(producer, log):
    assert stop(producer, timeout=120) == 0, tail(log)


def test_kill_9_twenty_times_while_producing(broker, medallion, kcat, tmp_path):
    rng = random.Random(20)
    lake = tmp_path / "lake"
    table = lake / "bronze" / "orders"
    plog = tmp_path / "produce.log"
    producer = start(produce_args(medallion, broker.bootstrap, "--history-days", "0", "--rate", LIVE_RATE,
                                  "--duration", "3600"), plog)
    moments = []
    for i in range(20):
        log = tmp_path / f"ingest-{i}.log"
        before = commits(table)
        t0 = time.monotonic()
        ingest = start(ingest_args(medallion, broker.bootstrap, lake), log)
        if i % 2 == 0:
            # Anywhere in a life: start-up, joining the group, polling, writing.
            time.sleep(rng.uniform(0.2, 12))
        else:
            # Mid-work: some time after this incarnation's first commit.
            deadline = time.monotonic() + 90
            while commits(table) == before and time.monotonic() < deadline and ingest.poll() is None:
                time.sleep(0.05)
            assert commits(table) > before, f"incarnation {i} never committed:\n{tail(log)}"
            time.sleep(rng.uniform(0, 1.5))
        assert ingest.poll() is None, f"ingest {i} exited by itself ({ingest.returncode}):\n{tail(log)}"
        ingest.kill()
        ingest.wait()
        moments.append(round(time.monotonic() - t0, 1))
        assert producer.poll() is None, tail(plog)
    print(f"killed ingest at {moments} s after each start; {commits(table)} commits so far")
    finish_producer(producer, plog)
    assert commits(table) > 10, "the killed incarnations should have committed work"

    produced = topic_contents(kcat, broker.bootstrap)
    out = subprocess.run(ingest_args(medallion, broker.bootstrap, lake, "--until-idle"),
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    print(f"{len(produced)} records produced")
    assert_exactly_once(produced, table)


def test_broker_restart_mid_ingest(broker, medallion, kcat, tmp_path):
    lake = tmp_path / "lake"
    table = lake / "bronze" / "orders"
    plog, ilog = tmp_path / "produce.log", tmp_path / "ingest.log"
    producer = start(produce_args(medallion, broker.bootstrap, "--history-days", "0", "--rate", LIVE_RATE,
                                  "--duration", "60"), plog)
    ingest = start(ingest_args(medallion, broker.bootstrap, lake), ilog)
    wait_for_rows(medallion, table, 1, 120, alive=[(ingest, ilog), (producer, plog)])
    time.sleep(2)
    broker.stop()
    rows_at_stop = describe(medallion, table)["num_rows"]
    time.sleep(5)
    broker.start()
    assert producer.wait(timeout=300) == 0, tail(plog)
    produced = topic_contents(kcat, broker.bootstrap)
    # Ingest is never restarted: it must find the broker again by itself.
    wait_for_rows(medallion, table, len(produced), 240, alive=[(ingest, ilog)])
    assert stop(ingest) == 0, tail(ilog)
    assert rows_at_stop < len(produced), "the restart should fall in the middle of the ingest"
    assert_exactly_once(produced, table)


def test_scale_out_survivor_takes_over(broker, medallion, kcat, tmp_path):
    from deltalake import DeltaTable

    lake = tmp_path / "lake"
    table = lake / "bronze" / "orders"
    plog, alog, blog = tmp_path / "produce.log", tmp_path / "ingest-a.log", tmp_path / "ingest-b.log"
    producer = start(produce_args(medallion, broker.bootstrap, "--history-days", "0", "--rate", LIVE_RATE,
                                  "--duration", "60"), plog)
    a = start(ingest_args(medallion, broker.bootstrap, lake), alog)
    b = start(ingest_args(medallion, broker.bootstrap, lake), blog)
    deadline = time.monotonic() + 120
    while not (progress_records(alog) > 0 and progress_records(blog) > 0):
        assert time.monotonic() < deadline, f"both members should write:\n{tail(alog)}\n{tail(blog)}"
        assert a.poll() is None and b.poll() is None, tail(alog) + tail(blog)
        time.sleep(0.5)
    time.sleep(2)
    a.kill()
    a.wait()
    killed_at = time.time()
    assert producer.wait(timeout=300) == 0, tail(plog)
    produced = topic_contents(kcat, broker.bootstrap)
    wait_for_rows(medallion, table, len(produced), 240, alive=[(b, blog)])
    assert stop(b) == 0, tail(blog)
    assert_exactly_once(produced, table)

    # After the kill (and the session timeout) the survivor wrote every
    # partition, the dead member's included.
    t = DeltaTable(str(table)).to_pyarrow_table(columns=["partition", "ingest_time"]).to_pylist()
    late = {r["partition"] for r in t if r["ingest_time"].timestamp() > killed_at + 15}
    assert late == set(range(6)), f"partitions written by the survivor after the kill: {sorted(late)}"


def test_embedded_cluster_one_million_without_java(medallion, kcat, tmp_path):
    lake = tmp_path / "lake"
    table = lake / "bronze" / "orders"
    plog, ilog = tmp_path / "produce.log", tmp_path / "ingest.log"
    address = tmp_path / "bootstrap"
    producer = start([medallion, "--log-format", "json", "produce", "--topic", "orders", "--bootstrap", "embedded",
                      "--bootstrap-file", str(address), "--seed", "7", "--history-end", "2025-06-01",
                      "--history-days", "400", "--bad-fraction", "0", "--max-events", str(EVENTS)], plog)
    try:
        deadline = time.monotonic() + 60
        while not (address.exists() and address.read_text().endswith("\n")):
            assert producer.poll() is None and time.monotonic() < deadline, tail(plog)
            time.sleep(0.1)
        bootstrap = address.read_text().strip()
        port = int(bootstrap.split(",")[0].rsplit(":", 1)[1])
        # The cluster lives inside the producer process: no broker, no Java.
        assert listening_pid(port) == producer.pid

        # kcat reads along as a plain (group-less) consumer: the embedded log
        # is bounded, so the truth must be captured while it is produced.
        truth = tmp_path / "topic.kcat"
        with open(truth, "wb") as f:
            reader = subprocess.Popen([kcat, "-b", bootstrap, "-C", "-t", "orders", "-o", "beginning", "-q",
                                       "-f", KCAT_FORMAT], stdout=f, stderr=subprocess.DEVNULL)
        ingest = start(ingest_args(medallion, bootstrap, lake), ilog)
        t0 = time.monotonic()
        wait_for_rows(medallion, table, EVENTS, 900, alive=[(ingest, ilog), (producer, plog)])
        print(f"embedded: {EVENTS} events produced and ingested in {time.monotonic() - t0:.1f}s")
        assert "done producing" in plog.read_text()
        assert stop(ingest) == 0, tail(ilog)
        time.sleep(2)  # kcat has had everything for a while; let it write the last records
        stop(reader)
        produced = parse_kcat(truth.read_bytes())
        assert len(produced) == EVENTS, f"kcat saw {len(produced)} records"
        assert "data loss" not in ilog.read_text().lower()
        assert_exactly_once(produced, table)
    finally:
        assert stop(producer) == 0, tail(plog)
