"""An agent paused for after-call work shows as wrap-up on the wallboard, with its time."""

from datetime import UTC, datetime, timedelta

from callcenter.queues import stats

NOW = datetime(2026, 12, 7, 5, 0, tzinfo=UTC)


def _paused(reason: str) -> dict:
    return {"interface": "PJSIP/agent1", "name": "agent1", "status": "paused",
            "paused_reason": reason, "changed_at": (NOW - timedelta(seconds=95)).isoformat(),
            "queues": {"violence": {"paused": True, "paused_reason": reason}}}


def test_an_agent_paused_for_wrap_up_is_in_wrap_up_since_the_pause():
    view = stats.agent_view(_paused("wrap_up"), NOW)
    assert (view.state, view.seconds) == ("wrap_up", 95)


def test_an_agent_paused_for_a_meal_is_paused():
    assert stats.agent_view(_paused("meal"), NOW).state == "paused"
