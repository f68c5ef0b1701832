"""
Blocking client of the production sheet.

It uses gspread's HTTP client (requests through google-auth's `AuthorizedSession`). Every call
blocks, so Home Assistant runs it in the executor.

Bounds: every HTTP request carries `timeout` (gspread's own default is none). Nothing here
retries; the caller's next poll is the retry. The only repeats are google-auth's: at most 3 tries
of the token endpoint on 429/5xx (about 1 s and 2 s apart), and at most 2 token refreshes when the
API answers 401. google-auth's background Regional Access Boundary lookup is turned off (see
`_Credentials`), so no thread outlives a call.
"""

from __future__ import annotations

import logging
import threading
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from google.auth.exceptions import GoogleAuthError, RefreshError, TransportError
from google.oauth2.service_account import Credentials
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient
from gspread.utils import absolute_range_name

from .errors import (
    SheetAuthError,
    SheetError,
    SheetFormatError,
    SheetNotFoundError,
    SheetUnavailableError,
)
from .models import Batch, SheetSettings, batches_from_rows

if TYPE_CHECKING:
    from collections.abc import Callable

_LOGGER = logging.getLogger(__name__)

SCOPES = ["https://www.googleapis.com/auth/spreadsheets.readonly"]
"""Read-only access to spreadsheets is all the library needs."""

DEFAULT_TIMEOUT = 10.0
"""Seconds each HTTP request may wait for the server (connect, then each read)."""

REQUIRED_KEY_FIELDS = ("client_email", "private_key", "token_uri")
"""The service-account JSON fields google-auth needs."""

_MESSAGE_LIMIT = 200


class _Credentials(Credentials):
    """
    Service-account credentials without google-auth's Regional Access Boundary lookup.

    In google-auth 2.62 every token refresh also starts a daemon thread that asks
    `iamcredentials.googleapis.com` for the account's allowed locations: with no timeout and up
    to 6 tries. A read-only Sheets call does not need that header; skipping the lookup keeps
    every request of this library in the calling thread and under `timeout`.
    """

    def _is_regional_access_boundary_lookup_required(self) -> bool:
        return False


def _short(text: object) -> str:
    """Collapse blanks and cut a server's message to a loggable length."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= _MESSAGE_LIMIT else f"{flat[:_MESSAGE_LIMIT]}…"


def _api_error(err: APIError, what: str) -> SheetError:
    """Map a Sheets API error answer to the library's errors."""
    status = err.response.status_code
    message = err.error.get("message")
    # gspread's stand-in for a body that is not JSON has code -1 and the body as message.
    reason = "(not JSON)" if err.code == -1 else str(err.error.get("status") or "")
    text = f"{what}: Google Sheets answered {status}{f' {reason}' if reason else ''}"
    if message:
        text = f"{text}: {_short(message)}"
    if reason == "RESOURCE_EXHAUSTED" or status == HTTPStatus.TOO_MANY_REQUESTS:
        return SheetUnavailableError(text)
    if status in {HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN}:
        return SheetAuthError(text)
    if status == HTTPStatus.NOT_FOUND:
        return SheetNotFoundError(text)
    if status == HTTPStatus.BAD_REQUEST and "unable to parse range" in str(message).casefold():
        # What values.get answers for a tab that does not exist.
        return SheetNotFoundError(text)
    return SheetUnavailableError(text)


def _rows(answer: Any) -> list[list[str]]:
    """The `values` of a values.get answer, every cell as text (absent when the range is empty)."""
    values = answer.get("values", []) if isinstance(answer, dict) else None
    if not isinstance(values, list) or not all(isinstance(row, list) for row in values):
        raise SheetFormatError("Google Sheets answered values.get without a list of rows")
    return [["" if cell is None else str(cell) for cell in row] for row in values]


class BatchSheet:
    """
    The batches of one tab of one spreadsheet, read with a service account.

    The token is requested from the key's `token_uri`; the Sheets API is gspread's. One instance
    keeps one HTTP session and reuses the access token until it expires; `close()` releases the
    session.
    """

    def __init__(self, settings: SheetSettings, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        """Remember the settings; nothing is parsed or sent until the first call."""
        self._settings = settings
        self._timeout = timeout
        self._http: HTTPClient | None = None
        self._lock = threading.Lock()
        self._malformed_rows: tuple[int, ...] = ()

    def __repr__(self) -> str:
        """Name the sheet and the tab; never the key."""
        return f"BatchSheet({self._settings!r})"

    @property
    def settings(self) -> SheetSettings:
        """The sheet read."""
        return self._settings

    @property
    def malformed_rows(self) -> tuple[int, ...]:
        """Row numbers whose `Date Brewed` did not parse, as of the last `read()`."""
        return self._malformed_rows

    def read(self) -> dict[str, Batch]:
        """
        Read the whole tab with one values.get and return its batches by vessel label.

        Malformed rows are kept in `malformed_rows` (and logged when they change).
        Raises `SheetUnavailableError` (transient), `SheetFormatError`, `SheetAuthError` or
        `SheetNotFoundError`, all of them `SheetError`s.
        """
        rows = self._values(absolute_range_name(self._settings.tab))
        batches, malformed = batches_from_rows(rows)
        if malformed and tuple(malformed) != self._malformed_rows:
            _LOGGER.warning(
                "Batch sheet tab %r: Date Brewed does not parse in rows %s",
                self._settings.tab,
                ", ".join(map(str, malformed)),
            )
        self._malformed_rows = tuple(malformed)
        return batches

    def check(self) -> None:
        """
        Check the settings live, for the config flow.

        The spreadsheet must open, the tab exist and its header row have a `Vessel` column.
        Raises like `read()`.
        """
        sheet_id = self._settings.sheet_id
        tab = self._settings.tab
        metadata = self._call(
            "open the spreadsheet",
            lambda http: http.fetch_sheet_metadata(
                sheet_id, params={"includeGridData": "false", "fields": "sheets.properties.title"}
            ),
        )
        try:
            titles = [sheet["properties"]["title"] for sheet in metadata.get("sheets", [])]
        except (AttributeError, KeyError, TypeError) as err:
            raise SheetFormatError("Google Sheets answered without a list of tabs") from err
        if tab not in titles:
            raise SheetNotFoundError(
                f"the spreadsheet has no tab {tab!r} (tabs: {', '.join(map(repr, titles))})"
            )
        batches_from_rows(self._values(absolute_range_name(tab, "1:1")))

    def close(self) -> None:
        """Close the HTTP session (the next call opens a new one)."""
        with self._lock:
            if self._http is not None:
                self._http.session.close()
                self._http = None

    def _values(self, range_name: str) -> list[list[str]]:
        sheet_id = self._settings.sheet_id
        answer = self._call(
            "read the tab",
            lambda http: http.values_get(
                sheet_id,
                range_name,
                params={"majorDimension": "ROWS", "valueRenderOption": "FORMATTED_VALUE"},
            ),
        )
        return _rows(answer)

    def _client(self) -> HTTPClient:
        if self._http is not None:
            return self._http
        info = dict(self._settings.service_account)
        if missing := [name for name in REQUIRED_KEY_FIELDS if not info.get(name)]:
            raise SheetAuthError(f"the service account key lacks {', '.join(missing)}")
        try:
            credentials = _Credentials.from_service_account_info(info, scopes=SCOPES)  # type: ignore[no-untyped-call]
        except GoogleAuthError, ValueError, TypeError, KeyError, IndexError:
            # The cause may quote the key: keep it out of the error and its traceback.
            raise SheetAuthError("the service account key is not valid") from None
        http = HTTPClient(credentials)
        http.set_timeout(self._timeout)
        self._http = http
        return http

    def _call(self, what: str, request: Callable[[HTTPClient], Any]) -> Any:
        """Run one gspread request, translating every failure to the library's errors."""
        with self._lock:
            http = self._client()
            try:
                return request(http)
            except APIError as err:
                raise _api_error(err, what) from err
            except RefreshError as err:
                message = (
                    f"{what}: the token request failed: {_short(err.args[0] if err.args else err)}"
                )
                if err.retryable:
                    raise SheetUnavailableError(message) from err
                raise SheetAuthError(message) from err
            except TransportError as err:
                raise SheetUnavailableError(
                    f"{what}: the token request failed: {_short(err)}"
                ) from err
            except GoogleAuthError as err:
                raise SheetAuthError(f"{what}: {_short(err)}") from err
            except OSError as err:  # requests' errors: timeouts, refused connections, TLS
                raise SheetUnavailableError(f"{what}: {type(err).__name__}: {_short(err)}") from err
            except (ValueError, KeyError, TypeError) as err:  # an answer of an unexpected shape
                raise SheetUnavailableError(
                    f"{what}: unexpected answer ({type(err).__name__})"
                ) from err
