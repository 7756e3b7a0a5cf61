"""The field-unit alert: play the alert, take 1 (accept) or 2 (decline), record the answer.

The dialplan's ``dispatch`` context runs ``AGI(agi://…/dispatch,<dispatch id>)`` on the
unit's answered leg of an Originate; the unit's code comes in the channel variable RRU_UNIT.
Units hear Thai: the provincial teams are Thai officers.
"""

from __future__ import annotations

import contextlib
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

from callcenter.taxonomy import Language
from ivr import flow, ports
from ivr import variables as v
from ivr.flow import CallerHungUp, Flow, Step
from ivr.flows.context import CallContext
from ivr.flows.menus import DISPATCH_ATTEMPTS, DISPATCH_KEYS, DISPATCH_TIMEOUT_MS
from ivr.prompts import PromptId

LANGUAGE = Language.THAI


@dataclass(frozen=True, slots=True)
class Result:
    dispatch_id: str
    unit: str
    answer: str  # yes / no / none
    recorded: bool


def run(ctx: CallContext) -> Flow:
    dispatch_id = ctx.args[0] if ctx.args else ""
    if not dispatch_id:
        dispatch_id = (yield from flow.get_var(v.DISPATCH_ID)) or ""
    unit = (yield from flow.get_var(v.RRU_UNIT)) or ""
    answer = "none"
    with contextlib.suppress(CallerHungUp):
        answer = yield from _ask(ctx)
    yield from flow.set_var(v.DISPATCH_ACK, answer)
    recorded = False
    if dispatch_id:
        recorded = yield from flow.port(
            ports.RECORD_DISPATCH_ANSWER,
            ports.DispatchAnswer(dispatch_id, unit, answer, ctx.call_id),
        )
    if answer != "none":
        done = PromptId.DISPATCH_ACCEPTED if answer == "yes" else PromptId.DISPATCH_DECLINED
        # The answer is recorded; a unit that hangs up before "thank you" changes nothing.
        with contextlib.suppress(CallerHungUp):
            yield from flow.play(ctx.prompts.files(done, LANGUAGE), "")
    return Result(dispatch_id, unit, answer, bool(recorded))


def _ask(ctx: CallContext) -> Generator[Step, Any, str]:
    keys = "".join(DISPATCH_KEYS)
    for _ in range(DISPATCH_ATTEMPTS):
        # Required: a unit that heard nothing must not count as having heard the alert
        # (PromptMissing ends the session; the fallback leaves the alert unanswered).
        key = yield from flow.play(
            ctx.prompts.files(PromptId.DISPATCH_ALERT, LANGUAGE), keys, required=True
        )
        if not key:
            key = yield from flow.ask(
                ctx.prompts.files(PromptId.DISPATCH_PRESS, LANGUAGE), DISPATCH_TIMEOUT_MS, keys
            )
        if key in DISPATCH_KEYS:
            return DISPATCH_KEYS[key]
    return "none"


def fallback(ctx: CallContext, reason: str) -> Flow:
    """The IVR failed: leave DISPATCH_ACK as "none" so the alert is escalated as unanswered."""
    yield from flow.set_var(v.DISPATCH_ACK, "none")
    return Result(ctx.args[0] if ctx.args else "", "", "none", False)
