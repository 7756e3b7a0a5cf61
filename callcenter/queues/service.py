"""Reading and writing the hotline's queues. Never commits.

``catalog.py`` is the list of queues (as queues.conf and the IVR name them); these put it
in the table. The queues' live figures come from Redis (``live.py``), their rules from
``stats.py``.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from callcenter.queues.catalog import QUEUES
from callcenter.queues.models import Queue


def sync_catalog(session: Session) -> None:
    """Write every queue of the catalog: labels, issue area, language, priority, SLA."""
    existing = by_name(session)
    for spec in QUEUES:
        row = existing.get(spec.name) or Queue(name=spec.name)
        row.label_th, row.label_en = spec.label_th, spec.label_en
        row.issue_area, row.language = spec.issue_area, spec.language
        row.priority, row.service_level_seconds = spec.priority, spec.service_level_seconds
        session.add(row)
    session.flush()


def by_name(session: Session) -> dict[str, Queue]:
    """Every queue row by its Asterisk name."""
    return {q.name: q for q in session.scalars(select(Queue))}
