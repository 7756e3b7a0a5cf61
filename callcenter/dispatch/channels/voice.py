"""A voice alert: ask the AMI bridge to call the unit's duty phone.

Only the bridge holds the AMI connection, so the worker sends it an ``originate`` command
through Redis (``callcenter.ami.client``) and waits for its answer. The unit's leg goes
out through the dialplan's ``rru`` context and, once answered, runs the ``dispatch`` context:
the IVR plays the alert and takes 1 (accept) or 2 (decline), recorded through
``service.record_voice_answer``.

The bridge answers when Asterisk has accepted the Originate, not when the unit picks up:
an unanswered call is covered by the escalation timer like any unacknowledged alert. The
bridge does not de-duplicate, so a worker that dies between the command and recording it
may ring the unit twice; the IVR's answer is idempotent (a second "1" is a no-op).
"""

from __future__ import annotations

import redis as redis_lib

from callcenter.ami.client import CommandClient
from callcenter.dispatch.channels import Delivery, ProviderError
from callcenter.dispatch.config import DispatchSettings

CONTEXT = "dispatch"
CALLER_ID = '"1300" <1300>'
RING_TIMEOUT_MS = 45_000


def dial_string(address: str) -> str:
    """A contact holds a phone number (dialled through the ``rru`` context) or a channel."""
    return address if "/" in address else f"Local/{address.strip()}@rru"


class BridgeVoiceChannel:
    def __init__(self, redis: redis_lib.Redis, settings: DispatchSettings) -> None:
        self.redis = redis
        self.settings = settings

    def send(self, delivery: Delivery) -> str | None:
        node = self.settings.voice_node_name
        if node is None:
            raise ProviderError("no Asterisk node configured", transient=False)
        client = CommandClient(self.redis, timeout=self.settings.voice_reply_timeout_seconds)
        try:
            result = client.send(
                node, "originate", channel=dial_string(delivery.address), context=CONTEXT,
                exten="s", caller_id=CALLER_ID, timeout_ms=RING_TIMEOUT_MS,
                variables={"DISPATCH_ID": str(delivery.message.dispatch_id),
                           "RRU_UNIT": delivery.unit_code,
                           "DISPATCH_ALERT_KEY": delivery.idempotency_key})
        except redis_lib.RedisError as exc:
            raise ProviderError(f"redis: {type(exc).__name__}") from exc
        except (ValueError, KeyError) as exc:
            raise ProviderError("malformed bridge reply") from exc
        if result.status == "timeout":
            raise ProviderError("bridge did not answer")
        if not result.ok:
            raise ProviderError(f"bridge: {result.message[:200]}")
        return str(result.data.get("call") or "originated")[:120]
