"""The referral network: partner agencies, referral targets per agency type, referral states

``agencies`` is the directory agents pick from when they refer (name in Thai and English,
type, province or none for a national service, phone, e-mail, services, hours, active,
version). ``referral_targets`` holds the hours an agency of each type has before its
referral is overdue, seeded with defaults admins then edit. ``referrals`` gains the
agency it went to (old rows keep only their free-text type and name), who recorded its
current status and when, a ``closed`` status and three agency types (Childline 1387,
EMS 1669, legal aid). The two CHECK constraints are rebuilt in a batch: on SQLite that
copies ``referrals``, which no table points at.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 12:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import callcenter.db

revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = callcenter.db.UTCDateTime(timezone=True)
OLD_TYPES = ('police', 'hospital_oscc', 'shelter', 'labour_office', 'provincial_office',
             'other_hotline', 'ngo', 'other')
NEW_TYPES = OLD_TYPES + ('childline', 'ems', 'legal_aid')
OLD_STATUSES = ('sent', 'accepted', 'rejected', 'done', 'revoked')
NEW_STATUSES = OLD_STATUSES + ('closed',)
# Hours before a referral to an agency of the type is overdue: emergencies within the
# day, offices within three working days.
TARGETS = {'police': 24, 'hospital_oscc': 24, 'shelter': 24, 'labour_office': 72,
           'provincial_office': 72, 'other_hotline': 24, 'ngo': 72, 'other': 72,
           'childline': 24, 'ems': 2, 'legal_aid': 120}


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _types(values: tuple[str, ...]) -> sa.Enum:
    return sa.Enum(*values, name='agency_type', native_enum=False, create_constraint=True,
                   length=40)


def upgrade() -> None:
    op.create_table(
        'agencies',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name_th', sa.String(length=200), nullable=False),
        sa.Column('name_en', sa.String(length=200), nullable=False),
        sa.Column('agency_type', _types(NEW_TYPES), nullable=False),
        sa.Column('province_code', sa.String(length=6), nullable=True),
        sa.Column('phone', sa.String(length=20), nullable=True),
        sa.Column('email', sa.String(length=254), nullable=True),
        sa.Column('services', sa.Text(), nullable=False),
        sa.Column('hours', sa.String(length=200), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['province_code'], ['provinces.code'],
                                name=op.f('fk_agencies_province_code_provinces')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_agencies')),
    )
    op.create_index('ix_agencies_type_province', 'agencies', ['agency_type', 'province_code'])
    targets = op.create_table(
        'referral_targets',
        sa.Column('agency_type', _types(NEW_TYPES), nullable=False),
        sa.Column('hours', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('agency_type', name=op.f('pk_referral_targets')),
    )
    op.bulk_insert(targets, [{'agency_type': t, 'hours': h, 'version': 1}
                             for t, h in TARGETS.items()])
    with op.batch_alter_table('referrals') as batch:
        batch.add_column(sa.Column('agency_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('status_by_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('status_at', WHEN, nullable=True))
        batch.create_foreign_key(op.f('fk_referrals_agency_id_agencies'), 'agencies',
                                 ['agency_id'], ['id'])
        batch.create_foreign_key(op.f('fk_referrals_status_by_id_users'), 'users',
                                 ['status_by_id'], ['id'])
        batch.create_index(op.f('ix_referrals_agency_id'), ['agency_id'])
        batch.drop_constraint(op.f('ck_referrals_agency_type'), type_='check')
        batch.drop_constraint(op.f('ck_referrals_referral_status'), type_='check')
        batch.create_check_constraint(op.f('ck_referrals_agency_type'),
                                      _in('agency_type', NEW_TYPES))
        batch.create_check_constraint(op.f('ck_referrals_referral_status'),
                                      _in('status', NEW_STATUSES))


def downgrade() -> None:
    # The old CHECKs know neither the new types nor "closed": those rows read as before.
    op.execute("UPDATE referrals SET status = 'done' WHERE status = 'closed'")
    op.execute("UPDATE referrals SET agency_type = 'other_hotline' "
               "WHERE agency_type IN ('childline', 'ems')")
    op.execute("UPDATE referrals SET agency_type = 'other' WHERE agency_type = 'legal_aid'")
    with op.batch_alter_table('referrals') as batch:
        batch.drop_constraint(op.f('ck_referrals_agency_type'), type_='check')
        batch.drop_constraint(op.f('ck_referrals_referral_status'), type_='check')
        batch.create_check_constraint(op.f('ck_referrals_agency_type'),
                                      _in('agency_type', OLD_TYPES))
        batch.create_check_constraint(op.f('ck_referrals_referral_status'),
                                      _in('status', OLD_STATUSES))
        batch.drop_index(op.f('ix_referrals_agency_id'))
        batch.drop_constraint(op.f('fk_referrals_status_by_id_users'), type_='foreignkey')
        batch.drop_constraint(op.f('fk_referrals_agency_id_agencies'), type_='foreignkey')
        batch.drop_column('status_at')
        batch.drop_column('status_by_id')
        batch.drop_column('agency_id')
    op.drop_table('referral_targets')
    op.drop_index('ix_agencies_type_province', table_name='agencies')
    op.drop_table('agencies')
