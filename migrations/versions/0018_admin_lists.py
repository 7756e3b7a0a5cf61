"""Queues' targets and the lists staff pick from, kept up by admins

``queues`` gains the wallboard's rules per queue (target and amber service level in %,
the calls a day needs before its service level may flag it, amber and red waits in
seconds) and a ``version`` for concurrent edits; existing rows get the catalog's
defaults, which are what the wallboard applied to every queue until now.
``pause_reasons`` and ``dispositions`` hold the lists agents pick from, seeded with the
codes and labels the console had built in. ``calls.disposition`` becomes plain text
checked against the ``dispositions`` table by the service: its CHECK constraint listed
the built-in codes and would refuse every code an admin adds.

On SQLite the CHECK is taken out of the table's stored definition (SQLite's documented
way to drop a constraint without copying the table): a copy would drop ``calls`` with
foreign keys on, and that cascades to the rows that point at it.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 11:00:00
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

QUEUE_COLUMNS = (('service_level_target', '90'), ('service_level_warn', '90'),
                 ('service_level_min_calls', '5'), ('wait_warn_seconds', '60'),
                 ('wait_alarm_seconds', '60'), ('version', '1'))
PAUSE_REASONS = (
    ('break', 'พักเบรก', 'Break'),
    ('meal', 'พักรับประทานอาหาร', 'Meal'),
    ('training', 'อบรม', 'Training'),
    ('meeting', 'ประชุม', 'Meeting'),
    ('paperwork', 'บันทึกงานเคส', 'Case paperwork'),
    ('wrap_up', 'สรุปงานต่อ', 'Longer wrap-up'),
)
DISPOSITIONS = (
    ('prank', 'โทรก่อกวน', 'Prank'),
    ('silent', 'เงียบ', 'Silent'),
    ('information', 'สอบถามข้อมูล', 'Information'),
    ('counselling', 'ให้คำปรึกษา', 'Counselling'),
    ('wrong_number', 'โทรผิด', 'Wrong number'),
    ('missed', 'ไม่ได้รับสาย', 'Missed'),
)
OLD_CHECK = 'ck_calls_disposition'
OLD_CODES = tuple(code for code, _, _ in DISPOSITIONS)


def _pick_list(name: str, rows: tuple[tuple[str, str, str], ...]) -> None:
    table = op.create_table(
        name,
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('label_th', sa.String(length=120), nullable=False),
        sa.Column('label_en', sa.String(length=120), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{name}')),
        sa.UniqueConstraint('code', name=op.f(f'uq_{name}_code')),
    )
    op.bulk_insert(table, [
        {'code': code, 'label_th': th, 'label_en': en, 'active': True, 'position': i,
         'version': 1}
        for i, (code, th, en) in enumerate(rows, start=1)])


def _sqlite_table_sql(edit) -> None:
    """Rewrite the stored CREATE TABLE of ``calls`` (SQLite's lang_altertable, "making
    other kinds of table schema changes"): for changes that leave the stored rows valid."""
    bind = op.get_bind()
    sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'calls'").scalar()
    version = bind.exec_driver_sql('PRAGMA schema_version').scalar()
    bind.exec_driver_sql('PRAGMA writable_schema = ON')
    bind.exec_driver_sql(
        "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'calls'",
        (edit(sql),))
    bind.exec_driver_sql(f'PRAGMA schema_version = {int(version) + 1}')
    bind.exec_driver_sql('PRAGMA writable_schema = OFF')


def _without_check(sql: str) -> str:
    # The values hold no parenthesis: the CHECK ends at the first ")" after the list's.
    pattern = re.compile(r',\s*CONSTRAINT ' + OLD_CHECK + r' CHECK \([^()]*\([^()]*\)\s*\)')
    changed, count = pattern.subn('', sql)
    if count != 1:
        raise RuntimeError(f'calls: expected one {OLD_CHECK} constraint, found {count}')
    return changed


def _with_check(sql: str) -> str:
    codes = ', '.join(f"'{code}'" for code in OLD_CODES)
    head, _, tail = sql.rpartition(')')
    return f'{head}, \n\tCONSTRAINT {OLD_CHECK} CHECK (disposition IN ({codes})))' + tail


def upgrade() -> None:
    for column, default in QUEUE_COLUMNS:
        op.add_column('queues', sa.Column(column, sa.Integer(), nullable=False,
                                          server_default=default))
    _pick_list('pause_reasons', PAUSE_REASONS)
    _pick_list('dispositions', DISPOSITIONS)
    if op.get_bind().dialect.name == 'sqlite':
        _sqlite_table_sql(_without_check)
    else:
        op.drop_constraint(op.f(OLD_CHECK), 'calls', type_='check')


def downgrade() -> None:
    # The old CHECK knows the built-in codes only: a code an admin added is cleared.
    codes = ', '.join(f"'{code}'" for code in OLD_CODES)
    op.execute(f'UPDATE calls SET disposition = NULL WHERE disposition NOT IN ({codes})')
    if op.get_bind().dialect.name == 'sqlite':
        _sqlite_table_sql(_with_check)
    else:
        op.create_check_constraint(op.f(OLD_CHECK), 'calls', f'disposition IN ({codes})')
    op.drop_table('dispositions')
    op.drop_table('pause_reasons')
    # Plain DROP COLUMN (SQLite 3.35+): a batch would copy queues, which skills point at.
    for column, _ in reversed(QUEUE_COLUMNS):
        op.drop_column('queues', column)
