"""airflow/dags/medallion_daily.py under real Apache Airflow.

`airflow dags test` runs the DAG against a fresh lake, with SQLite metadata in
a temporary AIRFLOW_HOME. Every Airflow task instance (the Bronze sensor and
one BashOperator per `medallion task`) must end `success`, medallion's own run
history must agree, and the tables the tasks write must have changed:
  - the `daily` variant (the real pipeline) on a lake whose Bronze holds 50
    days of generated orders, put there through embedded Kafka by `medallion
    produce` and `medallion ingest`, with Silver and Gold built for the days
    before the logical date: Silver, Gold and the forecasts appear for
    the logical date and a model is registered;
  - the `demo` variant (small tasks on <lake>/demo/) on an empty lake.

A second test checks that the Airflow DAG has the same tasks and dependencies
as `medallion dag graph`, for both variants.

Airflow must already be installed in the venv (scripts/setup); this test
installs nothing.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
DAGS_FOLDER = REPO_ROOT / "airflow" / "dags"
LOGICAL_DATE = "2024-03-01"


def airflow_bin() -> Path:
    binary = Path(sys.executable).parent / "airflow"
    if not binary.exists():
        pytest.fail(f"Apache Airflow is not installed in {Path(sys.executable).parent.parent} "
                    f"(expected {binary}); install it with scripts/setup", pytrace=False)
    return binary


def airflow_env(tmp_path: Path, medallion, variant: str) -> dict[str, str]:
    home = tmp_path / "airflow-home"
    home.mkdir(exist_ok=True)
    return dict(
        os.environ,
        AIRFLOW_HOME=str(home),
        AIRFLOW__CORE__DAGS_FOLDER=str(DAGS_FOLDER),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=f"sqlite:///{tmp_path / 'airflow.db'}",
        MEDALLION_AIRFLOW_DAG=variant,
        MEDALLION_BIN=str(medallion.binary),
        MEDALLION_LAKE_ROOT=str(tmp_path / "lake"),
        MEDALLION_AIRFLOW_POKE_SECONDS="1",
        MEDALLION_AIRFLOW_RETRY_DELAY_SECONDS="1",
        MEDALLION_AIRFLOW_SENSOR_TIMEOUT_SECONDS="120",
    )


def run(cmd, env, timeout=600) -> subprocess.CompletedProcess:
    result = subprocess.run([str(c) for c in cmd], env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, (
        f"{' '.join(map(str, cmd))} exited {result.returncode}\n"
        f"--- stdout (tail) ---\n{result.stdout[-4000:]}\n--- stderr (tail) ---\n{result.stderr[-4000:]}")
    return result


def fill_bronze(medallion, lake: Path, days: int, tmp_path: Path) -> str:
    """Generates `days` of orders ending yesterday into lake/bronze/orders through
    the embedded Kafka cluster; returns yesterday (YYYY-MM-DD)."""
    bootstrap_file = tmp_path / "bootstrap.txt"
    log_path = tmp_path / "produce.log"
    with open(log_path, "w") as log:
        producer = subprocess.Popen(
            [str(medallion.binary), "--log-format", "json", "produce", "--bootstrap", "embedded", "--topic", "orders",
             "--history-days", str(days), "--products", "15", "--customers", "500", "--daily-units", "300",
             "--bootstrap-file", str(bootstrap_file)],
            stdout=log, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while not bootstrap_file.exists() or not bootstrap_file.read_text().strip():
            assert producer.poll() is None, log_path.read_text()[-3000:]
            assert time.monotonic() < deadline, "medallion produce did not start its embedded cluster"
            time.sleep(0.2)
        ingest = [medallion.binary, "ingest", "--bootstrap", bootstrap_file.read_text().strip(), "--topic", "orders",
                  "--lake", lake, "--until-idle"]
        # The embedded cluster paces the producer on the consumer's lag, so
        # ingest drains while producing, until the producer says it is done.
        deadline = time.monotonic() + 600
        while "done producing" not in log_path.read_text():
            assert producer.poll() is None and time.monotonic() < deadline, log_path.read_text()[-3000:]
            run(ingest, os.environ.copy())
        run(ingest, os.environ.copy())
    finally:
        producer.terminate()
        producer.wait(timeout=60)
    return (datetime.now(timezone.utc).date() - timedelta(days=1)).isoformat()


def table_rows(table: Path, column: str, value: str) -> int:
    from deltalake import DeltaTable

    data = DeltaTable(str(table)).to_pyarrow_table()
    return sum(1 for v in data.column(column).to_pylist() if str(v) == value)


def medallion_graph(medallion, variant: str) -> dict[str, set[str]]:
    out = subprocess.run([str(medallion.binary), "dag", "graph", "--dag", variant, "--format", "json"],
                         capture_output=True, text=True, check=True, timeout=60).stdout
    return {t["name"]: set(t["upstream"]) for t in json.loads(out)["tasks"]}


def run_dag_under_airflow(tmp_path, medallion, variant: str, date: str, lake: Path) -> None:
    """`airflow dags test` of the variant for `date`: every Airflow task instance
    ends `success` and medallion's run history has one success per task."""
    airflow = airflow_bin()
    env = airflow_env(tmp_path, medallion, variant)
    env["MEDALLION_LAKE_ROOT"] = str(lake)
    run([airflow, "db", "migrate"], env)
    run([airflow, "dags", "test", f"medallion_{variant}", date], env, timeout=1200)

    with sqlite3.connect(tmp_path / "airflow.db") as db:
        states = dict(db.execute(
            "SELECT task_id, state FROM task_instance WHERE dag_id = ?", (f"medallion_{variant}",)).fetchall())
    expected_tasks = set(medallion_graph(medallion, variant)) | {"wait_for_bronze"}
    assert set(states) == expected_tasks
    assert all(state == "success" for state in states.values()), states

    status = subprocess.run(
        [str(medallion.binary), "dag", "status", "--dag", variant, "--date", date, "--lake", str(lake),
         "--format", "json"], capture_output=True, text=True, check=True, timeout=60).stdout
    assert {t["task"] for t in json.loads(status) if t["state"] == "success"} == expected_tasks - {"wait_for_bronze"}


def test_demo_dag_runs_to_success_under_airflow(tmp_path, medallion):
    run_dag_under_airflow(tmp_path, medallion, "demo", LOGICAL_DATE, tmp_path / "lake")

    # The tables the tasks write changed: the day is in Bronze and in Silver.
    from deltalake import DeltaTable

    bronze = DeltaTable(str(tmp_path / "lake" / "demo" / "bronze_events")).to_pyarrow_table()
    assert bronze.num_rows == 24
    assert set(bronze.column("day").to_pylist()) == {LOGICAL_DATE}
    silver = DeltaTable(str(tmp_path / "lake" / "demo" / "silver_daily")).to_pyarrow_table().to_pylist()
    assert [(r["day"], r["events"]) for r in silver] == [(LOGICAL_DATE, 24)]


def test_daily_dag_runs_to_success_under_airflow(tmp_path, medallion):
    lake = tmp_path / "lake"
    date = fill_bronze(medallion, lake, 50, tmp_path)
    # The history before the logical date is Silver and Gold already, as after
    # earlier daily runs: train_model needs 43 days of gold/features_daily
    # (the backtest's overhead) before it trains, and one Airflow run builds
    # only its own date.
    day_before = (datetime.fromisoformat(date) - timedelta(days=1)).date().isoformat()
    run([medallion.binary, "silver", "--bronze", lake / "bronze" / "orders", "--silver", lake / "silver" / "orders"],
        os.environ.copy())
    run([medallion.binary, "gold", "--lake", lake, "--to", day_before], os.environ.copy())
    run_dag_under_airflow(tmp_path, medallion, "daily", date, lake)

    # The tables changed: the date is in Silver and Gold, a model is registered
    # and the forecasts made on the date are there, J+1 to J+7.
    assert table_rows(lake / "silver" / "orders", "event_date", date) > 0
    assert table_rows(lake / "gold" / "features_daily", "event_date", date) == 15
    assert table_rows(lake / "gold" / "quality_metrics", "run_id", f"daily-{date}") > 0
    from deltalake import DeltaTable

    assert DeltaTable(str(lake / "_models" / "registry")).to_pyarrow_table().num_rows > 0
    forecast = DeltaTable(str(lake / "gold" / "demand_forecast")).to_pyarrow_table().to_pylist()
    horizons = {r["horizon"] for r in forecast if str(r["as_of_date"]) == date}
    assert horizons == set(range(1, 8)), horizons


@pytest.mark.parametrize("variant", ["daily", "demo"])
def test_airflow_dag_has_medallions_tasks_and_dependencies(tmp_path, medallion, variant):
    airflow_bin()
    env = airflow_env(tmp_path, medallion, variant)
    # Parse the DAG file the way Airflow does and dump its structure.
    script = textwrap.dedent(f"""
        import importlib.util, json
        spec = importlib.util.spec_from_file_location("medallion_daily", {str(DAGS_FOLDER / 'medallion_daily.py')!r})
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        dag = module.dag
        print(json.dumps({{"dag_id": dag.dag_id,
                          "retries": {{t.task_id: t.retries for t in dag.tasks}},
                          "commands": {{t.task_id: getattr(t, "bash_command", None) for t in dag.tasks}},
                          "upstream": {{t.task_id: sorted(t.upstream_task_ids) for t in dag.tasks}}}}))
    """)
    out = run([sys.executable, "-c", script], env, timeout=300).stdout
    parsed = json.loads(out.strip().splitlines()[-1])
    assert parsed["dag_id"] == f"medallion_{variant}"

    graph = medallion_graph(medallion, variant)
    upstream = {task: set(ups) for task, ups in parsed["upstream"].items()}
    assert set(upstream) == set(graph) | {"wait_for_bronze"}
    for task, ups in graph.items():
        # Same dependencies, plus the Bronze sensor where the DAG file puts it.
        assert upstream[task] - {"wait_for_bronze"} == ups, task
        assert f"task {task} --dag {variant}" in parsed["commands"][task]
        assert "{{ ds }}" in parsed["commands"][task]
        assert parsed["retries"][task] == 2
    # The sensor gates Bronze's first reader.
    first_reader = "bronze_to_silver" if variant == "daily" else "demo_wait_bronze"
    assert "wait_for_bronze" in upstream[first_reader]
