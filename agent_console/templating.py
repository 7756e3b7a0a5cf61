"""Jinja2 templates with the request's language, Buddhist-era dates and named blocks."""

from __future__ import annotations

from pathlib import Path

from jinja2_fragments.fastapi import Jinja2Blocks

from agent_console.event_notes import dispatch_note, unit_outcome
from callcenter import topics
from callcenter.cases import nationality
from callcenter.cases.models import Relationship
from callcenter.chat import policy as chat_policy
from callcenter.chat import system_lines
from callcenter.collation import by_display_name
from callcenter.provinces import catalog
from callcenter.thaidate import format_date

templates = Jinja2Blocks(directory=str(Path(__file__).parent / "templates"))
templates.env.filters["be_date"] = format_date
# Lists of places and agencies in the order of the names the page shows (Thai dictionary
# order on Thai pages): ``{% for p in provinces | by_name(lang) %}``.
templates.env.filters["by_name"] = by_display_name
# A dispatch step's note, the system's own named in the page's language.
templates.env.globals["dispatch_note"] = dispatch_note
templates.env.globals["unit_outcome"] = unit_outcome
# A province by its code, named in the page's language: ``province_name(code, lang)``.
templates.env.globals["province_name"] = catalog.name_of


def audit_value(value: object) -> str:
    """One side of an audited change as people read it: a list as its items, a mapping
    as ``key value`` pairs (skills: queue and penalty), yes/no as ✓/✗, nothing as –."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, list):
        return ", ".join(audit_value(item) for item in value) or "–"
    if isinstance(value, dict):
        return ", ".join(f"{key} {audit_value(item)}" for key, item in value.items()) or "–"
    return str(value)


templates.env.filters["audit_value"] = audit_value
# Pages name the SSE events they listen for from the bus contract ({{ topics.DISPATCH }}).
templates.env.globals["topics"] = topics
# A chat transcript's system lines and a refused picture's reason, in the page's language.
templates.env.globals["chat_system_line"] = system_lines.code_of
templates.env.globals["chat_refusal"] = system_lines.refusal_code
# The person forms' closed lists: nationalities named in the page's language, relationships.
templates.env.globals["nationality_choices"] = nationality.choices
templates.env.globals["nationality_label"] = nationality.label
templates.env.globals["relationships"] = [r.value for r in Relationship]
# A LINE conversation's topic in the page's language (the chat desk, a case's timeline).
templates.env.globals["topic_label"] = chat_policy.topic_label
