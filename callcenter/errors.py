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


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class Forbidden(DomainError):
    status_code = 403
    code = "forbidden"


class Conflict(DomainError):
    status_code = 409
    code = "conflict"


class InvalidTransition(Conflict):
    code = "invalid_transition"
