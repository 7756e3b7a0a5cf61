"""Estimated wait from the bridge's queue state (pure)."""

import pytest

from ivr.wait import DEFAULT_TALK_SECONDS, NOBODY_SECONDS, estimate_wait


def state(waiting=0, logged_in=2, available=0, paused=0, talk_time=200, hold_time=0):
    return {"waiting": [{"uniqueid": str(i)} for i in range(waiting)], "logged_in": logged_in,
            "available": available, "paused": paused, "talk_time": talk_time,
            "hold_time": hold_time}


def test_a_free_agent_means_no_wait():
    assert estimate_wait(state(waiting=0, available=1)) == 0.0


def test_callers_ahead_share_the_working_agents():
    assert estimate_wait(state(waiting=3, logged_in=2)) == 4 * 200 / 2


def test_asterisk_average_hold_time_is_a_floor():
    assert estimate_wait(state(waiting=0, logged_in=4, hold_time=500)) == 500


def test_nobody_logged_in_or_everyone_paused_is_a_long_wait():
    assert estimate_wait(state(logged_in=0)) == NOBODY_SECONDS
    assert estimate_wait(state(logged_in=2, paused=2)) == NOBODY_SECONDS


def test_unmeasured_talk_time_uses_the_default():
    assert estimate_wait(state(waiting=0, logged_in=1, talk_time=0)) == DEFAULT_TALK_SECONDS


@pytest.mark.parametrize("payload", [{"logged_in": "many"}, {"waiting": 5}, {"available": "x"}])
def test_unusable_payload_is_unknown(payload):
    assert estimate_wait(payload) is None
