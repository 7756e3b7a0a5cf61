"""The LINE channel's whole path as separate processes, for the browser tests: the
simulated PBX (no made-up calls, so only the test moves an agent), the AMI bridge, the RQ
worker with its sweepers (the LINE relay, the chat routing pass), the simulated LINE
platform (no made-up people, so only the test's person writes) and the web console, on a
throwaway PostgreSQL database and a Redis server of the module's own.

Not ``callcenter demo``: its floor takes calls and its made-up people write at random,
so which agent is offered a chat, and when, would be luck. Here the seeded agents 2–4
sit signed in and idle in the PBX and agent1 signs in on the page.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import redis

from callcenter.chat import presence
from tests.browser.watch import problems_in
from tests.support.web_stack import free_port

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "line-e2e-secret-key-for-the-browser-test-only"
LINE_SECRET = "line-e2e-channel-secret"
LINE_TOKEN = "line-e2e-channel-token"


class Process:
    """``python -m <module> …`` with its output in a file of the stack's folder."""

    def __init__(self, name: str, module: str, args: list[str], env: dict[str, str],
                 folder: Path) -> None:
        self.name, self.module, self.args, self.env = name, module, args, env
        self.log_path = folder / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Process:
        with open(self.log_path, "ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", self.module, *self.args], cwd=ROOT, env=self.env,
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGINT)
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(5)
        self.process = None


def wait_until(check, what: str, processes: list[Process], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(Exception):
            if check():
                return
        dead = [p for p in processes if not p.alive()]
        if dead or time.monotonic() > deadline:
            logs = "\n".join(f"--- {p.name}\n{p.log()[-3000:]}" for p in processes)
            raise RuntimeError(f"{what}: not ready\n{logs}")
        time.sleep(0.2)


@dataclass
class LineStack:
    web: str  # the console's base URL
    line: str  # the LINE simulator's base URL (its /sim/… control endpoints)
    redis_url: str
    processes: list[Process]

    def sim(self, action: str, **body) -> dict:
        answer = httpx.post(f"{self.line}/sim/{action}", json=body, timeout=10)
        answer.raise_for_status()
        return answer.json()

    def problems(self) -> list[str]:
        return [f"{p.name}: {line}" for p in self.processes for line in problems_in(p.log())]


@pytest.fixture(scope="module")
def line_stack(console_db, live_redis, tmp_path_factory) -> Iterator[LineStack]:
    folder = tmp_path_factory.mktemp("line-stack")
    web_port, pbx_port, line_port = free_port(), free_port(), free_port()
    line_url = f"http://127.0.0.1:{line_port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLCENTER_")}
    env.update({
        "CALLCENTER_DATABASE_URL": console_db, "CALLCENTER_REDIS_URL": live_redis,
        "CALLCENTER_SECRET_KEY": SECRET_KEY, "CALLCENTER_DATA_DIR": str(folder),
        "CALLCENTER_LOG_LEVEL": "WARNING", "CALLCENTER_WEB_PORT": str(web_port),
        "CALLCENTER_AGI_PORT": str(free_port()),
        "CALLCENTER_AMI_NODES": json.dumps([{"name": "sim", "host": "127.0.0.1",
                                             "port": pbx_port, "username": "callcenter",
                                             "secret": "simulator"}]),
        "CALLCENTER_LINE_CHANNEL_SECRET": LINE_SECRET,
        "CALLCENTER_LINE_CHANNEL_TOKEN": LINE_TOKEN,
        "CALLCENTER_LINE_API_BASE_URL": line_url,
        "CALLCENTER_LINE_DATA_API_BASE_URL": line_url,
        # A pass every second: an offer reaches the page soon after the person writes.
        "CALLCENTER_CHAT_ROUTING_INTERVAL_SECONDS": "1",
    })
    pbx = Process("pbx", "callcenter.simulators.asterisk",
                  ["--port", str(pbx_port), "--calls-per-minute", "0", "--no-ivr"], env, folder)
    bridge = Process("bridge", "callcenter.ami.bridge", [], env, folder)
    worker = Process("worker", "callcenter.worker", [], env, folder)
    line = Process("line", "callcenter.simulators.line",
                   ["--port", str(line_port), "--people-per-minute", "0",
                    "--webhook", f"http://127.0.0.1:{web_port}/line/webhook",
                    "--secret", LINE_SECRET, "--token", LINE_TOKEN], env, folder)
    web = Process("web", "agent_console", ["--port", str(web_port)], env, folder)
    processes = [pbx, bridge, worker, line, web]
    client = redis.Redis.from_url(live_redis)
    try:
        pbx.start()
        wait_until(lambda: _listens(pbx_port), "the simulated PBX", [pbx])
        bridge.start()
        # The bridge has read the PBX's queue members: agents 2–4 are live.
        wait_until(lambda: presence.live_agents(client), "the bridge", [pbx, bridge])
        worker.start()
        line.start()
        web.start()
        wait_until(lambda: httpx.get(f"http://127.0.0.1:{web_port}/login",
                                     timeout=2).status_code == 200,
                   "the console", processes, timeout=40)
        wait_until(lambda: _listens(line_port), "the LINE simulator", processes)
        yield LineStack(f"http://127.0.0.1:{web_port}", line_url, live_redis, processes)
    finally:
        client.close()
        for process in reversed(processes):
            process.stop()


def _listens(port: int) -> bool:
    import socket

    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0
