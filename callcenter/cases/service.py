"""Case rules: opening with a number, moving through the workflow, linking calls, persons."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, and_, cast, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from callcenter import audit
from callcenter.calls.models import Call
from callcenter.cases import (
    agencies,
    assignment,
    channels,
    contacts,
    follow_ups,
    identity,
    numbering,
    policy,
    walk_ins,
)
from callcenter.cases.models import (
    Case,
    CaseCall,
    CaseNote,
    CasePerson,
    CaseSequence,
    CaseStatus,
    CaseStatusChange,
    Channel,
    ClosureOutcome,
    PersonRole,
    Referral,
    ReferralStatus,
)
from callcenter.cases.schemas import CaseFields, CaseIn, PersonIn, PersonPatch, ReferralIn
from callcenter.db import utcnow
from callcenter.errors import Conflict, InvalidInput, NotFound
from callcenter.thaidate import buddhist_year


def next_number(session: Session, *, year_be: int) -> tuple[int, str]:
    """Take the next sequence of the year; concurrent callers each get their own.

    The row of the year is created if missing and incremented, returning the new value
    (on PostgreSQL one upsert, a single round trip): the row lock serialises concurrent
    openings until their commit, and a rolled-back transaction gives its number back
    unused, so no number is ever shown twice.
    """
    if session.get_bind().dialect.name == "postgresql":
        taken = pg_insert(CaseSequence).values(year_be=year_be, last_value=1)
        sequence = session.execute(
            taken.on_conflict_do_update(
                index_elements=["year_be"],
                set_={"last_value": CaseSequence.last_value + 1})
            .returning(CaseSequence.last_value)
        ).scalar_one()
        return sequence, numbering.format_number(year_be, sequence)
    if session.get(CaseSequence, year_be) is None:
        session.execute(insert(CaseSequence).values(year_be=year_be, last_value=0))
    sequence = session.execute(
        update(CaseSequence)
        .where(CaseSequence.year_be == year_be)
        .values(last_value=CaseSequence.last_value + 1)
        .returning(CaseSequence.last_value)
    ).scalar_one()
    return sequence, numbering.format_number(year_be, sequence)


def open_case(session: Session, *, created_by_id: int, channel: Channel = Channel.HOTLINE,
              screened: bool = False, **fields: object) -> Case:
    """Open a new case with the next number of the current Buddhist-era year, whatever
    its channel; a report that came by another channel than a call is its first contact.

    ``screened``: the report was screened as it was taken (the intake form), so the case
    starts in screening; its history still says it was new first. Written with the case
    (not moved after): the intake's click waits for each statement.
    """
    channel = Channel(channel)
    now = utcnow()
    year_be = buddhist_year(now)
    sequence, number = next_number(session, year_be=year_be)
    if "team_id" not in fields:
        fields["team_id"] = assignment.default_team(session, created_by_id)
    moves: list[tuple[CaseStatus | None, CaseStatus]] = [(None, CaseStatus.NEW)]
    if screened:
        policy.check_move(CaseStatus.NEW, CaseStatus.SCREENING)
        moves.append((CaseStatus.NEW, CaseStatus.SCREENING))
    case = Case(
        number=number,
        year_be=year_be,
        sequence=sequence,
        status=moves[-1][1],
        created_by_id=created_by_id,
        owner_id=created_by_id,
        created_at=now,
        channel=channel,
        **fields,
    )
    session.add(case)
    session.flush()
    session.add_all([
        CaseStatusChange(case_id=case.id, from_status=before, to_status=after,
                         changed_by_id=created_by_id, changed_at=now)
        for before, after in moves
    ])
    opening = channels.opening_contact(channel)
    if opening is not None:
        contacts.record_opening(session, case, channel=opening, actor_id=created_by_id)
    # Codes and ids only: the place in words stays on the case.
    audit.record(
        session, actor_id=created_by_id, action="case.create", entity_type="case",
        entity_id=case.id, changes=audit.changes_between({}, {
            "channel": channel, "walk_in_agency_id": case.walk_in_agency_id}),
    )
    if screened:
        audit.record(session, actor_id=created_by_id, action="case.status",
                     entity_type="case", entity_id=case.id)
    return case


def get(session: Session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"case {case_id} not found")
    return case


def change_status(
    session: Session,
    case: Case,
    *,
    to: CaseStatus,
    actor_id: int,
    reason: str | None = None,
    outcome: ClosureOutcome | None = None,
) -> Case:
    """Move a case along the workflow, refusing moves the workflow does not allow.

    Closing needs its ``outcome`` (``policy.check_outcome``); reopening clears the
    case's current outcome, while the closing's status change and audit row keep it.
    """
    policy.check_move(case.status, to)
    policy.check_outcome(to, outcome)
    now = utcnow()
    session.add(
        CaseStatusChange(
            case_id=case.id, from_status=case.status, to_status=to,
            changed_by_id=actor_id, changed_at=now, reason=reason, outcome=outcome,
        )
    )
    case.status = to
    if to is CaseStatus.CLOSED:
        # Nothing stays owed on a closed case: its open follow-ups end with it.
        follow_ups.cancel_for_closed_case(session, case, actor_id=actor_id)
    case.closed_at = now if to is CaseStatus.CLOSED else None
    case.closure_outcome = outcome
    # The outcome is a code, never a person's data: the trail may name it.
    action = f"case.close.{outcome.value}" if outcome else "case.status"
    audit.record(session, actor_id=actor_id, action=action, entity_type="case",
                 entity_id=case.id)
    return case


def change_status_by_hand(
    session: Session,
    case: Case,
    *,
    to: CaseStatus,
    actor_id: int,
    reason: str | None = None,
    outcome: ClosureOutcome | None = None,
) -> Case:
    """A status change asked for on the case file (never ``dispatched``: see the policy)."""
    policy.check_move_by_hand(case.status, to)
    return change_status(session, case, to=to, actor_id=actor_id, reason=reason,
                         outcome=outcome)


def link_call(session: Session, case: Case, *, call_id: int, actor_id: int | None) -> None:
    """Link a call to a case as its phone contact; linking the same call twice is a no-op
    (a person attaching a later call goes through ``contacts.attach_call``)."""
    call = session.get(Call, call_id)
    if call is None:
        raise NotFound(f"call {call_id} not found", field="call_id")
    contacts.link_call(session, case, call, actor_id=actor_id)


# --- intake and the case file ------------------------------------------------------------

# The postal code is derived from the sub-district (a computed field of the input).
CASE_FIELDS = (*CaseFields.model_fields, "postal_code")


def by_intake_key(session: Session, intake_key: str) -> Case | None:
    return session.scalars(select(Case).where(Case.intake_key == intake_key)).first()


def open_from_intake(
    session: Session, *, intake: CaseIn, actor_id: int, id_key: str,
) -> tuple[Case, bool]:
    """Open a case from a screened intake; the same intake key gives back the same case.

    Returns the case and whether it is new. A repeat of a key, or two requests racing
    with one, end with the one case: the later insert fails on the unique key inside a
    savepoint, which also hands its case number back. (Not looked up first: a repeat is
    rare, and every intake would pay the query.)
    """
    policy.check_intake(
        issue_area=intake.issue_area, target_group=intake.target_group,
        chi_category=intake.chi_category, gbv_type=intake.gbv_type,
        consent=intake.consent, legal_basis=intake.legal_basis,
    )
    # Held until the call is linked: the session keeps only rows still referenced, and
    # linking would read it again.
    call = session.get(Call, intake.call_id) if intake.call_id is not None else None
    if intake.call_id is not None and call is None:
        # Said here, not left to the foreign key: its IntegrityError would read as the
        # intake key's race below and end the request with a server error.
        raise NotFound(f"call {intake.call_id} not found", field="call_id")
    fields = {name: getattr(intake, name) for name in CASE_FIELDS}
    if intake.walk_in_agency_id is not None:
        walk_ins.centre(session, intake.walk_in_agency_id)
    fields.update(walk_in_agency_id=intake.walk_in_agency_id,
                  walk_in_place=intake.walk_in_place)
    try:
        with session.begin_nested():
            # The intake form is the screening: the case leaves it ready to refer or dispatch.
            case = open_case(session, created_by_id=actor_id, intake_key=intake.intake_key,
                             channel=intake.channel, screened=True, **fields)
            for person in intake.persons:
                session.add(_person(case.id, person, id_key=id_key))
            if call is not None:
                contacts.link_call(session, case, call, actor_id=actor_id, case_is_new=True)
            session.flush()
    except IntegrityError:
        existing = by_intake_key(session, intake.intake_key) if intake.intake_key else None
        if existing is None:
            raise
        return existing, False
    return case, True


def _person(case_id: int, person: PersonIn, *, id_key: str) -> CasePerson:
    data = person.model_dump(exclude={"national_id"})
    row = CasePerson(case_id=case_id, **data)
    _set_national_id(row, person.national_id, id_key=id_key)
    _age_from_birth_year(row)
    return row


def _age_from_birth_year(row: CasePerson) -> None:
    """A birth year without an age gives the age this year, so the reports that count
    children by age count a child known only by birth year too."""
    if row.age_years is None and row.birth_year is not None:
        row.age_years = max(0, utcnow().year - row.birth_year)


def _set_national_id(row: CasePerson, national_id: str | None, *, id_key: str) -> None:
    """Keep the checked number only as its keyed digest and last four digits."""
    if national_id:
        row.national_id_digest = identity.digest(national_id, key=id_key)
        row.national_id_last4 = national_id[-4:]
    else:
        row.national_id_digest = row.national_id_last4 = None


# --- persons on the case file --------------------------------------------------------------

# Person events are recorded on the person (``case_person``, its id): the case's audit
# trail and timeline find them through the case's persons.
PERSON_ENTITY = "case_person"
PERSON_ACTIONS = ("person.add", "person.update")


def persons(session: Session, case: Case) -> list[CasePerson]:
    return list(session.scalars(
        select(CasePerson).where(CasePerson.case_id == case.id).order_by(CasePerson.id)))


def get_person(session: Session, case: Case, person_id: int) -> CasePerson:
    person = session.get(CasePerson, person_id)
    # A person of another case is as good as missing: the path names this case.
    if person is None or person.case_id != case.id:
        raise NotFound(f"person {person_id} not found on case {case.id}")
    return person


def add_person(session: Session, case: Case, *, person: PersonIn, actor_id: int,
               id_key: str) -> CasePerson:
    """Add a person of any role found after intake (a child, a household member …)."""
    count = session.scalar(select(func.count()).select_from(CasePerson)
                           .where(CasePerson.case_id == case.id)) or 0
    if count >= policy.MAX_PERSONS:
        raise Conflict(f"case {case.id} has {policy.MAX_PERSONS} persons already",
                       field="persons")
    row = _person(case.id, person, id_key=id_key)
    session.add(row)
    session.flush()
    audit.record(session, actor_id=actor_id, action="person.add", entity_type=PERSON_ENTITY,
                 entity_id=row.id)
    return row


def update_person(session: Session, person: CasePerson, *, changes: PersonPatch,
                  actor_id: int, id_key: str) -> CasePerson:
    """Change the fields given (see ``PersonPatch``); nothing given changes nothing."""
    given = changes.model_fields_set
    if not given:
        return person
    for name in given - {"national_id"}:
        setattr(person, name, getattr(changes, name))
    if "national_id" in given:
        _set_national_id(person, changes.national_id, id_key=id_key)
    if person.reporter_is_victim and person.role != PersonRole.VICTIM:
        raise InvalidInput("only a victim can be the reporter too", field="reporter_is_victim")
    if given & {"age_years", "birth_year"}:
        _age_from_birth_year(person)
    audit.record(session, actor_id=actor_id, action="person.update",
                 entity_type=PERSON_ENTITY, entity_id=person.id)
    return person


def person_events(session: Session, case: Case) -> list[tuple[audit.AuditEvent, CasePerson]]:
    """Persons added and changed after intake, oldest first, for the timeline."""
    return [(event, person) for event, person in session.execute(
        select(audit.AuditEvent, CasePerson)
        .join(CasePerson, audit.AuditEvent.entity_id == cast(CasePerson.id, String))
        .where(audit.AuditEvent.entity_type == PERSON_ENTITY,
               audit.AuditEvent.action.in_(PERSON_ACTIONS),
               CasePerson.case_id == case.id)
        .order_by(audit.AuditEvent.id))]


def update_fields(session: Session, case: Case, *, changes: CaseFields, actor_id: int) -> Case:
    """Re-screen a case: the new field values replace the old ones."""
    policy.check_intake(
        issue_area=changes.issue_area, target_group=changes.target_group,
        chi_category=changes.chi_category, gbv_type=changes.gbv_type,
        consent=changes.consent, legal_basis=changes.legal_basis,
    )
    for name in CASE_FIELDS:
        setattr(case, name, getattr(changes, name))
    audit.record(session, actor_id=actor_id, action="case.update", entity_type="case",
                 entity_id=case.id)
    return case


def add_note(session: Session, case: Case, *, body: str, actor_id: int) -> CaseNote:
    note = CaseNote(case_id=case.id, author_id=actor_id, body=body)
    session.add(note)
    session.flush()
    audit.record(session, actor_id=actor_id, action="case.note", entity_type="case",
                 entity_id=case.id)
    return note


def notes(session: Session, case: Case) -> list[CaseNote]:
    return list(session.scalars(
        select(CaseNote).where(CaseNote.case_id == case.id).order_by(CaseNote.id)))


def refer(session: Session, case: Case, *, referral: ReferralIn, actor_id: int) -> Referral:
    """Refer the case: to a directory agency (refused when inactive) or, as old clients
    do, to a free-text type and name; the due time defaults to the type's target."""
    values = referral.model_dump()
    if referral.agency_id is not None:
        agency = agencies.for_referral(session, referral.agency_id)
        values.update(agency_type=agency.agency_type, agency_name=agency.name_th)
    elif referral.agency_type is None or referral.agency_name is None:
        raise InvalidInput("choose an agency from the directory, or give its type and name",
                           field="agency_id")
    now = utcnow()
    if values["due_at"] is None:
        values["due_at"] = agencies.due_at(session, values["agency_type"], now)
    row = Referral(case_id=case.id, created_by_id=actor_id, status=ReferralStatus.SENT,
                   sent_at=now, status_by_id=actor_id, status_at=now, **values)
    session.add(row)
    session.flush()
    if policy.can_move(case.status, CaseStatus.REFERRED):
        change_status(session, case, to=CaseStatus.REFERRED, actor_id=actor_id)
    audit.record(session, actor_id=actor_id, action="referral.create",
                 entity_type="case", entity_id=case.id)
    return row


def referrals(session: Session, case: Case) -> list[Referral]:
    return list(session.scalars(
        select(Referral).where(Referral.case_id == case.id).order_by(Referral.id)))


def get_referral(session: Session, referral_id: int) -> Referral:
    row = session.get(Referral, referral_id)
    if row is None:
        raise NotFound(f"referral {referral_id} not found")
    return row


def move_referral(
    session: Session, referral: Referral, *, to: ReferralStatus, actor_id: int,
    now: datetime | None = None,
) -> Referral:
    """Record the agency's answer (accepted, rejected, done) or our revocation."""
    policy.check_referral_move(referral.status, to)
    now = now or utcnow()
    before = referral.status
    referral.status = to
    referral.status_by_id, referral.status_at = actor_id, now
    if to in (ReferralStatus.ACCEPTED, ReferralStatus.REJECTED):
        referral.responded_at = now
    if to in (ReferralStatus.DONE, ReferralStatus.REVOKED, ReferralStatus.REJECTED,
              ReferralStatus.CLOSED) and referral.closed_at is None:
        referral.closed_at = now
    audit.record(session, actor_id=actor_id, action="referral.status",
                 entity_type="case", entity_id=referral.case_id,
                 changes={"status": [before.value, to.value]})
    return referral


def status_history(session: Session, case: Case) -> list[CaseStatusChange]:
    return list(session.scalars(
        select(CaseStatusChange).where(CaseStatusChange.case_id == case.id)
        .order_by(CaseStatusChange.id)))


def call_ids(session: Session, case: Case) -> list[int]:
    return list(session.scalars(
        select(CaseCall.call_id).where(CaseCall.case_id == case.id).order_by(CaseCall.linked_at)))


def audit_trail(session: Session, case: Case, *, limit: int = 500) -> list[audit.AuditEvent]:
    """Every recorded view and change of the case and its persons, and what was done on
    its calls (viewed, listened in to by a supervisor), newest first."""
    Event = audit.AuditEvent
    person_ids = select(cast(CasePerson.id, String)).where(CasePerson.case_id == case.id)
    call_ids = select(cast(CaseCall.call_id, String)).where(CaseCall.case_id == case.id)
    return list(session.scalars(
        select(Event)
        .where(or_(and_(Event.entity_type == "case", Event.entity_id == str(case.id)),
                   and_(Event.entity_type == PERSON_ENTITY,
                        Event.entity_id.in_(person_ids)),
                   and_(Event.entity_type == "call", Event.entity_id.in_(call_ids))))
        .order_by(Event.id.desc()).limit(limit)))
