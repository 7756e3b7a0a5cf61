"""Supervisors listening in on the record (call_monitoring)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 07:00:00

The bridge skipped ChanSpyStart/ChanSpyStop: a supervisor's listen, whisper or barge was
only in the audit trail as a request. Each ChanSpy run is now a row: who, which call,
which mode, when it started and ended, keyed like calls by the node and the spying
channel's Uniqueid.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import callcenter.db

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = callcenter.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'call_monitoring',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('node', sa.String(length=40), nullable=False),
        sa.Column('spy_uniqueid', sa.String(length=150), nullable=False),
        sa.Column('call_id', sa.Integer(), nullable=True),
        sa.Column('supervisor_user_id', sa.Integer(), nullable=True),
        sa.Column('mode', sa.Enum('listen', 'whisper', 'barge', name='monitor_mode',
                                  native_enum=False, create_constraint=True, length=40),
                  nullable=True),
        sa.Column('spy_channel', sa.String(length=128), nullable=False),
        sa.Column('agent_channel', sa.String(length=128), nullable=False),
        sa.Column('started_at', WHEN, nullable=False),
        sa.Column('ended_at', WHEN, nullable=True),
        sa.ForeignKeyConstraint(['call_id'], ['calls.id'],
                                name=op.f('fk_call_monitoring_call_id_calls')),
        sa.ForeignKeyConstraint(['supervisor_user_id'], ['users.id'],
                                name=op.f('fk_call_monitoring_supervisor_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_call_monitoring')),
        sa.UniqueConstraint('node', 'spy_uniqueid',
                            name=op.f('uq_call_monitoring_node_spy_uniqueid')),
    )
    op.create_index(op.f('ix_call_monitoring_call_id'), 'call_monitoring', ['call_id'])
    op.create_index(op.f('ix_call_monitoring_supervisor_user_id'), 'call_monitoring',
                    ['supervisor_user_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_call_monitoring_supervisor_user_id'), table_name='call_monitoring')
    op.drop_index(op.f('ix_call_monitoring_call_id'), table_name='call_monitoring')
    op.drop_table('call_monitoring')
