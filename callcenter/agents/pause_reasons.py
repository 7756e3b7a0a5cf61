"""The reasons agents pause for, as admins keep them (table ``pause_reasons``).

The agent page offers the active ones in their order and ``state.change`` accepts only
those; reports and the wallboard show any code ever listed by its label, and one never
listed as itself. The shared rules (codes never change, items are never deleted) are in
``callcenter.pick_lists``.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from callcenter import pick_lists
from callcenter.agents.models import PauseReason

ENTITY = "pause_reason"
# What the console shipped with; the demo's simulated agents pause for these too.
DEFAULTS = (
    ("break", "พักเบรก", "Break"),
    ("meal", "พักรับประทานอาหาร", "Meal"),
    ("training", "อบรม", "Training"),
    ("meeting", "ประชุม", "Meeting"),
    ("paperwork", "บันทึกงานเคส", "Case paperwork"),
    ("wrap_up", "สรุปงานต่อ", "Longer wrap-up"),
)
# The agents' activity report counts time paused for this reason as handle time
# (reports.agents.WRAP_UP_REASON): it can be relabelled, not switched off.
LOCKED = frozenset({"wrap_up"})


def everything(session: Session) -> list[PauseReason]:
    return pick_lists.items(session, PauseReason)


def active(session: Session) -> list[PauseReason]:
    return pick_lists.items(session, PauseReason, active_only=True)


def active_codes(session: Session) -> list[str]:
    return pick_lists.active_codes(session, PauseReason)


def labels(session: Session) -> dict[str, tuple[str, str]]:
    return pick_lists.labels(session, PauseReason)


def add(session: Session, data: pick_lists.ItemIn, *, actor_id: int,
        source_ip: str | None = None) -> PauseReason:
    return pick_lists.add(session, PauseReason, data, entity=ENTITY, actor_id=actor_id,
                          source_ip=source_ip)


def update(session: Session, code: str, data: pick_lists.ItemEdit, *, actor_id: int,
           source_ip: str | None = None) -> PauseReason:
    return pick_lists.update(session, PauseReason, code, data, entity=ENTITY,
                             actor_id=actor_id, locked=LOCKED, source_ip=source_ip)


def move(session: Session, code: str, data: pick_lists.MoveIn, *, actor_id: int,
         source_ip: str | None = None) -> PauseReason:
    return pick_lists.move(session, PauseReason, code, data, entity=ENTITY,
                           actor_id=actor_id, source_ip=source_ip)


def sync_defaults(session: Session) -> None:
    pick_lists.sync_defaults(session, PauseReason, DEFAULTS)
