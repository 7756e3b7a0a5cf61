"""What the unit must do next: one sentence and one button at every status, no network."""

import pytest

from callcenter.dispatch.models import DispatchStatus as S
from callcenter.dispatch.next_step import NextStep, next_step


@pytest.mark.parametrize("status", [S.CREATED, S.ALERTED, S.ESCALATED])
def test_a_dispatch_awaiting_the_unit_asks_for_an_acknowledgement_within_the_ladders_minutes(
        status):
    assert next_step(status, ack_minutes=5) == NextStep("unit.next.acknowledge", "acknowledge",
                                                         minutes=5)


@pytest.mark.parametrize(("status", "key", "action"), [
    (S.ACKNOWLEDGED, "unit.next.acknowledged", "en-route"),
    (S.EN_ROUTE, "unit.next.en_route", "on-scene"),
    (S.ON_SCENE, "unit.next.on_scene", "complete"),
])
def test_each_step_under_way_names_the_one_action_that_follows(status, key, action):
    assert next_step(status, ack_minutes=5) == NextStep(key, action)


@pytest.mark.parametrize("status", [S.COMPLETED, S.DECLINED, S.CANCELLED])
def test_a_closed_dispatch_says_why_nothing_is_owed_and_offers_no_action(status):
    step = next_step(status, ack_minutes=5)
    assert step.message_key == f"unit.next.{status.value}" and step.action is None


def test_the_minutes_are_whole_and_never_zero():
    assert next_step(S.CREATED, ack_minutes=0.25).minutes == 1
    assert next_step(S.CREATED, ack_minutes=29.6).minutes == 30

