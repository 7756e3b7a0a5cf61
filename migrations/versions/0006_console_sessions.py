"""Console: sessions in the database, TOTP enrolment, one draft per agent and call.

Sessions move from Redis to PostgreSQL (``console_sessions``), so a lost Redis signs no
one out. TOTP secrets are sealed (longer column) and the last accepted time step is
kept so a code is good once. Drafts get a version (two tabs) and a partial unique index
on (user, call); earlier duplicates keep their data but lose the call link.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 19:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import callcenter.db

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = callcenter.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'console_sessions',
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('csrf_token', sa.String(length=64), nullable=False),
        sa.Column('created_at', WHEN, nullable=False),
        sa.Column('last_seen_at', WHEN, nullable=False),
        sa.Column('second_factor_done', sa.Boolean(), nullable=False),
        sa.Column('pending_totp', sa.String(length=255), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_console_sessions_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_console_sessions')),
    )
    with op.batch_alter_table('console_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_console_sessions_user_id'), ['user_id'],
                              unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('totp_secret', existing_type=sa.String(length=64),
                              type_=sa.String(length=255), existing_nullable=True)
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))

    # Older duplicates (the race the index now prevents) keep their data, not the link.
    op.execute(
        "UPDATE case_drafts SET call_id = NULL WHERE call_id IS NOT NULL AND id NOT IN "
        "(SELECT max(id) FROM case_drafts WHERE call_id IS NOT NULL "
        "GROUP BY user_id, call_id)"
    )
    with op.batch_alter_table('case_drafts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False,
                                      server_default='1'))
        batch_op.drop_index('ix_case_drafts_user_call')
        batch_op.create_index('uq_case_drafts_user_call', ['user_id', 'call_id'], unique=True,
                              postgresql_where=sa.text('call_id IS NOT NULL'),
                              sqlite_where=sa.text('call_id IS NOT NULL'))
        batch_op.create_index('ix_case_drafts_updated_at', ['updated_at'], unique=False)
    with op.batch_alter_table('case_drafts', schema=None) as batch_op:
        batch_op.alter_column('version', server_default=None, existing_type=sa.Integer(),
                              existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('case_drafts', schema=None) as batch_op:
        batch_op.drop_index('ix_case_drafts_updated_at')
        batch_op.drop_index('uq_case_drafts_user_call')
        batch_op.create_index('ix_case_drafts_user_call', ['user_id', 'call_id'], unique=False)
        batch_op.drop_column('version')
    # Sealed secrets do not fit the old column and mean nothing to the old code.
    op.execute("UPDATE users SET totp_secret = NULL")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('totp_last_step')
        batch_op.alter_column('totp_secret', existing_type=sa.String(length=255),
                              type_=sa.String(length=64), existing_nullable=True)
    with op.batch_alter_table('console_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_console_sessions_user_id'))
    op.drop_table('console_sessions')
