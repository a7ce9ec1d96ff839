#!/usr/bin/env python3
"""Benchmark: PostgreSQL table -> Bronze Delta, medallion vs Spark JDBC.

Starts a throwaway PostgreSQL 15 (scripts/pg), fills it with the
Northwind-shaped sample (scripts/pg-sample) sized to about 1 M order lines,
then, in the same run and against the same server:
  (a) `medallion ingest-pg --tables order_details` (binary COPY -> Delta)
  (b) Spark: spark.read.format("jdbc") of order_details (PostgreSQL JDBC
      driver org.postgresql:postgresql:42.7.14) written to Delta with
      delta-spark; jars come through spark.jars.packages into .cache/ivy.
Prints rows/s of each and the ratio a/b; --append-results adds a section to
bench/RESULTS.md. Not a test: figures depend on the machine's load.

    .venv/bin/python bench/pg_ingest.py [--orders 400000] [--no-spark] [--append-results]
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DELTA_SPARK = "io.delta:delta-spark_{minor}_2.13:4.4.0"  # newest delta-spark jar for Spark 4.2 (see tests/interop)
PG_JDBC = "org.postgresql:postgresql:42.7.14"


def timed(args: list[str]) -> tuple[float, int, str]:
    """Wall seconds, peak RSS MiB and stdout of a command."""
    fmt = "__time__ %e %M"
    out = subprocess.run(["/usr/bin/time", "-f", fmt, *args], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"{args[0]} failed ({out.returncode}):\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}")
    line = [l for l in out.stderr.splitlines() if l.startswith("__time__")][-1]
    _, wall, rss_kb = line.split()
    return float(wall), int(rss_kb) // 1024, out.stdout


def spark_jdbc(port: int, db: str, out_dir: Path) -> dict:
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    import pyspark
    from pyspark.sql import SparkSession

    minor = ".".join(pyspark.__version__.split(".")[:2])
    t0 = time.monotonic()
    spark = (
        SparkSession.builder.master("local[2]").appName("bench-pg-ingest")
        .config("spark.jars.ivy", str(REPO / ".cache" / "ivy"))
        .config("spark.jars.packages", ",".join([DELTA_SPARK.format(minor=minor), PG_JDBC]))
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.memory", "2g").config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={out_dir}")
        .config("spark.sql.warehouse.dir", str(out_dir / "warehouse"))
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    startup = time.monotonic() - t0
    t0 = time.monotonic()
    frame = (spark.read.format("jdbc")
             .option("url", f"jdbc:postgresql://127.0.0.1:{port}/{db}")
             .option("driver", "org.postgresql.Driver").option("dbtable", "order_details").option("user", "medallion").option("password", "medallion")
             .option("fetchsize", "10000").load())
    frame.write.format("delta").mode("overwrite").save(str(out_dir / "bronze_spark"))
    seconds = time.monotonic() - t0
    rows = spark.read.format("delta").load(str(out_dir / "bronze_spark")).count()
    spark.stop()
    return {"seconds": seconds, "startup": startup, "rows": rows}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--orders", type=int, default=400000, help="orders in the sample (about 2.5 lines each)")
    p.add_argument("--bin", default=str(REPO / "build" / "medallion"))
    p.add_argument("--no-spark", action="store_true")
    p.add_argument("--append-results", action="store_true")
    args = p.parse_args()

    data = tempfile.mkdtemp(prefix="medallion-pg-bench-")
    out = Path(tempfile.mkdtemp(prefix="medallion-pg-bench-out-"))
    try:
        server = subprocess.run([REPO / "scripts" / "pg", "start", "--data-dir", data], check=True,
                                capture_output=True, text=True).stdout.strip()
        port = int(Path(data, "port").read_text())
        t0 = time.monotonic()
        dsn = subprocess.run([REPO / "scripts" / "pg-sample", "--dsn", server, "--db", "bench", "--orders",
                              str(args.orders)], check=True, capture_output=True, text=True).stdout.strip()
        print(f"sample loaded in {time.monotonic() - t0:.1f} s")
        rows = int(subprocess.run(["psql", "-X", "-At", dsn, "-c", "SELECT count(*) FROM order_details"],
                                  check=True, capture_output=True, text=True).stdout)

        wall, rss, _ = timed([args.bin, "--log-format", "json", "ingest-pg", "--dsn", dsn, "--tables",
                              "order_details", "--lake", str(out / "lake")])
        a = rows / wall
        print(f"(a) medallion ingest-pg: {rows} rows in {wall:.2f} s = {a:,.0f} rows/s, peak RSS {rss} MiB")
        result = {"a": (wall, a, rss)}
        if not args.no_spark:
            s = spark_jdbc(port, "bench", out)
            assert s["rows"] == rows, s
            b = rows / s["seconds"]
            result["b"] = (s["seconds"], b, s["startup"])
            print(f"(b) Spark JDBC -> Delta: {rows} rows in {s['seconds']:.2f} s = {b:,.0f} rows/s "
                  f"(+{s['startup']:.1f} s session start-up, not counted)")
            print(f"ratio a/b = {a / b:.2f}")
        if args.append_results:
            commit = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"], capture_output=True,
                                    text=True).stdout.strip()
            lines = [f"\n## pg_ingest (bench/pg_ingest.py) - {dt.date.today()}\n",
                     f"Commit {commit}; {rows:,} `order_details` rows (sample --orders {args.orders}) from a local "
                     "PostgreSQL 15 (scripts/pg, fsync off) into a local Bronze Delta table; the machine was shared "
                     "with other build/test jobs. Wall time of the whole command for (a) (process start, "
                     "connect, COPY, Parquet, commits); (b) counts the read+write query only, not the Spark "
                     "session start-up.\n",
                     "| run | seconds | rows/s |", "|---|---:|---:|",
                     f"| (a) medallion ingest-pg (binary COPY -> Delta) | {wall:.2f} | {a:,.0f} |"]
            if "b" in result:
                lines.append(f"| (b) Spark JDBC read -> delta-spark write (local[2]) | {result['b'][0]:.2f} | "
                             f"{result['b'][1]:,.0f} |")
                lines.append(f"\n- a/b = {a / result['b'][1]:.2f}; Spark session start-up "
                             f"{result['b'][2]:.1f} s not counted; medallion peak RSS {rss} MiB")
            with open(REPO / "bench" / "RESULTS.md", "a") as f:
                f.write("\n".join(lines) + "\n")
    finally:
        subprocess.run([REPO / "scripts" / "pg", "stop", "--data-dir", data], check=False)
        shutil.rmtree(data, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
