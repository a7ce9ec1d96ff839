"""schemathesis against a started `medallion serve`: every operation in
/openapi.json is called with generated valid and invalid inputs; no response
may be a 5xx, and every response must match the spec (status codes, content
types, bodies).

The one 5xx allowed is the documented 503 of POST /api/v1/predict while no
champion model is loaded (nothing is trained in this test): the body is still
validated first, so every invalid body must get its 4xx, and a valid one must
get exactly that 503 with its documented error shape.

The server reads a lake with real Gold tables (`medallion gold` over a
generated Silver table, see build_served_lake) plus small forecast, quality,
quarantine and tick tables and the jobs' status files, so the data routes
answer with real rows while schemathesis probes them.

The binary comes from MEDALLION_BIN (default build/medallion)."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import datetime as dt
import json

import pyarrow as pa
import pytest
import schemathesis
from deltalake import write_deltalake
from hypothesis.errors import Unsatisfiable
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode

ADMIN_TOKEN = "schemathesis-admin-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


UTC = dt.timezone.utc


def _ts(day: dt.date, seconds: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=UTC) + dt.timedelta(seconds=seconds)


def build_served_lake(medallion, lake: Path) -> None:
    """Silver orders -> `medallion gold`, plus the tables other jobs write."""
    from test_gold_duckdb import make_silver  # the same generated Silver the Gold tests check

    silver = make_silver(rows=3000)
    write_deltalake(str(lake / "silver" / "orders"), silver)
    medallion.run("gold", "--lake", lake, "--silver", lake / "silver" / "orders")
    last = max(silver.column("event_date").to_pylist())

    rows = []
    for product in range(1, 6):
        for as_of in (last - dt.timedelta(days=1), last):
            for h in range(1, 8):
                point = 10.0 + product + h
                rows.append({"as_of_date": as_of, "target_date": as_of + dt.timedelta(days=h), "horizon": h,
                             "level": "product", "key": str(product), "forecast": point, "lower": point - 2,
                             "upper": point + 2, "model_name": "demand", "model_version": 1,
                             "created_at": _ts(as_of, 3600)})
    write_deltalake(str(lake / "gold" / "demand_forecast"), pa.Table.from_pylist(rows))

    write_deltalake(str(lake / "gold" / "quality_metrics"), pa.Table.from_pylist([
        {"run_id": f"r{i}", "suite": "orders", "expectation": "expect_column_values_to_not_be_null",
         "column": "customer_id", "success": i % 3 != 0, "element_count": 100, "unexpected_count": i % 3,
         "unexpected_percent": float(i % 3), "evaluated_at": _ts(last, 60 * i)} for i in range(6)]))
    write_deltalake(str(lake / "silver" / "orders_quarantine"), pa.Table.from_pylist([
        {"topic": "orders", "partition": 0, "offset": i, "value": b'{"quantity": -1}',
         "failed_rules": ["positive_quantity"] if i % 2 else ["not_null_customer", "positive_quantity"],
         "quarantine_reason": "quantity must be positive", "ingest_time": _ts(last, i)} for i in range(5)]))

    ticks, predictions = [], []
    for symbol, base in (("AAA", 100.0), ("BBB", 20.0)):
        for i in range(40):
            ts = _ts(last, i)
            ticks.append({"symbol": symbol, "ts": ts, "price": base + (i % 7), "volume": 10.0 + i,
                          "rsi_14": None if i < 14 else 40.0 + i % 20, "macd": 0.1 * (i % 5 - 2),
                          "macd_signal": 0.05, "macd_hist": 0.1 * (i % 5 - 2) - 0.05,
                          "next_direction": None if i == 39 else (i % 7 != 6)})
            predictions.append({"symbol": symbol, "ts": ts, "prob_up": 0.6, "predicted_direction": 1,
                                "model_version": 1, "in_sample": i < 30})
    tick_table = pa.Table.from_pylist(ticks)
    tick_table = tick_table.set_column(tick_table.schema.get_field_index("next_direction"), "next_direction",
                                       tick_table.column("next_direction").cast(pa.int32()))
    write_deltalake(str(lake / "gold" / "tick_features"), tick_table)
    write_deltalake(str(lake / "gold" / "tick_predictions"), pa.Table.from_pylist(predictions))

    runs = lake / "_runs"
    runs.mkdir(exist_ok=True)
    (runs / "ingest_status.json").write_text(json.dumps({
        "updated_at": "2026-01-05T10:00:00Z",
        "topics": {"orders": {"rows_per_s": 120.5, "lag": 3, "bronze_version": 4, "bronze_rows": 3000}}}))
    (runs / "stream_status.json").write_text(json.dumps({
        "updated_at": "2026-01-05T10:00:01Z", "layers": {}, "throughput_rows_per_s": 800.0,
        "freshness_ms": {"p50": 900, "p99": 2400, "count": 50, "buckets": [[500, 10], [1000, 30], [5000, 50]]}}))


def start_server(medallion, lake: Path, static_dir: Path, log_path: Path, port: int) -> subprocess.Popen:
    """`medallion serve` on the lake; returns once /health answers."""
    env = dict(os.environ, MEDALLION_ADMIN_TOKEN=ADMIN_TOKEN)
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [str(medallion.binary), "--log-format", "json", "serve", "--lake", str(lake), "--port", str(port),
             "--threads", "2", "--static-dir", str(static_dir)],
            stdout=log, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(base + "/health", timeout=1) as r:
                if r.status == 200:
                    return proc
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"medallion serve did not come up on {base}: see {log_path}", pytrace=False)
        time.sleep(0.1)


def stop_server(proc: subprocess.Popen, log_path: Path) -> None:
    proc.terminate()
    try:
        assert proc.wait(timeout=15) == 0, "medallion serve did not exit cleanly on SIGTERM"
    finally:
        if proc.poll() is None:
            proc.kill()
    # The token must never reach the log.
    assert ADMIN_TOKEN not in log_path.read_text()


@pytest.fixture(scope="module")
def served_lake(medallion, tmp_path_factory) -> Path:
    lake = tmp_path_factory.mktemp("lake")
    build_served_lake(medallion, lake)
    return lake


@pytest.fixture(scope="module")
def served(medallion, served_lake, tmp_path_factory) -> str:
    static_dir = tmp_path_factory.mktemp("dist")
    (static_dir / "index.html").write_text("<html>dashboard</html>")
    port = free_port()
    log_path = tmp_path_factory.mktemp("serve") / "serve.log"
    proc = start_server(medallion, served_lake, static_dir, log_path, port)
    yield f"http://127.0.0.1:{port}"
    stop_server(proc, log_path)


# Cases are drawn with schemathesis' Hypothesis strategies per operation
# rather than its pytest plugin: the plugin's lazy loader (from_fixture) uses a
# pytest-internal attribute that pytest 9 no longer has.
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
def test_api_conforms_to_its_openapi(served, mode):
    schema = schemathesis.openapi.from_url(served + "/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert "POST /api/v1/predict" in [op.label for op in operations]
    failures = []
    for operation in operations:
        is_predict = operation.path == "/api/v1/predict"
        declared = operation.definition.raw
        if mode == GenerationMode.NEGATIVE and not declared.get("parameters") and "requestBody" not in declared:
            continue  # no input that could be made invalid

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def check(case):
            if is_predict:
                response = case.call_and_validate(excluded_checks=[not_a_server_error])
                if response.status_code >= 500:
                    assert response.status_code == 503, response.text
                    assert response.json()["error"]["code"] == "no_champion", response.text
            else:
                case.call_and_validate()

        try:
            check()
        except Unsatisfiable:
            # Negative mode found no way to make this operation's declared
            # inputs invalid (e.g. only optional headers): nothing to test.
            assert mode == GenerationMode.NEGATIVE, f"{operation.label}: no valid case could be generated"
        except Exception as e:  # noqa: BLE001 -- gather every operation's failure, then report
            failures.append(f"{operation.method.upper()} {operation.path}: {str(e)[:3000]}")
    assert not failures, "\n\n".join(failures)


def test_spec_is_openapi_31_and_lists_the_core_routes(served):
    loaded = schemathesis.openapi.from_url(served + "/openapi.json")
    raw = loaded.raw_schema
    assert raw["openapi"] == "3.1.0"
    for path in ["/health", "/ready", "/metrics", "/openapi.json", "/docs", "/api/v1/predict", "/api/v1/forecast",
                 "/api/v1/forecast/series", "/api/v1/models", "/api/v1/models/{name}",
                 "/api/v1/models/{name}/promote", "/api/v1/models/{name}/rollback", "/api/v1/tables",
                 "/api/v1/tables/{layer}/{name}/history", "/api/v1/kpis", "/api/v1/sales", "/api/v1/quality",
                 "/api/v1/pipeline", "/api/v1/ticks", "/api/v1/ticks/{symbol}", "/api/v1/customers"]:
        assert path in raw["paths"], path


def test_static_traversal_is_404_and_client_routes_get_index(served):
    for path in ["/%2e%2e/%2e%2e/etc/passwd", "/../../etc/passwd", "//etc/passwd"]:
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(served + path, timeout=5)
        assert err.value.code == 404, path
    with urllib.request.urlopen(served + "/forecast", timeout=5) as r:
        assert r.read() == b"<html>dashboard</html>"
