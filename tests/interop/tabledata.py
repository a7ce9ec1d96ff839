"""Deterministic test rows in the canonical medallion test schema, and one
comparable form for rows whichever engine returned them (medallion JSON lines,
delta-rs/pyarrow tables, Spark)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Iterable, Sequence

import pyarrow as pa
import pyarrow.parquet as pq

UTC = dt.timezone.utc
EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)
BASE_TS = dt.datetime(2026, 1, 1, tzinfo=UTC)
BASE_DAY = dt.date(2026, 1, 1)

# Column order of the table; `country` is last so the partition column also
# sits at the end of the schema in every engine's view.
COLUMNS = ["id", "name", "ts", "day", "price", "qty", "ok", "country"]

# What `medallion table create --schema` takes for this table.
SCHEMA_FLAG = "id:long,name:string,ts:timestamp,day:date,price:double,qty:int,ok:boolean,country:string"

# The Delta (Spark JSON) type names every engine must report.
DELTA_TYPES = [
    ("id", "long"),
    ("name", "string"),
    ("ts", "timestamp"),
    ("day", "date"),
    ("price", "double"),
    ("qty", "integer"),
    ("ok", "boolean"),
    ("country", "string"),
]

ARROW_SCHEMA = pa.schema(
    [
        ("id", pa.int64()),
        ("name", pa.string()),
        ("ts", pa.timestamp("us", tz="UTC")),
        ("day", pa.date32()),
        ("price", pa.float64()),
        ("qty", pa.int32()),
        ("ok", pa.bool_()),
        ("country", pa.string()),
    ]
)

# Spark DDL for createDataFrame with the same schema.
SPARK_DDL = "id long, name string, ts timestamp, day date, price double, qty int, ok boolean, country string"

COUNTRIES = ("de", "fr", "us")


def make_rows(batch: int, rows: int, countries: Sequence[str] = COUNTRIES, days: int = 3,
              with_nulls: bool = True) -> list[dict[str, Any]]:
    """Rows of batch `batch`: ids batch*100000 + i, so batches never overlap.

    Timestamps carry a sub-millisecond part so a writer that truncates to
    milliseconds is caught; prices have two decimals so any sane float
    formatting round-trips them exactly."""
    out = []
    for i in range(rows):
        ident = batch * 100_000 + i
        out.append(
            {
                "id": ident,
                "name": None if with_nulls and ident % 7 == 3 else f"name-{ident}",
                "ts": BASE_TS + dt.timedelta(seconds=ident * 37, microseconds=(ident * 7919) % 1_000_000),
                "day": BASE_DAY + dt.timedelta(days=(batch + i) % days),
                "price": None if with_nulls and ident % 11 == 5 else round((ident % 997) * 1.25 + 0.01, 2),
                "qty": None if with_nulls and ident % 13 == 6 else (ident % 50) - 10,
                "ok": None if with_nulls and ident % 17 == 8 else ident % 2 == 0,
                "country": countries[i % len(countries)],
            }
        )
    return out


def make_table(batch: int, rows: int, **kwargs) -> pa.Table:
    return pa.Table.from_pylist(make_rows(batch, rows, **kwargs), schema=ARROW_SCHEMA)


def ts_micros(value: Any) -> int | None:
    """Microseconds since the epoch, UTC, from a datetime (naive = UTC), an
    ISO-8601 string, or an integer that already is microseconds."""
    if value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return (value - EPOCH) // dt.timedelta(microseconds=1)


def day_iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return dt.date.fromisoformat(str(value)).isoformat()


def canonical_row(row: dict[str, Any], columns: Sequence[str] = COLUMNS) -> tuple:
    missing = [c for c in columns if c not in row]
    assert not missing, f"row lacks columns {missing}: {row}"
    out = []
    for c in columns:
        v = row[c]
        if c == "ts":
            v = ts_micros(v)
        elif c == "day":
            v = day_iso(v)
        elif c == "price" and v is not None:
            v = float(v)
        elif c in ("id", "qty") and v is not None:
            v = int(v)
        out.append(v)
    return tuple(out)


def canonical_rows(rows: Iterable[dict[str, Any]], columns: Sequence[str] = COLUMNS) -> list[tuple]:
    """Rows as tuples in `columns` order, sorted by the first column (id)."""
    return sorted((canonical_row(r, columns) for r in rows), key=lambda t: t[0])


def arrow_rows(table: pa.Table, columns: Sequence[str] = COLUMNS) -> list[tuple]:
    return canonical_rows(table.select(list(columns)).to_pylist(), columns)


def spark_rows(df, columns: Sequence[str] = COLUMNS) -> list[tuple]:
    # Timestamps leave Spark as integers so the Python side's local time zone
    # can never shift them.
    from pyspark.sql import functions as F

    exprs = [F.unix_micros(F.col(c)).alias(c) if c == "ts" else F.col(c) for c in columns]
    return canonical_rows((r.asDict() for r in df.select(*exprs).collect()), columns)


def write_parquet(table: pa.Table, path) -> Path:
    pq.write_table(table, path)
    return path
