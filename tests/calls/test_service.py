"""Call records from the bridge: idempotent upserts keyed by (node, uniqueid)."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from callcenter.ami.effects import CallRecord
from callcenter.calls import service
from callcenter.calls.models import Call, CallOutcome

T0 = datetime(2026, 11, 22, 11, 5, 59, tzinfo=UTC)


def started(uniqueid="1795345559.1"):
    return CallRecord(uniqueid=uniqueid, started_at=T0, linkedid="1795345559.0",
                      channel="Local/1300@from-pstn-00000000;2", caller_number="0812345678",
                      dialled_number="1300")


def test_the_same_record_twice_is_one_row(db_session):
    first = service.record(db_session, node="pbx1", record=started())
    again = service.record(db_session, node="pbx1", record=started())
    assert first == again
    assert db_session.scalar(select(func.count()).select_from(Call)) == 1


def test_an_ended_call_is_updated_in_place_with_its_outcome(db_session):
    service.record(db_session, node="pbx1", record=started())
    ended = replace(started(), ivr_choice="1", queue_name="violence", queued_at=T0,
                    answered_at=T0 + timedelta(seconds=5), ended_at=T0 + timedelta(seconds=11),
                    outcome="answered", wait_seconds=2, talk_seconds=6, ended_by="caller",
                    agent_name="สมหญิง ใจดี", hangup_cause=16, silent=True)
    service.record(db_session, node="pbx1", record=ended)
    db_session.expire_all()
    call = service.get(db_session, node="pbx1", uniqueid="1795345559.1")
    assert call.outcome is CallOutcome.ANSWERED and call.talk_seconds == 6
    assert call.agent_name == "สมหญิง ใจดี" and call.silent is True
    assert call.ended_at == T0 + timedelta(seconds=11)


def test_a_record_that_knows_less_never_erases_or_reopens(db_session):
    ended = replace(started(), ivr_choice="1", outcome="answered", ended_at=T0, silent=True)
    service.record(db_session, node="pbx1", record=ended)
    adopted = replace(started(), caller_number=None, started_at=T0 + timedelta(minutes=1))
    service.record(db_session, node="pbx1", record=adopted)
    db_session.expire_all()
    call = service.get(db_session, node="pbx1", uniqueid="1795345559.1")
    assert call.ivr_choice == "1" and call.caller_number == "0812345678"
    assert call.outcome is CallOutcome.ANSWERED and call.silent is True
    assert call.started_at == T0


def test_record_many_keeps_the_last_record_of_each_call(db_session):
    a, b = started("1.1"), started("1.2")
    written = service.record_many(db_session, node="pbx1",
                                  records=[a, b, replace(a, outcome="abandoned", ended_at=T0)])
    assert written == 2
    db_session.expire_all()
    assert service.get(db_session, node="pbx1", uniqueid="1.1").outcome is CallOutcome.ABANDONED
    # Another node's call with the same uniqueid is another row.
    service.record(db_session, node="pbx2", record=a)
    assert db_session.scalar(select(func.count()).select_from(Call)) == 3


def test_values_too_long_or_too_big_for_their_columns_are_cut_not_refused(db_session):
    wild = replace(started(), caller_number="0" * 100_000, caller_name="ส" * 500,
                   channel="PJSIP/" + "x" * 400, ivr_choice="1234567890" * 5,
                   ivr_language="th-TH-x-very-long", priority=10**12, hangup_cause=-(2**40),
                   wait_seconds=2**31, talk_seconds=2**31 - 1, agent_interface="y" * 300,
                   linkedid="1" * 100, queue_name="q\x00" * 40, hangup_cause_text="z" * 200)
    service.record(db_session, node="pbx1", record=wild)
    db_session.expire_all()
    call = service.get(db_session, node="pbx1", uniqueid="1795345559.1")
    assert call.caller_number == "0" * 40 and call.caller_name == "ส" * 120
    assert len(call.channel) == 128 and call.ivr_choice == "1234567890123456"
    assert call.ivr_language == "th-TH-x-" and len(call.agent_interface) == 128
    assert call.queue_name == "q" * 40 and len(call.hangup_cause_text) == 80
    assert (call.priority, call.hangup_cause, call.wait_seconds) == (None, None, None)
    assert call.talk_seconds == 2**31 - 1 and len(call.linkedid) == 64
