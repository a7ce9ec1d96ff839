"""Where a test table lives: a local directory or a prefix in the loopback
MinIO bucket, with what each reader needs to open it (the medallion process
environment, delta-rs storage options, a pyarrow filesystem for raw looks at
the files)."""

from __future__ import annotations

import posixpath
import shutil
from dataclasses import dataclass, field

import pyarrow.fs as pafs


@dataclass
class TableLocation:
    uri: str
    fs: pafs.FileSystem
    root: str  # the table root as a path in `fs`
    env: dict[str, str] = field(default_factory=dict)
    storage_options: dict[str, str] | None = None

    @property
    def is_s3(self) -> bool:
        return self.uri.startswith("s3://")

    def path(self, rel: str) -> str:
        return posixpath.join(self.root, rel)

    def list_files(self, sub: str = "") -> list[str]:
        """Paths of every file under the table root (or `sub`), relative to the root."""
        base = self.path(sub) if sub else self.root
        info = self.fs.get_file_info(base)
        if info.type == pafs.FileType.NotFound:
            return []
        infos = self.fs.get_file_info(pafs.FileSelector(base, recursive=True, allow_not_found=True))
        prefix = self.root.rstrip("/") + "/"
        return sorted(i.path[len(prefix):] for i in infos if i.type == pafs.FileType.File)

    def read_bytes(self, rel: str) -> bytes:
        with self.fs.open_input_stream(self.path(rel)) as f:
            return f.read()

    def write_bytes(self, rel: str, data: bytes) -> None:
        with self.fs.open_output_stream(self.path(rel)) as f:
            f.write(data)

    def delete(self, rel: str) -> None:
        self.fs.delete_file(self.path(rel))

    def snapshot_of_files(self) -> dict[str, bytes]:
        """Every file with its content: to prove a failed command wrote nothing."""
        return {rel: self.read_bytes(rel) for rel in self.list_files()}


def local_location(path) -> TableLocation:
    path = str(path)
    return TableLocation(uri=path, fs=pafs.LocalFileSystem(), root=path)


def s3_location(minio_env: dict[str, str], bucket: str, prefix: str) -> TableLocation:
    endpoint = minio_env["AWS_ENDPOINT_URL"]
    scheme, _, host = endpoint.partition("://")
    fs = pafs.S3FileSystem(
        access_key=minio_env["AWS_ACCESS_KEY_ID"],
        secret_key=minio_env["AWS_SECRET_ACCESS_KEY"],
        region=minio_env.get("AWS_REGION", "us-east-1"),
        endpoint_override=host,
        scheme=scheme,
        allow_bucket_creation=False,
    )
    storage_options = {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": minio_env["AWS_ACCESS_KEY_ID"],
        "AWS_SECRET_ACCESS_KEY": minio_env["AWS_SECRET_ACCESS_KEY"],
        "AWS_REGION": minio_env.get("AWS_REGION", "us-east-1"),
        "AWS_ALLOW_HTTP": "true",
        # delta-rs only ever writes here from one test at a time.
        "AWS_S3_ALLOW_UNSAFE_RENAME": "true",
    }
    env = {k: v for k, v in minio_env.items() if k.startswith("AWS_")}
    return TableLocation(uri=f"s3://{bucket}/{prefix}", fs=fs, root=f"{bucket}/{prefix}",
                         env=env, storage_options=storage_options)


def copy_local_table(src: TableLocation, dst) -> TableLocation:
    assert not src.is_s3, "only local tables are copied"
    shutil.copytree(src.root, dst)
    return local_location(dst)
