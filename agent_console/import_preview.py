"""A bulk import's preview, kept in the confirming form instead of on the server.

The preview page carries the checked rows in a hidden field, sealed with the
application's key (``callcenter.sealing``: encrypted and authenticated), for the admin
who drew it and for ``KEPT_FOR``: the admin confirms without sending the file again,
and nothing can be slipped into the rows on the way. The rows are checked again when
confirmed (a login may have been taken meanwhile). Shared by the page and the API,
with the words a row's problem is said in.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from agent_console import i18n
from callcenter import sealing
from callcenter.agents.bulk_import import Problem, Row

KEPT_FOR = timedelta(hours=1)
PURPOSE = "people-import"


def seal_rows(rows: list[Row], *, key: str, admin_id: int, now: datetime) -> str:
    payload = {"by": admin_id, "at": now.timestamp(),
               "rows": [[row.line, row.values] for row in rows]}
    return sealing.seal(json.dumps(payload, ensure_ascii=False), key=key, purpose=PURPOSE)


def unseal_rows(sealed: str, *, key: str, admin_id: int,
                now: datetime) -> list[tuple[int, dict[str, str]]] | None:
    """The kept rows, or None if altered, another admin's, or too old."""
    text = sealing.unseal(sealed, key=key, purpose=PURPOSE)
    if text is None:
        return None
    payload = json.loads(text)
    if payload["by"] != admin_id or now.timestamp() - payload["at"] > KEPT_FOR.total_seconds():
        return None
    return [(int(line), {str(k): str(v) for k, v in values.items()})
            for line, values in payload["rows"]]


def problem_text(lang: str, problem: Problem) -> str:
    """"Login: already taken" in the page's language; a pydantic kind by its ``v.`` words."""
    _ = i18n.translator(lang)
    english = i18n.catalogue("en")
    label = _(f"imp.col.{problem.column}") if f"imp.col.{problem.column}" in english \
        else problem.column
    for key in (f"imp.kind.{problem.kind}", f"v.{problem.kind}"):
        if key in english:
            return f"{label}: {_(key)}"
    return f"{label}: {_('v.invalid')}"
