"""Great Expectations parity: a suite built and run by great_expectations
itself must get the same verdict from `medallion quality check`.

The suite is made with GE's API and saved as JSON (GE 1.x shape, and a 0.x
rendering of it); GE validates a pandas DataFrame; medallion validates the same
data written as Parquet and as CSV. Every expectation's success and
unexpected_count (and, where GE reports them, element/missing counts and the
partial unexpected list) must be equal.

Needs great-expectations==1.24.1 in the venv and the medallion binary
(MEDALLION_BIN, default build/medallion)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

gx = pytest.importorskip("great_expectations")
gxe = pytest.importorskip("great_expectations.expectations")

ROWS = 240


def make_orders() -> pd.DataFrame:
    """Orders with every kind of defect the suite looks for, at fixed places."""
    rng = np.random.default_rng(20261123)
    statuses = np.array(["created", "paid", "shipped"])
    countries = np.array(["DE", "FR", "US", "GB"])
    good_times = ["2024-01-05T10:00:00Z", "2024-01-05 10:00:00", "2024/01/05", "01/05/2024", "Jan 5, 2024",
                  "2024-03-31"]
    df = pd.DataFrame({
        "event_id": [f"ev-{i:05d}" for i in range(ROWS)],
        "quantity": rng.integers(1, 50, ROWS).astype("float64"),
        "units": rng.integers(0, 10, ROWS).astype("int64"),
        "price": np.round(rng.uniform(1, 400, ROWS), 2),
        "status": statuses[rng.integers(0, 3, ROWS)].astype(object),
        "country": countries[rng.integers(0, 4, ROWS)].astype(object),
        "email": [f"user{i}@shop.example" for i in range(ROWS)],
        "event_time": [good_times[i % len(good_times)] for i in range(ROWS)],
    })
    df.loc[[3, 77, 150], "event_id"] = ["ev-00010", "ev-00010", "ev-00200"]  # duplicates
    df.loc[[5, 6], "event_id"] = None
    df.loc[[11, 12, 13], "quantity"] = [-3.0, 0.0, 2000.0]
    df.loc[[14, 15], "quantity"] = np.nan
    df.loc[[20, 21, 22, 23], "price"] = [0.0, -1.5, 999.0, np.nan]
    df.loc[[30, 31, 32], "status"] = ["bogus", "PAID", None]
    df.loc[[40, 41, 42], "country"] = ["DEU", "X", None]
    df.loc[[50, 51, 52], "email"] = ["no-at-sign", "a@b", "two@@at.com"]
    df.loc[[60, 61, 62, 63], "event_time"] = ["yesterday", "2024-02-30", "not a date", None]
    df["status"] = df["status"].astype("str").where(df["status"].notna(), None)
    return df


def build_suite() -> "gx.ExpectationSuite":
    suite = gx.ExpectationSuite(name="orders_parity")
    for expectation in [
        gxe.ExpectTableRowCountToBeBetween(min_value=1, max_value=1000),
        gxe.ExpectTableRowCountToBeBetween(min_value=ROWS, strict_min=True),
        gxe.ExpectTableColumnsToMatchSet(
            column_set=["event_id", "quantity", "units", "price", "status", "country", "email", "event_time"]),
        gxe.ExpectTableColumnsToMatchSet(column_set=["event_id", "missing_col"], exact_match=False),
        gxe.ExpectColumnToExist(column="email"),
        gxe.ExpectColumnToExist(column="nope"),
        gxe.ExpectColumnValuesToNotBeNull(column="event_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="event_id", mostly=0.99),
        gxe.ExpectColumnValuesToNotBeNull(column="units"),
        gxe.ExpectColumnValuesToBeBetween(column="quantity", min_value=1, max_value=1000),
        gxe.ExpectColumnValuesToBeBetween(column="quantity", min_value=1, max_value=1000, mostly=0.98),
        gxe.ExpectColumnValuesToBeBetween(column="price", min_value=0, max_value=500, strict_min=True),
        gxe.ExpectColumnValuesToBeBetween(column="units", max_value=5, strict_max=True, mostly=0.3),
        gxe.ExpectColumnValuesToBeInSet(column="status", value_set=["created", "paid", "shipped"]),
        gxe.ExpectColumnValuesToBeInSet(column="status", value_set=["created", "paid", "shipped"], mostly=0.9),
        gxe.ExpectColumnValuesToBeInSet(column="units", value_set=[0, 1, 2, 3, 4, 5, 6, 7, 8]),
        gxe.ExpectColumnValuesToMatchRegex(column="email", regex=r"^[^@\s]+@[^@\s]+\.[a-z]+$"),
        gxe.ExpectColumnValuesToMatchRegex(column="event_id", regex=r"^ev-\d{5}$"),
        gxe.ExpectColumnValuesToBeUnique(column="event_id"),
        gxe.ExpectColumnValuesToBeUnique(column="email"),
        gxe.ExpectColumnValuesToBeOfType(column="quantity", type_="float64"),
        gxe.ExpectColumnValuesToBeOfType(column="units", type_="int64"),
        gxe.ExpectColumnValuesToBeOfType(column="units", type_="float64"),
        gxe.ExpectColumnValuesToBeOfType(column="email", type_="str"),
        gxe.ExpectColumnValueLengthsToBeBetween(column="country", min_value=2, max_value=2),
        gxe.ExpectColumnValueLengthsToBeBetween(column="email", min_value=5, mostly=0.5),
        gxe.ExpectColumnValuesToBeDateutilParseable(column="event_time"),
    ]:
        suite.add_expectation(expectation)
    return suite


def as_0x(suite_json: dict) -> dict:
    """The same suite as GE 0.x wrote it."""
    return {
        "expectation_suite_name": suite_json["name"],
        "data_asset_type": None,
        "expectations": [{"expectation_type": e["type"], "kwargs": e["kwargs"], "meta": e.get("meta", {})}
                         for e in suite_json["expectations"]],
        "meta": {"great_expectations_version": "0.18.21"},
    }


@pytest.fixture(scope="module")
def parity_case(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ge_parity")
    df = make_orders()
    context = gx.get_context(mode="ephemeral")
    suite = context.suites.add(build_suite())
    suite_json = suite.to_json_dict()
    (tmp / "suite_v1.json").write_text(json.dumps(suite_json, indent=2, default=str))
    (tmp / "suite_v0.json").write_text(json.dumps(as_0x(suite_json), indent=2, default=str))
    # Round-trip through GE's own loader: the saved file is a real GE suite.
    reloaded = gx.ExpectationSuite(**json.loads((tmp / "suite_v1.json").read_text()))
    assert len(reloaded.expectations) == len(suite.expectations)

    batch = (context.data_sources.add_pandas("orders").add_dataframe_asset("orders")
             .add_batch_definition_whole_dataframe("all").get_batch(batch_parameters={"dataframe": df}))
    ge_result = batch.validate(suite).to_json_dict()

    df.to_parquet(tmp / "orders.parquet", index=False)
    df.to_csv(tmp / "orders.csv", index=False)
    return tmp, ge_result


def run_medallion(medallion, suite: Path, data: Path) -> dict:
    outcome = medallion.run("quality", "check", "--suite", suite, "--input", data, "--format", "json", check=False)
    assert outcome.returncode in (0, 1), outcome.describe()
    return json.loads(outcome.stdout)


def same_number(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)


def config_key(config: dict) -> str:
    """type + kwargs, with GE's batch_id left out and numbers as floats (GE echoes 1 as 1.0)."""
    def norm(value):
        if isinstance(value, bool) or value is None or isinstance(value, str):
            return value
        if isinstance(value, (int, float)):
            return float(value)
        if isinstance(value, list):
            return [norm(v) for v in value]
        if isinstance(value, dict):
            return {k: norm(v) for k, v in value.items()}
        return value
    kwargs = {k: norm(v) for k, v in config["kwargs"].items() if k != "batch_id" and v is not None}
    return json.dumps([config["type"], kwargs], sort_keys=True)


def compare(ge_result: dict, ours: dict) -> list[str]:
    problems = []
    assert len(ours["results"]) == len(ge_result["results"])
    # GE reports results grouped by domain, not in suite order: pair them by configuration.
    mine_by_key = {config_key(r["expectation_config"]): r for r in ours["results"]}
    assert len(mine_by_key) == len(ours["results"])
    for i, theirs in enumerate(ge_result["results"]):
        config = theirs["expectation_config"]
        name = f"[{i}] {config['type']}({ {k: v for k, v in config['kwargs'].items() if k != 'batch_id'} })"
        mine = mine_by_key.get(config_key(config))
        assert mine is not None, f"{name}: no medallion result with this configuration"
        ge_raised = theirs["exception_info"]["raised_exception"]
        if theirs["success"] != mine["success"]:
            problems.append(f"{name}: success GE={theirs['success']} medallion={mine['success']} "
                            f"(GE {theirs['result']}, medallion {mine['result']}, GE exception {ge_raised})")
            continue
        if ge_raised:
            if not mine["exception_info"]["raised_exception"]:
                problems.append(f"{name}: GE raised, medallion did not")
            continue
        ge_body, my_body = theirs["result"], mine["result"]
        for key in ("unexpected_count", "element_count", "missing_count"):
            if key in ge_body and ge_body[key] != my_body.get(key):
                problems.append(f"{name}: {key} GE={ge_body[key]} medallion={my_body.get(key)}")
        for key in ("unexpected_percent", "missing_percent"):
            if key in ge_body and not same_number(ge_body[key], my_body.get(key)):
                problems.append(f"{name}: {key} GE={ge_body[key]} medallion={my_body.get(key)}")
        if "partial_unexpected_list" in ge_body and ge_body["partial_unexpected_list"] != my_body.get(
                "partial_unexpected_list"):
            problems.append(f"{name}: partial_unexpected_list GE={ge_body['partial_unexpected_list']} "
                            f"medallion={my_body.get('partial_unexpected_list')}")
        if "observed_value" in ge_body and config["type"] != "expect_table_columns_to_match_set":
            if ge_body["observed_value"] != my_body.get("observed_value"):
                problems.append(f"{name}: observed_value GE={ge_body['observed_value']} "
                                f"medallion={my_body.get('observed_value')}")
    return problems


def test_ge_sees_the_defects_it_should(parity_case):
    """Guards the fixture: if GE passed everything the parity would prove nothing."""
    _, ge_result = parity_case
    stats = ge_result["statistics"]
    assert stats["unsuccessful_expectations"] >= 10
    assert stats["successful_expectations"] >= 8


@pytest.mark.parametrize("suite_file", ["suite_v1.json", "suite_v0.json"])
@pytest.mark.parametrize("data_file", ["orders.parquet", "orders.csv"])
def test_medallion_matches_great_expectations(medallion, parity_case, suite_file, data_file):
    tmp, ge_result = parity_case
    ours = run_medallion(medallion, tmp / suite_file, tmp / data_file)
    problems = compare(ge_result, ours)
    assert not problems, "\n".join(problems)
    assert ours["success"] == ge_result["success"]
    for key in ("evaluated_expectations", "successful_expectations", "unsuccessful_expectations"):
        assert ours["statistics"][key] == ge_result["statistics"][key], key
