"""Reports: agents' state history (pause time by reason) and range indexes.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 18:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('agent_state_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('node', sa.String(length=40), nullable=False),
    sa.Column('agent_interface', sa.String(length=128), nullable=False),
    sa.Column('agent_user_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.Enum('logged_in', 'available', 'ringing', 'in_call', 'wrap_up', 'paused', 'logged_out', name='agent_state', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('reason', sa.String(length=80), nullable=True),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agent_user_id'], ['users.id'], name=op.f('fk_agent_state_changes_agent_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agent_state_changes'))
    )
    with op.batch_alter_table('agent_state_changes', schema=None) as batch_op:
        batch_op.create_index('ix_agent_state_changes_changed_at', ['changed_at'], unique=False)
        batch_op.create_index('ix_agent_state_changes_interface_at', ['agent_interface', 'changed_at'], unique=False)

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_created_at', ['created_at'], unique=False)

    with op.batch_alter_table('dispatches', schema=None) as batch_op:
        batch_op.create_index('ix_dispatches_created_at', ['created_at'], unique=False)

    create_bucket_statistics()


def downgrade() -> None:
    drop_bucket_statistics()

    with op.batch_alter_table('dispatches', schema=None) as batch_op:
        batch_op.drop_index('ix_dispatches_created_at')

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_created_at')

    with op.batch_alter_table('agent_state_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_agent_state_changes_interface_at')
        batch_op.drop_index('ix_agent_state_changes_changed_at')

    op.drop_table('agent_state_changes')


# PostgreSQL guesses that grouping by an expression of a timestamp gives as many groups
# as there are timestamps, so it sorts a year of calls on disk and never aggregates in
# parallel. Statistics on the reports' exact bucket expressions (Asia/Bangkok, the
# default zone) tell it there are 365 days, 8,760 hours and 24 hours of the day: a
# parallel hash aggregate.
BUCKET_STATISTICS = {
    'calls_local_day': ('calls', "date_trunc('day', started_at AT TIME ZONE 'Asia/Bangkok')"),
    'calls_local_hour_start': ('calls', "date_trunc('hour', started_at AT TIME ZONE 'Asia/Bangkok')"),
    'calls_local_hour': ('calls', "CAST(EXTRACT(HOUR FROM started_at AT TIME ZONE 'Asia/Bangkok') AS INTEGER)"),
    'cases_local_month': ('cases', "date_trunc('month', created_at AT TIME ZONE 'Asia/Bangkok')"),
}


def create_bucket_statistics() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    for name, (table, expression) in BUCKET_STATISTICS.items():
        op.execute(f'CREATE STATISTICS {name} ON ({expression}) FROM {table}')


def drop_bucket_statistics() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    for name in BUCKET_STATISTICS:
        op.execute(f'DROP STATISTICS IF EXISTS {name}')
