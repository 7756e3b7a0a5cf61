"""Agents' phones for Asterisk Realtime: ps_endpoints, ps_auths, ps_aors

Asterisk 22 reads PJSIP endpoints, their auths and AORs from these tables
(asterisk_conf/sorcery.conf, extconfig.conf, res_pgsql.conf), so a phone is created from
the console without editing pjsip.conf. Table names, column names and types follow
Asterisk 22's own realtime schema (contrib/ast-db-manage/config in Asterisk's source: ids
VARCHAR(255), aors VARCHAR(2048), realm VARCHAR(255) as widened there), with only the
key columns and those the hotline's phones use; Asterisk keeps its defaults for the
columns a table does not have. Asterisk's PostgreSQL enum types (ast_bool_values,
pjsip_dtmf_mode_values_v3, pjsip_auth_type_values_v2) are VARCHAR with a CHECK of the
same values: Asterisk reads them as text, and SQLite (the demo) has no enum types.
``id`` is the primary key (Asterisk's schema has it NOT NULL UNIQUE with an index).

Not created: ps_contacts (registrations stay in Asterisk's astdb, sorcery's default for
contacts) and ps_endpoint_id_ips (phones are identified by their auth username; only the
trunk is identified by address, in pjsip.conf).

Ours: ps_endpoints.version counts administrative edits (Asterisk ignores a column it
does not know); ps_auths refuses a clear password (CHECK password IS NULL).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AST_BOOL = ('0', '1', 'off', 'on', 'false', 'true', 'no', 'yes')


def choice(column: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=f'{column}_values', native_enum=False,
                   create_constraint=True, length=max(len(v) for v in values))


def ast_bool(column: str) -> sa.Column:
    return sa.Column(column, choice(column, *AST_BOOL), nullable=True)


def upgrade() -> None:
    op.create_table(
        'ps_endpoints',
        sa.Column('id', sa.String(length=255), nullable=False),
        sa.Column('transport', sa.String(length=40), nullable=True),
        sa.Column('aors', sa.String(length=2048), nullable=True),
        sa.Column('auth', sa.String(length=255), nullable=True),
        sa.Column('context', sa.String(length=40), nullable=True),
        # disallow before allow: chan_pjsip applies them in the order they are read.
        sa.Column('disallow', sa.String(length=200), nullable=True),
        sa.Column('allow', sa.String(length=200), nullable=True),
        ast_bool('direct_media'),
        sa.Column('dtmf_mode', choice('dtmf_mode', 'rfc4733', 'inband', 'info', 'auto',
                                      'auto_info'), nullable=True),
        ast_bool('force_rport'),
        ast_bool('rewrite_contact'),
        ast_bool('rtp_symmetric'),
        sa.Column('device_state_busy_at', sa.Integer(), nullable=True),
        ast_bool('webrtc'),
        ast_bool('dtls_auto_generate_cert'),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_ps_endpoints')),
    )
    op.create_table(
        'ps_auths',
        sa.Column('id', sa.String(length=255), nullable=False),
        sa.Column('auth_type', choice('auth_type', 'md5', 'userpass', 'google_oauth'),
                  nullable=True),
        sa.Column('md5_cred', sa.String(length=40), nullable=True),
        sa.Column('password', sa.String(length=80), nullable=True),
        sa.Column('realm', sa.String(length=255), nullable=True),
        sa.Column('username', sa.String(length=40), nullable=True),
        sa.CheckConstraint('password IS NULL', name=op.f('ck_ps_auths_no_plain_password')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_ps_auths')),
    )
    op.create_table(
        'ps_aors',
        sa.Column('id', sa.String(length=255), nullable=False),
        sa.Column('max_contacts', sa.Integer(), nullable=True),
        ast_bool('remove_existing'),
        sa.Column('qualify_frequency', sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_ps_aors')),
    )


def downgrade() -> None:
    op.drop_table('ps_aors')
    op.drop_table('ps_auths')
    op.drop_table('ps_endpoints')
