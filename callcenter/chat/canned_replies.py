"""The replies staff pick on the chat desk and edit before sending (table
``chat_canned_replies``), kept by admins on ``/admin/lists/canned-replies``.

A pick list (``callcenter.pick_lists``): its labels are the reply's words in Thai and in
English, the code names it. The desk offers the active ones in their order, in the
conversation's language.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from callcenter import pick_lists
from callcenter.chat.models import CannedReply

ENTITY = "chat_canned_reply"
# What the desk shipped with (migration 0034 seeds the same set).
DEFAULTS = (
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

# No code has meaning in the program: any reply may be switched off.
LOCKED: frozenset[str] = frozenset()


def everything(session: Session) -> list[CannedReply]:
    return pick_lists.items(session, CannedReply)


def active(session: Session) -> list[CannedReply]:
    return pick_lists.items(session, CannedReply, active_only=True)


def text_of(reply: CannedReply, language: str) -> str:
    """The reply in the conversation's language (Thai unless it is English)."""
    return reply.label_en if language == "en" else reply.label_th


def add(session: Session, data: pick_lists.ItemIn, *, actor_id: int,
        source_ip: str | None = None) -> CannedReply:
    return pick_lists.add(session, CannedReply, data, entity=ENTITY, actor_id=actor_id,
                          source_ip=source_ip)


def update(session: Session, code: str, data: pick_lists.ItemEdit, *, actor_id: int,
           source_ip: str | None = None) -> CannedReply:
    return pick_lists.update(session, CannedReply, code, data, entity=ENTITY,
                             actor_id=actor_id, locked=LOCKED, source_ip=source_ip)


def move(session: Session, code: str, data: pick_lists.MoveIn, *, actor_id: int,
         source_ip: str | None = None) -> CannedReply:
    return pick_lists.move(session, CannedReply, code, data, entity=ENTITY,
                           actor_id=actor_id, source_ip=source_ip)


def sync_defaults(session: Session) -> None:
    pick_lists.sync_defaults(session, CannedReply, DEFAULTS)
