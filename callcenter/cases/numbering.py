"""Case numbers: 1300-<Buddhist-era year>-<six-digit sequence>. Pure formatting."""

import re

PREFIX = "1300"
_PATTERN = re.compile(r"^1300-(\d{4})-(\d{6})$")


def format_number(year_be: int, sequence: int) -> str:
    if not 1 <= sequence <= 999_999:
        raise ValueError("sequence out of range")
    return f"{PREFIX}-{year_be:04d}-{sequence:06d}"


def parse_number(text: str) -> tuple[int, int]:
    match = _PATTERN.match(text.strip())
    if not match:
        raise ValueError("a case number looks like 1300-2569-000123")
    return int(match.group(1)), int(match.group(2))
