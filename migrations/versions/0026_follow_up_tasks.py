"""Follow-up tasks on cases and the reminders sent about them (follow_up_tasks,
follow_up_reminders)

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06 15:00:00

A task says what someone must do on a case (call back, check a referral, visit) and by
when. A reminder row is written once per subject (a task or a referral), kind (due, or
overdue to the supervisors) and recipient: its unique key is what keeps two senders (the
scheduled job and the worker's sweep, or two workers) from sending the same reminder twice.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import callcenter.db

revision: str = '0026'
down_revision: str | None = '0025'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = callcenter.db.UTCDateTime(timezone=True)
KINDS = ('call_back', 'check_referral', 'visit', 'other')
REMINDER_KINDS = ('due', 'overdue_to_supervisor')
TASKS = 'follow_up_tasks'
REMINDERS = 'follow_up_reminders'


def _user(column: str, table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], ['users.id'],
                                   name=op.f(f'fk_{table}_{column}_users'))


def upgrade() -> None:
    op.create_table(
        TASKS,
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum(*KINDS, name='follow_up_kind', native_enum=False,
                                  create_constraint=True, length=40), nullable=False),
        sa.Column('note', sa.String(length=300), nullable=True),
        sa.Column('assignee_id', sa.Integer(), nullable=False),
        sa.Column('due_at', WHEN, nullable=False),
        sa.Column('referral_id', sa.Integer(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', WHEN, nullable=False),
        sa.Column('done_at', WHEN, nullable=True),
        sa.Column('done_by_id', sa.Integer(), nullable=True),
        sa.Column('cancelled_at', WHEN, nullable=True),
        sa.Column('cancelled_by_id', sa.Integer(), nullable=True),
        sa.Column('cancelled_by_close', sa.Boolean(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ondelete='CASCADE',
                                name=op.f(f'fk_{TASKS}_case_id_cases')),
        sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'],
                                name=op.f(f'fk_{TASKS}_referral_id_referrals')),
        _user('assignee_id', TASKS), _user('created_by_id', TASKS),
        _user('done_by_id', TASKS), _user('cancelled_by_id', TASKS),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{TASKS}')),
    )
    op.create_index(op.f(f'ix_{TASKS}_case_id'), TASKS, ['case_id'])
    op.create_index(op.f(f'ix_{TASKS}_assignee_id'), TASKS, ['assignee_id'])
    op.create_index('ix_follow_up_tasks_open_due', TASKS, ['done_at', 'cancelled_at', 'due_at'])
    op.create_table(
        REMINDERS,
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('subject', sa.String(length=40), nullable=False),
        sa.Column('task_id', sa.Integer(), nullable=True),
        sa.Column('referral_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.Enum(*REMINDER_KINDS, name='reminder_kind', native_enum=False,
                                  create_constraint=True, length=40), nullable=False),
        sa.Column('recipient_id', sa.Integer(), nullable=False),
        sa.Column('sent_at', WHEN, nullable=False),
        sa.ForeignKeyConstraint(['task_id'], [f'{TASKS}.id'], ondelete='CASCADE',
                                name=op.f(f'fk_{REMINDERS}_task_id_{TASKS}')),
        sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], ondelete='CASCADE',
                                name=op.f(f'fk_{REMINDERS}_referral_id_referrals')),
        sa.ForeignKeyConstraint(['recipient_id'], ['users.id'], ondelete='CASCADE',
                                name=op.f(f'fk_{REMINDERS}_recipient_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{REMINDERS}')),
        sa.UniqueConstraint('subject', 'kind', 'recipient_id',
                            name=op.f(f'uq_{REMINDERS}_subject_kind_recipient_id')),
    )
    op.create_index(op.f(f'ix_{REMINDERS}_task_id'), REMINDERS, ['task_id'])
    op.create_index(op.f(f'ix_{REMINDERS}_referral_id'), REMINDERS, ['referral_id'])


def downgrade() -> None:
    op.drop_index(op.f(f'ix_{REMINDERS}_referral_id'), table_name=REMINDERS)
    op.drop_index(op.f(f'ix_{REMINDERS}_task_id'), table_name=REMINDERS)
    op.drop_table(REMINDERS)
    op.drop_index('ix_follow_up_tasks_open_due', table_name=TASKS)
    op.drop_index(op.f(f'ix_{TASKS}_assignee_id'), table_name=TASKS)
    op.drop_index(op.f(f'ix_{TASKS}_case_id'), table_name=TASKS)
    op.drop_table(TASKS)
