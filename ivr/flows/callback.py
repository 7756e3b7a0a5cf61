"""The callback offer after a queue's wait limit ran out (dialplan: ``AGI(…/callback)``).

The hotline flow offers a call back up front when the estimated wait is long; this flow
covers the caller whose wait turned out long anyway. It reads the routing variables the
hotline flow left on the channel, asks, and sets IVR_CALLBACK; the dialplan hangs up when
it is ``yes`` and puts the caller back in the queue otherwise. A caller in danger or who
cannot speak (``urgent``, IVR_SILENT=1) is never offered one: they must reach a person now,
and a call back could ring in the wrong hands.
"""

from __future__ import annotations

import contextlib

from callcenter.queues.catalog import BY_NAME, GENERAL
from callcenter.taxonomy import IssueArea
from ivr import flow, routing
from ivr import variables as v
from ivr.flow import CallerHungUp, Flow
from ivr.flows import on_channel
from ivr.flows.context import CallContext
from ivr.flows.hotline import Progress, offer_callback


def run(ctx: CallContext) -> Flow:
    queue = (yield from flow.get_var(v.IVR_QUEUE)) or GENERAL
    language = yield from on_channel.language()
    issue = on_channel.parsed(IssueArea, (yield from flow.get_var(v.IVR_ISSUE)))
    priority_text = (yield from flow.get_var(v.IVR_PRIORITY)) or ""
    silent = (yield from flow.get_var(v.IVR_SILENT)) == "1"
    if queue not in BY_NAME:
        queue = GENERAL
    priority = int(priority_text) if priority_text.isdigit() else BY_NAME[queue].priority
    route = routing.Route(queue, priority, language, issue, silent, routing.Outcome.CHOSEN)
    progress = Progress()
    # A caller who leaves before pressing 1 books nothing; one who leaves during "we will
    # call you back" has booked.
    with contextlib.suppress(CallerHungUp):
        yield from offer_callback(ctx, route, progress)
    booked = progress.callback
    yield from flow.set_var(v.IVR_CALLBACK, "yes" if booked else "no")
    return booked


def fallback(ctx: CallContext, reason: str) -> Flow:
    """On our own error the caller simply goes back to the queue."""
    yield from flow.set_var(v.IVR_CALLBACK, "no")
    yield from flow.set_var(v.IVR_ERROR, reason)
    return False
