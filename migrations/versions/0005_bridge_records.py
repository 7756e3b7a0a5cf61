"""Call records: what the bridge learns beyond the first schema (the IVR's outcome and error)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 19:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ivr_outcome', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('ivr_error', sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_column('ivr_error')
        batch_op.drop_column('ivr_outcome')
