"""The wallboard's chart data: today's quarter hours against last week's, as JSON.

The history changes by the minute, not by the event: each web process reads it from the
database at most once per ``REFRESH_SECONDS`` (``callcenter.reports.day_series``) and
hands the same figures to every screen that asks meanwhile; the page asks once a minute.
The live figures the charts also show (callers waiting now, each agent's time in state)
travel inside the drawn board (``templates/wallboard/board.html``, ``#wb-chart-live``).
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session

from agent_console.i18n import translator
from callcenter.queues import service as queue_service
from callcenter.queues import stats
from callcenter.reports import day_series

REFRESH_SECONDS = 60.0
# The names the charts give their lines, in the page's language.
NAMES = ("offered", "answered", "abandoned", "offered_last_week", "answered_last_week",
         "abandoned_last_week", "service_level", "target", "waiting", "calls", "talk_minutes",
         "time_in_state")


def chart_names(lang: str) -> dict[str, str]:
    gettext = translator(lang)
    return {name: gettext("wallboard_charts.line." + name) for name in NAMES}


def history(request: Request, db: Session) -> dict[str, Any]:
    """Today's series, read now or less than ``REFRESH_SECONDS`` ago by this process."""
    state = request.app.state
    kept = getattr(state, "wallboard_series", None)
    if kept is not None and time.monotonic() < kept[0]:
        return kept[1]
    now = datetime.now(state.settings.zone)
    rules = queue_service.settings(db)
    data = day_series.day(db, now, thresholds=stats.thresholds_of(rules))
    # One line for all queues: no queue's own target lies above it.
    data["target"] = min((r.target for r in rules.values()),
                         default=stats.SERVICE_LEVEL_TARGET)
    state.wallboard_series = (time.monotonic() + REFRESH_SECONDS, data)
    return data


def series_json(request: Request, db: Session, lang: str) -> dict[str, Any]:
    return {**history(request, db), "lang": lang, "names": chart_names(lang),
            "refresh_seconds": int(REFRESH_SECONDS)}


def live_figures(board: stats.Board, link_live: bool) -> dict[str, Any]:
    """What the charts show of the live board: waiting callers and agents' time in state.

    No caller is named; agents are, as on the board's own table.
    """
    if not link_live:
        return {"live": False, "waiting": None, "agents": []}
    return {
        "live": True,
        "waiting": sum(q.waiting for q in board.queues),
        "agents": [{"interface": a.interface, "name": a.name or a.interface, "state": a.state,
                    "seconds": a.seconds, "band": a.band}
                   for a in board.agents if a.state != "signed_out"],
    }
