"""LINE chat: conversations, their messages both ways, webhook events received

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-10 10:00:00

A conversation waits in a chat queue (``chat-<topic>-<language>``) as a call waits in a
voice queue. An outbound message is its own outbox row (``send_state``, ``retry_key``
sent as LINE's X-Line-Retry-Key). ``line_webhook_events`` is the dedupe record: one row
per ``webhookEventId``, applied once by a job (``processed_at``).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import callcenter.db

revision: str = '0031'
down_revision: str | None = '0030'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = callcenter.db.UTCDateTime(timezone=True)
CONVERSATIONS = 'chat_conversations'
MESSAGES = 'chat_messages'
EVENTS = 'line_webhook_events'


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=40)


def upgrade() -> None:
    op.create_table(
        CONVERSATIONS,
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('line_user_id', sa.String(length=64), nullable=False),
        sa.Column('display_name', sa.String(length=100), nullable=True),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('topic', sa.String(length=40), nullable=True),
        sa.Column('status', _enum('chat_conversation_status', 'new', 'waiting', 'offered',
                                  'active', 'ended', 'blocked'), nullable=False),
        sa.Column('queue_name', sa.String(length=80), nullable=True),
        sa.Column('waiting_since', WHEN, nullable=True),
        sa.Column('created_at', WHEN, nullable=False),
        sa.Column('updated_at', WHEN, nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=True),
        sa.Column('agent_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'],
                                name=op.f(f'fk_{CONVERSATIONS}_case_id_cases')),
        sa.ForeignKeyConstraint(['agent_id'], ['users.id'],
                                name=op.f(f'fk_{CONVERSATIONS}_agent_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{CONVERSATIONS}')),
    )
    op.create_index(op.f(f'ix_{CONVERSATIONS}_case_id'), CONVERSATIONS, ['case_id'])
    op.create_index(op.f(f'ix_{CONVERSATIONS}_agent_id'), CONVERSATIONS, ['agent_id'])
    op.create_index('ix_chat_conversations_line_user_id_status', CONVERSATIONS,
                    ['line_user_id', 'status'])
    op.create_index('ix_chat_conversations_status_queue_name', CONVERSATIONS,
                    ['status', 'queue_name'])

    op.create_table(
        MESSAGES,
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('conversation_id', sa.Integer(), nullable=False),
        sa.Column('direction', _enum('chat_direction', 'in', 'out'), nullable=False),
        sa.Column('kind', _enum('chat_message_kind', 'text', 'image', 'location', 'sticker',
                                'system'), nullable=False),
        sa.Column('text', sa.Text(), nullable=True),
        sa.Column('quick_reply', sa.JSON(), nullable=True),
        sa.Column('media_path', sa.String(length=300), nullable=True),
        sa.Column('media_size', sa.Integer(), nullable=True),
        sa.Column('media_type', sa.String(length=60), nullable=True),
        sa.Column('refused_reason', sa.String(length=200), nullable=True),
        sa.Column('latitude', sa.Float(), nullable=True),
        sa.Column('longitude', sa.Float(), nullable=True),
        sa.Column('line_message_id', sa.String(length=40), nullable=True),
        sa.Column('created_at', WHEN, nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('retry_key', sa.String(length=36), nullable=True),
        sa.Column('send_state', _enum('chat_send_state', 'pending', 'sending', 'sent',
                                      'failed'), nullable=True),
        sa.Column('reply_token', sa.String(length=100), nullable=True),
        sa.Column('reply_token_expires_at', WHEN, nullable=True),
        sa.Column('next_attempt_at', WHEN, nullable=True),
        sa.Column('attempt_count', sa.Integer(), nullable=False),
        sa.Column('sent_at', WHEN, nullable=True),
        sa.Column('sent_via', sa.String(length=10), nullable=True),
        sa.Column('error', sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(['conversation_id'], [f'{CONVERSATIONS}.id'],
                                ondelete='CASCADE',
                                name=op.f(f'fk_{MESSAGES}_conversation_id_{CONVERSATIONS}')),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'],
                                name=op.f(f'fk_{MESSAGES}_author_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{MESSAGES}')),
        sa.UniqueConstraint('line_message_id', name=op.f(f'uq_{MESSAGES}_line_message_id')),
        sa.UniqueConstraint('retry_key', name=op.f(f'uq_{MESSAGES}_retry_key')),
    )
    op.create_index('ix_chat_messages_conversation_id_created_at', MESSAGES,
                    ['conversation_id', 'created_at'])
    op.create_index('ix_chat_messages_send_state_next_attempt_at', MESSAGES,
                    ['send_state', 'next_attempt_at'])

    op.create_table(
        EVENTS,
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('webhook_event_id', sa.String(length=64), nullable=False),
        sa.Column('event_type', sa.String(length=40), nullable=False),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.Column('received_at', WHEN, nullable=False),
        sa.Column('processed_at', WHEN, nullable=True),
        sa.Column('outcome', sa.String(length=80), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{EVENTS}')),
        sa.UniqueConstraint('webhook_event_id', name=op.f(f'uq_{EVENTS}_webhook_event_id')),
    )
    op.create_index('ix_line_webhook_events_processed_at_received_at', EVENTS,
                    ['processed_at', 'received_at'])


def downgrade() -> None:
    op.drop_table(EVENTS)
    op.drop_table(MESSAGES)
    op.drop_table(CONVERSATIONS)
