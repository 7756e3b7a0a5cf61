"""What every process does at start: settings, logging, Redis, readiness, clean stop."""

from __future__ import annotations

import logging
import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from callcenter.redis import EmbeddedRedis
from callcenter.settings import Settings, SettingsError, get_settings

log = logging.getLogger("callcenter")

READY_KEY = "process.{name}.ready"


def configure_logging(level: str) -> None:
    # Log lines carry ids and event names only; see ARCHITECTURE.md, rule 6.
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
        stream=sys.stderr,
    )


def load_or_exit() -> Settings:
    """Settings, or a message naming the bad variable and exit status 2."""
    try:
        return get_settings()
    except SettingsError as exc:
        print(f"configuration error:\n{exc}", file=sys.stderr)
        raise SystemExit(2) from None


@contextmanager
def redis_available(settings: Settings) -> Iterator[Settings]:
    """Yield settings with a Redis URL, starting the embedded server when none is set."""
    if settings.redis_url:
        yield settings
        return
    with EmbeddedRedis(settings.embedded_redis_path) as embedded:
        os.environ["CALLCENTER_REDIS_URL"] = embedded.url
        get_settings.cache_clear()
        try:
            yield get_settings()
        finally:
            os.environ.pop("CALLCENTER_REDIS_URL", None)
            get_settings.cache_clear()


def announce_ready(name: str, detail: str = "") -> None:
    """Say the process is ready, on stderr (the demo and operators read it)."""
    log.info("%s ready%s", name, f" {detail}" if detail else "")


def _exit_on_sigterm(_signum: int, _frame: object) -> None:
    raise SystemExit(0)


def run_process(name: str, main: Callable[[Settings], None]) -> None:
    """Entry point for ``python -m …``: settings, logging, Redis, then ``main``."""
    settings = load_or_exit()
    configure_logging(settings.log_level)
    # SIGTERM must unwind like Ctrl-C so that an embedded Redis is stopped, not orphaned
    # (uvicorn re-raises the signal it caught once it has shut down).
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        with redis_available(settings) as ready_settings:
            main(ready_settings)
    except KeyboardInterrupt:
        pass
    log.info("%s stopped", name)
