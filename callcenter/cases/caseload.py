"""Whose cases are whose: a worker's own cases, their teams' open cases, and the open
cases a shift hands over; each with what it has due next (``assignment.next_due``).

Open cases come first, the one due soonest at the top (nothing due: after those with a
due time, the most urgent first). Rows hold the case and its due time; no person's data
is read here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from callcenter.agents import teams
from callcenter.agents.models import Team
from callcenter.cases.assignment import next_due
from callcenter.cases.models import Case, CaseStatus
from callcenter.db import utcnow
from callcenter.taxonomy import Urgency

URGENCY_ORDER = tuple(Urgency)  # immediate first
# Closed cases shown under "my cases", newest first: enough to find last week's.
CLOSED_SHOWN = 20
OPEN_LIMIT = 500


@dataclass(frozen=True)
class Row:
    case: Case
    due_at: datetime | None
    overdue: bool


def _rows(session: Session, cases: list[Case], now: datetime) -> list[Row]:
    due = next_due(session, [c.id for c in cases])
    return [Row(c, due[c.id], due[c.id] is not None and due[c.id] < now) for c in cases]


def due_order(rows: list[Row]) -> list[Row]:
    """Soonest due first; cases with nothing due after them, most urgent first."""
    def key(row: Row) -> tuple:
        due = row.due_at
        return (due is None, due.timestamp() if due else 0.0,
                URGENCY_ORDER.index(row.case.urgency), row.case.id)
    return sorted(rows, key=key)


def open_owned(session: Session, user_id: int, *, now: datetime | None = None) -> list[Row]:
    """The open cases a worker owns, by what is due next (the hand-over's list)."""
    cases = list(session.scalars(select(Case).where(
        Case.owner_id == user_id, Case.status != CaseStatus.CLOSED).limit(OPEN_LIMIT)))
    return due_order(_rows(session, cases, now or utcnow()))


def closed_owned(session: Session, user_id: int, *, limit: int = CLOSED_SHOWN) -> list[Row]:
    cases = list(session.scalars(select(Case).where(
        Case.owner_id == user_id, Case.status == CaseStatus.CLOSED)
        .order_by(Case.closed_at.desc(), Case.id.desc()).limit(limit)))
    return [Row(c, None, False) for c in cases]


def teams_open(session: Session, user_id: int, *, now: datetime | None = None) -> list[Row]:
    """Open cases of the worker's active teams that someone else owns."""
    team_ids = teams.team_ids_of(session, user_id)
    if not team_ids:
        return []
    cases = list(session.scalars(select(Case).where(
        Case.team_id.in_(team_ids), Case.status != CaseStatus.CLOSED,
        (Case.owner_id != user_id) | Case.owner_id.is_(None)).limit(OPEN_LIMIT)))
    return due_order(_rows(session, cases, now or utcnow()))


def team_names(session: Session) -> dict[int, str]:
    """Every team's name by id (inactive ones too: old cases still name them)."""
    return {team_id: name for team_id, name in session.execute(select(Team.id, Team.name))}
