"""Every contact about a case: calls, walk-ins, messages (case_contacts)

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-08 10:00:00

A case's contacts are its timeline of who reached the hotline about it and how. A call
stays linked through ``case_calls`` (search, the case clock and the reports read it); its
contact references that link, so a phone contact cannot exist without it. Walk-ins and
messages have no call. The channel is stored without a CHECK: issue 16 adds channels in
the model only. Every call already linked becomes a phone contact here, dated by the
call's start and handled by its agent (else by whoever linked it).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import callcenter.db

revision: str = '0027'
down_revision: str | None = '0026'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = callcenter.db.UTCDateTime(timezone=True)
TABLE = 'case_contacts'


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.Enum('phone', 'walk_in', 'message', name='contact_channel',
                                     native_enum=False, create_constraint=False, length=40),
                  nullable=False),
        sa.Column('call_id', sa.Integer(), nullable=True),
        sa.Column('handled_by_id', sa.Integer(), nullable=True),
        sa.Column('occurred_at', WHEN, nullable=False),
        sa.Column('summary', sa.String(length=500), nullable=True),
        sa.Column('attached_by_id', sa.Integer(), nullable=True),
        sa.Column('attached_at', WHEN, nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ondelete='CASCADE',
                                name=op.f(f'fk_{TABLE}_case_id_cases')),
        sa.ForeignKeyConstraint(['case_id', 'call_id'],
                                ['case_calls.case_id', 'case_calls.call_id'],
                                ondelete='CASCADE', onupdate='CASCADE',
                                name=op.f(f'fk_{TABLE}_case_id_case_calls')),
        sa.ForeignKeyConstraint(['handled_by_id'], ['users.id'],
                                name=op.f(f'fk_{TABLE}_handled_by_id_users')),
        sa.ForeignKeyConstraint(['attached_by_id'], ['users.id'],
                                name=op.f(f'fk_{TABLE}_attached_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{TABLE}')),
        sa.UniqueConstraint('case_id', 'call_id', name=op.f(f'uq_{TABLE}_case_id_call_id')),
    )
    op.create_index('ix_case_contacts_case_id_occurred_at', TABLE, ['case_id', 'occurred_at'])
    op.execute(
        "INSERT INTO case_contacts (case_id, channel, call_id, handled_by_id, occurred_at, "
        "attached_by_id, attached_at) "
        "SELECT cc.case_id, 'phone', cc.call_id, COALESCE(c.agent_user_id, cc.linked_by_id), "
        "c.started_at, cc.linked_by_id, cc.linked_at "
        "FROM case_calls cc JOIN calls c ON c.id = cc.call_id "
        "ORDER BY c.started_at, cc.case_id")


def downgrade() -> None:
    op.drop_index('ix_case_contacts_case_id_occurred_at', table_name=TABLE)
    op.drop_table(TABLE)
