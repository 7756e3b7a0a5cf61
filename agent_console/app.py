"""The FastAPI application: pages, JSON API, static files."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from agent_console.routers import auth, health
from callcenter.settings import Settings, get_settings

HERE = Path(__file__).parent
# Front-end packages installed by `make` from the npm registry (see package.json).
VENDOR = HERE.parent / "node_modules"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="1300 hotline console",
        docs_url="/api/docs",
        openapi_url="/api/openapi.json",
        redoc_url=None,
    )
    app.state.settings = settings
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    if VENDOR.is_dir():
        app.mount("/vendor", StaticFiles(directory=VENDOR), name="vendor")
    app.include_router(health.router)
    app.include_router(auth.router)
    return app
