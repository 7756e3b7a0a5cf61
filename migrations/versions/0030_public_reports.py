"""Public reports from the website (and the app) and what their senders add (public_reports)

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-10 10:00:00

A report sent without a call waits in the web queue until an agent takes it and opens a
case from it, attaches it to one, or flags it. Its tracking code and the sender's
idempotency key and address are kept only as keyed digests. A new table each: nothing
existing changes.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import callcenter.db

revision: str = '0030'
down_revision: str | None = '0029'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = callcenter.db.UTCDateTime(timezone=True)
TABLE = 'public_reports'
ADDITIONS = 'public_report_additions'


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=40)


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tracking_hash', sa.String(length=64), nullable=False),
        sa.Column('idempotency_hash', sa.String(length=64), nullable=True),
        sa.Column('content_hash', sa.String(length=64), nullable=False),
        sa.Column('source', _enum('report_source', 'website', 'app'), nullable=False),
        sa.Column('language', _enum('report_language', 'th', 'en', 'my', 'km', 'lo'),
                  nullable=False),
        sa.Column('priority', sa.Integer(), nullable=False),
        sa.Column('urgent', sa.Boolean(), nullable=False),
        sa.Column('queue', sa.String(length=20), nullable=False),
        sa.Column('state', _enum('report_state', 'waiting', 'taken', 'handled', 'flagged'),
                  nullable=False),
        sa.Column('flag', _enum('report_flag', 'prank', 'abuse'), nullable=True),
        sa.Column('what_happened', sa.Text(), nullable=False),
        sa.Column('province_code', sa.String(length=6), nullable=True),
        sa.Column('district_code', sa.String(length=4), nullable=True),
        sa.Column('in_danger_now', sa.Boolean(), nullable=False),
        sa.Column('contact_way', _enum('report_contact', 'none', 'phone', 'email'),
                  nullable=False),
        sa.Column('contact_value', sa.String(length=120), nullable=True),
        sa.Column('safe_times', sa.String(length=200), nullable=True),
        sa.Column('reporter_name', sa.String(length=120), nullable=True),
        sa.Column('consent', sa.Boolean(), nullable=False),
        sa.Column('address_hash', sa.String(length=64), nullable=True),
        sa.Column('created_at', WHEN, nullable=False),
        sa.Column('taken_by_id', sa.Integer(), nullable=True),
        sa.Column('taken_at', WHEN, nullable=True),
        sa.Column('handled_by_id', sa.Integer(), nullable=True),
        sa.Column('handled_at', WHEN, nullable=True),
        sa.Column('case_id', sa.Integer(), nullable=True),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.ForeignKeyConstraint(['province_code'], ['provinces.code'],
                                name=op.f(f'fk_{TABLE}_province_code_provinces')),
        sa.ForeignKeyConstraint(['taken_by_id'], ['users.id'],
                                name=op.f(f'fk_{TABLE}_taken_by_id_users')),
        sa.ForeignKeyConstraint(['handled_by_id'], ['users.id'],
                                name=op.f(f'fk_{TABLE}_handled_by_id_users')),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ondelete='SET NULL',
                                name=op.f(f'fk_{TABLE}_case_id_cases')),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{TABLE}')),
        sa.UniqueConstraint('tracking_hash', name=op.f(f'uq_{TABLE}_tracking_hash')),
        sa.UniqueConstraint('idempotency_hash', name=op.f(f'uq_{TABLE}_idempotency_hash')),
    )
    op.create_index('ix_public_reports_state_priority', TABLE,
                    ['state', 'priority', 'created_at'])
    op.create_index(op.f('ix_public_reports_address_hash'), TABLE, ['address_hash'])
    op.create_index(op.f('ix_public_reports_case_id'), TABLE, ['case_id'])
    op.create_table(
        ADDITIONS,
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('report_id', sa.Integer(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', WHEN, nullable=False),
        sa.ForeignKeyConstraint(['report_id'], [f'{TABLE}.id'], ondelete='CASCADE',
                                name=op.f(f'fk_{ADDITIONS}_report_id_{TABLE}')),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{ADDITIONS}')),
    )
    op.create_index(op.f('ix_public_report_additions_report_id'), ADDITIONS, ['report_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_public_report_additions_report_id'), table_name=ADDITIONS)
    op.drop_table(ADDITIONS)
    op.drop_index(op.f('ix_public_reports_case_id'), table_name=TABLE)
    op.drop_index(op.f('ix_public_reports_address_hash'), table_name=TABLE)
    op.drop_index('ix_public_reports_state_priority', table_name=TABLE)
    op.drop_table(TABLE)
