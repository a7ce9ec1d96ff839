"""Real Apache Kafka (KRaft, single node, loopback) started by scripts/kafka.

Runs the ingest GoogleTests that need a broker (RealBrokerTest.*) with
MEDALLION_KAFKA_BOOTSTRAP set, and `medallion produce` against the broker.
The broker gets its own data dir and a free port, and is stopped at the end.

    pytest tests/integration/kafka            # binaries from build/
    MEDALLION_BUILD_DIR=build-x pytest tests/integration/kafka
"""
import os
import shutil
import subprocess
import time

import pytest
from conftest import REPO, binary, free_port_pair

SCRIPT = REPO / "scripts" / "kafka"


@pytest.fixture(scope="module")
def broker(tmp_path_factory):
    if shutil.which("java") is None:
        pytest.fail("java is not installed: the real-broker tests need it (scripts/setup)", pytrace=False)
    data = tmp_path_factory.mktemp("kafka-data")
    port = free_port_pair()
    args = ["--data-dir", str(data), "--port", str(port)]
    t0 = time.monotonic()
    subprocess.run([str(SCRIPT), "start", *args], check=True, timeout=300)
    print(f"broker started in {time.monotonic() - t0:.1f}s on 127.0.0.1:{port}")
    try:
        yield f"127.0.0.1:{port}"
    finally:
        subprocess.run([str(SCRIPT), "stop", *args], check=False, timeout=60)


def test_status_reports_running(broker):
    port = broker.rsplit(":", 1)[1]
    # Status of a dir that has no broker says so and exits non-zero.
    out = subprocess.run([str(SCRIPT), "status", "--data-dir", "/nonexistent/kafka", "--port", port],
                         capture_output=True, text=True)
    assert out.returncode == 3 and "not running" in out.stdout


def test_producer_and_source_round_trip(broker):
    env = dict(os.environ, MEDALLION_KAFKA_BOOTSTRAP=broker, MEDALLION_KAFKA_TEST_RECORDS="5000")
    out = subprocess.run([binary("ingest_test"), "--gtest_filter=RealBrokerTest.*"], env=env,
                         capture_output=True, text=True, timeout=600)
    print(out.stdout[-3000:], out.stderr[-3000:])
    assert out.returncode == 0
    assert "[  PASSED  ] 2 tests" in out.stdout and "SKIPPED" not in out.stdout


def test_produce_command_against_broker(broker, kcat):
    out = subprocess.run([binary("medallion"), "--log-format", "json", "produce", "--topic", "ticks",
                          "--bootstrap", broker, "--history-days", "3", "--history-end", "2025-06-05",
                          "--max-events", "3000"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    meta = subprocess.run([kcat, "-b", broker, "-C", "-t", "ticks", "-e", "-q", "-f", "%k\n"],
                          capture_output=True, text=True, timeout=120)
    keys = meta.stdout.split()
    assert len(keys) == 3000
    assert {"AAPL", "MSFT", "NVDA"} <= set(keys)
