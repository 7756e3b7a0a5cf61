"""Three-way calls: the interpreters' roster, a call's guests, and wrap-up per queue

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-13 10:00:00

``interpreters`` is the roster admins keep (language, number, hours); ``call_guests`` is
one row per interpreter or emergency service the agent dialled into a call's conference,
with when they joined and left (and, for a service, when the agent left them together).
``queues.wrap_up_required``: after a call from the queue the agent stays paused until the
call has a disposition or a case.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import callcenter.db

revision: str = '0035'
down_revision: str | None = '0034'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = callcenter.db.UTCDateTime(timezone=True)
GUEST_ROLE = sa.Enum('interpreter', 'service', name='guest_role', native_enum=False,
                     create_constraint=True, length=40)


def upgrade() -> None:
    op.create_table(
        'interpreters',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('phone', sa.String(length=20), nullable=False),
        sa.Column('days', sa.String(length=7), nullable=False),
        sa.Column('from_time', sa.Time(), nullable=False),
        sa.Column('until_time', sa.Time(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('updated_at', WHEN, nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_interpreters')),
    )
    op.create_index(op.f('ix_interpreters_language'), 'interpreters', ['language'])
    op.create_table(
        'call_guests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('call_id', sa.Integer(), nullable=False),
        sa.Column('role', GUEST_ROLE, nullable=False),
        sa.Column('language', sa.String(length=8), nullable=True),
        sa.Column('service', sa.String(length=16), nullable=True),
        sa.Column('interpreter_id', sa.Integer(), nullable=True),
        sa.Column('number', sa.String(length=20), nullable=False),
        sa.Column('channel', sa.String(length=128), nullable=True),
        sa.Column('added_by_id', sa.Integer(), nullable=True),
        sa.Column('invited_at', WHEN, nullable=False),
        sa.Column('joined_at', WHEN, nullable=True),
        sa.Column('left_at', WHEN, nullable=True),
        sa.Column('agent_left_at', WHEN, nullable=True),
        sa.ForeignKeyConstraint(['call_id'], ['calls.id'], ondelete='CASCADE',
                                name=op.f('fk_call_guests_call_id_calls')),
        sa.ForeignKeyConstraint(['interpreter_id'], ['interpreters.id'], ondelete='SET NULL',
                                name=op.f('fk_call_guests_interpreter_id_interpreters')),
        sa.ForeignKeyConstraint(['added_by_id'], ['users.id'],
                                name=op.f('fk_call_guests_added_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_call_guests')),
    )
    op.create_index('ix_call_guests_call_id', 'call_guests', ['call_id'])
    # Every queue starts as before: Asterisk's wrapuptime only.
    with op.batch_alter_table('queues') as batch:
        batch.add_column(sa.Column('wrap_up_required', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('queues') as batch:
        batch.drop_column('wrap_up_required')
    op.drop_index('ix_call_guests_call_id', table_name='call_guests')
    op.drop_table('call_guests')
    op.drop_index(op.f('ix_interpreters_language'), table_name='interpreters')
    op.drop_table('interpreters')
