"""Admin pages: the teams that share cases (the hotline's follow-up team, a province's)
and their members.

``/admin/teams`` lists them with a form for a new one; ``/admin/teams/{team_id}`` edits
one (name, province, active: teams are switched off, never deleted) and its members.
Every save is audited with its changes; an edit over a newer version answers 409.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from agent_console import htmx
from agent_console.admin_access import admin_only
from agent_console.assignment_view import said
from agent_console.deps import DB, Viewer, page_context
from agent_console.limits import Id, client_ip, limit_body
from agent_console.templating import templates
from callcenter.agents import team_admin
from callcenter.agents.team_schemas import TeamIn
from callcenter.errors import DomainError
from callcenter.provinces import catalog

# Pages only (their JSON twin is api_admin_teams); NUL characters never reach the database.
router = APIRouter(prefix="/admin", include_in_schema=False, dependencies=[Depends(limit_body)])
Admin = Depends(admin_only)
Text = Annotated[str, Form(max_length=120)]
Province = Annotated[str, Form(max_length=6)]
Flag = Annotated[str | None, Form(max_length=8)]
Number = Annotated[int, Form(ge=1, le=2_147_483_647)]


def _data(name: str, province_code: str, active: str | None, version: int | None = None
          ) -> TeamIn:
    # Pydantic's errors answer 422 naming the fields, as the API's do.
    return TeamIn(name=name, province_code=province_code, active=active is not None,
                  version=version)


@router.get("/teams", response_class=HTMLResponse)
def team_list(request: Request, viewer: Viewer = Admin, db: Session = DB) -> Response:
    return templates.TemplateResponse(request, "admin/teams/list.html", page_context(
        request, teams=team_admin.all_teams(db), counts=team_admin.member_counts(db),
        provinces=catalog.provinces(), saved=request.query_params.get("saved")))


@router.post("/teams")
def team_create(request: Request, name: Text, province_code: Province = "",
                active: Flag = None, viewer: Viewer = Admin, db: Session = DB) -> Response:
    try:
        team = team_admin.create(db, _data(name, province_code, active), actor_id=viewer.id,
                                 source_ip=client_ip(request))
    except DomainError as exc:
        raise said(request, exc) from None
    return htmx.redirect(request, f"/admin/teams/{team.id}?saved=1")


@router.get("/teams/{team_id}", response_class=HTMLResponse)
def team_form(team_id: Id, request: Request, viewer: Viewer = Admin,
              db: Session = DB) -> Response:
    team = team_admin.get(db, team_id)
    members = team_admin.members(db, team)
    in_team = {u.id for u in members}
    return templates.TemplateResponse(request, "admin/teams/edit.html", page_context(
        request, team=team, members=members, provinces=catalog.provinces(),
        candidates=[u for u in team_admin.candidates(db) if u.id not in in_team],
        saved=request.query_params.get("saved")))


@router.post("/teams/{team_id}")
def team_save(team_id: Id, request: Request, name: Text, version: Number,
              province_code: Province = "", active: Flag = None, viewer: Viewer = Admin,
              db: Session = DB) -> Response:
    try:
        team_admin.update(db, team_id, _data(name, province_code, active, version),
                          actor_id=viewer.id, source_ip=client_ip(request))
    except DomainError as exc:
        raise said(request, exc) from None
    return htmx.redirect(request, f"/admin/teams/{team_id}?saved=1")


@router.post("/teams/{team_id}/members")
def member_add(team_id: Id, request: Request, user_id: Number, viewer: Viewer = Admin,
               db: Session = DB) -> Response:
    try:
        team_admin.add_member(db, team_id, user_id, actor_id=viewer.id,
                              source_ip=client_ip(request))
    except DomainError as exc:
        raise said(request, exc) from None
    return htmx.redirect(request, f"/admin/teams/{team_id}?saved=1#members")


@router.post("/teams/{team_id}/members/{user_id}/remove")
def member_remove(team_id: Id, user_id: Id, request: Request, viewer: Viewer = Admin,
                  db: Session = DB) -> Response:
    team_admin.remove_member(db, team_id, user_id, actor_id=viewer.id,
                             source_ip=client_ip(request))
    return htmx.redirect(request, f"/admin/teams/{team_id}?saved=1#members")

