"""``/metrics`` for Prometheus: ``callcenter.metrics`` read at each scrape.

No sign-in (operational figures only, no person's data; restrict it at the proxy). A
plain function, so the Redis and database reads run in the thread pool.
"""

from __future__ import annotations

import redis
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from agent_console.deps import redis_client
from callcenter import metrics as hotline_metrics
from callcenter.db import default_sessionmaker

router = APIRouter()


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request, client: redis.Redis = Depends(redis_client)):
    settings = request.app.state.settings
    sessions = getattr(request.app.state, "sessionmaker", None) or default_sessionmaker()
    body, content_type = hotline_metrics.render(
        client, nodes=[node.name for node in settings.ami_nodes], sessions=sessions)
    return Response(body, media_type=content_type)
