"""JSON API for admins: the teams that share cases, and their members.

The same operations as the pages of ``admin_teams.py``. Edits send the ``version`` they
were based on (409 with ``changed`` when the team changed meanwhile). Teams are never
deleted: an edit with ``active: false`` switches one off.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session

from agent_console.admin_access import admin_only
from agent_console.api_errors import COMMON, errors
from agent_console.deps import DB, Viewer
from agent_console.limits import Id, client_ip, limit_body
from callcenter.agents import team_admin
from callcenter.agents.models import Team
from callcenter.agents.team_schemas import MemberIn, MemberOut, TeamIn, TeamOut

router = APIRouter(prefix="/api/admin", tags=["administration"],
                   dependencies=[Depends(limit_body)], responses=COMMON)
Admin = Depends(admin_only)


def team_out(db: Session, team: Team) -> TeamOut:
    return TeamOut(id=team.id, name=team.name, province_code=team.province_code,
                   active=team.active, version=team.version,
                   members=[MemberOut(id=u.id, login=u.login, display_name=u.display_name,
                                      role=u.role.value)
                            for u in team_admin.members(db, team)])


@router.get("/teams", response_model=list[TeamOut])
def team_list(viewer: Viewer = Admin, db: Session = DB):
    """Every team with its members, active ones first."""
    return [team_out(db, t) for t in team_admin.all_teams(db)]


@router.post("/teams", response_model=TeamOut, status_code=201, responses=errors(409, 422))
def team_create(body: TeamIn, request: Request, viewer: Viewer = Admin, db: Session = DB):
    team = team_admin.create(db, body, actor_id=viewer.id, source_ip=client_ip(request))
    return team_out(db, team)


@router.get("/teams/{team_id}", response_model=TeamOut, responses=errors(404, 422))
def team_one(team_id: Id, viewer: Viewer = Admin, db: Session = DB):
    return team_out(db, team_admin.get(db, team_id))


@router.put("/teams/{team_id}", response_model=TeamOut, responses=errors(404, 409, 422))
def team_update(team_id: Id, body: TeamIn, request: Request, viewer: Viewer = Admin,
                db: Session = DB):
    """Rename, move to a province, switch off or on (send ``version``)."""
    team = team_admin.update(db, team_id, body, actor_id=viewer.id,
                             source_ip=client_ip(request))
    return team_out(db, team)


@router.post("/teams/{team_id}/members", response_model=TeamOut,
             responses=errors(404, 422))
def member_add(team_id: Id, body: MemberIn, request: Request, viewer: Viewer = Admin,
               db: Session = DB):
    """Add an active agent or supervisor (already in: nothing changes)."""
    team = team_admin.add_member(db, team_id, body.user_id, actor_id=viewer.id,
                                 source_ip=client_ip(request))
    return team_out(db, team)


@router.delete("/teams/{team_id}/members/{user_id}", response_model=TeamOut,
               responses=errors(404, 422))
def member_remove(team_id: Id, user_id: Id, request: Request, viewer: Viewer = Admin,
                  db: Session = DB):
    """Take a person out of the team; their cases keep their owner and team."""
    team = team_admin.remove_member(db, team_id, user_id, actor_id=viewer.id,
                                    source_ip=client_ip(request))
    return team_out(db, team)
