"""When time alone changes the board: bands crossed, wrap-ups ended, long waits (pure)."""

from datetime import UTC, datetime, timedelta

from callcenter.queues import stats

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def agent(status: str, seconds: int, **extra) -> dict:
    return {"interface": "PJSIP/a1", "name": "a1", "status": status,
            "changed_at": (NOW - timedelta(seconds=seconds)).isoformat(),
            "queues": {"violence": {"paused": status == "paused"}}, **extra}


def waiting(seconds: int) -> dict:
    return {"name": "violence", "waiting": [
        {"uniqueid": "1.1", "joined_at": (NOW - timedelta(seconds=seconds)).isoformat()}]}


def test_a_talking_agent_changes_colour_when_the_next_band_begins():
    board = stats.build(queues=[], agents=[agent("in_call", 590)], now=NOW)
    assert stats.seconds_to_next_change(board) == 10  # amber from 600 s
    board = stats.build(queues=[], agents=[agent("in_call", 700)], now=NOW)
    assert stats.seconds_to_next_change(board) == 500  # red from 1200 s
    board = stats.build(queues=[], agents=[agent("in_call", 1300)], now=NOW)
    assert stats.seconds_to_next_change(board) is None


def test_a_wrap_up_ends_after_its_seconds():
    ended = NOW - timedelta(seconds=4)
    board = stats.build(queues=[], agents=[agent("available", 100)],
                        last_call_end={"PJSIP/a1": ended}, now=NOW)
    assert board.agents[0].state == "wrap_up"
    assert stats.seconds_to_next_change(board) == stats.WRAP_UP_SECONDS - 4


def test_a_caller_becomes_a_long_wait_alarm_past_the_limit():
    board = stats.build(queues=[waiting(50)], agents=[], now=NOW)
    assert not board.alarms
    assert stats.seconds_to_next_change(board) == stats.LONG_WAIT_SECONDS + 1 - 50
    later = stats.build(queues=[waiting(50)], agents=[], now=NOW + timedelta(seconds=11))
    assert [a.kind for a in later.alarms] == ["long_wait"]
    assert stats.seconds_to_next_change(later) is None


def test_an_available_agent_and_an_empty_floor_change_nothing_by_themselves():
    board = stats.build(queues=[], agents=[agent("available", 5000)], now=NOW)
    assert stats.seconds_to_next_change(board) is None
    assert stats.seconds_to_next_change(stats.build(queues=[], agents=[], now=NOW)) is None
