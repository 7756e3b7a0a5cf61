"""Cases: the outcome chosen when closing (cases.closure_outcome, case_status_changes.outcome)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08 09:00:00

A case could be closed with one click and no word of how it ended. Closing now names
its outcome: kept on the case while it is closed, and on the status change that closed
it, so a reopened case keeps the history of each closing. Cases closed before have
none (the page shows "-").

The columns are added in place on both databases: batch mode on SQLite would copy
``cases``, and dropping the old table cascades to its persons, calls and status history
(the append-only ``case_status_changes`` refuses that). SQLite takes a column CHECK in
ADD COLUMN and drops it with the column.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OUTCOMES = ('resolved', 'referred', 'help_declined', 'unreachable', 'duplicate', 'prank')
# (table, column, the CHECK's name as the models' naming convention gives it)
COLUMNS = (
    ('cases', 'closure_outcome', 'ck_cases_closure_outcome'),
    ('case_status_changes', 'outcome', 'ck_case_status_changes_outcome'),
)


def upgrade() -> None:
    allowed = ", ".join(f"'{o}'" for o in OUTCOMES)
    for table, column, check in COLUMNS:
        condition = f"{column} IN ({allowed})"
        if op.get_bind().dialect.name == "sqlite":
            op.execute(f"ALTER TABLE {table} ADD COLUMN {column} VARCHAR(40) "
                       f"CONSTRAINT {check} CHECK ({condition})")
        else:
            op.add_column(table, sa.Column(column, sa.String(length=40), nullable=True))
            op.create_check_constraint(check, table, condition)


def downgrade() -> None:
    for table, column, check in reversed(COLUMNS):
        if op.get_bind().dialect.name == "sqlite":
            op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        else:
            op.drop_constraint(check, table, type_="check")
            op.drop_column(table, column)
