"""Warm transfers as a real Asterisk 22.10 sends them with asterisk_conf/ deployed (pure):
`pjsip-atxfer-cancel-then-colleague` is one call from the telco trunk through the IVR (a
silent caller: urgent, then the general queue) to agent1, who consults 1669 over the trunk
and cancels (AMI Atxfer, CancelAtxfer), then warm-transfers to a colleague by staff
number (Setvar `_HOTLINE_STAFF_00003`, Atxfer `800003`) and hangs up; agent3 talks to the
caller and hangs up last."""

from callcenter.ami import actions
from callcenter.ami import call_features as cf
from callcenter.ami.effects import AgentStateChanged

from .support import FIXTURES, run_tracker

NAME = "pjsip/pjsip-atxfer-cancel-then-colleague"
AGENT_LEG = "PJSIP/agent1-00000011"


def only_call(outcome):
    (record,) = outcome.records.values()
    return record


def test_a_cancelled_consultation_over_the_trunk_does_not_end_the_callers_call():
    # The consulted service is a trunk channel with the call's Linkedid, Down, in the
    # trunk's context: its hang-up at CancelAtxfer once ended the whole call.
    record = only_call(run_tracker(NAME))
    assert record.outcome == "transferred"
    first, colleague = record.legs
    assert (first.agent_interface, first.queue_name, first.ended_how) == (
        "PJSIP/agent1", "operator", "transferred")
    assert (colleague.agent_interface, colleague.queue_name) == ("PJSIP/agent3", None)
    # The caller's own hang-up follows agent3's by a millisecond.
    assert first.ended_at < colleague.ended_at <= record.ended_at


def test_the_agent_stays_busy_through_the_cancelled_consultation_until_the_transfer():
    outcome = run_tracker(NAME)
    record = only_call(outcome)
    freed = [c.changed_at for c in outcome.effects if isinstance(c, AgentStateChanged)
             and c.interface == "PJSIP/agent1" and c.state == "available"]
    # Once when signed in, once when the warm transfer completed: not at the cancel.
    assert len(freed) == 2 and freed[1] == record.legs[0].ended_at


def test_both_consultations_count_as_holds_of_the_caller():
    record = only_call(run_tracker(NAME))
    assert (record.holds, record.hold_seconds, record.on_hold) == (2, 7, False)


def test_the_colleagues_phone_is_named_with_the_setvar_asterisk_accepted():
    sent = (FIXTURES / f"{NAME}.ami.sent").read_bytes()
    action = actions.setvar(AGENT_LEG, cf.staff_variable(3), "agent3")
    assert action.to_bytes("rec-5") in sent
    atxfer = actions.atxfer(AGENT_LEG, context=cf.WARM_TRANSFER_CONTEXT,
                            exten=cf.staff_number(3))
    assert atxfer.to_bytes("rec-6") in sent
    assert b"Response: Success\r\nActionID: rec-5\r\nMessage: Variable Set\r\n" in (
        FIXTURES / f"{NAME}.ami").read_bytes()
