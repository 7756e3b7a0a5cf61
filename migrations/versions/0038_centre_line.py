"""The number units call to reach the 1300 centre, kept by admins on the console

Revision ID: 0038
Revises: 0037
Create Date: 2026-12-06 20:30:00

``centre_line`` holds at most one row: the centre's direct line for rapid-response units
(``callcenter.provinces.centre_line``). Without it the unit's page calls 1300.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import callcenter.db

revision: str = '0038'
down_revision: str | None = '0037'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = callcenter.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'centre_line',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('phone', sa.String(length=20), nullable=False),
        sa.Column('updated_at', WHEN, nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )


def downgrade() -> None:
    op.drop_table('centre_line')
