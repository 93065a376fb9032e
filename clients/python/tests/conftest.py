"""A real presque for the tests: a redis-server of its own on a free port, and `presque serve`
(the repository's bin/presque.js under the pinned Node) on another, pointed at it with REDIS_URL."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from presque import Client

ROOT = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _redis_server() -> str:
    for candidate in (shutil.which("redis-server"), "/usr/bin/redis-server", "/usr/sbin/redis-server"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise RuntimeError("redis-server is missing: run scripts/ensure-deps.sh (apt-get install redis-server)")


def _node() -> str:
    local = ROOT / "node_modules" / ".bin" / "node"
    return str(local) if local.exists() else "node"


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    port = _free_port()
    workdir = tempfile.mkdtemp(prefix="presque-py-redis-")
    proc = subprocess.Popen(
        [_redis_server(), "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", workdir],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    started = time.monotonic()
    for line in proc.stdout:  # redis-server says when it accepts connections
        if "Ready to accept connections" in line:
            break
        if time.monotonic() - started > 30:
            break
    else:
        raise RuntimeError(f"redis-server exited with {proc.wait()}")
    threading.Thread(target=proc.stdout.read, daemon=True).start()
    yield f"redis://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(10)
    shutil.rmtree(workdir, ignore_errors=True)


def _serve(redis_url: str, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """``presque serve`` on a free port; yields its URL (https:// when TLS is configured)."""
    env = {**os.environ, "REDIS_URL": redis_url, **(extra_env or {})}
    proc = subprocess.Popen(
        [_node(), str(ROOT / "bin" / "presque.js"), "serve", "--host", "127.0.0.1", "--port", "0"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    lines: list[str] = []
    url = None
    for line in proc.stderr:  # JSON log lines; the "listening" one carries the port picked
        lines.append(line)
        match = re.search(r"presque listening on (https?)://[^:]+:(\d+)", line)
        if match:
            url = f"{match.group(1)}://127.0.0.1:{match.group(2)}"
            break
    if url is None:
        raise RuntimeError(f"presque exited with {proc.wait()} before listening:\n{''.join(lines)}")
    threading.Thread(target=proc.stderr.read, daemon=True).start()
    try:
        yield url
    finally:  # also when the generator is closed (GeneratorExit at the yield)
        proc.terminate()
        proc.wait(15)


@pytest.fixture(scope="session")
def presque_url(redis_url: str) -> Iterator[str]:
    yield from _serve(redis_url)


@dataclass(frozen=True)
class SecuredPresque:
    """A presque with API keys (and TLS, for ``tls_url``): the secrets clients send, its CA."""

    url: str
    tls_url: str
    full_key: str
    """Scope ``*``."""
    reader_key: str
    """Scope ``read:*``: may read stats, may not enqueue nor consume."""
    ca_pem: bytes
    other_ca_pem: bytes
    """A CA that signed nothing here."""


def _new_secret() -> str:
    """As ``presque keys create`` makes them: pq_ and 256 random bits in base64url."""
    return "pq_" + base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")


def _certificates(workdir: Path) -> None:
    """A throwaway CA, a server certificate it signed for 127.0.0.1, and an unrelated CA."""
    new_key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=workdir, check=True, capture_output=True, timeout=60)

    for ca in ("ca", "other-ca"):
        openssl("req", "-x509", *new_key, "-days", "1", "-subj", f"/CN={ca}", "-keyout", f"{ca}.key", "-out", f"{ca}.crt")
    openssl("req", *new_key, "-subj", "/CN=server", "-keyout", "server.key", "-out", "server.csr")
    (workdir / "server.ext").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n")
    openssl(
        "x509", "-req", "-in", "server.csr", "-days", "1", "-extfile", "server.ext",
        "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.crt",
    )  # fmt: skip


@pytest.fixture(scope="session")
def secured(redis_url: str) -> Iterator[SecuredPresque]:
    workdir = Path(tempfile.mkdtemp(prefix="presque-py-auth-"))
    full, reader = _new_secret(), _new_secret()
    keys = [
        {"name": "py-full", "hash": "sha256:" + hashlib.sha256(full.encode()).hexdigest(), "scopes": ["*"]},
        {"name": "py-reader", "hash": "sha256:" + hashlib.sha256(reader.encode()).hexdigest(), "scopes": ["read:*"]},
    ]
    (workdir / "keys.yaml").write_text(json.dumps({"keys": keys}))  # JSON is YAML
    _certificates(workdir)
    auth = {"PRESQUE_AUTH_KEYS_FILE": str(workdir / "keys.yaml"), "PRESQUE_AUTH_MAX_FAILURES": "100000"}
    tls = {"PRESQUE_TLS_CERT": str(workdir / "server.crt"), "PRESQUE_TLS_KEY": str(workdir / "server.key")}
    plain_server = _serve(redis_url, auth)
    tls_server = _serve(redis_url, {**auth, **tls})
    try:
        yield SecuredPresque(
            url=next(plain_server),
            tls_url=next(tls_server),
            full_key=full,
            reader_key=reader,
            ca_pem=(workdir / "ca.crt").read_bytes(),
            other_ca_pem=(workdir / "other-ca.crt").read_bytes(),
        )
    finally:
        for server in (tls_server, plain_server):
            server.close()  # runs the generator's teardown: the process is stopped
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def client(presque_url: str) -> Iterator[Client]:
    with Client(presque_url, timeout=10) as c:
        yield c


@pytest.fixture
def queue() -> str:
    """A fresh queue name per test, so tests never see each other's jobs."""
    return f"py-{uuid.uuid4().hex[:12]}"
