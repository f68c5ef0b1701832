"""`BatchSheet` against a local stand-in for Google's token endpoint and Sheets API (R17)."""

from __future__ import annotations

import logging
import re
import socket
import threading
import time
import traceback
from collections.abc import Callable
from datetime import date

import gspread.urls
import pytest
import requests_mock
from google.auth.exceptions import GoogleAuthError
from google.auth.transport.requests import AuthorizedSession
from google.oauth2.service_account import Credentials

from custom_components.cellar_brewpi.batches import (
    SheetAuthError,
    SheetError,
    SheetFormatError,
    SheetNotFoundError,
    SheetSettings,
    SheetUnavailableError,
)
from custom_components.cellar_brewpi.batches.client import DEFAULT_TIMEOUT, BatchSheet
from scripts.stand_ins.google_sheets import (
    CLIENT_EMAIL,
    GOOGLE_TOKEN_URI,
    HEADER,
    JWT_GRANT,
    KEY_ID,
    READONLY_SCOPE,
    ROWS,
    SHEET_ID,
    TAB,
    FakeGoogle,
    ServiceAccount,
    api_error,
    reroute_sheets_api,
)

SheetFactory = Callable[..., BatchSheet]
NOT_A_KEY = "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n"


def _no_key_in(err: BaseException, account: ServiceAccount) -> None:
    """Neither the error nor anything in its traceback chain quotes the private key."""
    text = "".join(traceback.format_exception(err)) + repr(err)
    for line in account.pem_lines:
        assert line not in text


def _threads() -> set[threading.Thread]:
    """Running threads, less the fake server's own request threads (they may still be closing)."""
    return {t for t in threading.enumerate() if "process_request_thread" not in t.name}


def test_read(google: FakeGoogle, sheet: BatchSheet) -> None:
    threads = _threads()
    batches = sheet.read()
    assert _threads() == threads  # no background token or boundary lookups
    assert set(batches) == {"FV 10/1", "FV 10/2", "BBT 3"}
    hazy = batches["FV 10/1"]
    assert (hazy.beer, hazy.batch_number, hazy.row) == ("Hazy", "90", 2)
    assert hazy.date_brewed == date(2020, 10, 20)
    assert hazy.days_in_vessel(date(2020, 10, 30)) == 10
    assert batches["FV 10/2"].split == "A"
    assert batches["BBT 3"].date_brewed is None
    assert sheet.malformed_rows == (6,)

    token, values = google.seen
    assert token.method == "POST"
    assert token.path == "/token"
    assert values.method == "GET"
    assert values.path == f"/v4/spreadsheets/{SHEET_ID}/values/'{TAB}'"
    assert values.query == {"majorDimension": ["ROWS"], "valueRenderOption": ["FORMATTED_VALUE"]}
    access_token = values.headers["authorization"].removeprefix("Bearer ")
    claims = google.tokens[access_token]
    assert claims["iss"] == CLIENT_EMAIL
    assert claims["scope"] == READONLY_SCOPE
    assert claims["aud"] == GOOGLE_TOKEN_URI
    assert JWT_GRANT.replace(":", "%3A") in token.body.decode()

    # The token is reused: one more request, no new token.
    assert sheet.read() == batches
    assert len(google.token_requests) == 1
    assert len(google.api_requests) == 2


def test_read_reports_malformed_rows_once(
    google: FakeGoogle, sheet: BatchSheet, caplog: pytest.LogCaptureFixture
) -> None:
    google.sheets[SHEET_ID][TAB] = [
        HEADER,
        ["1", "", "Good", "9/30/2020", "", "FV 1"],
        ["2", "", "Typo", "9/31/2020", "", "FV 2"],
        ["3", "", "Text", "next week"],
    ]
    with caplog.at_level(logging.WARNING):
        batches = sheet.read()
        sheet.read()
    assert sheet.malformed_rows == (3, 4)
    assert batches["FV 2"].date_brewed is None
    warnings = [record for record in caplog.records if record.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "rows 3, 4" in warnings[0].getMessage()

    google.sheets[SHEET_ID][TAB] = [HEADER, ["1", "", "Good", "9/30/2020", "", "FV 1"]]
    sheet.read()
    assert sheet.malformed_rows == ()


def test_read_empty_tab_and_no_vessel_column(
    google: FakeGoogle, sheet_factory: SheetFactory
) -> None:
    with pytest.raises(SheetFormatError, match="'Vessel'"):
        sheet_factory(google, tab="Other").read()  # an empty tab: values.get has no `values`
    google.sheets[SHEET_ID][TAB] = [["Batch #", "Beer"], ["1", "x"]]
    with pytest.raises(SheetFormatError, match="'Vessel'"):
        sheet_factory(google).read()


def test_check(google: FakeGoogle, sheet: BatchSheet) -> None:
    sheet.check()
    metadata, header = google.api_requests
    assert metadata.path == f"/v4/spreadsheets/{SHEET_ID}"
    assert metadata.query == {
        "includeGridData": ["false"],
        "fields": ["sheets.properties.title"],
    }
    assert header.path == f"/v4/spreadsheets/{SHEET_ID}/values/'{TAB}'!1:1"


def test_check_missing_tab(google: FakeGoogle, sheet_factory: SheetFactory) -> None:
    with pytest.raises(SheetNotFoundError, match=r"no tab 'Main'.*'Production 2020', 'Other'"):
        sheet_factory(google, tab="Main").check()
    assert len(google.api_requests) == 1


def test_check_no_vessel_column(google: FakeGoogle, sheet: BatchSheet) -> None:
    google.sheets[SHEET_ID][TAB] = [["Batch #", "Beer", "Tank"]]
    with pytest.raises(SheetFormatError, match="'Vessel'"):
        sheet.check()


def test_tab_with_quote_in_its_name(google: FakeGoogle, sheet_factory: SheetFactory) -> None:
    google.sheets[SHEET_ID]["Bob's batches"] = [["Vessel", "Beer"], ["FV 1", "Bob's"]]
    sheet = sheet_factory(google, tab="Bob's batches")
    sheet.check()
    assert sheet.read()["FV 1"].beer == "Bob's"
    assert google.api_requests[-1].path.endswith("/values/'Bob''s batches'")


def test_read_missing_tab(google: FakeGoogle, sheet_factory: SheetFactory) -> None:
    with pytest.raises(SheetNotFoundError, match="400 INVALID_ARGUMENT: Unable to parse range"):
        sheet_factory(google, tab="Gone").read()


def test_sheet_deleted(google: FakeGoogle, sheet_factory: SheetFactory) -> None:
    sheet = sheet_factory(google, sheet_id="deleted")
    with pytest.raises(SheetNotFoundError, match="404 NOT_FOUND"):
        sheet.read()
    with pytest.raises(SheetNotFoundError, match="404 NOT_FOUND"):
        sheet.check()


def test_quota_429_is_not_retried(google: FakeGoogle, sheet: BatchSheet) -> None:
    google.api_answer = api_error(
        429, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'Read requests'"
    )
    started = time.monotonic()
    with pytest.raises(
        SheetUnavailableError, match="429 RESOURCE_EXHAUSTED: Quota exceeded"
    ) as caught:
        sheet.read()
    assert time.monotonic() - started < 1.5
    assert not isinstance(caught.value, SheetAuthError | SheetNotFoundError)
    assert len(google.api_requests) == 1
    assert len(google.seen) <= 3


def test_quota_as_403_is_transient(google: FakeGoogle, sheet: BatchSheet) -> None:
    google.api_answer = api_error(403, "RESOURCE_EXHAUSTED", "Rate limit exceeded")
    with pytest.raises(SheetUnavailableError, match="403 RESOURCE_EXHAUSTED"):
        sheet.read()


@pytest.mark.parametrize(
    ("answer", "error", "match"),
    [
        (
            api_error(500, "INTERNAL", "Internal error encountered."),
            SheetUnavailableError,
            "500 INTERNAL",
        ),
        (
            api_error(503, "UNAVAILABLE", "The service is currently unavailable."),
            SheetUnavailableError,
            "503",
        ),
        (
            (502, "<html><body>" + "Bad Gateway " * 100 + "</body></html>"),
            SheetUnavailableError,
            r"answered 502 \(not JSON\): <html>",
        ),
        ((200, "<html>a captive portal</html>"), SheetUnavailableError, "JSONDecodeError"),
        (
            (200, {"range": "x", "values": "not rows"}),
            SheetFormatError,
            "without a list of rows",
        ),
        ((200, [1, 2]), SheetFormatError, "without a list of rows"),
    ],
)
def test_server_errors(
    google: FakeGoogle,
    sheet: BatchSheet,
    answer: tuple[int, object],
    error: type[SheetError],
    match: str,
) -> None:
    google.api_answer = answer
    with pytest.raises(error, match=match) as caught:
        sheet.read()
    assert len(str(caught.value)) < 300
    assert len(google.api_requests) == 1


def test_metadata_without_tabs(google: FakeGoogle, sheet: BatchSheet) -> None:
    google.api_answer = (200, {"sheets": [{"no properties": True}]})
    with pytest.raises(SheetFormatError, match="without a list of tabs"):
        sheet.check()


@pytest.mark.parametrize("where", ["api", "token"])
def test_timeout(google: FakeGoogle, sheet_factory: SheetFactory, where: str) -> None:
    if where == "api":
        google.api_delay = 5.0
    else:
        google.token_delay = 5.0
    sheet = sheet_factory(google, timeout=0.5)
    started = time.monotonic()
    with pytest.raises(SheetUnavailableError, match=r"(?i)timed? ?out") as caught:
        sheet.read()
    assert 0.4 < time.monotonic() - started < 1.5
    assert not isinstance(caught.value, SheetAuthError)
    assert len(google.seen) <= 2


def test_connection_refused(google: FakeGoogle, sheet_factory: SheetFactory) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    google.url = closed  # both the token endpoint and the API are now a closed port
    with pytest.raises(SheetUnavailableError, match="token request failed"):
        sheet_factory(google).read()


def test_revoked_key(
    google: FakeGoogle, sheet: BatchSheet, service_account: ServiceAccount
) -> None:
    google.revoked_key_ids.add(KEY_ID)
    with pytest.raises(SheetAuthError, match="invalid_grant: Invalid JWT Signature") as caught:
        sheet.read()
    _no_key_in(caught.value, service_account)
    assert len(google.token_requests) == 1  # google-auth does not retry invalid_grant
    assert google.api_requests == []


def test_revoked_while_running(google: FakeGoogle, sheet: BatchSheet) -> None:
    sheet.read()
    google.tokens.clear()  # the access token is revoked: 401, refresh, refused
    google.revoked_key_ids.add(KEY_ID)
    with pytest.raises(SheetAuthError, match="invalid_grant"):
        sheet.read()
    assert len(google.api_requests) == 2


def test_persistent_401_is_bounded(google: FakeGoogle, sheet: BatchSheet) -> None:
    google.api_answer = api_error(401, "UNAUTHENTICATED", "Request had invalid authentication.")
    with pytest.raises(SheetAuthError, match="401 UNAUTHENTICATED"):
        sheet.read()
    assert len(google.api_requests) <= 3  # google-auth refreshes at most twice
    assert len(google.token_requests) <= 3


def test_not_shared_403(google: FakeGoogle, sheet: BatchSheet) -> None:
    google.api_answer = api_error(403, "PERMISSION_DENIED", "The caller does not have permission")
    with pytest.raises(SheetAuthError, match="403 PERMISSION_DENIED"):
        sheet.read()
    with pytest.raises(SheetAuthError, match="403 PERMISSION_DENIED"):
        sheet.check()


def test_token_endpoint_unavailable_is_bounded(google: FakeGoogle, sheet: BatchSheet) -> None:
    """google-auth tries a failing token endpoint 3 times (about 1 s and 2 s apart), no more."""
    google.token_answer = (503, {"error": "temporarily_unavailable"})
    started = time.monotonic()
    with pytest.raises(SheetUnavailableError, match="token request failed") as caught:
        sheet.read()
    assert not isinstance(caught.value, SheetAuthError)
    assert len(google.token_requests) == 3
    assert time.monotonic() - started < 6
    assert google.api_requests == []


def test_unexpected_token_answer(google: FakeGoogle, sheet: BatchSheet) -> None:
    google.token_answer = (200, {"token_type": "Bearer"})
    with pytest.raises(SheetAuthError, match="token request failed"):
        sheet.read()


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"private_key": ""}, "lacks private_key"),
        ({"client_email": None, "token_uri": ""}, "lacks client_email"),
        ({"private_key": NOT_A_KEY}, "not valid"),
    ],
)
def test_invalid_key(
    google: FakeGoogle,
    sheet_factory: SheetFactory,
    service_account: ServiceAccount,
    change: dict[str, str | None],
    match: str,
) -> None:
    info = {**service_account.info, **change}
    sheet = sheet_factory(google, info=info)
    with pytest.raises(SheetAuthError, match=match) as caught:
        sheet.read()
    assert caught.value.__cause__ is None
    assert "bm90IGEga2V5" not in "".join(traceback.format_exception(caught.value))
    assert google.seen == []


def test_no_error_quotes_the_key(
    google: FakeGoogle, sheet: BatchSheet, service_account: ServiceAccount
) -> None:
    assert CLIENT_EMAIL in repr(sheet)
    for line in service_account.pem_lines:
        assert line not in repr(sheet)
    for answer in (
        api_error(403, "PERMISSION_DENIED", "no"),
        api_error(404, "NOT_FOUND", "no"),
        api_error(500, "INTERNAL", "no"),
    ):
        google.api_answer = answer
        with pytest.raises(SheetError) as caught:
            sheet.read()
        _no_key_in(caught.value, service_account)


def test_close_and_reopen(google: FakeGoogle, sheet: BatchSheet) -> None:
    sheet.read()
    sheet.close()
    sheet.close()
    assert "FV 10/1" in sheet.read()
    assert len(google.token_requests) == 2  # a new session fetches a new token


def test_reroutes_nest_and_undo(
    google_factory: Callable[[], FakeGoogle], sheet_factory: SheetFactory
) -> None:
    """The Sheets API goes where the latest reroute says; undoing one restores the one before,
    undoing all restores google-auth's own `request`; gspread's URLs are never changed."""
    original = AuthorizedSession.request
    first, second = google_factory(), google_factory()
    second.sheets[SHEET_ID][TAB] = [["Vessel", "Beer"], ["FV 9", "Second"]]
    one, two = sheet_factory(first), sheet_factory(second)
    undo_first = reroute_sheets_api(first.url + "/")
    try:
        assert set(one.read()) == {"FV 10/1", "FV 10/2", "BBT 3"}
        undo_second = reroute_sheets_api(lambda: second.url)
        try:
            assert set(two.read()) == {"FV 9"}
        finally:
            undo_second()
        assert set(one.read()) == {"FV 10/1", "FV 10/2", "BBT 3"}
    finally:
        undo_first()
    assert AuthorizedSession.request is original
    assert len(first.api_requests) == 2
    assert len(second.api_requests) == 1
    assert (
        gspread.urls.SPREADSHEETS_API_V4_BASE_URL == "https://sheets.googleapis.com/v4/spreadsheets"
    )


def test_error_without_message(google: FakeGoogle, sheet: BatchSheet) -> None:
    google.api_answer = (500, {"error": {"code": 500}})
    with pytest.raises(SheetUnavailableError, match=r"answered 500$"):
        sheet.read()


@pytest.mark.parametrize(
    ("api_answer", "token_answer", "match"),
    [
        ((500, {"error": "oops"}), None, r"unexpected answer \(TypeError\)"),
        (
            None,
            (200, {"access_token": "t", "expires_in": "soon"}),
            r"unexpected answer \(ValueError\)",
        ),
    ],
)
def test_unexpected_answers(
    google: FakeGoogle,
    sheet: BatchSheet,
    api_answer: tuple[int, object] | None,
    token_answer: tuple[int, object] | None,
    match: str,
) -> None:
    google.api_answer = api_answer
    google.token_answer = token_answer
    with pytest.raises(SheetUnavailableError, match=match):
        sheet.read()


def test_other_auth_library_error(sheet: BatchSheet, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: object, request: object) -> None:
        raise GoogleAuthError("no usable credentials")

    monkeypatch.setattr(Credentials, "refresh", refuse)
    with pytest.raises(SheetAuthError, match="no usable credentials"):
        sheet.read()


def test_google_urls_by_default(service_account: ServiceAccount) -> None:
    """Without a reroute the requests go to Google (mocked at the requests layer)."""
    settings = SheetSettings(service_account=service_account.info, sheet_id=SHEET_ID, tab=TAB)
    sheet = BatchSheet(settings)
    assert sheet.settings is settings
    with requests_mock.Mocker() as mocker:
        mocker.post(
            "https://oauth2.googleapis.com/token",
            json={"access_token": "ya29.t", "expires_in": 3599, "token_type": "Bearer"},
        )
        mocker.get(
            re.compile(r"^https://sheets\.googleapis\.com/v4/spreadsheets/"),
            json={"range": f"'{TAB}'!A1:M3", "majorDimension": "ROWS", "values": ROWS},
        )
        try:
            assert "FV 10/1" in sheet.read()
        finally:
            sheet.close()
    # Exactly these two: no Regional Access Boundary lookup at iamcredentials.googleapis.com.
    token, values = mocker.request_history
    assert token.url == "https://oauth2.googleapis.com/token"
    assert values.url == (
        f"https://sheets.googleapis.com/v4/spreadsheets/{SHEET_ID}/values/%27Production%202020%27"
        "?majorDimension=ROWS&valueRenderOption=FORMATTED_VALUE"
    )
    assert values.timeout == DEFAULT_TIMEOUT
    assert values.headers["authorization"] == "Bearer ya29.t"


def test_every_error_is_a_sheet_error_and_only_one_kind_is_transient() -> None:
    for error in (SheetAuthError, SheetNotFoundError, SheetFormatError, SheetUnavailableError):
        assert issubclass(error, SheetError)
    for error in (SheetAuthError, SheetNotFoundError, SheetFormatError):
        assert not issubclass(error, SheetUnavailableError)
