"""The one error hierarchy. Each error carries its exit code; ``cli.main`` turns it into
a single ``Error: ...`` line on stderr (see ``cli.run``)."""

from __future__ import annotations


class NomadspotError(Exception):
    """Base of every error a user can cause. Never shown as a traceback."""

    exit_code: int = 2

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class NotFoundError(NomadspotError):
    """A place reference matched nothing (exit 1)."""

    exit_code = 1


class NoResultError(NomadspotError):
    """The command ran fine but nothing matched (exit 1)."""

    exit_code = 1


class UsageError(NomadspotError):
    """Bad usage or bad input: time, opening_hours, ambiguous reference, import file (exit 2)."""

    exit_code = 2


class CatalogueError(NomadspotError):
    """The catalogue cannot be read, is invalid, is too new, is locked or cannot be written
    (exit 3). The file on disk is left as it was."""

    exit_code = 3


class LockError(CatalogueError):
    """Another live process holds the catalogue lock for too long."""


class WriteError(CatalogueError):
    """Writing the catalogue failed (disk full, read-only, permission)."""


class OutputError(NomadspotError):
    """stdout cannot be written (disk full, closed): exit 3, as a failed write is. What the
    command saved before stays saved, and the message says so."""

    exit_code = 3
