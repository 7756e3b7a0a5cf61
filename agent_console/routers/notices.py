"""The page-wide notice stream: every signed-in worker's pages hear their own notices
(``user.<id>.notices``: a follow-up due or overdue, a referral overdue, a dispatch
declined) on ``/events/notices``, shown as toasts by ``static/notices.js``.

The agent page has its own stream, which hears the same topic; there ``notices.js``
opens no second stream and ``agent.js`` hands it the notices it does not show itself.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response, StreamingResponse

from agent_console import access
from agent_console.deps import Viewer, require
from agent_console.sse import format_event
from callcenter import topics

router = APIRouter(include_in_schema=False)
Worker = Depends(require(*access.CASE_ROLES))


@router.get("/events/notices")
async def notices(request: Request, viewer: Viewer = Worker) -> Response:
    hub = request.app.state.hub
    mine = topics.notices_topic(viewer.id)

    async def nothing_kept() -> list[tuple[str, str]]:
        # Pub/sub keeps no notice; what a closed page missed is on the lists (/follow-ups).
        return []

    async def body() -> AsyncIterator[bytes]:
        if hub is None:
            yield format_event(topics.HUB, json.dumps({"live": False}))
            return
        async for chunk in hub.stream(lambda topic: topic == mine, nothing_kept):
            if await request.is_disconnected():
                break
            yield chunk

    return StreamingResponse(body(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
