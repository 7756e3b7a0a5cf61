"""What the public report pages share: their language, their signed form tokens, the
page context and the refusal page.

No session and no cookie stand behind a public form, so its CSRF token is signed
instead: the time it was drawn and a random nonce, with an HMAC of both under the
application's secret key. A token from elsewhere, altered, or older than
``TOKEN_MAX_AGE`` is refused. The nonce doubles as the submission's idempotency key: a
form sent twice (a double tap, a retried request) makes one report.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from fastapi import Request
from fastapi.responses import Response

from agent_console import i18n
from agent_console.templating import templates

# Someone in distress may take long to write; past this the form is drawn again, kept.
TOKEN_MAX_AGE = timedelta(hours=4)
# Far above the longest report (4000 Thai characters are about 36 kB once form-encoded),
# far below the console's own limit.
MAX_BODY_BYTES = 64 * 1024
LANGUAGE_NAMES = {"th": "ไทย", "en": "English", "my": "မြန်မာ", "km": "ខ្មែរ", "lo": "ລາວ"}


def secret(request: Request) -> str:
    return request.app.state.settings.effective_secret_key()


def _mac(key: str, body: str) -> str:
    return hmac.new(key.encode(), f"public-form:{body}".encode(), hashlib.sha256).hexdigest()


def issue_token(key: str, now: datetime) -> str:
    body = f"{int(now.timestamp())}.{secrets.token_urlsafe(18)}"
    return f"{body}.{_mac(key, body)}"


def token_nonce(token: str, key: str, now: datetime) -> str | None:
    """The token's nonce if it is ours and fresh, else None."""
    parts = token.split(".")
    if len(parts) != 3 or not parts[0].isdigit():
        return None
    body = f"{parts[0]}.{parts[1]}"
    if not hmac.compare_digest(_mac(key, body), parts[2]):
        return None
    age = now.timestamp() - int(parts[0])
    if age < -60 or age > TOKEN_MAX_AGE.total_seconds():
        return None
    return parts[1]


def language(request: Request, form: dict[str, str] | None = None) -> str:
    return i18n.pick_public_language(request.query_params.get("lang"),
                                     (form or {}).get("lang"))


def too_large(request: Request) -> bool:
    length = request.headers.get("content-length", "")
    return not length.isdigit() or int(length) > MAX_BODY_BYTES


def context(request: Request, lang: str, **values: object) -> dict[str, object]:
    return {"request": request, "lang": lang, "_": i18n.translator(lang),
            "languages": LANGUAGE_NAMES,
            "quick_exit_url": request.app.state.settings.quick_exit_url, **values}


def page(request: Request, name: str, lang: str, *, status: int = 200,
         **values: object) -> Response:
    response = templates.TemplateResponse(request, f"public/{name}.html",
                                          context(request, lang, **values),
                                          status_code=status)
    # Nothing of these pages goes to another site, the quick exit's included.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def refused(request: Request, lang: str, reason: str, *, status: int) -> Response:
    """A clear page saying why, in the page's language (``webform.refused.<reason>``)."""
    return page(request, "refused", lang, status=status, reason=reason)
