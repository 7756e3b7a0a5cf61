"""Provider adapters: one small class per channel, all with ``send(delivery) -> reference``.

An adapter raises ``ProviderError`` for anything but a clear success; the job records
the error on the attempt and decides, from ``transient``, whether to try again. Every
adapter passes the alert's idempotency key to the provider, so a retried delivery (after
a timeout, or a worker that died after sending) is recognised there, not shown twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from callcenter.dispatch.config import DispatchSettings
from callcenter.dispatch.message import AlertMessage, AlertTestMessage
from callcenter.provinces.models import AlertChannel


@dataclass(frozen=True, slots=True)
class Delivery:
    alert_id: int
    idempotency_key: str
    unit_id: int
    unit_code: str
    address: str
    message: AlertMessage | AlertTestMessage


class ProviderError(Exception):
    """The provider did not confirm the alert; ``transient`` says a retry may succeed.

    ``unreachable``: nobody can take the alert on this contact right now (no unit member
    on the console). Not retried, and not an escalation: the next contact is alerted at
    once, without the supervisor alarm.
    """

    def __init__(self, message: str, *, transient: bool = True,
                 unreachable: bool = False) -> None:
        super().__init__(message)
        self.transient = transient and not unreachable
        self.unreachable = unreachable


class Channel(Protocol):
    def send(self, delivery: Delivery) -> str | None:
        """Deliver the alert; return the provider's reference for it."""


def configured(channel: AlertChannel, settings: DispatchSettings) -> bool:
    """Whether the hotline has set up the provider behind ``channel``."""
    return {
        AlertChannel.CONSOLE: True,
        AlertChannel.SMS: bool(settings.sms_gateway_url),
        AlertChannel.LINE: bool(settings.line_api_url and settings.line_channel_token),
        AlertChannel.EMAIL: bool(settings.smtp_host),
        AlertChannel.VOICE: settings.voice_node_name is not None,
    }[channel]


def reachable(channel: AlertChannel, address: str, settings: DispatchSettings) -> bool:
    """A contact that could carry an alert: provider set up, and an address where one is needed."""
    if not configured(channel, settings):
        return False
    return channel is AlertChannel.CONSOLE or bool(address.strip())


def adapter_for(channel: AlertChannel, settings: DispatchSettings, redis) -> Channel:
    """The adapter for one channel (imported here: a worker loads only what it uses)."""
    if channel is AlertChannel.CONSOLE:
        from callcenter.dispatch.channels.console import ConsoleChannel

        return ConsoleChannel(redis)
    if channel is AlertChannel.SMS:
        from callcenter.dispatch.channels.sms import SmsGatewayChannel

        return SmsGatewayChannel(settings)
    if channel is AlertChannel.LINE:
        from callcenter.dispatch.channels.line import LinePushChannel

        return LinePushChannel(settings)
    if channel is AlertChannel.EMAIL:
        from callcenter.dispatch.channels.email import SmtpChannel

        return SmtpChannel(settings)
    from callcenter.dispatch.channels.voice import BridgeVoiceChannel

    return BridgeVoiceChannel(redis, settings)
