"""The unit's web console: a Redis publish the console's SSE stream forwards live.

A publish succeeds whether or not anyone reads it, so the alert goes out only while a
unit member's console stream is present (``presence``); with nobody there the attempt
fails at once as "unreachable" and the ladder alerts the next contact (the duty phone)
instead of waiting a whole acknowledgement timeout. The console also lists open
dispatches from the database on load. The payload carries the idempotency key so the
page shows one alert for a repeat.
"""

from __future__ import annotations

import json

import redis as redis_lib

from callcenter import topics
from callcenter.dispatch import presence
from callcenter.dispatch.channels import Delivery, ProviderError

NOBODY = "no unit member on the console"


class ConsoleChannel:
    def __init__(self, redis: redis_lib.Redis) -> None:
        self.redis = redis

    def send(self, delivery: Delivery) -> str | None:
        payload = delivery.message.as_payload() | {
            "alert_id": delivery.alert_id,
            "idempotency_key": delivery.idempotency_key,
        }
        try:
            watching = presence.present(self.redis, delivery.unit_id)
            if not watching:
                raise ProviderError(NOBODY, unreachable=True)
            self.redis.publish(topics.unit_alerts_topic(delivery.unit_id),
                               json.dumps(payload, ensure_ascii=False))
        except redis_lib.RedisError as exc:
            raise ProviderError(f"redis: {type(exc).__name__}") from exc
        return f"consoles={watching}"
