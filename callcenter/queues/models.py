"""Asterisk queues as the console and the reports know them."""

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from callcenter.columns import enum_type
from callcenter.db import Base
from callcenter.queues import catalog
from callcenter.taxonomy import IssueArea, Language


class Queue(Base):
    __tablename__ = "queues"
    __table_args__ = (UniqueConstraint("name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The name in queues.conf and in AMI events.
    name: Mapped[str] = mapped_column(String(64))
    label_th: Mapped[str] = mapped_column(String(120))
    label_en: Mapped[str] = mapped_column(String(120))
    issue_area: Mapped[IssueArea | None] = mapped_column(enum_type(IssueArea, "issue_area"))
    language: Mapped[Language] = mapped_column(enum_type(Language, "language"))
    priority: Mapped[int] = mapped_column(default=0)
    # Answered within this many seconds counts toward the service level.
    service_level_seconds: Mapped[int] = mapped_column(default=20)
    active: Mapped[bool] = mapped_column(default=True)
    # The wallboard's rules for the queue (stats.QueueSettings), edited by admins:
    # percentages of calls answered within service_level_seconds, and waits in seconds.
    service_level_target: Mapped[int] = mapped_column(default=catalog.SERVICE_LEVEL_TARGET)
    service_level_warn: Mapped[int] = mapped_column(default=catalog.SERVICE_LEVEL_WARN)
    service_level_min_calls: Mapped[int] = mapped_column(
        default=catalog.SERVICE_LEVEL_MIN_CALLS)
    wait_warn_seconds: Mapped[int] = mapped_column(default=catalog.WAIT_WARN_SECONDS)
    wait_alarm_seconds: Mapped[int] = mapped_column(default=catalog.WAIT_ALARM_SECONDS)
    # After a call from this queue the agent stays paused ("wrap_up") until the call has
    # a disposition or a case (callcenter.calls.wrap_up); off: Asterisk's wrapuptime only.
    wrap_up_required: Mapped[bool] = mapped_column(default=False)
    # Counts admin edits: a form drawn from an older version is refused (StaleEdit).
    version: Mapped[int] = mapped_column(default=1)
