"""The model registry from the outside: `medallion models` exit codes and
messages, the registry table read by delta-rs, the config's promotion
margin, and a registered XGBoost model file loaded by Python xgboost."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
from deltalake import DeltaTable

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration" / "registry"))

from registry_lake import register, replay, run_models  # noqa: E402

REFUSED = 3


def test_promote_refuse_and_rollback(medallion, tmp_path):
    bin_, lake = medallion.binary, tmp_path / "lake"
    assert register(bin_, lake, tmp_path, "demand", 0.20) == 1
    first = run_models(bin_, lake, "promote", "demand")
    assert "promoted demand version 1" in first.stdout

    assert register(bin_, lake, tmp_path, "demand", 0.199) == 2
    refused = run_models(bin_, lake, "promote", "demand", check=False)
    assert refused.returncode == REFUSED, refused.stderr
    assert "refused" in refused.stdout
    assert "0.1990" in refused.stdout and "0.2000" in refused.stdout, refused.stdout
    assert replay(lake, "demand").champion == 1

    assert register(bin_, lake, tmp_path, "demand", 0.15) == 3
    promoted = json.loads(run_models(bin_, lake, "promote", "demand", "--json").stdout)
    assert promoted["promoted"] is True
    assert promoted["candidate"]["version"] == 3 and promoted["previous_champion"]["version"] == 1

    listed = json.loads(run_models(bin_, lake, "list", "--json").stdout)
    assert [(v["version"], v["aliases"]) for v in listed] == [(1, []), (2, []), (3, ["champion", "challenger"])]
    table = run_models(bin_, lake, "list").stdout
    assert "champion,challenger" in table and "0.1500" in table

    rolled = run_models(bin_, lake, "rollback", "demand")
    assert "version 1" in rolled.stdout
    assert replay(lake, "demand").champion == 1
    nothing_left = run_models(bin_, lake, "rollback", "demand", check=False)
    assert nothing_left.returncode != 0 and "no previous champion" in nothing_left.stderr

    missing = run_models(bin_, lake, "promote", "nosuch", check=False)
    assert missing.returncode == 1 and "nosuch" in missing.stderr


def test_registry_table_is_readable_by_delta_rs(medallion, tmp_path):
    bin_, lake = medallion.binary, tmp_path / "lake"
    register(bin_, lake, tmp_path, "demand", 0.3)
    register(bin_, lake, tmp_path, "ticks", 0.4)
    run_models(bin_, lake, "promote", "demand")

    dt = DeltaTable(str(lake / "_models" / "registry"))
    data = dt.to_pyarrow_table()
    assert data.num_rows == 3
    assert data.schema.field("created_at").type == pa.timestamp("us", tz="UTC")
    assert data.schema.field("version").type == pa.int64()
    rows = sorted(data.to_pylist(), key=lambda r: (r["name"], r["seq"]))
    register_row, promote_row, ticks_row = rows
    assert (register_row["event"], register_row["alias"], register_row["version"]) == ("register", "challenger", 1)
    assert json.loads(register_row["features"]) == ["lag_7", "dow"]
    assert json.loads(register_row["metrics_json"])["overall"]["wape"] == 0.3
    assert register_row["uri"].endswith("_models/demand/1")
    assert register_row["trained_on_table"] == "gold/features_daily" and register_row["trained_on_version"] == 3
    assert (promote_row["event"], promote_row["alias"], promote_row["version"]) == ("promote", "champion", 1)
    assert promote_row["kind"] is None and "seasonal naive" in promote_row["reason"]
    assert ticks_row["name"] == "ticks"
    # Version 0 creates the table; after it every commit is exactly one event.
    assert dt.version() == 3
    assert len(dt.history()) == 4
    meta = json.loads((lake / "_models" / "demand" / "1" / "meta.json").read_text())
    assert meta["version"] == 1 and meta["metrics"]["seasonal_naive"]["overall"]["wape"] == 0.5


def test_promotion_margin_comes_from_config(medallion, tmp_path):
    bin_, lake = medallion.binary, tmp_path / "lake"
    config = tmp_path / "medallion.yaml"
    config.write_text("models:\n  promotion_margin: 0.5\n")
    register(bin_, lake, tmp_path, "demand", 0.2)
    # 0.2 beats naive 0.5 by 60%: passes a 50% margin.
    cmd_args = ["--config", str(config), "models", "promote", "demand", "--lake", str(lake)]
    first = medallion.run(*cmd_args, check=False)
    assert first.returncode == 0, first.describe()
    register(bin_, lake, tmp_path, "demand", 0.15)
    # 25% better than the champion is not 50% better.
    second = medallion.run(*cmd_args, check=False)
    assert second.returncode == REFUSED, second.describe()
    assert "50% margin" in second.stdout
    # The default 2% margin would have promoted it.
    assert run_models(bin_, lake, "promote", "demand").returncode == 0


def test_registered_xgboost_model_loads_in_python(medallion, tmp_path):
    import xgboost as xgb

    rng = np.random.default_rng(7)
    x = rng.normal(size=(64, 2))
    y = 3 * x[:, 0] - x[:, 1]
    booster = xgb.train({"max_depth": 2, "eta": 0.5, "nthread": 1}, xgb.DMatrix(x, label=y), num_boost_round=4)
    model_file = tmp_path / "trained.json"
    booster.save_model(model_file)

    bin_, lake = medallion.binary, tmp_path / "lake"
    version = register(bin_, lake, tmp_path, "demand", 0.2, model_file=model_file)
    shown = json.loads(run_models(bin_, lake, "show", "demand", "--version", version, "--json").stdout)
    stored = Path(shown["uri"].removeprefix("file://")) / "model.json"
    assert stored.read_bytes() == model_file.read_bytes()
    loaded = xgb.Booster(model_file=str(stored))
    np.testing.assert_allclose(loaded.predict(xgb.DMatrix(x)), booster.predict(xgb.DMatrix(x)), rtol=0, atol=1e-6)
