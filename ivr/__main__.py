"""``python -m ivr`` (``callcenter ivr``): serve FastAGI for the dialplan."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging

import redis.asyncio as aioredis

from callcenter.db import default_sessionmaker
from callcenter.redis import connect
from callcenter.runtime import announce_ready, configure_logging, load_or_exit
from callcenter.settings import Settings
from ivr import config
from ivr.adapters import FoundationPorts
from ivr.prompts import PromptCatalog
from ivr.server import FastAgiServer

log = logging.getLogger("ivr")


async def serve(settings: Settings) -> None:
    ivr_config = config.from_settings(settings)
    prompts = PromptCatalog()
    if ivr_config.sounds_dir is not None and ivr_config.sounds_dir.is_dir():
        prompts = PromptCatalog.from_directory(ivr_config.sounds_dir)
    client = aioredis.Redis.from_url(settings.redis_url) if settings.redis_url else None
    if client is None:
        log.warning("ivr.no_redis: estimated waits unknown, no callback offers")
    # A second, synchronous client for the dispatch code run in the database thread.
    sync_client = connect(settings) if settings.redis_url else None
    ports = FoundationPorts(
        client, default_sessionmaker(), nodes=[node.name for node in settings.ami_nodes],
        sync_redis=sync_client,
    )
    server = FastAgiServer(
        ports, prompts=prompts, callback_threshold_s=ivr_config.callback_threshold_s
    )
    listener = await server.start(settings.agi_host, settings.agi_port)
    announce_ready("ivr", f"agi://{settings.agi_host}:{settings.agi_port}")
    async with listener:
        await listener.serve_forever()


def main(argv: list[str] | None = None) -> None:
    argparse.ArgumentParser(
        prog="callcenter ivr",
        description="Serve FastAGI for the dialplan (the 1300 menus, call-back offers and the "
                    "units' press-1 acknowledgement) on CALLCENTER_AGI_HOST:CALLCENTER_AGI_PORT.",
    ).parse_args(argv)
    settings = load_or_exit()
    configure_logging(settings.log_level)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(settings))


if __name__ == "__main__":
    main()
