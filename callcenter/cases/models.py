"""Cases, the people on them, their calls, notes, status history, referrals and merges."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from callcenter.columns import enum_type
from callcenter.db import Base, utcnow
from callcenter.taxonomy import ChiCategory, GbvType, Gender, IssueArea, TargetGroup, Urgency


class CaseStatus(StrEnum):
    NEW = "new"
    SCREENING = "screening"
    REFERRED = "referred"
    DISPATCHED = "dispatched"
    FOLLOW_UP = "follow_up"
    CLOSED = "closed"


class ClosureOutcome(StrEnum):
    """How a case ended; chosen by the agent who closes it, counted in the reports."""

    RESOLVED = "resolved"            # helped; the problem is resolved
    REFERRED = "referred"            # referred, and the agency has taken it on
    HELP_DECLINED = "help_declined"  # the person wants no further help
    UNREACHABLE = "unreachable"      # no answer after the follow-up calls
    DUPLICATE = "duplicate"          # the same matter as another case
    PRANK = "prank"                  # a false report or abuse of the line


class Consent(StrEnum):
    GIVEN = "given"
    REFUSED = "refused"
    NOT_ASKED = "not_asked"


class LegalBasis(StrEnum):
    """Why the hotline may process the data (Thailand's PDPA, sections 24 and 26)."""

    CONSENT = "consent"
    VITAL_INTEREST = "vital_interest"
    LEGAL_OBLIGATION = "legal_obligation"
    PUBLIC_TASK = "public_task"


class PersonRole(StrEnum):
    VICTIM = "victim"
    REPORTER = "reporter"
    ALLEGED_PERPETRATOR = "alleged_perpetrator"
    CHILD = "child"                        # a child of the household, not the victim
    HOUSEHOLD_MEMBER = "household_member"  # another adult living with the victim


class Relationship(StrEnum):
    """What a person is to the victim: a closed list, so reports and search can count it."""

    PARENT = "parent"
    STEP_PARENT = "step_parent"
    SPOUSE = "spouse"            # spouse or partner living together
    EX_PARTNER = "ex_partner"
    CHILD = "child"
    SIBLING = "sibling"
    GRANDPARENT = "grandparent"
    RELATIVE = "relative"
    CAREGIVER = "caregiver"
    EMPLOYER = "employer"
    COLLEAGUE = "colleague"
    TEACHER = "teacher"
    NEIGHBOUR = "neighbour"
    ACQUAINTANCE = "acquaintance"
    STRANGER = "stranger"
    OTHER = "other"


class ReferralStatus(StrEnum):
    SENT = "sent"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    DONE = "done"          # the service was given
    REVOKED = "revoked"    # withdrawn by the hotline
    CLOSED = "closed"      # the hotline has checked the outcome and ends the referral


class AgencyType(StrEnum):
    POLICE = "police"
    HOSPITAL_OSCC = "hospital_oscc"
    SHELTER = "shelter"
    LABOUR_OFFICE = "labour_office"
    PROVINCIAL_OFFICE = "provincial_office"
    OTHER_HOTLINE = "other_hotline"
    NGO = "ngo"
    OTHER = "other"
    CHILDLINE = "childline"    # 1387, national
    EMS = "ems"                # 1669, national
    LEGAL_AID = "legal_aid"


class Channel(StrEnum):
    """How a report reached the hotline: the four channels of the 1300 centre, and LINE.
    Stored without a CHECK, as ``ContactChannel`` is (``callcenter.cases.channels``
    holds their rules)."""

    HOTLINE = "hotline"
    WALK_IN = "walk_in"
    WEBSITE = "website"
    APP = "app"
    LINE = "line"


class CaseSequence(Base):
    """The last case number given in a Buddhist-era year; numbers are never reused."""

    __tablename__ = "case_sequences"

    year_be: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_value: Mapped[int] = mapped_column(default=0)


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        UniqueConstraint("number"),
        UniqueConstraint("year_be", "sequence"),
        # One intake form opens at most one case, however often it is submitted.
        UniqueConstraint("intake_key"),
        Index("ix_cases_status_province", "status", "province_code"),
        # Report ranges read only their dates.
        Index("ix_cases_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # 1300-2569-000123: hotline, Buddhist-era year, sequence in that year.
    number: Mapped[str] = mapped_column(String(20))
    year_be: Mapped[int]
    sequence: Mapped[int]
    status: Mapped[CaseStatus] = mapped_column(
        enum_type(CaseStatus, "case_status"), default=CaseStatus.NEW
    )
    issue_area: Mapped[IssueArea | None] = mapped_column(enum_type(IssueArea, "issue_area"))
    chi_category: Mapped[ChiCategory | None] = mapped_column(
        enum_type(ChiCategory, "chi_category")
    )
    gbv_type: Mapped[GbvType | None] = mapped_column(enum_type(GbvType, "gbv_type"))
    urgency: Mapped[Urgency] = mapped_column(
        enum_type(Urgency, "urgency"), default=Urgency.NORMAL
    )
    # Answers of the short risk checklist, by question id.
    risk: Mapped[dict[str, bool]] = mapped_column(JSON, default=dict)
    target_group: Mapped[TargetGroup | None] = mapped_column(
        enum_type(TargetGroup, "target_group")
    )
    province_code: Mapped[str | None] = mapped_column(ForeignKey("provinces.code"))
    # Free text of cases opened before the place pickers; new cases carry the codes.
    district: Mapped[str | None] = mapped_column(String(120))
    district_code: Mapped[str | None] = mapped_column(String(4))
    subdistrict_code: Mapped[str | None] = mapped_column(String(6))
    postal_code: Mapped[str | None] = mapped_column(String(5))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    summary: Mapped[str] = mapped_column(Text, default="")
    consent: Mapped[Consent] = mapped_column(
        enum_type(Consent, "consent"), default=Consent.NOT_ASKED
    )
    legal_basis: Mapped[LegalBasis | None] = mapped_column(enum_type(LegalBasis, "legal_basis"))
    # Safe-contact flags, shown wherever a callback could be made.
    do_not_call_back: Mapped[bool] = mapped_column(default=False)
    call_window: Mapped[str | None] = mapped_column(String(120))
    withhold_caller_id: Mapped[bool] = mapped_column(default=False)

    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # The team that shares the case with its owner (callcenter.agents.teams), if any.
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    closed_at: Mapped[datetime | None]
    # Set while the case is closed; each closing's outcome stays on its status change.
    closure_outcome: Mapped[ClosureOutcome | None] = mapped_column(
        enum_type(ClosureOutcome, "closure_outcome"))
    # The idempotency key of the intake form (its draft) that opened the case.
    intake_key: Mapped[str | None] = mapped_column(String(64))
    # Where the report came in; rows older than channels are the hotline's (0029).
    channel: Mapped[Channel] = mapped_column(
        enum_type(Channel, "case_channel", checked=False), default=Channel.HOTLINE,
        server_default=Channel.HOTLINE.value)
    # A walk-in: the directory's centre where it was taken, and/or the place in words.
    walk_in_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    walk_in_place: Mapped[str | None] = mapped_column(String(200))
    # Raised by every reassignment (callcenter.cases.assignment): a reassign form drawn
    # before another one was saved is refused instead of undoing it.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    persons: Mapped[list[CasePerson]] = relationship(
        back_populates="case", cascade="all, delete-orphan"
    )


class CaseCall(Base):
    """A call that belongs to a case; a case may span many calls and a call many cases."""

    __tablename__ = "case_calls"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), primary_key=True, index=True)
    linked_at: Mapped[datetime] = mapped_column(default=utcnow)
    linked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class ContactChannel(StrEnum):
    """How a person reached the hotline about a case. Stored without a CHECK, so another
    intake channel is added here with no migration. A case's ``Channel`` maps onto these
    (``channels.CONTACT_OF``: the hotline's contact is a phone call)."""

    PHONE = "phone"
    WALK_IN = "walk_in"
    MESSAGE = "message"
    WEBSITE = "website"
    APP = "app"
    LINE = "line"


class CaseContact(Base):
    """One contact about a case: a call (through its ``case_calls`` link) or a walk-in or
    message recorded by hand; the case timeline lists them all."""

    __tablename__ = "case_contacts"
    __table_args__ = (
        # The same call is one contact of a case, however often it is attached.
        UniqueConstraint("case_id", "call_id"),
        # A phone contact is a call linked to the case: the link must exist, and a
        # merge that moves the link carries the contact with it.
        ForeignKeyConstraint(["case_id", "call_id"], ["case_calls.case_id", "case_calls.call_id"],
                             ondelete="CASCADE", onupdate="CASCADE"),
        Index("ix_case_contacts_case_id_occurred_at", "case_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    channel: Mapped[ContactChannel] = mapped_column(
        enum_type(ContactChannel, "contact_channel", checked=False))
    call_id: Mapped[int | None]
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    occurred_at: Mapped[datetime]
    # What the walk-in or message was about, in the worker's words (never logged).
    summary: Mapped[str | None] = mapped_column(String(500))
    # Empty for calls linked before contacts were recorded, where no one was named.
    attached_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    attached_at: Mapped[datetime] = mapped_column(default=utcnow)


class CasePerson(Base):
    """A person on a case (victim, reporter, alleged perpetrator, child or household
    member), as a social worker records them."""

    __tablename__ = "case_persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    role: Mapped[PersonRole] = mapped_column(enum_type(PersonRole, "person_role"))
    full_name: Mapped[str | None] = mapped_column(String(200))
    nickname: Mapped[str | None] = mapped_column(String(80))
    gender: Mapped[Gender] = mapped_column(enum_type(Gender, "gender"), default=Gender.UNKNOWN)
    age_years: Mapped[int | None]
    # Gregorian; often all a caller knows of a child ("born in 2560" on the Thai page).
    birth_year: Mapped[int | None]
    birth_date: Mapped[date | None]
    nationality: Mapped[str | None] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    language: Mapped[str | None] = mapped_column(String(8))
    phone: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(Text)
    # A ``Relationship`` code; rows written before the list may hold free text.
    relationship_to_victim: Mapped[str | None] = mapped_column(String(80))
    school_or_care: Mapped[str | None] = mapped_column(String(200))
    # The victim who is also the reporter: one person, counted once (as a victim).
    reporter_is_victim: Mapped[bool] = mapped_column(default=False)
    has_disability: Mapped[bool] = mapped_column(default=False)
    needs_interpreter: Mapped[bool] = mapped_column(default=False)
    # The 13-digit national ID is never stored: a keyed hash finds the same person
    # again, and the last four digits let a worker confirm it on the phone.
    national_id_digest: Mapped[str | None] = mapped_column(String(64), index=True)
    national_id_last4: Mapped[str | None] = mapped_column(String(4))
    notes: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship(back_populates="persons")


class CaseNote(Base):
    """A note on a case; append-only (the migration adds triggers that refuse changes)."""

    __tablename__ = "case_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CaseStatusChange(Base):
    __tablename__ = "case_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[CaseStatus | None] = mapped_column(enum_type(CaseStatus, "from_status"))
    to_status: Mapped[CaseStatus] = mapped_column(enum_type(CaseStatus, "to_status"))
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str | None] = mapped_column(String(300))
    # The outcome given when this change closed the case.
    outcome: Mapped[ClosureOutcome | None] = mapped_column(enum_type(ClosureOutcome, "outcome"))


class Referral(Base):
    """The case sent on to an agency responsible for a part of the help."""

    __tablename__ = "referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    agency_type: Mapped[AgencyType] = mapped_column(enum_type(AgencyType, "agency_type"))
    agency_name: Mapped[str] = mapped_column(String(200))
    status: Mapped[ReferralStatus] = mapped_column(
        enum_type(ReferralStatus, "referral_status"), default=ReferralStatus.SENT
    )
    reason: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_at: Mapped[datetime | None]
    responded_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The directory's agency; old rows have only the free-text type and name above.
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    # Who recorded the current status, and when.
    status_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status_at: Mapped[datetime | None]


class Agency(Base):
    """A partner agency of the referral network; province None means national (1387)."""

    __tablename__ = "agencies"
    __table_args__ = (Index("ix_agencies_type_province", "agency_type", "province_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name_th: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    agency_type: Mapped[AgencyType] = mapped_column(enum_type(AgencyType, "agency_type"))
    province_code: Mapped[str | None] = mapped_column(ForeignKey("provinces.code"))
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    services: Mapped[str] = mapped_column(Text, default="")
    hours: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(default=True)
    # Counts admin edits: a form drawn from an older version is refused (StaleEdit).
    version: Mapped[int] = mapped_column(default=1)


class ReferralTarget(Base):
    """How long an agency of a type has before its referral is overdue; admins edit it."""

    __tablename__ = "referral_targets"

    agency_type: Mapped[AgencyType] = mapped_column(
        enum_type(AgencyType, "agency_type"), primary_key=True)
    hours: Mapped[int]
    version: Mapped[int] = mapped_column(default=1)


class CaseDraft(Base):
    """An intake form as typed so far, saved while the call lasts.

    Its ``key`` is the idempotency key of the case it opens: a second tab, a reload or a
    double click submits the same draft and gets the same case back.
    """

    __tablename__ = "case_drafts"
    __table_args__ = (
        UniqueConstraint("key"),
        # One draft per agent and call, even when two tabs open it at the same moment.
        Index("uq_case_drafts_user_call", "user_id", "call_id", unique=True,
              postgresql_where=text("call_id IS NOT NULL"),
              sqlite_where=text("call_id IS NOT NULL")),
        Index("ix_case_drafts_updated_at", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id"))
    data: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    # Raised by every save: a tab that saves an older version learns another tab wrote.
    version: Mapped[int] = mapped_column(default=1)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ClosureState(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    SENT_BACK = "sent_back"


class ClosureRequest(Base):
    """An agent's close of a case that needs a supervisor's approval (see the policy).

    The case stays in its status while the request waits; approving closes it with the
    outcome asked for, sending back leaves it open with the supervisor's reason.
    """

    __tablename__ = "case_closure_requests"
    __table_args__ = (
        # One waiting request per case, even when two agents close it at the same moment.
        Index("uq_case_closure_requests_pending", "case_id", unique=True,
              postgresql_where=text("state = 'pending'"),
              sqlite_where=text("state = 'pending'")),
        Index("ix_case_closure_requests_state", "state", "requested_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    outcome: Mapped[ClosureOutcome] = mapped_column(enum_type(ClosureOutcome, "outcome"))
    reason: Mapped[str | None] = mapped_column(String(300))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    state: Mapped[ClosureState] = mapped_column(
        enum_type(ClosureState, "closure_state"), default=ClosureState.PENDING)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    decision_reason: Mapped[str | None] = mapped_column(String(300))
    # Two supervisors deciding at once: the second learns the first already did.
    version: Mapped[int] = mapped_column(default=1)
