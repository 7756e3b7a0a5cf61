"""``python -m agent_console``: the web console under uvicorn."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import uvicorn

from agent_console.stopping import ConsoleServer
from callcenter.runtime import announce_ready, run_process
from callcenter.settings import Settings

# On SIGTERM the live streams end at once (agent_console.stopping); other requests under
# way get this long to finish before uvicorn cancels them.
SHUTDOWN_GRACE_SECONDS = 10


def server_config(app, settings: Settings, host: str, port: int) -> uvicorn.Config:
    # No uvicorn access log: it records query strings (search terms, a caller's phone).
    # agent_console.middleware.AccessLog writes method, path, status and user id instead.
    # No proxy headers either: uvicorn would believe X-Forwarded-For from any local peer;
    # agent_console.addresses believes it only from CALLCENTER_TRUSTED_PROXIES.
    return uvicorn.Config(app, host=host, port=port, log_level=settings.log_level.lower(),
                          proxy_headers=False, server_header=False, access_log=False,
                          timeout_graceful_shutdown=SHUTDOWN_GRACE_SECONDS)


def log_requests_to(path: Path) -> None:
    """Write the request log (agent_console.access) to a file instead of stderr."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    access = logging.getLogger("agent_console.access")
    access.addHandler(handler)
    access.propagate = False  # one line a request would drown the terminal's messages


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="callcenter web", description=__doc__)
    parser.add_argument("--host", help="bind address (default CALLCENTER_WEB_HOST)")
    parser.add_argument("--port", type=int, help="port (default CALLCENTER_WEB_PORT)")
    parser.add_argument("--access-log", type=Path, metavar="FILE",
                        help="write one line per request to FILE (default: stderr)")
    args = parser.parse_args(argv)

    def run(settings: Settings) -> None:
        from agent_console.app import create_app

        if args.access_log:
            log_requests_to(args.access_log)
        host, port = args.host or settings.web_host, args.port or settings.web_port
        app = create_app(settings)
        server = ConsoleServer(server_config(app, settings, host, port), app)
        announce_ready("web", f"http://{host}:{port}/")
        server.run()

    run_process("web", run)


if __name__ == "__main__":
    main()
