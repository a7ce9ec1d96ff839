"""Helpers for the `medallion stream` acceptance tests (issue 5).

Bronze is made the real way by the Silver tests' helpers
(tests/integration/silver/silver_lake.py: embedded cluster + `medallion
ingest`); this module adds the stream command line and table comparison.
"""
from __future__ import annotations

import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "silver"))

from silver_lake import BUILD, SUITE, produce_and_ingest, read_delta, run  # noqa: E402,F401

GOLD_TABLES = ["revenue_city_hourly", "revenue_product_daily", "sales_daily", "category_daily", "top_products",
               "country_daily", "funnel_daily", "customer_rfm", "features_daily", "revenue_city_5min",
               "revenue_city_1h", "late_events"]


def stream_args(medallion: str, lake: Path, *extra) -> list:
    return [medallion, "--log-format", "json", "stream", "--lake", lake, "--entities", "orders", "--suite", SUITE,
            *extra]


def _cell(value):
    if isinstance(value, float):
        return "nan" if math.isnan(value) else round(value, 6)
    return value


def rows_of(path: Path) -> list:
    """A Delta table's rows as sorted tuples (doubles rounded: sums in another order differ in the last bits)."""
    table = read_delta(path)
    names = sorted(table.column_names)
    return sorted((tuple(_cell(r[n]) for n in names) for r in table.to_pylist()), key=repr)
