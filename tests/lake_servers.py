"""Throwaway servers for a shared lake on loopback: a PostgreSQL cluster and moto's S3 server.

Used by tests/test_shared_lake.py and bench/bench_shared_lake.py. PostgreSQL refuses to run as root, so as root
the cluster is created and started as the postgres user (runuser), in a temporary directory it owns.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

#: Where the server binaries are when not in Debian's /usr/lib/postgresql/N/bin (e.g. Homebrew, EDB).
PG_BIN_ENV = "WIREHOUSE_PG_BIN"
S3_KEY = "testing"
S3_REGION = "us-east-1"


class ServerUnavailable(RuntimeError):
    """What a server needs is not on this machine (tests skip with this message)."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_bin() -> Path | None:
    """The newest PostgreSQL server binaries on this machine, or None."""
    candidates = [Path(os.environ[PG_BIN_ENV])] if os.environ.get(PG_BIN_ENV) else []
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: p.parent.name, reverse=True)
    if which := shutil.which("initdb"):
        candidates.append(Path(which).parent)
    return next((c for c in candidates if (c / "initdb").exists() and (c / "pg_ctl").exists()), None)


@dataclass(frozen=True)
class Postgres:
    bin: Path
    port: int

    def createdb(self) -> str:
        """A new empty database: one lake each."""
        name = f"lake_{uuid.uuid4().hex[:10]}"
        command = [str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name]
        subprocess.run(command, check=True, capture_output=True, timeout=60)
        return name

    def catalog(self, dbname: str) -> str:
        """The WIREHOUSE_CATALOG value for that database."""
        return f"postgres:dbname={dbname} host=127.0.0.1 port={self.port} user=postgres"


@contextmanager
def postgres_cluster() -> Iterator[Postgres]:
    """A cluster of its own on a free loopback port, trusting local connections, deleted afterwards."""
    binaries = pg_bin()
    if binaries is None:
        raise ServerUnavailable(
            f"PostgreSQL server binaries not found (apt-get install postgresql, or set {PG_BIN_ENV})"
        )
    as_user: list[str] = []
    root = Path(tempfile.mkdtemp(prefix="wirehouse-pg-"))
    try:
        if os.geteuid() == 0:
            import pwd

            if shutil.which("runuser") is None:
                raise ServerUnavailable("running as root without runuser: cannot start PostgreSQL as postgres")
            try:
                user = pwd.getpwnam("postgres")
            except KeyError:
                raise ServerUnavailable("running as root and there is no postgres user to run PostgreSQL") from None
            os.chown(root, user.pw_uid, user.pw_gid)  # mkdtemp's 0700 dir, now the server's own
            as_user = ["runuser", "-u", "postgres", "--"]
        data, port = root / "data", free_port()

        def run(*command: str) -> None:
            done = subprocess.run([*as_user, *command], capture_output=True, text=True, timeout=120)
            if done.returncode != 0:
                raise RuntimeError(f"{command[0]} failed: {done.stdout}{done.stderr}")

        run(str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        log = str(root / "log")
        run(str(binaries / "pg_ctl"), "-D", str(data), "-l", log, "-o", options, "-w", "-t", "60", "start")
        try:
            yield Postgres(binaries, port)
        finally:
            stop = [*as_user, str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]
            subprocess.run(stop, capture_output=True, timeout=60)
    finally:
        shutil.rmtree(root, ignore_errors=True)


@dataclass(frozen=True)
class S3:
    endpoint: str

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=S3_KEY,
            aws_secret_access_key=S3_KEY,
            region_name=S3_REGION,
        )

    def create_bucket(self) -> str:
        bucket = f"lake-{uuid.uuid4().hex[:10]}"
        self.client().create_bucket(Bucket=bucket)
        return bucket

    def keys(self, bucket: str) -> list[str]:
        return [o["Key"] for o in self.client().list_objects_v2(Bucket=bucket).get("Contents", [])]

    def env(self) -> dict[str, str]:
        """The standard AWS variables a user would export for this endpoint."""
        return {
            "AWS_ACCESS_KEY_ID": S3_KEY,
            "AWS_SECRET_ACCESS_KEY": S3_KEY,
            "AWS_REGION": S3_REGION,
            "AWS_ENDPOINT_URL": self.endpoint,
        }


@contextmanager
def moto_s3() -> Iterator[S3]:
    """moto's S3 server in a process of its own on a free loopback port."""
    try:
        import moto.server  # noqa: F401
    except ImportError:
        raise ServerUnavailable("moto[server] is a dev dependency: run 'uv sync'") from None
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(endpoint, timeout=2)
                break
            except httpx.TransportError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("moto server did not start") from None
                time.sleep(0.2)
        yield S3(endpoint)
    finally:
        server.terminate()
        server.wait(timeout=30)


def shared_lake_env(postgres: Postgres, s3: S3) -> dict[str, str]:
    """Everything a machine exports to use a new, empty shared lake (its own database and bucket)."""
    return {
        "WIREHOUSE_CATALOG": postgres.catalog(postgres.createdb()),
        "WIREHOUSE_DATA_PATH": f"s3://{s3.create_bucket()}/wirehouse/",
        **s3.env(),
    }


@contextmanager
def environment(env: dict[str, str]) -> Iterator[None]:
    """These variables in this process for the block: what a shell's export does for every command."""
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
