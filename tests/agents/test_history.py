"""Agents' state history as the bridge writes it, and who a queue member is."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from callcenter.agents import history
from callcenter.agents.models import AgentState, AgentStateChange, Role, User
from callcenter.ami.effects import AgentStateChanged

T0 = datetime(2026, 11, 22, 11, 7, 55, tzinfo=UTC)


def user(session, login, phone=None):
    u = User(login=login, display_name=login, password_hash="-", role=Role.AGENT,
             phone_interface=phone)
    session.add(u)
    session.flush()
    return u.id


def test_a_member_is_its_user_by_phone_by_device_or_by_login(db_session):
    by_phone = user(db_session, "malee", "PJSIP/agent1001")
    by_device = user(db_session, "somchai", "PJSIP/agent2")
    by_login = user(db_session, "ratana")
    users = history.directory(db_session)
    assert users.user_id("PJSIP/agent1001") == by_phone
    # A Local/<endpoint>@agents/n member (as recorded) whose StateInterface is the phone.
    assert users.user_id("Local/agent1001@agents/n", "PJSIP/agent1001") == by_phone
    assert users.user_id("Local/agent2@agents/n") == by_device
    assert users.user_id("Local/agent8@agents/n", "Local/agent8@agents", "ratana") == by_login
    assert users.user_id("Local/agent9@agents/n", None, "nobody") is None


def test_each_change_is_a_row_with_its_reason_and_asterisks_time(db_session):
    uid = user(db_session, "ratana", "PJSIP/agent8")
    changes = [
        AgentStateChanged("Local/agent8@agents/n", "available", None, T0, "รัตนา ชัยโย"),
        AgentStateChanged("Local/agent8@agents/n", "paused", "x" * 200,
                          T0 + timedelta(seconds=4), "รัตนา ชัยโย"),
        AgentStateChanged("Local/agent8@agents/n", "logged_out", None,
                          T0 + timedelta(seconds=7), "รัตนา ชัยโย"),
    ]
    written = history.record_changes(db_session, node="pbx1", changes=changes,
                                     users=history.directory(db_session))
    assert written == 3
    rows = db_session.scalars(select(AgentStateChange).order_by(AgentStateChange.changed_at))
    got = [(r.state, r.reason, r.changed_at, r.agent_user_id) for r in rows]
    assert got == [(AgentState.AVAILABLE, None, T0, uid),
                   (AgentState.PAUSED, "x" * 80, T0 + timedelta(seconds=4), uid),
                   (AgentState.LOGGED_OUT, None, T0 + timedelta(seconds=7), uid)]
