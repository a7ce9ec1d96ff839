"""PostgreSQL -> Bronze -> Silver -> Gold, end to end, against a real server.

Each module starts its own PostgreSQL 15 (scripts/pg, loopback, free port,
throwaway data dir), loads the Northwind-shaped sample (scripts/pg-sample)
and drives `medallion ingest-pg` / `medallion northwind`. Delta tables are
read back with delta-rs (the `deltalake` package), so the checks also prove
another reader sees what medallion committed.

    pytest tests/integration/pg                        # binary from build/
    MEDALLION_BIN=build-pg/medallion pytest tests/integration/pg
"""
from __future__ import annotations

import math
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

deltalake = pytest.importorskip("deltalake")

REPO = Path(__file__).resolve().parents[3]
BIN = Path(os.environ.get("MEDALLION_BIN", REPO / "build" / "medallion"))
if not BIN.is_absolute():
    BIN = REPO / BIN
PG_SCRIPT = REPO / "scripts" / "pg"
SAMPLE_SCRIPT = REPO / "scripts" / "pg-sample"
TABLES = "categories,suppliers,shippers,employees,products,customers,orders,order_details"
PASSWORD = "medallion"


@pytest.fixture(scope="module")
def server():
    if not Path("/usr/lib/postgresql/15/bin/pg_ctl").exists():
        pytest.skip("PostgreSQL 15 server binaries are not installed")
    if not os.access(BIN, os.X_OK):
        pytest.fail(f"medallion binary not found at {BIN} (set MEDALLION_BIN)", pytrace=False)
    # Under /tmp directly: the server runs as "postgres" and must reach it.
    data = tempfile.mkdtemp(prefix="medallion-pg-")
    dsn = subprocess.run([PG_SCRIPT, "start", "--data-dir", data], check=True, capture_output=True,
                         text=True, timeout=120).stdout.strip()
    yield dsn
    subprocess.run([PG_SCRIPT, "stop", "--data-dir", data], check=False, timeout=120)
    shutil.rmtree(data, ignore_errors=True)


def load_sample(server_dsn: str, db: str, orders: int) -> str:
    out = subprocess.run([SAMPLE_SCRIPT, "--dsn", server_dsn, "--db", db, "--orders", str(orders)],
                         check=True, capture_output=True, text=True, timeout=600)
    return out.stdout.strip().splitlines()[-1]


def sql(dsn: str, statement: str) -> list[list[str]]:
    out = subprocess.run(["psql", "-X", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1", dsn, "-c", statement],
                         check=True, capture_output=True, text=True, timeout=120)
    return [line.split("\t") for line in out.stdout.splitlines() if line]


def medallion(*args, check=True, timeout=600) -> subprocess.CompletedProcess:
    # From the repo root, where `northwind` finds config/quality/northwind.
    proc = subprocess.run([str(BIN), "--log-format", "json", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, cwd=REPO)
    if check:
        assert proc.returncode == 0, f"{args}\nexit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc


def ingest(dsn: str, lake: Path, tables: str = TABLES, *extra, check=True):
    return medallion("ingest-pg", "--dsn", dsn, "--tables", tables, "--lake", lake, *extra, check=check)


def bronze(lake: Path, table: str):
    return deltalake.DeltaTable(str(lake / "bronze" / f"pg_{table}")).to_pyarrow_table()


def delta_version(lake: Path, table: str) -> int:
    return deltalake.DeltaTable(str(lake / "bronze" / f"pg_{table}")).version()


@pytest.fixture(scope="module")
def northwind(server):
    return load_sample(server, "northwind", 3000)


def test_snapshot_then_incremental_reflects_every_change_once(server, tmp_path):
    dsn = load_sample(server, "nw_changes", 2000)
    lake = tmp_path / "lake"
    ingest(dsn, lake, TABLES, "--batch-rows", "700")
    for table in TABLES.split(","):
        (count,), = sql(dsn, f"SELECT count(*) FROM {table}")
        assert bronze(lake, table).num_rows == int(count), table
    assert delta_version(lake, "order_details") >= 3  # several batches, one commit each

    # A rerun with no changes adds nothing.
    versions = {t: delta_version(lake, t) for t in TABLES.split(",")}
    ingest(dsn, lake)
    for table in TABLES.split(","):
        (count,), = sql(dsn, f"SELECT count(*) FROM {table}")
        assert bronze(lake, table).num_rows == int(count), table
        assert delta_version(lake, table) == versions[table], table

    # Inserts and updates land once each.
    sql(dsn, """
        INSERT INTO orders (order_id, customer_id, employee_id, order_date, ship_via, freight, ship_country, updated_at)
        SELECT 100000 + i, 'C00001', 1, date '2024-03-01', 1, 10, 'USA', now() FROM generate_series(1, 5) i;
        INSERT INTO order_details SELECT 100000 + i, 1, 18.0, 3, 0, now() FROM generate_series(1, 5) i;
        UPDATE orders SET shipped_date = date '2030-01-01', updated_at = now() WHERE order_id IN (1, 2, 3);
    """)
    ingest(dsn, lake)
    orders = bronze(lake, "orders").to_pylist()
    (count,), = sql(dsn, "SELECT count(*) FROM orders")
    assert len(orders) == int(count) + 3  # 3 updated rows appear as new versions
    versions_of = {}
    for row in orders:
        versions_of.setdefault(row["order_id"], []).append(row)
    assert all(len(v) == 2 for k, v in versions_of.items() if k in (1, 2, 3))
    assert all(len(v) == 1 for k, v in versions_of.items() if k not in (1, 2, 3))
    for k in (1, 2, 3):
        newest = max(versions_of[k], key=lambda r: r["_ingested_at"])
        assert str(newest["shipped_date"]) == "2030-01-01"
    assert len(bronze(lake, "order_details")) == int(sql(dsn, "SELECT count(*) FROM order_details")[0][0])

    # Deletes are found by reconciliation, once.
    sql(dsn, "DELETE FROM order_details WHERE order_id IN (100001, 100002)")
    ingest(dsn, lake, "order_details", "--reconcile")
    details = bronze(lake, "order_details").to_pylist()
    tombstones = [r for r in details if r["_op"] == "d"]
    assert sorted((r["order_id"], r["product_id"]) for r in tombstones) == [(100001, 1), (100002, 1)]
    assert all(r["quantity"] is None for r in tombstones)
    ingest(dsn, lake, "order_details", "--reconcile")
    assert len([r for r in bronze(lake, "order_details").to_pylist() if r["_op"] == "d"]) == 2


def test_gold_kpis_equal_sql_on_the_source(northwind, tmp_path):
    lake = tmp_path / "lake"
    ingest(northwind, lake)
    medallion("northwind", "--lake", lake)

    def gold(name):
        return deltalake.DeltaTable(str(lake / "gold" / name)).to_pyarrow_table().to_pylist()

    facts = """WITH f AS (
        SELECT od.order_id, o.customer_id, c.country, k.category_name, o.order_date, od.quantity,
               od.discount::float8 AS discount,
               od.unit_price::float8 * od.quantity::float8 * (1 - od.discount::float8) AS line_revenue
        FROM order_details od JOIN orders o USING (order_id)
        LEFT JOIN customers c ON c.customer_id = o.customer_id
        LEFT JOIN products p ON p.product_id = od.product_id
        LEFT JOIN categories k ON k.category_id = p.category_id) """

    def close(a, b):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)

    (n_lines,), = sql(northwind, "SELECT count(*) FROM order_details")
    assert deltalake.DeltaTable(str(lake / "silver" / "order_facts")).to_pyarrow_table().num_rows == int(n_lines)

    expected = sql(northwind, facts + """SELECT country, sum(line_revenue), count(DISTINCT order_id),
        count(DISTINCT customer_id) FROM f GROUP BY country ORDER BY 2 DESC, country COLLATE "C" """)
    got = gold("revenue_by_country")
    assert [r["country"] for r in got] == [e[0] for e in expected]
    for r, e in zip(got, expected):
        assert close(r["revenue"], e[1]) and r["orders"] == int(e[2]) and r["customers"] == int(e[3]), (r, e)
    assert [r["country"] for r in gold("top_countries")] == [e[0] for e in expected[:3]]
    assert [r["rank"] for r in gold("top_countries")] == [1, 2, 3]

    expected = sql(northwind, facts + """SELECT category_name, sum(line_revenue), sum(quantity),
        count(DISTINCT order_id), count(*), avg(discount) FROM f GROUP BY 1 ORDER BY 2 DESC, category_name COLLATE "C" """)
    got = gold("category_performance")
    assert [r["category_name"] for r in got] == [e[0] for e in expected]
    for r, e in zip(got, expected):
        assert close(r["revenue"], e[1]) and r["quantity"] == int(e[2]) and r["orders"] == int(e[3])
        assert r["lines"] == int(e[4]) and close(r["avg_discount"], e[5])

    expected = sql(northwind, facts + """SELECT date_trunc('month', order_date)::date, sum(line_revenue),
        count(DISTINCT order_id) FROM f GROUP BY 1 ORDER BY 1""")
    got = gold("monthly_revenue")
    assert [str(r["month"]) for r in got] == [e[0] for e in expected]
    for r, e in zip(got, expected):
        assert close(r["revenue"], e[1]) and r["orders"] == int(e[2])
    assert got[0]["mom_growth"] is None and close(got[1]["mom_growth"], float(expected[1][1]) / float(expected[0][1]) - 1)

    rfm_sql = facts + """, c AS (SELECT customer_id, max(order_date) AS last, count(DISTINCT order_id) AS freq,
            sum(line_revenue) AS mon FROM f GROUP BY customer_id),
        ref AS (SELECT max(last) + 1 AS day FROM c),
        s AS (SELECT customer_id, (SELECT day FROM ref) - last AS recency, freq, mon,
            ntile(5) OVER (ORDER BY (SELECT day FROM ref) - last DESC, customer_id COLLATE "C") AS r,
            ntile(5) OVER (ORDER BY freq, customer_id COLLATE "C") AS f,
            ntile(5) OVER (ORDER BY mon, customer_id COLLATE "C") AS m,
            ntile(10) OVER (ORDER BY mon DESC, customer_id COLLATE "C") AS decile FROM c) """
    expected = sql(northwind, rfm_sql + "SELECT * FROM s ORDER BY customer_id COLLATE \"C\"")
    got = gold("customer_rfm")
    assert len(got) == len(expected) > 50
    for r, e in zip(got, expected):
        assert r["customer_id"] == e[0]
        assert (r["recency_days"], r["frequency"]) == (int(e[1]), int(e[2])), (r, e)
        assert close(r["monetary"], e[3])
        assert (r["r_score"], r["f_score"], r["m_score"], r["monetary_decile"]) == tuple(map(int, e[4:8])), (r, e)
        assert r["rfm_score"] == f"{e[4]}{e[5]}{e[6]}"
    expected_vip = sql(northwind, rfm_sql + """SELECT customer_id FROM s WHERE decile = 1 AND r >= 4
                                              ORDER BY mon DESC, customer_id COLLATE "C" """)
    assert [r["customer_id"] for r in gold("vip_customers")] == [e[0] for e in expected_vip]
    assert len(expected_vip) > 0


def test_quality_suites_quarantine_a_bad_order_line_and_keep_it_out_of_gold(server, tmp_path):
    dsn = load_sample(server, "nw_quality", 400)
    # A new order whose only line has a negative quantity (PostgreSQL accepts it).
    sql(dsn, """
        INSERT INTO orders (order_id, customer_id, employee_id, order_date, ship_via, freight, ship_country, updated_at)
        VALUES (900001, 'C00001', 1, date '2023-05-01', 1, 10, 'USA', now());
        INSERT INTO order_details VALUES (900001, 7, 20.0, -5, 0, now());
    """)
    lake = tmp_path / "lake"
    ingest(dsn, lake)
    medallion("northwind", "--lake", lake)

    def table(path):
        return deltalake.DeltaTable(str(lake / path)).to_pyarrow_table().to_pylist()

    quarantined = table("silver/order_facts_quarantine")
    assert [(r["order_id"], r["product_id"], r["quantity"]) for r in quarantined] == [(900001, 7, -5)]
    reason = quarantined[0]["quarantine_reason"]
    assert "quantity=-5" in reason and "expect_column_values_to_be_between" in reason, reason
    assert any("expect_column_values_to_be_between" in e for e in quarantined[0]["failed_expectations"])

    facts = table("silver/order_facts")
    (n_lines,), = sql(dsn, "SELECT count(*) FROM order_details")
    assert len(facts) == int(n_lines) - 1
    assert all(r["order_id"] != 900001 for r in facts)
    for dim in ("customers", "products", "categories", "employees", "shippers"):
        assert table(f"silver/{dim}_quarantine") == [], dim

    # Gold is what SQL computes on the source without the bad line.
    expected = sql(dsn, """SELECT c.country, sum(od.unit_price::float8 * od.quantity * (1 - od.discount::float8)),
        count(DISTINCT od.order_id) FROM order_details od JOIN orders o USING (order_id)
        JOIN customers c USING (customer_id) WHERE od.quantity > 0
        GROUP BY c.country ORDER BY 2 DESC, c.country COLLATE "C" """)
    got = table("gold/revenue_by_country")
    assert [(r["country"], r["orders"]) for r in got] == [(e[0], int(e[2])) for e in expected]
    for r, e in zip(got, expected):
        assert math.isclose(r["revenue"], float(e[1]), rel_tol=1e-9), (r, e)

    metrics = table("gold/quality_metrics")
    suites = {"northwind_" + t for t in ("order_facts", "customers", "products", "categories", "employees",
                                        "shippers")}
    assert {r["suite"] for r in metrics} == suites
    assert len({r["run_id"] for r in metrics}) == 1
    quantity = [r for r in metrics if r["suite"] == "northwind_order_facts" and r["column"] == "quantity"]
    assert [(r["success"], r["unexpected_count"]) for r in quantity] == [(False, 1)]
    assert all(r["success"] for r in metrics if r["suite"] != "northwind_order_facts")

    # A rerun appends one more run of metrics and quarantines the same line once.
    medallion("northwind", "--lake", lake)
    assert len(table("gold/quality_metrics")) == 2 * len(metrics)
    assert len(table("silver/order_facts_quarantine")) == 1


def test_kill_9_mid_ingest_then_rerun_has_no_duplicates(server, tmp_path):
    dsn = load_sample(server, "nw_crash", 12000)
    lake = tmp_path / "lake"
    log = lake / "bronze" / "pg_order_details" / "_delta_log"
    proc = subprocess.Popen([str(BIN), "--log-format", "json", "ingest-pg", "--dsn", dsn, "--tables",
                             "order_details", "--lake", str(lake), "--batch-rows", "1000"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # Kill once some batches are committed but the snapshot is not finished.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if log.exists() and len(list(log.glob("*.json"))) >= 4:
            break
        time.sleep(0.005)
    killed = proc.poll() is None
    if killed:
        proc.send_signal(signal.SIGKILL)
    proc.wait()
    (count,), = sql(dsn, "SELECT count(*) FROM order_details")
    if killed:
        partial = bronze(lake, "order_details").num_rows
        assert 0 < partial < int(count)
    ingest(dsn, lake, "order_details", "--batch-rows", "1000")
    rows = bronze(lake, "order_details")
    keys = list(zip(rows.column("order_id").to_pylist(), rows.column("product_id").to_pylist()))
    assert len(keys) == int(count)
    assert len(set(keys)) == len(keys)
    assert killed, "ingest finished before it could be killed; the crash path was not exercised"


def one_error_line(proc) -> str:
    assert proc.returncode != 0, proc.stdout + proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("medallion: error:")]
    assert len(errors) == 1, proc.stderr
    assert f":{PASSWORD}@" not in proc.stderr + proc.stdout  # the DSN's password never shows
    return errors[0]


def assert_nothing_committed(lake: Path):
    assert not list(lake.rglob("_delta_log")), list(lake.rglob("*"))


def test_unreachable_server(tmp_path):
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    lake = tmp_path / "lake"
    proc = ingest(f"postgresql://medallion:s3cret-pw@127.0.0.1:{port}/northwind", lake, "orders", check=False)
    line = one_error_line(proc)
    assert f"127.0.0.1:{port}" in line and "s3cret-pw" not in proc.stderr + proc.stdout
    assert_nothing_committed(lake)


def test_wrong_password(server, northwind, tmp_path):
    lake = tmp_path / "lake"
    bad = northwind.replace(f":{PASSWORD}@", ":wrong-pw-123@")
    proc = ingest(bad, lake, "orders", check=False)
    line = one_error_line(proc)
    assert "password authentication failed" in line and "wrong-pw-123" not in proc.stderr + proc.stdout
    assert_nothing_committed(lake)


def test_missing_table_commits_nothing_for_any_table(northwind, tmp_path):
    lake = tmp_path / "lake"
    proc = ingest(northwind, lake, "orders,no_such_table", check=False)
    line = one_error_line(proc)
    assert "no_such_table" in line and "not found" in line
    assert_nothing_committed(lake)


def test_unsupported_type_names_table_column_and_type(server, tmp_path):
    dsn = load_sample(server, "nw_types", 100)
    sql(dsn, "CREATE TABLE events (id int PRIMARY KEY, payload jsonb, updated_at timestamptz NOT NULL)")
    lake = tmp_path / "lake"
    proc = ingest(dsn, lake, "orders,events", check=False)
    line = one_error_line(proc)
    assert "events.payload" in line and "jsonb" in line
    assert_nothing_committed(lake)


def test_types_map_to_arrow(server, tmp_path):
    import pyarrow as pa
    dsn = load_sample(server, "nw_zoo", 100)
    sql(dsn, """CREATE DOMAIN positive AS integer CHECK (VALUE > 0);
        CREATE TABLE zoo (id bigint PRIMARY KEY, s smallint, i positive, b boolean, r real, d double precision,
          n numeric(12,3), free numeric, t text, v varchar(10), c char(3), raw bytea, day date, ts timestamp,
          tz timestamptz);
        INSERT INTO zoo VALUES (1, -2, 3, true, 1.5, -2.25, 12345.678, 0.1, 'ü', 'v', 'ab', '\\x00ff', '1999-12-31',
          '2024-05-06 07:08:09.123456', '2024-05-06 07:08:09.5+02'),
          (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);""")
    lake = tmp_path / "lake"
    ingest(dsn, lake, "zoo", "--numeric", "decimal")
    table = bronze(lake, "zoo")
    schema = {f.name: f.type for f in table.schema}
    assert schema["s"] == pa.int16() and schema["i"] == pa.int32() and schema["id"] == pa.int64()
    assert schema["b"] == pa.bool_() and schema["r"] == pa.float32() and schema["d"] == pa.float64()
    assert schema["n"] == pa.decimal128(12, 3) and schema["free"] == pa.decimal128(38, 10)
    assert schema["t"] == pa.string() and schema["c"] == pa.string() and schema["raw"] == pa.binary()
    assert schema["day"] == pa.date32() and schema["tz"] == pa.timestamp("us", tz="UTC")
    rows = sorted(table.to_pylist(), key=lambda r: r["id"])
    one = rows[0]
    assert (one["s"], one["i"], one["b"], one["r"], one["d"]) == (-2, 3, True, 1.5, -2.25)
    assert str(one["n"]) == "12345.678" and str(one["free"]) == "0.1000000000"
    assert (one["t"], one["v"], one["c"], one["raw"]) == ("ü", "v", "ab ", b"\x00\xff")
    assert str(one["day"]) == "1999-12-31"
    assert one["ts"].isoformat() == "2024-05-06T07:08:09.123456+00:00"
    assert one["tz"].isoformat() == "2024-05-06T05:08:09.500000+00:00"
    assert all(v is None for k, v in rows[1].items() if k not in ("id", "_op", "_ingested_at"))
