"""Breaking the glass and reading by need to know, against the database: grants in force
and lapsed, the agent's current call, their team, and the supervisors' review."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from callcenter.agents import teams
from callcenter.agents.models import Role
from callcenter.audit import CHANGED, AuditEvent
from callcenter.calls.models import Call, CallOutcome
from callcenter.cases import access_grants, need_to_know, read_rights, service
from callcenter.cases.need_to_know import Why
from callcenter.db import utcnow
from callcenter.errors import Conflict, InvalidInput
from tests.support.audit_trail import audited, user_id

REASON = "ผู้โทรสอบถามเรื่องเคสนี้ เจ้าของเคสไม่อยู่เวร"


@dataclass(frozen=True)
class Reader:
    id: int
    role: Role = Role.AGENT
    phone_interface: str | None = None


@pytest.fixture
def world(seeded_session):
    """agent1's case; agent2 (on PJSIP/agent2) may not read it yet."""
    owner = user_id(seeded_session, "agent1")
    case = service.open_case(seeded_session, created_by_id=owner)
    seeded_session.flush()
    return case, Reader(user_id(seeded_session, "agent2"), phone_interface="PJSIP/agent2")


def call_on(db, case, *, interface, started_ago, ended_ago=None, uniqueid="1700000001.1"):
    now = utcnow()
    call = Call(node="pbx1", uniqueid=uniqueid, started_at=now - started_ago,
                ended_at=None if ended_ago is None else now - ended_ago,
                agent_interface=interface, outcome=CallOutcome.IN_PROGRESS)
    db.add(call)
    db.flush()
    service.link_call(db, case, call_id=call.id, actor_id=None)
    db.flush()
    return call


def test_an_agent_may_not_read_another_agents_case(seeded_session, world):
    case, agent2 = world
    assert read_rights.access(seeded_session, agent2, case, now=utcnow()) is None
    boss = Reader(user_id(seeded_session, "supervisor"), Role.SUPERVISOR)
    assert read_rights.access(seeded_session, boss, case, now=utcnow()).why is Why.ROLE


def test_breaking_the_glass_gives_a_shift_long_grant_audited_without_its_reason(
        seeded_session, world):
    case, agent2 = world
    now = utcnow()
    grant = access_grants.break_glass(seeded_session, case=case, user_id=agent2.id,
                                      reason=REASON, now=now, source_ip="10.0.0.9")
    assert grant.expires_at == now + timedelta(hours=8) and grant.reason == REASON
    event = audited(seeded_session, "case.break_glass", actor_id=agent2.id,
                    entity_type="case", entity_id=case.id)
    assert event.changes["grant_id"] == [None, grant.id] and event.source_ip == "10.0.0.9"
    assert REASON not in str(event.changes)
    found = read_rights.access(seeded_session, agent2, case, now=now + timedelta(hours=7))
    assert found.why is Why.GRANT and found.until == grant.expires_at
    assert read_rights.access(seeded_session, agent2, case, now=grant.expires_at) is None


def test_breaking_the_glass_without_a_real_reason_writes_nothing(seeded_session, world):
    case, agent2 = world
    with pytest.raises(InvalidInput):
        access_grants.break_glass(seeded_session, case=case, user_id=agent2.id,
                                  reason="ดูหน่อย", now=utcnow())
    assert seeded_session.scalars(select(AuditEvent).where(
        AuditEvent.action == "case.break_glass")).all() == []


def test_the_case_of_the_call_on_the_agents_phone_is_readable_until_half_an_hour_after(
        seeded_session, world):
    case, agent2 = world
    call = call_on(seeded_session, case, interface="PJSIP/agent2",
                   started_ago=timedelta(minutes=3))
    assert read_rights.access(seeded_session, agent2, case, now=utcnow()).why \
        is Why.CURRENT_CALL
    call.ended_at = utcnow() - timedelta(minutes=20)
    seeded_session.flush()
    assert read_rights.access(seeded_session, agent2, case, now=utcnow()).why \
        is Why.CURRENT_CALL
    call.ended_at = utcnow() - timedelta(minutes=31)
    seeded_session.flush()
    assert read_rights.access(seeded_session, agent2, case, now=utcnow()) is None


def test_a_call_on_someone_elses_phone_opens_nothing(seeded_session, world):
    case, agent2 = world
    call_on(seeded_session, case, interface="PJSIP/agent3", started_ago=timedelta(minutes=3))
    assert read_rights.access(seeded_session, agent2, case, now=utcnow()) is None
    # Named on the record by the bridge (agent_user_id) counts as on their phone.
    call_on(seeded_session, case, interface=None, started_ago=timedelta(minutes=1),
            uniqueid="1700000002.1").agent_user_id = agent2.id
    seeded_session.flush()
    assert read_rights.access(seeded_session, agent2, case, now=utcnow()).why \
        is Why.CURRENT_CALL


def test_the_cases_team_reads_it_and_other_teams_do_not(seeded_session, world):
    case, agent2 = world
    theirs = teams.create_team(seeded_session, name="ทีมติดตาม ทดสอบ", member_ids=[agent2.id])
    others = teams.create_team(seeded_session, name="ทีมอื่น ทดสอบ", member_ids=[])
    case.team_id = others.id
    seeded_session.flush()
    assert read_rights.access(seeded_session, agent2, case, now=utcnow()) is None
    case.team_id = theirs.id
    seeded_session.flush()
    assert read_rights.access(seeded_session, agent2, case, now=utcnow()).why is Why.TEAM
    theirs.active = False  # a disbanded team shares nothing
    seeded_session.flush()
    assert read_rights.access(seeded_session, agent2, case, now=utcnow()) is None


def test_search_results_say_which_cases_are_readable(seeded_session, world):
    case, agent2 = world
    mine = service.open_case(seeded_session, created_by_id=agent2.id)
    seeded_session.flush()
    assert read_rights.readable_ids(seeded_session, agent2, [case, mine],
                                    now=utcnow()) == {mine.id}


def test_supervisors_review_each_opening_once_newest_first(seeded_session, world):
    case, agent2 = world
    boss = user_id(seeded_session, "supervisor")
    now = utcnow()
    first = access_grants.break_glass(seeded_session, case=case, user_id=agent2.id,
                                      reason=REASON, now=now - timedelta(hours=1))
    second = access_grants.break_glass(seeded_session, case=case, user_id=agent2.id,
                                       reason=REASON + " อีกครั้ง", now=now)
    listed = access_grants.review_list(seeded_session)
    assert [r.grant.id for r in listed] == [second.id, first.id]
    assert listed[0].case_number == case.number and listed[0].who.login == "agent2"

    access_grants.mark_reviewed(seeded_session, first, reviewer_id=boss,
                                note="ตรวจแล้ว เหมาะสม", now=now)
    assert first.reviewed_by_id == boss and first.review_note == "ตรวจแล้ว เหมาะสม"
    event = audited(seeded_session, "case.break_glass_review", actor_id=boss,
                    entity_type="case", entity_id=case.id)
    assert event.changes["review_note"] == [CHANGED, CHANGED]
    assert [r.grant.id for r in access_grants.review_list(
        seeded_session, unreviewed_only=True)] == [second.id]
    with pytest.raises(Conflict):
        access_grants.mark_reviewed(seeded_session, first, reviewer_id=boss, note=None,
                                    now=now)
    assert first.review_note == "ตรวจแล้ว เหมาะสม"


def statements_during(db, read) -> tuple[object, int]:
    count = 0

    def counted(*args) -> None:
        nonlocal count
        count += 1

    engine = db.get_bind()
    event.listen(engine, "before_cursor_execute", counted)
    try:
        return read(), count
    finally:
        event.remove(engine, "before_cursor_execute", counted)


def test_an_agent_reading_their_own_case_costs_no_query(seeded_session, world):
    case, _ = world
    owner = Reader(case.owner_id, phone_interface="PJSIP/agent1")
    found, statements = statements_during(
        seeded_session, lambda: read_rights.access(seeded_session, owner, case, now=utcnow()))
    assert found.why is Why.OWNER and statements == 0


def test_the_facts_read_as_far_as_needed_give_the_rules_answer_on_all_facts(
        seeded_session, world):
    """Team, call and grant each checked alone: the answer is the rule's on every fact."""
    case, agent2 = world
    now = utcnow()

    def both() -> tuple[object, object]:
        lazy = read_rights.access(seeded_session, agent2, case, now=now)
        full = need_to_know.access(read_rights.facts(seeded_session, agent2, now=now),
                                   case, now=now)
        return lazy, full

    lazy, full = both()
    assert lazy is None and full is None
    call_on(seeded_session, case, interface="PJSIP/agent2", started_ago=timedelta(minutes=2))
    lazy, full = both()
    assert lazy == full and lazy.why is Why.CURRENT_CALL
    case.team_id = teams.create_team(seeded_session, name="ทีมลำดับ ทดสอบ",
                                     member_ids=[agent2.id]).id
    seeded_session.flush()
    lazy, full = both()
    assert lazy == full and lazy.why is Why.TEAM
