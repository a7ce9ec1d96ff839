"""Fixtures and checks for the Kafka -> Bronze acceptance tests (issue 4).

Every broker is a real Apache Kafka (KRaft, single node, loopback) started by
scripts/kafka with its own data dir and free ports, and stopped at the end.
The truth a test compares Bronze with is what the topic holds, read back with
kcat by partition and offset, so "0 lost, 0 duplicated, byte-identical" is
checked against the broker, not against what the producer believes it sent.

Binaries come from MEDALLION_BUILD_DIR (default build/); MEDALLION_BIN
overrides the medallion binary alone.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
from collections import defaultdict
from pathlib import Path

import pytest

from kafka_ports import free_port_pair

REPO = Path(__file__).resolve().parents[3]
BUILD = Path(os.environ.get("MEDALLION_BUILD_DIR", REPO / "build"))
if not BUILD.is_absolute():
    BUILD = REPO / BUILD
SCRIPT = REPO / "scripts" / "kafka"
# The acceptance size; smaller values make quick local runs.
EVENTS = int(os.environ.get("MEDALLION_KAFKA_EVENTS", "1000000"))


class Broker:
    """One scripts/kafka broker; stop() and start() keep its data."""

    def __init__(self, data_dir: Path, port: int):
        self.data_dir = data_dir
        self.port = port
        self.bootstrap = f"127.0.0.1:{port}"

    def _run(self, cmd: str, timeout: float) -> None:
        out = subprocess.run([str(SCRIPT), cmd, "--data-dir", str(self.data_dir), "--port", str(self.port)],
                             capture_output=True, text=True, timeout=timeout)
        if out.returncode != 0:
            log = self.data_dir / "kafka.log"
            tail = log.read_text()[-3000:] if log.exists() else ""
            raise RuntimeError(f"scripts/kafka {cmd} failed: {out.stdout}{out.stderr}\n{tail}")

    def start(self) -> None:
        self._run("start", 300)

    def stop(self) -> None:
        self._run("stop", 120)


@pytest.fixture
def broker(tmp_path_factory):
    """A fresh broker per test: every test starts from an empty topic."""
    if shutil.which("java") is None:
        pytest.fail("java is not installed: the real-broker tests need Java 17", pytrace=False)
    b = Broker(tmp_path_factory.mktemp("kafka-data"), free_port_pair())
    t0 = time.monotonic()
    b.start()
    print(f"broker started in {time.monotonic() - t0:.1f}s on {b.bootstrap}")
    try:
        yield b
    finally:
        b.stop()


def binary(name: str) -> str:
    path = Path(os.environ["MEDALLION_BIN"]) if name == "medallion" and "MEDALLION_BIN" in os.environ else BUILD / name
    if not path.is_absolute():
        path = REPO / path
    if not os.access(path, os.X_OK):
        pytest.fail(f"{path} is not built (ninja -C {BUILD} {name}, or set MEDALLION_BUILD_DIR)", pytrace=False)
    return str(path)


@pytest.fixture
def medallion() -> str:
    return binary("medallion")


@pytest.fixture
def kcat() -> str:
    path = shutil.which("kcat")
    if path is None:
        pytest.fail("kcat is not installed (Debian package kcat)", pytrace=False)
    return path


# --- processes ---------------------------------------------------------------

def produce_args(medallion: str, bootstrap: str, *extra: str) -> list[str]:
    # Deterministic orders history (seed, fixed end date), no bad records:
    # every value is one JSON event with a unique event_id.
    return [medallion, "--log-format", "json", "produce", "--topic", "orders", "--bootstrap", bootstrap,
            "--seed", "7", "--history-end", "2025-06-01", "--bad-fraction", "0", *extra]


def ingest_args(medallion: str, bootstrap: str, lake: Path, *extra: str) -> list[str]:
    return [medallion, "--log-format", "json", "ingest", "--topic", "orders", "--bootstrap", bootstrap,
            "--lake", str(lake), *extra]


def start(args: list[str], log: Path) -> subprocess.Popen:
    f = open(log, "ab")
    try:
        return subprocess.Popen(args, stdout=f, stderr=subprocess.STDOUT)
    finally:
        f.close()


def stop(proc: subprocess.Popen, timeout: float = 60) -> int:
    """SIGTERM and wait; the exit code (SIGKILL if it does not stop)."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


def tail(path: Path, n: int = 4000) -> str:
    return path.read_text(errors="replace")[-n:] if path.exists() else ""


# --- the truth: the topic, and what Bronze holds --------------------------

def topic_contents(kcat: str, bootstrap: str, topic: str = "orders") -> dict[tuple[int, int], bytes]:
    """Every record in `topic` by (partition, offset). Values are framed by
    their size, so any byte (newlines included) survives the round trip."""
    out = subprocess.run([kcat, "-b", bootstrap, "-C", "-t", topic, "-o", "beginning", "-e", "-q",
                          "-f", KCAT_FORMAT], capture_output=True, timeout=600)
    assert out.returncode == 0, out.stderr.decode(errors="replace")
    return parse_kcat(out.stdout)


KCAT_FORMAT = "%p %o %S\n%s\n"


def parse_kcat(data: bytes) -> dict[tuple[int, int], bytes]:
    """Parses kcat output in KCAT_FORMAT (a record cut short at the end, as
    when kcat is stopped mid-write, is left out)."""
    records: dict[tuple[int, int], bytes] = {}
    pos = 0
    while pos < len(data):
        nl = data.find(b"\n", pos)
        if nl < 0:
            break
        p, o, size = data[pos:nl].split(b" ")
        n = max(int(size), 0)  # kcat prints -1 for a null value
        if nl + 2 + n > len(data):
            break
        records[(int(p), int(o))] = data[nl + 1:nl + 1 + n]
        assert data[nl + 1 + n:nl + 2 + n] == b"\n", f"kcat framing broken at byte {pos}"
        pos = nl + 2 + n
    return records


def describe(medallion: str, table: Path) -> dict:
    out = subprocess.run([medallion, "table", "describe", str(table), "--format", "json"],
                         capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        return {}
    return json.loads(out.stdout)


def wait_for_rows(medallion: str, table: Path, rows: int, timeout: float, alive=()) -> dict:
    """Waits until Bronze holds at least `rows` rows; fails early if one of
    the `alive` processes died."""
    deadline = time.monotonic() + timeout
    last = {}
    while time.monotonic() < deadline:
        last = describe(medallion, table)
        if last.get("num_rows", 0) >= rows:
            return last
        for proc, log in alive:
            assert proc.poll() is None, f"{proc.args[3:5]} exited with {proc.returncode}:\n{tail(log)}"
        time.sleep(1)
    pytest.fail(f"Bronze at {table} reached {last.get('num_rows')} of {rows} rows in {timeout:.0f}s")


def bronze_rows(table: Path):
    """(partition, offset, value) of every Bronze row, read with delta-rs."""
    from deltalake import DeltaTable

    t = DeltaTable(str(table)).to_pyarrow_table(columns=["partition", "offset", "value"])
    return zip(t.column("partition").to_pylist(), t.column("offset").to_pylist(), t.column("value").to_pylist())


def assert_exactly_once(produced: dict[tuple[int, int], bytes], table: Path, partitions: int = 6) -> None:
    """Bronze equals the topic: same (partition, offset) set with no row twice,
    byte-identical values, contiguous offsets per partition, and every
    event_id exactly once."""
    seen: dict[tuple[int, int], bytes] = {}
    duplicated = 0
    for p, o, v in bronze_rows(table):
        if (p, o) in seen:
            duplicated += 1
        seen[(p, o)] = v
    missing = produced.keys() - seen.keys()
    extra = seen.keys() - produced.keys()
    assert not duplicated, f"{duplicated} Bronze rows duplicate a (partition, offset)"
    assert not missing, f"{len(missing)} records lost, e.g. {sorted(missing)[:5]}"
    assert not extra, f"{len(extra)} Bronze rows not in the topic, e.g. {sorted(extra)[:5]}"
    different = [k for k, v in produced.items() if seen[k] != v]
    assert not different, f"{len(different)} values differ from the topic, e.g. {sorted(different)[:5]}"

    by_partition: dict[int, list[int]] = defaultdict(list)
    for p, o in seen:
        by_partition[p].append(o)
    assert sorted(by_partition) == list(range(partitions)), f"partitions in Bronze: {sorted(by_partition)}"
    for p, offsets in by_partition.items():
        offsets.sort()
        assert offsets == list(range(offsets[0], offsets[0] + len(offsets))), f"partition {p} has offset gaps"
        assert offsets[0] == 0, f"partition {p} starts at offset {offsets[0]}"

    ids = [json.loads(v)["event_id"] for v in seen.values()]
    assert len(set(ids)) == len(ids), f"{len(ids) - len(set(ids))} event_ids appear more than once"


def listening_pid(port: int) -> int | None:
    """The pid whose socket listens on 127.0.0.1:`port` (from /proc)."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        f = line.split()
        if f[3] == "0A" and int(f[1].split(":")[1], 16) == port:
            inodes.add(f"socket:[{f[9]}]")
    for pid_dir in Path("/proc").iterdir():
        if not pid_dir.name.isdigit():
            continue
        try:
            for fd in (pid_dir / "fd").iterdir():
                if os.readlink(fd) in inodes:
                    return int(pid_dir.name)
        except OSError:
            continue
    return None


def progress_records(log: Path) -> int:
    """The last record count an ingest process logged (0 if none yet)."""
    counts = [int(m) for m in re.findall(r'"msg":"(\d+) records \(', log.read_text(errors="replace"))] \
        if log.exists() else []
    return counts[-1] if counts else 0
