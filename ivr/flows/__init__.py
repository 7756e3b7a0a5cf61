"""The flows FastAGI can run, by the URL path of ``agi://host:port/<name>``."""

from collections.abc import Callable

from ivr.flow import Flow
from ivr.flows import dispatch, hotline
from ivr.flows.context import CallContext

FLOWS: dict[str, Callable[[CallContext], Flow]] = {
    # The dialplan uses "ivr"; "1300" is accepted as an alias (the number itself).
    "ivr": hotline.run,
    "1300": hotline.run,
    "dispatch": dispatch.run,
}
