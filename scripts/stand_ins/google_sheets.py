"""
A local stand-in for Google: the OAuth token endpoint and the Sheets API v4, on 127.0.0.1.

It serves what gspread 6.2.1 requests (`GET /v4/spreadsheets/{id}` for metadata and
`GET /v4/spreadsheets/{id}/values/{range}`) and what google-auth's service-account credentials
post to the token endpoint (a JWT bearer grant, whose RS256 signature is checked against the
throw-away key's public half).
"""

from __future__ import annotations

import base64
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

CLIENT_EMAIL = "cellar-sync@cellar-test.iam.gserviceaccount.com"
KEY_ID = "0123456789abcdef"
SHEET_ID = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
TAB = "Production 2020"
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"  # noqa: S105 - a URL
"""The audience google-auth always signs into the grant (whatever `token_uri` is)."""
READONLY_SCOPE = "https://www.googleapis.com/auth/spreadsheets.readonly"

HEADER = [
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
        """Quiet."""

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
