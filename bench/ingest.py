#!/usr/bin/env python3
"""bench/ingest: Kafka -> Bronze throughput against its anchors (issue 4).

One run, one real broker (scripts/kafka, own data dir and port), one topic
of N `orders` events on 6 partitions, read three ways, each from the
beginning with its own consumer group and its own output:

  (a) ingest_read_bench: a bare librdkafka consumer that only reads;
  (b) medallion ingest --until-idle into a Bronze Delta table;
  (c) Spark Structured Streaming (spark-sql-kafka + delta-spark), trigger
      availableNow, writing the same Bronze shape (topic, partition, offset,
      kafka_timestamp, key, value, headers map, ingest_time, ingest_date).

(a) and (b) run --repeat times (default 3), alternating a, b, a, b, ...,
each with a fresh group (and for (b) a fresh lake); the table holds each
one's median run (by wall time) and every run's time is printed beside it:
on a small VM one run of either moves by 10-20 % from scheduling alone.

Wall time covers the whole process (start-up and group join included) for
(a) and (b); for (c) it covers the streaming query only (Spark's JVM start
is reported apart). Peak RSS: (a) and (b) from wait4 via /usr/bin/time;
(c) the driver JVM's VmHWM plus the Python driver's. CPU seconds (user +
system, all threads): (a) and (b) from wait4; (c) the driver JVM's during
the query. On a shared machine the CPU ratio is the steadier figure: wall
time there measures the other jobs as much as the reader. (b) also reports
its own CPU split (polling thread with start-up, writer thread, librdkafka
and the rest), read from its last log line: it shows which side a change
moved, and costs two clock reads per batch.

    python bench/ingest.py [--events 1000000] [--repeat 3] [--build build] [--no-spark]
    [--results bench/RESULTS.md]   # appends a dated section there
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "integration" / "kafka"))
from kafka_ports import free_port_pair  # noqa: E402
SPARK_KAFKA = "org.apache.spark:spark-sql-kafka-0-10_2.13:{spark}"
DELTA_SPARK = "io.delta:delta-spark_{minor}_2.13:4.4.0"  # newest delta-spark jar for Spark 4.2 (see tests/interop)


def timed(args: list[str], **kw) -> tuple[float, float, int, str, str]:
    """(wall seconds, CPU seconds, peak RSS in MiB of the process, stdout, stderr)."""
    fmt = "__time__ %e %U %S %M"
    out = subprocess.run(["/usr/bin/time", "-f", fmt, *args], capture_output=True, text=True, **kw)
    if out.returncode != 0:
        sys.exit(f"{args[0]} failed ({out.returncode}):\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}")
    line = [l for l in out.stderr.splitlines() if l.startswith("__time__")][-1]
    _, wall, user, system, rss_kb = line.split()
    return float(wall), float(user) + float(system), int(rss_kb) // 1024, out.stdout, out.stderr


def median_run(runs: list[tuple]) -> tuple:
    """The run with the median wall time (the lower middle one of an even count)."""
    return sorted(runs, key=lambda r: r[0])[(len(runs) - 1) // 2]


def cpu_split(log: str) -> str:
    """(b)'s own account of its CPU per thread, from its last JSON log line."""
    for line in reversed(log.splitlines()):
        try:
            msg = json.loads(line).get("msg", "")
        except ValueError:
            continue
        if msg.startswith("cpu seconds:"):
            return msg
    return "cpu seconds: not reported"


def spark_ingest(bootstrap: str, out_dir: Path, events: int) -> dict:
    """(c): runs in this process; returns seconds (query only), start-up
    seconds, rows written and peak RSS."""
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    import pyspark
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    minor = ".".join(pyspark.__version__.split(".")[:2])
    packages = [SPARK_KAFKA.format(spark=pyspark.__version__), DELTA_SPARK.format(minor=minor)]
    t0 = time.monotonic()
    spark = (
        SparkSession.builder.master("local[2]").appName("bench-ingest")
        .config("spark.jars.ivy", str(REPO / ".cache" / "ivy"))
        .config("spark.jars.packages", ",".join(packages))
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.memory", "2g").config("spark.sql.shuffle.partitions", "2")
        .config("spark.databricks.delta.snapshotPartitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={out_dir}")
        .config("spark.sql.warehouse.dir", str(out_dir / "warehouse"))
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    startup = time.monotonic() - t0
    stream = (
        spark.readStream.format("kafka")
        .option("kafka.bootstrap.servers", bootstrap).option("subscribe", "orders")
        .option("startingOffsets", "earliest").option("includeHeaders", "true")
        .option("kafka.group.id", "bench-spark").load()
        .select(
            F.col("topic"), F.col("partition"), F.col("offset"), F.col("timestamp").alias("kafka_timestamp"),
            F.col("key"), F.col("value"),
            F.map_from_entries(F.col("headers")).alias("headers"),
            F.current_timestamp().alias("ingest_time"),
        )
        .withColumn("ingest_date", F.to_date("ingest_time"))
    )
    table = out_dir / "bronze_spark"
    jvm_pid = spark.sparkContext._jvm.ProcessHandle.current().pid()
    cpu0 = cpu_seconds(jvm_pid)
    t0 = time.monotonic()
    query = (stream.writeStream.format("delta").partitionBy("ingest_date")
             .option("checkpointLocation", str(out_dir / "checkpoint"))
             .trigger(availableNow=True).start(str(table)))
    query.awaitTermination()
    seconds = time.monotonic() - t0
    cpu = cpu_seconds(jvm_pid) - cpu0
    rows = spark.read.format("delta").load(str(table)).count()
    rss = vm_hwm_mib(jvm_pid) + vm_hwm_mib(os.getpid())
    spark.stop()
    if rows != events:
        sys.exit(f"Spark wrote {rows} rows, expected {events}")
    return {"seconds": seconds, "cpu": cpu, "startup": startup, "rows": rows, "rss_mib": rss}


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def vm_hwm_mib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--build", default=os.environ.get("MEDALLION_BUILD_DIR", "build"))
    ap.add_argument("--repeat", type=int, default=3, help="runs of (a) and (b) each; the median one is reported")
    ap.add_argument("--no-spark", action="store_true", help="skip anchor (c)")
    ap.add_argument("--results", help="append the figures to this Markdown file (e.g. bench/RESULTS.md)")
    args = ap.parse_args()
    build = Path(args.build) if Path(args.build).is_absolute() else REPO / args.build
    medallion = Path(os.environ.get("MEDALLION_BIN", build / "medallion")).absolute()
    reader = build / "bench" / "ingest_read_bench"
    for b, target in ((medallion, "medallion"), (reader, "ingest_read_bench")):
        if not os.access(b, os.X_OK):
            sys.exit(f"{b} is missing: ninja -C {build} {target}")

    work = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    port = free_port_pair()
    kafka = [str(REPO / "scripts" / "kafka"), "--data-dir", str(work / "kafka"), "--port", str(port)]
    bootstrap = f"127.0.0.1:{port}"
    subprocess.run([kafka[0], "start", *kafka[1:]], check=True, stdout=subprocess.DEVNULL)
    try:
        t0 = time.monotonic()
        subprocess.run([str(medallion), "--log-format", "json", "produce", "--topic", "orders", "--bootstrap",
                        bootstrap, "--seed", "7", "--history-end", "2025-06-01", "--history-days", "400",
                        "--max-events", str(args.events), "--bad-fraction", "0"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        print(f"produced {args.events} orders to {bootstrap} in {time.monotonic() - t0:.1f}s")

        # The first consumer group on a fresh broker makes it create
        # __consumer_offsets (50 partitions, ~1 s), and the broker's JVM
        # serves its first fetches slower until its JIT has warmed up ((a)
        # 0.75 s on a fresh broker, 0.58 s after a few reads): untimed reads
        # first, so neither timed run pays those one-time costs.
        for i in range(3):
            subprocess.run([str(reader), bootstrap, "orders", f"bench-warm-up-{i}"], check=True, capture_output=True)
        # The broker's freshly written log is still being flushed to disk;
        # (b) syncs each Delta commit, and a sync queued behind that flush
        # measured the disk, not the ingest (first runs 0.85-0.9 s instead
        # of 0.7). Flush it before timing anything.
        os.sync()
        load_before = os.getloadavg()
        runs_a, runs_b = [], []
        for i in range(args.repeat):
            run_a = timed([str(reader), bootstrap, "orders", f"bench-read-{i}"])
            a = json.loads(run_a[3])
            if a["records"] != args.events:
                sys.exit(f"bare consumer read {a['records']} records, expected {args.events}")
            runs_a.append(run_a)
            lake = work / f"lake-{i}"
            run_b = timed([str(medallion), "--log-format", "json", "ingest", "--topic", "orders", "--bootstrap",
                           bootstrap, "--group", f"bench-medallion-{i}", "--lake", str(lake), "--until-idle"])
            d = json.loads(subprocess.run([str(medallion), "table", "describe", str(lake / "bronze" / "orders"),
                                           "--format", "json"], check=True, capture_output=True, text=True).stdout)
            if d["num_rows"] != args.events:
                sys.exit(f"medallion ingest wrote {d['num_rows']} rows, expected {args.events}")
            runs_b.append(run_b)
        wall_a, cpu_a, rss_a, _, _ = median_run(runs_a)
        wall_b, cpu_b, rss_b, _, log_b = median_run(runs_b)
        c = None if args.no_spark else spark_ingest(bootstrap, work / "spark", args.events)
        load_after = os.getloadavg()
    finally:
        subprocess.run([kafka[0], "stop", *kafka[1:]], stdout=subprocess.DEVNULL)

    rate_a, rate_b = args.events / wall_a, args.events / wall_b
    rows = [("(a) bare librdkafka consumer (read only)", wall_a, rate_a, cpu_a, rss_a),
            ("(b) medallion ingest -> Bronze Delta", wall_b, rate_b, cpu_b, rss_b)]
    if c:
        rows.append((f"(c) Spark Structured Streaming -> Delta (JVM start {c['startup']:.0f}s not counted)",
                     c["seconds"], args.events / c["seconds"], c["cpu"], c["rss_mib"]))
    lines = ["| run | seconds | records/s | CPU s | records per CPU s | peak RSS MiB |",
             "|---|---:|---:|---:|---:|---:|"]
    lines += [f"| {name} | {s:.1f} | {r:,.0f} | {cpu:.2f} | {args.events / cpu:,.0f} | {m} |"
              for name, s, r, cpu, m in rows]
    lines.append("")
    lines.append(f"- b/a = {rate_b / rate_a:.2f} wall, {cpu_a / cpu_b:.2f} per CPU second (target >= 0.8); "
                 f"medians of {args.repeat} runs each, (a) {' '.join(f'{r[0]:.2f}' for r in runs_a)} s, "
                 f"(b) {' '.join(f'{r[0]:.2f}' for r in runs_b)} s")
    lines.append(f"- (b) {cpu_split(log_b)}")
    if c:
        lines.append(f"- b/c = {rate_b / (args.events / c['seconds']):.1f} wall, {c['cpu'] / cpu_b:.1f} per CPU second "
                     f"(target >= 10)")
    lines.append(f"- load average (1/5/15 min) {' '.join(f'{x:.1f}' for x in load_before)} before (a), "
                 f"{' '.join(f'{x:.1f}' for x in load_after)} after the last run")
    report = "\n".join(lines)
    print(report)
    if args.results:
        cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines()
                    if l.startswith("model name")), platform.processor())
        commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True).stdout.strip()
        header = (f"\n## ingest (bench/ingest.py) - {datetime.date.today().isoformat()}, commit {commit}\n\n"
                  f"Machine: {os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}; "
                  f"{args.events:,} `orders` events, 6 partitions, one local KRaft broker; "
                  f"the machine was shared with other jobs.\n\n")
        with open(args.results if Path(args.results).is_absolute() else REPO / args.results, "a") as f:
            f.write(header + report + "\n")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
