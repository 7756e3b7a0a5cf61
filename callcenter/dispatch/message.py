"""The text of an alert. Pure.

An SMS, a LINE message or an e-mail leaves the hotline's systems and may be read over a
shoulder: it carries the case number, where, how urgent, the agent's text for the unit
(``Dispatch.unit_brief``, written for this channel: the dispatch form says no names or
numbers) and a link, never the case's summary or a person's record. The unit signs in to
the console to see what the visit needs.
"""

from __future__ import annotations

from dataclasses import dataclass

from callcenter.taxonomy import Urgency

URGENCY_TH = {
    Urgency.IMMEDIATE: "ด่วนที่สุด",
    Urgency.HIGH: "ด่วน",
    Urgency.NORMAL: "ปกติ",
    Urgency.LOW: "ไม่เร่งด่วน",
}


@dataclass(frozen=True, slots=True)
class AlertMessage:
    dispatch_id: int
    case_number: str
    province: str
    district: str | None
    urgency: Urgency
    link: str
    # The agent's text for the unit; empty for dispatches made before it existed.
    brief: str = ""

    @property
    def subject(self) -> str:
        return f"[1300] {URGENCY_TH[self.urgency]} เคส {self.case_number}"

    @property
    def text(self) -> str:
        where = f"{self.province} / {self.district}" if self.district else self.province
        brief = f"ข้อมูล: {self.brief}\n" if self.brief else ""
        return (
            f"1300 ส่งเคสถึงหน่วยเคลื่อนที่เร็ว ({URGENCY_TH[self.urgency]})\n"
            f"เคส {self.case_number}\n"
            f"พื้นที่ {where}\n"
            f"{brief}"
            f"รับเรื่อง: {self.link}"
        )

    def as_payload(self) -> dict[str, object]:
        """What the unit's console receives live (the console shows the rest after sign-in)."""
        return {
            "dispatch_id": self.dispatch_id,
            "case_number": self.case_number,
            "province": self.province,
            "district": self.district,
            "urgency": self.urgency.value,
            "link": self.link,
        }


def dispatch_link(base_url: str, dispatch_id: int) -> str:
    return f"{base_url.rstrip('/')}/units/dispatches/{dispatch_id}"


@dataclass(frozen=True, slots=True)
class AlertTestMessage:
    """A test alert's text: it says plainly that it is a test, so nobody sets out."""

    test_id: int
    unit_name: str
    link: str
    # The voice adapter hands the call a dispatch id; a test belongs to no dispatch.
    dispatch_id: int = 0

    @property
    def subject(self) -> str:
        return "[1300] ทดสอบการแจ้งเตือน (ไม่ใช่เหตุจริง) / TEST alert, not a real case"

    @property
    def text(self) -> str:
        return (
            f"1300 ทดสอบการแจ้งเตือนถึง {self.unit_name}\n"
            "นี่คือการทดสอบ ไม่ใช่เหตุจริง ไม่ต้องออกพื้นที่\n"
            "TEST alert from the 1300 hotline, not a real case.\n"
            f"กดรับทราบที่คอนโซลของหน่วย: {self.link}"
        )

    def as_payload(self) -> dict[str, object]:
        """What the unit's console receives live: marked as a test, no case at all."""
        return {"test": True, "test_alert_id": self.test_id, "dispatch_id": 0,
                "case_number": "", "province": "", "district": None, "urgency": "",
                "link": self.link}


def unit_console_link(base_url: str) -> str:
    return f"{base_url.rstrip('/')}/unit"
