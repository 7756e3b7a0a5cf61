"""A small reader for Asterisk's .conf syntax, enough for the checks in this folder.

Handles sections with templates (``[name](!)``, ``[name](tmpl1,tmpl2)``), ``key = value`` and
``key => value`` lines (a key may carry arguments: ``eventfilter(action(exclude)) =``), ``;``
comments (``\\;`` is a literal semicolon) and ``same =>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

CONF = Path(__file__).resolve().parents[2] / "asterisk_conf"

_SECTION = re.compile(r"^\[(?P<name>[^\]]+)\](?:\((?P<opts>[^)]*)\))?\s*$")
_ITEM = re.compile(
    r"^(?P<key>[A-Za-z0-9_.+-]+(?:\((?:[^()]|\([^()]*\))*\))?)\s*(?:=>|=)\s*(?P<value>.*)$"
)


class ConfError(Exception):
    pass


@dataclass
class Section:
    name: str
    line: int
    template: bool = False
    parents: list[str] = field(default_factory=list)
    items: list[tuple[str, str, int]] = field(default_factory=list)

    def get(self, key: str) -> str | None:
        values = [v for k, v, _ in self.items if k == key]
        return values[-1] if values else None

    def keys(self) -> list[str]:
        return [k for k, _, _ in self.items]


def strip_comment(line: str) -> str:
    out = []
    escaped = False
    for ch in line:
        if escaped:
            out.append(ch)
            escaped = False
        elif ch == "\\":
            out.append(ch)
            escaped = True
        elif ch == ";":
            break
        else:
            out.append(ch)
    return "".join(out).strip()


def parse(path: Path) -> list[Section]:
    sections: list[Section] = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = strip_comment(raw)
        if not line:
            continue
        header = _SECTION.match(line)
        if header:
            opts = [o.strip() for o in (header["opts"] or "").split(",") if o.strip()]
            sections.append(Section(
                header["name"].strip(), number, template="!" in opts,
                parents=[o for o in opts if o != "!"],
            ))
            continue
        item = _ITEM.match(line)
        if not item:
            raise ConfError(f"{path.name}:{number}: not a section or key = value line")
        if not sections:
            raise ConfError(f"{path.name}:{number}: setting before the first section")
        sections[-1].items.append((item["key"].lower(), item["value"].strip(), number))
    return sections


def lines(sections: list[Section], section: Section) -> list[tuple[str, str, int]]:
    """The lines of ``section`` in the order Asterisk keeps them.

    Asterisk copies a template's lines (its own templates' first) into a section when it
    reads the header, in the order the templates are named, so they come before the
    section's own lines (main/config.c, ast_category_inherit).
    """
    by_name = {s.name: s for s in sections if s.template}
    out: list[tuple[str, str, int]] = []
    for parent in section.parents:
        if parent not in by_name:
            raise ConfError(f"[{section.name}] uses unknown template {parent!r}")
        out.extend(lines(sections, by_name[parent]))
    return out + section.items


def effective(sections: list[Section], section: Section,
              first_wins: frozenset[str] = frozenset()) -> dict[str, str]:
    """Settings of ``section`` including those inherited from its templates.

    The last line of an option wins, as for a module that applies every line in turn;
    for the options in ``first_wins`` (those a module reads with ast_variable_retrieve,
    which in Asterisk 22 returns the first line of a section) the first one does.
    """
    values: dict[str, str] = {}
    for key, value, _ in lines(sections, section):
        if key in first_wins and key in values:
            continue
        values[key] = value
    return values


def set_more_than_once(sections: list[Section], section: Section,
                       keys: frozenset[str]) -> list[str]:
    """One complaint per option of ``keys`` that ``section`` gets from more than one line."""
    seen: dict[str, int] = {}
    complaints = []
    for key, _, number in lines(sections, section):
        if key not in keys:
            continue
        if key in seen:
            complaints.append(
                f"line {number}: [{section.name}] sets {key} again, but only the first line"
                f" (line {seen[key]}) counts")
        else:
            seen[key] = number
    return complaints


# --- queues.conf, as app_queue reads it -------------------------------------------------------

# app_queue (Asterisk 22, apps/app_queue.c) applies a queue's lines one by one
# (queue_set_param), so the last line of an option wins, except `strategy`: it is read once
# with ast_variable_retrieve before the other lines (reload_single_queue) and skipped by
# queue_set_param for a queue of queues.conf. ast_variable_retrieve returns the FIRST line of
# the section, and a template's lines come first: a template's strategy beats the queue's
# own. Every option of [general] is read the same way (queue_set_global_params).
QUEUE_FIRST_WINS = frozenset({"strategy"})


def app_queue_settings(path: Path = CONF / "queues.conf") -> dict[str, dict[str, str]]:
    """What app_queue makes of each queue (and [general]): queue name → option → value."""
    sections = parse(path)
    out = {}
    for section in sections:
        if section.template:
            continue
        first_wins = (frozenset(section.keys()) if section.name == "general"
                      else QUEUE_FIRST_WINS)
        out[section.name] = effective(sections, section, first_wins)
    return out


def check_first_wins(path: Path = CONF / "queues.conf") -> None:
    """Refuse a first-wins option set twice for one queue (a template and the queue itself,
    or two lines): the one a reader sees last is not the one app_queue uses."""
    sections = parse(path)
    complaints = []
    for section in sections:
        if section.template:
            continue
        keys = (frozenset(section.keys()) if section.name == "general"
                else QUEUE_FIRST_WINS)
        complaints += set_more_than_once(sections, section, keys)
    if complaints:
        raise ConfError(f"{path.name}: " + "; ".join(complaints))


# --- extensions.conf -------------------------------------------------------------------------

_VAR_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)")
_VAR_SET = re.compile(r"Set\((?:__|_)?([A-Za-z_][A-Za-z0-9_]*)=")
_AGI = re.compile(r"AGI\(\$\{IVR_URL\}/([A-Za-z0-9_-]+)")
_GOTO = re.compile(r"(?:Goto|Gosub)\(([^)]*)\)")
_GOTOIF = re.compile(r"GotoIf\(.*\?([^:)]+)(?::([^)]+))?\)\s*$")
_LABEL = re.compile(r"^(?:n|\d+)\(([A-Za-z0-9_-]+)\)")
_USER_EVENT = re.compile(r"UserEvent\(([A-Za-z0-9_]+)")


@dataclass
class Dialplan:
    contexts: dict[str, list[str]]  # context → extension names (in order)
    lines: dict[str, list[str]]  # context → application parts
    globals: dict[str, str]

    def text(self) -> str:
        return "\n".join(line for parts in self.lines.values() for line in parts)

    def variables(self) -> set[str]:
        text = self.text()
        return set(_VAR_REF.findall(text)) | set(_VAR_SET.findall(text))

    def read_in(self, context: str) -> set[str]:
        """Variables (and functions) ``${…}`` read by the lines of one context."""
        return set(_VAR_REF.findall("\n".join(self.lines[context])))

    def set_in(self, context: str) -> set[str]:
        return set(_VAR_SET.findall("\n".join(self.lines[context])))

    def user_events(self) -> set[str]:
        """The names of the UserEvents the dialplan sends."""
        return set(_USER_EVENT.findall(self.text()))

    def includes(self, context: str) -> set[str]:
        return {part.split(None, 1)[1].strip() for part in self.lines[context]
                if part.startswith("include ")}

    def extension_for(self, context: str, number: str) -> str | None:
        """The extension of ``context`` that ``number`` would run (exact name or pattern)."""
        for name in self.contexts[context]:
            if name == number or (name.startswith("_") and pattern_matches(name, number)):
                return name
        for included in self.includes(context):
            found = self.extension_for(included, number)
            if found is not None:
                return found
        return None

    def agi_scripts(self) -> set[str]:
        return set(_AGI.findall(self.text()))

    def jumps(self) -> list[tuple[str, str]]:
        """(context the jump is in, its target argument) for every Goto/Gosub/GotoIf."""
        out = []
        for context, parts in self.lines.items():
            for part in parts:
                for target in _GOTO.findall(part):
                    out.append((context, target))
                conditional = _GOTOIF.search(part)
                if conditional:
                    out.extend((context, t) for t in conditional.groups() if t)
        return out

    def labels(self, context: str) -> set[str]:
        return {m.group(1) for part in self.lines[context] if (m := _LABEL.match(part))}


def dialplan(path: Path = CONF / "extensions.conf") -> Dialplan:
    contexts: dict[str, list[str]] = {}
    lines: dict[str, list[str]] = {}
    globals_: dict[str, str] = {}
    for section in parse(path):
        if section.name == "general":
            continue
        if section.name == "globals":
            globals_ = {k.upper(): v for k, v, _ in section.items}
            continue
        contexts[section.name] = []
        lines[section.name] = []
        for key, value, number in section.items:
            if key == "exten":
                name, _, rest = value.partition(",")
                contexts[section.name].append(name.strip())
                lines[section.name].append(rest)
            elif key == "same":
                lines[section.name].append(value)
            elif key == "include":
                lines[section.name].append(f"include {value}")
            else:
                raise ConfError(f"extensions.conf:{number}: unexpected {key!r}")
    return Dialplan(contexts, lines, globals_)


_PATTERN_CLASSES = {"X": "[0-9]", "Z": "[1-9]", "N": "[2-9]", ".": ".+", "!": ".*"}


def pattern_matches(pattern: str, number: str) -> bool:
    """Whether an extension pattern (``_0X.``, ``_+66X.``, ``_age[n]t.``) matches ``number``.

    X, Z and N are digit classes in either case, ``[…]`` a character class, ``.`` one or
    more characters, ``!`` zero or more; ``-`` is ignored, as Asterisk ignores it (only
    for readability, ``_0X-XXX``); anything else is literal.
    """
    regex = []
    i = 1  # after the leading "_"
    while i < len(pattern):
        ch = pattern[i]
        if ch == "[":
            end = pattern.index("]", i)
            regex.append(f"[{re.escape(pattern[i + 1:end]).replace(chr(92) + '-', '-')}]")
            i = end + 1
            continue
        if ch != "-":
            regex.append(_PATTERN_CLASSES.get(ch.upper(), re.escape(ch)))
        i += 1
    return re.fullmatch("".join(regex), number) is not None
