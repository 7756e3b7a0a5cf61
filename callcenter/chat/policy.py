"""Pure rules of a chat: the topics offered, the queue a conversation waits in, the
words sent by the system, when a reply token may still be used, how long to wait before
trying LINE again. No session, no clock, no I/O.

The topics are the IVR's problem menu (``ivr/flows/menus.py``: the same issue areas in
the same order, and "something else" for its key 0) plus "I am in danger now", which
puts the conversation in the urgent queue whatever it was about.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from callcenter.taxonomy import IssueArea

URGENT = "urgent"
GENERAL = "general"
LANGUAGES = ("th", "en")
DEFAULT_LANGUAGE = "th"
TOPIC_DATA = "topic="
LANGUAGE_DATA = "lang="


@dataclass(frozen=True, slots=True)
class Topic:
    key: str
    label_th: str
    label_en: str

    def label(self, language: str) -> str:
        return self.label_en if language == "en" else self.label_th


# The order of the IVR's problem menu (keys 1-7, then 0), then the danger key.
TOPICS = (
    Topic(IssueArea.FAMILY_VIOLENCE.value, "ความรุนแรงในครอบครัว", "Family violence"),
    Topic(IssueArea.HUMAN_TRAFFICKING.value, "การค้ามนุษย์", "Human trafficking"),
    Topic(IssueArea.CHILD_LABOUR.value, "แรงงานเด็ก", "Child labour"),
    Topic(IssueArea.TEENAGE_PREGNANCY.value, "ตั้งครรภ์ไม่พร้อม", "Unready pregnancy"),
    Topic(IssueArea.MISSING_PERSONS.value, "คนหาย", "Missing person"),
    Topic(IssueArea.HOMELESS.value, "คนไร้ที่พึ่ง", "Homeless, destitute"),
    Topic(IssueArea.WELFARE.value, "สวัสดิการสังคม", "Social welfare"),
    Topic(GENERAL, "เรื่องอื่น ๆ", "Something else"),
    Topic(URGENT, "อยู่ในอันตรายตอนนี้", "I am in danger now"),
)
TOPIC_KEYS = frozenset(t.key for t in TOPICS)
_TOPIC_BY_KEY = {t.key: t for t in TOPICS}


def topic_label(key: str | None, language: str) -> str:
    """A topic as staff read it; none chosen yet is a dash, an unknown key itself."""
    if not key:
        return "–"
    topic = _TOPIC_BY_KEY.get(key)
    return topic.label(language) if topic else key

# What the system says, in the conversation's language (the person's words, not the
# console's: they live here, not in the console's catalogue).
TEXTS = {
    "greeting": {
        "th": "สวัสดีค่ะ ศูนย์ช่วยเหลือสังคม สายด่วน 1300 ยินดีให้บริการตลอด 24 ชั่วโมง "
              "กรุณาเลือกเรื่องที่ต้องการปรึกษา หากอยู่ในอันตรายตอนนี้ "
              "กด \"อยู่ในอันตรายตอนนี้\" หรือโทร 191",
        "en": "Hello, this is the 1300 Social Assistance Center, open 24 hours. Please "
              "choose what you would like to talk about. If you are in danger now, tap "
              "\"I am in danger now\" or call 191.",
    },
    "queued": {
        "th": "ได้รับข้อความแล้วค่ะ เจ้าหน้าที่จะตอบโดยเร็วที่สุด",
        "en": "Thank you. A member of staff will answer you as soon as possible.",
    },
    "urgent": {
        "th": "เจ้าหน้าที่จะตอบทันที หากโทรได้อย่างปลอดภัย กรุณาโทร 191 หรือ 1300",
        "en": "A member of staff will answer at once. If it is safe to call, call 191 "
              "or 1300.",
    },
    "image_refused": {
        "th": "ขออภัย ส่งได้เฉพาะรูปภาพ (JPEG, PNG, GIF, WebP) ขนาดไม่เกิน 10 MB",
        "en": "Sorry, only pictures (JPEG, PNG, GIF, WebP) up to 10 MB can be received.",
    },
}
# The quick reply that switches language, labelled in the language it switches to.
LANGUAGE_SWITCH = {"th": ("English", "en"), "en": ("ภาษาไทย", "th")}


def text(key: str, language: str) -> str:
    return TEXTS[key].get(language, TEXTS[key][DEFAULT_LANGUAGE])


def menu_items(language: str) -> list[tuple[str, str, str]]:
    """(label, postback data, text shown) of every topic, then the language switch."""
    items = [(t.label(language), TOPIC_DATA + t.key, t.label(language)) for t in TOPICS]
    label, other = LANGUAGE_SWITCH.get(language, LANGUAGE_SWITCH[DEFAULT_LANGUAGE])
    items.append((label, LANGUAGE_DATA + other, label))
    return items


def topic_chosen(*, postback: str | None, text: str | None) -> str | None:
    """The topic a postback names, or a text typed exactly as a topic's label."""
    if postback and postback.startswith(TOPIC_DATA):
        key = postback.removeprefix(TOPIC_DATA)
        return key if key in TOPIC_KEYS else None
    if text:
        typed = text.strip().casefold()
        for topic in TOPICS:
            if typed in (topic.label_th.casefold(), topic.label_en.casefold()):
                return topic.key
    return None


def language_chosen(postback: str | None) -> str | None:
    if postback and postback.startswith(LANGUAGE_DATA):
        language = postback.removeprefix(LANGUAGE_DATA)
        return language if language in LANGUAGES else None
    return None


def queue_name(topic: str, language: str) -> str:
    """The chat queue: ``chat-<topic>-<language>`` (the console's routing reads it)."""
    return f"chat-{topic}-{language}"


def reply_token_usable(*, token: str | None, expires_at: datetime | None,
                       attempts_made: int, now: datetime) -> bool:
    """A reply token is single-use and short-lived: only a first attempt still in time
    uses it. After any failed attempt the send goes by push, whose retry key makes a
    second try harmless (a reply has no such key)."""
    return bool(token) and expires_at is not None and now < expires_at and attempts_made <= 1


def retry_delay(attempts_made: int, *, base: float, cap: float) -> float:
    """Seconds before the next try: doubling from ``base``, never above ``cap``."""
    return min(cap, base * 2 ** max(0, attempts_made - 1))


def is_transient(status_code: int) -> bool:
    """Whether an HTTP answer from LINE is worth trying again (its outage, its limits)."""
    return status_code >= 500 or status_code in (408, 425, 429)


def gave_up(created_at: datetime, now: datetime, *, hours: float) -> bool:
    """Past LINE's retry-key lifetime a retry could be a duplicate: stop and say so."""
    return now - created_at > timedelta(hours=hours)
