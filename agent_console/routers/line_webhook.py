"""``POST /line/webhook``: the LINE platform's calls, answered fast.

Public (LINE has no session): the signature over the raw body is the only credential.
The body is read and checked before any database work; new events are stored in one
short transaction and each is applied by an RQ job enqueued after the commit
(``callcenter.chat.jobs``), so LINE hears 200 within milliseconds and nothing is lost
if a worker or Redis is down (the relay enqueues what the commit made owed).

The route is ``async`` and makes one trip to a worker thread, for the blocking part
(insert, commit, enqueue). Written as a plain ``def`` with the usual ``DB`` dependency,
its sync dependencies and the handler would each be a trip of their own (five in all),
and on a busy machine each trip waits for a thread and the GIL (docs/chat.md,
Benchmark).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from agent_console.deps import request_transaction
from callcenter import after_commit
from callcenter.chat import jobs, webhook
from callcenter.chat.config import LineSettings, get_line_settings
from callcenter.db import utcnow

router = APIRouter()


async def line_settings(request: Request) -> LineSettings:
    # A test or an embedding application may set its own on the app. Async: no thread
    # is worth taking for an attribute read.
    return getattr(request.app.state, "line_settings", None) or get_line_settings()


async def signed_events(request: Request,
                        settings: LineSettings = Depends(line_settings)) -> list[dict]:
    # LINE sends JSON only; a form body was parsed already (the NUL check reads forms),
    # so its raw bytes are gone: refused as the bad input it is, before reading them.
    if not request.headers.get("content-type", "").startswith("application/json"):
        raise webhook.BadBody("the webhook takes JSON")
    return webhook.verified_events(settings, await request.body(),
                                   request.headers.get("x-line-signature"))


def store_and_queue(request: Request, events: list[dict]) -> None:
    """The request's one transaction (the console's own, committed by ``deps``); the
    new events' jobs are enqueued after its commit."""
    client = request.app.state.redis
    with request_transaction(request) as db:
        added = webhook.store_new(db, events, now=utcnow())
        if added:
            after_commit.register(db, lambda: jobs.after_commit_events(client, added))


@router.post("/line/webhook", include_in_schema=False)
async def line_webhook(request: Request,
                       events: list[dict] = Depends(signed_events)) -> JSONResponse:
    if events:  # LINE's "verify" call has none: nothing to store
        await run_in_threadpool(store_and_queue, request, events)
    return JSONResponse({})
