"""Acceptance for `medallion silver` (issue 5): quarantine, dedup, kill -9."""
from __future__ import annotations

import random
import signal
import subprocess
import time
from collections import Counter

import pyarrow as pa
import pytest

from silver_lake import (headers_of, load_corpus, produce_and_ingest, read_delta, run, silver_args,
                      write_corpus_bronze)

# Every kind the generator makes; oversized_message never reaches Bronze
# (ingest dead-letters it), every other kind must reach the quarantine.
ALL_KINDS = {
    "invalid_json", "truncated_json", "empty_value", "non_object_json", "missing_field", "null_field", "wrong_type",
    "number_as_string", "negative_quantity", "zero_quantity", "absurd_quantity", "negative_price", "nan_value",
    "infinity_value", "integer_overflow", "unknown_event_type", "unknown_currency", "bad_country_code",
    "malformed_timestamp", "future_timestamp", "ancient_timestamp", "invalid_utf8", "control_characters",
    "byte_order_mark", "duplicate_keys", "deep_nesting", "unknown_extra_fields", "empty_id", "duplicate_event",
    "huge_string", "oversized_message",
}


def coords(table) -> set:
    return {(r["partition"], r["offset"]) for r in table.select(["partition", "offset"]).to_pylist()}


@pytest.fixture(scope="module")
def malformed_lake(medallion, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("malformed")
    lake = tmp / "lake"
    produce_and_ingest(medallion, lake, tmp, "--seed", "11", "--history-days", "1", "--bad-fraction", "0.5",
                       "--heavy-bad-every", "25", "--max-events", "600", "--daily-units", "300")
    out = run(silver_args(medallion, lake))
    assert "silver orders:" in out.stdout
    return lake


def test_every_bad_kind_is_quarantined_with_a_reason_naming_its_rule(malformed_lake):
    bronze = read_delta(malformed_lake / "bronze" / "orders").to_pylist()
    silver = read_delta(malformed_lake / "silver" / "orders")
    quarantine = read_delta(malformed_lake / "silver" / "orders_quarantine").to_pylist()
    dead = read_delta(malformed_lake / "bronze" / "_dead_letters").to_pylist()
    silver_coords = coords(silver)
    quarantined = {(r["partition"], r["offset"]): r for r in quarantine}

    seen_kinds = Counter()
    for row in bronze:
        kind = headers_of(row).get("medallion.bad_kind")
        key = (row["partition"], row["offset"])
        if kind is None:
            continue
        kind = kind.decode()
        seen_kinds[kind] += 1
        assert key not in silver_coords, f"bad record of kind {kind} at {key} reached Silver"
        assert key in quarantined, f"bad record of kind {kind} at {key} is not in quarantine"
        q = quarantined[key]
        assert q["value"] == row["value"], "the quarantine keeps the raw value"
        assert q["failed_rules"], kind
        reason = q["quarantine_reason"]
        for rule in q["failed_rules"]:
            name = rule.split(": ", 1)[-1].split("(")[0]
            assert name in reason, f"{kind}: reason {reason!r} does not name rule {rule!r}"
    dead_kinds = {headers_of(r).get("medallion.bad_kind", b"").decode() for r in dead} if dead else set()
    assert set(seen_kinds) | dead_kinds == ALL_KINDS, f"kinds never produced: {ALL_KINDS - set(seen_kinds) - dead_kinds}"
    assert "oversized_message" in dead_kinds

    # Every good record (no bad_kind header) is in Silver exactly once.
    good = [r for r in bronze if "medallion.bad_kind" not in headers_of(r)]
    silver_ids = Counter(silver.column("event_id").to_pylist())
    assert all(n == 1 for n in silver_ids.values())
    assert len(good) == silver.num_rows
    assert {(r["partition"], r["offset"]) for r in good} == silver_coords
    # Nothing is lost: every Bronze row is in Silver or in quarantine.
    assert len(bronze) == silver.num_rows + len(quarantine)


def test_quality_metrics_are_appended(malformed_lake):
    metrics = read_delta(malformed_lake / "gold" / "quality_metrics").to_pylist()
    by_expectation = {m["expectation"]: m for m in metrics}
    assert "expect_bronze_value_to_be_an_order" in by_expectation
    assert any(m["unexpected_count"] for m in metrics)


def test_fixed_corpus(medallion, tmp_path):
    corpus = load_corpus()
    lake = tmp_path / "lake"
    write_corpus_bronze(lake / "bronze" / "orders", corpus)
    run(silver_args(medallion, lake))
    silver = read_delta(lake / "silver" / "orders")
    quarantine = {r["offset"]: r for r in read_delta(lake / "silver" / "orders_quarantine").to_pylist()}
    silver_offsets = set(silver.column("offset").to_pylist())
    for offset, case in enumerate(corpus):
        if case["expect"] == "silver":
            assert offset in silver_offsets, f"{case['name']} should be in Silver: {quarantine.get(offset)}"
            continue
        assert offset not in silver_offsets, f"{case['name']} reached Silver"
        assert offset in quarantine, f"{case['name']} is not quarantined"
        q = quarantine[offset]
        assert q["failed_rules"][0].startswith(case["expect"]), f"{case['name']}: {q['failed_rules']}"
        assert case["expect"].split(": ")[-1] in q["quarantine_reason"], q["quarantine_reason"]
    normalised = [r for r in silver.to_pylist() if r["event_id"].endswith("ac")][0]
    assert (normalised["country"], normalised["currency"], normalised["event_type"], normalised["city"]) == \
        ("DE", "EUR", "order_created", "Berlin")
    # Dollar amounts come from the lake's rates table, which delta-rs reads
    # (and could update) like any other table.
    rates = {r["currency"]: r["units_per_usd"] for r in read_delta(lake / "silver" / "currency_rates").to_pylist()}
    assert rates["USD"] == 1.0 and "CHF" not in rates
    for row in silver.to_pylist():
        assert row["total_amount_usd"] == pytest.approx(row["total_amount"] / rates[row["currency"]]), row


def test_a_rate_added_with_delta_rs_converts_that_currency(medallion, tmp_path):
    from deltalake import write_deltalake
    corpus = [c for c in load_corpus() if c["name"] in ("good_plain", "currency_without_a_rate")]
    lake = tmp_path / "lake"
    write_corpus_bronze(lake / "bronze" / "orders", corpus[:1])
    run(silver_args(medallion, lake))  # creates silver/currency_rates with the built-in rates
    rates = lake / "silver" / "currency_rates"
    schema = pa.schema([pa.field("currency", pa.string(), nullable=False),
                        pa.field("units_per_usd", pa.float64(), nullable=False)])
    write_deltalake(str(rates), pa.table({"currency": ["CHF"], "units_per_usd": [0.8]}, schema=schema), mode="append")
    write_corpus_bronze(lake / "bronze" / "orders", corpus[1:], first_offset=1)
    run(silver_args(medallion, lake))
    by_city = {r["city"]: r for r in read_delta(lake / "silver" / "orders").to_pylist()}
    assert by_city["Zurich"]["total_amount_usd"] == pytest.approx(25.0 / 0.8)
    assert read_delta(lake / "silver" / "orders_quarantine").num_rows == 0


def test_each_event_three_times_is_once_in_silver(medallion, tmp_path):
    lake = tmp_path / "lake"
    # Three deliveries of the same events: each round is a fresh embedded
    # cluster read by a fresh consumer group, appended to the same Bronze.
    for round_ in range(3):
        work = tmp_path / f"round{round_}"
        work.mkdir()
        produce_and_ingest(medallion, lake, work, "--seed", "5", "--history-days", "1", "--bad-fraction", "0",
                           "--max-events", "300", "--daily-units", "200", group=f"round-{round_}")
    run(silver_args(medallion, lake))
    bronze = read_delta(lake / "bronze" / "orders")
    silver = read_delta(lake / "silver" / "orders")
    assert bronze.num_rows == 900
    ids = Counter(silver.column("event_id").to_pylist())
    assert len(ids) == 300 and set(ids.values()) == {1}
    quarantine = read_delta(lake / "silver" / "orders_quarantine").to_pylist()
    assert len(quarantine) == 600
    assert {tuple(r["failed_rules"]) for r in quarantine} == {("dedup_event_id",)}


def test_kill_9_at_random_moments_matches_an_uninterrupted_run(medallion, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    produce_and_ingest(medallion, src, src, "--seed", "3", "--history-days", "1", "--bad-fraction", "0.2",
                       "--heavy-bad-every", "0", "--max-events", "3000", "--daily-units", "2000",
                       batch_records=20)  # many small Bronze commits: a long run to kill
    import shutil
    reference, crashed = tmp_path / "reference", tmp_path / "crashed"
    for lake in (reference, crashed):
        (lake / "bronze").mkdir(parents=True)
        shutil.copytree(src / "bronze" / "orders", lake / "bronze" / "orders")
    run(silver_args(medallion, reference, "--max-versions-per-batch", "1"))

    bronze_versions = len(list((crashed / "bronze" / "orders" / "_delta_log").glob("*.json")))
    rng = random.Random(2024)
    kills = 0
    for _ in range(10):
        proc = subprocess.Popen([str(a) for a in silver_args(medallion, crashed, "--max-versions-per-batch", "1")],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # Kill after a random amount of progress (Silver commits), plus a
        # random few milliseconds, so kills fall between and inside commits.
        log = crashed / "silver" / "orders" / "_delta_log"
        start = len(list(log.glob("*.json"))) if log.exists() else 0
        target = start + rng.randint(1, 12)
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline:
            if log.exists() and len(list(log.glob("*.json"))) >= target:
                break
            time.sleep(0.005)
        time.sleep(rng.uniform(0, 0.03))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait(30)
    # The kills must land mid-run, or the test proves nothing.
    assert kills >= 5, f"only {kills} of 10 runs were still going when killed ({bronze_versions} Bronze versions)"
    run(silver_args(medallion, crashed, "--max-versions-per-batch", "1"))

    def content(lake, table, key):
        rows = read_delta(lake / "silver" / table).to_pylist()
        return sorted(rows, key=key)

    by_coords = lambda r: (r["partition"], r["offset"])  # noqa: E731
    assert content(crashed, "orders", by_coords) == content(reference, "orders", by_coords)
    assert content(crashed, "orders_quarantine", by_coords) == content(reference, "orders_quarantine", by_coords)
