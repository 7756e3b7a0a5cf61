"""One-time set-up links: issued by an admin, used once within a day, never stored whole."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from callcenter.agents import password_changes, setup_links
from callcenter.agents import service as agents
from callcenter.agents.models import ConsoleSession, SetupLink, User
from callcenter.agents.passwords import WeakPassword
from callcenter.audit import AuditEvent
from callcenter.db import utcnow
from callcenter.seed import DEMO_PASSWORD

NEW = "แมวสีส้มนอนบนหลังคา"


def _user(session, login: str) -> User:
    return session.scalar(select(User).where(User.login == login))


def _issue(session, login="agent2", *, now=None):
    admin, person = _user(session, "admin"), _user(session, login)
    return setup_links.issue(session, user_id=person.id, actor_id=admin.id,
                             now=now or utcnow(), source_ip="10.0.0.9"), person


def test_a_link_sets_the_password_once_and_clears_a_forced_change(seeded_session):
    token, person = _issue(seeded_session)
    person.must_change_password = True
    now = utcnow()
    assert setup_links.peek(seeded_session, token, now=now).login == "agent2"
    setup_links.redeem(seeded_session, token, NEW, now=now)
    assert agents.verify_password(person.password_hash, NEW)
    assert person.password_changed_at == now and not person.must_change_password
    with pytest.raises(setup_links.SetupLinkInvalid):
        setup_links.redeem(seeded_session, token, NEW + "x", now=now)


def test_only_the_tokens_hash_is_stored_and_the_audit_names_no_token(seeded_session):
    token, person = _issue(seeded_session)
    row = seeded_session.scalar(select(SetupLink).where(SetupLink.user_id == person.id))
    assert row.token_hash == setup_links.token_hash(token) and token not in row.token_hash
    event = seeded_session.scalar(select(AuditEvent).where(
        AuditEvent.action == "user.setup_link"))
    assert event.entity_id == str(person.id) and token not in str(event.changes)


def test_a_link_expires_after_a_day(seeded_session):
    start = utcnow()
    token, _person = _issue(seeded_session, now=start)
    with pytest.raises(setup_links.SetupLinkInvalid):
        setup_links.redeem(seeded_session, token, NEW, now=start + timedelta(hours=24))


def test_a_new_link_ends_the_older_unused_one(seeded_session):
    first, _person = _issue(seeded_session)
    second, _person = _issue(seeded_session)
    now = utcnow()
    with pytest.raises(setup_links.SetupLinkInvalid):
        setup_links.peek(seeded_session, first, now=now)
    assert setup_links.peek(seeded_session, second, now=now).login == "agent2"


def test_an_unknown_link_answers_like_a_used_one(seeded_session):
    with pytest.raises(setup_links.SetupLinkInvalid) as unknown:
        setup_links.peek(seeded_session, "no-such-token", now=utcnow())
    assert unknown.value.status_code == 404


def test_a_refused_password_leaves_the_link_usable(seeded_session):
    token, person = _issue(seeded_session)
    now = utcnow()
    with pytest.raises(WeakPassword) as refused:
        setup_links.redeem(seeded_session, token, "agent2-agent2", now=now)
    assert refused.value.code == "password_personal"
    with pytest.raises(WeakPassword) as differ:
        setup_links.redeem(seeded_session, token, NEW, again=NEW + "!", now=now)
    assert differ.value.field == "password_again"
    setup_links.redeem(seeded_session, token, NEW, again=NEW, now=now)
    event = seeded_session.scalar(select(AuditEvent).where(
        AuditEvent.action == "user.password_set"))
    assert event.actor_id == person.id
    assert event.changes["password_hash"] == ["(changed)", "(changed)"]


def test_a_disabled_persons_link_cannot_be_used(seeded_session):
    token, person = _issue(seeded_session)
    person.active = False
    with pytest.raises(setup_links.SetupLinkInvalid):
        setup_links.redeem(seeded_session, token, NEW, now=utcnow())


def test_changing_ones_own_password_wants_the_current_one_and_signs_out_the_rest(
        seeded_session):
    person = _user(seeded_session, "agent2")
    for key in ("a" * 64, "b" * 64):
        seeded_session.add(ConsoleSession(token_hash=key, user_id=person.id, csrf_token="t"))
    seeded_session.flush()
    with pytest.raises(password_changes.WrongCurrentPassword):
        password_changes.change_own(seeded_session, user_id=person.id, current="nope",
                                    password=NEW, again=NEW, now=utcnow(), session_key="a" * 64)
    password_changes.change_own(seeded_session, user_id=person.id, current=DEMO_PASSWORD,
                                password=NEW, again=NEW, now=utcnow(), session_key="a" * 64)
    left = seeded_session.scalars(select(ConsoleSession.token_hash).where(
        ConsoleSession.user_id == person.id)).all()
    assert left == ["a" * 64]


def test_an_admin_forcing_a_change_is_audited_and_counts_as_an_edit(seeded_session):
    admin, person = _user(seeded_session, "admin"), _user(seeded_session, "agent2")
    version = person.version
    password_changes.force_change(seeded_session, user_id=person.id, actor_id=admin.id)
    assert person.must_change_password and person.version == version + 1
    event = seeded_session.scalar(select(AuditEvent).where(
        AuditEvent.action == "user.force_password_change"))
    assert event.changes == {"must_change_password": [False, True]}
