"""Case intake rules on the real database: screening rules, idempotency under a race,
referral workflow, search by phone and name, drafts to intake."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from callcenter.agents.models import User
from callcenter.audit import AuditEvent
from callcenter.cases import drafts, policy
from callcenter.cases import search as case_search
from callcenter.cases import service as cases
from callcenter.cases.models import (
    Case,
    CaseDraft,
    CaseStatus,
    CaseStatusChange,
    Consent,
    LegalBasis,
    ReferralStatus,
)
from callcenter.cases.schemas import CaseIn, ReferralIn
from callcenter.errors import DomainError, InvalidTransition
from callcenter.taxonomy import ChiCategory, GbvType, IssueArea, TargetGroup

KEY = "test-id-key-" + "x" * 20


def intake(**changes) -> CaseIn:
    data = {"issue_area": "family_violence", "target_group": "child", "province_code": "TH-50",
            "consent": "given", "summary": "เด็กถูกทำร้าย",
            "persons": [{"role": "victim", "nickname": "น้องเอ", "phone": "081-234-5678"}]}
    return CaseIn.model_validate({**data, **changes})


def agent_id(session) -> int:
    return session.scalar(select(User.id).where(User.login == "agent1"))


def test_chi_categories_are_for_child_cases_and_gbvims_types_for_violence():
    policy.check_intake(issue_area=IssueArea.FAMILY_VIOLENCE, target_group=TargetGroup.CHILD,
                        chi_category=ChiCategory.VIOLENCE_PHYSICAL,
                        gbv_type=GbvType.PHYSICAL_ASSAULT, consent=Consent.GIVEN,
                        legal_basis=None)
    with pytest.raises(DomainError) as chi:
        policy.check_intake(issue_area=IssueArea.FAMILY_VIOLENCE,
                            target_group=TargetGroup.WOMAN,
                            chi_category=ChiCategory.VIOLENCE_PHYSICAL, gbv_type=None,
                            consent=Consent.GIVEN, legal_basis=None)
    assert chi.value.field == "chi_category"
    with pytest.raises(DomainError) as gbv:
        policy.check_intake(issue_area=IssueArea.WELFARE, target_group=None, chi_category=None,
                            gbv_type=GbvType.RAPE, consent=Consent.GIVEN, legal_basis=None)
    assert gbv.value.field == "gbv_type"


def test_without_consent_another_legal_basis_is_needed():
    with pytest.raises(DomainError) as refused:
        policy.check_intake(issue_area=IssueArea.WELFARE, target_group=None, chi_category=None,
                            gbv_type=None, consent=Consent.REFUSED,
                            legal_basis=LegalBasis.CONSENT)
    assert refused.value.field == "legal_basis"
    policy.check_intake(issue_area=IssueArea.WELFARE, target_group=None, chi_category=None,
                        gbv_type=None, consent=Consent.REFUSED,
                        legal_basis=LegalBasis.VITAL_INTEREST)


def test_a_referral_moves_sent_accepted_done_and_never_back(seeded_session):
    case, _ = cases.open_from_intake(seeded_session, intake=intake(),
                                     actor_id=agent_id(seeded_session), id_key=KEY)
    referral = cases.refer(seeded_session, case, actor_id=case.created_by_id,
                           referral=ReferralIn(agency_type="police", agency_name="สภ.เมือง"))
    assert case.status.value == "referred"
    cases.move_referral(seeded_session, referral, to=ReferralStatus.ACCEPTED,
                        actor_id=case.created_by_id)
    cases.move_referral(seeded_session, referral, to=ReferralStatus.DONE,
                        actor_id=case.created_by_id)
    assert referral.closed_at is not None
    with pytest.raises(InvalidTransition):
        cases.move_referral(seeded_session, referral, to=ReferralStatus.SENT,
                            actor_id=case.created_by_id)


def test_cases_are_found_by_any_spelling_of_the_phone_number(seeded_session):
    case, _ = cases.open_from_intake(seeded_session, intake=intake(),
                                     actor_id=agent_id(seeded_session), id_key=KEY)
    for spelling in ("0812345678", "+66812345678", "081 234 5678"):
        found = case_search.search(seeded_session, case_search.Query(phone=spelling))
        assert [c.id for c in found.items] == [case.id]
    assert case_search.search(seeded_session, case_search.Query(name="น้องเอ")).total == 1
    assert case_search.search(seeded_session, case_search.Query(name="%")).total == 0


def test_a_draft_becomes_the_intake_of_its_case(seeded_session):
    draft = CaseDraft(key="d" * 32, user_id=agent_id(seeded_session), call_id=None, data={
        "issue_area": "welfare", "consent": "given", "risk.injured": "on",
        "persons.0.full_name": "สมชาย", "persons.1.nickname": "", "do_not_call_back": "on"})
    checked = drafts.check(draft, key=KEY)
    assert checked.issue_area is IssueArea.WELFARE
    assert checked.risk == {"injured": True} and checked.do_not_call_back
    assert [p.role.value for p in checked.persons] == ["victim"]
    assert checked.intake_key == "d" * 32


def test_an_intake_opens_its_case_screened_with_its_history_and_a_repeat_takes_no_number(
        seeded_session):
    actor = agent_id(seeded_session)
    case, created = cases.open_from_intake(seeded_session, intake=intake(intake_key="h" * 24),
                                           actor_id=actor, id_key=KEY)
    assert created and case.status is CaseStatus.SCREENING
    history = seeded_session.execute(
        select(CaseStatusChange.from_status, CaseStatusChange.to_status)
        .where(CaseStatusChange.case_id == case.id).order_by(CaseStatusChange.id)).all()
    assert history == [(None, CaseStatus.NEW), (CaseStatus.NEW, CaseStatus.SCREENING)]
    trail = seeded_session.scalars(
        select(AuditEvent.action).where(AuditEvent.entity_type == "case",
                                        AuditEvent.entity_id == str(case.id))
        .order_by(AuditEvent.id)).all()
    assert trail == ["case.create", "case.status"]

    again, created = cases.open_from_intake(seeded_session, intake=intake(intake_key="h" * 24),
                                            actor_id=actor, id_key=KEY)
    assert (again.id, created) == (case.id, False)
    # The repeat's insert failed inside its savepoint, and the number it drew went back.
    following, _ = cases.open_from_intake(seeded_session, intake=intake(), actor_id=actor,
                                          id_key=KEY)
    assert following.sequence == case.sequence + 1


def test_two_requests_racing_with_one_intake_key_open_one_case(committing_sessionmaker):
    from callcenter.seed import seed_all

    with committing_sessionmaker() as session:
        seed_all(session, demo_users=True)
        session.commit()
        actor = agent_id(session)
    results: list[int] = []
    barrier = threading.Barrier(2)

    def open_one() -> None:
        with committing_sessionmaker() as session:
            barrier.wait()
            case, _ = cases.open_from_intake(session, intake=intake(intake_key="r" * 24),
                                             actor_id=actor, id_key=KEY)
            session.commit()
            results.append(case.id)

    threads = [threading.Thread(target=open_one) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(results) == 2 and results[0] == results[1]
    with committing_sessionmaker() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 1
