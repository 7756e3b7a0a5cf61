"""The partner applications' intake API as its OpenAPI document shows it: the request
body (``PublicReportIn``, read by the route itself so a refused body can be audited) and
an example of the request and of each answer. ``tests/agent_console`` checks that every
example validates against the schema it illustrates."""

from __future__ import annotations

from typing import Any

from agent_console.api_errors import ErrorOut, InvalidOut
from callcenter.intake.app_key_schemas import AppReportOut
from callcenter.intake.schemas import PublicReportIn

REPORT_EXAMPLE = {
    "what_happened": "เพื่อนบ้านตีลูกทุกคืน เด็กร้องไห้เสียงดัง",
    "province_code": "TH-50", "district_code": "5001", "in_danger_now": False,
    "contact_way": "phone", "phone": "0812345678", "safe_times": "หลัง 18.00 น.",
    "consent": True, "language": "th",
}
ACCEPTED_EXAMPLE = {"tracking_code": "ABCD-EFGH-JKMN", "status": "received",
                    "status_text": "ได้รับเรื่องแล้ว",
                    "status_url": "https://1300.example.go.th/report/track?lang=th"}
ERROR_EXAMPLES: dict[int, dict[str, Any]] = {
    401: {"error": "unauthorized", "message": "a valid application key is required"},
    404: {"error": "not_found",
          "message": "no report of this application has that tracking code"},
    409: {"error": "conflict", "message": "this idempotency key was used for another report",
          "field": "idempotency_key"},
    413: {"error": "too_large", "message": "the request is too large"},
    422: {"error": "invalid", "problems": [
        {"field": "consent", "message": "the report needs the person's yes"}]},
    429: {"error": "rate_limited",
          "message": "this application sent too many reports; retry after the delay"},
}
WHY = {
    401: "The Authorization header has no key, an unknown key or a revoked one (one "
         "answer for all three).",
    404: "No report this application sent has that tracking code.",
    409: "The Idempotency-Key was used before with another body.",
    413: "The body is larger than a report can be.",
    422: "The body or the Idempotency-Key header is malformed: the fields named, never "
         "their values.",
    429: "The key's reports per minute are spent; the Retry-After header says when to "
         "send again.",
}


def _inline(schema: dict[str, Any]) -> dict[str, Any]:
    """The model's JSON schema with its ``$defs`` written in place, so the document needs
    no component that no other route happens to declare."""
    defs = schema.pop("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return walk(defs[ref.removeprefix("#/$defs/")])
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(schema)


def request_body() -> dict[str, Any]:
    return {"requestBody": {"required": True, "content": {"application/json": {
        "schema": _inline(PublicReportIn.model_json_schema()),
        "example": REPORT_EXAMPLE}}}}


def _error(status: int) -> dict[str, Any]:
    return {"model": InvalidOut if status == 422 else ErrorOut, "description": WHY[status],
            "content": {"application/json": {"example": ERROR_EXAMPLES[status]}}}


def _answer(description: str) -> dict[str, Any]:
    return {"model": AppReportOut, "description": description,
            "content": {"application/json": {"example": ACCEPTED_EXAMPLE}}}


def submit_responses() -> dict[int | str, dict[str, Any]]:
    return {201: _answer("The report is in the web queue: the tracking code to give the "
                         "reporter, the status in plain words, the page to follow it."),
            200: _answer("A retry with the same Idempotency-Key and body: the same report "
                         "and tracking code as the first time."),
            **{status: _error(status) for status in (401, 409, 413, 422, 429)}}


def status_responses() -> dict[int | str, dict[str, Any]]:
    return {200: _answer("The report's status in plain words (never the case's content)."),
            **{status: _error(status) for status in (401, 404, 422)}}
