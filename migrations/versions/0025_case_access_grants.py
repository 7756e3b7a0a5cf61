"""Break-the-glass grants: an agent's reasoned opening of a case not theirs (case_access_grants)

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06 15:00:00

An agent reads their own cases, their team's and the one of their current call; any
other case only with a stated reason, which gives them a grant for one shift and puts
the opening on the supervisors' review list (``callcenter.cases.need_to_know``).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import callcenter.db

revision: str = '0025'
down_revision: str | None = '0024'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = callcenter.db.UTCDateTime(timezone=True)
TABLE = 'case_access_grants'


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.String(length=300), nullable=False),
        sa.Column('granted_at', WHEN, nullable=False),
        sa.Column('expires_at', WHEN, nullable=False),
        sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
        sa.Column('reviewed_at', WHEN, nullable=True),
        sa.Column('review_note', sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f(f'fk_{TABLE}_user_id_users')),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ondelete='CASCADE',
                                name=op.f(f'fk_{TABLE}_case_id_cases')),
        sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'],
                                name=op.f(f'fk_{TABLE}_reviewed_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{TABLE}')),
    )
    op.create_index(op.f(f'ix_{TABLE}_case_id'), TABLE, ['case_id'])
    op.create_index('ix_case_access_grants_user_expires', TABLE, ['user_id', 'expires_at'])
    op.create_index('ix_case_access_grants_review', TABLE, ['reviewed_at', 'granted_at'])


def downgrade() -> None:
    op.drop_index('ix_case_access_grants_review', table_name=TABLE)
    op.drop_index('ix_case_access_grants_user_expires', table_name=TABLE)
    op.drop_index(op.f(f'ix_{TABLE}_case_id'), table_name=TABLE)
    op.drop_table(TABLE)
