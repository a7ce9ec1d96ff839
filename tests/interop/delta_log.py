"""Raw reads of a Delta table's log and data files, independent of any
engine: the ground truth the tests compare the engines against."""

from __future__ import annotations

import io
import json
import re
from typing import Any
from urllib.parse import unquote

import pyarrow.parquet as pq

from locations import TableLocation

COMMIT_FILE = re.compile(r"^_delta_log/(\d{20})\.json$")
CHECKPOINT_FILE = re.compile(r"^_delta_log/(\d{20})\.checkpoint(\.\d+\.\d+)?\.parquet$")


def commit_versions(loc: TableLocation) -> list[int]:
    return sorted(int(m.group(1)) for f in loc.list_files("_delta_log") if (m := COMMIT_FILE.match(f)))


def checkpoint_versions(loc: TableLocation) -> list[int]:
    return sorted({int(m.group(1)) for f in loc.list_files("_delta_log") if (m := CHECKPOINT_FILE.match(f))})


def commit_name(version: int) -> str:
    return f"_delta_log/{version:020d}.json"


def read_commit(loc: TableLocation, version: int) -> list[dict[str, Any]]:
    text = loc.read_bytes(commit_name(version)).decode("utf-8")
    actions = []
    for n, line in enumerate(text.splitlines(), 1):
        if line.strip():
            try:
                actions.append(json.loads(line))
            except json.JSONDecodeError as e:
                raise AssertionError(f"{commit_name(version)} line {n} is not JSON: {e}")
    return actions


def last_checkpoint(loc: TableLocation) -> dict[str, Any]:
    return json.loads(loc.read_bytes("_delta_log/_last_checkpoint"))


def read_checkpoint(loc: TableLocation, version: int):
    name = f"_delta_log/{version:020d}.checkpoint.parquet"
    return pq.read_table(io.BytesIO(loc.read_bytes(name)))


def replay(loc: TableLocation, upto: int | None = None) -> dict[str, Any]:
    """Log replay over the JSON commits alone (0..upto): live `add` actions by
    decoded path, the latest metaData and protocol. Medallion keeps every
    commit file, so no checkpoint is needed to get the whole state."""
    versions = commit_versions(loc)
    if upto is not None:
        versions = [v for v in versions if v <= upto]
    assert versions and versions[0] == 0, f"log of {loc.uri} does not start at version 0: {versions[:5]}"
    adds: dict[str, dict[str, Any]] = {}
    metadata = protocol = None
    for v in versions:
        for action in read_commit(loc, v):
            if "add" in action:
                adds[unquote(action["add"]["path"])] = action["add"]
            elif "remove" in action:
                adds.pop(unquote(action["remove"]["path"]), None)
            elif "metaData" in action:
                metadata = action["metaData"]
            elif "protocol" in action:
                protocol = action["protocol"]
    return {"version": versions[-1], "adds": adds, "metaData": metadata, "protocol": protocol}


def referenced_files(loc: TableLocation) -> set[str]:
    return set(replay(loc)["adds"])


def data_files_on_disk(loc: TableLocation) -> set[str]:
    return {f for f in loc.list_files() if f.endswith(".parquet") and not f.startswith("_delta_log/")}


def rows_in_snapshot(loc: TableLocation) -> int:
    total = 0
    for path, add in replay(loc)["adds"].items():
        assert add.get("stats"), f"add {path} has no stats"
        total += json.loads(add["stats"])["numRecords"]
    return total
