"""A call back as the worker places it, recorded on a real Asterisk 22 with PJSIP
(pjsip-outbound), replayed over TCP: the trunk leg says `Context: from-pstn` like a
caller, yet it is recorded once, as the outbound call of its call back."""

from datetime import UTC, datetime

from sqlalchemy import select

from callcenter.calls import callbacks
from callcenter.calls.models import Call, CallbackRequest, CallbackStatus
from tests.ami.conftest import NODE
from tests.ami.support import sent_actions

from .test_bridge_replay import ADOPTED, replay

NAME = "pjsip/pjsip-outbound"


def prepare_originate(bridge) -> None:
    """The Originate the recording's client sent, as the bridge's command would note it."""
    (originate,) = [a for a in sent_actions(NAME) if a.get("Action") == "Originate"]
    bridge.tracker.originate_requested(
        action_id=originate.action_id, channel=originate.get("Channel"),
        received_at=datetime.now(UTC),
        variables=dict(v.partition("=")[::2] for v in originate.get_all("Variable")))


async def test_recorded_call_back_is_its_outbound_call_never_an_inbound_one(
        aredis, published, committing_sessionmaker):
    with committing_sessionmaker() as s:
        request = CallbackRequest(number="0812345678", queue_name="violence", priority=5,
                                  status=CallbackStatus.DIALLING, attempts=1,
                                  last_attempt_at=datetime.now(UTC), dial_node=NODE,
                                  dial_action_id="rec-2")
        s.add(request)
        s.commit()
        request_id = request.id
    bridge, _ = await replay(NAME, aredis, committing_sessionmaker,
                             prepare=prepare_originate)
    with committing_sessionmaker() as s:
        own = [c for c in s.scalars(select(Call)) if c.uniqueid not in ADOPTED]
        assert [(c.uniqueid, c.direction.value) for c in own] == [("rec-2", "outbound")]
        (call,) = own
        assert call.outcome.value == "answered" and call.outcome.value != "ivr_hangup"
        assert call.callback_id == 1 and call.dispatch_id is None
        assert call.channel == "PJSIP/trunk-telco-00000000"
        assert (call.dialled_number, call.caller_number) == ("0812345678", None)
        assert call.queue_name == "violence" and call.queued_at is not None
        assert call.ended_at is not None
        # The worker finds it by the Originate's ActionID: the person pressed 1.
        request = s.get(CallbackRequest, request_id)
        assert callbacks.settle(s, request, now=datetime.now(UTC)) == "reached"
        assert request.status is CallbackStatus.DONE
    assert bridge.counters["handler_errors"] == 0
    # Nothing of it is left live: not on the board, not waiting in violence.
    live = {k.decode() for k in await aredis.hkeys(f"live.{NODE}.calls")}
    assert live == set(ADOPTED)
    assert not published.topic("call.1796531270.0.updated")
    assert published.topic("call.rec-2.updated")[-1]["outcome"] == "answered"
    queue = published.topic("queue.violence.updated")
    assert "rec-2" not in [w["uniqueid"] for w in queue[-1]["waiting"]]
