"""Three-way calls: an interpreter or an emergency service dialled into the caller's call.

The first guest turns the call into a ConfBridge conference (the bridge's ``conference``
command moves caller and agent into room ``hotline-<call>``); each guest is then dialled
in (``conference_add``). Dropping a guest kicks their channel and the caller stays with
the agent; leaving a service with the caller hangs up the agent's leg, and since no
participant is marked in confbridge.conf the caller and the service stay together.
The PBX is asked first and the row written only when it agreed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from callcenter.agents import refusals
from callcenter.agents.state import Commands
from callcenter.ami import call_features
from callcenter.calls import guests
from callcenter.calls import three_way_rules as rules
from callcenter.calls.guest_models import CallGuest, GuestRole
from callcenter.calls.models import Call
from callcenter.errors import Conflict, InvalidInput


def _check(result: Any) -> None:
    reason = refusals.refusal(result)
    if reason is not None:
        raise refusals.PbxRefused(reason)


def _connected(live_call: Mapping[str, Any] | None,
               agent_channel: str | None) -> Mapping[str, Any]:
    if not live_call or live_call.get("state") == "ended" or not agent_channel:
        raise Conflict("the call is not connected to you any more")
    return live_call


def add_guest(session: Session, commands: Commands, *, call: Call,
              live_call: Mapping[str, Any] | None, agent_channel: str | None,
              role: GuestRole, number: str, actor_id: int, now: datetime,
              language: str | None = None, service: str | None = None,
              interpreter_id: int | None = None) -> CallGuest:
    """Bring a guest into the call, making it a conference first if it is not one."""
    live = _connected(live_call, agent_channel)
    try:
        call_features.outside_number(number)
    except call_features.BadTarget as exc:
        raise InvalidInput(str(exc), field="number") from exc
    if not live.get("conference"):
        _check(commands.send(call.node, "conference", call=call.uniqueid,
                             caller_channel=live.get("channel") or call.channel,
                             agent_channel=agent_channel))
    _check(commands.send(call.node, "conference_add", call=call.uniqueid, number=number))
    return guests.invite(session, call, role=role, number=number, language=language,
                         service=service, interpreter_id=interpreter_id, actor_id=actor_id,
                         now=now)


def add_service(session: Session, commands: Commands, *, call: Call,
                live_call: Mapping[str, Any] | None, agent_channel: str | None,
                service: str, actor_id: int, now: datetime) -> CallGuest:
    number = rules.service_number(service)
    if number is None:
        raise InvalidInput("choose police, EMS or the children's hotline", field="service")
    return add_guest(session, commands, call=call, live_call=live_call,
                     agent_channel=agent_channel, role=GuestRole.SERVICE, number=number,
                     service=service, actor_id=actor_id, now=now)


def drop_guest(session: Session, commands: Commands, *, call: Call, guest: CallGuest,
               live_call: Mapping[str, Any] | None, actor_id: int, now: datetime) -> None:
    """Send one guest away; the caller stays with the agent."""
    if guest.left_at is not None:
        return  # already gone: dropping twice is done
    if live_call:
        guests.note_live(session, call, live_call.get("participants") or ())
    if guest.channel and guest.left_at is None and live_call:
        result = commands.send(call.node, "conference_kick", call=call.uniqueid,
                               channel=guest.channel)
        # Gone already (hung up, or the room ended): what was asked is done.
        if call_features.explain(getattr(result, "message", "")) not in (
                "that person is not in the conference", "the call has no conference"):
            _check(result)
    guests.dropped(session, call, guest, actor_id=actor_id, now=now)


def leave_to_services(session: Session, commands: Commands, *, call: Call,
                      live_call: Mapping[str, Any] | None, agent_channel: str | None,
                      actor_id: int, now: datetime) -> list[CallGuest]:
    """The warm hand-off: the agent leaves once a service has joined."""
    live = _connected(live_call, agent_channel)
    rows = guests.note_live(session, call, live.get("participants") or ())
    joined = [g for g in rows if g.role is GuestRole.SERVICE and g.joined_at
              and g.left_at is None]
    if not joined:
        raise Conflict("no emergency service has joined the call yet; stay on the line")
    # The agent's leg only (as a completed transfer): the call goes on without them.
    _check(commands.send(call.node, "complete_transfer", channel=agent_channel))
    return guests.handed_over(session, call, actor_id=actor_id, now=now)
