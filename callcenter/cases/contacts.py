"""Later contacts: a call, walk-in or message attached to an existing case, and the case's
contacts as its timeline shows them. Takes the session, never commits.

A call's contact goes with its ``case_calls`` link (search, the case clock and the reports
read the link); walk-ins and messages have no call. The caller checks that a call is the
worker's own (``agent_console.own_calls``) before attaching it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from callcenter import audit
from callcenter.agents.models import User
from callcenter.calls import wrap_up_jobs
from callcenter.calls.models import Call
from callcenter.cases import contact_rules as rules
from callcenter.cases.models import Case, CaseCall, CaseContact, ContactChannel
from callcenter.db import utcnow
from callcenter.errors import Conflict


class CallAlreadyAttached(Conflict):
    code = "call_already_attached"


class CaseClosed(Conflict):
    code = "case_closed"


@dataclass(frozen=True)
class ContactView:
    """A contact as the timeline shows it: its call record, who handled it."""

    contact: CaseContact
    call: Call | None
    handled_by: str | None


def _linked(session: Session, case_id: int, call_id: int) -> bool:
    return bool(session.scalar(select(exists().where(
        CaseCall.case_id == case_id, CaseCall.call_id == call_id))))


def link_call(session: Session, case: Case, call: Call, *,
              actor_id: int | None, case_is_new: bool = False) -> CaseContact:
    """Link the call to the case as a phone contact; a call linked already keeps its
    link and contact (the intake's link, repeated by a resubmitted form, is harmless).

    ``case_is_new``: the case was opened in this transaction, so it has neither yet and
    nothing is looked up."""
    if case_is_new or not _linked(session, case.id, call.id):
        session.add(CaseCall(case_id=case.id, call_id=call.id, linked_by_id=actor_id))
        session.flush()  # the contact references the link
        wrap_up_jobs.after_settled(session, call)  # a case ends the agent's owed wrap-up
    contact = None if case_is_new else session.scalars(select(CaseContact).where(
        CaseContact.case_id == case.id, CaseContact.call_id == call.id)).first()
    if contact is None:
        contact = CaseContact(case_id=case.id, channel=ContactChannel.PHONE, call_id=call.id,
                              handled_by_id=call.agent_user_id or actor_id,
                              occurred_at=call.started_at, attached_by_id=actor_id,
                              attached_at=utcnow())
        session.add(contact)
        session.flush()
    return contact


def _check_open(case: Case) -> None:
    if not rules.may_attach_to(case.status):
        raise CaseClosed(f"case {case.number} is closed: reopen it (with a reason) to "
                         "attach a contact", field="status")


def attach_call(session: Session, case: Case, call: Call, *, actor_id: int) -> CaseContact:
    """Attach a later call to the case; the same call twice is refused, nothing written."""
    already = CallAlreadyAttached(f"call {call.id} is already attached to case {case.number}",
                                  field="call_id")
    if _linked(session, case.id, call.id):
        raise already
    _check_open(case)
    try:
        with session.begin_nested():
            contact = link_call(session, case, call, actor_id=actor_id)
    except IntegrityError:
        # Two tabs attaching the same call at once: the other one's link won.
        raise already from None
    _audit(session, contact, actor_id=actor_id)
    return contact


def record_contact(session: Session, case: Case, *, channel: ContactChannel,
                   occurred_at: datetime | None, summary: str | None,
                   actor_id: int) -> CaseContact:
    """Record a walk-in or a message about the case, handled by the worker recording it."""
    rules.check_by_hand(channel)
    _check_open(case)
    now = utcnow()
    when = occurred_at or now
    rules.check_occurred_at(when, opened_at=case.created_at, now=now)
    contact = CaseContact(case_id=case.id, channel=channel, handled_by_id=actor_id,
                          occurred_at=when, summary=rules.clean_summary(summary),
                          attached_by_id=actor_id, attached_at=now)
    session.add(contact)
    session.flush()
    _audit(session, contact, actor_id=actor_id)
    return contact


def record_opening(session: Session, case: Case, *, channel: ContactChannel,
                   actor_id: int) -> CaseContact:
    """The report a case opens with, when it came by another channel than a call (a
    walk-in, the website, the app, LINE): its first contact, at the opening. Audited
    with the case's opening (``case.create`` names the channel)."""
    contact = CaseContact(case_id=case.id, channel=channel, handled_by_id=actor_id,
                          occurred_at=case.created_at, attached_by_id=actor_id,
                          attached_at=case.created_at)
    session.add(contact)
    session.flush()
    return contact


def record_attached_report(session: Session, case: Case, *, channel: ContactChannel,
                           occurred_at: datetime, actor_id: int) -> CaseContact:
    """A report that came by another channel (a LINE conversation) attached to an open
    case later: a contact of that channel when the report began, audited."""
    _check_open(case)
    contact = CaseContact(case_id=case.id, channel=channel, handled_by_id=actor_id,
                          occurred_at=max(occurred_at, case.created_at),
                          attached_by_id=actor_id, attached_at=utcnow())
    session.add(contact)
    session.flush()
    _audit(session, contact, actor_id=actor_id)
    return contact


def _audit(session: Session, contact: CaseContact, *, actor_id: int) -> None:
    # Ids and codes only: the summary is the worker's words about a person.
    audit.record(session, actor_id=actor_id, action=f"case.contact.{contact.channel.value}",
                 entity_type="case", entity_id=contact.case_id,
                 changes=audit.changes_between({}, {
                     "contact_id": contact.id, "channel": contact.channel,
                     "call_id": contact.call_id, "occurred_at": contact.occurred_at}))


def of_case(session: Session, case: Case) -> list[ContactView]:
    """Every contact of the case, oldest first, with its call and who handled it."""
    rows = session.execute(
        select(CaseContact, Call, User.display_name)
        .outerjoin(Call, Call.id == CaseContact.call_id)
        .outerjoin(User, User.id == CaseContact.handled_by_id)
        .where(CaseContact.case_id == case.id)
        .order_by(CaseContact.occurred_at, CaseContact.id)).all()
    return [ContactView(contact, call, name) for contact, call, name in rows]


def recent_calls(session: Session, *, user_id: int, now: datetime | None = None,
                 not_on: Case | None = None, limit: int = 20) -> list[Call]:
    """The worker's own calls of the last day, newest first (those not on ``not_on``)."""
    since = (now or utcnow()) - rules.RECENT_CALLS
    stmt = select(Call).where(Call.agent_user_id == user_id, Call.started_at >= since)
    if not_on is not None:
        stmt = stmt.where(~exists().where(CaseCall.case_id == not_on.id,
                                          CaseCall.call_id == Call.id))
    return list(session.scalars(stmt.order_by(Call.started_at.desc()).limit(limit)))


def attached_case_ids(session: Session, call_id: int, case_ids: list[int]) -> set[int]:
    """Which of these cases the call is attached to already (the screen-pop's ✓)."""
    if not case_ids:
        return set()
    return set(session.scalars(select(CaseCall.case_id).where(
        CaseCall.call_id == call_id, CaseCall.case_id.in_(case_ids))))
