"""`medallion serve` over a lake with real Gold tables: the data routes answer
with the lake's numbers, and the security rules of issue 7 hold on a real
socket (admin token 401/403, oversize body 413, malformed JSON 400, no paths
or stack traces in error bodies).

The lake and server fixtures are test_openapi_schemathesis.py's."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest
from deltalake import DeltaTable

from test_openapi_schemathesis import ADMIN_TOKEN, served, served_lake  # noqa: F401 -- fixtures


def call(base: str, method: str, path: str, body: bytes | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, dict | str]:
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        raw = response.read().decode()
        ctype = response.getheader("Content-Type", "")
        return response.status, json.loads(raw) if ctype.startswith("application/json") else raw
    finally:
        conn.close()


def get(base: str, path: str) -> dict:
    status, body = call(base, "GET", path)
    assert status == 200, (path, body)
    return body


def test_kpis_match_gold_sales_daily(served, served_lake):
    sales = DeltaTable(str(served_lake / "gold" / "sales_daily")).to_pyarrow_table().to_pylist()
    today = max(r["event_date"] for r in sales)
    kpis = get(served, "/api/v1/kpis")
    assert kpis["as_of"] == today.isoformat()
    assert kpis["revenue_today"] == pytest.approx(sum(r["revenue"] for r in sales if r["event_date"] == today))
    assert kpis["orders_today"] == sum(r["orders"] for r in sales if r["event_date"] == today)
    assert len(kpis["top_countries"]) == 3
    assert kpis["rfm_segments"] and kpis["customers"] > 0
    assert kpis["missing"] == []


def test_every_page_has_data(served):
    sales = get(served, "/api/v1/sales")
    assert sales["city_hour"] and sales["product_day"] and sales["category_growth"] and sales["top_countries"]
    assert len(sales["top_countries"]) <= 10 and len(sales["products"]) <= 20

    series = get(served, "/api/v1/forecast/series?product_id=1")
    assert series["actuals"] and series["forecasts"]
    assert all(f["lower"] <= f["forecast"] <= f["upper"] for f in series["forecasts"])
    forecast = get(served, "/api/v1/forecast?product_id=2&horizon=7")
    assert [f["horizon"] for f in forecast["forecasts"]] == list(range(1, 8))

    quality = get(served, "/api/v1/quality")
    assert quality["expectations"][0]["runs"] == 6
    assert quality["quarantine"]["total"] == 5 and quality["quarantine"]["samples"]

    pipeline = get(served, "/api/v1/pipeline")
    assert pipeline["consumer_lag"] == 3 and pipeline["freshness_p50_ms"] == 900
    assert [layer["layer"] for layer in pipeline["layers"]] == ["bronze", "silver", "gold"]

    symbols = [s["symbol"] for s in get(served, "/api/v1/ticks")["symbols"]]
    assert symbols == ["AAA", "BBB"]
    aaa = get(served, "/api/v1/ticks/AAA")
    assert len(aaa["points"]) == 40 and aaa["direction_accuracy"] is not None

    customers = get(served, "/api/v1/customers")
    assert customers["segments"]
    assert len(customers["vips"]) == min(customers["vip_count"], 50)

    tables = {(t["layer"], t["name"]) for t in get(served, "/api/v1/tables")["tables"]}
    assert {("silver", "orders"), ("gold", "sales_daily"), ("gold", "demand_forecast")} <= tables
    history = get(served, "/api/v1/tables/gold/sales_daily/history")
    assert history["history"][0]["version"] == history["version"]


def test_metrics_export_pipeline_gauges(served):
    status, text = call(served, "GET", "/metrics")
    assert status == 200
    for needle in ['medallion_consumer_lag_messages{topic="orders"} 3', 'medallion_table_rows{layer="gold"',
                   'medallion_freshness_seconds_bucket{le="1"} 30', 'medallion_http_request_duration_seconds_bucket']:
        assert needle in text, needle


@pytest.mark.parametrize("authorization,expected", [(None, 401), ("Bearer wrong-token", 403), ("Basic abc", 401)])
def test_admin_routes_refuse_missing_and_wrong_tokens(served, authorization, expected):
    for path in ["/api/v1/models/demand/promote", "/api/v1/models/demand/rollback"]:
        headers = {"Content-Type": "application/json"}
        if authorization:
            headers["Authorization"] = authorization
        status, body = call(served, "POST", path, b"{}", headers)
        assert status == expected, (path, body)
        assert body["error"]["field"] == "Authorization"


def test_admin_token_reaches_the_route(served):
    status, body = call(served, "POST", "/api/v1/models/no_such_model/promote", b"{}",
                        {"Authorization": f"Bearer {ADMIN_TOKEN}", "Content-Type": "application/json"})
    assert status == 404, body


def test_oversize_body_is_413(served):
    status, body = call(served, "POST", "/api/v1/predict", b"{" + b" " * (2 << 20) + b"}",
                        {"Content-Type": "application/json"})
    assert status == 413


def test_malformed_json_is_400_naming_the_body(served):
    for path, headers in [("/api/v1/predict", {}), ("/api/v1/models/demand/promote",
                                                    {"Authorization": f"Bearer {ADMIN_TOKEN}"})]:
        status, body = call(served, "POST", path, b'{"rows": [', {"Content-Type": "application/json", **headers})
        assert status == 400, (path, body)
        assert body["error"]["field"] == "body"


def test_bad_parameters_are_400_naming_the_field(served):
    for path, field in [("/api/v1/forecast?horizon=abc", "horizon"), ("/api/v1/forecast?date=2026-02-30", "date"),
                        ("/api/v1/sales?days=-1", "days"), ("/api/v1/tables/nope/x/history", "layer")]:
        status, body = call(served, "GET", path)
        assert status == 400, (path, body)
        assert body["error"]["field"] == field


def test_errors_carry_no_paths_or_traces(served, served_lake):
    for method, path in [("GET", "/api/v1/tables/gold/..%2F..%2Fetc/history"), ("GET", "/api/v1/ticks/%00"),
                         ("GET", "/api/v1/models/x"), ("POST", "/api/v1/predict"), ("GET", "/nope/../../etc/passwd")]:
        status, body = call(served, method, path, b"[1,", {"Content-Type": "application/json"})
        assert 400 <= status < 500, (path, status, body)
        text = json.dumps(body)
        assert str(served_lake) not in text and "Traceback" not in text and ".cc" not in text, text
