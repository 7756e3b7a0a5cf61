"""The flows FastAGI can run, by the URL path of ``agi://host:port/<name>``."""

from collections.abc import Callable
from dataclasses import dataclass

from ivr.flow import Flow
from ivr.flows import callback, callback_greeting, dispatch, hotline
from ivr.flows.context import CallContext


@dataclass(frozen=True, slots=True)
class FlowSpec:
    run: Callable[[CallContext], Flow]
    # What to do when the IVR itself fails part-way: route the call somewhere safe.
    fallback: Callable[[CallContext, str], Flow]


HOTLINE = FlowSpec(hotline.run, hotline.fallback)
DISPATCH = FlowSpec(dispatch.run, dispatch.fallback)
CALLBACK = FlowSpec(callback.run, callback.fallback)
CALLBACK_GREETING = FlowSpec(callback_greeting.run, callback_greeting.fallback)

FLOWS: dict[str, FlowSpec] = {
    # The dialplan uses "ivr"; "1300" is accepted as an alias (the number itself).
    "ivr": HOTLINE,
    "1300": HOTLINE,
    "dispatch": DISPATCH,
    "callback": CALLBACK,
    "callback-greeting": CALLBACK_GREETING,
}
