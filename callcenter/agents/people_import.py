"""A bulk import's database side: what the rows are checked against, and the import itself.

``bulk_import`` reads and checks the file without the database; this module looks up
what it needs (logins taken, units, queues) and creates everyone in the caller's one
transaction, each with a set-up link: all or nothing, since the caller rolls back on
any error. Each person's creation is audited as any other (``user.create``), and the
import once more with the logins it created.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from callcenter import audit
from callcenter.agents import bulk_import, people, setup_links
from callcenter.agents.models import User
from callcenter.agents.state import Queue
from callcenter.errors import Conflict
from callcenter.provinces.models import ResponseUnit


class ImportNotClean(Conflict):
    """Some row has a problem (perhaps a login taken since the preview): nothing written."""

    code = "import_not_clean"


@dataclass(frozen=True)
class Created:
    user_id: int
    login: str
    display_name: str
    token: str


def known(session: Session, rows: list[bulk_import.Row]) -> bulk_import.Known:
    logins = {row.values.get("login", "").strip().lower() for row in rows} - {""}
    taken = set(session.scalars(select(User.login).where(User.login.in_(logins)))) \
        if logins else set()
    return bulk_import.Known(
        taken_logins=frozenset(taken),
        units=frozenset(session.scalars(select(ResponseUnit.code))),
        queues=frozenset(session.scalars(select(Queue.c.name))))


def preview(session: Session, filename: str, content: bytes) -> list[bulk_import.Row]:
    """The file's rows with their problems; nothing is written."""
    rows = bulk_import.read(filename, content)
    return bulk_import.check(rows, known(session, rows))


def recheck(session: Session, values: list[tuple[int, dict[str, str]]]) -> list[bulk_import.Row]:
    """Rows kept from a preview, checked again (the database may have moved on)."""
    rows = [bulk_import.Row(line=line, values=dict(cells)) for line, cells in values]
    return bulk_import.check(rows, known(session, rows))


def run(session: Session, rows: list[bulk_import.Row], *, actor_id: int, now: datetime,
        source_ip: str | None = None) -> list[Created]:
    """Create every row's person with a set-up link, or raise before the caller commits."""
    if not bulk_import.is_clean(rows):
        raise ImportNotClean("some rows have problems; nothing was imported", field="file")
    created = []
    for row in rows:
        assert row.fields is not None  # is_clean: every row was checked into fields
        user = people.create_person(session, row.fields, actor_id=actor_id,
                                    source_ip=source_ip)
        token = setup_links.issue(session, user_id=user.id, actor_id=actor_id, now=now,
                                  source_ip=source_ip)
        created.append(Created(user.id, user.login, user.display_name, token))
    audit.record(session, actor_id=actor_id, action="user.import", entity_type="user",
                 entity_id="import", source_ip=source_ip,
                 changes={"logins": [None, [c.login for c in created]]})
    return created
