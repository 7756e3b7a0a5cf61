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
from importlib.util import find_spec

from callcenter import migrate, seed
from callcenter.db import session_scope
from callcenter.redis import EmbeddedRedis
from callcenter.settings import Settings, get_settings

log = logging.getLogger("callcenter.demo")

STOP_GRACE_SECONDS = 10


def _spawn(name: str, module: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    log.info("starting %s (python -m %s)", name, module)
    # Own process group: Ctrl-C reaches the demo, which then stops children in order.
    return subprocess.Popen(
        [sys.executable, "-m", module], env=env, start_new_session=True
    )


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


def _process_plan(settings: Settings, *, with_simulator: bool) -> tuple[list, dict[str, str]]:
    extra_env: dict[str, str] = {}
    plan = []
    if not settings.ami_nodes and with_simulator and find_spec("callcenter.ami.simulator"):
        plan.append(("simulator", "callcenter.ami.simulator"))
        extra_env["CALLCENTER_AMI_NODES"] = json.dumps(
            [{"name": "sim", "host": "127.0.0.1", "port": settings.simulator_port,
              "username": "callcenter", "secret": "simulator"}]
        )
    plan += [("worker", "callcenter.worker"), ("ivr", "ivr")]
    if settings.ami_nodes or extra_env:
        plan.append(("bridge", "callcenter.ami"))
    else:
        log.warning("no Asterisk node and no simulator: the bridge is not started")
    plan.append(("web", "agent_console"))
    return plan, extra_env


def run_demo(settings: Settings, *, with_simulator: bool = True) -> int:
    if settings.embedded_database:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate.upgrade(settings.effective_database_url)
    with session_scope() as session:
        seed.seed_all(session, demo_users=settings.environment == "development")
    log.info("database migrated and seeded")

    embedded = None if settings.redis_url else EmbeddedRedis(settings.embedded_redis_path)
    env = dict(os.environ)
    if embedded is not None:
        embedded.__enter__()
        env["CALLCENTER_REDIS_URL"] = embedded.url
    # Every child must use the same secret key as the others (sessions, ID digests).
    env["CALLCENTER_SECRET_KEY"] = settings.effective_secret_key()
    env["CALLCENTER_DATA_DIR"] = str(settings.data_dir.resolve())
    plan, extra_env = _process_plan(settings, with_simulator=with_simulator)
    env.update(extra_env)

    children: dict[str, subprocess.Popen[bytes]] = {}
    stopping = False

    def request_stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    status = 0
    try:
        for name, module in plan:
            children[name] = _spawn(name, module, env)
            if name == "simulator":
                time.sleep(0.5)  # let it listen before the bridge connects
        log.info(
            "demo running: web console on http://%s:%d/ (Ctrl-C stops everything)",
            get_settings().web_host, get_settings().web_port,
        )
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
