"""A record batch Kafka serves but nobody can decode (issue 4: "a record that
cannot be stored at all goes to bronze/_dead_letters with its coordinates and
reason").

The broker's log is corrupted on disk while it is stopped: a batch in the
middle of three runs of lz4 batches gets a compression codec that does not exist, the way a
bad disk or a broken producer would leave it. The broker serves the bytes
as they are (it does not re-validate its log after a clean shutdown), and
librdkafka fails on that batch at every fetch. Ingest must not stall there
or skip it silently: every offset of the batch becomes a dead letter, the
records around it reach Bronze byte for byte, and a second run adds nothing.
"""
from __future__ import annotations

import struct
import subprocess
from pathlib import Path

from conftest import ingest_args, tail

BATCHES = 3
PER_BATCH = 25


def produce_batches(kcat: str, bootstrap: str) -> list[bytes]:
    values = []
    for b in range(BATCHES):
        batch = [f'{{"event_id":"b{b}-r{i}","n":{i}}}'.encode() for i in range(PER_BATCH)]
        # One kcat run, one flush: one lz4 record batch on partition 0.
        out = subprocess.run([kcat, "-b", bootstrap, "-P", "-t", "orders", "-p", "0", "-z", "lz4"],
                             input=b"\n".join(batch) + b"\n", capture_output=True, timeout=60)
        assert out.returncode == 0, out.stderr.decode(errors="replace")
        values += batch
    return values


def batches_of(segment: Path) -> list[tuple[int, int, int]]:
    """(position, base offset, last offset) of each record batch (magic 2) in a log segment."""
    data = segment.read_bytes()
    out, pos = [], 0
    while pos + 61 <= len(data):
        base, length = struct.unpack_from(">qi", data, pos)
        magic = data[pos + 16]
        assert magic == 2, f"batch at byte {pos} has magic {magic}"
        last_delta = struct.unpack_from(">i", data, pos + 23)[0]
        out.append((pos, base, base + last_delta))
        pos += 12 + length
    return out


def break_codec(segment: Path, position: int) -> None:
    """Sets the codec bits of the batch's attributes to 5 (no such codec)."""
    data = bytearray(segment.read_bytes())
    attributes = struct.unpack_from(">h", data, position + 21)[0]
    assert attributes & 0x7 == 3, f"expected an lz4 batch, attributes {attributes:#x}"
    struct.pack_into(">h", data, position + 21, (attributes & ~0x7) | 5)
    segment.write_bytes(bytes(data))


def read_table(path: Path, columns: list[str]):
    from deltalake import DeltaTable

    return DeltaTable(str(path)).to_pyarrow_table(columns=columns).to_pylist()


def test_an_undecodable_batch_goes_to_dead_letters_and_ingest_moves_past_it(broker, kcat, medallion, tmp_path):
    values = produce_batches(kcat, broker.bootstrap)
    broker.stop()
    segment = broker.data_dir / "logs" / "orders-0" / "00000000000000000000.log"
    # kcat's runs usually land in a batch each, but not always (the first
    # one creates the topic): break the largest batch that has good records
    # on both sides.
    batches = batches_of(segment)
    inner = batches[1:-1]
    assert inner, batches
    position, base, last = max(inner, key=lambda b: b[2] - b[1])
    assert last > base, batches  # several records: the search for its end runs
    break_codec(segment, position)
    broker.start()

    lake = tmp_path / "lake"
    log = tmp_path / "ingest.log"
    for run in range(2):  # the second run finds nothing new
        with open(log, "ab") as f:
            out = subprocess.run(ingest_args(medallion, broker.bootstrap, lake, "--until-idle", "--max-seconds", "120"),
                                 stdout=f, stderr=subprocess.STDOUT, timeout=180)
        assert out.returncode == 0, tail(log)
    assert "cannot decode the record batch" in log.read_text(), tail(log)

    bad = set(range(base, last + 1))
    bronze = read_table(lake / "bronze" / "orders", ["partition", "offset", "value"])
    assert sorted(r["offset"] for r in bronze) == [o for o in range(BATCHES * PER_BATCH) if o not in bad]
    assert all(r["partition"] == 0 and r["value"] == values[r["offset"]] for r in bronze)

    dead = read_table(lake / "bronze" / "_dead_letters", ["partition", "offset", "value_prefix", "reason"])
    assert sorted(r["offset"] for r in dead) == sorted(bad), dead[:3]
    for r in dead:
        assert r["partition"] == 0 and r["value_prefix"] is None
        assert f"record batch at offset {base}" in r["reason"], r["reason"]
        assert "codec" in r["reason"].lower(), r["reason"]
