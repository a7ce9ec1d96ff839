"""schemathesis against a started `medallion serve`: every operation in
/openapi.json is called with generated valid and invalid inputs; no response
may be a 5xx, and every response must match the spec (status codes, content
types, bodies).

The one 5xx allowed is the documented 503 of POST /api/v1/predict while no
champion model is loaded (nothing is trained in this test): the body is still
validated first, so every invalid body must get its 4xx, and a valid one must
get exactly that 503 with its documented error shape.

The binary comes from MEDALLION_BIN (default build/medallion)."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import schemathesis
from hypothesis.errors import Unsatisfiable
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode

ADMIN_TOKEN = "schemathesis-admin-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served(medallion, tmp_path_factory) -> str:
    static_dir = tmp_path_factory.mktemp("dist")
    (static_dir / "index.html").write_text("<html>dashboard</html>")
    port = free_port()
    env = dict(os.environ, MEDALLION_ADMIN_TOKEN=ADMIN_TOKEN)
    log = (tmp_path_factory.mktemp("serve") / "serve.log").open("w")
    proc = subprocess.Popen(
        [str(medallion.binary), "--log-format", "json", "serve", "--port", str(port), "--threads", "2",
         "--static-dir", str(static_dir)],
        stdout=log, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(base + "/health", timeout=1) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"medallion serve did not come up on {base}: see {log.name}", pytrace=False)
        time.sleep(0.1)
    yield base
    proc.terminate()
    try:
        assert proc.wait(timeout=15) == 0, "medallion serve did not exit cleanly on SIGTERM"
    finally:
        if proc.poll() is None:
            proc.kill()
        log.close()
    # The token must never reach the log.
    assert ADMIN_TOKEN not in Path(log.name).read_text()


# Cases are drawn with schemathesis' Hypothesis strategies per operation
# rather than its pytest plugin: the plugin's lazy loader (from_fixture) uses a
# pytest-internal attribute that pytest 9 no longer has.
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
def test_api_conforms_to_its_openapi(served, mode):
    schema = schemathesis.openapi.from_url(served + "/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert "POST /api/v1/predict" in [op.label for op in operations]
    failures = []
    for operation in operations:
        is_predict = operation.path == "/api/v1/predict"
        declared = operation.definition.raw
        if mode == GenerationMode.NEGATIVE and not declared.get("parameters") and "requestBody" not in declared:
            continue  # no input that could be made invalid

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def check(case):
            if is_predict:
                response = case.call_and_validate(excluded_checks=[not_a_server_error])
                if response.status_code >= 500:
                    assert response.status_code == 503, response.text
                    assert response.json()["error"]["code"] == "no_champion", response.text
            else:
                case.call_and_validate()

        try:
            check()
        except Unsatisfiable:
            # Negative mode found no way to make this operation's declared
            # inputs invalid (e.g. only optional headers): nothing to test.
            assert mode == GenerationMode.NEGATIVE, f"{operation.label}: no valid case could be generated"
        except Exception as e:  # noqa: BLE001 -- gather every operation's failure, then report
            failures.append(f"{operation.method.upper()} {operation.path}: {str(e)[:3000]}")
    assert not failures, "\n\n".join(failures)


def test_spec_is_openapi_31_and_lists_the_core_routes(served):
    loaded = schemathesis.openapi.from_url(served + "/openapi.json")
    raw = loaded.raw_schema
    assert raw["openapi"] == "3.1.0"
    for path in ["/health", "/ready", "/metrics", "/openapi.json", "/docs", "/api/v1/predict"]:
        assert path in raw["paths"], path


def test_static_traversal_is_404_and_client_routes_get_index(served):
    for path in ["/%2e%2e/%2e%2e/etc/passwd", "/../../etc/passwd", "//etc/passwd"]:
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(served + path, timeout=5)
        assert err.value.code == 404, path
    with urllib.request.urlopen(served + "/forecast", timeout=5) as r:
        assert r.read() == b"<html>dashboard</html>"
