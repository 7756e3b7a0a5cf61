"""Configuration, read once from the environment (prefix ``CALLCENTER_``).

A bad or missing value stops the process at start with a message naming the variable;
nothing downstream has to guess whether a setting is usable.
"""

from __future__ import annotations

import ipaddress
import json
import re
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from pydantic_settings import SettingsError as SourceError

ENV_PREFIX = "CALLCENTER_"
DEFAULT_SOUNDS_DIR = Path(__file__).resolve().parents[1] / "asterisk_conf" / "sounds"
OFF_WORDS = ("off", "none", "no", "")
SettingsT = TypeVar("SettingsT", bound=BaseSettings)
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
NODE_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")  # as an AMI node's name
# ws:// is accepted for the tests' peer on loopback; browsers refuse it from an HTTPS page.
SIP_WSS_URL = r"^wss?://[^\s\"'<>/,=]+(/[^\s\"'<>,]*)?$"


class SettingsError(Exception):
    """A setting is missing or wrong; the message names the environment variable."""


class AmiNode(BaseModel):
    """One Asterisk node the bridge connects to."""

    name: str = Field(min_length=1, max_length=40, pattern=NODE_NAME.pattern)
    host: str = Field(min_length=1)
    port: int = Field(default=5038, ge=1, le=65535)
    username: str = Field(min_length=1)
    secret: str = Field(min_length=1, repr=False)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore")

    environment: Literal["development", "production"] = "development"
    data_dir: Path = Path("var")
    database_url: str | None = None
    redis_url: str | None = None
    secret_key: str | None = Field(default=None, repr=False)
    time_zone: str = "Asia/Bangkok"

    web_host: str = "127.0.0.1"
    web_port: int = Field(default=8000, ge=1, le=65535)
    # Reverse proxies whose X-Forwarded-For is believed (addresses or CIDR networks, a JSON
    # list or a comma list). None by default: anyone can send that header.
    trusted_proxies: Annotated[tuple[Network, ...], NoDecode] = ()
    # FastAGI: the dialplan's AGI(agi://host:port/…) must point here.
    agi_host: str = "127.0.0.1"
    agi_port: int = Field(default=4573, ge=1, le=65535)
    # JSON list of nodes; empty means "no Asterisk": the demo then starts the simulator.
    ami_nodes: list[AmiNode] = Field(default_factory=list)
    # Where `callcenter demo` runs the AMI traffic simulator when no node is configured.
    simulator_port: int = Field(default=5039, ge=1, le=65535)
    # Where `callcenter demo` runs the LINE platform simulator when no LINE channel is set.
    line_simulator_port: int = Field(default=5040, ge=1, le=65535)

    # IVR: offer a call back when the estimated wait is longer than this (None/"off": never).
    ivr_callback_threshold_seconds: int | None = Field(default=120, ge=0)
    # The prompt folder laid out like asterisk_conf/sounds: which languages have which prompts.
    ivr_sounds_dir: Path = DEFAULT_SOUNDS_DIR

    # Where the public report pages' quick-exit button leaves for (a neutral site).
    quick_exit_url: str = Field(default="https://www.google.com/",
                                pattern=r"^https?://[^\s\"'<>]+$", max_length=300)

    # Where agents' browser phones reach Asterisk: SIP over secure WebSocket (http.conf,
    # e.g. wss://pbx1.hotline.internal:8089/ws). None: the console offers no browser phone.
    sip_wss_url: str | None = Field(default=None, pattern=SIP_WSS_URL, max_length=300)
    # With several Asterisk nodes, each node's own: "pbx1=wss://…,pbx2=wss://…". A phone
    # registers where its agent's queues are (phones.browser_phone.wss_url_for); a node not
    # named here falls back to sip_wss_url.
    sip_wss_urls: Annotated[dict[str, str], NoDecode] = Field(default_factory=dict)

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("ivr_callback_threshold_seconds", mode="before")
    @classmethod
    def _threshold_off(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip().lower()
            if text in OFF_WORDS:
                return None
            if not text.isdigit():
                raise ValueError("a whole number of seconds, or 'off'")
            return int(text)
        return value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _proxy_networks(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                try:
                    value = json.loads(text)
                except json.JSONDecodeError:
                    raise ValueError("not valid JSON") from None
            else:
                value = [part for part in text.split(",") if part.strip()]
        if not isinstance(value, list | tuple):
            raise ValueError("a list of addresses or networks")
        networks = []
        for item in value:
            try:
                networks.append(ipaddress.ip_network(str(item).strip(), strict=False))
            except ValueError:
                raise ValueError(f"{str(item)!r} is not an address or network") from None
        return tuple(networks)

    @field_validator("sip_wss_urls", mode="before")
    @classmethod
    def _urls_per_node(cls, value: object) -> object:
        return node_urls(value) if isinstance(value, str) else value

    @field_validator("sip_wss_urls")
    @classmethod
    def _node_urls_well_formed(cls, value: dict[str, str]) -> dict[str, str]:
        for node, url in value.items():
            if not NODE_NAME.match(node):
                raise ValueError(f"{node!r} is not a node name (letters, digits, _ . -)")
            if len(url) > 300 or not re.match(SIP_WSS_URL, url):
                raise ValueError(f"the URL of {node} is not a ws:// or wss:// URL")
        return value

    @field_validator("ivr_sounds_dir")
    @classmethod
    def _sounds_folder(cls, value: Path) -> Path:
        if not value.is_dir():
            raise ValueError(f"{str(value)!r} is not a folder")
        return value

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not value.startswith(("postgresql", "sqlite")):
            raise ValueError("must start with postgresql+psycopg:// or sqlite:///")
        if value.startswith("postgresql://"):
            # SQLAlchemy would pick psycopg2, which we do not ship.
            value = "postgresql+psycopg://" + value.removeprefix("postgresql://")
        return value

    @field_validator("redis_url")
    @classmethod
    def _supported_redis(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis://, rediss:// or unix://")
        return value

    @field_validator("secret_key")
    @classmethod
    def _long_enough(cls, value: str | None) -> str | None:
        if value is not None and len(value) < 32:
            raise ValueError("must be at least 32 characters")
        return value

    @field_validator("ami_nodes")
    @classmethod
    def _unique_names(cls, nodes: list[AmiNode]) -> list[AmiNode]:
        names = [n.name for n in nodes]
        if len(names) != len(set(names)):
            raise ValueError("node names must be unique")
        return nodes

    @model_validator(mode="after")
    def _wss_nodes_are_ami_nodes(self) -> Settings:
        # A misspelt node would never be used: every agent of it would get no phone.
        known = {n.name for n in self.ami_nodes}
        unknown = sorted(set(self.sip_wss_urls) - known) if known else []
        if unknown:
            raise ValueError(f"{ENV_PREFIX}SIP_WSS_URLS names {', '.join(unknown)}, which "
                             f"{ENV_PREFIX}AMI_NODES does not list")
        return self

    @model_validator(mode="after")
    def _production_needs_real_services(self) -> Settings:
        if self.environment == "production":
            missing = [
                name
                for name, value in (
                    ("database_url", self.database_url),
                    ("redis_url", self.redis_url),
                    ("secret_key", self.secret_key),
                )
                if not value
            ]
            if missing:
                raise ValueError(
                    "production needs "
                    + ", ".join(ENV_PREFIX + m.upper() for m in missing)
                )
        return self

    # Derived values -----------------------------------------------------------------

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def embedded_database(self) -> bool:
        return self.database_url is None

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'callcenter.sqlite3').resolve()}"

    @property
    def embedded_redis_path(self) -> Path:
        return (self.data_dir / "redis.db").resolve()

    def effective_secret_key(self) -> str:
        """The configured key, or (development only) one kept in the data folder."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret_key"
        if path.exists():
            return path.read_text().strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        path.write_text(key)
        path.chmod(0o600)
        return key


def node_urls(text: str) -> dict[str, str]:
    """"pbx1=wss://…,pbx2=wss://…" read as {node: URL}; a bare URL is refused here, as
    it belongs in CALLCENTER_SIP_WSS_URL."""
    urls: dict[str, str] = {}
    for number, entry in enumerate((e.strip() for e in text.split(",")), start=1):
        if not entry:
            continue
        node, sep, url = entry.partition("=")
        node, url = node.strip(), url.strip()
        if not sep or not node or not url or "://" in node:
            raise ValueError(f"entry {number} is not NODE=URL (e.g. pbx1=wss://pbx1:8089/ws)")
        if node in urls:
            raise ValueError(f"{node} is given twice")
        urls[node] = url
    return urls


def describe_errors(exc: ValidationError) -> str:
    """Turn pydantic's errors into lines that name the environment variable."""
    lines = []
    for error in exc.errors():
        location = [str(part) for part in error["loc"]]
        variable = ENV_PREFIX + location[0].upper() if location else ENV_PREFIX + "*"
        detail = " ".join(location[1:])
        message = error["msg"].removeprefix("Value error, ")
        where = f"{variable} ({detail})" if detail else variable
        if not location:
            lines.append(f"configuration: {message}")
        else:
            lines.append(f"{where}: {message}")
    return "\n".join(lines)


def load_settings(**overrides: object) -> Settings:
    """Read the environment; raise SettingsError naming each bad variable."""
    return load(Settings, **overrides)


def load(model: type[SettingsT], **overrides: object) -> SettingsT:
    """Read ``model`` (settings with the ``CALLCENTER_`` prefix) from the environment;
    raise SettingsError naming each bad variable."""
    try:
        return model(**overrides)
    except ValidationError as exc:
        raise SettingsError(describe_errors(exc)) from None
    except SourceError as exc:
        # pydantic-settings fails before validation when a JSON value does not parse.
        match = re.search(r'field "(\w+)"', str(exc))
        variable = ENV_PREFIX + match.group(1).upper() if match else ENV_PREFIX + "*"
        raise SettingsError(f"{variable}: not valid JSON") from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
