"""Receiving a webhook: store each event once, then let a job apply it after the commit.

The request does only what must happen before LINE hears "200": check nothing was
forged (the route checks the signature), keep every new event in PostgreSQL, and owe
a job per event. An event LINE sends again (a redelivery, or a replay by anyone) finds
its ``webhookEventId`` already stored and costs nothing more.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from callcenter.chat import line_protocol
from callcenter.chat.config import LineSettings
from callcenter.chat.models import LineWebhookEvent
from callcenter.errors import DomainError

log = logging.getLogger(__name__)


def store_new(session: Session, events: list[dict[str, Any]], *,
              now: datetime) -> list[int]:
    """Store the events not seen before; the ids of the rows added, in the body's order."""
    if not events:
        return []
    rows = [{"webhook_event_id": e["webhookEventId"], "event_type": e["type"],
             "payload": e, "received_at": now} for e in events]
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (insert(LineWebhookEvent).values(rows)
                 .on_conflict_do_nothing(index_elements=["webhook_event_id"])
                 .returning(LineWebhookEvent.id, LineWebhookEvent.webhook_event_id))
    added = dict((event_id, row_id) for row_id, event_id in session.execute(statement))
    order = [e["webhookEventId"] for e in events]
    return [added[event_id] for event_id in dict.fromkeys(order) if event_id in added]


def claim(session: Session, row_id: int, *, now: datetime) -> LineWebhookEvent | None:
    """Take the event for this transaction; None when it was applied already. A job
    that fails rolls this back with everything it did, and the relay brings it again."""
    taken = session.execute(
        update(LineWebhookEvent)
        .where(LineWebhookEvent.id == row_id, LineWebhookEvent.processed_at.is_(None))
        .values(processed_at=now).returning(LineWebhookEvent.id)).scalar()
    return session.get(LineWebhookEvent, taken) if taken is not None else None


def unapplied(session: Session, *, now: datetime, overdue_by: float,
              limit: int = 500) -> list[int]:
    """Events stored more than ``overdue_by`` seconds ago and still not applied."""
    return list(session.scalars(
        select(LineWebhookEvent.id)
        .where(LineWebhookEvent.processed_at.is_(None),
               LineWebhookEvent.received_at <= now - timedelta(seconds=overdue_by))
        .order_by(LineWebhookEvent.id).limit(limit)))


class BadSignature(DomainError):
    status_code = 401
    code = "bad_signature"


class BadBody(DomainError):
    status_code = 400
    code = "invalid"


class BodyTooLarge(DomainError):
    status_code = 413
    code = "too_large"


def verified_events(settings: LineSettings, body: bytes,
                    given_signature: str | None) -> list[dict[str, Any]]:
    """The events of a body LINE signed; refused (and logged by size only, never its
    content: it holds the person's words) when unsigned, forged or not LINE's shape."""
    if len(body) > settings.line_webhook_max_bytes:
        log.warning("line.webhook_refused reason=too_large bytes=%d", len(body))
        raise BodyTooLarge("the webhook body is too large")
    if not line_protocol.signature_valid(settings.line_channel_secret, body, given_signature):
        log.warning("line.webhook_refused reason=bad_signature bytes=%d", len(body))
        raise BadSignature("the X-Line-Signature header does not match the body")
    try:
        return line_protocol.parse_body(body)
    except line_protocol.ProtocolError as exc:
        log.warning("line.webhook_refused reason=malformed detail=%s", exc)
        raise BadBody(f"not a LINE webhook body: {exc}") from None
