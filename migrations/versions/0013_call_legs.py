"""Calls have legs: one row per queue visit (call_legs)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 08:00:00

A call moved to another queue (a Redirect, the supervisor's move, a wait limit that
overflows to operator, a transfer) kept only its last queue, agent, wait and talk. Each
queue visit is now a leg: its queue, when the caller joined and was answered, the agent,
the wait and talk, when and how it ended. The calls row keeps the whole call's summary.

Backfill: every existing call that reached a queue gets one leg from what its row has
(its outcome says how the leg ended, when it is one a leg can have).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import callcenter.db

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = callcenter.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'call_legs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('call_id', sa.Integer(), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('queue_name', sa.String(length=64), nullable=True),
        sa.Column('joined_at', WHEN, nullable=True),
        sa.Column('answered_at', WHEN, nullable=True),
        sa.Column('agent_interface', sa.String(length=128), nullable=True),
        sa.Column('agent_name', sa.String(length=120), nullable=True),
        sa.Column('agent_user_id', sa.Integer(), nullable=True),
        sa.Column('wait_seconds', sa.Integer(), nullable=True),
        sa.Column('talk_seconds', sa.Integer(), nullable=True),
        sa.Column('ended_at', WHEN, nullable=True),
        sa.Column('ended_how', sa.Enum('answered', 'abandoned', 'timeout', 'moved',
                                       'transferred', name='leg_end', native_enum=False,
                                       create_constraint=True, length=40),
                  nullable=True),
        sa.ForeignKeyConstraint(['call_id'], ['calls.id'], ondelete='CASCADE',
                                name=op.f('fk_call_legs_call_id_calls')),
        sa.ForeignKeyConstraint(['agent_user_id'], ['users.id'],
                                name=op.f('fk_call_legs_agent_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_call_legs')),
        sa.UniqueConstraint('call_id', 'seq', name=op.f('uq_call_legs_call_id_seq')),
    )
    op.create_index('ix_call_legs_joined_at', 'call_legs', ['joined_at'])
    op.create_index(op.f('ix_call_legs_queue_name'), 'call_legs', ['queue_name'])
    op.create_index(op.f('ix_call_legs_agent_user_id'), 'call_legs', ['agent_user_id'])
    op.execute(
        "INSERT INTO call_legs (call_id, seq, queue_name, joined_at, answered_at, "
        "agent_interface, agent_name, agent_user_id, wait_seconds, talk_seconds, "
        "ended_at, ended_how) "
        "SELECT id, 1, queue_name, queued_at, answered_at, agent_interface, agent_name, "
        "agent_user_id, wait_seconds, talk_seconds, ended_at, "
        "CASE outcome WHEN 'answered' THEN 'answered' WHEN 'abandoned' THEN 'abandoned' "
        "WHEN 'queue_timeout' THEN 'timeout' WHEN 'transferred' THEN 'transferred' "
        "WHEN 'callback' THEN 'abandoned' END "
        "FROM calls WHERE queue_name IS NOT NULL AND queue_name <> ''"
    )


def downgrade() -> None:
    op.drop_index(op.f('ix_call_legs_agent_user_id'), table_name='call_legs')
    op.drop_index(op.f('ix_call_legs_queue_name'), table_name='call_legs')
    op.drop_index('ix_call_legs_joined_at', table_name='call_legs')
    op.drop_table('call_legs')
