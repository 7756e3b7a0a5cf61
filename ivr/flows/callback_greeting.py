"""A call back's first words: "1300 returning your call, press 1 to be connected".

The dialplan's ``callback`` context runs ``AGI(agi://…/callback-greeting)`` on the answered
leg of the worker's Originate, whose variables carry the caller's IVR_LANGUAGE. Only a key
press reaches the person (CALLBACK_REACHED=yes; the dialplan then queues them and the worker
counts the request done): an answering machine, silence or a hang-up leaves it ``no``, the
dialplan hangs up, and the worker tries again under its retry rules.
"""

from __future__ import annotations

import contextlib
from collections.abc import Generator
from typing import Any

from callcenter.taxonomy import Language
from ivr import flow
from ivr import variables as v
from ivr.flow import CallerHungUp, Flow, Step
from ivr.flows import on_channel
from ivr.flows.context import CallContext
from ivr.flows.menus import GREETING_ATTEMPTS, GREETING_CONNECT_KEY, GREETING_TIMEOUT_MS
from ivr.prompts import PromptId


def run(ctx: CallContext) -> Flow:
    language = yield from on_channel.language()
    reached = False
    with contextlib.suppress(CallerHungUp):
        reached = yield from _ask(ctx, language)
    yield from flow.set_var(v.CALLBACK_REACHED, "yes" if reached else "no")
    return reached


def _ask(ctx: CallContext, language: Language) -> Generator[Step, Any, bool]:
    files = ctx.prompts.files(PromptId.CALLBACK_GREETING, language)
    for _ in range(GREETING_ATTEMPTS):
        key = yield from flow.ask(files, GREETING_TIMEOUT_MS, GREETING_CONNECT_KEY)
        if key == GREETING_CONNECT_KEY:
            return True
    return False


def fallback(ctx: CallContext, reason: str) -> Flow:
    """The IVR failed: connect them anyway (someone answered the call back they asked for)."""
    yield from flow.set_var(v.CALLBACK_REACHED, "yes")
    yield from flow.set_var(v.IVR_ERROR, reason)
    return True
