"""Domain errors. They carry the field at fault, never a Qt message."""


class DomainError(Exception):
    """Base of errors a user can cause and fix."""


class NotFoundError(DomainError):
    """The thing asked for is not in the library."""

    def __init__(self, what: str, ident: object) -> None:
        super().__init__(f"no {what} with id {ident}")
        self.what = what
        self.ident = ident


class InvalidFieldError(DomainError):
    """A value does not fit its field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.reason = message
