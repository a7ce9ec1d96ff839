"""Gold correctness: every table `medallion gold` writes equals an independent
recomputation by DuckDB SQL over the same Silver table read through delta-rs.

The metric definitions the SQL encodes are those of
src/medallion/transform/gold_tables.h, rfm_scores.h and features_daily.h:
an order is one `order_created` event (gross: cancellations never reduce
orders, units or revenue; sales_daily counts them apart), units = sum of
quantity, revenue = sum of total_amount_usd over orders (dollars: the orders
are priced in euros and yen), growth is
(now - earlier) / earlier and null without an earlier row or with zero
earlier revenue, rates are null on a zero denominator.

Dollar prices are multiples of 0.25 and the exchange rates powers of two, so
every sum of money is exact in binary whatever the summation order: ranks and
quintiles ordered by revenue can then be compared exactly, not only to 1e-9.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from deltalake import DeltaTable, write_deltalake

START = dt.date(2026, 1, 1)
DAYS = 40
CITIES = [("Berlin", "DE"), ("Munich", "DE"), ("Paris", "FR"), ("Lyon", "FR"), ("Madrid", "ES"), ("Rome", "IT"),
          ("Tokyo", "JP")]
CURRENCY = {"DE": "EUR", "FR": "EUR", "ES": "EUR", "IT": "EUR", "JP": "JPY"}
UNITS_PER_USD = {"EUR": 0.5, "JPY": 128.0}
CATEGORIES = ["toys", "books", "garden", "kitchen", "sports"]
EVENT_TYPES = ["product_viewed"] * 5 + ["add_to_cart"] * 2 + ["order_created"] * 3 + ["order_cancelled"]


def make_silver(rows: int = 4000, seed: int = 7) -> pa.Table:
    rng = random.Random(seed)
    products = {p: CATEGORIES[p % len(CATEGORIES)] for p in range(1, 31)}
    cols: dict[str, list] = {k: [] for k in [
        "event_id", "event_type", "event_time", "customer_id", "product_id", "category", "city", "country",
        "quantity", "unit_price", "currency", "promo", "store_id", "total_amount", "total_amount_usd",
        "event_date"]}
    for i in range(rows):
        day = START + dt.timedelta(days=rng.randrange(DAYS))
        t = dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc) + dt.timedelta(
            seconds=rng.randrange(86400))
        product = rng.randrange(1, 31)
        city, country = rng.choice(CITIES)
        quantity = rng.randint(1, 5)
        price_usd = rng.randint(4, 400) * 0.25
        currency = CURRENCY[country]
        price = price_usd * UNITS_PER_USD[currency]
        cols["event_id"].append(f"evt-{i:06d}")
        cols["event_type"].append(rng.choice(EVENT_TYPES))
        cols["event_time"].append(t)
        cols["customer_id"].append(rng.randrange(1, 301))
        cols["product_id"].append(product)
        cols["category"].append(products[product])
        cols["city"].append(city)
        cols["country"].append(country)
        cols["quantity"].append(quantity)
        cols["unit_price"].append(price)
        cols["currency"].append(currency)
        cols["promo"].append(rng.random() < 0.2)
        cols["store_id"].append(rng.randrange(1, 9))
        cols["total_amount"].append(quantity * price)
        cols["total_amount_usd"].append(quantity * price_usd)
        cols["event_date"].append(t.date())
    schema = pa.schema([
        ("event_id", pa.string()), ("event_type", pa.string()), ("event_time", pa.timestamp("us", tz="UTC")),
        ("customer_id", pa.int64()), ("product_id", pa.int64()), ("category", pa.string()),
        ("city", pa.string()), ("country", pa.string()), ("quantity", pa.int32()), ("unit_price", pa.float64()),
        ("currency", pa.string()), ("promo", pa.bool_()), ("store_id", pa.int32()),
        ("total_amount", pa.float64()), ("total_amount_usd", pa.float64()), ("event_date", pa.date32())])
    return pa.table(cols, schema=schema)


def range_sql(lo: dt.date, hi: dt.date) -> str:
    return f"event_date BETWEEN DATE '{lo}' AND DATE '{hi}'"


def expected_sql(lo: dt.date, hi: dt.date) -> dict[str, tuple[str, list[str]]]:
    """Table -> (DuckDB query over `silver`, key columns)."""
    rng = range_sql(lo, hi)
    sales = f"""
        SELECT event_date, product_id,
               sum(CASE WHEN event_type = 'order_created' THEN quantity ELSE 0 END)::BIGINT AS units,
               sum(CASE WHEN event_type = 'order_created' THEN total_amount_usd ELSE 0.0 END) AS revenue,
               count(*) FILTER (WHERE event_type = 'order_created') AS orders,
               count(*) FILTER (WHERE event_type = 'order_cancelled') AS cancellations
        FROM silver WHERE {rng} AND event_type IN ('order_created', 'order_cancelled')
        GROUP BY ALL"""
    measures = "count(*) AS orders, sum(quantity)::BIGINT AS units, sum(total_amount_usd) AS revenue"
    orders = "(SELECT * FROM silver WHERE event_type = 'order_created')"
    growth = "CASE WHEN {b} IS NULL OR {b} = 0 THEN NULL ELSE (a.revenue - {b}) / {b} END"
    rate = "CASE WHEN {d} = 0 THEN NULL ELSE {n}::DOUBLE / {d} END"
    rolling = []
    for n in (7, 14, 30):
        frame = f"(PARTITION BY product_id ORDER BY event_date ROWS BETWEEN {n} PRECEDING AND 1 PRECEDING)"
        rolling.append(f"CASE WHEN count(*) OVER {frame} = {n} THEN avg(units) OVER {frame} END AS rolling_mean_{n}")
        rolling.append(f"CASE WHEN count(*) OVER {frame} = {n} THEN stddev_samp(units) OVER {frame} END "
                       f"AS rolling_std_{n}")
    lags = ", ".join(f"lag(units, {k}) OVER (PARTITION BY product_id ORDER BY event_date) AS lag_{k}"
                     for k in (1, 7, 14, 28))
    return {
        "revenue_city_hourly": (f"""
            SELECT event_date, date_trunc('hour', event_time) AS hour, city, country, {measures}
            FROM {orders} o WHERE {rng} GROUP BY ALL""", ["event_date", "hour", "city", "country"]),
        "revenue_product_daily": (f"""
            SELECT event_date, product_id, category, {measures}
            FROM {orders} o WHERE {rng} GROUP BY ALL""", ["event_date", "product_id", "category"]),
        "sales_daily": (sales, ["event_date", "product_id"]),
        "category_daily": (f"""
            WITH d AS (SELECT event_date, category, {measures} FROM {orders} o
                       WHERE {range_sql(lo - dt.timedelta(days=7), hi)} GROUP BY ALL)
            SELECT a.*, p.revenue AS revenue_prev_day, {growth.format(b='p.revenue')} AS revenue_dod_growth,
                   w.revenue AS revenue_prev_week, {growth.format(b='w.revenue')} AS revenue_wow_growth
            FROM d a
            LEFT JOIN d p ON p.category = a.category AND p.event_date = a.event_date - 1
            LEFT JOIN d w ON w.category = a.category AND w.event_date = a.event_date - 7
            WHERE a.{rng}""", ["event_date", "category"]),
        "top_products": (f"""
            SELECT event_date, rank, product_id, revenue, units, orders FROM (
              SELECT *, row_number() OVER (PARTITION BY event_date ORDER BY revenue DESC, product_id) AS rank
              FROM ({sales}) WHERE orders > 0)
            WHERE rank <= 10""", ["event_date", "rank"]),
        "customer_rfm": (f"""
            WITH c AS (SELECT customer_id, max(event_date) AS last_order_date, count(*) AS frequency,
                              sum(total_amount_usd) AS monetary
                       FROM {orders} o WHERE event_date <= DATE '{hi}' GROUP BY customer_id),
            s AS (SELECT DATE '{hi}' AS as_of_date, customer_id, last_order_date,
                         (DATE '{hi}' - last_order_date) AS recency_days, frequency, monetary,
                         ntile(5) OVER (ORDER BY DATE '{hi}' - last_order_date DESC, customer_id) AS r_score,
                         ntile(5) OVER (ORDER BY frequency, customer_id) AS f_score,
                         ntile(5) OVER (ORDER BY monetary, customer_id) AS m_score
                  FROM c)
            SELECT *, r_score::VARCHAR || f_score::VARCHAR || m_score::VARCHAR AS rfm_score,
                   CASE WHEN r_score >= 4 AND f_score >= 4 THEN 'champions'
                        WHEN r_score >= 3 AND f_score >= 3 THEN 'loyal'
                        WHEN r_score >= 4 AND f_score <= 2 THEN 'new'
                        WHEN r_score <= 2 AND f_score >= 3 THEN 'at_risk'
                        WHEN r_score <= 2 AND f_score <= 2 THEN 'hibernating'
                        ELSE 'needs_attention' END AS segment,
                   m_score = 5 AND f_score >= 4 AS vip
            FROM s""", ["customer_id"]),
        "country_daily": (f"""
            SELECT event_date, country, {measures}, count(DISTINCT customer_id) AS customers,
                   sum(total_amount_usd) / count(*) AS avg_order_value
            FROM {orders} o WHERE {rng} GROUP BY ALL""", ["event_date", "country"]),
        "funnel_daily": (f"""
            WITH f AS (SELECT event_date, product_id,
                              count(*) FILTER (WHERE event_type = 'product_viewed') AS views,
                              count(*) FILTER (WHERE event_type = 'add_to_cart') AS add_to_cart,
                              count(*) FILTER (WHERE event_type = 'order_created') AS orders
                       FROM silver WHERE {rng}
                         AND event_type IN ('product_viewed', 'add_to_cart', 'order_created')
                       GROUP BY ALL)
            SELECT *, {rate.format(n='add_to_cart', d='views')} AS view_to_cart_rate,
                      {rate.format(n='orders', d='add_to_cart')} AS cart_to_order_rate,
                      {rate.format(n='orders', d='views')} AS view_to_order_rate
            FROM f""", ["event_date", "product_id"]),
        "features_daily": (f"""
            WITH daily AS (SELECT product_id, event_date, sum(quantity)::BIGINT AS units,
                                  sum(total_amount_usd) AS revenue, count(*) AS orders,
                                  avg(total_amount_usd / quantity) AS avg_price,
                                  count(*) FILTER (WHERE promo) AS promo_orders
                           FROM {orders} o WHERE event_date <= DATE '{hi}' GROUP BY ALL),
            bounds AS (SELECT min(event_date) AS start FROM daily),
            days AS (SELECT start + i::INTEGER AS event_date FROM bounds, range(0, (DATE '{hi}' - start) + 1) t(i)),
            panel AS (SELECT p.product_id, d.event_date, coalesce(x.units, 0) AS units,
                             coalesce(x.revenue, 0.0) AS revenue, coalesce(x.orders, 0) AS orders, x.avg_price,
                             x.promo_orders::DOUBLE / x.orders AS promo_share
                      FROM (SELECT DISTINCT product_id FROM daily) p CROSS JOIN days d
                      LEFT JOIN daily x ON x.product_id = p.product_id AND x.event_date = d.event_date),
            feats AS (SELECT *, {lags}, {", ".join(rolling)} FROM panel)
            SELECT event_date, product_id, isodow(event_date) AS day_of_week, weekofyear(event_date) AS week_of_year,
                   month(event_date) AS month,
                   strftime(event_date, '%m-%d') IN ('01-01', '05-01', '12-24', '12-25', '12-26', '12-31')
                     AS is_holiday,
                   units, revenue, orders, lag_1, lag_7, lag_14, lag_28,
                   rolling_mean_7, rolling_std_7, rolling_mean_14, rolling_std_14, rolling_mean_30, rolling_std_30,
                   avg_price, promo_share
            FROM feats WHERE {rng}""", ["event_date", "product_id"]),
    }


def same_value(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
    return a == b


def assert_same_table(name: str, gold: pa.Table, expected: pa.Table, keys: list[str]) -> None:
    assert sorted(gold.column_names) == sorted(expected.column_names), name
    assert gold.num_rows == expected.num_rows, f"{name}: {gold.num_rows} rows, DuckDB {expected.num_rows}"
    assert gold.num_rows > 0, f"{name} is empty: the test data should fill every table"
    order = [(k, "ascending") for k in keys]
    got = gold.sort_by(order).to_pylist()
    want = expected.select(gold.column_names).sort_by(order).to_pylist()
    for i, (g, w) in enumerate(zip(got, want)):
        for column in gold.column_names:
            assert same_value(g[column], w[column]), \
                f"{name} row {i} ({[g[k] for k in keys]}) column {column}: medallion {g[column]!r}, DuckDB {w[column]!r}"


@pytest.fixture(scope="module")
def silver_lake(tmp_path_factory) -> Path:
    lake = tmp_path_factory.mktemp("gold_lake")
    write_deltalake(str(lake / "silver" / "orders"), make_silver(), partition_by=["event_date"])
    return lake


def gold_table(lake: Path, name: str) -> pa.Table:
    return DeltaTable(str(lake / "gold" / name)).to_pyarrow_table()


def test_every_gold_table_equals_duckdb(medallion, silver_lake):
    lo, hi = START, START + dt.timedelta(days=DAYS - 1)
    # A partial range first, then the full range twice: re-runs replace
    # partitions, so nothing may be duplicated.
    medallion.run("gold", "--lake", silver_lake, "--from", START + dt.timedelta(days=10),
                  "--to", START + dt.timedelta(days=20))
    medallion.run("gold", "--lake", silver_lake)
    medallion.run("gold", "--lake", silver_lake, "--silver", silver_lake / "silver" / "orders",
                  "--from", lo, "--to", hi)

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    silver = DeltaTable(str(silver_lake / "silver" / "orders")).to_pyarrow_table()
    con.register("silver", silver)
    for name, (sql, keys) in expected_sql(lo, hi).items():
        expected = con.sql(sql).to_arrow_table()
        assert_same_table(name, gold_table(silver_lake, name), expected, keys)


def test_recompute_of_a_range_leaves_other_days_alone(medallion, silver_lake):
    before = gold_table(silver_lake, "sales_daily").sort_by([("event_date", "ascending"), ("product_id", "ascending")])
    day = START + dt.timedelta(days=5)
    medallion.run("gold", "--lake", silver_lake, "--from", day, "--to", day)
    after = gold_table(silver_lake, "sales_daily").sort_by([("event_date", "ascending"), ("product_id", "ascending")])
    assert after.to_pylist() == before.to_pylist()


def test_named_queries(medallion, silver_lake):
    import json
    medallion.run("gold", "--lake", silver_lake)
    out = medallion.run("query", "top_sellers", "--lake", silver_lake, "--format", "json", "--limit", "3")
    rows = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    assert [r["rank"] for r in rows] == [1, 2, 3]
    con = duckdb.connect()
    con.register("sales", gold_table(silver_lake, "sales_daily"))
    want = con.execute("SELECT product_id, sum(revenue) AS revenue FROM sales GROUP BY 1 "
                       "ORDER BY revenue DESC, product_id LIMIT 3").fetchall()
    assert [(r["product_id"], r["revenue"]) for r in rows] == [(p, pytest.approx(v, rel=1e-9)) for p, v in want]

    growth = medallion.run("query", "daily_revenue_growth", "--lake", silver_lake, "--format", "csv")
    import csv
    table = list(csv.reader(growth.stdout.splitlines()))
    assert table[0][:2] == ["event_date", "orders"]
    assert len(table) == DAYS + 1
    medallion.run("query", "category_growth", "--lake", silver_lake, "--format", "json")

    missing = medallion.run("query", "demand_vs_actual", "--lake", silver_lake, check=False)
    assert missing.returncode != 0
    assert "gold/demand_forecast does not exist" in missing.stderr
