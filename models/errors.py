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


class StorageError(DomainError):
    """The library cannot take a write (or a read) now; ``reason`` says why in a word.

    Raised at the store boundary in place of SQLAlchemy's errors, so services,
    undo commands and views handle one domain error. ``reason`` is one of
    :data:`STORAGE_REASONS`; ``retry`` is True when waiting may help (a lock).
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message

    @property
    def retry(self) -> bool:
        return self.reason == "locked"


#: Why a write could not happen: another process holds the lock; the library
#: file was deleted or moved; the disk is full; the medium is read-only; the
#: library was made by a newer Debrief; anything else the database said.
STORAGE_REASONS = ("locked", "missing", "full", "read-only", "newer", "other")
