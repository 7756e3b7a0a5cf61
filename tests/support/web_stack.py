"""Real web processes for the SSE and browser tests: uvicorn subprocesses on free ports."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class WebProcess:
    """The console as production runs it (``python -m agent_console``: its uvicorn
    settings, its shutdown) with the given database and Redis."""

    def __init__(self, *, database_url: str, redis_url: str, port: int | None = None,
                 env: dict[str, str] | None = None) -> None:
        self.port = port or free_port()
        self.env = {**os.environ, "CALLCENTER_DATABASE_URL": database_url,
                    "CALLCENTER_REDIS_URL": redis_url, "CALLCENTER_LOG_LEVEL": "WARNING",
                    **(env or {})}
        self.process: subprocess.Popen[bytes] | None = None
        # Its log in a file, not a pipe: a pipe nobody reads would stop the server when full.
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the object)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        """Everything the process wrote on stderr so far."""
        self._log.seek(0)
        return self._log.read().decode(errors="replace")

    def start(self, timeout: float = 60.0) -> WebProcess:
        # A deadline for starting, not a measure: on a loaded CI machine importing the app
        # alone has taken over 20 s, and a ready process answers at once whatever the budget.
        self.process = subprocess.Popen(
            [sys.executable, "-m", "agent_console", "--host", "127.0.0.1",
             "--port", str(self.port)],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=self._log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(self.log()[-2000:])
            try:
                if httpx.get(self.url + "/login", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.1)
        raise TimeoutError("the web process did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.process = None


def signed_in(base_url: str, login: str, password: str) -> httpx.Client:
    client = httpx.Client(base_url=base_url, timeout=10)
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    answer = client.post("/login", data={"username": login, "password": password,
                                         "csrf_token": token}, follow_redirects=False)
    assert answer.status_code in (200, 303), answer.status_code
    if answer.headers.get("location") == "/login/totp":
        # Supervisors pass a second factor (enrolling on first use).
        from tests.agent_console import second_factor

        passed = second_factor.complete(client, login)
        assert passed.status_code == 303, passed.status_code
    return client


def events(lines: Iterator[str]) -> Iterator[tuple[str, str]]:
    """(event name, data) from the lines of an SSE response."""
    name, data = "message", []
    for line in lines:
        if line.startswith("event: "):
            name = line.removeprefix("event: ")
        elif line.startswith("data: "):
            data.append(line.removeprefix("data: "))
        elif line == "":
            if data:
                yield name, "\n".join(data)
            name, data = "message", []


class RedisServer:
    """A Redis server of the test's own: pub/sub is server-wide, so live-stream tests
    never hear (or disturb) the other suites' bridges on the shared server."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        binary = shutil.which("redis-server", path=str(Path(sys.executable).parent)) \
            or shutil.which("redis-server")
        assert binary, "redis-server not found"
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        client.close()
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


@pytest.fixture(name="private_redis")
def private_redis_fixture() -> Iterator[tuple[str, redis.Redis]]:
    server = RedisServer().start()
    client = redis.Redis.from_url(server.url)
    try:
        yield server.url, client
    finally:
        client.close()
        server.stop()
