"""LINE chat settings from the environment (prefix ``CALLCENTER_``).

The API addresses default to LINE's own; the demo and the tests point them at the
simulator (``callcenter.simulators.line``). With no channel secret every webhook is
refused: a request nobody can sign is never taken for LINE's.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from callcenter.settings import load


class LineSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CALLCENTER_", extra="ignore")

    line_channel_secret: str | None = Field(default=None, repr=False)
    # The same variable as dispatch's LINE alerts: one Official Account.
    line_channel_token: str | None = Field(default=None, repr=False)
    line_api_base_url: str = "https://api.line.me"
    line_data_api_base_url: str = "https://api-data.line.me"

    # LINE sends at most a few hundred events per request; far below this.
    line_webhook_max_bytes: int = Field(default=1024 * 1024, ge=1024)
    line_image_max_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    # LINE documents a reply token as usable about a minute; stop trusting it sooner.
    line_reply_token_seconds: float = Field(default=50.0, gt=0)

    line_timeout_seconds: float = Field(default=5.0, gt=0)
    # A send claimed by a worker that died is taken back after this long (must outlast
    # the timeout, or a slow live attempt would be taken back and sent twice).
    line_send_lease_seconds: float = Field(default=20.0, gt=0)
    line_retry_base_seconds: float = Field(default=2.0, gt=0)
    line_retry_max_seconds: float = Field(default=60.0, gt=0)
    # LINE keeps a retry key for 24 hours: past that a retry could be a duplicate.
    line_give_up_hours: float = Field(default=23.0, gt=0)
    line_relay_interval_seconds: float = Field(default=1.0, gt=0)

    # Chat routing (routing.py). An offer not accepted in this long goes to someone else.
    chat_offer_timeout_seconds: float = Field(default=30.0, gt=0)
    # An agent who declined a conversation is not offered it again for this long.
    chat_decline_rest_seconds: float = Field(default=60.0, ge=0)
    # The chat queues' service level: accepted within this long of starting to wait.
    chat_service_level_seconds: int = Field(default=60, gt=0)
    # The worker's routing sweep: lapsed offers and triggers that were missed.
    chat_routing_interval_seconds: float = Field(default=3.0, gt=0)

    @model_validator(mode="after")
    def _lease_outlasts_a_live_attempt(self) -> LineSettings:
        if self.line_send_lease_seconds <= self.line_timeout_seconds:
            raise ValueError(
                "CALLCENTER_LINE_SEND_LEASE_SECONDS must be above "
                "CALLCENTER_LINE_TIMEOUT_SECONDS: a send still waiting for LINE would be "
                "taken back and sent a second time")
        return self


@lru_cache(maxsize=1)
def get_line_settings() -> LineSettings:
    return load(LineSettings)
