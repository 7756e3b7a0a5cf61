"""Case drafts (intake forms saved while the call lasts) and the cases' intake keys.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 18:26:26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import callcenter.db

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('case_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('created_at', callcenter.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', callcenter.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_case_drafts_call_id_calls')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_drafts_case_id_cases')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_case_drafts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_drafts')),
    sa.UniqueConstraint('key', name=op.f('uq_case_drafts_key'))
    )
    with op.batch_alter_table('case_drafts', schema=None) as batch_op:
        batch_op.create_index('ix_case_drafts_user_call', ['user_id', 'call_id'], unique=False)

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('intake_key', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_cases_intake_key'), ['intake_key'])


def downgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_cases_intake_key'), type_='unique')
        batch_op.drop_column('intake_key')

    with op.batch_alter_table('case_drafts', schema=None) as batch_op:
        batch_op.drop_index('ix_case_drafts_user_call')

    op.drop_table('case_drafts')
