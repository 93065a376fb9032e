"""A real presque for the tests: a redis-server of its own on a free port, and `presque serve`
(the repository's bin/presque.js under the pinned Node) on another, pointed at it with REDIS_URL."""

from __future__ import annotations

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


@pytest.fixture(scope="session")
def presque_url(redis_url: str) -> Iterator[str]:
    env = {**os.environ, "REDIS_URL": redis_url}
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
    port = None
    for line in proc.stderr:  # JSON log lines; the "listening" one carries the port picked
        lines.append(line)
        match = re.search(r"presque listening on http://[^:]+:(\d+)", line)
        if match:
            port = int(match.group(1))
            break
    if port is None:
        raise RuntimeError(f"presque exited with {proc.wait()} before listening:\n{''.join(lines)}")
    threading.Thread(target=proc.stderr.read, daemon=True).start()
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(15)


@pytest.fixture
def client(presque_url: str) -> Iterator[Client]:
    with Client(presque_url, timeout=10) as c:
        yield c


@pytest.fixture
def queue() -> str:
    """A fresh queue name per test, so tests never see each other's jobs."""
    return f"py-{uuid.uuid4().hex[:12]}"
