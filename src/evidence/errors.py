"""User-facing errors: one line, naming the file or field and the reason.

The CLI turns an `EvidenceError` into `error: <message>` on stderr and exit status 2; anything else is a bug.
"""


class EvidenceError(Exception):
    """A problem with the user's input or store, explained in one line."""

    def __init__(self, message: str, *, path: object | None = None):
        self.path = str(path) if path is not None else None
        super().__init__(f"{self.path}: {message}" if self.path else message)


class InputError(EvidenceError):
    """Bad input: a file, a value or an option the command cannot use."""


class NotFound(EvidenceError):
    """A campaign, unit, criterion or evidence record that does not exist."""


class StoreError(EvidenceError):
    """The store is missing, locked or inconsistent."""


class ReadError(EvidenceError):
    """A document could not be read (corrupt, encrypted, unsupported, too large...)."""


class DiskFull(StoreError):
    """The store's disk (or quota) is full: a batch stops here, nothing is half-written."""
