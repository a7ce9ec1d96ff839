"""The anchor for bench/serve.py: POST /api/v1/predict with the same body
and answer shape as medallion's, served by FastAPI + uvicorn + xgboost.

    MODEL_FILE=model.json .venv-anchor/bin/uvicorn serve_anchor_app:app --app-dir bench --http httptools --loop uvloop

Made as fast as plain, idiomatic FastAPI gets, so the ratio is not against a
strawman:
- uvicorn with httptools and uvloop (what `uvicorn[standard]`, the documented
  production install, runs); plain h11 stalled ~44 ms per keep-alive response.
- `async def`: the endpoint only does CPU work of tens of microseconds, and a
  `def` endpoint pays a hop to the thread pool and back per request; measured
  on this machine, async used ~390 us CPU per request vs ~640 us for def.
- The booster predicts on the calling thread (nthread 1), like medallion's
  serving booster: an OpenMP team per single-row call costs more than it saves.
"""
from __future__ import annotations

import os

import numpy as np
import xgboost as xgb
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel

booster = xgb.Booster()
booster.load_model(os.environ["MODEL_FILE"])
booster.set_param({"nthread": 1})
FEATURES = booster.feature_names
app = FastAPI()


class PredictBody(BaseModel):
    rows: list[dict[str, float | None]]


@app.post("/api/v1/predict")
async def predict(body: PredictBody) -> dict:
    if not 1 <= len(body.rows) <= 1000:
        raise HTTPException(400, "rows: 1..1000")
    matrix = np.full((len(body.rows), len(FEATURES)), np.nan, dtype=np.float32)
    for r, row in enumerate(body.rows):
        for c, name in enumerate(FEATURES):
            value = row.get(name)
            if value is not None:
                matrix[r, c] = value
    predictions = booster.inplace_predict(matrix)
    return {"model": {"name": "demand", "version": "file"}, "predictions": [float(p) for p in predictions]}
