"""The case workflow: which status may follow which. Pure."""

from collections.abc import Iterable

from callcenter.cases.models import CaseStatus as S
from callcenter.cases.models import ClosureOutcome, Consent, LegalBasis
from callcenter.cases.models import ReferralStatus as R
from callcenter.errors import DomainError, Forbidden, InvalidTransition
from callcenter.taxonomy import ChiCategory, GbvType, IssueArea, TargetGroup, Urgency

ALLOWED: dict[S, frozenset[S]] = {
    S.NEW: frozenset({S.SCREENING, S.CLOSED}),
    S.SCREENING: frozenset({S.REFERRED, S.DISPATCHED, S.FOLLOW_UP, S.CLOSED}),
    # A referred case may still need the rapid-response unit, and the reverse.
    S.REFERRED: frozenset({S.DISPATCHED, S.FOLLOW_UP, S.CLOSED}),
    S.DISPATCHED: frozenset({S.REFERRED, S.FOLLOW_UP, S.CLOSED}),
    S.FOLLOW_UP: frozenset({S.REFERRED, S.DISPATCHED, S.CLOSED}),
    # Reopening goes back to follow-up, with its reason on the timeline.
    S.CLOSED: frozenset({S.FOLLOW_UP}),
}


def can_move(current: S, target: S) -> bool:
    return target in ALLOWED[current]


def check_move(current: S, target: S) -> None:
    if not can_move(current, target):
        raise InvalidTransition(
            f"a case cannot go from {current.value} to {target.value}", field="status"
        )


def moves_by_hand(current: S) -> frozenset[S]:
    """The statuses the case file offers from ``current``."""
    return ALLOWED[current] - {S.DISPATCHED}


def check_move_by_hand(current: S, target: S) -> None:
    """A move an agent asks for on the case file; ``dispatched`` is not one of them.

    A case becomes dispatched only by sending it to a rapid-response unit (the dispatch
    service moves it), so the status can never claim a unit was sent when none was.
    """
    if target is S.DISPATCHED:
        raise InvalidTransition(
            "a case becomes dispatched by sending it to the rapid-response unit", field="status"
        )
    check_move(current, target)


def check_outcome(target: S, outcome: ClosureOutcome | None) -> None:
    """Closing a case names how it ended; no other move takes an outcome.

    A case closed without one could not be counted in the reports, and one click on the
    wrong status would end the follow-up of a person who still needs it.
    """
    if target is S.CLOSED and outcome is None:
        raise DomainError("choose the outcome of the case to close it", field="outcome")
    if target is not S.CLOSED and outcome is not None:
        raise DomainError("an outcome is given only when closing the case", field="outcome")


# --- closure approval ---------------------------------------------------------------------

# Cases whose closing a supervisor approves: a wrong close of these leaves a person in
# danger or a child without follow-up, so a second pair of eyes checks the outcome.
APPROVAL_URGENCIES = frozenset({Urgency.IMMEDIATE, Urgency.HIGH})
ADULT_AGE = 18
# Roles whose own close is final; the values of ``agents.models.Role`` (cases does not
# import agents' rules, only their names).
APPROVING_ROLES = frozenset({"supervisor", "admin"})
MAX_REASON = 300


def is_child_case(target_group: TargetGroup | None, victim_ages: Iterable[int | None]) -> bool:
    return target_group is TargetGroup.CHILD or any(
        age is not None and age < ADULT_AGE for age in victim_ages)


def needs_approval(*, urgency: Urgency, target_group: TargetGroup | None,
                   victim_ages: Iterable[int | None], closer_role: str) -> bool:
    """Whether an agent's close waits for a supervisor instead of closing the case.

    Supervisors and admins approve their own closing: a second approval would ask them
    to check themselves.
    """
    if closer_role in APPROVING_ROLES:
        return False
    return urgency in APPROVAL_URGENCIES or is_child_case(target_group, victim_ages)


def check_reason(reason: str | None, *, field: str = "reason") -> str:
    """Reopening and sending a closure back say why; the reason goes on the timeline."""
    text = (reason or "").strip()
    if not text:
        raise DomainError("give the reason", field=field)
    if len(text) > MAX_REASON:
        raise DomainError(f"the reason is at most {MAX_REASON} characters", field=field)
    return text


def check_may_decide(role: str) -> None:
    if role not in APPROVING_ROLES:
        raise Forbidden("only a supervisor approves or sends back a closure")


# --- intake rules that join several fields ------------------------------------------------

GBV_AREAS = frozenset({IssueArea.FAMILY_VIOLENCE, IssueArea.HUMAN_TRAFFICKING})


def check_intake(
    *, issue_area: IssueArea | None, target_group: TargetGroup | None,
    chi_category: ChiCategory | None, gbv_type: GbvType | None,
    consent: Consent, legal_basis: LegalBasis | None,
) -> None:
    """Refuse combinations DOMAIN.md rules out, naming the field to fix."""
    if chi_category is not None and target_group is not TargetGroup.CHILD:
        raise DomainError("a CHI category is recorded on child cases only", field="chi_category")
    if gbv_type is not None and issue_area not in GBV_AREAS:
        raise DomainError("a GBVIMS type is recorded on gender-based violence cases only",
                          field="gbv_type")
    if consent is Consent.GIVEN:
        return
    if legal_basis in (None, LegalBasis.CONSENT):
        # PDPA: without consent the hotline needs another lawful basis to keep the data.
        raise DomainError("without consent, give another legal basis", field="legal_basis")


# A case file holds at most this many persons (intake brings up to 20 of them).
MAX_PERSONS = 50


# --- referrals -----------------------------------------------------------------------------

REFERRAL_ALLOWED: dict[R, frozenset[R]] = {
    R.SENT: frozenset({R.ACCEPTED, R.REJECTED, R.REVOKED}),
    R.ACCEPTED: frozenset({R.DONE, R.REVOKED, R.CLOSED}),
    # The hotline closes a referral once it has checked what came of it.
    R.REJECTED: frozenset({R.CLOSED}),
    R.DONE: frozenset({R.CLOSED}),
    R.REVOKED: frozenset(),
    R.CLOSED: frozenset(),
}


def check_referral_move(current: R, target: R) -> None:
    if target not in REFERRAL_ALLOWED[current]:
        raise InvalidTransition(
            f"a referral cannot go from {current.value} to {target.value}", field="status"
        )
