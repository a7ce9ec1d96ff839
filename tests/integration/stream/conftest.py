"""The medallion binary for the streaming acceptance tests (see stream_lake.py)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from stream_lake import BUILD


@pytest.fixture(scope="session")
def medallion() -> str:
    binary = Path(os.environ.get("MEDALLION_BIN", BUILD / "medallion"))
    if not os.access(binary, os.X_OK):
        pytest.fail(f"medallion binary not found at {binary}: build it or set MEDALLION_BIN", pytrace=False)
    return str(binary)
