"""JSON API for admins: queues' targets and thresholds, pause reasons and dispositions.

The same operations as the pages of ``admin_lists.py``. Edits send the ``version`` they
were based on; a newer save answers 409 with ``changed`` (the stored values that differ).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from agent_console.admin_access import admin_only
from agent_console.api_errors import COMMON, errors
from agent_console.deps import DB, Viewer
from agent_console.limits import client_ip, limit_body
from agent_console.pick_list_kinds import DISPOSITIONS, PAUSE_REASONS, Kind
from callcenter import pick_lists
from callcenter.queues import service as queues
from callcenter.queues.schemas import QueueSettingsIn

router = APIRouter(prefix="/api/admin", tags=["administration"],
                   dependencies=[Depends(limit_body)], responses=COMMON)
Admin = Depends(admin_only)


class QueueOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    name: str
    label_th: str
    label_en: str
    language: str
    priority: int
    service_level_seconds: int
    service_level_target: int
    service_level_warn: int
    service_level_min_calls: int
    wait_warn_seconds: int
    wait_alarm_seconds: int
    active: bool
    wrap_up_required: bool
    version: int


class ItemOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    label_th: str
    label_en: str
    active: bool
    position: int
    version: int
    # The system relies on it (prank, silent, wrap_up): it cannot be switched off.
    locked: bool = False


@router.get("/queues", response_model=list[QueueOut])
def queue_list(viewer: Viewer = Admin, db: Session = DB):
    """Every queue with its targets and the wallboard's thresholds, in the board's order."""
    return queues.in_order(db)


@router.get("/queues/{queue_name}", response_model=QueueOut, responses=errors(404))
def queue_one(queue_name: str, viewer: Viewer = Admin, db: Session = DB):
    return queues.get(db, queue_name)


@router.put("/queues/{queue_name}", response_model=QueueOut, responses=errors(404, 409, 422))
def queue_update(queue_name: str, body: QueueSettingsIn, request: Request,
                 viewer: Viewer = Admin, db: Session = DB):
    """Save a queue's labels, targets and thresholds (the set of queues is Asterisk's)."""
    return queues.update(db, queue_name, body, actor_id=viewer.id,
                         source_ip=client_ip(request))


def _out(kind: Kind, item: pick_lists.PickItem) -> ItemOut:
    return ItemOut.model_validate(item).model_copy(update={"locked": item.code in kind.locked})


def _list(kind: Kind, db: Session) -> list[ItemOut]:
    return [_out(kind, item) for item in kind.service.everything(db)]


def _add(kind: Kind, body: pick_lists.ItemIn, request: Request, viewer: Viewer,
         db: Session) -> ItemOut:
    return _out(kind, kind.service.add(db, body, actor_id=viewer.id,
                                       source_ip=client_ip(request)))


def _update(kind: Kind, code: str, body: pick_lists.ItemEdit, request: Request,
            viewer: Viewer, db: Session) -> ItemOut:
    return _out(kind, kind.service.update(db, code, body, actor_id=viewer.id,
                                          source_ip=client_ip(request)))


def _move(kind: Kind, code: str, body: pick_lists.MoveIn, request: Request, viewer: Viewer,
          db: Session) -> ItemOut:
    return _out(kind, kind.service.move(db, code, body, actor_id=viewer.id,
                                        source_ip=client_ip(request)))


# --- pause reasons -----------------------------------------------------------------------

@router.get("/pause-reasons", response_model=list[ItemOut])
def pause_reason_list(viewer: Viewer = Admin, db: Session = DB):
    """The pause reasons in order, inactive ones too."""
    return _list(PAUSE_REASONS, db)


@router.post("/pause-reasons", response_model=ItemOut, status_code=201,
             responses=errors(409, 422))
def pause_reason_add(body: pick_lists.ItemIn, request: Request, viewer: Viewer = Admin,
                     db: Session = DB):
    """Add a reason at the end; its code (a lowercase ASCII slug, Asterisk's
    PausedReason) never changes after."""
    return _add(PAUSE_REASONS, body, request, viewer, db)


@router.put("/pause-reasons/{reason_code}", response_model=ItemOut,
            responses=errors(404, 409, 422))
def pause_reason_update(reason_code: str, body: pick_lists.ItemEdit, request: Request,
                        viewer: Viewer = Admin, db: Session = DB):
    """New labels, or switched on or off (reasons are never deleted)."""
    return _update(PAUSE_REASONS, reason_code, body, request, viewer, db)


@router.post("/pause-reasons/{reason_code}/move", response_model=ItemOut,
             responses=errors(404, 409, 422))
def pause_reason_move(reason_code: str, body: pick_lists.MoveIn, request: Request,
                      viewer: Viewer = Admin, db: Session = DB):
    """Swap the reason with its neighbour above (``up``) or below (``down``)."""
    return _move(PAUSE_REASONS, reason_code, body, request, viewer, db)


# --- dispositions ------------------------------------------------------------------------

@router.get("/dispositions", response_model=list[ItemOut])
def disposition_list(viewer: Viewer = Admin, db: Session = DB):
    """The dispositions in order, inactive ones too."""
    return _list(DISPOSITIONS, db)


@router.post("/dispositions", response_model=ItemOut, status_code=201,
             responses=errors(409, 422))
def disposition_add(body: pick_lists.ItemIn, request: Request, viewer: Viewer = Admin,
                    db: Session = DB):
    """Add a disposition at the end; its code (a lowercase ASCII slug) never changes."""
    return _add(DISPOSITIONS, body, request, viewer, db)


@router.put("/dispositions/{disposition_code}", response_model=ItemOut,
            responses=errors(404, 409, 422))
def disposition_update(disposition_code: str, body: pick_lists.ItemEdit, request: Request,
                       viewer: Viewer = Admin, db: Session = DB):
    """New labels, or switched on or off (dispositions are never deleted)."""
    return _update(DISPOSITIONS, disposition_code, body, request, viewer, db)


@router.post("/dispositions/{disposition_code}/move", response_model=ItemOut,
             responses=errors(404, 409, 422))
def disposition_move(disposition_code: str, body: pick_lists.MoveIn, request: Request,
                     viewer: Viewer = Admin, db: Session = DB):
    """Swap the disposition with its neighbour above (``up``) or below (``down``)."""
    return _move(DISPOSITIONS, disposition_code, body, request, viewer, db)
