"""Calls handed over by a transfer: from whom, to whom or which queue, blind or warm

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-06 18:00:00

``call_handovers`` is what the console asked of a transfer and for whom, so that the
receiving agent's screen-pop finds the first agent's draft or case and a case's timeline
says who handed its call to whom (``callcenter.calls.handover_models``).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import callcenter.db

revision: str = '0036'
down_revision: str | None = '0035'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = callcenter.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'call_handovers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('call_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum('blind', 'warm', name='handover_kind', native_enum=False,
                                  create_constraint=True, length=40), nullable=False),
        sa.Column('state', sa.Enum('consulting', 'completed', 'cancelled',
                                   name='handover_state', native_enum=False,
                                   create_constraint=True, length=40), nullable=False),
        sa.Column('from_user_id', sa.Integer(), nullable=False),
        sa.Column('to_user_id', sa.Integer(), nullable=True),
        sa.Column('to_queue', sa.String(length=64), nullable=True),
        sa.Column('to_number', sa.String(length=20), nullable=True),
        sa.Column('reason', sa.String(length=200), nullable=False),
        sa.Column('started_at', WHEN, nullable=False),
        sa.Column('ended_at', WHEN, nullable=True),
        sa.ForeignKeyConstraint(['call_id'], ['calls.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['from_user_id'], ['users.id']),
        sa.ForeignKeyConstraint(['to_user_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_call_handovers_call', 'call_handovers', ['call_id', 'started_at'])
    op.create_index(op.f('ix_call_handovers_to_user_id'), 'call_handovers', ['to_user_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_call_handovers_to_user_id'), table_name='call_handovers')
    op.drop_index('ix_call_handovers_call', table_name='call_handovers')
    op.drop_table('call_handovers')
