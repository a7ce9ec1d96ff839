"""Deterministic retail event data for the Delta benchmarks.

The same seed always gives the same rows, so medallion and delta-rs write
byte-identical input. Columns follow the retail event schema of issue 3;
event_date (date32) is the partition column, ~30 days.
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa

START_DAY = np.datetime64("2024-05-01", "D")
DAYS = 30

EVENT_TYPES = ["view", "add_to_cart", "purchase", "remove_from_cart", "return"]
EVENT_WEIGHTS = [0.62, 0.18, 0.14, 0.04, 0.02]
CATEGORIES = ["electronics", "books", "toys", "garden", "grocery", "beauty", "sports", "fashion",
              "home", "automotive", "music", "pets"]
# (city, country, currency)
CITIES = [
    ("Berlin", "DE", "EUR"), ("Munich", "DE", "EUR"), ("Hamburg", "DE", "EUR"), ("Cologne", "DE", "EUR"),
    ("Paris", "FR", "EUR"), ("Lyon", "FR", "EUR"), ("Marseille", "FR", "EUR"), ("Madrid", "ES", "EUR"),
    ("Barcelona", "ES", "EUR"), ("Rome", "IT", "EUR"), ("Milan", "IT", "EUR"), ("Amsterdam", "NL", "EUR"),
    ("Rotterdam", "NL", "EUR"), ("Vienna", "AT", "EUR"), ("Zurich", "CH", "CHF"), ("Geneva", "CH", "CHF"),
    ("London", "GB", "GBP"), ("Manchester", "GB", "GBP"), ("Edinburgh", "GB", "GBP"), ("Warsaw", "PL", "PLN"),
    ("Krakow", "PL", "PLN"), ("Stockholm", "SE", "SEK"), ("Copenhagen", "DK", "DKK"), ("Oslo", "NO", "NOK"),
    ("New York", "US", "USD"), ("Chicago", "US", "USD"), ("Austin", "US", "USD"), ("Seattle", "US", "USD"),
    ("Toronto", "CA", "CAD"), ("Montreal", "CA", "CAD"),
]

SCHEMA = pa.schema([
    pa.field("event_id", pa.string(), nullable=False),
    pa.field("event_type", pa.string(), nullable=False),
    pa.field("event_time", pa.timestamp("us", tz="UTC"), nullable=False),
    pa.field("customer_id", pa.int64(), nullable=False),
    pa.field("product_id", pa.int64(), nullable=False),
    pa.field("category", pa.string()),
    pa.field("city", pa.string()),
    pa.field("country", pa.string()),
    pa.field("quantity", pa.int32()),
    pa.field("unit_price", pa.float64()),
    pa.field("currency", pa.string()),
    pa.field("promo", pa.bool_()),
    pa.field("store_id", pa.int32()),
    pa.field("event_date", pa.date32(), nullable=False),
])


def _uuid4_strings(rng: np.random.Generator, n: int) -> pa.Array:
    """n random version-4 UUIDs as a string array, built without a Python loop."""
    raw = rng.integers(0, 256, size=(n, 16), dtype=np.uint8)
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40  # version 4
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80  # RFC 4122 variant
    hexdigits = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
    text = np.empty((n, 36), dtype=np.uint8)
    pos = 0
    for byte in range(16):
        if byte in (4, 6, 8, 10):
            text[:, pos] = ord("-")
            pos += 1
        text[:, pos] = hexdigits[raw[:, byte] >> 4]
        text[:, pos + 1] = hexdigits[raw[:, byte] & 0x0F]
        pos += 2
    offsets = np.arange(0, 36 * (n + 1), 36, dtype=np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(text.tobytes()))


def _pick(rng: np.random.Generator, values: list[str], n: int, p=None, null_fraction: float = 0.0) -> pa.Array:
    codes = rng.choice(len(values), size=n, p=p).astype(np.int32)
    mask = rng.random(n) < null_fraction if null_fraction else None
    dictionary = pa.array(values, pa.string())
    return pa.DictionaryArray.from_arrays(pa.array(codes, mask=mask), dictionary).cast(pa.string())


def generate_batch(rng: np.random.Generator, n: int) -> pa.RecordBatch:
    micros_per_day = 86_400_000_000
    start = START_DAY.astype("datetime64[us]").astype(np.int64)
    event_time = start + rng.integers(0, DAYS * micros_per_day, size=n, dtype=np.int64)
    event_date = (event_time // micros_per_day).astype(np.int32)
    city_index = rng.integers(0, len(CITIES), size=n)
    cities = np.array([c[0] for c in CITIES], dtype=object)
    countries = np.array([c[1] for c in CITIES], dtype=object)
    currencies = np.array([c[2] for c in CITIES], dtype=object)
    city_dict = pa.array(list(cities), pa.string())
    country_dict = pa.array(list(countries), pa.string())
    currency_dict = pa.array(list(currencies), pa.string())
    codes = pa.array(city_index.astype(np.int32))
    price = np.round(rng.lognormal(mean=3.0, sigma=1.0, size=n), 2)
    quantity = rng.integers(1, 11, size=n, dtype=np.int32)
    # A few missing optional fields, as real feeds have.
    price_mask = rng.random(n) < 0.001
    columns = {
        "event_id": _uuid4_strings(rng, n),
        "event_type": _pick(rng, EVENT_TYPES, n, p=EVENT_WEIGHTS),
        "event_time": pa.array(event_time, pa.timestamp("us", tz="UTC")),
        "customer_id": pa.array(rng.integers(1, 200_001, size=n, dtype=np.int64)),
        "product_id": pa.array(rng.integers(1, 50_001, size=n, dtype=np.int64)),
        "category": _pick(rng, CATEGORIES, n, null_fraction=0.002),
        "city": pa.DictionaryArray.from_arrays(codes, city_dict).cast(pa.string()),
        "country": pa.DictionaryArray.from_arrays(codes, country_dict).cast(pa.string()),
        "quantity": pa.array(quantity),
        "unit_price": pa.array(price, mask=price_mask),
        "currency": pa.DictionaryArray.from_arrays(codes, currency_dict).cast(pa.string()),
        "promo": pa.array(rng.random(n) < 0.15),
        "store_id": pa.array(rng.integers(1, 501, size=n, dtype=np.int32)),
        "event_date": pa.array(event_date, pa.date32()),
    }
    return pa.RecordBatch.from_arrays([columns[f.name] for f in SCHEMA], schema=SCHEMA)


def generate(rows: int, seed: int = 42, batch_rows: int = 1_000_000) -> pa.Table:
    """`rows` events in batches of `batch_rows` (the batches become the table's chunks)."""
    rng = np.random.default_rng(seed)
    batches = []
    done = 0
    while done < rows:
        n = min(batch_rows, rows - done)
        batches.append(generate_batch(rng, n))
        done += n
    return pa.Table.from_batches(batches, schema=SCHEMA)
