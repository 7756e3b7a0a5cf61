"""Dispatch: its own text for the unit (unit_brief), instead of the case's narrative

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 09:00:00

The unit was shown the case's summary, which may name the reporter or the alleged
perpetrator. From now on the agent writes what the unit needs to act when dispatching.
Dispatches made before have no such text: they get an empty one (the unit's page says
none was written), never a copy of the summary.

On SQLite the column is added and dropped in place: batch mode would copy
``dispatches``, and dropping it cascades to the append-only ``dispatch_events``
(see 0007).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('dispatches', sa.Column('unit_brief', sa.String(length=500), nullable=False,
                                          server_default=''))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE dispatches DROP COLUMN unit_brief")
    else:
        op.drop_column('dispatches', 'unit_brief')
