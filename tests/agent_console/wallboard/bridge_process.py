"""A bridge process for the tests that kill one: `python -m
tests.agent_console.wallboard.bridge_process`.

The production bridge (`python -m callcenter.ami.bridge`) with a link key that expires in a
couple of seconds instead of 15, so a test can SIGKILL it and see its key vanish soon.
No database: call rows are counted, not written.
"""

from __future__ import annotations

import argparse
import asyncio

import redis.asyncio as aioredis

from callcenter.ami.bridge.config import Timing
from callcenter.ami.bridge.node import Bridge, NodeConfig
from callcenter.ami.bridge.sink import RecordWriter, Sink


async def run(node: str, port: int, redis_url: str, ttl: int) -> None:
    redis = aioredis.Redis.from_url(redis_url)
    bridge = Bridge(NodeConfig(node, "127.0.0.1", port, "callcenter", "hotline1300"),
                    Sink(node, redis, RecordWriter(node, None)),
                    timing=Timing(link_ttl=ttl, link_refresh=ttl / 4, ping_interval=30.0))
    await bridge.run()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--node", default="pbx1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--redis", required=True)
    parser.add_argument("--ttl", type=int, default=2)
    args = parser.parse_args()
    asyncio.run(run(args.node, args.port, args.redis, args.ttl))
