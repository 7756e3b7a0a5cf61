"""What a call that is not a case may be marked as, as admins keep it (``dispositions``).

Agents pick from the active ones in their order; ``calls.disposition`` takes only an
active code. Reports and the screen-pop's history show any code ever listed by its label
(inactive ones too), and one never listed as itself. The shared rules (codes never
change, items are never deleted) are in ``callcenter.pick_lists``.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from callcenter import pick_lists
from callcenter.calls.models import DispositionOption
from callcenter.errors import InvalidInput
from callcenter.taxonomy import Disposition

ENTITY = "disposition"
DEFAULTS = (
    (Disposition.PRANK.value, "โทรก่อกวน", "Prank"),
    (Disposition.SILENT.value, "เงียบ", "Silent"),
    (Disposition.INFORMATION.value, "สอบถามข้อมูล", "Information"),
    (Disposition.COUNSELLING.value, "ให้คำปรึกษา", "Counselling"),
    (Disposition.WRONG_NUMBER.value, "โทรผิด", "Wrong number"),
    (Disposition.MISSED.value, "ไม่ได้รับสาย", "Missed"),
)
# calls.service counts these as nuisance calls (the screen-pop's flag): switching one
# off would silently stop the flag, so they can be relabelled and moved, not switched off.
LOCKED = frozenset({Disposition.PRANK.value, Disposition.SILENT.value})


def everything(session: Session) -> list[DispositionOption]:
    return pick_lists.items(session, DispositionOption)


def active(session: Session) -> list[DispositionOption]:
    return pick_lists.items(session, DispositionOption, active_only=True)


def labels(session: Session) -> dict[str, tuple[str, str]]:
    return pick_lists.labels(session, DispositionOption)


def require_active(session: Session, code: str) -> str:
    """The code, if agents may pick it now; else a 422 naming the field."""
    if code not in pick_lists.active_codes(session, DispositionOption):
        raise InvalidInput("choose a disposition from the list", field="disposition")
    return code


def add(session: Session, data: pick_lists.ItemIn, *, actor_id: int,
        source_ip: str | None = None) -> DispositionOption:
    return pick_lists.add(session, DispositionOption, data, entity=ENTITY,
                          actor_id=actor_id, source_ip=source_ip)


def update(session: Session, code: str, data: pick_lists.ItemEdit, *, actor_id: int,
           source_ip: str | None = None) -> DispositionOption:
    return pick_lists.update(session, DispositionOption, code, data, entity=ENTITY,
                             actor_id=actor_id, locked=LOCKED, source_ip=source_ip)


def move(session: Session, code: str, data: pick_lists.MoveIn, *, actor_id: int,
         source_ip: str | None = None) -> DispositionOption:
    return pick_lists.move(session, DispositionOption, code, data, entity=ENTITY,
                           actor_id=actor_id, source_ip=source_ip)


def sync_defaults(session: Session) -> None:
    pick_lists.sync_defaults(session, DispositionOption, DEFAULTS)
