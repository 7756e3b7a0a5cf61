"""Dispatch settings from the environment (prefix ``CALLCENTER_``).

Provider addresses have no real defaults: a channel with no address configured is
"not reachable", so a unit is never silently alerted through a provider nobody set up.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from callcenter.settings import AmiNode, load
from callcenter.taxonomy import Urgency


class DispatchSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CALLCENTER_", extra="ignore")

    # Where the unit opens its dispatch; only this link goes into SMS, LINE and e-mail.
    console_base_url: str = "http://127.0.0.1:8000"

    sms_gateway_url: str | None = None
    sms_gateway_token: str | None = Field(default=None, repr=False)
    sms_sender: str = "1300"

    line_api_url: str | None = None
    line_channel_token: str | None = Field(default=None, repr=False)

    smtp_host: str | None = None
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: str | None = Field(default=None, repr=False)
    smtp_starttls: bool = False
    smtp_sender: str = "dispatch@1300.invalid"

    # The Asterisk node whose bridge places voice alerts; by default the first configured
    # node (CALLCENTER_AMI_NODES, read here for its names only).
    voice_node: str | None = None
    ami_nodes: list[AmiNode] = Field(default_factory=list)
    # How long the bridge may take to accept a voice alert's Originate.
    voice_reply_timeout_seconds: float = Field(default=8.0, gt=0)

    # A provider that has not answered by then is treated as down for this attempt.
    provider_timeout_seconds: float = Field(default=5.0, gt=0)
    # An alert claimed by a worker that then died is taken back after this long; it must
    # exceed the provider and voice timeouts, or a slow but live attempt would be taken
    # back and sent twice (checked below).
    alert_lease_seconds: float = Field(default=20.0, gt=0)
    max_attempts: int = Field(default=6, ge=1)
    retry_base_seconds: float = Field(default=2.0, gt=0)
    retry_max_seconds: float = Field(default=60.0, gt=0)

    # No acknowledgement within this long escalates one step.
    ack_timeout_immediate_seconds: float = Field(default=5 * 60, gt=0)
    ack_timeout_high_seconds: float = Field(default=10 * 60, gt=0)
    ack_timeout_normal_seconds: float = Field(default=30 * 60, gt=0)
    ack_timeout_low_seconds: float = Field(default=60 * 60, gt=0)

    # With every contact tried, the alarm step repeats after the timeout, then twice
    # that, four times …; after this many repeats it stops adding steps (the alarm stays
    # on the wallboard until a supervisor acts on the dispatch board).
    max_alarm_repeats: int = Field(default=3, ge=0)
    # For these urgencies a unit alerted first on its console is also phoned at once (the
    # next contact), rather than after a whole acknowledgement timeout.
    phone_with_console_urgencies: list[Urgency] = Field(
        default_factory=lambda: [Urgency.IMMEDIATE, Urgency.HIGH])

    relay_interval_seconds: float = Field(default=2.0, gt=0)

    @model_validator(mode="after")
    def _lease_outlasts_a_live_attempt(self) -> DispatchSettings:
        for name, value in (("provider_timeout_seconds", self.provider_timeout_seconds),
                            ("voice_reply_timeout_seconds", self.voice_reply_timeout_seconds)):
            if self.alert_lease_seconds <= value:
                raise ValueError(
                    f"CALLCENTER_ALERT_LEASE_SECONDS ({self.alert_lease_seconds:g}) must be "
                    f"above CALLCENTER_{name.upper()} ({value:g}): an attempt still waiting "
                    "for its provider would be taken back and sent a second time")
        return self

    @property
    def voice_node_name(self) -> str | None:
        if self.voice_node:
            return self.voice_node
        return self.ami_nodes[0].name if self.ami_nodes else None

    def ack_timeout(self, urgency: Urgency) -> float:
        return {
            Urgency.IMMEDIATE: self.ack_timeout_immediate_seconds,
            Urgency.HIGH: self.ack_timeout_high_seconds,
            Urgency.NORMAL: self.ack_timeout_normal_seconds,
            Urgency.LOW: self.ack_timeout_low_seconds,
        }[urgency]


def load_dispatch_settings(**overrides: object) -> DispatchSettings:
    """Read the environment; raise SettingsError naming the bad variable."""
    return load(DispatchSettings, **overrides)


@lru_cache(maxsize=1)
def get_dispatch_settings() -> DispatchSettings:
    return load_dispatch_settings()
