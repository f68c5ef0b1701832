"""Errors raised by the Google Sheet batches library. No message ever holds the private key."""

from __future__ import annotations


class SheetError(Exception):
    """A transient failure: timeout, connection error, 429 quota, 5xx, or an unreadable answer."""


class SheetFormatError(SheetError):
    """The tab's contents do not have the expected layout (e.g. no `Vessel` header)."""


class SheetAuthError(Exception):
    """The service account was refused: bad or revoked key, token failure, 401, or 403."""


class SheetNotFoundError(Exception):
    """The spreadsheet does not exist (404, deleted or wrong id) or the tab is missing."""
