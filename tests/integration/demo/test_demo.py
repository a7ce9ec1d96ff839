"""`medallion demo` end to end, as a scripted user would run it.

One run of `medallion demo --duration 120 --history-days 45` on a fresh lake
and a free port (embedded Kafka, no Java). 45 days, not 30: the demand
model's backtest needs 43 days of Gold (28 days of series before an origin,
J+7 on both sides), so a 30-day lake can have no champion. While it runs, the API must answer
/health and /api/v1/tables; it must exit 0 by itself; afterwards every Delta
table under the lake must open in delta-rs, the registry must have a
champion, gold/demand_forecast must hold J+1 and J+7 rows, and no Gold table
may hold a key twice. The demo prints each phase's wall and CPU time and when
it is ready (champion and forecasts there).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from deltalake import DeltaTable

REPO_ROOT = Path(__file__).resolve().parents[3]
HISTORY_DAYS = 45
DURATION_S = 120

# Key columns of the Gold tables whose rows are one per key.
GOLD_KEYS = {
    "features_daily": ["event_date", "product_id"],
    "revenue_product_daily": ["event_date", "product_id"],
    "sales_daily": ["event_date", "product_id"],
    "country_daily": ["event_date", "country"],
    "demand_forecast": ["as_of_date", "level", "key", "horizon", "model_name"],
}


def medallion_binary() -> Path:
    binary = Path(os.environ.get("MEDALLION_BIN", REPO_ROOT / "build" / "medallion"))
    if not binary.is_absolute():
        binary = REPO_ROOT / binary
    if not os.access(binary, os.X_OK):
        pytest.fail(f"medallion binary not found at {binary}: build it or set MEDALLION_BIN", pytrace=False)
    return binary


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return None


def delta_tables(lake: Path) -> list[Path]:
    return sorted(p.parent for p in lake.rglob("_delta_log") if p.is_dir())


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    """Runs the demo once; yields (lake, answers seen while it ran, stdout, stderr)."""
    tmp = tmp_path_factory.mktemp("demo")
    lake = tmp / "lake"
    port = free_port()
    cmd = [str(medallion_binary()), "demo", "--duration", str(DURATION_S), "--history-days", str(HISTORY_DAYS),
           "--lake", str(lake), "--port", str(port), "--day-seconds", "20"]
    log_out, log_err = open(tmp / "stdout.txt", "w+"), open(tmp / "stderr.txt", "w+")
    proc = subprocess.Popen(cmd, cwd=REPO_ROOT, stdout=log_out, stderr=log_err)
    answers: dict[str, int | None] = {}
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and proc.poll() is None:
            answers["/health"] = get_status(base + "/health")
            if answers["/health"] == 200:
                break
            time.sleep(0.5)
        answers["/api/v1/tables"] = get_status(base + "/api/v1/tables")
        returncode = proc.wait(timeout=DURATION_S + 600)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    log_out.seek(0)
    log_err.seek(0)
    stdout, stderr = log_out.read(), log_err.read()
    assert returncode == 0, f"medallion demo exited {returncode}\n--- stdout ---\n{stdout[-3000:]}\n--- stderr ---\n{stderr[-5000:]}"
    yield lake, answers, stdout, stderr


def test_api_answers_while_the_demo_runs(demo_run):
    _, answers, _, _ = demo_run
    assert answers.get("/health") == 200, answers
    assert answers.get("/api/v1/tables") == 200, answers


def test_demo_prints_where_things_are(demo_run):
    lake, _, stdout, _ = demo_run
    assert "/docs" in stdout
    assert str(lake) in stdout
    assert "deltalake" in stdout and "duckdb" in stdout


def test_demo_prints_per_phase_timings(demo_run):
    _, _, _, stderr = demo_run
    lines = stderr.replace("\r", "\n").splitlines()
    for prefix in [f"history {HISTORY_DAYS} days: ", f"backfill {HISTORY_DAYS} dates: ", "ready after "]:
        matching = [line for line in lines if line.startswith(prefix)]
        assert matching, f"no line starting {prefix!r} in stderr:\n{stderr[-3000:]}"
        assert re.search(r"\d+(\.\d+)?(ms|s) \(CPU \d", matching[0]), matching[0]
    ready = next(line for line in lines if line.startswith("ready after "))
    assert "champion demand v" in ready and "forecasts J+1..J+7" in ready, ready
    assert any(line.startswith("  by task: bronze_to_silver ") for line in lines)


def test_delta_rs_reads_every_table(demo_run):
    lake, _, _, _ = demo_run
    tables = delta_tables(lake)
    names = {str(t.relative_to(lake)) for t in tables}
    for expected in ["bronze/orders", "bronze/ticks", "silver/orders", "gold/features_daily", "gold/sales_daily",
                     "gold/quality_metrics", "gold/demand_forecast", "_truth/daily_demand", "_models/registry"]:
        assert expected in names, sorted(names)
    for table in tables:
        DeltaTable(str(table)).to_pyarrow_table()  # raises on anything unreadable
    orders = DeltaTable(str(lake / "silver" / "orders")).to_pyarrow_table(columns=["event_date"])
    assert len(set(orders.column("event_date").to_pylist())) >= HISTORY_DAYS


def test_a_champion_exists(demo_run):
    lake, _, _, _ = demo_run
    events = DeltaTable(str(lake / "_models" / "registry")).to_pyarrow_table().to_pylist()
    assert any(e["alias"] == "champion" for e in events), events[-5:]


def test_forecasts_cover_j_plus_1_and_j_plus_7(demo_run):
    lake, _, _, _ = demo_run
    forecast = DeltaTable(str(lake / "gold" / "demand_forecast")).to_pyarrow_table()
    horizons = set(forecast.column("horizon").to_pylist())
    assert {1, 7} <= horizons, horizons


def test_gold_has_no_duplicate_keys(demo_run):
    lake, _, _, _ = demo_run
    for name, keys in GOLD_KEYS.items():
        table = DeltaTable(str(lake / "gold" / name)).to_pyarrow_table(columns=keys)
        rows = list(zip(*(table.column(k).to_pylist() for k in keys)))
        assert rows, f"gold/{name} is empty"
        assert len(rows) == len(set(rows)), f"gold/{name} holds a key twice"
