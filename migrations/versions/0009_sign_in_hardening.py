"""Sign-in hardening: second-factor failures counted apart, failures per client address

``users.failed_codes`` counts wrong TOTP codes on their own (a right password resets
only ``failed_logins``). ``sign_in_failures`` counts failed sign-ins per client address
for the throttle that slows an attacker without locking the account's owner out.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import callcenter.db

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = callcenter.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_codes', sa.Integer(), nullable=False,
                                      server_default='0'))
    op.create_table(
        'sign_in_failures',
        sa.Column('address', sa.String(length=64), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('last_failed_at', WHEN, nullable=False),
        sa.PrimaryKeyConstraint('address', name=op.f('pk_sign_in_failures')),
    )
    with op.batch_alter_table('sign_in_failures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_failures_last_failed_at'),
                              ['last_failed_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('sign_in_failures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_failures_last_failed_at'))
    op.drop_table('sign_in_failures')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('failed_codes')
