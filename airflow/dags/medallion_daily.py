"""medallion's daily DAG for Apache Airflow.

Airflow schedules, retries and shows the runs; every task is one call to
`medallion task <name> --date {{ ds }}`, which runs that task once and exits
with its outcome, so this file holds no pipeline logic. A sensor waits for
Bronze to exist and hold data before the first task.

The same tasks and dependencies as `medallion dag graph --dag daily`
(tests/interop/test_airflow.py checks they agree). medallion locks a (DAG,
date) while one of its tasks runs, so two tasks of the same date never run
at once; a task that finds the date locked fails and Airflow retries it.

Environment (read when Airflow parses this file):
  MEDALLION_BIN            the medallion binary (default: `medallion` on PATH)
  MEDALLION_LAKE_ROOT      the lake (default: ./lake, relative to the worker)
  MEDALLION_AIRFLOW_DAG    which medallion DAG to mirror: daily (default: Silver,
                           quality, Gold, train, evaluate, promote, predict, API
                           smoke test), or demo (small tasks on <lake>/demo/)
  MEDALLION_AIRFLOW_RETRY_DELAY_SECONDS, MEDALLION_AIRFLOW_POKE_SECONDS,
  MEDALLION_AIRFLOW_SENSOR_TIMEOUT_SECONDS   timings (tests make them short)
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
from datetime import datetime, timedelta

from airflow.providers.standard.operators.bash import BashOperator
from airflow.providers.standard.sensors.python import PythonSensor
from airflow.sdk import DAG

MEDALLION_BIN = os.environ.get("MEDALLION_BIN", "medallion")
LAKE_ROOT = os.environ.get("MEDALLION_LAKE_ROOT", "./lake")
VARIANT = os.environ.get("MEDALLION_AIRFLOW_DAG", "daily")
RETRY_DELAY = timedelta(seconds=float(os.environ.get("MEDALLION_AIRFLOW_RETRY_DELAY_SECONDS", "60")))
POKE_SECONDS = float(os.environ.get("MEDALLION_AIRFLOW_POKE_SECONDS", "60"))
SENSOR_TIMEOUT = float(os.environ.get("MEDALLION_AIRFLOW_SENSOR_TIMEOUT_SECONDS", str(6 * 3600)))

# Per variant: the Bronze table the sensor watches, the task the sensor runs
# after (None: it starts the DAG), and the medallion tasks with their
# upstream tasks, as in src/medallion/orchestrate/dag_catalog.cc.
VARIANTS = {
    "daily": {
        "bronze_table": "bronze/orders",
        "sensor_after": None,
        "tasks": [
            ("bronze_to_silver", []),
            ("validate_data_quality", ["bronze_to_silver"]),
            ("build_gold_features", ["validate_data_quality"]),
            ("train_model", ["build_gold_features"]),
            ("evaluate_model", ["train_model"]),
            ("promote_model", ["evaluate_model"]),
            ("predict", ["promote_model"]),
            ("api_smoke_test", ["predict"]),
        ],
    },
    "demo": {
        "bronze_table": "demo/bronze_events",
        "sensor_after": "demo_ingest",
        "tasks": [
            ("demo_ingest", []),
            ("demo_wait_bronze", ["demo_ingest"]),
            ("demo_silver", ["demo_wait_bronze"]),
            ("demo_check", ["demo_silver"]),
        ],
    },
}

if VARIANT not in VARIANTS:
    raise ValueError(f"MEDALLION_AIRFLOW_DAG={VARIANT!r}: expected one of {sorted(VARIANTS)}")
SPEC = VARIANTS[VARIANT]


def table_uri(relative: str) -> str:
    return LAKE_ROOT.rstrip("/") + "/" + relative


def bronze_has_data(table: str) -> bool:
    """True once `medallion table describe` shows the table with rows."""
    result = subprocess.run([MEDALLION_BIN, "table", "describe", table, "--format", "json"],
                            capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        print(f"{table} not readable yet: {result.stderr.strip()}")
        return False
    described = json.loads(result.stdout)
    print(f"{table}: version {described['version']}, {described['num_rows']} rows")
    return described["num_rows"] > 0


with DAG(
    dag_id=f"medallion_{VARIANT}",
    description=f"medallion {VARIANT} DAG: one `medallion task` call per task",
    schedule="@daily",
    start_date=datetime(2024, 1, 1),
    catchup=False,
    max_active_runs=1,  # dates build on each other, like `medallion dag backfill`
    default_args={
        "retries": 2,
        "retry_delay": RETRY_DELAY,
        "retry_exponential_backoff": True,
    },
    tags=["medallion"],
) as dag:
    tasks = {}
    for name, _ in SPEC["tasks"]:
        command = " ".join(shlex.quote(part) for part in [
            MEDALLION_BIN, "task", name, "--dag", VARIANT, "--lake", LAKE_ROOT]) + " --date {{ ds }}"
        tasks[name] = BashOperator(task_id=name, bash_command=command)

    wait_for_bronze = PythonSensor(
        task_id="wait_for_bronze",
        python_callable=bronze_has_data,
        op_kwargs={"table": table_uri(SPEC["bronze_table"])},
        poke_interval=POKE_SECONDS,
        timeout=SENSOR_TIMEOUT,
        mode="poke",
        retries=0,
    )

    for name, upstream in SPEC["tasks"]:
        for up in upstream:
            tasks[up] >> tasks[name]
    if SPEC["sensor_after"] is None:
        first = [name for name, upstream in SPEC["tasks"] if not upstream]
        for name in first:
            wait_for_bronze >> tasks[name]
    else:
        # Tasks that directly follow the sensor's upstream task wait for it too.
        tasks[SPEC["sensor_after"]] >> wait_for_bronze
        for name, upstream in SPEC["tasks"]:
            if SPEC["sensor_after"] in upstream:
                wait_for_bronze >> tasks[name]
