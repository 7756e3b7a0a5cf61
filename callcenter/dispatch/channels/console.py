"""The unit's web console: a Redis publish the console's SSE stream forwards live.

Nobody may be signed in when it is published; the console also lists open dispatches
from the database on load, and the escalation timer covers a unit that never looks.
The payload carries the idempotency key so the page shows one alert for a repeat.
"""

from __future__ import annotations

import json

import redis as redis_lib

from callcenter.dispatch.channels import Delivery, ProviderError

TOPIC = "unit.{unit_id}.alerts"


class ConsoleChannel:
    def __init__(self, redis: redis_lib.Redis) -> None:
        self.redis = redis

    def send(self, delivery: Delivery) -> str | None:
        payload = delivery.message.as_payload() | {
            "alert_id": delivery.alert_id,
            "idempotency_key": delivery.idempotency_key,
        }
        try:
            listeners = self.redis.publish(
                TOPIC.format(unit_id=delivery.unit_id), json.dumps(payload, ensure_ascii=False)
            )
        except redis_lib.RedisError as exc:
            raise ProviderError(f"redis: {type(exc).__name__}") from exc
        return f"listeners={listeners}"
