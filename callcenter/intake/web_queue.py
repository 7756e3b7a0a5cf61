"""The web queue as agents work it: the reports waiting, taking one, and dealing with it
(a case opened from it, attached to a case, or flagged a prank or abuse). Takes the
session, never commits; every step is audited with what it changed (ids and states,
never what the person wrote).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from callcenter import audit
from callcenter.calls.service import FLAG_AFTER, REPEAT_WINDOW_DAYS
from callcenter.cases import service as cases
from callcenter.cases.models import Case, Channel, Consent, LegalBasis, PersonRole
from callcenter.cases.schemas import PersonIn
from callcenter.db import utcnow
from callcenter.errors import NotFound, StaleEdit
from callcenter.intake import policy
from callcenter.intake.models import ContactWay, PublicReport, ReportFlag, ReportState
from callcenter.intake.public_reports import ENTITY
from callcenter.taxonomy import Urgency

OPEN_STATES = (ReportState.WAITING, ReportState.TAKEN)


@dataclass(frozen=True)
class Actor:
    """Who takes a step: their id, and whether they are a supervisor (or admin)."""

    id: int
    boss: bool


def get(session: Session, report_id: int) -> PublicReport:
    row = session.get(PublicReport, report_id)
    if row is None:
        raise NotFound(f"report {report_id} not found")
    return row


def waiting(session: Session) -> list[PublicReport]:
    """The reports not dealt with yet: the most urgent first, then the oldest."""
    return list(session.scalars(select(PublicReport).where(
        PublicReport.state.in_(OPEN_STATES)).order_by(
        PublicReport.priority.desc(), PublicReport.created_at, PublicReport.id)))


def nuisance_addresses(session: Session, reports: list[PublicReport], *,
                       now: datetime | None = None) -> set[str]:
    """The address digests among ``reports`` that sent ``FLAG_AFTER`` or more reports
    flagged in the last ``REPEAT_WINDOW_DAYS`` (the rule of a number's prank calls)."""
    digests = {r.address_hash for r in reports if r.address_hash}
    if not digests:
        return set()
    since = (now or utcnow()) - timedelta(days=REPEAT_WINDOW_DAYS)
    rows = session.execute(select(PublicReport.address_hash, func.count()).where(
        PublicReport.address_hash.in_(digests), PublicReport.state == ReportState.FLAGGED,
        PublicReport.created_at >= since).group_by(PublicReport.address_hash))
    return {digest for digest, count in rows if count >= FLAG_AFTER}


def may_read(report: PublicReport, actor: Actor) -> bool:
    return policy.may_read_content(report.state, taken_by_id=report.taken_by_id,
                                   actor_id=actor.id, boss=actor.boss)


def _check_version(report: PublicReport, version: int | None) -> None:
    if version is not None and version != report.version:
        raise StaleEdit(changed={"state": report.state.value})


def _step(session: Session, report: PublicReport, actor: Actor, action: str,
          **after: object) -> None:
    """Apply ``after`` to the report, raise its version and audit what changed."""
    before = {name: getattr(report, name) for name in after}
    for name, value in after.items():
        setattr(report, name, value)
    report.version += 1
    session.flush()
    audit.record(session, actor_id=actor.id, action=f"public_report.{action}",
                 entity_type=ENTITY, entity_id=report.id,
                 changes=audit.changes_between(before, after))


def view(session: Session, report: PublicReport, actor: Actor, *,
         source_ip: str | None) -> None:
    """Record that an agent read what the person wrote (as a case's view is)."""
    audit.record(session, actor_id=actor.id, action="public_report.view", entity_type=ENTITY,
                 entity_id=report.id, source_ip=source_ip)


def take(session: Session, report: PublicReport, actor: Actor, *,
         version: int | None = None) -> PublicReport:
    _check_version(report, version)
    policy.check_take(report.state, taken_by_id=report.taken_by_id, actor_id=actor.id,
                      boss=actor.boss)
    if report.state is ReportState.TAKEN and report.taken_by_id == actor.id:
        return report  # a second click of the same agent changes nothing
    _step(session, report, actor, "take", state=ReportState.TAKEN, taken_by_id=actor.id,
          taken_at=utcnow())
    return report


def check_deal(report: PublicReport, actor: Actor, version: int | None) -> None:
    """Refuse a step on a report drawn before another step, or not this actor's to take."""
    _check_version(report, version)
    policy.check_deal(report.state, taken_by_id=report.taken_by_id, actor_id=actor.id,
                      boss=actor.boss)


def open_case(session: Session, report: PublicReport, actor: Actor, *, id_key: str,
              version: int | None = None) -> Case:
    """Open a case from the report: its text as the summary, its place, its urgency
    (immediate when the person is in danger), the way and times of contact they gave,
    and the reporter as a person when they left a name or a number."""
    check_deal(report, actor, version)
    # The case's channel is the report's source (the website's form or a partner's app);
    # open_case records the opening contact of that channel.
    case = cases.open_case(
        session, created_by_id=actor.id, channel=Channel(report.source.value),
        summary=report.what_happened,
        province_code=report.province_code, district_code=report.district_code,
        urgency=Urgency.IMMEDIATE if report.urgent else Urgency.NORMAL,
        risk={"in_danger_now": True} if report.in_danger_now else {},
        consent=Consent.GIVEN, legal_basis=LegalBasis.CONSENT,
        do_not_call_back=report.contact_way is ContactWay.NONE,
        call_window=report.safe_times)
    if report.reporter_name or report.contact_way is not ContactWay.NONE:
        cases.add_person(session, case, person=_reporter(report), actor_id=actor.id,
                         id_key=id_key)
    _step(session, report, actor, "open_case", state=ReportState.HANDLED, case_id=case.id,
          handled_by_id=actor.id, handled_at=utcnow())
    return case


def _reporter(report: PublicReport) -> PersonIn:
    phone = report.contact_value if report.contact_way is ContactWay.PHONE else None
    email = report.contact_value if report.contact_way is ContactWay.EMAIL else None
    return PersonIn(role=PersonRole.REPORTER, full_name=report.reporter_name, phone=phone,
                    language=report.language.value,
                    notes=f"e-mail: {email}" if email else None)


def case_by_number(session: Session, number: str) -> Case:
    case = session.scalars(select(Case).where(Case.number == number)).one_or_none()
    if case is None:
        raise NotFound(f"case {number} not found", field="case_number")
    return case


def attach(session: Session, report: PublicReport, case: Case, actor: Actor, *,
           version: int | None = None) -> PublicReport:
    """Attach the report to a case the agent may read (the caller checks that): the
    same matter reported again, or more of it."""
    check_deal(report, actor, version)
    _step(session, report, actor, "attach", state=ReportState.HANDLED, case_id=case.id,
          handled_by_id=actor.id, handled_at=utcnow())
    return report


def flag(session: Session, report: PublicReport, what: ReportFlag, actor: Actor, *,
         version: int | None = None) -> PublicReport:
    """A prank or abuse of the form: no case; counted against the sender's address."""
    check_deal(report, actor, version)
    _step(session, report, actor, f"flag_{what.value}", state=ReportState.FLAGGED, flag=what,
          handled_by_id=actor.id, handled_at=utcnow())
    return report


def of_case(session: Session, case_id: int) -> list[PublicReport]:
    """The reports a case was opened from or attached to, oldest first."""
    return list(session.scalars(select(PublicReport).where(
        PublicReport.case_id == case_id).order_by(PublicReport.created_at)))


def case_number(session: Session, case_id: int) -> str | None:
    """The number of the case a report went to (the report page links it)."""
    return session.scalar(select(Case.number).where(Case.id == case_id))
