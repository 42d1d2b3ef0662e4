"""Errors raised by the registry. Every message is Chinese because users read it."""

from __future__ import annotations


class RegistryError(Exception):
    """Base class of registry errors."""


class InvalidCodeError(RegistryError, ValueError):
    """Raised when a unit, station, household or device code breaks the code rule."""


class RegistryValidationError(RegistryError, ValueError):
    """Raised when a value is missing, out of range or inconsistent with related rows."""


class NotFoundError(RegistryError, LookupError):
    """Raised when a row looked up by code or id does not exist."""


class ConflictError(RegistryError):
    """Raised when a create would duplicate a code, or a delete would orphan related rows."""


class FrozenResultError(RegistryError):
    """Raised when code tries to overwrite or delete a frozen annual result."""


class EntryStateError(RegistryError):
    """Raised when a manual entry is changed in a status that does not allow it."""


class ImportFileError(RegistryError):
    """Raised when an import file cannot be read at all: format, encoding or header row."""
