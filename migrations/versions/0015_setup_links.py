"""One-time set-up links (setup_links)

An admin gives a new person (or one who forgot their password) a link with which they
choose their own password: no password is ever shown, typed by an admin or mailed. The
row keeps the token's SHA-256 only, who issued it, when it expires (a day) and when it
was used (once).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import callcenter.db

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = callcenter.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'setup_links',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.Column('created_at', WHEN, nullable=False),
        sa.Column('expires_at', WHEN, nullable=False),
        sa.Column('used_at', WHEN, nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_setup_links_user_id_users'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['created_by'], ['users.id'],
                                name=op.f('fk_setup_links_created_by_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_setup_links')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_setup_links_token_hash')),
    )
    op.create_index(op.f('ix_setup_links_user_id'), 'setup_links', ['user_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_setup_links_user_id'), table_name='setup_links')
    op.drop_table('setup_links')
