"""Reports name pause reasons and dispositions by the admins' labels, inactive ones too;
a code no list holds is shown as itself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from callcenter import pick_lists
from callcenter.agents import pause_reasons
from callcenter.agents.models import AgentState
from callcenter.calls import dispositions
from callcenter.reports import service
from callcenter.reports.range import parse_range
from tests.support.builders import CallSpec, add_call, add_state, reference_data

RANGE = parse_range("10/3/2569", "10/3/2569")
START = datetime(2026, 3, 9, 17, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


def _switch_off(db, service_module, code: str, actor_id: int) -> None:
    item = next(i for i in service_module.everything(db) if i.code == code)
    service_module.update(db, code, pick_lists.ItemEdit(
        label_th=item.label_th, label_en=item.label_en, active=False, version=item.version),
        actor_id=actor_id)


def test_pause_time_names_each_reason_by_its_label_even_once_switched_off(db_session):
    agent = reference_data(db_session)
    _switch_off(db_session, pause_reasons, "meal", agent.id)
    add_state(db_session, at=at(0), state=AgentState.PAUSED, reason="meal", user_id=agent.id)
    add_state(db_session, at=at(30), state=AgentState.PAUSED, reason="smoke",
              user_id=agent.id)
    add_state(db_session, at=at(40), state=AgentState.AVAILABLE, user_id=agent.id)
    db_session.flush()
    got = {row[2]: row[5] for row in service.run(db_session, "agent_pauses", RANGE).rows}
    assert got == {"meal": "พักรับประทานอาหาร", "smoke": "smoke"}


def test_call_records_name_each_disposition_by_its_label_even_once_switched_off(db_session):
    agent = reference_data(db_session)
    _switch_off(db_session, dispositions, "counselling", agent.id)
    old = add_call(db_session, CallSpec(at(10)))
    old.disposition = "counselling"
    gone = add_call(db_session, CallSpec(at(20)))
    gone.disposition = "retired_code"  # a code no list holds any more
    add_call(db_session, CallSpec(at(30)))
    db_session.flush()
    got = [(row[11], row[12]) for row in service.run(db_session, "call_records", RANGE).rows]
    assert got == [("counselling", "ให้คำปรึกษา"), ("retired_code", "retired_code"),
                   (None, None)]
