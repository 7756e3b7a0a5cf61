"""After-call work: owed until the call has a disposition or a case, where the queue asks."""

from datetime import datetime, timedelta

from callcenter.calls import wrap_up

ENDED = datetime(2026, 12, 6, 10, 0, 0)


def test_a_queue_that_requires_wrap_up_owes_it_until_a_disposition_or_a_case():
    assert wrap_up.owes(required=True, disposition=None, has_case=False)
    assert not wrap_up.owes(required=True, disposition="information", has_case=False)
    assert not wrap_up.owes(required=True, disposition=None, has_case=True)


def test_a_queue_that_does_not_require_it_owes_nothing():
    assert not wrap_up.owes(required=False, disposition=None, has_case=False)


def test_without_a_requirement_wrap_up_lasts_asterisks_wrapuptime():
    during = wrap_up.wrap_up(ended_at=ENDED, now=ENDED + timedelta(seconds=3),
                             required=False, disposition=None, has_case=False)
    after = wrap_up.wrap_up(ended_at=ENDED,
                            now=ENDED + timedelta(seconds=wrap_up.WRAP_UP_SECONDS),
                            required=False, disposition=None, has_case=False)
    assert (during.active, during.owed, during.seconds) == (True, False, 3)
    assert not after.active


def test_owed_wrap_up_lasts_as_long_as_it_takes():
    late = wrap_up.wrap_up(ended_at=ENDED, now=ENDED + timedelta(minutes=7), required=True,
                           disposition=None, has_case=False)
    assert (late.active, late.owed, late.seconds) == (True, True, 420)


def test_no_call_yet_means_no_wrap_up():
    assert not wrap_up.wrap_up(ended_at=None, now=ENDED, required=True, disposition=None,
                               has_case=False).active


def _owed(owed: bool) -> wrap_up.WrapUp:
    return wrap_up.WrapUp(owed=owed, active=True, seconds=5)


def test_an_available_agent_who_owes_wrap_up_is_to_be_paused():
    assert wrap_up.step(work=_owed(True), required=True, status="available", reason=None,
                        since=None, ended_at=ENDED) == wrap_up.PAUSE


def test_an_agent_in_a_call_or_paused_for_their_own_reason_is_left_alone():
    for status, reason in (("in_call", None), ("ringing", None), ("paused", "break"),
                           ("logged_out", None)):
        assert wrap_up.step(work=_owed(True), required=True, status=status, reason=reason,
                            since=ENDED, ended_at=ENDED) is None


def test_only_a_wrap_up_pause_begun_after_the_call_ended_is_lifted():
    after = ENDED + timedelta(seconds=1)
    before = ENDED - timedelta(minutes=5)
    assert wrap_up.step(work=_owed(False), required=True, status="paused",
                        reason="wrap_up", since=after, ended_at=ENDED) == wrap_up.UNPAUSE
    assert wrap_up.step(work=_owed(False), required=True, status="paused",
                        reason="wrap_up", since=before, ended_at=ENDED) is None
    assert wrap_up.step(work=_owed(False), required=True, status="paused",
                        reason="break", since=after, ended_at=ENDED) is None


def test_a_queue_without_the_rule_never_lifts_a_pause():
    assert wrap_up.step(work=_owed(False), required=False, status="paused",
                        reason="wrap_up", since=ENDED, ended_at=ENDED) is None
