"""Every case knows its channel, and a walk-in where it was taken: opened through the same
service and number series, its opening recorded as a contact of its channel, audited by
codes and ids, and refused clearly when the fields do not fit the channel."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from callcenter.cases import agencies, channels, contacts, walk_ins
from callcenter.cases import search as case_search
from callcenter.cases import service as cases
from callcenter.cases.agency_schemas import AgencyIn
from callcenter.cases.models import AgencyType, Case, Channel, ContactChannel
from callcenter.cases.schemas import CaseIn
from callcenter.errors import Conflict, InvalidInput
from tests.support.audit_trail import audited, user_id

KEY = "test-id-key-" + "x" * 20


def intake(**changes) -> CaseIn:
    data = {"issue_area": "family_violence", "target_group": "woman", "province_code": "TH-50",
            "consent": "given", "summary": "มาแจ้งที่ศูนย์พึ่งได้",
            "persons": [{"role": "victim", "nickname": "พี่แดง"}]}
    return CaseIn.model_validate({**data, **changes})


def centre(db, agency_type=AgencyType.HOSPITAL_OSCC, *, active=True):
    return agencies.add_reference(db, AgencyIn(
        name_th="(ทดสอบ) ศูนย์พึ่งได้ โรงพยาบาลนครพิงค์", agency_type=agency_type,
        province_code="TH-50", active=active))


# --- pure rules ----------------------------------------------------------------------------

def test_every_channel_maps_to_a_contact_and_only_the_hotline_opens_with_a_call():
    assert set(channels.CONTACT_OF) == set(Channel)
    assert channels.opening_contact(Channel.HOTLINE) is None
    assert channels.opening_contact(Channel.WALK_IN) is ContactChannel.WALK_IN
    assert channels.opening_contact(Channel.LINE) is ContactChannel.LINE


def test_a_walk_in_needs_a_place_and_no_other_channel_takes_one():
    channels.check_place(Channel.WALK_IN, agency_id=3, place=None)
    channels.check_place(Channel.WALK_IN, agency_id=None, place="บ้านผู้ใหญ่บ้าน")
    channels.check_place(Channel.HOTLINE, agency_id=None, place="  ")
    with pytest.raises(InvalidInput):
        channels.check_place(Channel.WALK_IN, agency_id=None, place=" ")
    with pytest.raises(InvalidInput):
        channels.check_place(Channel.WEBSITE, agency_id=3, place=None)


def test_the_intake_schema_refuses_walk_in_fields_on_other_channels_and_calls_on_walk_ins():
    with pytest.raises(ValidationError) as other:
        intake(walk_in_place="ศูนย์")
    assert other.value.errors()[0]["loc"] == ("walk_in_place",)
    with pytest.raises(ValidationError) as missing:
        intake(channel="walk_in")
    assert missing.value.errors()[0]["type"] == "channel_walk_in_place"
    with pytest.raises(ValidationError) as called:
        intake(channel="walk_in", walk_in_place="ศูนย์", call_id=5)
    assert called.value.errors()[0]["type"] == "channel_call_id"
    with pytest.raises(ValidationError):
        intake(channel="fax")


# --- the service ---------------------------------------------------------------------------

def test_a_case_opened_without_a_channel_is_the_hotlines_with_no_contact_recorded(
        seeded_session):
    case = cases.open_case(seeded_session, created_by_id=user_id(seeded_session, "agent1"))
    assert case.channel is Channel.HOTLINE
    assert contacts.of_case(seeded_session, case) == []


def test_a_walk_in_taken_at_an_oscc_opens_in_the_same_number_series_as_a_call(
        seeded_session):
    agent = user_id(seeded_session, "agent1")
    oscc = centre(seeded_session)
    by_phone, _ = cases.open_from_intake(seeded_session, intake=intake(), actor_id=agent,
                                         id_key=KEY)
    walk_in, created = cases.open_from_intake(
        seeded_session, intake=intake(channel="walk_in", walk_in_agency_id=oscc.id,
                                      walk_in_place="ห้องให้คำปรึกษา"),
        actor_id=agent, id_key=KEY)

    assert created and walk_in.channel is Channel.WALK_IN
    assert (walk_in.walk_in_agency_id, walk_in.walk_in_place) == (oscc.id, "ห้องให้คำปรึกษา")
    assert (walk_in.year_be, walk_in.sequence) == (by_phone.year_be, by_phone.sequence + 1)
    [view] = contacts.of_case(seeded_session, walk_in)
    assert (view.contact.channel, view.contact.call_id, view.contact.handled_by_id) == (
        ContactChannel.WALK_IN, None, agent)
    assert view.contact.occurred_at == walk_in.created_at
    event = audited(seeded_session, "case.create", actor_id=agent, entity_type="case",
                    entity_id=walk_in.id)
    # Codes and ids only: the place in words is not in the trail.
    assert event.changes == {"channel": [None, "walk_in"], "walk_in_agency_id": [None, oscc.id]}


def test_another_channels_part_opens_its_cases_through_the_same_service(seeded_session):
    case = cases.open_case(seeded_session, created_by_id=user_id(seeded_session, "agent1"),
                           channel="line")
    assert case.channel is Channel.LINE
    assert [v.contact.channel for v in contacts.of_case(seeded_session, case)] == [
        ContactChannel.LINE]


def test_a_walk_in_at_a_police_station_or_a_closed_centre_is_refused_and_opens_nothing(
        seeded_session):
    agent = user_id(seeded_session, "agent1")
    police = centre(seeded_session, AgencyType.POLICE)
    closed = centre(seeded_session, active=False)
    before = seeded_session.scalars(select(Case.id)).all()
    with pytest.raises(InvalidInput) as wrong_type:
        cases.open_from_intake(seeded_session, id_key=KEY, actor_id=agent, intake=intake(
            channel="walk_in", walk_in_agency_id=police.id))
    with pytest.raises(Conflict) as inactive:
        cases.open_from_intake(seeded_session, id_key=KEY, actor_id=agent, intake=intake(
            channel="walk_in", walk_in_agency_id=closed.id))
    with pytest.raises(InvalidInput):
        cases.open_from_intake(seeded_session, id_key=KEY, actor_id=agent, intake=intake(
            channel="walk_in", walk_in_agency_id=999_999))
    assert wrong_type.value.field == inactive.value.field == "walk_in_agency_id"
    assert seeded_session.scalars(select(Case.id)).all() == before


def test_the_centres_to_pick_are_those_that_take_walk_ins_the_chosen_one_kept(seeded_session):
    oscc, police = centre(seeded_session), centre(seeded_session, AgencyType.POLICE)
    found = walk_ins.centres(seeded_session, text="นครพิงค์", province_code="TH-50")
    assert oscc in found and police not in found
    kept = walk_ins.centres(seeded_session, text="ไม่มีชื่อนี้", chosen_id=oscc.id)
    assert kept == [oscc]


def test_search_finds_cases_by_channel(seeded_session):
    agent = user_id(seeded_session, "agent1")
    phone = cases.open_case(seeded_session, created_by_id=agent)
    walk_in = cases.open_case(seeded_session, created_by_id=agent, channel=Channel.WALK_IN,
                              walk_in_place="ศูนย์ชุมชน")
    found = case_search.search(seeded_session, case_search.Query(channel=Channel.WALK_IN))
    ids = [c.id for c in found.items]
    assert walk_in.id in ids and phone.id not in ids
