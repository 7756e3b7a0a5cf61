"""The bridge's side of the call controls: transfers and conferences, one AMI action each.

The console sends them through `callcenter.ami.client` (commands `blind_transfer`,
`warm_transfer`, `cancel_transfer`, `complete_transfer`, `conference`, `conference_add`,
`conference_kick`); the names and targets of the dialplan come from
`callcenter.ami.call_features`, and Asterisk's refusals are put in words there too.
Hold has no command: Asterisk has no AMI action for it, the agent's phone (or the
WebRTC client) holds with a re-INVITE and the bridge records it (docs/ami.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from callcenter.ami import actions
from callcenter.ami import call_features as cf
from callcenter.ami.client import CommandResult

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from callcenter.ami.bridge.node import Bridge

    Run = Callable[..., Awaitable[CommandResult]]


def _explained(result: CommandResult) -> CommandResult:
    if result.status == "error":
        return CommandResult("error", cf.explain(result.message), result.data)
    return result


async def blind_transfer(run: Run, bridge: Bridge, a: dict[str, Any],
                         timeout: float) -> CommandResult:
    """`channel`: the agent's leg; `queue` or `endpoint`: where the caller goes."""
    context, exten = cf.blind_target(queue=a.get("queue"), endpoint=a.get("endpoint"))
    return _explained(await run(bridge, actions.blind_transfer(
        a["channel"], context=context, exten=exten), timeout))


async def warm_transfer(run: Run, bridge: Bridge, a: dict[str, Any],
                        timeout: float) -> CommandResult:
    """`channel`: the agent's leg; `number`: digits the warm-transfer context routes, or
    `colleague` (their phone's endpoint) with `staff_id`: the dialplan reaches them by
    `8<id>` through a variable of the agent's leg, set first (Atxfer can only dial digits)."""
    if a.get("colleague"):
        exten = cf.staff_number(int(a["staff_id"]))
        put = await run(bridge, actions.setvar(
            a["channel"], cf.staff_variable(int(a["staff_id"])),
            cf.staff_phone(str(a["colleague"]))), timeout)
        if not put.ok:
            return _explained(put)
    else:
        exten = cf.outside_number(str(a["number"]))
    return _explained(await run(bridge, actions.atxfer(
        a["channel"], context=cf.WARM_TRANSFER_CONTEXT, exten=exten), timeout))


async def cancel_transfer(run: Run, bridge: Bridge, a: dict[str, Any],
                          timeout: float) -> CommandResult:
    return _explained(await run(bridge, actions.cancel_atxfer(a["channel"]), timeout))


async def complete_transfer(run: Run, bridge: Bridge, a: dict[str, Any],
                            timeout: float) -> CommandResult:
    """The agent leaves: Asterisk joins the caller and the target (as the recording shows
    when the agent's phone hangs up during the consultation)."""
    return _explained(await run(bridge, actions.hangup(a["channel"]), timeout))


async def conference(run: Run, bridge: Bridge, a: dict[str, Any],
                     timeout: float) -> CommandResult:
    """Move the caller (`caller_channel`, its Uniqueid `call`) and the agent's leg
    (`agent_channel`) together into the call's conference."""
    call = str(a["call"])
    result = await run(bridge, actions.redirect(
        a["caller_channel"], context=cf.CONFERENCE_CONTEXT,
        exten=cf.conference_exten("caller", call), extra_channel=a["agent_channel"],
        extra_exten=cf.conference_exten("agent", call)), timeout)
    if result.ok:
        result = CommandResult("ok", result.message, {"conference": cf.room_of(call)})
    return _explained(result)


async def conference_add(run: Run, bridge: Bridge, a: dict[str, Any],
                         timeout: float) -> CommandResult:
    """Dial an interpreter or a service (`number`) into the call's conference."""
    call = str(a["call"])
    action = actions.originate(cf.dial_string(str(a["number"])),
                               context=cf.CONFERENCE_CONTEXT,
                               exten=cf.conference_exten("guest", call),
                               caller_id='"1300" <1300>',
                               timeout_ms=int(a.get("timeout_ms", 30000)))
    return _explained(await run(bridge, action, timeout))


async def conference_kick(run: Run, bridge: Bridge, a: dict[str, Any],
                          timeout: float) -> CommandResult:
    return _explained(await run(bridge, actions.confbridge_kick(
        cf.room_of(str(a["call"])), a["channel"]), timeout))


HANDLERS = {
    "blind_transfer": blind_transfer, "warm_transfer": warm_transfer,
    "cancel_transfer": cancel_transfer, "complete_transfer": complete_transfer,
    "conference": conference, "conference_add": conference_add,
    "conference_kick": conference_kick,
}
