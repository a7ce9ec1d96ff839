"""Loopback ports for a scripts/kafka broker, shared by the Kafka tests and
the benchmarks that start their own broker (bench/ingest.py, bench/freshness.py)."""
from __future__ import annotations

import socket


def free_port_pair() -> int:
    # The broker takes port and port+1 (controller); find two free in a row.
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        with socket.socket() as a, socket.socket() as b:
            try:
                a.bind(("127.0.0.1", port))
                b.bind(("127.0.0.1", port + 1))
                return port
            except OSError:
                continue
    raise RuntimeError("no two consecutive free ports on loopback")
