"""Model files cross the C++/Python boundary both ways.

medallion trains with Debian's XGBoost C API (1.7) and saves XGBoost's JSON
model; Python's xgboost (3.x in the venv) must load that file and, on the
feature rows medallion exported, predict what medallion predicted. The other
way round, a model trained and saved by Python's xgboost must score the same in
`medallion ml predict-file` (3.x writes base_score as an array, which 1.7 alone
would misread; medallion converts it)."""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import xgboost as xgb

TOLERANCE = dict(rtol=1e-5, atol=1e-5)


@pytest.fixture(scope="module")
def long_table(medallion, tmp_path_factory):
    path = tmp_path_factory.mktemp("xgb") / "long.parquet"
    medallion.run("ml", "synth", "--output", path, "--series", 6, "--days", 120, "--seed", 7)
    # Missing days, so both sides must treat NaN features as missing alike.
    table = pq.read_table(path)
    keep = np.random.default_rng(7).random(table.num_rows) > 0.05
    pq.write_table(table.filter(pa.array(keep)), path)
    return path


def binary_version(source, target):
    """The same panel with target = 1 on days above the series' median."""
    table = pq.read_table(source)
    df = table.to_pandas()
    median = df.groupby("series_id")["target"].transform("median")
    df["target"] = (df["target"] > median).astype("float64")
    pq.write_table(pa.Table.from_pandas(df, preserve_index=False), target)
    return target


def feature_matrix(rows: pa.Table, names: list[str]) -> np.ndarray:
    return np.column_stack([rows.column(n).to_numpy(zero_copy_only=False).astype(np.float64) for n in names])


@pytest.mark.parametrize("objective,params", [
    ("reg:squarederror", {}),
    ("reg:tweedie", {"tweedie_variance_power": 1.4}),
    ("binary:logistic", {}),
])
def test_python_xgboost_predicts_what_medallion_predicted(medallion, long_table, tmp_path, objective, params):
    data = long_table if objective != "binary:logistic" else binary_version(long_table, tmp_path / "binary.parquet")
    model, rows, preds = tmp_path / "model.json", tmp_path / "rows.parquet", tmp_path / "preds.parquet"
    model_params = {"objective": objective, "num_boost_round": 60, "max_depth": 5, **params}
    medallion.run("ml", "fit-file", "--input", data, "--known", "price,promo", "--horizon", 7,
                  "--params", json.dumps(model_params), "--model-out", model, "--rows-out", rows,
                  "--predictions-out", preds)

    booster = xgb.Booster(model_file=str(model))
    assert json.loads(booster.attributes()["medallion_params"])["objective"] == objective
    feature_rows = pq.read_table(rows)
    names = booster.feature_names
    assert names and set(names) <= set(feature_rows.column_names)
    assert "y_season_1" in names and "promo" in names

    x = feature_matrix(feature_rows, names)
    assert np.isnan(x).any(), "missing days should leave some lags missing"
    python = booster.predict(xgb.DMatrix(x, feature_names=names, missing=np.nan))
    ours = pq.read_table(preds).column("prediction").to_numpy()
    assert len(ours) == feature_rows.num_rows > 100
    np.testing.assert_allclose(python, ours, **TOLERANCE)
    if objective == "binary:logistic":
        assert ((ours > 0) & (ours < 1)).all()
    if objective == "reg:tweedie":
        assert (ours > 0).all()

    # predict-file on the exported rows scores them the same way again.
    scored = tmp_path / "scored.parquet"
    medallion.run("ml", "predict-file", "--model", model, "--input", rows, "--output", scored)
    out = pq.read_table(scored)
    assert out.column("series_id").equals(feature_rows.column("series_id"))
    np.testing.assert_allclose(out.column("prediction").to_numpy(), python, **TOLERANCE)


@pytest.mark.parametrize("objective", ["reg:squarederror", "reg:tweedie", "binary:logistic"])
def test_medallion_predicts_what_python_xgboost_predicted(medallion, long_table, tmp_path, objective):
    rows = tmp_path / "rows.parquet"
    medallion.run("ml", "fit-file", "--input", long_table, "--known", "price,promo", "--model", "seasonal_naive",
                  "--model-out", tmp_path / "naive.json", "--rows-out", rows)
    feature_rows = pq.read_table(rows)
    names = [n for n in feature_rows.column_names if n not in ("series_id", "origin", "target_day", "label")]
    label = feature_rows.column("label").to_numpy()
    if objective == "binary:logistic":
        label = (label > np.median(label)).astype(np.float64)
    x = feature_matrix(feature_rows, names)
    train = xgb.DMatrix(x, label=label, feature_names=names, missing=np.nan)
    booster = xgb.train({"objective": objective, "max_depth": 4, "eta": 0.1, "nthread": 1}, train, 40)
    model = tmp_path / "python-model.json"
    booster.save_model(str(model))
    python = booster.predict(train)

    # Reversed column order: medallion must select features by name.
    reordered = tmp_path / "reordered.parquet"
    pq.write_table(feature_rows.select(list(reversed(feature_rows.column_names))), reordered)
    scored = tmp_path / "scored.parquet"
    medallion.run("ml", "predict-file", "--model", model, "--input", reordered, "--output", scored)
    np.testing.assert_allclose(pq.read_table(scored).column("prediction").to_numpy(), python, **TOLERANCE)


def test_predict_file_names_the_missing_feature(medallion, long_table, tmp_path):
    model, rows = tmp_path / "model.json", tmp_path / "rows.parquet"
    medallion.run("ml", "fit-file", "--input", long_table, "--known", "price,promo", "--params",
                  '{"num_boost_round": 5}', "--model-out", model, "--rows-out", rows)
    partial = tmp_path / "partial.parquet"
    pq.write_table(pq.read_table(rows).drop_columns(["promo"]), partial)
    outcome = medallion.run("ml", "predict-file", "--model", model, "--input", partial, "--output",
                            tmp_path / "out.parquet", check=False)
    assert outcome.returncode != 0
    assert "'promo'" in outcome.stderr
    assert not (tmp_path / "out.parquet").exists()


def test_registered_demand_model_scores_the_same_in_python(medallion, long_table, tmp_path):
    """`medallion train` registers one stacked model (horizon is a feature);
    Python loads the registered model file and scores the rows `medallion
    predict` exported exactly as medallion did."""
    lake, csv, mapping = tmp_path / "lake", tmp_path / "long.csv", tmp_path / "mapping.yaml"
    pq.read_table(long_table).to_pandas().to_csv(csv, index=False)
    mapping.write_text("series: series_id\ndate: date\ntarget: target\nknown: [price, promo]\n")
    medallion.run("load", "csv", "--input", csv, "--table", "datasets/long", "--mapping", mapping, "--lake", lake)
    medallion.run("train", "--lake", lake, "--table", "datasets/long", "--model", "interop", "--folds", "2",
                  "--no-progress", "--params", json.dumps({"objective": "reg:tweedie", "num_boost_round": 50}))
    rows = tmp_path / "scored.parquet"
    medallion.run("predict", "--lake", lake, "--model", "interop", "--rows-out", rows)

    model_files = sorted((lake / "_models" / "interop").glob("*/model.json"))
    assert len(model_files) == 1
    booster = xgb.Booster(model_file=str(model_files[0]))
    names = booster.feature_names
    assert "horizon" in names and "promo" in names
    scored = pq.read_table(rows)
    assert sorted(set(scored.column("horizon").to_pylist())) == list(range(1, 8))
    python = booster.predict(xgb.DMatrix(feature_matrix(scored, names), feature_names=names, missing=np.nan))
    np.testing.assert_allclose(python, scored.column("prediction").to_numpy(), **TOLERANCE)
