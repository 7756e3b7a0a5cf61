"""``callcenter demo``: migrate, seed, then run every process until Ctrl-C.

With no database configured the embedded SQLite file is used; with no Redis, one
embedded server is started here and handed to every child; with no Asterisk node,
the traffic simulator stands in for one.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

import psutil
import redis

from callcenter import migrate, seed, topics
from callcenter.agents.models import Role
from callcenter.db import session_scope
from callcenter.redis import EmbeddedRedis
from callcenter.seed import DemoUser
from callcenter.settings import Settings

log = logging.getLogger("callcenter.demo")

STOP_GRACE_SECONDS = 10


# How long a process may take to listen before the demo gives up (a slow first start on
# a small machine imports a lot).
LISTEN_TIMEOUT_SECONDS = 60
ROLE_NAMES = {Role.AGENT: "agent", Role.SUPERVISOR: "supervisor *",
              Role.ADMIN: "administrator *", Role.UNIT_MEMBER: "rapid-response unit"}


@dataclass(frozen=True)
class Step:
    """One process of the demo, and the address it must listen on before the next starts."""

    name: str
    module: str
    args: tuple[str, ...] = ()
    listens_on: tuple[str, int] | None = None
    # The bridge: ready once its link to each of these PBX nodes is up.
    links_up: tuple[str, ...] = ()


def welcome(url: str, users: Sequence[DemoUser], password: str, access_log: Path) -> str:
    """What the demo's terminal says once the console answers: where, and who can sign in."""
    width = max(len(u.login) for u in users)
    lines = [f"The 1300 demo is running: {url}",
             f"Sign in with the demo password {password} as:"]
    lines += [f"  {u.login:<{width}}  {ROLE_NAMES[u.role]}: {u.display_name}" for u in users]
    lines += ["  unit.th10 … unit.th96: a member of every province's unit "
              "(unit.th and the province's ISO 3166-2 number)"]
    lines += ["  * enrols an authenticator app (TOTP) at the first sign-in",
              "Calls are simulated (no real Asterisk); each request is logged in "
              f"{access_log}.", "Ctrl-C stops every process."]
    return "\n".join(lines)


def _spawn(step: Step, env: dict[str, str]) -> subprocess.Popen[bytes]:
    log.info("starting %s (python -m %s)", step.name, step.module)
    # Own process group: Ctrl-C reaches the demo, which then stops children in order.
    return subprocess.Popen(
        [sys.executable, "-m", step.module, *step.args], env=env, start_new_session=True
    )


def _listening(child: subprocess.Popen[bytes], port: int) -> bool:
    # Asked of the system, not by connecting: a probe would be a call without AGI headers.
    try:
        sockets = psutil.Process(child.pid).net_connections(kind="tcp")
    except psutil.Error:
        return False
    return any(s.status == psutil.CONN_LISTEN and s.laddr.port == port for s in sockets)


def _wait_listening(step: Step, child: subprocess.Popen[bytes],
                    stopping: Callable[[], bool]) -> bool:
    """Wait until the child listens on its port; False if it died, timed out or Ctrl-C."""
    assert step.listens_on is not None
    deadline = time.monotonic() + LISTEN_TIMEOUT_SECONDS
    while not stopping():
        if child.poll() is not None:
            log.error("%s exited with status %s before listening", step.name, child.returncode)
            return False
        if _listening(child, step.listens_on[1]):
            return True
        if time.monotonic() > deadline:
            log.error("%s did not listen on %s:%d within %d s", step.name, *step.listens_on,
                      LISTEN_TIMEOUT_SECONDS)
            return False
        time.sleep(0.1)
    return False


def _links_up(redis_url: str, nodes: Sequence[str]) -> bool:
    client = redis.Redis.from_url(redis_url, socket_timeout=2)
    try:
        bodies = client.mget([topics.link_key(node) for node in nodes])
    except redis.RedisError:
        return False
    finally:
        client.close()
    return all(body and json.loads(body).get("state") == "up" for body in bodies)


def _wait_links_up(step: Step, child: subprocess.Popen[bytes], redis_url: str,
                   stopping: Callable[[], bool]) -> None:
    """Wait until the bridge is logged in to every node, so that the first person to press
    "ready" finds the PBX there. A slow PBX is no failure: the console shows the link."""
    deadline = time.monotonic() + LISTEN_TIMEOUT_SECONDS
    while not stopping() and child.poll() is None:
        if _links_up(redis_url, step.links_up):
            return
        if time.monotonic() > deadline:
            log.warning("the bridge has not reached %s within %d s; the console says so "
                        "until it does", ", ".join(step.links_up), LISTEN_TIMEOUT_SECONDS)
            return
        time.sleep(0.2)


def _stop(children: dict[str, subprocess.Popen[bytes]]) -> None:
    for name, child in reversed(list(children.items())):
        if child.poll() is None:
            log.info("stopping %s", name)
            child.send_signal(signal.SIGINT)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for child in children.values():
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def _process_plan(settings: Settings, *, with_simulator: bool,
                  access_log: Path) -> tuple[list[Step], dict[str, str]]:
    extra_env: dict[str, str] = {}
    # The IVR listens before the simulator places its first call through it; the
    # simulator listens before the bridge connects to it.
    plan = [Step("worker", "callcenter.worker"),
            Step("ivr", "ivr", listens_on=(settings.agi_host, settings.agi_port))]
    if not settings.ami_nodes and with_simulator and find_spec("callcenter.simulators.asterisk"):
        plan.append(Step("simulator", "callcenter.simulators.asterisk",
                         listens_on=("127.0.0.1", settings.simulator_port)))
        extra_env["CALLCENTER_AMI_NODES"] = json.dumps(
            [{"name": "sim", "host": "127.0.0.1", "port": settings.simulator_port,
              "username": "callcenter", "secret": "simulator"}]
        )
    if settings.ami_nodes or extra_env:
        configured = json.loads(extra_env["CALLCENTER_AMI_NODES"]) if extra_env else [
            {"name": n.name} for n in settings.ami_nodes]
        nodes = tuple(n["name"] for n in configured)
        plan.append(Step("bridge", "callcenter.ami.bridge", links_up=nodes))
    else:
        log.warning("no Asterisk node and no simulator: the bridge is not started")
    if with_simulator and not os.environ.get("CALLCENTER_LINE_CHANNEL_SECRET") and find_spec(
            "callcenter.simulators.line"):
        step, line_env = _line_simulator(settings)
        plan.append(step)
        extra_env.update(line_env)
    plan.append(Step("web", "agent_console", ("--access-log", str(access_log)),
                     listens_on=(settings.web_host, settings.web_port)))
    return plan, extra_env


def _line_simulator(settings: Settings) -> tuple[Step, dict[str, str]]:
    """The simulated LINE platform, and the settings that point the system at it (the
    demo's made-up channel secret and token, the simulator's address for LINE's APIs)."""
    port = settings.line_simulator_port
    webhook = f"http://{settings.web_host}:{settings.web_port}/line/webhook"
    base = f"http://127.0.0.1:{port}"
    env = {"CALLCENTER_LINE_CHANNEL_SECRET": "demo-line-channel-secret",
           "CALLCENTER_LINE_CHANNEL_TOKEN": "demo-line-channel-token",
           "CALLCENTER_LINE_API_BASE_URL": base, "CALLCENTER_LINE_DATA_API_BASE_URL": base}
    return Step("line-simulator", "callcenter.simulators.line",
                ("--port", str(port), "--webhook", webhook),
                listens_on=("127.0.0.1", port)), env


def run_demo(settings: Settings, *, with_simulator: bool = True) -> int:
    if settings.embedded_database:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate.upgrade(settings.effective_database_url)
    demo_users = settings.environment == "development"
    with session_scope() as session:
        seed.seed_all(session, demo_users=demo_users)
    log.info("database migrated and seeded")

    embedded = None if settings.redis_url else EmbeddedRedis(settings.embedded_redis_path)
    env = dict(os.environ)
    if embedded is not None:
        embedded.__enter__()
        env["CALLCENTER_REDIS_URL"] = embedded.url
    # Every child must use the same secret key as the others (sessions, ID digests).
    env["CALLCENTER_SECRET_KEY"] = settings.effective_secret_key()
    env["CALLCENTER_DATA_DIR"] = str(settings.data_dir.resolve())
    access_log = settings.data_dir.resolve() / "log" / "access.log"
    plan, extra_env = _process_plan(settings, with_simulator=with_simulator,
                                    access_log=access_log)
    env.update(extra_env)

    children: dict[str, subprocess.Popen[bytes]] = {}
    stopping = False

    def request_stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    def stop_requested() -> bool:
        return stopping

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    status = 0
    try:
        for step in plan:
            if stopping:
                break
            children[step.name] = _spawn(step, env)
            if step.listens_on and not _wait_listening(step, children[step.name],
                                                       stop_requested):
                # A process that never listened fails the demo; Ctrl-C meanwhile does not.
                stopping, status = True, (status if stopping else 1)
            if step.links_up:
                _wait_links_up(step, children[step.name],
                               env.get("CALLCENTER_REDIS_URL") or str(settings.redis_url),
                               stop_requested)
        if not stopping:
            url = f"http://{settings.web_host}:{settings.web_port}/"
            users = seed.DEMO_USERS if demo_users else ()
            print(welcome(url, users, seed.DEMO_PASSWORD, access_log) if users
                  else f"The 1300 console is running: {url}", flush=True)
        while not stopping:
            for name, child in children.items():
                if child.poll() is not None:
                    log.error("%s exited with status %s; stopping the demo", name, child.returncode)
                    stopping, status = True, 1
                    break
            time.sleep(0.3)
    finally:
        _stop(children)
        if embedded is not None:
            embedded.__exit__(None, None, None)
    log.info("demo stopped")
    return status
