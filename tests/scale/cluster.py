"""Two PBX nodes as production runs them: for tests/scale and bench/two_nodes.py.

Each node is a simulated Asterisk (``AmiSimulator``, in the caller's event loop) with a
bridge of its own (``python -m callcenter.ami.bridge`` told only about that node). Beside them:
two web processes and two workers (``python -m callcenter.worker``, sweepers included),
all on one PostgreSQL database and one Redis server of the run's own (pub/sub ignores
database numbers, so a shared server would mix other suites' bridges into the streams).
SMS alerts go to a fake gateway (``tests.dispatch.fakes.FakeProviders``) that keeps every
request, so a duplicate alert is seen.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import httpx
import redis
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from callcenter.calls.models import Call, CallbackRequest
from callcenter.db import utcnow
from callcenter.dispatch import service
from callcenter.dispatch.config import DispatchSettings
from callcenter.dispatch.delivery import enqueue
from callcenter.dispatch.models import Alert
from callcenter.provinces.models import AlertChannel
from callcenter.seed import DEMO_PASSWORD, seed_all
from callcenter.simulators.asterisk import AmiSimulator
from callcenter.taxonomy import Urgency
from callcenter.topics import link_key, live_key
from tests.dispatch.conftest import as_env, provider_values
from tests.dispatch.fakes import FakeProviders
from tests.dispatch.redis_server import RedisServer
from tests.dispatch.worker_process import WorkerProcess
from tests.support import builders
from tests.support.web_stack import WebProcess, events, signed_in

ROOT = Path(__file__).resolve().parents[2]
LOGIN = ("callcenter", "hotline1300")  # the simulator's manager login


def node_entry(name: str, port: int) -> dict[str, object]:
    """One entry of CALLCENTER_AMI_NODES."""
    return {"name": name, "host": "127.0.0.1", "port": port, "username": LOGIN[0],
            "secret": LOGIN[1]}


class BridgeProcess:
    """``python -m callcenter.ami.bridge`` for one node, as production runs one per Asterisk."""

    def __init__(self, node: str, port: int, env: dict[str, str], log_path: Path) -> None:
        self.node = node
        self.env = {**os.environ, **env, "CALLCENTER_LOG_LEVEL": "WARNING",
                    "CALLCENTER_AMI_NODES": json.dumps([node_entry(node, port)])}
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, redis_url: str, timeout: float = 30.0) -> BridgeProcess:
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "callcenter.ami.bridge"], cwd=ROOT, env=self.env,
                stdout=log, stderr=log, start_new_session=True)
        client = redis.Redis.from_url(redis_url)
        deadline = time.monotonic() + timeout
        try:
            # Up once logged in and resynchronised: its link says so and its queues are live.
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"bridge {self.node} exited: {self.log()}")
                link = client.get(link_key(self.node))
                if link and json.loads(link).get("state") == "up" \
                        and client.hlen(live_key(self.node, "queue")):
                    return self
                time.sleep(0.1)
            raise TimeoutError(f"bridge {self.node} not up: {self.log()}")
        finally:
            client.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:] if self.log_path.exists() \
            else ""

    def kill(self) -> None:
        """SIGKILL: no goodbye, no last write (a host losing power)."""
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.kill()


@dataclass
class Cluster:
    """Everything of the two-node floor; ``start`` and ``stop`` run in an event loop."""

    database_url: str
    workdir: Path
    nodes: tuple[str, str]
    speed: float = 20.0
    redis_server: RedisServer | None = None
    providers: FakeProviders | None = None
    sims: dict[str, AmiSimulator] = field(default_factory=dict)
    bridges: dict[str, BridgeProcess] = field(default_factory=dict)
    webs: list[WebProcess] = field(default_factory=list)
    workers: list[WorkerProcess] = field(default_factory=list)
    settings: DispatchSettings | None = None

    @property
    def redis_url(self) -> str:
        assert self.redis_server is not None
        return self.redis_server.url

    async def start(self, sessions: sessionmaker[Session]) -> Cluster:
        await asyncio.to_thread(seed, sessions)
        self.redis_server = await asyncio.to_thread(RedisServer(self.workdir).start)
        self.providers = FakeProviders()
        for node in self.nodes:
            sim = AmiSimulator(speed=self.speed)
            self.sims[node] = sim
            await sim.start()
        values = provider_values(
            self.providers, 1,  # no e-mail alerts here: the SMTP port is never used
            voice_node=self.nodes[0], alert_lease_seconds=10.0,
            provider_timeout_seconds=3.0, voice_reply_timeout_seconds=3.0,
            ami_nodes=[node_entry(n, s.port) for n, s in self.sims.items()])
        self.settings = DispatchSettings(_env_file=None, **values)  # type: ignore[call-arg]
        env = as_env(values, self.database_url, self.redis_url)
        for node, sim in self.sims.items():
            bridge = BridgeProcess(node, sim.port, env, self.workdir / f"bridge-{node}.log")
            self.bridges[node] = bridge
            await asyncio.to_thread(bridge.start, self.redis_url)
        for i in range(2):
            web = WebProcess(database_url=self.database_url, redis_url=self.redis_url,
                             env={"CALLCENTER_AMI_NODES": env["CALLCENTER_AMI_NODES"]})
            self.webs.append(web)
            await asyncio.to_thread(web.start)
            worker = WorkerProcess(env, self.workdir / f"worker-{i}.log")
            self.workers.append(worker)
            await asyncio.to_thread(worker.start)
        return self

    async def stop(self) -> None:
        for worker in self.workers:
            await asyncio.to_thread(worker.stop)
        for web in self.webs:
            await asyncio.to_thread(web.stop)
        for bridge in self.bridges.values():
            await asyncio.to_thread(bridge.stop)
        for sim in self.sims.values():
            await sim.stop()
        if self.providers is not None:
            self.providers.close()
        if self.redis_server is not None:
            self.redis_server.stop()

    def logs(self) -> str:
        """The processes' last words, for a failing test's report."""
        parts = [f"--- bridge {n}\n{b.log()}" for n, b in self.bridges.items()]
        parts += [f"--- worker {i}\n{w.log()}" for i, w in enumerate(self.workers)]
        parts += [f"--- web {i}\n{w.log()[-2000:]}" for i, w in enumerate(self.webs)]
        return "\n".join(parts)


def seed(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        seed_all(session, demo_users=True)


# ---------------------------------------------------------------------------- traffic
def dispatch_by_sms(cluster: Cluster, sessions: sessionmaker[Session], number: str) -> int:
    """A case sent to a new unit whose only contact is an SMS number, as the console does
    (the dispatch committed, then its alerts enqueued)."""
    assert cluster.settings is not None
    with sessions.begin() as session:
        world = builders.world(session, [(AlertChannel.SMS, number)], urgency=Urgency.NORMAL)
        dispatch = service.create(session, case_id=world.case_id, unit_id=world.unit.id,
                                  actor_id=world.agent.id, settings=cluster.settings)
        dispatch_id = dispatch.id
    client = redis.Redis.from_url(cluster.redis_url)
    try:
        enqueue.after_commit(client, dispatch_id, sessions=sessions, settings=cluster.settings)
    finally:
        client.close()
    return dispatch_id


def request_callback(sessions: sessionmaker[Session], number: str, queue: str) -> int:
    """A caller's call-back request, due now (the sweeper picks a node with a free agent)."""
    with sessions.begin() as session:
        row = CallbackRequest(number=number, queue_name=queue, priority=3, language="th",
                              issue_area="family_violence",
                              next_attempt_at=utcnow() - timedelta(seconds=1))
        session.add(row)
        session.flush()
        return row.id


# ---------------------------------------------------------------------------- reading
def calls_of(sessions: sessionmaker[Session], nodes: tuple[str, ...]) -> list[Call]:
    with sessions() as session:
        return list(session.scalars(select(Call).where(Call.node.in_(nodes))))


def alerts_of(sessions: sessionmaker[Session], dispatch_ids: list[int]) -> list[Alert]:
    with sessions() as session:
        return list(session.scalars(select(Alert).where(Alert.dispatch_id.in_(dispatch_ids))))


def queue_nodes_on_wallboard(web: WebProcess, expected: set[str], login: str = "supervisor",
                             timeout: float = 20.0) -> set[str]:
    """The nodes whose queues the web process's wallboard stream shows a supervisor: read
    until all ``expected`` have been seen, or ``timeout``."""
    seen: set[str] = set()
    client = signed_in(web.url, login, DEMO_PASSWORD)
    read_for = httpx.Timeout(5.0, read=timeout)
    with contextlib.closing(client), \
            client.stream("GET", "/wallboard/stream", timeout=read_for) as answer:
        assert answer.status_code == 200, answer.status_code
        for name, data in events(lines_until(answer.iter_lines(), timeout)):
            if name == "queue":
                node = json.loads(data).get("node")
                if node:
                    seen.add(node)
            if seen >= expected:
                break
    return seen


def lines_until(lines: Iterator[str], timeout: float) -> Iterator[str]:
    """The stream's lines until ``timeout`` has passed (checked as each line arrives)."""
    deadline = time.monotonic() + timeout
    for line in lines:
        yield line
        if time.monotonic() > deadline:
            return
