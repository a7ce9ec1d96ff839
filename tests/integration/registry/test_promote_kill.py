"""kill -9 during `medallion models promote` (issue 6 acceptance): whenever
the process dies, the registry table stays readable by delta-rs and names
exactly one champion, either the one before or the one being promoted."""
from __future__ import annotations

import json
import random
import signal
import subprocess
import time
from pathlib import Path

from registry_lake import register, replay, run_models

ROUNDS = 20


def test_kill_during_promote_leaves_exactly_one_champion(medallion_bin, tmp_path):
    lake = tmp_path / "lake"
    register(medallion_bin, lake, tmp_path, "demand", 0.30)
    run_models(medallion_bin, lake, "promote", "demand", "--version", 1)
    register(medallion_bin, lake, tmp_path, "demand", 0.20)
    register(medallion_bin, lake, tmp_path, "demand", 0.10)

    # How long an uninterrupted promote takes, so kills spread over its whole life.
    started = time.monotonic()
    run_models(medallion_bin, lake, "promote", "demand", "--version", 2)
    full_run = time.monotonic() - started
    assert replay(lake, "demand").champion == 2

    rng = random.Random(20261123)
    killed_mid_run = 0
    for round_ in range(ROUNDS):
        before = replay(lake, "demand").champion
        target = 3 if before == 2 else 2
        cmd = [medallion_bin, "models", "promote", "demand", "--version", str(target), "--force", "--lake", str(lake)]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(rng.uniform(0, full_run * 1.2))
        proc.send_signal(signal.SIGKILL)
        out, err = proc.communicate(timeout=60)
        if proc.returncode == -signal.SIGKILL:
            killed_mid_run += 1
        else:
            assert proc.returncode == 0, f"round {round_}: exit {proc.returncode}\n{out.decode()}\n{err.decode()}"

        state = replay(lake, "demand")  # raises if delta-rs cannot read the table
        assert state.champion in (before, target), f"round {round_}: champion {state.champion}"
        if proc.returncode == 0:
            assert state.champion == target
        # The binary agrees with delta-rs.
        shown = json.loads(run_models(medallion_bin, lake, "show", "demand", "--json").stdout)
        assert shown["version"] == state.champion and "champion" in shown["aliases"]

    assert killed_mid_run >= 5, f"only {killed_mid_run} of {ROUNDS} kills landed while promote was running"

    # After all that, a rollback still goes back exactly one champion.
    state = replay(lake, "demand")
    previous = state.champions[-2]
    run_models(medallion_bin, lake, "rollback", "demand")
    assert replay(lake, "demand").champion == previous
