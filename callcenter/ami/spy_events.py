"""Supervisors listening in: ChanSpyStart/ChanSpyStop become monitoring records.

Pure handler of the tracker (`tracker.Tracker`). One ChanSpy run is keyed by the spying
channel's Uniqueid. The console's listen action gives that channel its Uniqueid itself
(Originate `ChannelId`) and tells the tracker who asked and in which mode before the
Originate goes out, so a start names the supervisor however Asterisk orders its events.
A supervisor's desk phone (the dialplan's `*1`/`*2`/`*3` codes) says the mode by the
extension it dialled; its user is found by the phone when the row is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from callcenter.ami import events as ev
from callcenter.ami.effects import MonitoringRecord

if TYPE_CHECKING:
    from callcenter.ami.tracker import Tracker

MODES = ("listen", "whisper", "barge")
# asterisk_conf/extensions.conf, [supervisor]: *1<agent> listen, *2 whisper, *3 barge.
DESK_CODES = {"*1": "listen", "*2": "whisper", "*3": "barge"}
REMEMBER_REQUESTS = 1000


@dataclass(frozen=True, slots=True)
class SpyRequest:
    """What the console asked for: who listens, and how."""

    mode: str
    user_id: int | None


def desk_mode(exten: str) -> str | None:
    return DESK_CODES.get(exten[:2])


def call_of(t: Tracker, e: ev.ChanSpy) -> str | None:
    """The key of the call whose agent leg is spied on: by channel, then by Linkedid."""
    for uniqueid in (e.spyee_uniqueid, e.spyee_linkedid):
        call = t.lookup(uniqueid)
        if call is not None:
            return call.record.uniqueid
    for calls in (t.calls, t.ended):
        for key, call in calls.items():
            if e.spyee_channel and e.spyee_channel in call.channels:
                return key
            if e.spyee_linkedid and call.record.linkedid == e.spyee_linkedid:
                return key
    return None


def on_chanspy(t: Tracker, e: ev.ChanSpy, now: datetime) -> None:
    at = e.timestamp or now
    key = e.spyer_uniqueid.strip()
    record = t.spies.get(key)
    if e.name == "ChanSpyStart":
        if record is None:
            request = t.spy_requests.pop(key, None)
            record = MonitoringRecord(
                spy_uniqueid=key, started_at=at, spy_channel=e.spyer_channel,
                agent_channel=e.spyee_channel,
                mode=request.mode if request else desk_mode(e.spyer_exten),
                supervisor_user_id=request.user_id if request else None)
            t.spies[key] = record
        # A spy that moves on (ChanSpy without E) starts again on another channel.
        record.agent_channel = e.spyee_channel or record.agent_channel
        record.call_uniqueid = call_of(t, e) or record.call_uniqueid
        record.ended_at = None
    else:
        if record is None:
            t.counters["chanspy_stop_unknown"] += 1
            return
        record.ended_at = at
        del t.spies[key]
    t.emit_monitoring(record)
