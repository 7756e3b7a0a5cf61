"""Every case knows its channel; a walk-in knows where it was taken (cases.channel,
cases.walk_in_agency_id, cases.walk_in_place)

The 1300 centre takes reports by walk-in, the hotline, the website, the application and
LINE. Cases opened before this revision all came by the hotline: the server default
writes 'hotline' into them. The channel is stored without a CHECK (as a contact's is), so
a channel added later needs no rebuild of ``cases``.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-08 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0029'
down_revision: str | None = '0028'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHANNELS = ('hotline', 'walk_in', 'website', 'app', 'line')


def upgrade() -> None:
    # Plain ALTERs: a batch copy of ``cases`` on SQLite would cascade to its children.
    op.add_column('cases', sa.Column(
        'channel', sa.Enum(*CHANNELS, name='case_channel', native_enum=False,
                           create_constraint=False, length=40),
        server_default='hotline', nullable=False))
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite takes the reference only inline, in the ADD COLUMN itself.
        op.execute('ALTER TABLE cases ADD COLUMN walk_in_agency_id INTEGER '
                   'CONSTRAINT fk_cases_walk_in_agency_id_agencies REFERENCES agencies (id)')
    else:
        op.add_column('cases', sa.Column('walk_in_agency_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_cases_walk_in_agency_id_agencies'), 'cases',
                              'agencies', ['walk_in_agency_id'], ['id'])
    op.add_column('cases', sa.Column('walk_in_place', sa.String(length=200), nullable=True))


def downgrade() -> None:
    op.drop_column('cases', 'walk_in_place')
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint(op.f('fk_cases_walk_in_agency_id_agencies'), 'cases',
                           type_='foreignkey')
    op.drop_column('cases', 'walk_in_agency_id')
    op.drop_column('cases', 'channel')
