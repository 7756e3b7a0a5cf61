"""Creating, changing and removing staff phones: the realtime rows Asterisk reads, the
password shown once and stored only as md5_cred, and the audit trail."""

import json

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from callcenter.agents.models import Role
from callcenter.audit import CHANGED, AuditEvent
from callcenter.errors import Conflict, InvalidInput, NotFound, StaleEdit
from callcenter.phones import policy, service
from callcenter.phones.models import PsAor, PsAuth, PsEndpoint
from callcenter.phones.policy import PhoneKind
from tests.support import builders
from tests.support.audit_trail import audited, user_id


@pytest.fixture
def admin_id(seeded_session):
    return user_id(seeded_session, "admin")


def create(db, user, admin_id, kind=PhoneKind.DESK, endpoint=None):
    return service.create(db, user_id=user.id, kind=kind, endpoint=endpoint,
                          actor_id=admin_id, source_ip="192.0.2.1")


def stored_text(db, endpoint: str) -> str:
    """Every value of the phone's rows and of every audit event, as one text."""
    values = []
    for model in (PsEndpoint, PsAuth, PsAor):
        row = db.get(model, endpoint)
        values += [str(getattr(row, c.key)) for c in model.__table__.columns]
    for event in db.scalars(select(AuditEvent)):
        values.append(json.dumps(event.changes, ensure_ascii=False))
    return "\n".join(values)


def test_a_new_phone_is_three_rows_named_after_the_endpoint_and_the_persons_interface(
        seeded_session, admin_id):
    agent = builders.user(seeded_session, Role.AGENT)
    done = create(seeded_session, agent, admin_id)
    endpoint = agent.login
    assert done.phone.endpoint == endpoint and done.phone.user_id == agent.id
    row = seeded_session.get(PsEndpoint, endpoint)
    assert (row.aors, row.auth, row.context) == (endpoint, endpoint, "agent-phones")
    assert seeded_session.get(PsAor, endpoint).max_contacts == 1
    assert agent.phone_interface == f"PJSIP/{endpoint}"


def test_the_password_is_stored_only_as_the_md5_of_username_realm_and_password(
        seeded_session, admin_id):
    agent = builders.user(seeded_session, Role.AGENT)
    done = create(seeded_session, agent, admin_id)
    auth = seeded_session.get(PsAuth, done.phone.endpoint)
    assert auth.auth_type == "md5" and auth.password is None
    assert auth.username == done.phone.endpoint and auth.realm == "asterisk"
    expected = policy.md5_cred(done.phone.endpoint, "asterisk", done.password)
    assert auth.md5_cred == expected
    assert done.password not in stored_text(seeded_session, done.phone.endpoint)


def test_generated_passwords_are_long_and_never_the_same():
    passwords = {service.new_password() for _ in range(50)}
    assert len(passwords) == 50
    assert all(len(p) == 24 and p.isalnum() for p in passwords)


def test_a_webrtc_agent_gets_the_webrtc_templates_options(seeded_session, admin_id):
    agent = builders.user(seeded_session, Role.AGENT)
    done = create(seeded_session, agent, admin_id, kind=PhoneKind.WEBRTC)
    row = seeded_session.get(PsEndpoint, done.phone.endpoint)
    assert (row.webrtc, row.dtls_auto_generate_cert, row.transport) == \
        ("yes", "yes", "transport-wss")
    assert done.phone.kind is PhoneKind.WEBRTC


def test_creating_a_phone_is_audited_with_the_password_redacted(seeded_session, admin_id):
    agent = builders.user(seeded_session, Role.AGENT)
    done = create(seeded_session, agent, admin_id)
    event = audited(seeded_session, "phone.create", actor_id=admin_id, entity_type="phone",
                    entity_id=done.phone.endpoint)
    assert event.changes["password"] == [CHANGED, CHANGED]
    assert event.changes["phone_interface"] == [None, f"PJSIP/{done.phone.endpoint}"]
    assert event.changes["user_id"] == [None, agent.id]
    assert event.source_ip == "192.0.2.1"


def test_a_chosen_endpoint_name_is_used_when_the_role_allows_it(seeded_session, admin_id):
    supervisor = builders.user(seeded_session, Role.SUPERVISOR)
    done = create(seeded_session, supervisor, admin_id, endpoint="sup.nok")
    assert done.phone.endpoint == "sup.nok" and done.phone.context == "supervisor"


def test_an_endpoint_name_the_dialplan_cannot_reach_is_refused_naming_the_field(
        seeded_session, admin_id):
    agent = builders.user(seeded_session, Role.AGENT)
    with pytest.raises(InvalidInput) as refused:
        create(seeded_session, agent, admin_id, endpoint="somchai")
    assert refused.value.field == "endpoint"


def test_a_taken_endpoint_is_a_conflict(seeded_session, admin_id):
    agent = builders.user(seeded_session, Role.AGENT)
    with pytest.raises(Conflict) as refused:
        create(seeded_session, agent, admin_id, endpoint="agent1")
    assert refused.value.field == "endpoint"


def test_a_person_with_a_phone_gets_no_second_one(seeded_session, admin_id):
    agent = builders.user(seeded_session, Role.AGENT)
    create(seeded_session, agent, admin_id)
    with pytest.raises(Conflict) as refused:
        create(seeded_session, agent, admin_id, endpoint="agent.second")
    assert refused.value.field == "user_id"


@pytest.mark.parametrize("role", [Role.ADMIN, Role.UNIT_MEMBER])
def test_only_agents_and_supervisors_have_phones(seeded_session, admin_id, role):
    person = (builders.user_by_login(seeded_session, "unit.th50") if role is Role.UNIT_MEMBER
              else builders.user(seeded_session, role))
    with pytest.raises(InvalidInput) as refused:
        create(seeded_session, person, admin_id)
    assert refused.value.field == "user_id"


def test_a_new_password_replaces_the_credential_and_is_audited_redacted(seeded_session,
                                                                       admin_id):
    agent = builders.user(seeded_session, Role.AGENT)
    first = create(seeded_session, agent, admin_id)
    endpoint = first.phone.endpoint
    second = service.regenerate_password(seeded_session, endpoint=endpoint, version=1,
                                         actor_id=admin_id, source_ip=None)
    assert second.password != first.password
    auth = seeded_session.get(PsAuth, endpoint)
    assert auth.md5_cred == policy.md5_cred(endpoint, "asterisk", second.password)
    assert second.phone.version == 2
    event = audited(seeded_session, "phone.password", actor_id=admin_id, entity_type="phone",
                    entity_id=endpoint)
    assert event.changes == {"password": [CHANGED, CHANGED]}
    assert second.password not in stored_text(seeded_session, endpoint)


def test_a_change_drawn_from_an_old_version_is_refused_with_what_changed(seeded_session,
                                                                        admin_id):
    agent = builders.user(seeded_session, Role.AGENT)
    endpoint = create(seeded_session, agent, admin_id).phone.endpoint
    service.change_kind(seeded_session, endpoint=endpoint, kind=PhoneKind.WEBRTC, version=1,
                        actor_id=admin_id, source_ip=None)
    with pytest.raises(StaleEdit) as refused:
        service.change_kind(seeded_session, endpoint=endpoint, kind=PhoneKind.DESK, version=1,
                            actor_id=admin_id, source_ip=None)
    assert refused.value.changed == {"kind": "webrtc"}


def test_switching_to_webrtc_changes_the_options_and_is_audited(seeded_session, admin_id):
    agent = builders.user(seeded_session, Role.AGENT)
    endpoint = create(seeded_session, agent, admin_id).phone.endpoint
    phone = service.change_kind(seeded_session, endpoint=endpoint, kind=PhoneKind.WEBRTC,
                                version=1, actor_id=admin_id, source_ip=None)
    assert phone.kind is PhoneKind.WEBRTC and phone.transport == "transport-wss"
    event = audited(seeded_session, "phone.update", actor_id=admin_id, entity_type="phone",
                    entity_id=endpoint)
    assert event.changes["kind"] == ["desk", "webrtc"]
    assert event.changes["transport"] == ["transport-udp", "transport-wss"]


def test_removing_a_phone_deletes_its_rows_and_the_persons_interface(seeded_session,
                                                                     admin_id):
    agent = builders.user(seeded_session, Role.AGENT)
    endpoint = create(seeded_session, agent, admin_id).phone.endpoint
    service.remove(seeded_session, endpoint=endpoint, version=1, actor_id=admin_id,
                   source_ip=None)
    assert all(seeded_session.get(m, endpoint) is None for m in (PsEndpoint, PsAuth, PsAor))
    assert agent.phone_interface is None
    event = audited(seeded_session, "phone.delete", actor_id=admin_id, entity_type="phone",
                    entity_id=endpoint)
    assert event.changes["endpoint"] == [endpoint, None]
    with pytest.raises(NotFound):
        service.get(seeded_session, endpoint)


def test_the_seed_gives_each_demo_phone_its_realtime_rows_and_nothing_else(seeded_session):
    from callcenter.seed import DEMO_USERS

    phones = {p.endpoint: p for p in service.list_phones(seeded_session)}
    seeded = {u.login: u.phone_interface for u in DEMO_USERS if u.phone_interface}
    assert {p.login: p.interface for p in phones.values()} == seeded
    assert phones["agent2"].kind is PhoneKind.WEBRTC
    assert phones["supervisor"].context == "supervisor"
    assert phones["agent1"].login == "agent1"


def test_the_database_refuses_a_password_in_clear(seeded_session):
    with pytest.raises(IntegrityError), seeded_session.begin_nested():
        seeded_session.execute(text(
            "INSERT INTO ps_auths (id, auth_type, username, password) "
            "VALUES ('agent.plain', 'userpass', 'agent.plain', 'secret')"))


def test_seeding_again_gives_a_phone_back_to_a_demo_account_seeded_before_phones_were(
        seeded_session):
    from callcenter.seed import seed_all

    for model in (PsEndpoint, PsAuth, PsAor):
        seeded_session.delete(seeded_session.get(model, "agent1"))
    seeded_session.flush()
    seed_all(seeded_session, demo_users=True)
    seed_all(seeded_session, demo_users=True)
    assert seeded_session.get(PsEndpoint, "agent1").context == "agent-phones"
    assert len(service.list_phones(seeded_session)) == 5


def test_seeding_leaves_a_phone_an_admin_removed_removed(seeded_session, admin_id):
    from callcenter.seed import seed_all

    service.remove(seeded_session, endpoint="agent3", version=None, actor_id=admin_id,
                   source_ip=None)
    seed_all(seeded_session, demo_users=True)
    assert seeded_session.get(PsEndpoint, "agent3") is None
