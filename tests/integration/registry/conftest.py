"""The medallion binary for the registry tests (MEDALLION_BIN, default build/medallion)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

REPO_ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def medallion_bin() -> str:
    binary = Path(os.environ.get("MEDALLION_BIN", REPO_ROOT / "build" / "medallion"))
    if not binary.is_absolute():
        binary = REPO_ROOT / binary
    if not os.access(binary, os.X_OK):
        pytest.fail(f"medallion binary not found at {binary}: build it or set MEDALLION_BIN", pytrace=False)
    return str(binary)
