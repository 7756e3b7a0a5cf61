"""Administration's foundation: audited changes, record versions, sign-in facts

``audit_events.changes`` holds what an administrative action changed, as
``{field: [before, after]}`` (staff and reference data only, never a survivor's).
``users.version`` counts administrative edits of an account, so two admins editing the
same person find out (409) instead of one silently undoing the other.
``users.last_sign_in_at``, ``password_changed_at`` and ``must_change_password`` are what
the people list shows and what a forced change needs. ``console_sessions.fresh_factor_at``
is when the session last passed a TOTP code: sensitive administrative actions ask for a
new one once it is older than a few minutes.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import callcenter.db

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = callcenter.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    # Plain ADD COLUMN, not a batch: on SQLite a batch copies the table, and the copy
    # would lose the triggers that keep the audit trail append-only.
    op.add_column('audit_events', sa.Column('changes', sa.JSON(), nullable=True))
    op.add_column('users', sa.Column('version', sa.Integer(), nullable=False,
                                     server_default='1'))
    op.add_column('users', sa.Column('last_sign_in_at', WHEN, nullable=True))
    op.add_column('users', sa.Column('password_changed_at', WHEN, nullable=True))
    op.add_column('users', sa.Column('must_change_password', sa.Boolean(), nullable=False,
                                     server_default=sa.false()))
    op.add_column('console_sessions', sa.Column('fresh_factor_at', WHEN, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('console_sessions', schema=None) as batch_op:
        batch_op.drop_column('fresh_factor_at')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')
        batch_op.drop_column('password_changed_at')
        batch_op.drop_column('last_sign_in_at')
        batch_op.drop_column('version')
    op.drop_column('audit_events', 'changes')
