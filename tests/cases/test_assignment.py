"""Reassigning cases in the database: owner and team move, the history and the trail
keep it, a stale form or a refused case changes nothing, and what is due next."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from callcenter.agents import teams
from callcenter.agents.models import Team, TeamMember
from callcenter.audit import AuditEvent
from callcenter.cases import assignment, caseload, service
from callcenter.cases.models import Case, CaseStatus, ClosureOutcome, ReferralStatus
from callcenter.cases.schemas import ReferralIn
from callcenter.cases.work_models import CaseAssignment
from callcenter.db import utcnow
from callcenter.errors import Conflict, Forbidden, InvalidInput, StaleEdit
from callcenter.seed import DEMO_TEAM
from tests.support.audit_trail import audited, user_id


@pytest.fixture(autouse=True)
def agents_in_the_team(request):
    """agent1 and agent2 join the demo's follow-up team (the seed keeps them out of it),
    in the tests on the rolled-back seeded session (not those of committing sessions)."""
    if "seeded_session" in request.fixturenames:
        join_the_team(request.getfixturevalue("seeded_session"), "agent1", "agent2")


def join_the_team(db, *logins: str) -> None:
    team_id = db.scalar(select(Team.id).where(Team.name == DEMO_TEAM))
    for login in logins:
        db.add(TeamMember(team_id=team_id, user_id=user_id(db, login)))
    db.flush()


@pytest.fixture
def people(seeded_session):
    return {login: user_id(seeded_session, login)
            for login in ("agent1", "agent2", "agent3", "supervisor", "admin", "unit.th50")}


def screened(db, actor, **fields):
    case = service.open_case(db, created_by_id=actor, **fields)
    service.change_status(db, case, to=CaseStatus.SCREENING, actor_id=actor)
    return case


def demo_team(db) -> int:
    return db.scalar(select(Team.id).where(Team.name == DEMO_TEAM))


def test_a_case_opened_by_a_worker_in_one_team_starts_in_that_team(seeded_session, people):
    case = screened(seeded_session, people["agent1"])
    assert case.team_id == demo_team(seeded_session) and case.version == 1
    # The admin is in no team; in two teams there is no single default either.
    assert screened(seeded_session, people["admin"]).team_id is None
    teams.create_team(seeded_session, name="ทีมเชียงใหม่", member_ids=[people["agent1"]])
    assert screened(seeded_session, people["agent1"]).team_id is None


def test_the_owner_reassigns_with_a_reason_kept_on_the_history_and_audited(
        seeded_session, people):
    case = screened(seeded_session, people["agent1"])
    row = assignment.reassign(seeded_session, case.id, to_owner_id=people["agent2"],
                              actor_id=people["agent1"], actor_role="agent",
                              reason="ผู้แจ้งพูดภาษาเขมร", version=1)
    assert (case.owner_id, case.team_id, case.version) == (
        people["agent2"], demo_team(seeded_session), 2)
    assert (row.from_owner_id, row.to_owner_id, row.by_id, row.reason) == (
        people["agent1"], people["agent2"], people["agent1"], "ผู้แจ้งพูดภาษาเขมร")
    assert assignment.history(seeded_session, case) == [row]
    event = audited(seeded_session, "case.reassign", actor_id=people["agent1"],
                    entity_type="case", entity_id=case.id)
    assert event.changes == {"owner_id": [people["agent1"], people["agent2"]]}
    # The reason is on the case, never in the trail.
    assert "เขมร" not in str(event.changes)


def test_a_supervisor_moves_a_case_to_another_team_or_out_of_its_team(seeded_session, people):
    case = screened(seeded_session, people["agent1"])
    other = teams.create_team(seeded_session, name="ทีม พมจ. เชียงใหม่",
                              province_code="TH-50")
    assignment.reassign(seeded_session, case.id, to_owner_id=people["agent1"],
                        actor_id=people["supervisor"], actor_role="supervisor",
                        reason="ส่งทีมจังหวัด", keep_team=False, to_team_id=other.id)
    assert (case.owner_id, case.team_id) == (people["agent1"], other.id)
    assignment.reassign(seeded_session, case.id, to_owner_id=people["agent1"],
                        actor_id=people["supervisor"], actor_role="supervisor",
                        reason="ไม่ต้องมีทีม", keep_team=False, to_team_id=None)
    assert case.team_id is None and case.version == 3


def test_refusals_say_why_and_change_nothing(seeded_session, people):
    case = screened(seeded_session, people["agent1"])

    def attempt(**kw):
        args = {"to_owner_id": people["agent2"], "actor_id": people["agent1"],
                "actor_role": "agent", "reason": "ส่งต่อ", **kw}
        return assignment.reassign(seeded_session, case.id, **args)

    with pytest.raises(Forbidden):
        attempt(actor_id=people["agent3"])
    with pytest.raises(InvalidInput, match="active agent or supervisor"):
        attempt(to_owner_id=people["unit.th50"])
    with pytest.raises(Conflict, match="already has this owner and team"):
        attempt(to_owner_id=people["agent1"])
    with pytest.raises(Exception, match="give the reason"):
        attempt(reason="  ")
    inactive = teams.create_team(seeded_session, name="ทีมเก่า")
    inactive.active = False
    with pytest.raises(InvalidInput, match="active team"):
        attempt(keep_team=False, to_team_id=inactive.id)
    with pytest.raises(StaleEdit) as stale:
        attempt(version=7)
    assert stale.value.changed == {"owner_id": people["agent1"],
                                   "team_id": demo_team(seeded_session)}
    assert case.owner_id == people["agent1"] and case.version == 1
    assert assignment.history(seeded_session, case) == []


def test_a_closed_case_is_not_reassigned(seeded_session, people):
    case = screened(seeded_session, people["agent1"])
    service.change_status(seeded_session, case, to=CaseStatus.CLOSED,
                          actor_id=people["agent1"], outcome=ClosureOutcome.RESOLVED)
    with pytest.raises(Conflict, match="closed case"):
        assignment.reassign(seeded_session, case.id, to_owner_id=people["agent2"],
                            actor_id=people["supervisor"], actor_role="supervisor",
                            reason="ส่งต่อ")


def test_a_hand_over_deals_the_cases_in_turn_and_audits_each(seeded_session, people):
    cases = [screened(seeded_session, people["agent1"]) for _ in range(3)]
    rows = assignment.handover(
        seeded_session, [(c.id, c.version) for c in cases],
        [people["agent2"], people["agent3"]], actor_id=people["supervisor"],
        actor_role="supervisor", reason=None)
    assert [c.owner_id for c in cases] == [people["agent2"], people["agent3"],
                                           people["agent2"]]
    assert {r.reason for r in rows} == {assignment.HANDOVER_REASON}
    # Each keeps its team.
    assert {c.team_id for c in cases} == {demo_team(seeded_session)}
    for case in cases:
        audited(seeded_session, "case.handover", actor_id=people["supervisor"],
                entity_type="case", entity_id=case.id)


def test_one_stale_case_refuses_the_whole_hand_over_naming_it(seeded_session, people):
    first, second = (screened(seeded_session, people["agent1"]) for _ in range(2))
    assignment.reassign(seeded_session, second.id, to_owner_id=people["agent3"],
                        actor_id=people["supervisor"], actor_role="supervisor",
                        reason="คนอื่นโอนก่อน")
    events = seeded_session.scalar(select(func.count()).select_from(AuditEvent))
    with pytest.raises(StaleEdit) as refused:
        assignment.handover(seeded_session, [(first.id, 1), (second.id, 1)],
                            [people["agent2"]], actor_id=people["supervisor"],
                            actor_role="supervisor", reason="ส่งเวร")
    assert second.number in refused.value.message
    assert "nothing was reassigned" in refused.value.message
    assert first.owner_id == people["agent1"] and first.version == 1
    assert seeded_session.scalar(select(func.count()).select_from(AuditEvent)) == events
    assert assignment.history(seeded_session, first) == []


def test_only_a_supervisor_or_admin_hands_over_and_each_case_once(seeded_session, people):
    case = screened(seeded_session, people["agent1"])
    with pytest.raises(Forbidden):
        assignment.handover(seeded_session, [(case.id, 1)], [people["agent2"]],
                            actor_id=people["agent1"], actor_role="agent", reason="ส่งเวร")
    with pytest.raises(InvalidInput, match="twice"):
        assignment.handover(seeded_session, [(case.id, 1), (case.id, 1)],
                            [people["agent2"]], actor_id=people["supervisor"],
                            actor_role="supervisor", reason="ส่งเวร")


def test_the_new_owner_is_told_unless_they_reassigned_it_themselves(people):
    rows = [CaseAssignment(case_id=5, to_owner_id=people["agent2"]),
            CaseAssignment(case_id=6, to_owner_id=people["supervisor"])]
    told = assignment.notices(rows, {5: "1300-2569-000005", 6: "1300-2569-000006"},
                              actor_id=people["supervisor"], by="หัวหน้าเวร")
    assert told == [(people["agent2"], {
        "kind": "case_assigned", "case_id": 5, "case_number": "1300-2569-000005",
        "by": "หัวหน้าเวร", "cases": [{"case_id": 5, "case_number": "1300-2569-000005"}]})]
    # A hand-over tells each new owner once, naming all their cases.
    rows.append(CaseAssignment(case_id=7, to_owner_id=people["agent2"]))
    told = assignment.notices(rows, {5: "A", 6: "B", 7: "C"},
                              actor_id=people["supervisor"], by="หัวหน้าเวร")
    assert [(user, n["case_id"], n["cases"]) for user, n in told] == [
        (people["agent2"], 5, [{"case_id": 5, "case_number": "A"},
                               {"case_id": 7, "case_number": "C"}])]


def refer(db, case, actor, *, due_in: timedelta):
    return service.refer(db, case, actor_id=actor, referral=ReferralIn(
        agency_type="police", agency_name="สภ.เมือง", due_at=utcnow() + due_in))


def test_what_is_due_next_is_the_earliest_referral_still_waiting(seeded_session, people):
    agent = people["agent1"]
    soon, later, none = (screened(seeded_session, agent) for _ in range(3))
    refer(seeded_session, soon, agent, due_in=timedelta(hours=5))
    answered = refer(seeded_session, soon, agent, due_in=timedelta(hours=1))
    service.move_referral(seeded_session, answered, to=ReferralStatus.REVOKED, actor_id=agent)
    refer(seeded_session, later, agent, due_in=timedelta(days=2))
    due = assignment.next_due(seeded_session, [soon.id, later.id, none.id])
    assert due[none.id] is None
    assert timedelta(hours=4) < due[soon.id] - utcnow() < timedelta(hours=6)
    # My cases: the one due soonest first, nothing due last.
    rows = caseload.open_owned(seeded_session, agent)
    assert [r.case.id for r in rows] == [soon.id, later.id, none.id]
    assert assignment.next_due(seeded_session, []) == {}


def test_my_teams_open_cases_leave_out_mine_and_closed_ones(seeded_session, people):
    mine = screened(seeded_session, people["agent1"])
    theirs = screened(seeded_session, people["agent2"])
    closed = screened(seeded_session, people["agent2"])
    service.change_status(seeded_session, closed, to=CaseStatus.CLOSED,
                          actor_id=people["agent2"], outcome=ClosureOutcome.RESOLVED)
    listed = {r.case.id for r in caseload.teams_open(seeded_session, people["agent1"])}
    assert theirs.id in listed and mine.id not in listed and closed.id not in listed
    assert caseload.teams_open(seeded_session, people["admin"]) == []
    assert [r.case.id for r in caseload.closed_owned(seeded_session, people["agent2"])] == [
        closed.id]


def test_two_reassignments_at_the_same_moment_leave_one_and_refuse_the_other(
        committing_sessionmaker):
    from callcenter.seed import seed_all

    with committing_sessionmaker() as session:
        seed_all(session, demo_users=True)
        ids = {login: user_id(session, login) for login in ("agent1", "agent2", "agent3",
                                                             "supervisor")}
        case_id = screened(session, ids["agent1"]).id
        session.commit()
    first = committing_sessionmaker()
    assignment.reassign(first, case_id, to_owner_id=ids["agent2"], actor_id=ids["agent1"],
                        actor_role="agent", reason="ฉันเข้าเวรดึกไม่ได้", version=1)
    refused: list[Exception] = []

    def second() -> None:
        with committing_sessionmaker() as session:
            try:
                # Drawn from version 1 too; waits on the first's row lock, then sees 2.
                assignment.reassign(session, case_id, to_owner_id=ids["agent3"],
                                    actor_id=ids["supervisor"], actor_role="supervisor",
                                    reason="ส่งเวร", version=1)
                session.commit()
            except StaleEdit as exc:
                refused.append(exc)

    racer = threading.Thread(target=second)
    racer.start()
    racer.join(1)
    assert racer.is_alive()  # waiting on the lock, not past it
    first.commit()
    first.close()
    racer.join(30)
    assert len(refused) == 1
    with committing_sessionmaker() as session:
        case = session.get(Case, case_id)
        assert (case.owner_id, case.version) == (ids["agent2"], 2)
        assert session.scalar(select(func.count()).select_from(CaseAssignment)) == 1
