"""Liveness and readiness for load balancers and the demo.

``/healthz`` says the process answers (restart it if not). ``/readyz`` says whether it can
serve: the database and Redis both answer. A load balancer stops sending requests to a
process whose readiness is 503 and resumes when it is 200 again. The body names what is
away, never an address or a driver's message.
"""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from agent_console import liveness
from callcenter.db import default_sessionmaker

router = APIRouter()


@router.get("/healthz", include_in_schema=False)
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", include_in_schema=False)
def readyz(request: Request) -> JSONResponse:
    checks = {"database": _database_answers(request), "redis": liveness.redis_answers(request.app)}
    ready = all(checks.values())
    body = {"status": "ready" if ready else "unavailable",
            **{part: "ok" if up else "unavailable" for part, up in checks.items()}}
    return JSONResponse(body, status_code=200 if ready else 503)


def _database_answers(request: Request) -> bool:
    factory = getattr(request.app.state, "sessionmaker", None) or default_sessionmaker()
    session = factory()
    try:
        session.execute(text("SELECT 1"))
        return True
    except Exception:  # refused, dropped, timed out: all mean "not ready"
        return False
    finally:
        session.close()
