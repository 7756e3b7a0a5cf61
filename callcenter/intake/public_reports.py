"""Public reports as their senders make them: submitting, finding one by its tracking
code, adding to it, and the status the sender may read. Takes the session, never commits;
knows nothing of HTTP, so the website and the app share it.

Submissions are audited with no actor and no address: the sender may stay anonymous, and
the trail must not be the way to find them.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from callcenter import audit
from callcenter.cases.models import Case
from callcenter.db import utcnow
from callcenter.errors import Conflict, InvalidInput
from callcenter.intake import policy, tracking
from callcenter.intake.models import PublicReport, ReportAddition, ReportSource
from callcenter.intake.schemas import AdditionIn, PublicReportIn

ENTITY = "public_report"
# Random keys only (a UUID, ``secrets.token_urlsafe``): the key stands for the sender.
IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_-]{16,100}$")
# A report is one matter; past this many additions, the sender is asked to call.
MAX_ADDITIONS = 20


@dataclass(frozen=True)
class Submitted:
    report: PublicReport
    # Shown to the sender once (and again to a retry of the same submission).
    code: str
    # True when this was a retry: the report already existed.
    replayed: bool = False


def _content_hash(report: PublicReportIn, source: ReportSource) -> str:
    body = json.dumps([source.value, report.model_dump(mode="json")], sort_keys=True,
                      ensure_ascii=False)
    return hashlib.sha256(body.encode()).hexdigest()


def _by_idempotency(session: Session, digest: str) -> PublicReport | None:
    return session.scalars(select(PublicReport).where(
        PublicReport.idempotency_hash == digest)).one_or_none()


def _replay(found: PublicReport, content_hash: str, code: str) -> Submitted:
    if found.content_hash != content_hash:
        raise Conflict("this idempotency key was used for another report",
                       field="idempotency_key")
    return Submitted(found, code, replayed=True)


def submit(session: Session, report: PublicReportIn, *, source: ReportSource, key: str,
           idempotency_key: str | None = None, address: str | None = None,
           app_key_id: int | None = None) -> Submitted:
    """Put the report in the web queue with its priority; a retry with the same
    ``idempotency_key`` (and the same content) gets the first report and its code back.

    ``key`` is the application's secret key (the code's and the digests' key);
    ``address`` the sender's, kept only as a keyed digest for the abuse count;
    ``app_key_id`` the partner application's key that sent it (``intake.app_intake``).
    """
    source = ReportSource(source)
    content_hash = _content_hash(report, source)
    idempotency_hash = None
    if idempotency_key is not None:
        if not IDEMPOTENCY_KEY.match(idempotency_key):
            raise InvalidInput("the idempotency key must be 16 to 100 letters, digits, - or _",
                               field="idempotency_key")
        idempotency_hash = tracking.key_digest(idempotency_key, key=key)
        code = tracking.code_for_key(idempotency_key, key=key)
        found = _by_idempotency(session, idempotency_hash)
        if found is not None:
            return _replay(found, content_hash, code)
    else:
        code = tracking.new_code()
    urgent = policy.is_urgent(report.what_happened, in_danger_now=report.in_danger_now)
    row = PublicReport(
        tracking_hash=tracking.digest(code, key=key), idempotency_hash=idempotency_hash,
        content_hash=content_hash, source=source, language=report.language,
        priority=policy.priority(report.language, urgent=urgent), urgent=urgent,
        what_happened=report.what_happened, province_code=report.province_code,
        district_code=report.district_code, in_danger_now=report.in_danger_now,
        contact_way=report.contact_way, contact_value=report.contact_value(),
        safe_times=report.safe_times, reporter_name=report.reporter_name,
        consent=report.consent, address_hash=tracking.address_digest(address, key=key),
        app_key_id=app_key_id, created_at=utcnow())
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        # The same submission retried at the same moment: the first one's report wins.
        found = _by_idempotency(session, idempotency_hash) if idempotency_hash else None
        if found is None:
            raise
        return _replay(found, content_hash, code)
    audit.record(session, actor_id=None, action="public_report.submit", entity_type=ENTITY,
                 entity_id=row.id, changes={"source": [None, source.value],
                                            "priority": [None, row.priority]})
    return Submitted(row, code)


def by_code(session: Session, typed: str, *, key: str) -> PublicReport | None:
    """The report a code (as typed) tracks, or ``None``: a malformed code and an unknown
    one are the same answer, so trying codes teaches nothing."""
    code = tracking.normalise(typed)
    if code is None:
        return None
    return session.scalars(select(PublicReport).where(
        PublicReport.tracking_hash == tracking.digest(code, key=key))).one_or_none()


def status(session: Session, report: PublicReport) -> policy.PublicStatus:
    """What the sender reads: plain words, from the report's state and its case's status."""
    case_status = None
    if report.case_id is not None:
        case_status = session.scalar(select(Case.status).where(Case.id == report.case_id))
    return policy.public_status(report.state, case_status)


def add(session: Session, report: PublicReport, addition: AdditionIn) -> ReportAddition:
    """Something the sender adds later; shown on the report and its case's timeline."""
    count = session.scalar(select(func.count()).select_from(ReportAddition).where(
        ReportAddition.report_id == report.id)) or 0
    if count >= MAX_ADDITIONS:
        raise Conflict(f"report {report.id} has {MAX_ADDITIONS} additions already",
                       field="body")
    row = ReportAddition(report_id=report.id, body=addition.body, created_at=utcnow())
    session.add(row)
    session.flush()
    audit.record(session, actor_id=None, action="public_report.addition", entity_type=ENTITY,
                 entity_id=report.id, changes={"addition_id": [None, row.id]})
    return row


def additions(session: Session, report_ids: list[int]) -> dict[int, list[ReportAddition]]:
    """The additions of these reports, oldest first, by report."""
    found: dict[int, list[ReportAddition]] = {i: [] for i in report_ids}
    if report_ids:
        for row in session.scalars(select(ReportAddition).where(
                ReportAddition.report_id.in_(report_ids)).order_by(ReportAddition.created_at,
                                                                    ReportAddition.id)):
            found[row.report_id].append(row)
    return found

