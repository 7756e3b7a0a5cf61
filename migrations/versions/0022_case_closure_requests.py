"""Closures waiting for a supervisor's approval (case_closure_requests)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 12:30:00

An agent's close of an immediate or high-urgency case, or of a child's case, waits for a
supervisor: the request keeps the outcome asked for, who asked and when, and the
supervisor's decision (approved, or sent back with a reason). At most one request per
case waits at a time (a partial unique index).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import callcenter.db

revision: str = '0022'
down_revision: str | None = '0021'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = callcenter.db.UTCDateTime(timezone=True)
OUTCOMES = ('resolved', 'referred', 'help_declined', 'unreachable', 'duplicate', 'prank')
STATES = ('pending', 'approved', 'sent_back')
TABLE = 'case_closure_requests'


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('outcome', sa.Enum(*OUTCOMES, name='outcome', native_enum=False,
                                     create_constraint=True, length=40), nullable=False),
        sa.Column('reason', sa.String(length=300), nullable=True),
        sa.Column('requested_by_id', sa.Integer(), nullable=False),
        sa.Column('requested_at', WHEN, nullable=False),
        sa.Column('state', sa.Enum(*STATES, name='closure_state', native_enum=False,
                                   create_constraint=True, length=40), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', WHEN, nullable=True),
        sa.Column('decision_reason', sa.String(length=300), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ondelete='CASCADE',
                                name=op.f(f'fk_{TABLE}_case_id_cases')),
        sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'],
                                name=op.f(f'fk_{TABLE}_requested_by_id_users')),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'],
                                name=op.f(f'fk_{TABLE}_decided_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{TABLE}')),
    )
    op.create_index(op.f(f'ix_{TABLE}_case_id'), TABLE, ['case_id'])
    op.create_index('ix_case_closure_requests_state', TABLE, ['state', 'requested_at'])
    op.create_index('uq_case_closure_requests_pending', TABLE, ['case_id'], unique=True,
                    postgresql_where=sa.text("state = 'pending'"),
                    sqlite_where=sa.text("state = 'pending'"))


def downgrade() -> None:
    op.drop_index('uq_case_closure_requests_pending', table_name=TABLE)
    op.drop_index('ix_case_closure_requests_state', table_name=TABLE)
    op.drop_index(op.f(f'ix_{TABLE}_case_id'), table_name=TABLE)
    op.drop_table(TABLE)
