"""Domain errors: what went wrong and the status a web boundary should answer.

Services raise these; FastAPI and job code translate them. Messages never contain a
person's data: they name records by id.
"""


class DomainError(Exception):
    status_code = 400
    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(DomainError):
    """A form's value that cannot be used as given (a date that is no date, a range that
    ends before it starts): 422, as the request's own validation answers."""

    status_code = 422


class RecordedRefusal(DomainError):
    """A refusal that leaves a record: what was written before it was raised (a wrong
    code counted toward a lockout, its audit event) is committed, not rolled back.
    Raised only before an action has written anything of its own (a route's checks)."""

    status_code = 403
    code = "forbidden"


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class Forbidden(DomainError):
    status_code = 403
    code = "forbidden"


class Conflict(DomainError):
    status_code = 409
    code = "conflict"


class StaleEdit(Conflict):
    """The record was saved by someone else after this form was drawn (its ``version``
    moved on): 409, naming each field whose stored value now differs from what this edit
    would save, with the stored value (staff and reference data only)."""

    code = "stale_edit"

    def __init__(self, message: str = "someone else saved this record after you opened it; "
                 "reload to see their changes", *, changed: dict[str, object]) -> None:
        super().__init__(message)
        self.changed = changed


class InvalidTransition(Conflict):
    code = "invalid_transition"
