"""Places on a case: district and sub-district codes, postal code, coordinates

``cases`` gains the district (four-digit DOPA code) and sub-district (six digits) picked
from the package of Thailand's administrative areas, the postal code derived from the
sub-district, and an optional point (latitude, longitude). The free-text ``district``
stays for cases opened before; nothing is converted, since an old text may fit several
districts.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 12:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0020'
down_revision: str | None = '0019'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (('district_code', sa.String(4)), ('subdistrict_code', sa.String(6)),
           ('postal_code', sa.String(5)), ('latitude', sa.Float()), ('longitude', sa.Float()))


def upgrade() -> None:
    # Plain ALTERs: a batch copy of ``cases`` on SQLite would cascade to its children.
    for name, type_ in COLUMNS:
        op.add_column('cases', sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    for name, _type in reversed(COLUMNS):
        op.drop_column('cases', name)
