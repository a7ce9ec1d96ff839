"""Fixtures for the forecasting acceptance tests (issue 6): the medallion
binary and one generated 180-day retail lake shared by the module."""
from __future__ import annotations

import pytest

from retail_lake import build_retail_lake, medallion_binary


@pytest.fixture(scope="session")
def medallion() -> str:
    try:
        return medallion_binary()
    except FileNotFoundError as e:
        pytest.fail(str(e), pytrace=False)


@pytest.fixture(scope="session")
def retail_lake(medallion, tmp_path_factory):
    base = tmp_path_factory.mktemp("retail")
    return build_retail_lake(medallion, base / "lake", base / "work")
