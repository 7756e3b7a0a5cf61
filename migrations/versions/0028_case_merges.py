"""Duplicate cases merged into another, reversible by an admin (case_merges)

A supervisor merges a duplicate case into the case that carries on: its persons, notes,
referrals, calls and dispatches move to the target and the duplicate closes as
``duplicate``. The row keeps which rows moved (``moved``) so an admin's undo within 30
days moves back exactly those. One active merge per duplicate (a partial unique index).

A note is still append-only in what it says, by whom and when; moving it to the case
that carries on changes its ``case_id`` only, so the guard on ``case_notes`` now refuses
an UPDATE of its content columns (and every DELETE) rather than every UPDATE.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import callcenter.db

revision: str = '0028'
down_revision: str | None = '0027'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = callcenter.db.UTCDateTime(timezone=True)
STATUSES = ('new', 'screening', 'referred', 'dispatched', 'follow_up', 'closed')
TABLE = 'case_merges'
# What a note is: never changed, whichever case it sits on.
NOTE_CONTENT = 'id, author_id, body, created_at'


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('source_case_id', sa.Integer(), nullable=False),
        sa.Column('target_case_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.String(length=300), nullable=False),
        sa.Column('merged_by_id', sa.Integer(), nullable=False),
        sa.Column('merged_at', WHEN, nullable=False),
        sa.Column('moved', sa.JSON(), nullable=False),
        sa.Column('source_status_before', sa.Enum(
            *STATUSES, name='source_status_before', native_enum=False,
            create_constraint=True, length=40), nullable=False),
        sa.Column('undone_by_id', sa.Integer(), nullable=True),
        sa.Column('undone_at', WHEN, nullable=True),
        sa.Column('undone_reason', sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(['source_case_id'], ['cases.id'],
                                name=op.f(f'fk_{TABLE}_source_case_id_cases')),
        sa.ForeignKeyConstraint(['target_case_id'], ['cases.id'],
                                name=op.f(f'fk_{TABLE}_target_case_id_cases')),
        sa.ForeignKeyConstraint(['merged_by_id'], ['users.id'],
                                name=op.f(f'fk_{TABLE}_merged_by_id_users')),
        sa.ForeignKeyConstraint(['undone_by_id'], ['users.id'],
                                name=op.f(f'fk_{TABLE}_undone_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{TABLE}')),
    )
    op.create_index(op.f(f'ix_{TABLE}_source_case_id'), TABLE, ['source_case_id'])
    op.create_index(op.f(f'ix_{TABLE}_target_case_id'), TABLE, ['target_case_id'])
    op.create_index('ix_case_merges_merged_at', TABLE, ['merged_at'])
    op.create_index('uq_case_merges_active_source', TABLE, ['source_case_id'], unique=True,
                    postgresql_where=sa.text('undone_at IS NULL'),
                    sqlite_where=sa.text('undone_at IS NULL'))
    _note_guards(content_only=True)


def downgrade() -> None:
    _note_guards(content_only=False)
    op.drop_index('uq_case_merges_active_source', table_name=TABLE)
    op.drop_index('ix_case_merges_merged_at', table_name=TABLE)
    op.drop_index(op.f(f'ix_{TABLE}_target_case_id'), table_name=TABLE)
    op.drop_index(op.f(f'ix_{TABLE}_source_case_id'), table_name=TABLE)
    op.drop_table(TABLE)


def _note_guards(*, content_only: bool) -> None:
    """Refuse a note's UPDATE of its content only (``content_only``), or any UPDATE as
    revision 0001 did; DELETE stays refused either way."""
    of = f' OF {NOTE_CONTENT}' if content_only else ''
    if op.get_bind().dialect.name == 'postgresql':
        # 0001's trigger covers UPDATE OR DELETE; split so the UPDATE can name columns.
        op.execute('DROP TRIGGER IF EXISTS case_notes_append_only ON case_notes')
        op.execute('DROP TRIGGER IF EXISTS case_notes_no_delete ON case_notes')
        op.execute('DROP TRIGGER IF EXISTS case_notes_content_fixed ON case_notes')
        if content_only:
            op.execute('CREATE TRIGGER case_notes_no_delete BEFORE DELETE ON case_notes '
                       'FOR EACH ROW EXECUTE FUNCTION refuse_change()')
            op.execute(f'CREATE TRIGGER case_notes_content_fixed BEFORE UPDATE{of} '
                       'ON case_notes FOR EACH ROW EXECUTE FUNCTION refuse_change()')
        else:
            op.execute('CREATE TRIGGER case_notes_append_only BEFORE UPDATE OR DELETE '
                       'ON case_notes FOR EACH ROW EXECUTE FUNCTION refuse_change()')
        return
    op.execute('DROP TRIGGER IF EXISTS case_notes_no_update')
    op.execute(f'CREATE TRIGGER case_notes_no_update BEFORE UPDATE{of} ON case_notes '
               "BEGIN SELECT RAISE(ABORT, 'case_notes is append-only'); END")
