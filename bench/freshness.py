#!/usr/bin/env python3
"""bench/freshness: event -> Gold latency of `medallion stream` against Spark
Structured Streaming (issue 5). A benchmark, not a test.

The broker: by default one real Apache Kafka broker (KRaft, scripts/kafka,
its own data dir and port; a fresh one for each side), because Spark's
Kafka client could not be served reliably by the embedded librdkafka mock
cluster (it hung at start-up under load). `--broker embedded` keeps the
in-process mock cluster for medallion-only smoke runs. The producer is not
throttled by consumer lag on the real broker (on either side): a consumer
that falls behind shows it as latency.

(m) medallion: `medallion produce` produces live `orders` at --rate
    events/s for --seconds; `medallion ingest` writes Bronze, flushing every
    --flush-ms (its --max-batch-ms; the default 1 s alone would eat the
    latency budget; 100 ms here: ten Bronze commits a second, which the
    stream's incremental tail absorbs); `medallion stream` runs Bronze -> Silver -> Gold with
    --trigger-ms. Latency of an event = the
    commit time of the Gold commit that first made it visible (in
    gold/revenue_city_hourly, the table the Spark side maintains too, whose
    txn gold-revenue_city_hourly reached the Silver version holding the
    event; medallion grows it by the new rows on every trigger and
    recomputes the daily tables on a thread of its own every 2 s) minus the
    event's Kafka timestamp
    (set by the producer when it produced the event). Computed exactly from
    the Delta logs and Silver's kafka_timestamp, and printed beside
    stream_status.json's histogram (which must agree).
(s) Spark: the same producer on a fresh broker; Spark Structured
    Streaming (local[2], spark-sql-kafka, delta-spark) parses the JSON and
    upserts revenue_city_hourly into Delta with foreachBatch + MERGE at the
    same trigger. Latency of an event = end of the MERGE of its micro-batch
    minus its Kafka timestamp.

Both report all events and the steady state (events produced after the
first --warmup seconds: group join, JVM start and backlog excluded), and the
CPU seconds each process (producer, broker, ingest, stream, Spark JVM)
spent, per event, read from /proc before it is stopped.

    python bench/freshness.py [--rate 50000] [--seconds 60] [--trigger-ms 250]
        [--flush-ms 100] [--broker kafka|embedded] [--build build] [--no-spark]
        [--results bench/RESULTS.md]
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "integration" / "kafka"))
from kafka_ports import free_port_pair  # noqa: E402
SPARK_KAFKA = "org.apache.spark:spark-sql-kafka-0-10_2.13:{spark}"
DELTA_SPARK = "io.delta:delta-spark_{minor}_2.13:4.4.0"  # as bench/ingest.py


def percentiles(values: list[float]) -> dict:
    if not values:
        return {"count": 0, "p50": float("nan"), "p99": float("nan"), "max": float("nan")}
    values = sorted(values)

    def q(p: float) -> float:
        return values[min(len(values) - 1, int(p * (len(values) - 1) + 0.5))]

    return {"count": len(values), "p50": q(0.50), "p99": q(0.99), "max": values[-1]}


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU of a process so far (all its threads); 0 if gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, TypeError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Broker:
    """A fresh KRaft broker (scripts/kafka) in `data_dir`, or nothing for the
    embedded cluster (the producer process then serves it)."""

    def __init__(self, kind: str, data_dir: Path):
        self.kind, self.bootstrap, self.pid = kind, "embedded", None
        if kind != "kafka":
            return
        port = free_port_pair()
        self.cmd = [str(REPO / "scripts" / "kafka"), "--data-dir", str(data_dir), "--port", str(port)]
        subprocess.run([self.cmd[0], "start", *self.cmd[1:]], check=True, stdout=subprocess.DEVNULL)
        self.bootstrap = f"127.0.0.1:{port}"
        self.pid = int((data_dir / "kafka.pid").read_text().strip())

    def stop(self) -> None:
        if self.kind == "kafka":
            subprocess.run([self.cmd[0], "stop", *self.cmd[1:]], stdout=subprocess.DEVNULL)


def start_producer(medallion: Path, work: Path, rate: int, seconds: int, tag: str, broker: Broker, lag_group: str,
                   max_lag: int):
    """Live producer (and the embedded cluster if asked); returns (process, bootstrap, log path)."""
    log = work / f"produce-{tag}.log"
    command = [str(medallion), "--log-format", "json", "produce", "--topic", "orders", "--bootstrap",
               broker.bootstrap, "--history-days", "0", "--rate", str(rate), "--duration", str(seconds),
               "--bad-fraction", "0"]
    if broker.kind != "kafka":
        address = work / f"bootstrap-{tag}"
        command += ["--bootstrap-file", str(address), "--partitions", "6", "--max-lag", str(max_lag),
                    "--lag-group", lag_group]
        proc = subprocess.Popen(command, stdout=open(log, "wb"), stderr=subprocess.STDOUT)
    else:
        proc = subprocess.Popen(command + ["--max-lag", "0"], stdout=open(log, "wb"), stderr=subprocess.STDOUT)
        return proc, broker.bootstrap, log
    deadline = time.monotonic() + 60
    while not (address.exists() and address.read_text().endswith("\n")):
        if proc.poll() is not None or time.monotonic() > deadline:
            sys.exit(f"producer did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.1)
    return proc, address.read_text().strip(), log


def wait_done(proc, log: Path, timeout: float) -> float:
    """Until the producer has produced everything (a real-broker producer
    exits then; the embedded one logs it and keeps serving). Returns its CPU
    seconds (last seen alive: an exited process has no /proc entry)."""
    deadline = time.monotonic() + timeout
    cpu = 0.0
    while "done producing" not in log.read_text():
        cpu = max(cpu, cpu_seconds(proc.pid))
        if proc.poll() == 0:
            return cpu
        if proc.poll() is not None or time.monotonic() > deadline:
            sys.exit(f"producer did not finish:\n{log.read_text()[-3000:]}")
        time.sleep(0.2)
    return max(cpu, cpu_seconds(proc.pid))


def stop(proc) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def read_log(table: Path) -> list[tuple[int, list[dict]]]:
    out = []
    for f in sorted((table / "_delta_log").glob("*.json")):
        out.append((int(f.stem), [json.loads(line) for line in f.read_text().splitlines() if line.strip()]))
    return out


def medallion_latencies(lake: Path) -> list[tuple[int, float]]:
    """(kafka timestamp ms, event -> Gold ms) for every Silver order row."""
    import pyarrow.parquet as pq

    # When each Silver version became visible in Gold: the first commit of
    # revenue_city_hourly whose txn covers it.
    visible = []  # (silver version consumed, commit time ms), in commit order
    for _, actions in read_log(lake / "gold" / "revenue_city_hourly"):
        txn = next((a["txn"] for a in actions if "txn" in a and a["txn"]["appId"] == "gold-revenue_city_hourly"),
                   None)
        info = next((a["commitInfo"] for a in actions if "commitInfo" in a), None)
        if txn and info:
            visible.append((txn["version"], info["timestamp"]))
    out = []
    silver = lake / "silver" / "orders"
    for version, actions in read_log(silver):
        at = next((t for v, t in visible if v >= version), None)
        if at is None:
            continue
        for a in actions:
            if "add" not in a or not a["add"].get("dataChange", True):
                continue
            ts = pq.read_table(silver / a["add"]["path"], columns=["kafka_timestamp"]).column(0)
            for value in ts.cast("int64").to_pylist():
                if value is not None:
                    out.append((value // 1000, at - value / 1000))
    return out


def run_medallion(medallion: Path, work: Path, args) -> dict:
    lake = work / "lake"
    broker = Broker(args.broker, work / "kafka-medallion")
    try:
        producer, bootstrap, plog = start_producer(medallion, work, args.rate, args.seconds, "medallion", broker,
                                                   "bench-fresh", max(20_000, args.rate * 2))
    except BaseException:
        broker.stop()
        raise
    started_ms = time.time() * 1000
    ingest = subprocess.Popen([str(medallion), "--log-format", "json", "ingest", "--topic", "orders", "--bootstrap",
                               bootstrap, "--lake", str(lake), "--group", "bench-fresh", "--max-batch-ms",
                               str(args.flush_ms)], stdout=open(work / "ingest.log", "wb"), stderr=subprocess.STDOUT)
    stream = subprocess.Popen([str(medallion), "--log-format", "json", "stream", "--lake", str(lake), "--entities",
                               "orders", "--suite", str(REPO / "config" / "quality" / "orders_suite.yaml"),
                               "--trigger-ms", str(args.trigger_ms), "--status-ms", "1000"],
                              stdout=open(work / "stream.log", "wb"), stderr=subprocess.STDOUT)
    cpu = {}
    try:
        cpu["producer"] = wait_done(producer, plog, args.seconds + 300)
        # Let ingest and stream drain what was produced.
        status_file = lake / "_runs" / "stream_status.json"
        last, still = -1, 0
        while still < 3:
            time.sleep(1)
            rows = json.loads(status_file.read_text())["layers"]["gold"]["rows_in"] if status_file.exists() else -1
            still = still + 1 if rows == last else 0
            last = rows
        for name, p in (("ingest", ingest), ("stream", stream)):
            if p.poll() is not None:
                print(f"medallion {name} exited early ({p.returncode}):\n"
                      f"{(work / f'{name}.log').read_text()[-3000:]}", file=sys.stderr)
        cpu.update(ingest=cpu_seconds(ingest.pid), stream=cpu_seconds(stream.pid))
        if broker.pid:
            cpu["broker"] = cpu_seconds(broker.pid)
    finally:
        for p in (stream, ingest, producer):
            stop(p)
        broker.stop()
    status = json.loads((lake / "_runs" / "stream_status.json").read_text())
    lat = medallion_latencies(lake)
    warm = started_ms + args.warmup * 1000
    return {"all": percentiles([l for _, l in lat]), "steady": percentiles([l for t, l in lat if t >= warm]),
            "histogram": status["freshness_ms"], "throughput": status["throughput_rows_per_s"], "cpu": cpu,
            "events": len(lat)}


def run_spark(medallion: Path, work: Path, args) -> dict:
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    import pyspark
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    minor = ".".join(pyspark.__version__.split(".")[:2])
    out = work / "spark"
    spark = (
        SparkSession.builder.master("local[2]").appName("bench-freshness")
        .config("spark.jars.ivy", str(REPO / ".cache" / "ivy"))
        .config("spark.jars.packages", f"{SPARK_KAFKA.format(spark=pyspark.__version__)},"
                                       f"{DELTA_SPARK.format(minor=minor)}")
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.memory", "2g").config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        # The default thread stack overflowed in java.util.regex inside the stream
        # execution thread (a deep regex recursion at query start).
        .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={out} -Xss64m")
        .config("spark.sql.warehouse.dir", str(out / "warehouse"))
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    schema = T.StructType([T.StructField(n, t) for n, t in [
        ("event_id", T.StringType()), ("event_type", T.StringType()), ("event_time", T.StringType()),
        ("customer_id", T.StringType()), ("product_id", T.StringType()), ("category", T.StringType()),
        ("city", T.StringType()), ("country", T.StringType()), ("quantity", T.LongType()),
        ("unit_price", T.DoubleType()), ("currency", T.StringType()), ("promo", T.BooleanType()),
        ("store_id", T.StringType())]])
    gold = str(out / "revenue_city_hourly")
    spark.createDataFrame([], "event_date date, hour timestamp, city string, country string, orders long, "
                              "units long, revenue double").write.format("delta").partitionBy("event_date").save(gold)
    from delta.tables import DeltaTable
    target = DeltaTable.forPath(spark, gold)
    latencies: list[tuple[int, float]] = []

    def upsert(batch, batch_id):
        batch.persist()
        agg = (batch.where("event_type = 'order_created'")
               .groupBy("event_date", "hour", "city", "country")
               .agg(F.count("*").alias("orders"), F.sum("quantity").alias("units"),
                    F.sum(F.col("quantity") * F.col("unit_price")).alias("revenue")))
        (target.alias("t").merge(agg.alias("s"), "t.event_date = s.event_date AND t.hour = s.hour AND "
                                                 "t.city = s.city AND t.country = s.country")
         .whenMatchedUpdate(set={"orders": "t.orders + s.orders", "units": "t.units + s.units",
                                 "revenue": "t.revenue + s.revenue"})
         .whenNotMatchedInsertAll().execute())
        done = time.time() * 1000
        stamps = batch.select(F.unix_millis("kafka_timestamp").alias("ms")).collect()
        latencies.extend((r.ms, done - r.ms) for r in stamps)
        batch.unpersist()

    broker = Broker(args.broker, work / "kafka-spark")
    jvm_pid = spark.sparkContext._jvm.ProcessHandle.current().pid()
    cpu0 = cpu_seconds(jvm_pid)
    try:
        producer, bootstrap, plog = start_producer(medallion, work, args.rate, args.seconds, "spark", broker, "none",
                                                   0)  # Spark commits no group offsets: no back-pressure
    except BaseException:
        broker.stop()
        raise
    started_ms = time.time() * 1000
    events = (spark.readStream.format("kafka").option("kafka.bootstrap.servers", bootstrap)
              .option("subscribe", "orders").option("startingOffsets", "earliest").load()
              .select(F.col("timestamp").alias("kafka_timestamp"),
                      F.from_json(F.col("value").cast("string"), schema).alias("e"))
              .select("kafka_timestamp", "e.*")
              .withColumn("event_time", F.to_timestamp("event_time"))
              .withColumn("event_date", F.to_date("event_time"))
              .withColumn("hour", F.date_trunc("hour", "event_time")))
    query = (events.writeStream.foreachBatch(upsert).option("checkpointLocation", str(out / "checkpoint"))
             .trigger(processingTime=f"{args.trigger_ms} milliseconds").start())
    cpu = {}
    try:
        cpu["producer"] = wait_done(producer, plog, args.seconds + 300)
        # Until Spark has merged every produced event, or made no progress
        # for 60 s: a loaded machine can take many seconds per micro-batch.
        expected = int(args.rate * args.seconds * 0.999)
        last, still = -1, 0
        while still < 30 and query.isActive and len(latencies) < expected:
            time.sleep(2)
            still = still + 1 if len(latencies) == last else 0
            last = len(latencies)
        if not query.isActive and query.exception():
            print(f"Spark query failed: {query.exception()}", file=sys.stderr)
        cpu["spark"] = cpu_seconds(jvm_pid) - cpu0
        if broker.pid:
            cpu["broker"] = cpu_seconds(broker.pid)
    finally:
        query.stop()
        stop(producer)
        broker.stop()
        spark.stop()
    warm = started_ms + args.warmup * 1000
    return {"all": percentiles([l for _, l in latencies]),
            "steady": percentiles([l for t, l in latencies if t >= warm]), "cpu": cpu, "events": len(latencies)}


def fmt(p: dict) -> str:
    return f"p50 {p['p50']:,.0f} ms, p99 {p['p99']:,.0f} ms, max {p['max']:,.0f} ms ({p['count']:,} events)"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rate", type=int, default=50_000, help="events per second produced")
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--trigger-ms", type=int, default=250)
    ap.add_argument("--warmup", type=float, default=10, help="seconds excluded from the steady-state figures")
    ap.add_argument("--flush-ms", type=int, default=100, help="medallion ingest --max-batch-ms")
    ap.add_argument("--broker", choices=["kafka", "embedded"], default="kafka",
                    help="a real KRaft broker (scripts/kafka) or the embedded mock cluster")
    ap.add_argument("--build", default=os.environ.get("MEDALLION_BUILD_DIR", "build"))
    ap.add_argument("--no-spark", action="store_true")
    ap.add_argument("--results", help="append the figures to this Markdown file (e.g. bench/RESULTS.md)")
    args = ap.parse_args()
    build = Path(args.build) if Path(args.build).is_absolute() else REPO / args.build
    medallion = Path(os.environ.get("MEDALLION_BIN", build / "medallion")).absolute()
    if not os.access(medallion, os.X_OK):
        sys.exit(f"{medallion} is missing: ninja -C {build} medallion")

    work = Path(tempfile.mkdtemp(prefix="bench-freshness-"))
    m = run_medallion(medallion, work, args)
    s = None if args.no_spark else run_spark(medallion, work, args)
    lines = [f"{args.rate:,} events/s for {args.seconds} s, trigger {args.trigger_ms} ms, "
             f"steady state = events after the first {args.warmup:.0f} s", "",
             "| run | events | p50 ms | p99 ms | max ms | steady p50 ms | steady p99 ms |",
             "|---|---:|---:|---:|---:|---:|---:|"]

    def row(name, r):
        a, st = r["all"], r["steady"]
        return (f"| {name} | {a['count']:,} | {a['p50']:,.0f} | {a['p99']:,.0f} | {a['max']:,.0f} | "
                f"{st['p50']:,.0f} | {st['p99']:,.0f} |")

    lines.append(row("medallion stream (event -> Gold)", m))
    if s:
        lines.append(row("Spark Structured Streaming foreachBatch MERGE", s))
    lines.append("")
    h = m["histogram"]
    lines.append(f"- medallion's own histogram (_runs/stream_status.json): p50 {h['p50']:,.0f} ms, "
                 f"p99 {h['p99']:,.0f} ms over {h['count']:,} rows (bucketed); Silver throughput "
                 f"{m['throughput']:,.0f} rows/s over the run")
    for name, r in (("medallion", m), ("Spark", s)):
        if r and r["events"]:
            lines.append(f"- CPU per event, {name}: " + ", ".join(
                f"{stage} {seconds:.1f} s = {seconds / r['events'] * 1e6:.1f} us" for stage, seconds in r["cpu"].items()))
    lines.append(f"- target p99 <= 1000 ms (steady state): {'met' if m['steady']['p99'] <= 1000 else 'missed'}")
    if s and s["steady"]["count"] and m["steady"]["count"]:
        lines.append(f"- Spark / medallion steady p99: {s['steady']['p99'] / m['steady']['p99']:.1f}x, "
                     f"p50: {s['steady']['p50'] / m['steady']['p50']:.1f}x")
    lines.append(f"- load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())} "
                 f"({os.cpu_count()} cores; broker: {args.broker})")
    report = "\n".join(lines)
    print(report)
    if args.results:
        cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines()
                    if l.startswith("model name")), platform.processor())
        load = os.getloadavg()[0]
        header = (f"\n## freshness (bench/freshness.py) - {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC\n\n"
                  f"Machine: {os.cpu_count()} cores ({cpu}), load average {load:.1f} at the end (shared with "
                  f"other workers); broker {args.broker}, 6 partitions.\n\n")
        with open(args.results if Path(args.results).is_absolute() else REPO / args.results, "a") as f:
            f.write(header + report + "\n")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
