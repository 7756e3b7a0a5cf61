"""The lists staff pick from, as the admin pages and the API name them.

``/admin/lists/{list_name}/…`` takes ``pause-reasons``, ``dispositions`` or
``canned-replies`` (the chat desk's replies; the API has ``/api/admin/pause-reasons`` and
``/api/admin/dispositions``); each has its service
(same functions: ``everything``, ``add``, ``update``, ``move``) and its title on the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

from callcenter.agents import pause_reasons
from callcenter.calls import dispositions
from callcenter.chat import canned_replies
from callcenter.errors import NotFound


@dataclass(frozen=True, slots=True)
class Kind:
    name: str  # in paths
    service: ModuleType
    title_key: str
    help_key: str

    @property
    def locked(self) -> frozenset[str]:
        """Codes the system relies on: they stay active."""
        return self.service.LOCKED


PAUSE_REASONS = Kind("pause-reasons", pause_reasons, "lists.pause_reasons",
                     "lists.pause_reasons.help")
DISPOSITIONS = Kind("dispositions", dispositions, "lists.dispositions",
                    "lists.dispositions.help")
CANNED_REPLIES = Kind("canned-replies", canned_replies, "chatdesk.lists.canned_replies",
                      "chatdesk.lists.canned_replies.help")
KINDS = (PAUSE_REASONS, DISPOSITIONS, CANNED_REPLIES)
BY_NAME = {kind.name: kind for kind in KINDS}


def kind_of(name: str) -> Kind:
    kind = BY_NAME.get(name)
    if kind is None:
        raise NotFound("no such list")
    return kind
