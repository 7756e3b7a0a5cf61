"""An admin keeps people's accounts: created without a password, edited with a version,
disabled rather than deleted, every change audited with its before and after values."""

from datetime import timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from callcenter.agents import people, service
from callcenter.agents.models import ConsoleSession, Role, User
from callcenter.agents.schemas import PersonFields
from callcenter.audit import AuditEvent
from callcenter.db import utcnow
from callcenter.errors import Conflict, InvalidInput, StaleEdit


def _user(session, login: str) -> User:
    return session.scalar(select(User).where(User.login == login))


def _events(session, action: str, user_id: int) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(
        AuditEvent.action == action, AuditEvent.entity_id == str(user_id))))


def _agent(**extra) -> PersonFields:
    values = {"login": "Somsri.K", "display_name": "สมศรี ขยัน", "role": "agent",
              "languages": ["th", "my"],
              "skills": [{"queue": "violence", "penalty": 0}, {"queue": "burmese", "penalty": 2}]}
    return PersonFields(**{**values, **extra})


def _create(session, **extra) -> User:
    admin = _user(session, "admin")
    return people.create_person(session, _agent(**extra), actor_id=admin.id, source_ip="10.0.0.9")


def test_a_new_person_cannot_sign_in_until_a_password_is_set(seeded_session):
    user = _create(seeded_session)
    assert user.login == "somsri.k"  # one spelling is stored
    assert user.password_hash.startswith("$argon2")
    with pytest.raises(service.SignInRefused):
        service.authenticate(seeded_session, login="somsri.k", password="", now=utcnow())
    view = people.person_view(seeded_session, user.id, now=utcnow())
    assert view.skills == {"violence": 0, "burmese": 2}
    assert view.languages == ["th", "my"] and view.version == 1
    assert view.totp_enrolled is False and view.last_sign_in_at is None


def test_creating_a_person_is_audited_with_every_value_it_set(seeded_session):
    user = _create(seeded_session)
    [event] = _events(seeded_session, "user.create", user.id)
    assert event.source_ip == "10.0.0.9"
    assert event.changes["login"] == [None, "somsri.k"]
    assert event.changes["skills"] == [None, {"violence": 0, "burmese": 2}]
    assert "password_hash" not in event.changes


def test_a_taken_login_is_refused_naming_the_field(seeded_session):
    with pytest.raises(Conflict) as refused:
        _create(seeded_session, login="agent1")
    assert refused.value.field == "login"


def test_an_unknown_unit_or_queue_is_refused_naming_the_field(seeded_session):
    with pytest.raises(InvalidInput) as no_unit:
        _create(seeded_session, role="unit_member", unit_code="RRU-TH-99", skills=[])
    assert no_unit.value.field == "unit_code"
    with pytest.raises(InvalidInput) as no_queue:
        _create(seeded_session, skills=[{"queue": "nosuchqueue", "penalty": 1}])
    assert no_queue.value.field == "skills"


@pytest.mark.parametrize(("extra", "field", "kind"), [
    ({"login": "a b"}, "login", "string_pattern_mismatch"),
    ({"login": "ab"}, "login", "string_too_short"),
    ({"display_name": ""}, "display_name", "string_too_short"),
    ({"role": "unit_member", "skills": []}, "unit_code", "unit_required"),
    ({"unit_code": "RRU-TH-50"}, "unit_code", "unit_not_allowed"),
    ({"role": "admin"}, "skills", "skills_not_allowed"),
    ({"languages": ["fr"]}, "languages", "enum"),
    ({"skills": [{"queue": "violence", "penalty": 11}]}, "penalty", "less_than_equal"),
    ({"skills": [{"queue": "violence"}, {"queue": "violence"}]}, "skills", "skill_twice"),
])
def test_the_fields_are_checked_one_by_one_with_a_named_error(extra, field, kind):
    with pytest.raises(ValidationError) as refused:
        _agent(**extra)
    errors = refused.value.errors()
    assert any(str(e["loc"][-1]) == field or field in [str(p) for p in e["loc"]]
               for e in errors), errors
    assert kind in {e["type"] for e in errors}


def test_a_unit_member_belongs_to_the_unit_given(seeded_session):
    user = _create(seeded_session, login="kanda.unit", role="unit_member",
                   unit_code="rru-th-50", skills=[])
    assert people.person_view(seeded_session, user.id, now=utcnow()).unit_code == "RRU-TH-50"


def test_an_edit_is_saved_audited_with_before_and_after_and_moves_the_version_on(seeded_session):
    user = _create(seeded_session)
    admin = _user(seeded_session, "admin")
    edited = _agent(display_name="สมศรี ขยันยิ่ง", skills=[{"queue": "violence", "penalty": 1}])
    people.update_person(seeded_session, user.id, edited, version=1, actor_id=admin.id)
    assert user.version == 2
    [event] = _events(seeded_session, "user.update", user.id)
    assert event.changes == {
        "display_name": ["สมศรี ขยัน", "สมศรี ขยันยิ่ง"],
        "skills": [{"violence": 0, "burmese": 2}, {"violence": 1}],
    }
    assert people.person_view(seeded_session, user.id, now=utcnow()).skills == {"violence": 1}


def test_an_edit_drawn_from_an_older_version_is_refused_naming_what_changed(seeded_session):
    user = _create(seeded_session)
    admin = _user(seeded_session, "admin")
    people.update_person(seeded_session, user.id, _agent(display_name="คนแรกแก้"),
                         version=1, actor_id=admin.id)
    with pytest.raises(StaleEdit) as stale:
        people.update_person(seeded_session, user.id, _agent(display_name="คนที่สองแก้"),
                             version=1, actor_id=admin.id)
    assert stale.value.changed == {"display_name": "คนแรกแก้"}
    assert user.display_name == "คนแรกแก้"


def test_an_edit_that_changes_nothing_writes_nothing(seeded_session):
    user = _create(seeded_session)
    admin = _user(seeded_session, "admin")
    people.update_person(seeded_session, user.id, _agent(), version=1, actor_id=admin.id)
    assert user.version == 1 and _events(seeded_session, "user.update", user.id) == []


def test_disabling_ends_the_persons_sessions_and_is_undone_by_enabling(seeded_session):
    agent = _user(seeded_session, "agent1")
    admin = _user(seeded_session, "admin")
    seeded_session.add(ConsoleSession(token_hash="x" * 64, user_id=agent.id, csrf_token="c"))
    seeded_session.flush()
    people.disable_person(seeded_session, agent.id, actor_id=admin.id)
    assert agent.active is False
    assert seeded_session.scalars(select(ConsoleSession).where(
        ConsoleSession.user_id == agent.id)).all() == []
    [event] = _events(seeded_session, "user.disable", agent.id)
    assert event.changes["active"] == [True, False]
    people.enable_person(seeded_session, agent.id, actor_id=admin.id)
    assert agent.active is True and agent.version == 3
    assert _events(seeded_session, "user.enable", agent.id)[0].changes == {
        "active": [False, True]}


def test_an_admin_cannot_disable_or_demote_themselves(seeded_session):
    admin = _user(seeded_session, "admin")
    with pytest.raises(people.OwnAccount) as disable:
        people.disable_person(seeded_session, admin.id, actor_id=admin.id)
    assert disable.value.field == "active"
    demoted = PersonFields(login="admin", display_name=admin.display_name, role="supervisor")
    with pytest.raises(people.OwnAccount) as demote:
        people.update_person(seeded_session, admin.id, demoted, version=admin.version,
                             actor_id=admin.id)
    assert demote.value.field == "role"


def test_the_last_active_admin_cannot_be_disabled_or_demoted(seeded_session):
    admin = _user(seeded_session, "admin")
    other = people.create_person(seeded_session, PersonFields(
        login="admin2", display_name="ผู้ดูแลคนที่สอง", role="admin"), actor_id=admin.id)
    # Two admins: one may disable the other; then the one left is the last.
    people.disable_person(seeded_session, admin.id, actor_id=other.id)
    with pytest.raises(people.LastAdmin):
        people.disable_person(seeded_session, other.id, actor_id=_user(seeded_session,
                                                                       "supervisor").id)
    demoted = PersonFields(login="admin2", display_name="ผู้ดูแลคนที่สอง", role="agent")
    with pytest.raises(people.LastAdmin):
        people.update_person(seeded_session, other.id, demoted, version=other.version,
                             actor_id=_user(seeded_session, "supervisor").id)


def test_resetting_the_authenticator_and_signing_out_everywhere_are_audited(seeded_session):
    supervisor = _user(seeded_session, "supervisor")
    admin = _user(seeded_session, "admin")
    supervisor.totp_secret = "sealed"
    seeded_session.add(ConsoleSession(token_hash="y" * 64, user_id=supervisor.id, csrf_token="c"))
    seeded_session.flush()
    assert people.sign_out_everywhere(seeded_session, supervisor.id, actor_id=admin.id) == 1
    people.reset_totp(seeded_session, supervisor.id, actor_id=admin.id)
    assert supervisor.totp_secret is None
    assert _events(seeded_session, "user.totp_reset", supervisor.id)[0].changes == {
        "totp_enrolled": [True, False]}
    assert _events(seeded_session, "user.sign_out_all", supervisor.id)[0].changes == {
        "sessions_ended": [None, 1]}


def test_search_finds_by_login_or_name_and_filters_and_pages(seeded_session):
    now = utcnow()
    found = people.search_people(seeded_session, text="สมหญิง", now=now)
    assert [row.login for row in found.rows] == ["agent1"]
    agents = people.search_people(seeded_session, role=Role.AGENT, now=now)
    assert {row.login for row in agents.rows} >= {"agent1", "agent2"}
    assert all(row.role == Role.AGENT for row in agents.rows)
    # A percent sign is a character to look for, not a wildcard.
    assert people.search_people(seeded_session, text="%", now=now).rows == []
    paged = people.search_people(seeded_session, page=2, page_size=3, now=now)
    assert paged.page == 2 and len(paged.rows) == 3 and paged.pages >= 3


def test_the_list_shows_who_is_locked_now(seeded_session):
    agent = _user(seeded_session, "agent2")
    now = utcnow()
    agent.locked_until = now + timedelta(minutes=5)
    seeded_session.flush()
    row = people.search_people(seeded_session, text="agent2", now=now).rows[0]
    assert row.locked is True
    admin = _user(seeded_session, "admin")
    people.unlock_person(seeded_session, agent.id, actor_id=admin.id)
    assert people.person_view(seeded_session, agent.id, now=now).locked is False
    assert _events(seeded_session, "auth.unlock", agent.id)
