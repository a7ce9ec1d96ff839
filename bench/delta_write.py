#!/usr/bin/env python3
"""Delta write and snapshot benchmark: medallion against delta-rs, one run.

  .venv/bin/python bench/delta_write.py            # full run (~10 M rows, 10 000 commits)
  .venv/bin/python bench/delta_write.py --rows 1000000 --appends 1000   # quick look

Steps (details in bench/README.md):
 1. Generate the retail events deterministically (bench/retail_events.py)
    and write them once to Parquet, so both engines get the same rows.
 2. build-bench/bench/delta_write_bench (Google Benchmark) loads that file
    into memory, times medallion's create + append of all rows, builds the
    10 000-commit tables once (cached in --workdir) and times LoadSnapshot.
 3. This script loads the same file into memory and times write_deltalake,
    then DeltaTable(path) on the same long-log tables.
 4. Cross-checks (delta-rs reads medallion's tables) and prints ratios.
Only the write or the load is timed; every figure is the median of the
repetitions. The machine's load average is printed with the results.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import deltalake
from deltalake import DeltaTable, write_deltalake

sys.path.insert(0, str(Path(__file__).resolve().parent))
import retail_events  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
WRITE_TARGET = 1.5     # medallion rows/s >= 1.5x delta-rs
SNAPSHOT_TARGET = 2.0  # medallion snapshot load >= 2x faster


def load_avg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def ensure_events(path: Path, rows: int, seed: int) -> None:
    if path.exists():
        meta = pq.read_metadata(path)
        if meta.num_rows == rows:
            print(f"events: reusing {path} ({rows:,} rows)")
            return
    start = time.perf_counter()
    table = retail_events.generate(rows, seed=seed)
    tmp = path.with_suffix(".tmp")
    pq.write_table(table, tmp, row_group_size=1_000_000, compression="snappy")
    tmp.rename(path)
    print(f"events: generated {rows:,} rows (seed {seed}) into {path} in {time.perf_counter() - start:.1f} s")


def run_medallion(binary: Path, events: Path, workdir: Path, args) -> dict:
    out = workdir / "medallion_results.json"
    cmd = [str(binary), f"--events={events}", f"--workdir={workdir}", f"--appends={args.appends}",
           f"--write-reps={args.write_reps}", f"--snapshot-reps={args.snapshot_reps}",
           f"--benchmark_out={out}", "--benchmark_out_format=json"]
    print("$", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True)
    report = json.loads(out.read_text())
    runs: dict[str, dict] = {}
    for b in report["benchmarks"]:
        if b.get("run_type") != "iteration":
            continue
        name = b["run_name"].split("/iterations:")[0]  # drop Google Benchmark's run suffixes
        entry = runs.setdefault(name, {"ms": [], "cpu_ms": [], "counters": {}})
        entry["ms"].append(b["real_time"])  # Unit is ms, manual time
        entry["cpu_ms"].append(b["cpu_time"])  # whole process, every thread
        for key in ("rows_per_second", "files", "bytes", "version"):
            if key in b:
                entry["counters"].setdefault(key, []).append(b[key])
    return {"runs": runs, "context": report.get("context", {})}


def time_deltars_write(events: Path, workdir: Path, reps: int) -> dict:
    table = pq.read_table(events)  # in memory before any timing
    root = workdir / "write_deltars"
    seconds, cpu_seconds = [], []
    for _ in range(reps):
        shutil.rmtree(root, ignore_errors=True)
        start, cpu_start = time.perf_counter(), time.process_time()
        write_deltalake(str(root), table, partition_by=["event_date"])
        seconds.append(time.perf_counter() - start)
        cpu_seconds.append(time.process_time() - cpu_start)
    dt = DeltaTable(str(root))
    adds = dt.get_add_actions(flatten=True)
    rows = pa.table(adds).column("num_records").to_pylist()
    written = sum(rows)
    if written != table.num_rows:
        raise SystemExit(f"delta-rs wrote {written} rows of {table.num_rows}")
    sizes = pa.table(adds).column("size_bytes").to_pylist()
    codec = pq.read_metadata(next(root.rglob("*.parquet"))).row_group(0).column(0).compression
    return {"seconds": seconds, "cpu_seconds": cpu_seconds, "rows": table.num_rows, "files": len(rows), "bytes": sum(sizes), "codec": codec}


def time_deltars_load(root: Path, reps: int) -> dict:
    def load_files():
        dt = DeltaTable(str(root))
        return dt.version(), len(dt.file_uris())

    def load_adds():
        dt = DeltaTable(str(root))
        return dt.version(), pa.table(dt.get_add_actions()).num_rows

    out = {}
    for name, fn in (("file_uris", load_files), ("get_add_actions", load_adds)):
        fn()  # warm the page cache, as the medallion side does
        ms, cpu_ms = [], []
        for _ in range(reps):
            start, cpu_start = time.perf_counter(), time.process_time()
            version, files = fn()
            ms.append((time.perf_counter() - start) * 1000)
            cpu_ms.append((time.process_time() - cpu_start) * 1000)
        out[name] = {"ms": ms, "cpu_ms": cpu_ms, "version": version, "files": files}
    return out


def check_medallion_table(root: Path, rows: int) -> str:
    """delta-rs must read what medallion wrote, with every row accounted for."""
    dt = DeltaTable(str(root))
    adds = pa.table(dt.get_add_actions(flatten=True))
    total = sum(adds.column("num_records").to_pylist())
    if total != rows:
        raise SystemExit(f"delta-rs sees {total} rows in medallion's table {root}, expected {rows}")
    codec = pq.read_metadata(next(root.rglob("*.parquet"))).row_group(0).column(0).compression
    return f"delta-rs reads medallion's table: version {dt.version()}, {adds.num_rows} files, {total:,} rows, {codec}"


def med(xs):
    return statistics.median(xs)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, default=10_000_000)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--appends", type=int, default=10_000, help="commits of the long-log tables (0: skip)")
    p.add_argument("--write-reps", type=int, default=3)
    p.add_argument("--snapshot-reps", type=int, default=7)
    p.add_argument("--build-dir", default=str(REPO / "build-bench"))
    p.add_argument("--workdir", default=str(REPO / "bench" / "out"))
    args = p.parse_args()

    workdir = Path(args.workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    binary = Path(args.build_dir) / "bench" / "delta_write_bench"
    if not binary.exists():
        raise SystemExit(f"{binary} not built: ninja -C {args.build_dir} delta_write_bench")
    started = time.perf_counter()
    load_at_start = load_avg()
    print(f"load average at start: {load_at_start}  (nproc {os.cpu_count()})")
    events = workdir / f"events_{args.rows}_seed{args.seed}.parquet"
    ensure_events(events, args.rows, args.seed)

    medallion = run_medallion(binary, events, workdir, args)
    load_after_medallion = load_avg()
    runs = medallion["runs"]
    results = {"load_avg": {"start": load_at_start, "after_medallion": load_after_medallion}}

    lines = []
    if args.write_reps > 0:
        dr = time_deltars_write(events, workdir, args.write_reps)
        write_name = next(n for n in runs if n.startswith("medallion_write"))
        m_rps = med(runs[write_name]["counters"]["rows_per_second"])
        d_rps = dr["rows"] / med(dr["seconds"])
        m_files = int(runs[write_name]["counters"]["files"][0])
        m_bytes = int(runs[write_name]["counters"]["bytes"][0])
        lines.append(f"write {dr['rows']:,} rows (median of {args.write_reps}):")
        m_cpu = med(runs[write_name]["cpu_ms"]) / 1000
        lines.append(f"  medallion  {m_rps / 1e6:8.2f} M rows/s  ({dr['rows'] / m_rps:6.2f} s wall, {m_cpu:6.2f} s CPU, "
                     f"{m_files} files, {m_bytes / 1e6:.0f} MB)")
        lines.append(f"  delta-rs   {d_rps / 1e6:8.2f} M rows/s  ({med(dr['seconds']):6.2f} s wall, "
                     f"{med(dr['cpu_seconds']):6.2f} s CPU, {dr['files']} files, {dr['bytes'] / 1e6:.0f} MB, {dr['codec']})")
        ratio = m_rps / d_rps
        lines.append(f"  ratio medallion/delta-rs rows/s: {ratio:.2f}x  (target >= {WRITE_TARGET}x: "
                     f"{'met' if ratio >= WRITE_TARGET else 'MISSED'})")
        lines.append("  " + check_medallion_table(workdir / "write_medallion", dr["rows"]))
        results["write"] = {"medallion_rows_per_s": m_rps, "deltars_rows_per_s": d_rps, "ratio": ratio,
                            "medallion_s": [dr["rows"] / x for x in runs[write_name]["counters"]["rows_per_second"]],
                            "deltars_s": dr["seconds"], "deltars_cpu_s": dr["cpu_seconds"],
                            "medallion_cpu_s": [x / 1000 for x in runs[write_name]["cpu_ms"]]}
    if args.appends > 0:
        for kind in ("checkpointed", "json_only"):
            name = f"load_snapshot/{kind}/commits:{args.appends}"
            root = workdir / f"log{args.appends}_{kind}"
            m_ms = med(runs[name]["ms"])
            d = time_deltars_load(root, args.snapshot_reps)
            d_files, d_adds = med(d["file_uris"]["ms"]), med(d["get_add_actions"]["ms"])
            baseline = min(d_files, d_adds)
            version = int(runs[name]["counters"]["version"][0])
            files = int(runs[name]["counters"]["files"][0])
            if d["file_uris"]["version"] != version or d["file_uris"]["files"] != files:
                raise SystemExit(f"{root}: medallion sees version {version} with {files} files, delta-rs "
                                 f"{d['file_uris']['version']} with {d['file_uris']['files']}")
            lines.append(f"snapshot load, {args.appends:,} commits, {kind.replace('_', ' ')} "
                         f"(version {version}, {files:,} files; median of {args.snapshot_reps}):")
            m_cpu = med(runs[name]["cpu_ms"])
            lines.append(f"  medallion LoadSnapshot                   {m_ms:9.1f} ms wall {m_cpu:9.1f} ms CPU")
            lines.append(f"  delta-rs DeltaTable + file_uris()        {d_files:9.1f} ms wall "
                         f"{med(d['file_uris']['cpu_ms']):9.1f} ms CPU")
            lines.append(f"  delta-rs DeltaTable + get_add_actions()  {d_adds:9.1f} ms wall "
                         f"{med(d['get_add_actions']['cpu_ms']):9.1f} ms CPU")
            ratio = baseline / m_ms
            target = f"(target >= {SNAPSHOT_TARGET}x: {'met' if ratio >= SNAPSHOT_TARGET else 'MISSED'})"
            lines.append(f"  medallion faster by {ratio:.2f}x than the faster delta-rs figure "
                         f"{target if kind == 'checkpointed' else '(no target)'}")
            results[f"snapshot_{kind}"] = {"medallion_ms": runs[name]["ms"], "medallion_cpu_ms": runs[name]["cpu_ms"],
                                           "deltars": d, "ratio": ratio}

    print()
    print(f"== delta_write: medallion vs delta-rs {deltalake.__version__} (pyarrow {pa.__version__}), "
          f"{platform.node()}, {os.cpu_count()} cores ==")
    for line in lines:
        print(line)
    print(f"load average: after medallion {load_after_medallion}; at end {load_avg()}; "
          f"total run {time.perf_counter() - started:.0f} s")
    results["load_avg"]["end"] = load_avg()
    (workdir / "summary.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
