"""Reports from partner applications: the key checked, the report taken into the web
queue as the website's are, and every use audited. Takes the session, never commits.

The trail records which key was used (or the prefix of one that is not ours), the
outcome and the report's id: never what the report says, nor the key. A refusal's
audit is written as a row of the request's transaction, so the route answers the
refusal without raising (which would roll the row back).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from callcenter import audit
from callcenter.errors import InvalidInput, NotFound
from callcenter.intake import app_key_rules as rules
from callcenter.intake import app_keys, public_reports
from callcenter.intake.models import AppKey, PublicReport, ReportSource
from callcenter.intake.schemas import PublicReportIn

ACCEPTED = "app_report.accepted"
REFUSED = "app_report.refused"
LOOKED_UP = "app_report.status"
# Why a request was refused, as the trail names it.
BAD_KEY, REVOKED = "bad_key", "revoked"
RATE_LIMITED, INVALID, CONFLICT = "rate_limited", "invalid", "conflict"
NOT_FOUND = "not_found"


def _record(session: Session, action: str, *, app: AppKey | None, presented: str | None,
            source_ip: str | None, changes: dict[str, list[object]]) -> None:
    if app is not None:
        entity_id: int | str = app.id
    else:
        # A key that is not ours is named by its prefix, if it has the shape of one.
        entity_id = f"prefix:{rules.prefix_of(presented or '') or '-'}"
    audit.record(session, actor_id=None, action=action, entity_type=app_keys.ENTITY,
                 entity_id=entity_id, source_ip=source_ip, changes=changes)


def authenticate(session: Session, presented: str | None, *, secret: str,
                 source_ip: str | None, now: datetime) -> AppKey | None:
    """The application's key in use, or ``None`` with the refusal audited."""
    app = app_keys.recognise(session, presented, secret=secret)
    if app is None or app.revoked_at is not None:
        _record(session, REFUSED, app=app, presented=presented, source_ip=source_ip,
                changes={"outcome": [None, BAD_KEY if app is None else REVOKED]})
        return None
    app.last_used_at = now
    return app


def refuse(session: Session, app: AppKey, why: str, *, source_ip: str | None) -> None:
    """Audit a request of a known key refused for ``why`` (its limit, its body)."""
    _record(session, REFUSED, app=app, presented=None, source_ip=source_ip,
            changes={"outcome": [None, why]})


def submit(session: Session, app: AppKey, report: PublicReportIn, *, idempotency_key: str,
           secret: str, source_ip: str | None) -> public_reports.Submitted:
    """The report in the web queue, sent by ``app``; the same idempotency key and body
    again give the same report back (``replayed``), another body a ``Conflict``."""
    scoped = rules.scoped_idempotency_key(app.id, idempotency_key)
    if scoped is None:
        raise InvalidInput("the Idempotency-Key header must be 16 to 80 letters, digits, "
                           "- or _", field="idempotency_key")
    # No sender's address: the app's server is the sender, not the person.
    done = public_reports.submit(session, report, source=ReportSource.APP, key=secret,
                                 idempotency_key=scoped, app_key_id=app.id)
    _record(session, ACCEPTED, app=app, presented=None, source_ip=source_ip,
            changes={"report_id": [None, done.report.id], "replayed": [None, done.replayed]})
    return done


def report_of(session: Session, app: AppKey, code: str, *, secret: str,
              source_ip: str | None) -> PublicReport:
    """A report this application sent, by its tracking code; any other is not found."""
    report = public_reports.by_code(session, code, key=secret)
    if report is None or report.app_key_id != app.id:
        raise NotFound("no report of this application has that tracking code")
    _record(session, LOOKED_UP, app=app, presented=None, source_ip=source_ip,
            changes={"report_id": [None, report.id]})
    return report
