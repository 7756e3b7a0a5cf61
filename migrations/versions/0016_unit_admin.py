"""Units kept up from the console, and their contacts' test alerts (unit_admin)

``response_units.version`` and ``unit_contacts.version`` count administrative edits, so
two admins editing the same unit find out (409) instead of one undoing the other.
``unit_contacts.active``: an admin can take a contact off the escalation ladder without
losing it (the ladder skips inactive contacts). ``alert_tests`` holds the test alerts an
admin sends to one contact: delivered through the same adapters and worker as a
dispatch's alerts, acknowledged on the unit's console, and never a dispatch, so no report,
board or statistic counts them.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import callcenter.db

revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = callcenter.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.add_column('response_units', sa.Column('version', sa.Integer(), nullable=False,
                                              server_default='1'))
    op.add_column('unit_contacts', sa.Column('active', sa.Boolean(), nullable=False,
                                             server_default=sa.true()))
    op.add_column('unit_contacts', sa.Column('version', sa.Integer(), nullable=False,
                                             server_default='1'))
    op.create_table(
        'alert_tests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('contact_id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.Enum('console', 'sms', 'line', 'email', 'voice',
                                     name='alert_channel', native_enum=False,
                                     create_constraint=True, length=40), nullable=False),
        sa.Column('idempotency_key', sa.String(length=64), nullable=False),
        sa.Column('status', sa.Enum('pending', 'sending', 'delivered', 'failed', 'cancelled',
                                    name='alert_status', native_enum=False,
                                    create_constraint=True, length=40), nullable=False),
        sa.Column('requested_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', WHEN, nullable=False),
        sa.Column('next_attempt_at', WHEN, nullable=False),
        sa.Column('attempt_count', sa.Integer(), nullable=False),
        sa.Column('finished_at', WHEN, nullable=True),
        sa.Column('provider_reference', sa.String(length=120), nullable=True),
        sa.Column('error', sa.String(length=500), nullable=True),
        sa.Column('acknowledged_at', WHEN, nullable=True),
        sa.Column('acknowledged_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['unit_id'], ['response_units.id'], ondelete='CASCADE',
                                name=op.f('fk_alert_tests_unit_id_response_units')),
        sa.ForeignKeyConstraint(['contact_id'], ['unit_contacts.id'], ondelete='CASCADE',
                                name=op.f('fk_alert_tests_contact_id_unit_contacts')),
        sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'],
                                name=op.f('fk_alert_tests_requested_by_id_users')),
        sa.ForeignKeyConstraint(['acknowledged_by_id'], ['users.id'],
                                name=op.f('fk_alert_tests_acknowledged_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_tests')),
        sa.UniqueConstraint('idempotency_key', name=op.f('uq_alert_tests_idempotency_key')),
    )
    op.create_index(op.f('ix_alert_tests_unit_id'), 'alert_tests', ['unit_id'])
    op.create_index('ix_alert_tests_contact_created', 'alert_tests',
                    ['contact_id', 'created_at'])
    op.create_index('ix_alert_tests_status_next_attempt', 'alert_tests',
                    ['status', 'next_attempt_at'])


def downgrade() -> None:
    op.drop_index('ix_alert_tests_status_next_attempt', table_name='alert_tests')
    op.drop_index('ix_alert_tests_contact_created', table_name='alert_tests')
    op.drop_index(op.f('ix_alert_tests_unit_id'), table_name='alert_tests')
    op.drop_table('alert_tests')
    # Plain DROP COLUMN, not a batch: a batch's copy of unit_contacts would rewrite the
    # CHECK constraints that earlier downgrades expect to find as they made them.
    op.drop_column('unit_contacts', 'version')
    op.drop_column('unit_contacts', 'active')
    op.drop_column('response_units', 'version')
