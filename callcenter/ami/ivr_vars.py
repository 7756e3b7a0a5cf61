"""The IVR's choices on a call: channel variables and the `IvrChoice` UserEvent.

Pure. The IVR (docs/ivr.md) sets IVR_* channel variables and sends one UserEvent whose
headers say the same; either is enough, and both may come, in any order.
"""

from __future__ import annotations

from callcenter.ami.call_state import LiveCall
from callcenter.queues.catalog import BY_NAME as QUEUE_CATALOG

TRUE_WORDS = frozenset({"1", "yes", "true", "y", "on"})
# UserEvent IvrChoice header → the channel variable it stands for.
EVENT_HEADERS = (("Choice", "IVR_CHOICE"), ("Queue", "IVR_QUEUE"),
                 ("Language", "IVR_LANGUAGE"), ("Priority", "IVR_PRIORITY"),
                 ("Silent", "IVR_SILENT"), ("Issue", "IVR_ISSUE"), ("Error", "IVR_ERROR"))
IVR_EVENT_NAMES = frozenset({"ivr", "ivrchoice"})


def apply(call: LiveCall, variable: str, value: str) -> None:
    """Apply one variable the IVR or the dialplan set on the hotline channel."""
    r = call.record
    if variable == "IVR_CHOICE":
        r.ivr_choice = value or None
    elif variable == "IVR_QUEUE":
        # Empty when the caller hung up before a route was chosen: no queue at all (the
        # dialplan's own fallback to `operator` shows in the QueueCallerJoin, if any).
        if not value:
            return
        if r.queue_name is None:
            r.queue_name = value
        spec = QUEUE_CATALOG.get(value)
        if spec is not None and spec.issue_area and r.issue_area is None:
            r.issue_area = str(spec.issue_area)
    elif variable == "IVR_ERROR":
        if value:  # set empty when all went well
            r.ivr_error = value
    elif variable == "IVR_LANGUAGE":
        r.ivr_language = value or None
    elif variable == "IVR_PRIORITY":
        r.priority = int(value) if value.lstrip("-").isdigit() else r.priority
    elif variable == "IVR_SILENT":
        r.silent = value.lower() in TRUE_WORDS
    elif variable == "IVR_ISSUE":
        r.issue_area = value or None
    elif variable == "QUEUESTATUS":
        call.queue_status = value
    elif variable == "IVR_CALLBACK":
        call.callback = value == "yes"
    elif variable == "CALLBACK_ID" and r.direction == "outbound":
        r.callback_id = _id(value, r.callback_id)
    elif variable == "DISPATCH_ID" and r.direction == "outbound":
        r.dispatch_id = _id(value, r.dispatch_id)


def _id(value: str, before: int | None) -> int | None:
    return int(value) if value.isdigit() and len(value) < 10 else before


def apply_event(call: LiveCall, headers: dict[str, str]) -> None:
    """Apply the headers of the IVR's `IvrChoice` UserEvent."""
    if headers.get("Callback") == "yes":
        call.callback = True
    if headers.get("Outcome"):
        call.record.ivr_outcome = headers["Outcome"]
    for header, variable in EVENT_HEADERS:
        if header in headers:
            apply(call, variable, headers[header])
