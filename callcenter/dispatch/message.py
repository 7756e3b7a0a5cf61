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
