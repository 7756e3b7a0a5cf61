"""The two realtime columns Asterisk 22 filters on: ps_endpoints.mailboxes, ps_aors.contact

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-06 21:00:00

A column a phone does not use may be left out of a realtime table, but not one Asterisk
puts in a WHERE: res_pjsip_mwi asks for ``ps_endpoints WHERE mailboxes != ''`` at every
start and reload, and res_pjsip for ``ps_aors WHERE contact != ''`` (the AORs with
permanent contacts: ``pjsip show contacts``, qualifying). Without the columns PostgreSQL
refuses the query and Asterisk logs an ERROR each time (checked against Asterisk 22.10).
Both stay NULL for the hotline's phones (no voicemail; contacts come from REGISTER), with
Asterisk's types: mailboxes VARCHAR(40), contact VARCHAR(255).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0037'
down_revision: str | None = '0036'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('ps_endpoints') as batch:
        batch.add_column(sa.Column('mailboxes', sa.String(length=40), nullable=True))
    with op.batch_alter_table('ps_aors') as batch:
        batch.add_column(sa.Column('contact', sa.String(length=255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('ps_aors') as batch:
        batch.drop_column('contact')
    with op.batch_alter_table('ps_endpoints') as batch:
        batch.drop_column('mailboxes')
