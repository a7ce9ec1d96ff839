"""Fixtures for the Delta interop, integration and crash tests.

The binary under test comes from MEDALLION_BIN (default build/medallion in the
repository). Spark starts once per session with the delta-spark jars resolved
through ivy into .cache/ivy, so only the very first run on a machine touches
the network. S3 tests run against a MinIO that scripts/minio starts on
loopback for the session and stops at the end."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from locations import TableLocation, local_location, s3_location  # noqa: E402
from medallion_cli import Medallion  # noqa: E402
from tabledata import write_parquet  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[2]

# delta-spark's pip package (4.4.1) is newer than any delta-spark jar on Maven
# Central (4.4.0 is the newest built for Spark 4.2), so the jar version is
# pinned here instead of taken from the pip package as
# configure_spark_with_delta_pip would. MEDALLION_DELTA_SPARK_PACKAGE overrides.
DELTA_SPARK_JAR_VERSION = "4.4.0"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def medallion() -> Medallion:
    binary = Path(os.environ.get("MEDALLION_BIN", REPO_ROOT / "build" / "medallion"))
    if not binary.is_absolute():
        binary = REPO_ROOT / binary
    if not os.access(binary, os.X_OK):
        pytest.fail(f"medallion binary not found at {binary}: build it (ninja -C build medallion) "
                    f"or point MEDALLION_BIN at it", pytrace=False)
    return Medallion(binary)


@pytest.fixture
def inputs(tmp_path):
    """Writes Arrow tables as Parquet input files for `append --input`."""
    counter = iter(range(1_000_000))

    def make(table, name: str | None = None) -> Path:
        d = tmp_path / "inputs"
        d.mkdir(exist_ok=True)
        return write_parquet(table, d / (name or f"input-{next(counter)}.parquet"))

    return make


# --- Spark ---------------------------------------------------------------

def delta_spark_package() -> str:
    override = os.environ.get("MEDALLION_DELTA_SPARK_PACKAGE")
    if override:
        return override
    import pyspark

    spark_minor = ".".join(pyspark.__version__.split(".")[:2])
    return f"io.delta:delta-spark_{spark_minor}_2.13:{DELTA_SPARK_JAR_VERSION}"


@pytest.fixture(scope="session")
def spark(tmp_path_factory):
    from delta import configure_spark_with_delta_pip
    from pyspark.sql import SparkSession

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    scratch = tmp_path_factory.mktemp("spark")
    started = time.monotonic()
    builder = (
        SparkSession.builder.master("local[2]")
        .appName("medallion-interop")
        .config("spark.jars.ivy", str(REPO_ROOT / ".cache" / "ivy"))
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.memory", "1g")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        # Delta's log replay uses its own partition count (default 50).
        .config("spark.databricks.delta.snapshotPartitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.warehouse.dir", str(scratch / "warehouse"))
        .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={scratch}")
    )
    package = delta_spark_package()
    builder = configure_spark_with_delta_pip(builder).config("spark.jars.packages", package)
    try:
        session = builder.getOrCreate()
    except Exception as e:  # the JVM's own output (ivy resolution report) is above in the log
        pytest.fail(f"Spark with {package} did not start ({type(e).__name__}: {e}); the jar is resolved "
                    f"through ivy into {REPO_ROOT / '.cache' / 'ivy'} and needs Maven Central the first time",
                    pytrace=False)
    session.sparkContext.setLogLevel("ERROR")
    print(f"\nSpark session with Delta started in {time.monotonic() - started:.1f} s", file=sys.stderr)
    yield session
    session.stop()


# --- MinIO -----------------------------------------------------------------

def parse_env_file(path: Path) -> dict[str, str]:
    env = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export "):]
        key, _, value = line.partition("=")
        env[key] = value.strip().strip("'\"")
    return env


@pytest.fixture(scope="session")
def minio(tmp_path_factory) -> dict[str, str]:
    """Environment (AWS_* and MEDALLION_S3_TEST_BUCKET) of a MinIO on loopback."""
    script = REPO_ROOT / "scripts" / "minio"
    if not script.exists():
        pytest.fail(f"{script} is missing: the S3 tests need it to start MinIO", pytrace=False)
    binary = Path(os.environ.get("MINIO_BIN", REPO_ROOT / ".tools" / "bin" / "minio"))
    if not os.access(binary, os.X_OK):
        pytest.fail(f"MinIO binary not found at {binary}: run scripts/setup (or set MINIO_BIN); "
                    f"the S3 tests never skip silently", pytrace=False)
    workdir = tmp_path_factory.mktemp("minio")
    # MINIO_WATCH_PID: the server dies with this process even if pytest is killed.
    env = dict(os.environ, MINIO_WATCH_PID=str(os.getpid()))
    failures = []
    for _ in range(3):
        started = subprocess.run([str(script), "start", str(workdir)], capture_output=True, text=True,
                                 timeout=120, env=env)
        if started.returncode == 0:
            break
        # A loaded machine can answer the bucket creation with 503 "not
        # initialized yet"; a clean restart gets past it.
        failures.append(started.stderr.strip())
        subprocess.run([str(script), "stop", str(workdir)], capture_output=True, text=True, timeout=60)
        time.sleep(1)
    else:
        pytest.fail(f"scripts/minio start {workdir} failed 3 times:\n" + "\n---\n".join(failures), pytrace=False)
    try:
        env = parse_env_file(workdir / "env")
        env.setdefault("MEDALLION_S3_TEST_BUCKET", "medallion-test")
        yield env
    finally:
        subprocess.run([str(script), "stop", str(workdir)], capture_output=True, text=True, timeout=60)


def s3_table(minio_env: dict[str, str], name: str) -> TableLocation:
    prefix = f"{name}-{uuid.uuid4().hex[:10]}"
    return s3_location(minio_env, minio_env["MEDALLION_S3_TEST_BUCKET"], prefix)


@pytest.fixture(params=["local", pytest.param("s3", marks=pytest.mark.s3)])
def new_table(request, tmp_path):
    """Factory of fresh (not yet existing) table locations on the parametrized
    backend: a directory under tmp_path, or a unique prefix in MinIO."""
    backend = request.param

    def make(name: str = "table") -> TableLocation:
        if backend == "s3":
            return s3_table(request.getfixturevalue("minio"), name)
        return local_location(tmp_path / name)

    make.backend = backend
    return make
