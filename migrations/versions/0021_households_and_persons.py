"""Persons of every role on a case: children and household members, the reporter who is
the victim, birth years, school or care, relationships from a closed list

``case_persons`` gains ``birth_year`` (Gregorian; the Thai page takes a Buddhist-era
year and converts it), ``school_or_care`` and ``reporter_is_victim`` (one person who
is both victim and reporter, so the reports count them once, as a victim). The role's
CHECK takes the two new roles ``child`` and ``household_member``.

On SQLite the CHECK is rewritten in the table's stored definition (SQLite's documented
way for changes that leave the stored rows valid), as 0018 does for ``calls``: a batch
copy of ``case_persons`` is not needed for a wider list of values.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 12:30:00
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0021'
down_revision: str | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHECK = 'ck_case_persons_person_role'
OLD_ROLES = ('victim', 'reporter', 'alleged_perpetrator')
NEW_ROLES = (*OLD_ROLES, 'child', 'household_member')


def _condition(roles: tuple[str, ...]) -> str:
    return 'role IN (' + ', '.join(f"'{role}'" for role in roles) + ')'


def _sqlite_role_check(roles: tuple[str, ...]) -> None:
    bind = op.get_bind()
    sql = bind.exec_driver_sql("SELECT sql FROM sqlite_master "
                               "WHERE type = 'table' AND name = 'case_persons'").scalar()
    # The values hold no parenthesis: the CHECK ends at the first ")" after the list's.
    pattern = re.compile(r'CONSTRAINT ' + CHECK + r' CHECK \([^()]*\([^()]*\)\s*\)')
    changed, count = pattern.subn(f'CONSTRAINT {CHECK} CHECK ({_condition(roles)})', sql)
    if count != 1:
        raise RuntimeError(f'case_persons: expected one {CHECK} constraint, found {count}')
    version = bind.exec_driver_sql('PRAGMA schema_version').scalar()
    bind.exec_driver_sql('PRAGMA writable_schema = ON')
    bind.exec_driver_sql("UPDATE sqlite_master SET sql = ? "
                         "WHERE type = 'table' AND name = 'case_persons'", (changed,))
    bind.exec_driver_sql(f'PRAGMA schema_version = {int(version) + 1}')
    bind.exec_driver_sql('PRAGMA writable_schema = OFF')


def _role_check(roles: tuple[str, ...]) -> None:
    if op.get_bind().dialect.name == 'sqlite':
        _sqlite_role_check(roles)
    else:
        op.drop_constraint(op.f(CHECK), 'case_persons', type_='check')
        op.create_check_constraint(op.f(CHECK), 'case_persons', _condition(roles))


def upgrade() -> None:
    op.add_column('case_persons', sa.Column('birth_year', sa.Integer(), nullable=True))
    op.add_column('case_persons', sa.Column('school_or_care', sa.String(length=200),
                                            nullable=True))
    op.add_column('case_persons', sa.Column('reporter_is_victim', sa.Boolean(),
                                            nullable=False, server_default=sa.false()))
    _role_check(NEW_ROLES)


def downgrade() -> None:
    # The old CHECK knows three roles: children and household members go with the columns.
    op.execute("DELETE FROM case_persons WHERE role IN ('child', 'household_member')")
    _role_check(OLD_ROLES)
    op.drop_column('case_persons', 'reporter_is_victim')
    op.drop_column('case_persons', 'school_or_care')
    op.drop_column('case_persons', 'birth_year')
