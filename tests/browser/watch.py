"""What a browser test must not let pass quietly: a script error on a page, an error on the
browser's console, a traceback or an ERROR line in a server's log.

``PageErrors`` listens to pages (sync or async Playwright: the listeners are plain
functions); ``ServerLog`` collects the error records of a console served in a thread of
the test process; ``problems_in`` reads the log of a server run as a subprocess. Each
ends with an assertion that names what went wrong.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager

# A log line at ERROR or CRITICAL in the processes' format (runtime.configure_logging),
# in uvicorn's ("ERROR:    …"), or the start of a Python traceback.
_PROBLEM = re.compile(r"(^|\s)(ERROR|CRITICAL)[\s:]|^Traceback \(most recent call last\)",
                      re.MULTILINE)
# The root and uvicorn's logger, which does not propagate (uvicorn.error reaches it);
# attached once the server has started, as uvicorn replaces its handlers at start.
_SERVER_LOGGERS = ("", "uvicorn")


def problems_in(text: str) -> list[str]:
    """The lines of a process's log that are errors or begin a traceback."""
    return [line for line in text.splitlines() if _PROBLEM.search(line)]


def assert_clean_log(name: str, text: str) -> None:
    found = problems_in(text)
    assert not found, f"{name} logged errors:\n" + "\n".join(found) + "\n--- log ---\n" + \
        text[-6000:]


class PageErrors:
    """Every uncaught script error and console error of the pages it watches."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self._allowed: list[re.Pattern[str]] = []

    def watch_context(self, context):
        """Watch every page the context opens from now on; returns the context."""
        context.on("page", self.watch)
        for page in context.pages:
            self.watch(page)
        return context

    def watch(self, page):
        """Watch one page; returns the page."""
        page.on("pageerror", lambda error: self._add(f"pageerror on {page.url}: {error}"))
        page.on("console", lambda message: self._add(
            f"console error on {page.url}: {message.text}"
            f" ({message.location.get('url') or 'no source'})") if message.type == "error"
            else None)
        return page

    @contextmanager
    def allowed(self, pattern: str) -> Iterator[None]:
        """Within the block, console errors matching ``pattern`` are expected (e.g. the
        browser's own line for a page a test opens to see it refused)."""
        compiled = re.compile(pattern)
        self._allowed.append(compiled)
        try:
            yield
        finally:
            self._allowed.remove(compiled)

    def _add(self, text: str) -> None:
        if not any(p.search(text) for p in self._allowed):
            self.errors.append(text)

    def assert_none(self) -> None:
        assert not self.errors, "the pages reported errors:\n" + "\n".join(self.errors)


class ServerLog(logging.Handler):
    """Error records (or any record with a traceback) logged in this process."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.problems: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR or record.exc_info:
            self.problems.append(f"{record.levelname} {record.name} {record.getMessage()}"
                                 + (f"\n{self.format(record)}" if record.exc_info else ""))

    @contextmanager
    def attached(self) -> Iterator[ServerLog]:
        loggers = [logging.getLogger(name) for name in _SERVER_LOGGERS]
        for logger in loggers:
            logger.addHandler(self)
        try:
            yield self
        finally:
            for logger in loggers:
                logger.removeHandler(self)

    def assert_none(self) -> None:
        assert not self.problems, "the console logged errors:\n" + "\n".join(self.problems)
