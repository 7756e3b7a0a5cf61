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
