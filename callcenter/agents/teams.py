"""Teams: who works together on cases, and who supervises whom.

Read by the case rules (a team's members read its cases) and by the follow-up reminders
(a late follow-up goes to the owner's supervisors). Admins keep the teams in the console.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from callcenter.agents.models import Role, Team, TeamMember, User


def team_ids_of(session: Session, user_id: int) -> list[int]:
    """The active teams a person is in."""
    return list(session.scalars(
        select(TeamMember.team_id).join(Team, Team.id == TeamMember.team_id)
        .where(TeamMember.user_id == user_id, Team.active.is_(True))
        .order_by(TeamMember.team_id)))


def members_of(session: Session, team_id: int) -> list[User]:
    return list(session.scalars(
        select(User).join(TeamMember, TeamMember.user_id == User.id)
        .where(TeamMember.team_id == team_id).order_by(User.display_name)))


def supervisors_of(session: Session, user_id: int) -> list[User]:
    """The active supervisors who share an active team with ``user_id``.

    With none (a person in no team, or a team without a supervisor) every active
    supervisor is answerable: a reminder must reach someone rather than no one.
    """
    teams = team_ids_of(session, user_id)
    query = select(User).where(User.role == Role.SUPERVISOR, User.active.is_(True),
                               User.id != user_id)
    if teams:
        # IN, not a join with DISTINCT: PostgreSQL cannot compare users' JSON column.
        in_teams = select(TeamMember.user_id).where(TeamMember.team_id.in_(teams))
        leads = list(session.scalars(query.where(User.id.in_(in_teams)).order_by(User.id)))
        if leads:
            return leads
    return list(session.scalars(query.order_by(User.id)))


def unteamed_worker_ids(session: Session) -> list[int]:
    """Active agents and supervisors in no active team: every supervisor answers for them
    (``supervisors_of`` sends their late work to all), so every supervisor sees it."""
    in_a_team = (select(TeamMember.user_id).join(Team, Team.id == TeamMember.team_id)
                 .where(Team.active.is_(True)))
    return list(session.scalars(
        select(User.id).where(User.role.in_((Role.AGENT, Role.SUPERVISOR)),
                              User.active.is_(True), User.id.not_in(in_a_team))
        .order_by(User.id)))


def active_teams(session: Session) -> list[Team]:
    return list(session.scalars(select(Team).where(Team.active.is_(True)).order_by(Team.name)))


def create_team(session: Session, *, name: str, province_code: str | None = None,
                member_ids: list[int] | tuple[int, ...] = ()) -> Team:
    team = Team(name=name, province_code=province_code)
    session.add(team)
    session.flush()
    for user_id in member_ids:
        session.add(TeamMember(team_id=team.id, user_id=user_id))
    session.flush()
    return team
