"""`python -m callcenter.ami.bridge`: one bridge (and its PBX command server) per Asterisk node."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
from functools import partial

import redis.asyncio as aioredis

from callcenter.ami.bridge.command_server import CommandServer
from callcenter.ami.bridge.node import Bridge, NodeConfig
from callcenter.ami.bridge.sink import RecordWriter, Sink
from callcenter.calls import wrap_up_jobs
from callcenter.redis import connect
from callcenter.runtime import announce_ready, run_process
from callcenter.settings import Settings

log = logging.getLogger("callcenter.ami")


async def run_bridges(settings: Settings) -> None:
    from callcenter.db import default_sessionmaker

    if not settings.ami_nodes:
        log.error("no Asterisk node configured (CALLCENTER_AMI_NODES); nothing to bridge")
        return
    redis = aioredis.Redis.from_url(settings.redis_url or "", socket_connect_timeout=5)
    sessions = default_sessionmaker()
    # Sync Redis for the after-call checks the writer's thread asks for (RQ is sync).
    jobs_redis = connect(settings)
    bridges: list[Bridge] = []
    tasks: list[asyncio.Task[None]] = []
    for node in settings.ami_nodes:
        config = NodeConfig(node.name, node.host, node.port, node.username, node.secret)
        writer = RecordWriter(node.name, sessions)
        writer.on_agents_touched = partial(wrap_up_jobs.request_many, jobs_redis)
        bridge = Bridge(config, Sink(node.name, redis, writer))
        bridges.append(bridge)
        tasks.append(asyncio.create_task(bridge.run(), name=f"bridge-{node.name}"))
        tasks.append(asyncio.create_task(CommandServer(bridge, redis).run(),
                                         name=f"commands-{node.name}"))
    log.info("bridge started for %s; waiting for the first AMI login",
             ", ".join(n.name for n in settings.ami_nodes))
    ready = asyncio.create_task(_announce_when_up(bridges), name="ready")
    # Stop cleanly on SIGTERM/SIGINT: handle what was read, write every record, then exit.
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    waiter = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait([*tasks, waiter], return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiter.cancel()
        ready.cancel()
        # Handle what was already read and write every record before leaving.
        await asyncio.gather(*(b.stop() for b in bridges), return_exceptions=True)
        for task in tasks:
            task.cancel()
        await redis.aclose()


async def _announce_when_up(bridges: list[Bridge]) -> None:
    """Say "ready" once a node has logged in and resynchronised, with every link state."""
    waits = [asyncio.create_task(b.up.wait()) for b in bridges]
    try:
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for wait in waits:
            wait.cancel()
    announce_ready("bridge", ", ".join(f"{b.node.name} {b.link.state['state']}"
                                       for b in bridges))


def main(settings: Settings) -> None:
    asyncio.run(run_bridges(settings))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Options: none yet (nodes come from CALLCENTER_AMI_NODES); --help and bad options."""
    parser = argparse.ArgumentParser(
        prog="callcenter bridge",
        description="Run one AMI bridge per Asterisk node of CALLCENTER_AMI_NODES: events "
                    "become call records, live state in Redis and published updates; PBX "
                    "commands from the other processes are run on the node's connection.",
    )
    return parser.parse_args(argv)


if __name__ == "__main__":  # pragma: no cover
    parse_args()
    run_process("bridge", main)
