"""Pass the second factor (TOTP) as a supervisor or admin would, enrolling on first use.

Works with FastAPI's TestClient, an httpx.Client against a running console, and a
Playwright page (sync or async). The console accepts each time step once, so the codes
are taken from the oldest step the console still accepts that was not used yet.
"""

from __future__ import annotations

import re
import time

import pyotp

STEP = 30
SLACK = 10
# login -> (secret, last step used); enrolment replaces the entry.
_known: dict[str, tuple[str, int | None]] = {}


def remember(login: str, secret: str) -> None:
    _known[login] = (secret, None)


def code_for(login: str) -> str:
    secret, last = _known[login]
    while True:
        now = time.time()
        current = int(now) // STEP
        # The oldest step the console still accepts, unless it lapses within SLACK seconds
        # (a loaded machine can take that long between here and the console's check).
        oldest = current - 1 if STEP - now % STEP > SLACK else current
        step = oldest if last is None else max(oldest, last + 1)
        if step <= current + 1:
            _known[login] = (secret, step)
            return pyotp.TOTP(secret).at(step * STEP)
        time.sleep(1)  # three sign-ins in one step already: wait for the next


def _secret_in(html: str) -> str | None:
    match = re.search(r'data-secret="([A-Z2-7]+)"', html)
    return match.group(1) if match else None


def complete(client, login: str):
    """After a 303 to /login/totp: enrol or enter a code; returns the console's answer."""
    page = client.get("/login/totp", follow_redirects=False)
    secret = _secret_in(page.text)
    if secret:
        remember(login, secret)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    return client.post("/login/totp", data={"code": code_for(login), "csrf_token": token},
                       follow_redirects=False)


def complete_in_page(page, login: str) -> None:
    """Playwright (sync): the page shows /login/totp; enrol or enter a code and submit."""
    page.wait_for_selector("input[name=code]")
    if page.locator("#totp-secret").count():
        remember(login, page.get_attribute("#totp-secret", "data-secret"))
    page.fill("input[name=code]", code_for(login))
    page.click("button[type=submit]")


async def complete_in_page_async(page, login: str) -> None:
    """Playwright (async): as ``complete_in_page``."""
    await page.wait_for_selector("input[name=code]")
    if await page.locator("#totp-secret").count():
        remember(login, await page.get_attribute("#totp-secret", "data-secret"))
    await page.fill("input[name=code]", code_for(login))
    await page.click("button[type=submit]")
