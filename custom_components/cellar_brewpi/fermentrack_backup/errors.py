"""The errors of reading a Fermentrack installation: one base, `BackupError`."""

from __future__ import annotations


class BackupError(Exception):
    """The file is not a Fermentrack backup this library can read (its message says why)."""


class BackupDamagedError(BackupError):
    """The file is a backup, but damaged or cut short."""


class BackupVersionError(BackupError):
    """A backup of a format version this library does not know."""
