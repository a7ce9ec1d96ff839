"""Helpers for the Bronze -> Silver acceptance tests (issue 5).

Binaries come from MEDALLION_BUILD_DIR (default build/); MEDALLION_BIN
overrides the medallion binary alone. Bronze is made either the real way
(`medallion produce --bootstrap embedded` + `medallion ingest`) or, for the
fixed corpus, written directly with pyarrow + deltalake in Bronze's shape.
"""
from __future__ import annotations

import base64
import datetime as dt
import json
import os
import subprocess
import time
from pathlib import Path

import pyarrow as pa

REPO = Path(__file__).resolve().parents[3]
BUILD = Path(os.environ.get("MEDALLION_BUILD_DIR", REPO / "build"))
if not BUILD.is_absolute():
    BUILD = REPO / BUILD
SUITE = REPO / "config" / "quality" / "orders_suite.yaml"
CORPUS = REPO / "tests" / "data" / "bronze_corpus" / "corpus.jsonl"
CORPUS_INGEST_TIME = dt.datetime(2025, 6, 1, tzinfo=dt.timezone.utc)


def run(args: list, timeout: float = 300, check: bool = True) -> subprocess.CompletedProcess:
    out = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=timeout)
    if check:
        assert out.returncode == 0, f"$ {' '.join(map(str, args))}\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}"
    return out


def silver_args(medallion: str, lake: Path, *extra) -> list:
    return [medallion, "--log-format", "json", "silver", "--entity", "orders", "--bronze", lake / "bronze" / "orders",
            "--silver", lake / "silver" / "orders", "--suite", SUITE, *extra]


def read_delta(path: Path) -> pa.Table:
    from deltalake import DeltaTable
    return DeltaTable(str(path)).to_pyarrow_table()


def headers_of(row) -> dict:
    return {k: v for k, v in (row["headers"] or [])}


def produce_and_ingest(medallion: str, lake: Path, tmp: Path, *produce_extra: str,
                       group: str = "medallion-ingest", batch_records: int = 200) -> None:
    """Embedded cluster in the producer process; ingest drains it into Bronze."""
    address = tmp / "bootstrap"
    plog = open(tmp / "produce.log", "ab")
    producer = subprocess.Popen([medallion, "--log-format", "json", "produce", "--topic", "orders", "--bootstrap",
                                 "embedded", "--bootstrap-file", str(address), "--history-end", "2025-06-01",
                                 "--partitions", "3", *produce_extra], stdout=plog, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while not (address.exists() and address.read_text().endswith("\n")):
            assert producer.poll() is None and time.monotonic() < deadline, (tmp / "produce.log").read_text()[-3000:]
            time.sleep(0.1)
        bootstrap = address.read_text().strip()
        deadline = time.monotonic() + 120
        while "done producing" not in (tmp / "produce.log").read_text():
            assert producer.poll() is None and time.monotonic() < deadline, (tmp / "produce.log").read_text()[-3000:]
            time.sleep(0.2)
        run([medallion, "--log-format", "json", "ingest", "--topic", "orders", "--bootstrap", bootstrap, "--lake",
             lake, "--until-idle", "--max-batch-records", str(batch_records), "--group", group], timeout=300)
    finally:
        producer.terminate()
        producer.wait(60)
        plog.close()


def load_corpus() -> list[dict]:
    rows = [json.loads(line) for line in CORPUS.read_text().splitlines()[1:] if line.strip()]
    for r in rows:
        r["value"] = base64.b64decode(r["value_b64"])
    return rows


def write_corpus_bronze(table: Path, corpus: list[dict], first_offset: int = 0) -> None:
    """The corpus as a Bronze commit, one record per line at offsets first_offset.. on."""
    from deltalake import write_deltalake
    ts = pa.timestamp("us", tz="UTC")
    n = len(corpus)
    data = pa.table({
        "topic": pa.array(["orders"] * n, pa.string()),
        "partition": pa.array([0] * n, pa.int32()),
        "offset": pa.array(range(first_offset, first_offset + n), pa.int64()),
        "kafka_timestamp": pa.array([CORPUS_INGEST_TIME] * n, ts),
        "key": pa.array([b"P00001"] * n, pa.binary()),
        "value": pa.array([r["value"] for r in corpus], pa.binary()),
        "headers": pa.array([[("corpus.name", r["name"].encode())] for r in corpus], pa.map_(pa.string(), pa.binary())),
        "ingest_time": pa.array([CORPUS_INGEST_TIME] * n, ts),
        "ingest_date": pa.array([CORPUS_INGEST_TIME.date()] * n, pa.date32()),
    })
    write_deltalake(str(table), data, partition_by=["ingest_date"], mode="append")
