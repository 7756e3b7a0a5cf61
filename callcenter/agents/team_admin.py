"""Admins keep the teams: create, rename, move to a province, switch off (never delete),
add and remove members. Every change is audited with what it changed. Never commits.

An edit carries the version its form was drawn from; a newer save is refused (409,
naming what changed). Members are the people who work cases: agents and supervisors.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from callcenter import audit
from callcenter.agents import teams
from callcenter.agents.models import Role, Team, TeamMember, User
from callcenter.agents.team_schemas import TeamIn
from callcenter.errors import Conflict, InvalidInput, NotFound, StaleEdit

EDITABLE = ("name", "province_code", "active")
MEMBER_ROLES = (Role.AGENT, Role.SUPERVISOR)


def get(session: Session, team_id: int) -> Team:
    team = session.get(Team, team_id)
    if team is None:
        raise NotFound(f"team {team_id} not found")
    return team


def all_teams(session: Session) -> list[Team]:
    """Every team, active ones first, by name."""
    return list(session.scalars(select(Team).order_by(Team.active.desc(), Team.name)))


def member_counts(session: Session) -> dict[int, int]:
    counts: dict[int, int] = {}
    for team_id in session.scalars(select(TeamMember.team_id)):
        counts[team_id] = counts.get(team_id, 0) + 1
    return counts


def candidates(session: Session) -> list[User]:
    """Who may join a team: active agents and supervisors, by name."""
    return list(session.scalars(select(User).where(
        User.role.in_(MEMBER_ROLES), User.active.is_(True))
        .order_by(User.display_name, User.id)))


def _snapshot(team: Team) -> dict[str, object]:
    return {name: getattr(team, name) for name in EDITABLE}


def _name_free(session: Session, name: str, *, other_than: int | None = None) -> None:
    taken = session.scalar(select(Team.id).where(Team.name == name))
    if taken is not None and taken != other_than:
        raise Conflict("another team has this name", field="name")


def create(session: Session, data: TeamIn, *, actor_id: int,
           source_ip: str | None = None) -> Team:
    _name_free(session, data.name)
    team = teams.create_team(session, name=data.name, province_code=data.province_code)
    team.active = data.active
    session.flush()
    audit.record(session, actor_id=actor_id, action="team.create", entity_type="team",
                 entity_id=team.id, source_ip=source_ip,
                 changes=audit.changes_between({}, _snapshot(team)))
    return team


def update(session: Session, team_id: int, data: TeamIn, *, actor_id: int,
           source_ip: str | None = None) -> Team:
    """Save an admin's edit (``data.version`` required); audited as ``team.update``."""
    if data.version is None:
        raise InvalidInput("the form's version is missing", field="version")
    team = get(session, team_id)
    before = _snapshot(team)
    wanted = data.model_dump(include=set(EDITABLE))
    if team.version != data.version:
        changed = {k: v for k, v in before.items() if wanted[k] != v}
        if not changed:
            return team  # what it would save is stored already (a form sent twice)
        raise StaleEdit(changed=changed)
    _name_free(session, data.name, other_than=team.id)
    for name, value in wanted.items():
        setattr(team, name, value)
    changes = audit.changes_between(before, _snapshot(team))
    if changes:
        team.version += 1
    session.flush()
    audit.record(session, actor_id=actor_id, action="team.update", entity_type="team",
                 entity_id=team.id, source_ip=source_ip, changes=changes)
    return team


def members(session: Session, team: Team) -> list[User]:
    return teams.members_of(session, team.id)


def _member_ids(session: Session, team: Team) -> list[int]:
    return sorted(session.scalars(select(TeamMember.user_id).where(
        TeamMember.team_id == team.id)))


def add_member(session: Session, team_id: int, user_id: int, *, actor_id: int,
               source_ip: str | None = None) -> Team:
    """Add a worker; adding one already in the team changes nothing."""
    team = get(session, team_id)
    user = session.get(User, user_id)
    if user is None or user.role not in MEMBER_ROLES or not user.active:
        raise InvalidInput("a member is an active agent or supervisor", field="user_id")
    before = _member_ids(session, team)
    if user_id in before:
        return team
    session.add(TeamMember(team_id=team.id, user_id=user_id))
    session.flush()
    audit.record(session, actor_id=actor_id, action="team.member_add", entity_type="team",
                 entity_id=team.id, source_ip=source_ip,
                 changes={"members": [before, _member_ids(session, team)]})
    return team


def remove_member(session: Session, team_id: int, user_id: int, *, actor_id: int,
                  source_ip: str | None = None) -> Team:
    """Take a person out of the team (one not in it: nothing to do); the team's cases
    keep their owners."""
    team = get(session, team_id)
    row = session.get(TeamMember, (team.id, user_id))
    if row is None:
        return team
    before = _member_ids(session, team)
    session.delete(row)
    session.flush()
    audit.record(session, actor_id=actor_id, action="team.member_remove", entity_type="team",
                 entity_id=team.id, source_ip=source_ip,
                 changes={"members": [before, _member_ids(session, team)]})
    return team
