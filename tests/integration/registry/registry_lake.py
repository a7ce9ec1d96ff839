"""Helpers for the model registry tests: drive `medallion models ...` and
replay <lake>/_models/registry independently with delta-rs (the champion is
the top of a stack that promotions push and rollbacks pop, in `seq` order)."""
from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from deltalake import DeltaTable


def run_models(binary: str, lake: Path, *args, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess:
    cmd = [str(binary), "models", *[str(a) for a in args], "--lake", str(lake)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if check:
        assert proc.returncode == 0, f"$ {' '.join(cmd)}\nexit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc


def register(binary: str, lake: Path, tmp: Path, name: str, wape: float, naive: float = 0.5,
             model_file: Path | None = None) -> int:
    """Registers a version whose backtest WAPE is `wape` (seasonal naive: `naive`); returns its number."""
    metrics = tmp / f"metrics-{name}-{wape}-{naive}.json"
    metrics.write_text(json.dumps({"overall": {"wape": wape}, "by_horizon": {"1": {"wape": wape}},
                                   "seasonal_naive": {"overall": {"wape": naive}}}))
    if model_file is None:
        model_file = tmp / f"model-{name}-{wape}.json"
        model_file.write_text(json.dumps({"kind": "test", "wape": wape}))
    out = run_models(binary, lake, "register", "--name", name, "--file", model_file, "--metrics", metrics,
                     "--features", "lag_7,dow", "--trained-on-table", "gold/features_daily",
                     "--trained-on-version", 3, "--json")
    return json.loads(out.stdout)["version"]


@dataclass
class ModelState:
    versions: set[int] = field(default_factory=set)
    challenger: int | None = None
    champions: list[int] = field(default_factory=list)

    @property
    def champion(self) -> int | None:
        return self.champions[-1] if self.champions else None


def registry_rows(lake: Path) -> list[dict]:
    return DeltaTable(str(lake / "_models" / "registry")).to_pyarrow_table().to_pylist()


def replay(lake: Path, name: str) -> ModelState:
    """The model's aliases as delta-rs sees them; asserts the event log is well formed."""
    rows = sorted((r for r in registry_rows(lake) if r["name"] == name), key=lambda r: r["seq"])
    assert [r["seq"] for r in rows] == list(range(1, len(rows) + 1)), f"seq of {name} not 1..n: {rows}"
    state = ModelState()
    for r in rows:
        if r["event"] == "register":
            assert r["version"] not in state.versions
            state.versions.add(r["version"])
            state.challenger = r["version"]
        elif r["event"] == "promote":
            assert r["version"] in state.versions and r["alias"] == "champion"
            state.champions.append(r["version"])
        elif r["event"] == "rollback":
            assert len(state.champions) >= 2 and state.champions[-2] == r["version"], rows
            state.champions.pop()
        else:
            raise AssertionError(f"unknown registry event {r}")
    return state
