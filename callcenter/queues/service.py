"""Reading and writing the hotline's queues. Never commits.

``catalog.py`` is the list of queues (as queues.conf and the IVR name them); these put it
in the table. Admins then keep each queue's labels, targets and wallboard thresholds
(``update``): the catalog only creates the queues the table lacks. The queues' live
figures come from Redis (``live.py``), their rules from ``stats.py``.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from callcenter import audit
from callcenter.errors import NotFound, StaleEdit
from callcenter.queues import catalog, stats
from callcenter.queues.catalog import QUEUES
from callcenter.queues.models import Queue
from callcenter.queues.schemas import QueueSettingsIn

EDITABLE = ("label_th", "label_en", "service_level_seconds", "service_level_target",
            "service_level_warn", "service_level_min_calls", "wait_warn_seconds",
            "wait_alarm_seconds", "active", "wrap_up_required")


def sync_catalog(session: Session) -> None:
    """Create the catalog's queues the table lacks, with the catalog's defaults.

    A queue that exists keeps what an admin set (labels, targets, thresholds, active);
    what only queues.conf decides (issue area, language, priority) follows the catalog.
    """
    existing = by_name(session)
    for spec in QUEUES:
        row = existing.get(spec.name)
        if row is None:
            row = Queue(
                name=spec.name, label_th=spec.label_th, label_en=spec.label_en,
                service_level_seconds=spec.service_level_seconds,
                service_level_target=catalog.SERVICE_LEVEL_TARGET,
                service_level_warn=catalog.SERVICE_LEVEL_WARN,
                service_level_min_calls=catalog.SERVICE_LEVEL_MIN_CALLS,
                wait_warn_seconds=catalog.WAIT_WARN_SECONDS,
                wait_alarm_seconds=catalog.WAIT_ALARM_SECONDS, active=True, version=1)
        row.issue_area, row.language, row.priority = spec.issue_area, spec.language, spec.priority
        session.add(row)
    session.flush()


def by_name(session: Session) -> dict[str, Queue]:
    """Every queue row by its Asterisk name."""
    return {q.name: q for q in session.scalars(select(Queue))}


def in_order(session: Session) -> list[Queue]:
    """The queues in the catalog's order (the wallboard's), unknown ones last."""
    order = {spec.name: i for i, spec in enumerate(QUEUES)}
    return sorted(by_name(session).values(), key=lambda q: (order.get(q.name, len(order)),
                                                          q.name))


def get(session: Session, name: str) -> Queue:
    found = session.scalar(select(Queue).where(Queue.name == name))
    if found is None:
        raise NotFound("no such queue")
    return found


def settings_of(row: Queue) -> stats.QueueSettings:
    return stats.QueueSettings(
        row.label_th, row.label_en, row.service_level_seconds, row.service_level_target,
        row.service_level_warn, row.service_level_min_calls, row.wait_warn_seconds,
        row.wait_alarm_seconds)


def settings(session: Session) -> dict[str, stats.QueueSettings]:
    """Every queue's wallboard rules, as admins set them."""
    return {name: settings_of(row) for name, row in by_name(session).items()}


def snapshot(row: Queue) -> dict[str, object]:
    return {name: getattr(row, name) for name in EDITABLE}


def update(session: Session, name: str, data: QueueSettingsIn, *, actor_id: int,
           source_ip: str | None = None) -> Queue:
    """Save an admin's edit of a queue: refused (409) if the queue changed since the
    form was drawn from ``data.version`` and the edit would undo some of that; audited
    as ``queue.update`` with what changed."""
    row = get(session, name)
    wanted = data.values()
    before = snapshot(row)
    if row.version != data.version:
        changed = {k: v for k, v in before.items() if wanted[k] != v}
        if not changed:
            return row  # what it would save is already stored (a form sent twice)
        raise StaleEdit(changed=changed)
    for field, value in wanted.items():
        setattr(row, field, value)
    changes = audit.changes_between(before, snapshot(row))
    if changes:
        row.version += 1
    session.flush()
    audit.record(session, actor_id=actor_id, action="queue.update", entity_type="queue",
                 entity_id=row.name, source_ip=source_ip, changes=changes)
    return row
