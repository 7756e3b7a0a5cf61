"""``POST /line/webhook``: the LINE platform's calls, answered fast.

Public (LINE has no session): the signature over the raw body is the only credential.
The body is read and checked before any database work; new events are stored in one
short transaction and each is applied by an RQ job enqueued after the commit
(``callcenter.chat.jobs``), so LINE hears 200 within milliseconds and nothing is lost
if a worker or Redis is down (the relay enqueues what the commit made owed).
"""

from __future__ import annotations

import redis
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from agent_console.deps import DB, redis_client
from callcenter import after_commit
from callcenter.chat import jobs, webhook
from callcenter.chat.config import LineSettings, get_line_settings
from callcenter.db import utcnow

router = APIRouter()


def line_settings(request: Request) -> LineSettings:
    # A test or an embedding application may set its own on the app.
    return getattr(request.app.state, "line_settings", None) or get_line_settings()


async def signed_events(request: Request,
                        settings: LineSettings = Depends(line_settings)) -> list[dict]:
    # LINE sends JSON only; a form body was parsed already (the NUL check reads forms),
    # so its raw bytes are gone: refused as the bad input it is, before reading them.
    if not request.headers.get("content-type", "").startswith("application/json"):
        raise webhook.BadBody("the webhook takes JSON")
    return webhook.verified_events(settings, await request.body(),
                                   request.headers.get("x-line-signature"))


@router.post("/line/webhook", include_in_schema=False)
def line_webhook(events: list[dict] = Depends(signed_events), db: Session = DB,
                 client: redis.Redis = Depends(redis_client)) -> JSONResponse:
    added = webhook.store_new(db, events, now=utcnow())
    if added:
        after_commit.register(db, lambda: jobs.after_commit_events(client, added))
    return JSONResponse({})
