"""The error answers of the JSON API, declared so the OpenAPI document lists them.

The bodies are the ones ``agent_console.errors`` writes: ``{"error", "message"}`` (with
``field`` for a rule the input breaks), and ``{"error": "invalid", "problems"}`` for
malformed input. Routers declare the statuses each route really returns:
``responses=errors(404, 409)``; every /api router declares ``COMMON`` once.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel


class ErrorOut(BaseModel):
    # The error's code: ``not_found``, ``conflict``, ``bridge_unavailable`` …
    error: str
    # In English, naming records by id at most.
    message: str
    # The input field the rule is about, if any.
    field: str | None = None


class Problem(BaseModel):
    field: str
    message: str


class InvalidOut(BaseModel):
    error: Literal["invalid"]
    # Which fields are malformed; what was typed is never sent back.
    problems: list[Problem]


WHY = {
    400: "A rule the input breaks (``field`` names it).",
    401: "Not signed in, or the second factor is still to come.",
    403: "The role may not do this, or the CSRF token is missing or stale.",
    404: "No such record, or not one this user may see.",
    409: "The record changed meanwhile, or its state does not allow this.",
    413: "The request body is too large.",
    422: "Malformed input: the fields named, never their values.",
    502: "The phone system refused the change.",
    503: "The database or the phone system is unavailable; nothing was changed.",
}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for these error statuses, with their bodies."""
    return {status: {"model": InvalidOut if status == 422 else ErrorOut,
                     "description": WHY[status]}
            for status in statuses}


# What any /api route may answer: not signed in, refused, too large, database away.
COMMON = errors(401, 403, 413, 503)
