"""What a bridge is told: its Asterisk node, its timings, and the errors it raises."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NodeConfig:
    name: str
    host: str
    port: int
    username: str
    secret: str


@dataclass
class Timing:
    connect_timeout: float = 5.0
    banner_timeout: float = 5.0
    action_timeout: float = 10.0
    ping_interval: float = 10.0
    pong_timeout: float = 5.0
    missed_pongs: int = 2
    backoff_first: float = 0.5
    backoff_max: float = 30.0
    login_failed_retry: float = 60.0
    inbox_high: int = 20_000  # messages; reading pauses above it
    batch: int = 500
    # `bridge.<node>.link` expires after link_ttl unless refreshed (every link_refresh):
    # a killed bridge's key vanishes, and readers take a missing key for a lost node.
    link_ttl: int = 15
    link_refresh: float = 5.0
    # How often a snapshot that a failed publish left stale is tried again when idle.
    heal_interval: float = 1.0


class BridgeError(Exception):
    pass


class LinkDown(BridgeError):
    """The action could not be sent, or the link dropped before its reply."""


class ActionTimeout(BridgeError):
    pass


class LoginFailed(BridgeError):
    pass


class NotAsteriskManager(BridgeError):
    """The peer's first line is not `Asterisk Call Manager/…`: a wrong host or port."""


class LoginUnanswered(BridgeError):
    """The banner came, the Login's reply never did."""


def describe(exc: BaseException) -> str:
    """`KeyError at tracker.py:123`: what and where, never the exception's message."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    where = f" at {tb.tb_frame.f_code.co_filename.rsplit('/', 1)[-1]}:{tb.tb_lineno}" if tb else ""
    return f"{type(exc).__name__}{where}"
