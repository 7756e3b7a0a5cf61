"""Teams and their members; a case's team (teams, team_members, cases.team_id)

A case may belong to a team (the hotline's follow-up team, a province's) as well as to
its owner: the team's members read it, and the team's supervisors hear when its
follow-ups run late.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 13:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import callcenter.db

revision: str = '0023'
down_revision: str | None = '0022'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = callcenter.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'teams',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('province_code', sa.String(length=6), nullable=True),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_at', WHEN, nullable=False),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.ForeignKeyConstraint(['province_code'], ['provinces.code'],
                                name=op.f('fk_teams_province_code_provinces')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_teams')),
        sa.UniqueConstraint('name', name=op.f('uq_teams_name')),
    )
    op.create_table(
        'team_members',
        sa.Column('team_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('added_at', WHEN, nullable=False),
        sa.ForeignKeyConstraint(['team_id'], ['teams.id'], ondelete='CASCADE',
                                name=op.f('fk_team_members_team_id_teams')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE',
                                name=op.f('fk_team_members_user_id_users')),
        sa.PrimaryKeyConstraint('team_id', 'user_id', name=op.f('pk_team_members')),
    )
    op.create_index(op.f('ix_team_members_user_id'), 'team_members', ['user_id'])
    # Plain ALTER (a batch copy of ``cases`` on SQLite would cascade to its children);
    # SQLite takes the reference only inline, in the ADD COLUMN itself.
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE cases ADD COLUMN team_id INTEGER '
                   'CONSTRAINT fk_cases_team_id_teams REFERENCES teams (id)')
    else:
        op.add_column('cases', sa.Column('team_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_cases_team_id_teams'), 'cases', 'teams',
                              ['team_id'], ['id'])
    op.create_index(op.f('ix_cases_team_id'), 'cases', ['team_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_cases_team_id'), table_name='cases')
    if op.get_bind().dialect.name == 'sqlite':
        op.drop_column('cases', 'team_id')
    else:
        op.drop_constraint(op.f('fk_cases_team_id_teams'), 'cases', type_='foreignkey')
        op.drop_column('cases', 'team_id')
    op.drop_index(op.f('ix_team_members_user_id'), table_name='team_members')
    op.drop_table('team_members')
    op.drop_table('teams')
