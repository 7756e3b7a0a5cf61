"""Merging a duplicate into the case that carries on, and an admin's undo: every table's
rows move and come back exactly, the duplicate closes and reopens as it was, both are
audited, and a refused merge leaves nothing half-done."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from callcenter.cases import closure, contacts, follow_ups, merging, service
from callcenter.cases import search as case_search
from callcenter.cases.follow_up_models import FollowUpTask, TaskKind
from callcenter.cases.models import (
    CaseCall,
    CaseContact,
    CaseNote,
    CasePerson,
    CaseStatus,
    ClosureOutcome,
    ClosureRequest,
    ContactChannel,
    PersonRole,
    Referral,
)
from callcenter.cases.schemas import ReferralIn
from callcenter.chat.models import Conversation
from callcenter.db import utcnow
from callcenter.dispatch import service as dispatches
from callcenter.dispatch.models import Dispatch
from callcenter.errors import Conflict, Forbidden, InvalidInput, NotFound
from callcenter.intake import public_reports
from callcenter.intake.models import PublicReport, ReportSource
from callcenter.intake.schemas import PublicReportIn
from callcenter.models import Base
from tests.agent_console.console_support import add_call
from tests.support.audit_trail import audited, user_id


@pytest.fixture
def people(seeded_session):
    db = seeded_session
    return {login: user_id(db, login) for login in ("agent1", "supervisor", "admin")}


def open_case(db, actor, **fields):
    case = service.open_case(db, created_by_id=actor, province_code="TH-50", **fields)
    service.change_status(db, case, to=CaseStatus.SCREENING, actor_id=actor)
    return case


def with_work(db, case, actor, *, uniqueid):
    """One row of every movable table on the case."""
    db.add(CasePerson(case_id=case.id, role=PersonRole.VICTIM, full_name="มาลี"))
    service.add_note(db, case, body=f"บันทึก {uniqueid}", actor_id=actor)
    service.refer(db, case, referral=ReferralIn(agency_type="police", agency_name="สภ.เมือง"),
                  actor_id=actor)
    service.link_call(db, case, call_id=add_call(db, uniqueid=uniqueid).id, actor_id=actor)
    dispatches.create(db, case_id=case.id, actor_id=actor, unit_brief="ไปที่บ้าน")
    follow_ups.create(db, case, kind=TaskKind.CALL_BACK, actor_id=actor,
                      due_at=utcnow() + timedelta(days=1))
    contacts.record_contact(db, case, channel=ContactChannel.WALK_IN, occurred_at=None,
                            summary=None, actor_id=actor)
    report = public_reports.submit(
        db, PublicReportIn(what_happened=f"เหตุ {uniqueid}", consent=True),
        source=ReportSource.WEBSITE, key="test-key").report
    report.case_id = case.id
    db.add(Conversation(line_user_id=f"U{uniqueid}", case_id=case.id))
    db.flush()


def rows_of(db, case_id):
    return {
        "case_persons": set(db.scalars(select(CasePerson.id).where(CasePerson.case_id == case_id))),
        "case_notes": set(db.scalars(select(CaseNote.id).where(CaseNote.case_id == case_id))),
        "referrals": set(db.scalars(select(Referral.id).where(Referral.case_id == case_id))),
        "case_calls": set(db.scalars(select(CaseCall.call_id).where(CaseCall.case_id == case_id))),
        "dispatches": set(db.scalars(select(Dispatch.id).where(Dispatch.case_id == case_id))),
        "follow_up_tasks": set(db.scalars(
            select(FollowUpTask.id).where(FollowUpTask.case_id == case_id))),
        # Walk-ins and messages; a call's contact follows its case_calls row.
        "case_contacts": set(db.scalars(select(CaseContact.id).where(
            CaseContact.case_id == case_id, CaseContact.call_id.is_(None)))),
        "public_reports": set(db.scalars(
            select(PublicReport.id).where(PublicReport.case_id == case_id))),
        "chat_conversations": set(db.scalars(
            select(Conversation.id).where(Conversation.case_id == case_id))),
    }


def call_contacts_of(db, case_id):
    return set(db.scalars(select(CaseContact.call_id).where(
        CaseContact.case_id == case_id, CaseContact.call_id.is_not(None))))


def test_every_table_pointing_at_a_case_either_moves_or_stays_by_name():
    pointing = {fk.parent.table.name for t in Base.metadata.tables.values()
                for fk in t.foreign_keys if fk.column.table.name == "cases"}
    named = {m.name for m in merging.MOVABLE} | merging.STAYS
    assert pointing - named == set(), "add the table to merging.MOVABLE or merging.STAYS"


def test_a_merge_moves_every_row_closes_the_duplicate_and_an_undo_moves_exactly_them_back(
        seeded_session, people):
    db, supervisor = seeded_session, people["supervisor"]
    target, source = open_case(db, people["agent1"]), open_case(db, people["agent1"])
    with_work(db, target, people["agent1"], uniqueid="1.1")
    with_work(db, source, people["agent1"], uniqueid="1.2")
    kept, moving = rows_of(db, target.id), rows_of(db, source.id)
    status_before = source.status  # dispatched: the dispatch moved it on

    assert merging.preview(db, source, target) == {k: len(v) for k, v in moving.items()}
    merge = merging.merge(db, source_id=source.id, target_id=target.id, reason="ผู้แจ้งคนเดิม",
                          actor_id=supervisor, role="supervisor")

    assert rows_of(db, source.id) == {k: set() for k in moving}
    assert rows_of(db, target.id) == {k: kept[k] | moving[k] for k in kept}
    assert call_contacts_of(db, target.id) == kept["case_calls"] | moving["case_calls"]
    assert {k: set(v) for k, v in merge.moved.items()} == moving
    assert source.status is CaseStatus.CLOSED
    assert source.closure_outcome is ClosureOutcome.DUPLICATE
    closing = service.status_history(db, source)[-1]
    assert target.number in closing.reason and closing.changed_by_id == supervisor
    for case in (source, target):
        audited(db, "case.merged", actor_id=supervisor, entity_type="case", entity_id=case.id)
    assert merging.merged_into(db, source.id).target_case_id == target.id

    # Work added to the target after the merge stays on it.
    late = service.add_note(db, target, body="หลังรวม", actor_id=supervisor)
    merging.undo(db, merge.id, reason="คนละเรื่อง", actor_id=people["admin"], role="admin")

    assert rows_of(db, source.id) == moving
    assert call_contacts_of(db, source.id) == moving["case_calls"]
    after = rows_of(db, target.id)
    assert after == {**kept, "case_notes": kept["case_notes"] | {late.id}}
    assert source.status is status_before and source.closure_outcome is None
    assert merging.merged_into(db, source.id) is None
    for case in (source, target):
        audited(db, "case.merge_undone", actor_id=people["admin"], entity_type="case",
                entity_id=case.id)


def test_a_call_linked_to_both_cases_stays_linked_to_both(seeded_session, people):
    db, actor = seeded_session, people["agent1"]
    target, source = open_case(db, actor), open_case(db, actor)
    call = add_call(db, uniqueid="2.1")
    service.link_call(db, target, call_id=call.id, actor_id=actor)
    service.link_call(db, source, call_id=call.id, actor_id=actor)
    db.flush()
    merge = merging.merge(db, source_id=source.id, target_id=target.id, reason="ซ้ำ",
                          actor_id=people["supervisor"], role="supervisor")
    assert merge.moved["case_calls"] == []
    merging.undo(db, merge.id, reason="ผิด", actor_id=people["admin"], role="admin")
    assert rows_of(db, source.id)["case_calls"] == {call.id} == rows_of(db, target.id)["case_calls"]


@pytest.mark.parametrize("problem", ["itself", "closed_target", "closed_source", "waiting",
                                     "no_reason", "agent"])
def test_a_refused_merge_changes_nothing(seeded_session, people, problem):
    db, actor = seeded_session, people["agent1"]
    target, source = open_case(db, actor), open_case(db, actor)
    with_work(db, source, actor, uniqueid="3.1")
    role, reason, target_id = "supervisor", "ซ้ำ", target.id
    if problem == "itself":
        target_id = source.id
    elif problem == "closed_target":
        service.change_status(db, target, to=CaseStatus.CLOSED, actor_id=actor,
                              outcome=ClosureOutcome.RESOLVED)
    elif problem == "closed_source":
        service.change_status(db, source, to=CaseStatus.CLOSED, actor_id=actor,
                              outcome=ClosureOutcome.RESOLVED)
    elif problem == "waiting":
        db.add(ClosureRequest(case_id=target.id, outcome=ClosureOutcome.RESOLVED,
                              requested_by_id=actor))
    elif problem == "no_reason":
        reason = "  "
    else:
        role = "agent"
    db.flush()
    before = rows_of(db, source.id), source.status
    with pytest.raises((Conflict, InvalidInput, Forbidden)):
        merging.merge(db, source_id=source.id, target_id=target_id, reason=reason,
                      actor_id=people["supervisor"], role=role)
    assert (rows_of(db, source.id), source.status) == before
    assert merging.merged_into(db, source.id) is None


def test_a_merged_duplicate_is_not_merged_again_nor_reopened(seeded_session, people):
    db, supervisor = seeded_session, people["supervisor"]
    a, b, c = (open_case(db, people["agent1"]) for _ in range(3))
    merging.merge(db, source_id=b.id, target_id=a.id, reason="ซ้ำ", actor_id=supervisor,
                  role="supervisor")
    with pytest.raises(Conflict) as again:
        merging.merge(db, source_id=b.id, target_id=c.id, reason="ซ้ำ", actor_id=supervisor,
                      role="supervisor")
    assert again.value.field == "merged_into"
    with pytest.raises(Conflict) as reopened:
        closure.reopen(db, b, actor_id=supervisor, reason="เปิดใหม่")
    assert reopened.value.field == "merged_into"
    with pytest.raises(NotFound):
        merging.merge(db, source_id=99_999_999, target_id=a.id, reason="ซ้ำ",
                      actor_id=supervisor, role="supervisor")


def test_an_undo_is_refused_after_30_days_and_when_the_target_was_merged_away(
        seeded_session, people):
    db, supervisor, admin = seeded_session, people["supervisor"], people["admin"]
    a, b, c = (open_case(db, people["agent1"]) for _ in range(3))
    b_into_a = merging.merge(db, source_id=b.id, target_id=a.id, reason="ซ้ำ",
                             actor_id=supervisor, role="supervisor")
    with pytest.raises(Conflict) as late:
        merging.undo(db, b_into_a.id, reason="ผิด", actor_id=admin, role="admin",
                     now=utcnow() + timedelta(days=31))
    assert late.value.field == "undo_window"
    with pytest.raises(Forbidden):
        merging.undo(db, b_into_a.id, reason="ผิด", actor_id=supervisor, role="supervisor")
    a_into_c = merging.merge(db, source_id=a.id, target_id=c.id, reason="ซ้ำอีก",
                             actor_id=supervisor, role="supervisor")
    with pytest.raises(Conflict) as gone:
        merging.undo(db, b_into_a.id, reason="ผิด", actor_id=admin, role="admin")
    assert gone.value.field == "undo_target"
    assert [v.can_undo for v in merging.views(db, [b_into_a, a_into_c])] == [False, True]
    # Undone in turn, the first merge may be undone again.
    merging.undo(db, a_into_c.id, reason="ผิด", actor_id=admin, role="admin")
    merging.undo(db, b_into_a.id, reason="ผิด", actor_id=admin, role="admin")
    with pytest.raises(Conflict) as twice:
        merging.undo(db, b_into_a.id, reason="ผิด", actor_id=admin, role="admin")
    assert twice.value.field == "undone_at"


def test_the_duplicates_number_finds_the_case_it_was_merged_into(seeded_session, people):
    db = seeded_session
    a, b = open_case(db, people["agent1"]), open_case(db, people["agent1"])
    merge = merging.merge(db, source_id=b.id, target_id=a.id, reason="ซ้ำ",
                          actor_id=people["supervisor"], role="supervisor")
    found = case_search.search(db, case_search.Query(number=b.number))
    assert {c.id for c in found.items} == {a.id, b.id}
    notes = case_search.merge_notes(db, [a.id, b.id])
    assert notes[a.id].merged_from == [b.number] and notes[b.id].into == a.number
    merging.undo(db, merge.id, reason="ผิด", actor_id=people["admin"], role="admin")
    assert [c.id for c in case_search.search(db, case_search.Query(number=b.number)).items] \
        == [b.id]


def test_two_supervisors_merging_the_same_pair_crosswise_at_once_leave_one_merge(
        committing_sessionmaker):
    """A into B and B into A at the same moment: the locks taken in id order make the
    second wait for the first, then find its duplicate closed; no deadlock, one merge."""
    import threading

    from sqlalchemy import func

    from callcenter.cases.work_models import CaseMerge
    from callcenter.seed import seed_all

    with committing_sessionmaker() as session:
        seed_all(session, demo_users=True)
        agent, supervisor = user_id(session, "agent1"), user_id(session, "supervisor")
        a, b = open_case(session, agent).id, open_case(session, agent).id
        session.commit()
    first = committing_sessionmaker()
    merging.merge(first, source_id=b, target_id=a, reason="ซ้ำ", actor_id=supervisor,
                  role="supervisor")  # both cases locked, not yet committed
    refused: list[Exception] = []

    def second() -> None:
        with committing_sessionmaker() as session:
            try:
                merging.merge(session, source_id=a, target_id=b, reason="ซ้ำ",
                              actor_id=supervisor, role="supervisor")
                session.commit()
            except Conflict as exc:
                refused.append(exc)

    racer = threading.Thread(target=second)
    racer.start()
    racer.join(1)
    assert racer.is_alive()  # waiting on the lock of case a
    first.commit()
    first.close()
    racer.join(30)
    assert len(refused) == 1 and refused[0].field == "target_status"
    with committing_sessionmaker() as session:
        assert session.scalar(select(func.count()).select_from(CaseMerge)) == 1


def test_a_note_moves_to_another_case_but_its_words_stay_append_only_on_sqlite(tmp_path):
    """Migration 0028 narrows the notes' guard to their content (PostgreSQL's is checked
    by tests/cases/test_service.py and the merges above)."""
    from sqlalchemy import text

    from callcenter import migrate
    from callcenter.db import make_engine

    url = f"sqlite:///{tmp_path}/notes.sqlite3"
    migrate.upgrade(url)
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("PRAGMA foreign_keys = OFF"))
        conn.execute(text("INSERT INTO case_notes (id, case_id, author_id, body, created_at) "
                          "VALUES (1, 1, 1, 'โทรกลับแล้ว', '2026-12-07 00:00:00')"))
        conn.execute(text("UPDATE case_notes SET case_id = 2 WHERE id = 1"))
    for statement in ("UPDATE case_notes SET body = 'x'", "DELETE FROM case_notes"):
        with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    engine.dispose()
