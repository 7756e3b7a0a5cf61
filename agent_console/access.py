"""Who may see and change what in the console: role and ownership rules in one place.

Agents, supervisors and admins work on cases; unit members see only their own unit's
dispatches, through the field-visit view. Who may read a case is need to know
(``callcenter.cases.need_to_know``, applied by ``case_access.ReadableCase``): a reader
who does not own the case (its team, the agent of its current call, a grant) adds notes
but a case is changed only by its owner or a supervisor. Every read of a case is
recorded by the caller of these checks.
"""

from __future__ import annotations

from callcenter.agents.models import Role
from callcenter.cases.models import Case
from callcenter.errors import Forbidden

CASE_ROLES = (Role.AGENT, Role.SUPERVISOR, Role.ADMIN)
AUDIT_ROLES = (Role.SUPERVISOR, Role.ADMIN)
# Roles that see a caller's whole number (they may call back); others see its end only.
FULL_NUMBER_ROLES = frozenset({Role.AGENT, Role.SUPERVISOR})


def can_change(viewer, case: Case) -> bool:
    if viewer.role in (Role.SUPERVISOR, Role.ADMIN):
        return True
    return viewer.role is Role.AGENT and viewer.id in (case.owner_id, case.created_by_id)


def check_change(viewer, case: Case) -> None:
    if not can_change(viewer, case):
        raise Forbidden(f"case {case.id} belongs to another agent: ask a supervisor")


def mask_number(number: str | None, role: Role) -> str | None:
    if not number or role in FULL_NUMBER_ROLES:
        return number
    return "•" * max(0, len(number) - 4) + number[-4:]
