"""A LINE conversation becomes a case, or joins one, as a call or a web report does.

Opening: a case of channel LINE (its opening contact is a LINE contact), the urgency
immediate when the person chose "in danger now", the conversation linked to it; its
transcript, pictures and locations then show on the case's timeline. Attaching: the
conversation linked to a case the agent may read (the caller checks need to know),
recorded as a LINE contact of that case. Takes the session, never commits; audited with
ids only.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from callcenter import audit
from callcenter.cases import contacts
from callcenter.cases import service as cases
from callcenter.cases.models import Case, Channel, ContactChannel
from callcenter.chat import desk, policy
from callcenter.chat.models import Conversation
from callcenter.errors import Conflict
from callcenter.taxonomy import IssueArea, Urgency

# The summary a case starts with: the agent writes the matter in their own words.
SUMMARY = "รับแจ้งทาง LINE (ดูบทสนทนาในไทม์ไลน์)"


def _check_unlinked(conversation: Conversation) -> None:
    if conversation.case_id is not None:
        raise Conflict("this conversation is on a case already", field="case_id")


def _issue_area(topic: str | None) -> IssueArea | None:
    """The topic the person chose, when it is one of the ministry's issue areas."""
    try:
        return IssueArea(topic) if topic else None
    except ValueError:
        return None


def open_case(session: Session, conversation: Conversation, viewer: desk.Viewer) -> Case:
    desk.check_writable(conversation, viewer)
    _check_unlinked(conversation)
    urgent = conversation.topic == policy.URGENT
    fields: dict[str, object] = {
        "summary": SUMMARY,
        "urgency": Urgency.IMMEDIATE if urgent else Urgency.NORMAL,
        "risk": {"in_danger_now": True} if urgent else {},
    }
    area = _issue_area(conversation.topic)
    if area is not None:
        fields["issue_area"] = area
    case = cases.open_case(session, created_by_id=viewer.id, channel=Channel.LINE, **fields)
    _link(session, conversation, case, viewer, "open_case")
    return case


def attach(session: Session, conversation: Conversation, case: Case,
           viewer: desk.Viewer) -> Conversation:
    """Link the conversation to ``case``, which the caller has checked the agent may read."""
    desk.check_writable(conversation, viewer)
    _check_unlinked(conversation)
    contacts.record_attached_report(session, case, channel=ContactChannel.LINE,
                                    occurred_at=conversation.created_at, actor_id=viewer.id)
    _link(session, conversation, case, viewer, "attach")
    return conversation


def _link(session: Session, conversation: Conversation, case: Case, viewer: desk.Viewer,
          action: str) -> None:
    conversation.case_id = case.id
    session.flush()
    audit.record(session, actor_id=viewer.id, action=f"chat.{action}",
                 entity_type=desk.ENTITY, entity_id=conversation.id,
                 changes={"case_id": [None, case.id]})


def case_number(session: Session, case_id: int | None) -> str | None:
    """The number of the case a conversation went to (its page links it)."""
    return None if case_id is None else cases.get(session, case_id).number
