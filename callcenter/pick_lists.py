"""Lists staff pick from (pause reasons, dispositions, chat canned replies): their shared rules.

Each list is a table of its own domain (``agents.models.PauseReason``,
``calls.models.DispositionOption``) with the columns of ``PickItem``. Admins add items,
relabel them, switch them on and off and move them up or down; they never delete one
and never change a code: the code is what Asterisk's PausedReason, the call records and
the reports hold, so a row must stay to give old records their label. Codes are ASCII
slugs because they travel to Asterisk and into exports as they are.

The services here take the session and flush; they never commit. Each change is
audited as ``<entity>.add`` / ``.update`` / ``.move`` with its before and after values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Annotated, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlalchemy import String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from callcenter import audit
from callcenter.errors import Conflict, NotFound, StaleEdit

CODE_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Code = Annotated[str, StringConstraints(strip_whitespace=True, pattern=CODE_PATTERN)]
Version = Annotated[int, Field(ge=1, le=2**31 - 1)]
EDITABLE = ("label_th", "label_en", "active")


class ItemInUse(Conflict):
    """The code relies on this item (counted or matched by its code): it stays active."""

    code = "item_in_use"


class PickItem:
    """The columns every pick list has (mixed into each list's mapped class)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    # Immutable once created: stored in records, sent to Asterisk.
    code: Mapped[str] = mapped_column(String(40))
    label_th: Mapped[str] = mapped_column(String(120))
    label_en: Mapped[str] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(default=True)
    # Smaller first; the lists are short, so moving swaps two neighbours' positions.
    position: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(default=1)


Item = TypeVar("Item", bound=PickItem)


class ItemIn(BaseModel):
    """A new item of a list."""

    model_config = ConfigDict(extra="forbid")
    code: Code
    label_th: Label
    label_en: Label
    active: bool = True


class ItemEdit(BaseModel):
    """New labels and state of an item, and the version the form was drawn from."""

    model_config = ConfigDict(extra="forbid")
    label_th: Label
    label_en: Label
    active: bool
    version: Version


class MoveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    direction: Literal["up", "down"]
    version: Version


def items(session: Session, model: type[Item], *, active_only: bool = False) -> list[Item]:
    """The list in its order (with inactive items unless ``active_only``)."""
    stmt = select(model).order_by(model.position, model.id)
    if active_only:
        stmt = stmt.where(model.active.is_(True))
    return list(session.scalars(stmt))


def active_codes(session: Session, model: type[PickItem]) -> list[str]:
    return list(session.scalars(select(model.code).where(model.active.is_(True))
                                .order_by(model.position, model.id)))


def labels(session: Session, model: type[PickItem]) -> dict[str, tuple[str, str]]:
    """Every code ever listed, inactive ones too, with its (Thai, English) label: what
    old records and reports show. A code missing here is shown as itself."""
    rows = session.execute(select(model.code, model.label_th, model.label_en)).all()
    return {code: (th, en) for code, th, en in rows}


def by_code(session: Session, model: type[Item], code: str) -> Item:
    found = session.scalar(select(model).where(model.code == code))
    if found is None:
        raise NotFound("no such item in this list")
    return found


def snapshot(item: PickItem) -> dict[str, object]:
    return {"code": item.code, "label_th": item.label_th, "label_en": item.label_en,
            "active": item.active, "position": item.position}


def add(session: Session, model: type[Item], data: ItemIn, *, entity: str, actor_id: int,
        source_ip: str | None = None) -> Item:
    """A new item at the end of the list."""
    if session.scalar(select(model.id).where(model.code == data.code)) is not None:
        raise Conflict("this code is already in the list", field="code")
    last = session.scalar(select(func.max(model.position))) or 0
    item = model(code=data.code, label_th=data.label_th, label_en=data.label_en,
                 active=data.active, position=last + 1, version=1)
    session.add(item)
    session.flush()
    audit.record(session, actor_id=actor_id, action=f"{entity}.add", entity_type=entity,
                 entity_id=item.code, source_ip=source_ip,
                 changes=audit.changes_between({}, snapshot(item)))
    return item


def update(session: Session, model: type[Item], code: str, data: ItemEdit, *, entity: str,
           actor_id: int, locked: Iterable[str] = (), source_ip: str | None = None) -> Item:
    """New labels or state; ``locked`` codes have meaning in the code and stay active."""
    item = by_code(session, model, code)
    wanted = {name: getattr(data, name) for name in EDITABLE}
    if not _check_version(item, data.version, wanted):
        return item  # a form sent twice
    if not data.active and item.code in set(locked):
        raise ItemInUse("the system relies on this item: it stays active", field="active")
    before = snapshot(item)
    for name, value in wanted.items():
        setattr(item, name, value)
    return _saved(session, item, before, entity=entity, verb="update", actor_id=actor_id,
                  source_ip=source_ip)


def move(session: Session, model: type[Item], code: str, data: MoveIn, *, entity: str,
         actor_id: int, source_ip: str | None = None) -> Item:
    """Swap the item with its neighbour above or below (at an end: nothing moves)."""
    item = by_code(session, model, code)
    # A move depends on where the item is now: any newer save makes it stale.
    if item.version != data.version:
        raise StaleEdit(changed={"position": item.position})
    order = items(session, model)
    at = next(i for i, row in enumerate(order) if row.id == item.id)
    other_at = at - 1 if data.direction == "up" else at + 1
    if not 0 <= other_at < len(order):
        return item
    # Positions made distinct first: rows seeded or added alike may share one.
    for i, row in enumerate(order):
        row.position = i + 1
    other = order[other_at]
    before = snapshot(item)
    item.position, other.position = other.position, item.position
    other.version += 1
    return _saved(session, item, before, entity=entity, verb="move", actor_id=actor_id,
                  source_ip=source_ip)


def sync_defaults(session: Session, model: type[PickItem],
                  defaults: Iterable[tuple[str, str, str]]) -> None:
    """Add the shipped items a list lacks; never touches an item an admin kept up."""
    known = set(session.scalars(select(model.code)))
    last = session.scalar(select(func.max(model.position))) or 0
    for code, label_th, label_en in defaults:
        if code not in known:
            last += 1
            session.add(model(code=code, label_th=label_th, label_en=label_en, active=True,
                              position=last, version=1))
    session.flush()


def _check_version(item: PickItem, version: int, wanted: Mapping[str, object]) -> bool:
    """Whether the edit may go on: refused (409) when the item changed since the form was
    drawn and the edit would undo some of it; False when it is already stored as wanted."""
    if item.version == version:
        return True
    stored = snapshot(item)
    changed = {name: stored[name] for name in wanted if stored[name] != wanted[name]}
    if changed:
        raise StaleEdit(changed=changed)
    return False


def _saved(session: Session, item: Item, before: dict[str, object], *, entity: str,
           verb: str, actor_id: int, source_ip: str | None) -> Item:
    after = snapshot(item)
    if after != before:
        item.version += 1
    session.flush()
    audit.record(session, actor_id=actor_id, action=f"{entity}.{verb}", entity_type=entity,
                 entity_id=item.code, source_ip=source_ip,
                 changes=audit.changes_between(before, after))
    return item
