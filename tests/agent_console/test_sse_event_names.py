"""Every SSE event a page listens for is one the bus contract (callcenter/topics.py) defines.

Scripts cannot import Python, so they spell the names; a misspelt name would make a page
wait for an event that never comes, with no error anywhere. Templates name them through
the `topics` Jinja global, which renders an unknown attribute as an empty string: so every
`topics.<NAME>` a template uses must exist too.
"""

from __future__ import annotations

import re
from pathlib import Path

from callcenter import topics

CONSOLE = Path(__file__).resolve().parents[2] / "agent_console"
# EventSource's own events, not names on the bus.
BUILT_IN = {"open", "error", "message"}

SSE_SWAP = re.compile(r"""sse-swap\s*=\s*["']([^"'{}]+)["']""")
SSE_TRIGGER = re.compile(r"\bsse:([\w-]+)")
TEMPLATE_GLOBAL = re.compile(r"\btopics\.(\w+)")
EVENT_SOURCE = re.compile(r"\b(\w+)\s*=\s*new\s+(?:window\.)?EventSource\s*\(")
# A helper that passes its first argument on as the event name (wallboard.js's `on`).
WRAPPER = re.compile(r"function\s+(\w+)\s*\(\s*(\w+)[^)]*\)\s*\{\s*(\w+)\.addEventListener"
                     r"\(\s*\2\b")


def _listened_in_template(text: str) -> set[str]:
    names = {n.strip() for found in SSE_SWAP.findall(text) for n in found.split(",")}
    return names | set(SSE_TRIGGER.findall(text))


def _listened_in_script(text: str) -> set[str]:
    sources = set(EVENT_SOURCE.findall(text))
    callers = [f"{re.escape(s)}\\.addEventListener" for s in sources]
    callers += [re.escape(name) for name, _, target in WRAPPER.findall(text)
                if target in sources]
    names: set[str] = set()
    for caller in callers:
        names.update(re.findall(rf"\b{caller}\(\s*[\"'](\w+)[\"']", text))
    return names - BUILT_IN


def _listened() -> dict[str, set[str]]:
    found = {}
    for path in sorted((CONSOLE / "templates").rglob("*.html")):
        found[str(path.relative_to(CONSOLE))] = _listened_in_template(path.read_text("utf-8"))
    for path in sorted((CONSOLE / "static").glob("*.js")):
        found[str(path.relative_to(CONSOLE))] = _listened_in_script(path.read_text("utf-8"))
    return {page: names for page, names in found.items() if names}


def test_every_sse_event_a_page_listens_for_is_defined_in_topics():
    unknown = {page: sorted(names - topics.SSE_EVENTS) for page, names in _listened().items()
               if names - topics.SSE_EVENTS}
    assert unknown == {}


def test_the_scan_sees_the_pages_that_listen():
    # Guards the scan itself: a pattern that matched nothing would pass the test above.
    listened = _listened()
    assert {"agent", "call", "user", "hub", "bridge"} <= listened["static/agent.js"]
    assert {"hub", "alert", "dispatch"} <= listened["static/unit.js"]


def test_every_topics_name_a_template_uses_exists():
    for path in sorted((CONSOLE / "templates").rglob("*.html")):
        for name in TEMPLATE_GLOBAL.findall(path.read_text("utf-8")):
            assert isinstance(getattr(topics, name, None), str), (path.name, name)
