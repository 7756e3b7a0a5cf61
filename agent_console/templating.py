"""Jinja2 templates with the request's language, Buddhist-era dates and named blocks."""

from __future__ import annotations

from pathlib import Path

from jinja2_fragments.fastapi import Jinja2Blocks

from callcenter import topics
from callcenter.thaidate import format_date

templates = Jinja2Blocks(directory=str(Path(__file__).parent / "templates"))
templates.env.filters["be_date"] = format_date
# Pages name the SSE events they listen for from the bus contract ({{ topics.DISPATCH }}).
templates.env.globals["topics"] = topics
