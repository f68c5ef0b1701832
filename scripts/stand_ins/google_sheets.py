"""
A local stand-in for Google: the OAuth token endpoint and the Sheets API v4, on 127.0.0.1.

It serves what gspread 6.2.1 requests (`GET /v4/spreadsheets/{id}` for metadata and
`GET /v4/spreadsheets/{id}/values/{range}`) and what google-auth's service-account credentials
post to the token endpoint (a JWT bearer grant, whose RS256 signature is checked against the
throw-away key's public half).

How requests get here: the token request goes to the key's own `token_uri`, so a key whose
`token_uri` is the stand-in's `/token` needs nothing else. The Sheets API's address is fixed in
gspread (https://sheets.googleapis.com); `reroute_sheets_api` sends those requests here instead,
at the HTTP boundary (google-auth's `AuthorizedSession.request`, which gspread's HTTP client
calls), so the integration's code is the production code. The tests use it through their
`google` fixtures; the development instance through `scripts/dev_site/sitecustomize.py`.

As a development tool (scripts/develop starts it):

    python -m scripts.stand_ins.google_sheets --port 8090 --key-file config/google-sheets-key.json

writes a throw-away service-account key whose `token_uri` points here (kept across runs, so a key
pasted into Home Assistant stays valid) and serves a production tab with a batch in each of the
emulated panel's default vessels.
"""

from __future__ import annotations

import argparse
import base64
import functools
import json
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from google.auth.transport.requests import AuthorizedSession

CLIENT_EMAIL = "cellar-sync@cellar-test.iam.gserviceaccount.com"
KEY_ID = "0123456789abcdef"
SHEET_ID = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
TAB = "Production 2020"
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"  # noqa: S105 - a URL
"""The audience google-auth always signs into the grant (whatever `token_uri` is)."""
READONLY_SCOPE = "https://www.googleapis.com/auth/spreadsheets.readonly"
SHEETS_API = "https://sheets.googleapis.com"
"""Where gspread sends every Sheets API request (`gspread.urls`)."""
DEFAULT_PORT = 8090

HEADER = [  # the production sheet's columns A..J (the library's `COLUMNS`), then some it ignores
    "Batch #",
    "Split",
    "Beer",
    "Date Brewed",
    "Batch Size",
    "Vessel",
    "Actual Volume",
    "OG",
    "FG",
    "Notes",
    "Packaged 1/6bbl",
    "Packaged 1/2bbl",
    "Packaged Cases 16oz",
]
ROWS = [
    HEADER,
    ["90", "", "Hazy", "10/20/2020", "10 bbl", "FV 10/1", "11", "15.1", "", "dry hop d3"],
    ["89", "A", "Pils", "10/05/2020", "10 bbl", "FV 10/2", "10.5", "11.5", "2.1"],
    [],
    ["88", "", "Rhino", "9/30/2020", "10 bbl", "FV 10/1", "12", "12.6", "3.3"],
    ["87", "", "Stout", "someday", "5 bbl", "BBT 3"],
]


@dataclass(frozen=True)
class ServiceAccount:
    """A throw-away service-account key: the JSON Google would hand out, and the public key."""

    info: dict[str, Any]
    public_key: rsa.RSAPublicKey

    @classmethod
    def new(cls, token_uri: str = GOOGLE_TOKEN_URI) -> ServiceAccount:
        """A new key (RSA 2048) of `CLIENT_EMAIL`, its token endpoint `token_uri`."""
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        info = {
            "type": "service_account",
            "project_id": "cellar-test",
            "private_key_id": KEY_ID,
            "private_key": pem,
            "client_email": CLIENT_EMAIL,
            "client_id": "109876543210987654321",
            "auth_uri": "https://accounts.google.com/o/oauth2/auth",
            "token_uri": token_uri,
        }
        return cls(info=info, public_key=key.public_key())

    @classmethod
    def from_info(cls, info: dict[str, Any]) -> ServiceAccount:
        """A key read back from its JSON (`ValueError`, `TypeError`: not an RSA private key)."""
        key = serialization.load_pem_private_key(str(info["private_key"]).encode(), password=None)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise TypeError("not an RSA key")
        return cls(info=info, public_key=key.public_key())

    @property
    def pem_lines(self) -> list[str]:
        """The base64 lines of the private key (what must never leak)."""
        return [
            line for line in self.info["private_key"].splitlines() if not line.startswith("-----")
        ]


@dataclass
class Seen:
    """One request the fake received."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes


Answer = tuple[int, Any]
"""A forced answer: status and body (a dict is sent as JSON, a str as HTML)."""


@dataclass
class FakeGoogle:
    """State of the stand-in. Tests edit it to script failures."""

    public_key: rsa.RSAPublicKey
    sheets: dict[str, dict[str, list[list[str]]]] = field(default_factory=dict)
    url: str = ""
    revoked_key_ids: set[str] = field(default_factory=set)
    token_answer: Answer | None = None
    api_answer: Answer | None = None
    token_delay: float = 0.0
    api_delay: float = 0.0
    seen: list[Seen] = field(default_factory=list)
    record: bool = True
    """Keep every request in `seen` (tests); the development server does not."""
    log_requests: bool = False
    """Log each request to stderr, as `http.server` does (the development server)."""
    tokens: dict[str, dict[str, Any]] = field(default_factory=dict)  # token → JWT claims
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def token_uri(self) -> str:
        return f"{self.url}/token"

    def requests(self, path_prefix: str = "") -> list[Seen]:
        with self.lock:
            return [seen for seen in self.seen if seen.path.startswith(path_prefix)]

    @property
    def token_requests(self) -> list[Seen]:
        return self.requests("/token")

    @property
    def api_requests(self) -> list[Seen]:
        return self.requests("/v4/")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def api_error(code: int, status: str, message: str) -> Answer:
    return code, {"error": {"code": code, "message": message, "status": status}}


def _split_range(text: str) -> tuple[str, str | None]:
    """`'My Tab'!1:1` → (`My Tab`, `1:1`); `Tab` → (`Tab`, None)."""
    if text.startswith("'"):
        index, title = 1, []
        while index < len(text):
            char = text[index]
            if char == "'" and text[index + 1 : index + 2] == "'":
                title.append("'")
                index += 2
            elif char == "'":
                index += 1
                break
            else:
                title.append(char)
                index += 1
        rest = text[index:]
        return "".join(title), (rest[1:] if rest.startswith("!") else None)
    tab, _, cells = text.partition("!")
    return tab, cells or None


class FakeGoogleHandler(BaseHTTPRequestHandler):
    server: FakeGoogleServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Quiet, unless the stand-in logs its requests."""
        if self.server.fake.log_requests:
            super().log_message(format, *args)

    def _answer(self, answer: Answer) -> None:
        status, body = answer
        if isinstance(body, str):
            payload, content_type = body.encode(), "text/html; charset=UTF-8"
        else:
            payload, content_type = json.dumps(body).encode(), "application/json; charset=UTF-8"
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except OSError:  # the client gave up (timeout tests)
            pass

    def _record(self, body: bytes = b"") -> Seen:
        split = urlsplit(self.path)
        seen = Seen(
            method=self.command,
            path=unquote(split.path),
            query=parse_qs(split.query),
            headers={key.lower(): value for key, value in self.headers.items()},
            body=body,
        )
        if self.server.fake.record:
            with self.server.fake.lock:
                self.server.fake.seen.append(seen)
        return seen

    def do_POST(self) -> None:
        fake = self.server.fake
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        seen = self._record(body)
        if seen.path != "/token":
            self._answer((404, "<html>Not Found</html>"))
            return
        if fake.token_delay:
            fake.stop.wait(fake.token_delay)
        self._answer(fake.token_answer or self._grant(fake, body))

    def _grant(self, fake: FakeGoogle, body: bytes) -> Answer:
        form = {key: values[0] for key, values in parse_qs(body.decode()).items()}
        if form.get("grant_type") != JWT_GRANT or "assertion" not in form:
            return 400, {"error": "unsupported_grant_type", "error_description": "Invalid grant"}
        header, claims, signature = form["assertion"].split(".")
        try:
            fake.public_key.verify(
                _b64decode(signature),
                f"{header}.{claims}".encode(),
                padding.PKCS1v15(),
                hashes.SHA256(),
            )
        except InvalidSignature:
            return 400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}
        kid = json.loads(_b64decode(header)).get("kid")
        if kid in fake.revoked_key_ids:
            return 400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}
        payload = json.loads(_b64decode(claims))
        if payload.get("aud") != GOOGLE_TOKEN_URI or payload.get("exp", 0) < time.time():
            return 400, {"error": "invalid_grant", "error_description": "Invalid JWT."}
        token = f"ya29.fake-{len(fake.tokens)}"
        fake.tokens[token] = payload
        return 200, {"access_token": token, "expires_in": 3599, "token_type": "Bearer"}

    def do_GET(self) -> None:
        fake = self.server.fake
        seen = self._record()
        if fake.api_delay:
            fake.stop.wait(fake.api_delay)
        self._answer(fake.api_answer or self._sheets(fake, seen))

    def _sheets(self, fake: FakeGoogle, seen: Seen) -> Answer:
        authorization = seen.headers.get("authorization", "")
        if authorization.removeprefix("Bearer ") not in fake.tokens:
            return api_error(401, "UNAUTHENTICATED", "Request had invalid authentication.")
        parts = seen.path.removeprefix("/v4/spreadsheets/").split("/")
        tabs = fake.sheets.get(parts[0])
        if not seen.path.startswith("/v4/spreadsheets/") or tabs is None:
            return api_error(404, "NOT_FOUND", "Requested entity was not found.")
        if len(parts) == 1:
            return 200, {
                "spreadsheetId": parts[0],
                "sheets": [
                    {"properties": {"sheetId": index, "title": title, "index": index}}
                    for index, title in enumerate(tabs)
                ],
            }
        if len(parts) != 3 or parts[1] != "values":
            return api_error(404, "NOT_FOUND", "Requested entity was not found.")
        title, cells = _split_range(parts[2])
        if title not in tabs or cells not in {None, "1:1"}:
            return api_error(400, "INVALID_ARGUMENT", f"Unable to parse range: {parts[2]}")
        rows = tabs[title] if cells is None else tabs[title][:1]
        answer: dict[str, Any] = {"range": f"'{title}'!A1:Z{max(len(rows), 1)}"}
        answer["majorDimension"] = "ROWS"
        if rows:
            answer["values"] = rows
        return 200, answer


class FakeGoogleServer(ThreadingHTTPServer):
    """One thread per request; `server_close()` joins them (ThreadingHTTPServer's daemon threads
    are not tracked, so they could outlive the test and trip HA's cleanup check)."""

    daemon_threads = False
    block_on_close = True
    fake: FakeGoogle
    thread: threading.Thread

    @classmethod
    def start(cls, fake: FakeGoogle, host: str = "127.0.0.1", port: int = 0) -> FakeGoogleServer:
        """Serve `fake` from a thread (port 0: any free port); `fake.url` is set to its address."""
        server = cls((host, port), FakeGoogleHandler)
        server.fake = fake
        fake.url = f"http://{host}:{server.server_address[1]}"
        server.thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-google"
        )
        server.thread.start()
        return server

    def stop(self) -> None:
        """Stop serving: wake handlers sleeping in a delay, then join every thread."""
        self.fake.stop.set()
        self.shutdown()
        self.server_close()  # joins the request threads
        self.thread.join()


# --- Rerouting the Sheets API ---------------------------------------------------------------------


def reroute_sheets_api(target: str | Callable[[], str]) -> Callable[[], None]:
    """
    Send Sheets API requests to a stand-in instead of Google, in this whole process.

    From now on, a URL starting with `https://sheets.googleapis.com/` that google-auth's
    `AuthorizedSession.request` is given (every request of gspread's HTTP client) goes to `target`
    instead, with the same path and query: a base URL such as `http://127.0.0.1:8090`, or a
    function returning one at each request. Every other URL (the token endpoint, the key's own
    `token_uri`) is left alone, and so are gspread's module-level URLs.

    Returns the function that undoes it; reroutes nest, so undo them in reverse order.
    """
    original: Callable[..., Any] = AuthorizedSession.request

    @functools.wraps(original)
    def request(self: AuthorizedSession, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        if url.startswith(f"{SHEETS_API}/"):
            base = target() if callable(target) else target
            url = base.rstrip("/") + url.removeprefix(SHEETS_API)
        return original(self, method, url, *args, **kwargs)

    AuthorizedSession.request = request  # type: ignore[method-assign]

    def undo() -> None:
        AuthorizedSession.request = original  # type: ignore[method-assign]

    return undo


# --- The development server -----------------------------------------------------------------------

DEV_BEERS = (
    ("Hazy IPA", "16.2", "3.4", "dry hop day 3"),
    ("Pilsner", "11.8", "2.2", "lagering"),
    ("Oatmeal Stout", "15.0", "4.1", ""),
    ("Amber", "13.1", "3.0", ""),
    ("Saison", "12.5", "1.6", "free rise to 80 F"),
    ("Kolsch", "11.5", "2.4", ""),
    ("Double IPA", "18.5", "", "still fermenting"),
    ("House Lager", "11.0", "2.0", "cold crash"),
    ("Porter", "14.2", "3.8", "carbonating"),
)


def production_rows(labels: Iterable[str], today: date) -> list[list[str]]:
    """
    A production tab with a batch in each vessel named in `labels`: the header row, one row per
    vessel (newest first, brewed 2, 5, 8, ... days before `today`), a blank row, and an older
    batch in the first vessel (the first row of a vessel wins, so it does not show).
    """
    rows = [list(HEADER)]
    labels = list(labels)
    for index, label in enumerate(labels):
        beer, og, fg, notes = DEV_BEERS[index % len(DEV_BEERS)]
        brewed = today - timedelta(days=2 + 3 * index)
        size = 20 if label.startswith("FV 20") else 10
        rows.append(
            [
                str(120 - index),
                "A" if index == 1 else "",
                beer,
                f"{brewed.month}/{brewed.day}/{brewed.year}",
                f"{size} bbl",
                label,
                f"{size - 0.5:g}",
                og,
                fg,
                notes,
            ]
        )
    if labels:
        old = today - timedelta(days=60)
        rows += [
            [],
            ["101", "", "Old Batch", f"{old.month}/{old.day}/{old.year}", "10 bbl", labels[0]],
        ]
    return rows


def load_or_create_key(path: Path, token_uri: str) -> ServiceAccount:
    """
    The service-account key in `path`, made there (mode 600) when it is missing or unreadable;
    its `token_uri` set to `token_uri`. The same key is kept across runs, so a key pasted into
    Home Assistant stays valid.
    """
    try:
        account = ServiceAccount.from_info(json.loads(path.read_text(encoding="utf-8")))
    except OSError, ValueError, KeyError, TypeError:
        account = ServiceAccount.new(token_uri)
    else:
        if account.info.get("token_uri") == token_uri:
            return account
        account.info["token_uri"] = token_uri
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.write_text(json.dumps(account.info, indent=2) + "\n", encoding="utf-8")
    return account


def main(argv: list[str] | None = None) -> None:
    """Serve the development stand-in until SIGINT or SIGTERM."""
    parser = argparse.ArgumentParser(description="A local stand-in for Google Sheets.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument(
        "--key-file", type=Path, required=True, help="where the service-account key JSON is kept"
    )
    parser.add_argument("--sheet-id", default=SHEET_ID)
    parser.add_argument("--tab", default=TAB)
    args = parser.parse_args(argv)
    # The integration (and Home Assistant) only when run as the development server: the module
    # stays light for sitecustomize, which imports it into Home Assistant's start.
    from custom_components.cellar_brewpi.alpha_panel.models import DEFAULT_LABELS  # noqa: PLC0415

    url = f"http://{args.host}:{args.port}"
    account = load_or_create_key(args.key_file, f"{url}/token")
    rows = production_rows(DEFAULT_LABELS.values(), date.today())  # noqa: DTZ011 - the local day
    fake = FakeGoogle(
        public_key=account.public_key,
        sheets={args.sheet_id: {args.tab: rows}},
        record=False,
        log_requests=True,
    )
    done = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: done.set())
    server = FakeGoogleServer.start(fake, args.host, args.port)
    print(
        f"Google stand-in on {fake.url}: token endpoint {fake.token_uri}, Sheets API {fake.url}/v4/"
    )
    print(f"Service-account key ({account.info['client_email']}): {args.key_file}")
    print(f"Spreadsheet ID {args.sheet_id}, tab {args.tab!r}: {len(rows) - 1} rows")
    sys.stdout.flush()
    while not done.wait(1.0):
        pass
    server.stop()


if __name__ == "__main__":
    main()
