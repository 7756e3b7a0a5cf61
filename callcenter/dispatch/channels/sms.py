"""SMS through an HTTP gateway: POST JSON, expect ``{"id": "…"}`` back.

The gateway is given the alert's idempotency key (header and body) and must not send a
second SMS for a key it has seen; that is what makes a retry after a timeout safe.
"""

from __future__ import annotations

import httpx

from callcenter.dispatch.channels import Delivery, ProviderError
from callcenter.dispatch.channels.http import post_json
from callcenter.dispatch.config import DispatchSettings


class SmsGatewayChannel:
    def __init__(self, settings: DispatchSettings) -> None:
        self.settings = settings

    def send(self, delivery: Delivery) -> str | None:
        assert self.settings.sms_gateway_url
        headers = {"Idempotency-Key": delivery.idempotency_key}
        if self.settings.sms_gateway_token:
            headers["Authorization"] = f"Bearer {self.settings.sms_gateway_token}"
        body = {
            "to": delivery.address,
            "from": self.settings.sms_sender,
            "text": delivery.message.text,
            "reference": delivery.idempotency_key,
        }
        reply = post_json(self.settings.sms_gateway_url, body, headers, self.settings)
        return _message_id(reply)


def _message_id(reply: httpx.Response) -> str:
    try:
        data = reply.json()
    except ValueError as exc:
        raise ProviderError(f"malformed reply: HTTP {reply.status_code}, not JSON") from exc
    message_id = data.get("id") if isinstance(data, dict) else None
    if not isinstance(message_id, str | int) or message_id == "":
        raise ProviderError(f"malformed reply: HTTP {reply.status_code}, no message id")
    return str(message_id)[:120]
