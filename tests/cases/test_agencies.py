"""The referral network on the real database: the directory, its search in Thai, the
targets that set due times, referral states with who and when, and what is overdue."""

from __future__ import annotations

import importlib.util
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from callcenter.audit import AuditEvent
from callcenter.cases import agencies, agency_examples
from callcenter.cases import service as cases
from callcenter.cases.agency_schemas import AgencyIn, TargetIn
from callcenter.cases.models import Agency, AgencyType, ReferralStatus
from callcenter.cases.schemas import ReferralIn
from callcenter.db import utcnow
from callcenter.errors import Conflict, InvalidInput, InvalidTransition, StaleEdit
from tests.cases.test_intake import KEY, agent_id, intake


def _agency(session, **changes) -> Agency:
    data = {"name_th": "(ตัวอย่าง) ศูนย์พึ่งได้ โรงพยาบาลนคร", "agency_type": "hospital_oscc",
            "province_code": "TH-50", "phone": "02-000-1234", **changes}
    return agencies.create(session, AgencyIn.model_validate(data), actor_id=None)


def _case(session):
    case, _ = cases.open_from_intake(session, intake=intake(), actor_id=agent_id(session),
                                     id_key=KEY)
    return case


def test_the_demo_seeds_an_example_directory_marked_as_such_with_made_up_numbers(
        seeded_session):
    rows = list(seeded_session.scalars(select(Agency)))
    assert len(rows) == len(agency_examples.EXAMPLES)
    assert all(a.name_th.startswith("(ตัวอย่าง)") and a.name_en.startswith("(Example)")
               for a in rows)
    assert all(a.phone is None or a.phone.startswith("+66200") for a in rows)
    assert {a.agency_type for a in rows if a.province_code is None} >= {
        AgencyType.CHILDLINE, AgencyType.EMS}
    agency_examples.seed_examples(seeded_session)  # a second run adds nothing
    assert len(list(seeded_session.scalars(select(Agency)))) == len(rows)


def test_an_agency_keeps_its_phone_in_e164_and_a_bad_phone_or_email_names_its_field(
        seeded_session):
    assert _agency(seeded_session).phone == "+6620001234"
    with pytest.raises(InvalidInput) as bad_phone:
        _agency(seeded_session, phone="12345")
    assert bad_phone.value.field == "phone"
    with pytest.raises(InvalidInput) as bad_email:
        _agency(seeded_session, email="not an address")
    assert bad_email.value.field == "email"


def test_search_finds_thai_words_and_puts_the_cases_province_first_then_national_ones(
        seeded_session):
    found = agencies.search(seeded_session, text="ศูนย์พึ่งได้", province_code="TH-50",
                            first_province="TH-50")
    assert found and all(a.province_code == "TH-50" for a in found)
    anywhere = agencies.search(seeded_session, province_code="TH-50", first_province="TH-50")
    kinds = [("own" if a.province_code == "TH-50" else "national") for a in anywhere]
    assert kinds == sorted(kinds, key=lambda k: k != "own") and "national" in kinds
    assert all(a.province_code in ("TH-50", None) for a in anywhere)
    assert agencies.search(seeded_session, text="%") == []


def test_an_edit_from_a_stale_version_is_refused_and_each_edit_is_audited_with_its_changes(
        seeded_session):
    agency = _agency(seeded_session)
    base = agencies.snapshot(agency) | {"agency_type": agency.agency_type.value}
    data = AgencyIn.model_validate({**base, "hours": "ตลอด 24 ชั่วโมง", "version": 1,
                                    "phone": "02-000-1234", "email": ""})
    agencies.update(seeded_session, agency.id, data, actor_id=agent_id(seeded_session))
    assert agency.version == 2
    event = seeded_session.scalars(select(AuditEvent).where(
        AuditEvent.action == "agency.update")).one()
    assert event.changes == {"hours": ["", "ตลอด 24 ชั่วโมง"]}
    stale = data.model_copy(update={"hours": "08:30–16:30"})
    with pytest.raises(StaleEdit) as refused:
        agencies.update(seeded_session, agency.id, stale, actor_id=agent_id(seeded_session))
    assert refused.value.changed == {"hours": "ตลอด 24 ชั่วโมง"}


def test_a_referral_to_a_directory_agency_takes_its_name_and_the_types_target_as_due_time(
        seeded_session):
    agency = _agency(seeded_session)
    target = next(t for t in agencies.targets(seeded_session)
                  if t.agency_type == AgencyType.HOSPITAL_OSCC)
    agencies.update_target(seeded_session, AgencyType.HOSPITAL_OSCC,
                           TargetIn(hours=36, version=target.version), actor_id=None)
    case = _case(seeded_session)
    referral = cases.refer(seeded_session, case, referral=ReferralIn(agency_id=agency.id),
                           actor_id=case.created_by_id)
    assert (referral.agency_id, referral.agency_name) == (agency.id, agency.name_th)
    assert referral.agency_type == AgencyType.HOSPITAL_OSCC
    assert referral.due_at - referral.sent_at == timedelta(hours=36)
    assert (referral.status_by_id, referral.status_at) == (case.created_by_id,
                                                          referral.sent_at)


def test_a_referral_to_an_inactive_agency_is_refused_and_nothing_is_written(seeded_session):
    agency = _agency(seeded_session, active=False)
    case = _case(seeded_session)
    with pytest.raises(Conflict) as refused:
        cases.refer(seeded_session, case, referral=ReferralIn(agency_id=agency.id),
                    actor_id=case.created_by_id)
    assert refused.value.field == "agency_id"
    assert cases.referrals(seeded_session, case) == []


def test_a_referral_goes_sent_accepted_service_given_closed_recording_who_and_when(
        seeded_session):
    case = _case(seeded_session)
    referral = cases.refer(seeded_session, case, actor_id=case.created_by_id,
                           referral=ReferralIn(agency_type="shelter", agency_name="บ้านพัก"))
    for status in (ReferralStatus.ACCEPTED, ReferralStatus.DONE, ReferralStatus.CLOSED):
        cases.move_referral(seeded_session, referral, to=status, actor_id=case.created_by_id)
        assert referral.status == status and referral.status_by_id == case.created_by_id
    assert referral.closed_at is not None
    moves = seeded_session.scalars(select(AuditEvent.changes).where(
        AuditEvent.action == "referral.status").order_by(AuditEvent.id)).all()
    assert moves == [{"status": ["sent", "accepted"]}, {"status": ["accepted", "done"]},
                     {"status": ["done", "closed"]}]
    with pytest.raises(InvalidTransition):
        cases.move_referral(seeded_session, referral, to=ReferralStatus.ACCEPTED,
                            actor_id=case.created_by_id)


def test_overdue_lists_referrals_past_due_not_answered_or_served_most_urgent_case_first(
        seeded_session):
    case = _case(seeded_session)
    now = utcnow()
    late = cases.refer(seeded_session, case, actor_id=case.created_by_id, referral=ReferralIn(
        agency_type="police", agency_name="สภ.เมือง", due_at=now - timedelta(hours=1)))
    served = cases.refer(seeded_session, case, actor_id=case.created_by_id, referral=ReferralIn(
        agency_type="police", agency_name="สภ.ช้างเผือก", due_at=now - timedelta(hours=2)))
    cases.refer(seeded_session, case, actor_id=case.created_by_id,
                referral=ReferralIn(agency_type="police", agency_name="สภ.ภูพิงค์"))
    cases.move_referral(seeded_session, served, to=ReferralStatus.ACCEPTED,
                        actor_id=case.created_by_id)
    cases.move_referral(seeded_session, served, to=ReferralStatus.DONE,
                        actor_id=case.created_by_id)
    assert [r.id for r, _ in agencies.overdue(seeded_session)] == [late.id]
    assert agencies.is_overdue(late) and not agencies.is_overdue(served)
    assert agencies.overdue(seeded_session, province_code="TH-10") == []


def test_the_migration_seeds_the_same_targets_as_the_domains_defaults():
    path = Path(__file__).parents[2] / "migrations" / "versions" / "0019_referral_network.py"
    spec = importlib.util.spec_from_file_location("referral_network_migration", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    assert {t.value: h for t, h in agencies.DEFAULT_TARGETS.items()} == migration.TARGETS
