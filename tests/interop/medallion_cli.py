"""A thin driver for the `medallion table ...` commands under test."""

from __future__ import annotations

import json
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from locations import TableLocation

COMMITTED = re.compile(r"committed version (\d+)")


@dataclass
class Outcome:
    args: list[str]
    returncode: int
    stdout: str
    stderr: str

    def describe(self) -> str:
        return (f"$ {' '.join(self.args)}\nexit {self.returncode}\n"
                f"--- stdout ---\n{self.stdout[-3000:]}\n--- stderr ---\n{self.stderr[-3000:]}")

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]

    def committed_versions(self) -> list[int]:
        return [int(m) for m in COMMITTED.findall(self.stdout)]


class Medallion:
    def __init__(self, binary: Path):
        self.binary = binary

    def command(self, *args: Any) -> list[str]:
        return [str(self.binary), *[str(a) for a in args]]

    def env_for(self, location: TableLocation | None) -> dict[str, str]:
        env = dict(os.environ)
        if location is not None:
            env.update(location.env)
        return env

    def run(self, *args: Any, location: TableLocation | None = None, check: bool = True,
            timeout: float = 300) -> Outcome:
        cmd = self.command(*args)
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                              env=self.env_for(location))
        outcome = Outcome(cmd, proc.returncode, proc.stdout, proc.stderr)
        if check:
            assert proc.returncode == 0, f"medallion failed:\n{outcome.describe()}"
        return outcome

    def popen(self, *args: Any, location: TableLocation | None = None, **kwargs) -> subprocess.Popen:
        return subprocess.Popen(self.command(*args), env=self.env_for(location), **kwargs)

    # The commands, as the CLI contract of issue 3 spells them.

    def create(self, loc: TableLocation, schema: str, partition_by: Sequence[str] = (),
               properties: dict[str, str] | None = None, **kw) -> Outcome:
        args: list[Any] = ["table", "create", loc.uri, "--schema", schema]
        if partition_by:
            args += ["--partition-by", ",".join(partition_by)]
        for k, v in (properties or {}).items():
            args += ["--property", f"{k}={v}"]
        return self.run(*args, location=loc, **kw)

    def append_args(self, loc: TableLocation, input_path: Path, partition_by: Sequence[str] = (),
                    mode: str | None = None, repeat: int | None = None) -> list[Any]:
        args: list[Any] = ["table", "append", loc.uri, "--input", input_path]
        if partition_by:
            args += ["--partition-by", ",".join(partition_by)]
        if mode:
            args += ["--mode", mode]
        if repeat is not None:
            args += ["--repeat", repeat]
        return args

    def append(self, loc: TableLocation, input_path: Path, partition_by: Sequence[str] = (),
               mode: str | None = None, repeat: int | None = None, **kw) -> Outcome:
        return self.run(*self.append_args(loc, input_path, partition_by, mode, repeat), location=loc, **kw)

    def describe(self, loc: TableLocation, version: int | None = None) -> dict[str, Any]:
        args: list[Any] = ["table", "describe", loc.uri, "--format", "json"]
        if version is not None:
            args += ["--version", version]
        out = self.run(*args, location=loc)
        try:
            return json.loads(out.stdout)
        except json.JSONDecodeError as e:
            raise AssertionError(f"describe did not print one JSON object: {e}\n{out.describe()}")

    def history(self, loc: TableLocation, limit: int | None = None) -> list[dict[str, Any]]:
        args: list[Any] = ["table", "history", loc.uri, "--format", "json"]
        if limit is not None:
            args += ["--limit", limit]
        return json.loads(self.run(*args, location=loc).stdout)

    def scan_args(self, loc: TableLocation, version: int | None = None, timestamp: str | None = None,
                  where: str | None = None, columns: Sequence[str] = (), limit: int | None = None,
                  fmt: str = "json") -> list[Any]:
        args: list[Any] = ["table", "scan", loc.uri, "--format", fmt]
        if version is not None:
            args += ["--version", version]
        if timestamp is not None:
            args += ["--timestamp", timestamp]
        if where is not None:
            args += ["--where", where]
        if columns:
            args += ["--columns", ",".join(columns)]
        if limit is not None:
            args += ["--limit", limit]
        return args

    def scan(self, loc: TableLocation, **kw) -> list[dict[str, Any]]:
        """Rows of `scan --format json` (JSON lines, one object per row)."""
        out = self.run(*self.scan_args(loc, **kw), location=loc)
        rows = []
        for n, line in enumerate(out.stdout.splitlines(), 1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as e:
                raise AssertionError(f"scan --format json line {n} is not JSON ({e}): {line[:200]!r}")
        return rows

    def scan_count(self, loc: TableLocation, column: str = "id", **kw) -> int:
        """Row count of a full scan, printing one column as CSV to keep it cheap.
        The CSV header line, if any, is not counted."""
        out = self.run(*self.scan_args(loc, columns=[column], fmt="csv", **kw), location=loc)
        lines = [line for line in out.stdout.splitlines() if line.strip()]
        if lines and lines[0].strip().strip('"') == column:
            lines = lines[1:]
        return len(lines)
