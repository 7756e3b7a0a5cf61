"""A voice alert: ask the AMI bridge to call the unit's duty phone.

Only the bridge holds the AMI connection, so the worker sends it a command through
Redis and waits for the bridge's reply. The bridge's command API (``callcenter.ami.
commands``) is not written yet; this adapter speaks the small protocol below and the
bridge owner has been asked to serve it:

    RPUSH ami.commands  {"command": "originate_dispatch_alert", "reply_to": <key>,
                         "dispatch_id": …, "unit_code": …, "destination": …,
                         "idempotency_key": …}
    the bridge answers RPUSH <reply_to> {"ok": true, "action_id": …} or {"ok": false,
    "error": …}; the answered leg runs the IVR's ``dispatch`` route (press 1 / press 2).

The bridge should skip a second Originate for an idempotency key it has already dialled.
"""

from __future__ import annotations

import json
import uuid

import redis as redis_lib

from callcenter.dispatch.channels import Delivery, ProviderError
from callcenter.dispatch.config import DispatchSettings

COMMAND_LIST = "ami.commands"
COMMAND = "originate_dispatch_alert"


class BridgeVoiceChannel:
    def __init__(self, redis: redis_lib.Redis, settings: DispatchSettings) -> None:
        self.redis = redis
        self.settings = settings

    def send(self, delivery: Delivery) -> str | None:
        reply_to = f"ami.reply.{uuid.uuid4().hex}"
        command = {
            "command": COMMAND,
            "reply_to": reply_to,
            "dispatch_id": delivery.message.dispatch_id,
            "unit_code": delivery.unit_code,
            "destination": delivery.address,
            "idempotency_key": delivery.idempotency_key,
        }
        try:
            self.redis.rpush(COMMAND_LIST, json.dumps(command))
            answer = self.redis.blpop([reply_to], timeout=self.settings.voice_reply_timeout_seconds)
        except redis_lib.RedisError as exc:
            raise ProviderError(f"redis: {type(exc).__name__}") from exc
        if answer is None:
            raise ProviderError("bridge did not answer")
        try:
            reply = json.loads(answer[1])
        except ValueError as exc:
            raise ProviderError("malformed bridge reply") from exc
        if not isinstance(reply, dict) or not reply.get("ok"):
            error = str(reply.get("error", "refused")) if isinstance(reply, dict) else "refused"
            raise ProviderError(f"bridge: {error[:200]}")
        return str(reply.get("action_id") or "originated")[:120]
