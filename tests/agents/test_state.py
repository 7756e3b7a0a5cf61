"""The one entry point for an agent's own state: the verb picks the action, and every
change asked is recorded in the audit trail."""

import pytest
from sqlalchemy import select

from callcenter.agents import state
from callcenter.agents.models import User
from callcenter.errors import DomainError
from tests.support.audit_trail import audited


class Phone:
    """Answers every PBX command as Asterisk does when it complies; keeps what it was sent."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict]] = []

    def send(self, node, command, **args):
        self.sent.append((command, args))
        return type("Result", (), {"status": "ok", "message": ""})()


def agent(db, login: str = "agent1") -> User:
    return db.scalars(select(User).where(User.login == login)).one()


@pytest.mark.parametrize(("action", "command"), [
    ("sign_in", "queue_login"), ("sign_out", "queue_logout"), ("pause", "pause"),
    ("unpause", "unpause")])
def test_each_verb_sends_its_commands_and_is_audited(seeded_session, action, command):
    user, phone = agent(seeded_session), Phone()
    live = {"queues": {"violence": {}}}
    state.change(seeded_session, phone, user=user, action=action, node="pbx1", live=live,
                 reason="meal")
    assert phone.sent and {c for c, _ in phone.sent} == {command}
    audited(seeded_session, f"agent.{action}", actor_id=user.id, entity_type="user",
            entity_id=user.id)


def test_signing_out_leaves_the_queues_asterisk_has_the_agent_in(seeded_session):
    phone = Phone()
    state.change(seeded_session, phone, user=agent(seeded_session), action="sign_out",
                 node="pbx1", live={"queues": {"lao": {}, "violence": {}}})
    assert [args["queue"] for _, args in phone.sent] == ["lao", "violence"]


def test_an_unknown_verb_is_refused_and_sends_nothing(seeded_session):
    phone = Phone()
    with pytest.raises(DomainError) as refused:
        state.change(seeded_session, phone, user=agent(seeded_session), action="dance",
                     node="pbx1", live=None)
    assert refused.value.field == "action" and phone.sent == []


def test_the_node_is_the_one_reporting_the_agent_else_the_first_configured():
    assert state.node_of({"node": "pbx2"}, ["pbx1"]) == "pbx2"
    assert state.node_of(None, ["pbx3", "pbx1"]) == "pbx3"
    assert state.node_of({}, []) == state.DEFAULT_NODE
