"""Pure rules of call backs: call windows, free agents, the Originate, retries."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from callcenter.calls import callbacks
from callcenter.calls.models import CallbackRequest, CallbackStatus

BANGKOK = ZoneInfo("Asia/Bangkok")


def at_bangkok(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 23, hour, minute, tzinfo=BANGKOK).astimezone(UTC)


@pytest.mark.parametrize(("text", "ranges"), [
    ("18:00-20:00", [(time(18), time(20))]),
    ("9.30 – 11, 18-20", [(time(9, 30), time(11)), (time(18), time(20))]),
    ("หลัง 17.00 ถึง 19.00 เท่านั้น", [(time(17), time(19))]),
    ("22:00-06:00", [(time(22), time(6))]),
])
def test_call_windows_are_read_from_the_usual_ways_of_writing_them(text, ranges):
    assert callbacks.parse_window(text) == ranges


def test_a_window_in_words_only_is_unreadable():
    assert callbacks.parse_window("evenings when her husband is out") is None
    assert callbacks.next_allowed(("evenings",), at_bangkok(12), BANGKOK) == "unreadable"


def test_inside_the_window_the_call_may_go_now():
    now = at_bangkok(18, 30)
    assert callbacks.next_allowed(("18:00-20:00",), now, BANGKOK) == now
    assert callbacks.next_allowed((), now, BANGKOK) == now


def test_before_the_window_the_call_waits_for_its_start_in_bangkok_time():
    assert callbacks.next_allowed(("18:00-20:00",), at_bangkok(12), BANGKOK) == at_bangkok(18)


def test_after_the_window_the_call_waits_for_the_next_day():
    allowed = callbacks.next_allowed(("18:00-20:00",), at_bangkok(21), BANGKOK)
    assert allowed == at_bangkok(18) + timedelta(days=1)


def test_two_cases_windows_must_both_allow_the_call():
    windows = ("17:00-19:00", "18:00-21:00")
    assert callbacks.next_allowed(windows, at_bangkok(17, 30), BANGKOK) == at_bangkok(18)
    assert callbacks.next_allowed(("08-09", "18-19"), at_bangkok(8), BANGKOK) == "unreadable"


def test_an_agent_is_free_only_beyond_callers_already_waiting_and_call_backs_ringing():
    payload = {"available": 2, "waiting": [{"uniqueid": "1"}]}
    assert callbacks.free_agents(payload, 0) == 1
    assert callbacks.free_agents(payload, 1) == 0
    assert callbacks.free_agents(None, 0) == 0
    assert callbacks.free_agents({"available": "x"}, 0) == 0


def test_the_node_with_the_most_free_agents_is_chosen():
    payloads = {"pbx1": {"available": 1, "waiting": []}, "pbx2": {"available": 3},
                "pbx3": None}
    assert callbacks.pick_node(payloads, {"pbx2": 3}) == "pbx1"
    assert callbacks.pick_node(payloads, {}) == "pbx2"
    assert callbacks.pick_node({"pbx1": {"available": 0}}, {}) is None


def test_originate_goes_to_the_callback_context_with_the_ivr_routing():
    row = CallbackRequest(id=7, number="081-234-5678", queue_name="english", priority=5,
                          language="en", issue_area="human_trafficking")
    args = callbacks.originate_args(row, callbacks.NO_CASE)
    assert (args["channel"], args["context"], args["exten"]) == (
        "PJSIP/0812345678@trunk-telco", "callback", "s")
    assert args["variables"] == {
        "CALLBACK_ID": "7", "CALLBACK_QUEUE": "english", "IVR_PRIORITY": "5",
        "IVR_LANGUAGE": "en", "IVR_ISSUE": "human_trafficking", "IVR_SILENT": "0"}


def test_a_case_that_withholds_the_caller_id_calls_back_anonymously():
    row = CallbackRequest(id=7, number="0812345678", queue_name="violence", priority=3)
    args = callbacks.originate_args(row, callbacks.SafeContact(withhold_caller_id=True))
    assert args["variables"]["CALLERID(pres)"] == "prohib"
    assert args["variables"]["IVR_LANGUAGE"] == "th"


def test_failed_attempts_back_off_then_give_up():
    now = at_bangkok(12)
    assert callbacks.after_failure(1, now) == (CallbackStatus.PENDING,
                                               now + callbacks.RETRY_AFTER[0])
    assert callbacks.after_failure(2, now) == (CallbackStatus.PENDING,
                                               now + callbacks.RETRY_AFTER[1])
    assert callbacks.after_failure(callbacks.MAX_ATTEMPTS, now) == (CallbackStatus.FAILED,
                                                                    None)


def test_numbers_are_matched_in_every_thai_form():
    assert {"0812345678", "+66812345678", "66812345678"} <= callbacks.number_variants(
        "+66 81 234 5678")


def test_only_a_queued_call_back_reaches_the_person():
    from callcenter.calls.models import Call, CallOutcome

    now = at_bangkok(12)
    ringing = Call(outcome=CallOutcome.IN_PROGRESS)
    greeting = Call(outcome=CallOutcome.IN_PROGRESS, answered_at=now)
    pressed_1 = Call(outcome=CallOutcome.IN_PROGRESS, answered_at=now, queued_at=now)
    voicemail = Call(outcome=CallOutcome.ANSWERED, answered_at=now, ended_at=now)
    busy = Call(outcome=CallOutcome.FAILED, ended_at=now)
    assert [callbacks.attempt_result(c) for c in (None, ringing, greeting)] == ["pending"] * 3
    assert callbacks.attempt_result(pressed_1) == "reached"
    assert callbacks.attempt_result(voicemail) == "failed"
    assert callbacks.attempt_result(busy) == "failed"
