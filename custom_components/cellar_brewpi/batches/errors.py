"""
Errors raised by the Google Sheet batches library: every one derives from `SheetError`.

No message ever holds the private key.

- `SheetUnavailableError` is transient (timeout, connection error, 429 quota, 5xx, a retryable
  token failure, an answer of an unexpected shape): the next call may succeed.
- `SheetAuthError` (the key or its access) and `SheetNotFoundError` (the spreadsheet or the tab)
  are not transient: the settings or the sheet's sharing must change.
- `SheetFormatError` is not transient either: the tab does not have the expected layout until
  someone fixes the sheet (a poll that keeps reading sees the fix).
"""

from __future__ import annotations


class SheetError(Exception):
    """Base class of the library's errors."""


class SheetUnavailableError(SheetError):
    """A transient failure: timeout, connection error, 429 quota, 5xx, or an unreadable answer."""


class SheetFormatError(SheetError):
    """The tab's contents do not have the expected layout (e.g. no `Vessel` header)."""


class SheetAuthError(SheetError):
    """The service account was refused: bad or revoked key, token failure, 401, or 403."""


class SheetNotFoundError(SheetError):
    """The spreadsheet does not exist (404, deleted or wrong id) or the tab is missing."""
