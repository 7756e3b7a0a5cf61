"""What the case page, "my cases" and the hand-over show of owners and teams, and the
refusals of a reassignment said in the page's language.

``case_context`` gives the case page its owner, team and reassign form; ``timeline``
its reassignments; ``said`` turns a refusal of ``callcenter.cases.assignment`` into the
page's words (``owners.error.<code>.<field>``), naming the case in a batch.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session

from agent_console import i18n
from agent_console.deps import Viewer, page_context
from callcenter.agents import service as users
from callcenter.agents import teams
from callcenter.cases import assignment, caseload
from callcenter.cases.models import Case, CaseStatus
from callcenter.errors import DomainError, Forbidden


class Refused(DomainError):
    """A refusal already in the page's words; its code is none the error page rewords."""

    code = "owners_refused"

    def __init__(self, message: str, *, status_code: int, field: str | None) -> None:
        super().__init__(message, field=field)
        self.status_code = status_code


def said(request: Request, exc: DomainError) -> DomainError:
    """The refusal in the page's language when the catalogue has its words, else as is."""
    _ = page_context(request)["_"]
    key = f"owners.error.{exc.code}.{exc.field or 'any'}"
    if key not in i18n.catalogue("en"):
        return exc
    text = _(key)
    number = getattr(exc, "case_number", None)
    if number:
        text = _("owners.error.in_case", number=number, message=text)
    return Refused(text, status_code=exc.status_code, field=exc.field)


def case_context(db: Session, viewer: Viewer, case: Case) -> dict[str, Any]:
    """The owner and team on the case page, and the reassign form for those allowed."""
    owner = users.by_id(db, case.owner_id) if case.owner_id else None
    names = caseload.team_names(db)
    may = (case.status is not CaseStatus.CLOSED and assignment.may_reassign(
        actor_id=viewer.id, actor_role=viewer.role.value, owner_id=case.owner_id))
    return {
        "owner_name": owner.display_name if owner else None,
        "team_name": names.get(case.team_id) if case.team_id else None,
        "can_reassign": may,
        "assign_workers": assignment.workers(db) if may else [],
        "assign_teams": teams.active_teams(db) if may else [],
    }


def timeline(db: Session, case: Case) -> list[dict[str, Any]]:
    """The case's reassignments as timeline entries: who, from whom to whom, why."""
    rows = assignment.history(db, case)
    if not rows:
        return []
    people = users.by_ids(db, {i for r in rows
                               for i in (r.from_owner_id, r.to_owner_id, r.by_id) if i})
    names = caseload.team_names(db)

    def person(user_id: int | None) -> str:
        return people[user_id].display_name if user_id in people else "-"

    return [{"at": r.at, "kind": "assignment", "item": r, "by": person(r.by_id),
             "from_owner": person(r.from_owner_id), "to_owner": person(r.to_owner_id),
             "from_team": names.get(r.from_team_id) if r.from_team_id else None,
             "to_team": names.get(r.to_team_id) if r.to_team_id else None}
            for r in rows]


def handover_worker(viewer: Viewer, worker_id: int | None) -> int:
    """Whose hand-over list: supervisors and admins pick anyone, an agent sees their own."""
    wanted = worker_id or viewer.id
    if wanted != viewer.id and viewer.role.value not in assignment.REASSIGNING_ROLES:
        raise Forbidden("an agent sees their own hand-over only")
    return wanted
