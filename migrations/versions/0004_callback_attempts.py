"""Callback requests: the caller's language and issue, the call they came from, attempts.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 19:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import callcenter.db

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = callcenter.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table('callback_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('call_node', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('call_uniqueid', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('language', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('issue_area', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('next_attempt_at', WHEN, nullable=True))
        batch_op.add_column(sa.Column('last_attempt_at', WHEN, nullable=True))
        batch_op.add_column(sa.Column('dial_node', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('dial_action_id', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('last_error', sa.String(length=120), nullable=True))
        batch_op.create_index(batch_op.f('ix_callback_requests_call_uniqueid'),
                              ['call_uniqueid'], unique=False)
        batch_op.create_index('ix_callback_requests_status_next',
                              ['status', 'next_attempt_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('callback_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_callback_requests_status_next')
        batch_op.drop_index(batch_op.f('ix_callback_requests_call_uniqueid'))
        for column in ('last_error', 'dial_action_id', 'dial_node', 'last_attempt_at',
                       'next_attempt_at', 'issue_area', 'language', 'call_uniqueid',
                       'call_node'):
            batch_op.drop_column(column)
