"""Every mapped model, imported once so that metadata and mappers are complete."""

from callcenter.agents.models import (
    AgentSkill,
    AgentStateChange,
    ConsoleSession,
    PauseReason,
    Role,
    SignInFailures,
    User,
)
from callcenter.audit import AuditEvent
from callcenter.calls.guest_models import CallGuest, Interpreter
from callcenter.calls.handover_models import CallHandover
from callcenter.calls.models import Call, CallbackRequest, CallOutcome, DispositionOption
from callcenter.cases.follow_up_models import FollowUpReminder, FollowUpTask
from callcenter.cases.models import (
    Case,
    CaseCall,
    CaseDraft,
    CaseNote,
    CasePerson,
    CaseSequence,
    CaseStatus,
    CaseStatusChange,
    Referral,
)
from callcenter.cases.work_models import CaseAccessGrant, CaseAssignment, CaseMerge
from callcenter.chat.models import (
    CannedReply,
    ChatCapacity,
    ChatMessage,
    Conversation,
    LineWebhookEvent,
)
from callcenter.db import Base
from callcenter.dispatch.models import Alert, AlertAttempt, Dispatch, DispatchEvent
from callcenter.intake.models import PublicReport, ReportAddition
from callcenter.phones.models import PsAor, PsAuth, PsEndpoint
from callcenter.provinces.models import CentreLine, Province, ResponseUnit, UnitContact
from callcenter.queues.models import Queue

__all__ = [
    "AgentSkill",
    "AgentStateChange",
    "Alert",
    "AlertAttempt",
    "AuditEvent",
    "Base",
    "Call",
    "CallGuest",
    "CallHandover",
    "CallOutcome",
    "CallbackRequest",
    "CannedReply",
    "Case",
    "CaseAccessGrant",
    "CaseAssignment",
    "CaseCall",
    "CaseDraft",
    "CaseMerge",
    "CaseNote",
    "CasePerson",
    "CaseSequence",
    "CaseStatus",
    "CaseStatusChange",
    "CentreLine",
    "ChatCapacity",
    "ChatMessage",
    "ConsoleSession",
    "Conversation",
    "Dispatch",
    "DispatchEvent",
    "DispositionOption",
    "FollowUpReminder",
    "FollowUpTask",
    "Interpreter",
    "LineWebhookEvent",
    "PauseReason",
    "Province",
    "PsAor",
    "PsAuth",
    "PsEndpoint",
    "PublicReport",
    "Queue",
    "Referral",
    "ReportAddition",
    "ResponseUnit",
    "Role",
    "SignInFailures",
    "UnitContact",
    "User",
]
