"""Partner applications' keys to the intake API, and the key each app report came with

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-11 10:00:00

An application's key is kept only as its digest with a short prefix to tell keys
apart; keys are revoked, never deleted. ``public_reports.app_key_id`` names the
application a report came from (empty for the website's).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import callcenter.db

revision: str = '0032'
down_revision: str | None = '0031'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = callcenter.db.UTCDateTime(timezone=True)
TABLE = 'intake_app_keys'
REPORTS = 'public_reports'


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('contact', sa.String(length=200), nullable=False),
        sa.Column('per_minute', sa.Integer(), nullable=False),
        sa.Column('prefix', sa.String(length=24), nullable=False),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('created_at', WHEN, nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('last_used_at', WHEN, nullable=True),
        sa.Column('revoked_at', WHEN, nullable=True),
        sa.Column('revoked_by_id', sa.Integer(), nullable=True),
        sa.Column('revoke_reason', sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f(f'fk_{TABLE}_created_by_id_users')),
        sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'],
                                name=op.f(f'fk_{TABLE}_revoked_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{TABLE}')),
        sa.UniqueConstraint('digest', name=op.f(f'uq_{TABLE}_digest')),
        sa.UniqueConstraint('prefix', name=op.f(f'uq_{TABLE}_prefix')),
    )
    with op.batch_alter_table(REPORTS, schema=None) as batch_op:
        batch_op.add_column(sa.Column('app_key_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f(f'fk_{REPORTS}_app_key_id_{TABLE}'), TABLE,
                                    ['app_key_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table(REPORTS, schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f(f'fk_{REPORTS}_app_key_id_{TABLE}'),
                                 type_='foreignkey')
        batch_op.drop_column('app_key_id')
    op.drop_table(TABLE)
