"""The agent's chat desk: canned replies, and how far the agent has read a conversation

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-12 10:00:00

``chat_canned_replies`` is a pick list (``callcenter.pick_lists``): admins keep the
replies in Thai and English, staff pick one and edit it before sending; seeded with the
set the desk shipped with. ``chat_conversations.agent_read_up_to`` is the last message
the agent's desk showed, so the list can count what is unread.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0034'
down_revision: str | None = '0033'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = 'chat_canned_replies'
# The replies as shipped (callcenter.chat.canned_replies.DEFAULTS keeps the same set for
# the seed); copied here so the migration never changes when that list does.
SHIPPED = (
    ('greeting', 'สวัสดีค่ะ เจ้าหน้าที่ศูนย์ช่วยเหลือสังคม สายด่วน 1300 ยินดีรับฟังค่ะ มีอะไรให้ช่วยเหลือคะ',
     'Hello, this is the 1300 social assistance hotline. How can we help you?'),
    ('safe_to_talk', 'ตอนนี้คุณอยู่ในที่ปลอดภัยและสะดวกคุยไหมคะ',
     'Are you safe to talk right now?'),
    ('ask_location', 'รบกวนแจ้งตำแหน่งที่อยู่ตอนนี้ได้ไหมคะ (กด + แล้วเลือก "ตำแหน่งที่ตั้ง")',
     'Could you share where you are now? (tap + and choose "Location")'),
    ('call_hotline', 'หากเป็นเรื่องเร่งด่วน โทรสายด่วน 1300 ได้ตลอด 24 ชั่วโมง ฟรีค่ะ',
     'If it is urgent, call the 1300 hotline, free, 24 hours a day.'),
    ('in_danger', 'หากอยู่ในอันตรายตอนนี้ โทร 191 (ตำรวจ) หรือ 1669 (เจ็บป่วยฉุกเฉิน) ได้ทันทีค่ะ',
     'If you are in danger now, call 191 (police) or 1669 (medical emergency) at once.'),
    ('closing', 'ขอบคุณที่ติดต่อศูนย์ช่วยเหลือสังคม 1300 ค่ะ หากต้องการความช่วยเหลือ ทักมาได้ตลอดเวลาค่ะ',
     'Thank you for contacting the 1300 hotline. Write to us any time you need help.'),
)


def upgrade() -> None:
    table = op.create_table(
        TABLE,
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('label_th', sa.String(length=120), nullable=False),
        sa.Column('label_en', sa.String(length=120), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{TABLE}')),
        sa.UniqueConstraint('code', name=op.f(f'uq_{TABLE}_code')),
    )
    op.bulk_insert(table, [
        {'code': code, 'label_th': th, 'label_en': en, 'active': True, 'position': i,
         'version': 1}
        for i, (code, th, en) in enumerate(SHIPPED, start=1)])
    # Plain ADD COLUMN on both databases (nullable, no default to fill in).
    op.add_column('chat_conversations',
                  sa.Column('agent_read_up_to', sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column('chat_conversations', 'agent_read_up_to')
    op.drop_table(TABLE)
