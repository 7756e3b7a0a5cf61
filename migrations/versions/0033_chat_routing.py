"""Chat routing: when a conversation was offered and accepted, agents' chat capacity

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-06 17:00:00

``queued_at`` is when a conversation first started to wait (the service level counts
from it and it never moves); ``waiting_since`` stays its place in line. ``declined_by_id``
is the last agent who declined or let the offer lapse: not offered the same one next.
An agent with no ``chat_capacities`` row takes the default (3).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import callcenter.db

revision: str = '0033'
down_revision: str | None = '0032'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = callcenter.db.UTCDateTime(timezone=True)
CONVERSATIONS = 'chat_conversations'


def upgrade() -> None:
    op.add_column(CONVERSATIONS, sa.Column('queued_at', WHEN, nullable=True))
    op.add_column(CONVERSATIONS, sa.Column('offered_at', WHEN, nullable=True))
    op.add_column(CONVERSATIONS, sa.Column('accepted_at', WHEN, nullable=True))
    op.add_column(CONVERSATIONS, sa.Column('declined_by_id', sa.Integer(), nullable=True))
    op.create_index('ix_chat_conversations_queued_at', CONVERSATIONS, ['queued_at'])
    op.create_table(
        'chat_capacities',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('capacity', sa.Integer(), nullable=False),
        sa.Column('updated_at', WHEN, nullable=False),
        sa.CheckConstraint('capacity >= 0 AND capacity <= 20',
                           name=op.f('ck_chat_capacities_capacity_range')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE',
                                name=op.f('fk_chat_capacities_user_id_users')),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_chat_capacities')),
    )


def downgrade() -> None:
    op.drop_table('chat_capacities')
    op.drop_index('ix_chat_conversations_queued_at', table_name=CONVERSATIONS)
    op.drop_column(CONVERSATIONS, 'declined_by_id')
    op.drop_column(CONVERSATIONS, 'accepted_at')
    op.drop_column(CONVERSATIONS, 'offered_at')
    op.drop_column(CONVERSATIONS, 'queued_at')
