"""The LINE Messaging API push message, to the unit's LINE user or group id.

LINE de-duplicates on ``X-Line-Retry-Key`` (a UUID, which our idempotency keys are):
a retry of a push it already accepted answers 409 with the original request id, which
is a success for us.
"""

from __future__ import annotations

from callcenter.dispatch.channels import Delivery, ProviderError
from callcenter.dispatch.channels.http import post_json
from callcenter.dispatch.config import DispatchSettings

PUSH_PATH = "/v2/bot/message/push"


class LinePushChannel:
    def __init__(self, settings: DispatchSettings) -> None:
        self.settings = settings

    def send(self, delivery: Delivery) -> str | None:
        assert self.settings.line_api_url
        headers = {
            "Authorization": f"Bearer {self.settings.line_channel_token}",
            "X-Line-Retry-Key": delivery.idempotency_key,
        }
        body = {"to": delivery.address, "messages": [{"type": "text",
                                                      "text": delivery.message.text}]}
        url = self.settings.line_api_url.rstrip("/") + PUSH_PATH
        reply = post_json(url, body, headers, self.settings, accept=(409,))
        request_id = reply.headers.get("x-line-request-id")
        if reply.status_code == 409:
            accepted = reply.headers.get("x-line-accepted-request-id")
            if not accepted:
                raise ProviderError("HTTP 409 without an accepted request id", transient=False)
            return accepted[:120]
        try:
            data = reply.json()
        except ValueError as exc:
            raise ProviderError(f"malformed reply: HTTP {reply.status_code}, not JSON") from exc
        if not isinstance(data, dict) or not isinstance(data.get("sentMessages"), list):
            raise ProviderError(f"malformed reply: HTTP {reply.status_code}, no sentMessages")
        return (request_id or "accepted")[:120]
