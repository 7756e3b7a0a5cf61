import pytest

from callcenter.dispatch import policy
from callcenter.dispatch.message import AlertMessage, dispatch_link
from callcenter.dispatch.models import DispatchStatus as S
from callcenter.errors import InvalidTransition
from callcenter.taxonomy import Urgency


def test_the_unit_moves_forward_from_acknowledged_to_completed():
    assert policy.can_move(S.ACKNOWLEDGED, S.EN_ROUTE)
    assert policy.can_move(S.EN_ROUTE, S.ON_SCENE)
    assert policy.can_move(S.ON_SCENE, S.COMPLETED)


def test_an_escalated_dispatch_can_still_be_acknowledged():
    assert policy.can_move(S.ESCALATED, S.ACKNOWLEDGED)


def test_a_declined_or_completed_dispatch_goes_nowhere():
    for target in S:
        assert not policy.can_move(S.DECLINED, target)
        assert not policy.can_move(S.COMPLETED, target)


def test_going_on_scene_before_acknowledging_is_refused():
    with pytest.raises(InvalidTransition):
        policy.check_move(S.ALERTED, S.ON_SCENE)


def test_a_repeated_step_is_recognised_as_already_done():
    assert policy.already_reached(S.ACKNOWLEDGED, S.ACKNOWLEDGED)
    assert policy.already_reached(S.ON_SCENE, S.ACKNOWLEDGED)
    assert not policy.already_reached(S.ALERTED, S.ACKNOWLEDGED)
    assert not policy.already_reached(S.DECLINED, S.ACKNOWLEDGED)


def test_retry_delay_doubles_and_is_capped():
    delays = [policy.retry_delay(n, base=2, cap=30) for n in range(1, 7)]
    assert delays == [2, 4, 8, 16, 30, 30]


def test_server_errors_and_throttling_are_retried_but_bad_requests_are_not():
    assert policy.is_transient(500) and policy.is_transient(503) and policy.is_transient(429)
    assert not policy.is_transient(400) and not policy.is_transient(401)


def test_alert_text_carries_case_number_place_urgency_brief_and_link_only():
    message = AlertMessage(dispatch_id=7, case_number="1300-2569-000123", province="เชียงใหม่",
                           district="อำเภอเมือง", urgency=Urgency.IMMEDIATE,
                           link=dispatch_link("https://console.test/", 7),
                           brief="หญิง บาดเจ็บ ผู้กระทำอาจอยู่ในบ้าน")
    assert message.text == (
        "1300 ส่งเคสถึงหน่วยเคลื่อนที่เร็ว (ด่วนที่สุด)\n"
        "เคส 1300-2569-000123\n"
        "พื้นที่ เชียงใหม่ / อำเภอเมือง\n"
        "ข้อมูล: หญิง บาดเจ็บ ผู้กระทำอาจอยู่ในบ้าน\n"
        "รับเรื่อง: https://console.test/units/dispatches/7"
    )
    assert set(message.as_payload()) == {"dispatch_id", "case_number", "province", "district",
                                          "urgency", "link"}


def test_a_voice_contact_is_a_number_dialled_through_rru_or_a_channel():
    from callcenter.dispatch.channels.voice import dial_string
    assert dial_string("0812345678") == "Local/0812345678@rru"
    assert dial_string("+66812345678") == "Local/+66812345678@rru"
    assert dial_string("Local/th50@rru") == "Local/th50@rru"


def test_voice_is_reachable_only_with_an_asterisk_node():
    from callcenter.dispatch.channels import reachable
    from callcenter.dispatch.config import DispatchSettings
    from callcenter.provinces.models import AlertChannel
    none = DispatchSettings(_env_file=None)
    named = DispatchSettings(_env_file=None, ami_nodes=[
        {"name": "pbx1", "host": "10.0.0.1", "username": "u", "secret": "s"}])
    assert not reachable(AlertChannel.VOICE, "0812345678", none)
    assert reachable(AlertChannel.VOICE, "0812345678", named)
    assert named.voice_node_name == "pbx1"
