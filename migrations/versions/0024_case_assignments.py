"""Reassigning cases: the history of owners and teams (case_assignments), cases.version

A reassignment is refused when the case was reassigned after the form was drawn: the
case's version counts reassignments.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import callcenter.db

revision: str = '0024'
down_revision: str | None = '0023'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = callcenter.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    # A plain ADD COLUMN on both databases (a batch copy of ``cases`` on SQLite would
    # cascade to its children); existing cases start at version 1.
    op.add_column('cases', sa.Column('version', sa.Integer(), server_default='1',
                                     nullable=False))
    op.create_table(
        'case_assignments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('from_owner_id', sa.Integer(), nullable=True),
        sa.Column('to_owner_id', sa.Integer(), nullable=False),
        sa.Column('from_team_id', sa.Integer(), nullable=True),
        sa.Column('to_team_id', sa.Integer(), nullable=True),
        sa.Column('reason', sa.String(length=300), nullable=False),
        sa.Column('by_id', sa.Integer(), nullable=False),
        sa.Column('at', WHEN, nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ondelete='CASCADE',
                                name=op.f('fk_case_assignments_case_id_cases')),
        sa.ForeignKeyConstraint(['from_owner_id'], ['users.id'],
                                name=op.f('fk_case_assignments_from_owner_id_users')),
        sa.ForeignKeyConstraint(['to_owner_id'], ['users.id'],
                                name=op.f('fk_case_assignments_to_owner_id_users')),
        sa.ForeignKeyConstraint(['from_team_id'], ['teams.id'],
                                name=op.f('fk_case_assignments_from_team_id_teams')),
        sa.ForeignKeyConstraint(['to_team_id'], ['teams.id'],
                                name=op.f('fk_case_assignments_to_team_id_teams')),
        sa.ForeignKeyConstraint(['by_id'], ['users.id'],
                                name=op.f('fk_case_assignments_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_case_assignments')),
    )
    op.create_index(op.f('ix_case_assignments_case_id'), 'case_assignments', ['case_id'])
    op.create_index(op.f('ix_case_assignments_to_owner_id'), 'case_assignments',
                    ['to_owner_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_case_assignments_to_owner_id'), table_name='case_assignments')
    op.drop_index(op.f('ix_case_assignments_case_id'), table_name='case_assignments')
    op.drop_table('case_assignments')
    op.drop_column('cases', 'version')
