"""
Writing points to InfluxDB 2 (or anything serving its `/api/v2/write`).

`InfluxWriter` sends one batch per request and classifies the answer into the exceptions of
`errors` (see there which are transient); the `Drainer` (`drainer`) decides what to do about them.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import json
import math
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

import aiohttp

from .errors import (
    InfluxAuthError,
    InfluxError,
    InfluxNotFoundError,
    InfluxRejectedError,
    InfluxRetryableError,
    InfluxWrongServerError,
)

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

WRITE_PATH = "/api/v2/write"
GZIP_LEVEL = 1
"""Fast compression: 5 000 points (about 1 MB) take a millisecond or two in the event loop."""

NO_CONTENT = 204
"""How InfluxDB's write API answers a write it stored; no other status counts as stored."""

MAX_ERROR_BODY = 65536
"""Bytes of an error answer read (InfluxDB's are small JSON; a proxy's HTML page may not be)."""

MAX_RETRY_AFTER = 3600.0
"""The longest `Retry-After` obeyed; a longer one is treated as this (sanity bound)."""

INFLUX_HEADERS = ("X-Influxdb-Version", "X-Influxdb-Build")
"""Headers InfluxDB (and VictoriaMetrics' InfluxDB API) put on every answer."""


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Return `Retry-After` (delta seconds or an HTTP date) as seconds from now, or `None`."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except TypeError, ValueError, IndexError:
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if not math.isfinite(seconds):
        return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def _is_influx_answer(headers: Mapping[str, str], text: str) -> bool:
    """Whether an error answer comes from an InfluxDB API: its headers or its JSON error shape."""
    if any(name in headers for name in INFLUX_HEADERS):
        return True
    with contextlib.suppress(ValueError):
        body = json.loads(text)
        return isinstance(body, dict) and isinstance(body.get("message"), str) and "code" in body
    return False


def _message(text: str) -> str:
    """Return InfluxDB's JSON `message`, or the body text, shortened."""
    with contextlib.suppress(ValueError, AttributeError):
        message = json.loads(text).get("message")
        if isinstance(message, str):
            text = message
    return text.strip()[:500]


class InfluxWriter:
    """Sends line protocol to `{url}/api/v2/write`; the caller owns `session`."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        url: str,
        token: str,
        org: str,
        bucket: str,
        *,
        timeout: float = 10.0,
    ) -> None:
        """Keep the settings; nothing is sent until `write` or `check`."""
        self._session = session
        self._url = url.rstrip("/") + WRITE_PATH
        self._params = {"org": org, "bucket": bucket, "precision": "ns"}
        self._headers = {"Content-Type": "text/plain; charset=utf-8"}
        if token:
            self._headers["Authorization"] = f"Token {token}"
        self._timeout = timeout

    @property
    def url(self) -> str:
        """The write endpoint (without the query)."""
        return self._url

    async def write(self, lines: Sequence[str]) -> None:
        """
        Write the lines in one gzip request; return when the server stored them (204).

        Raises `InfluxAuthError` (401/403), `InfluxNotFoundError` (404), `InfluxWrongServerError`
        (any other 2xx: not InfluxDB's write API, nothing was stored), `InfluxRetryableError`
        (429, 408, 5xx, 3xx, connection errors, timeouts) or `InfluxRejectedError` (other 4xx).
        """
        if not lines:
            return
        body = gzip.compress(("\n".join(lines) + "\n").encode(), compresslevel=GZIP_LEVEL)
        await self._post(body, {**self._headers, "Content-Encoding": "gzip"}, check=False)

    async def check(self) -> None:
        """
        Check that the URL is InfluxDB's write API and the token, org and bucket work.

        It POSTs an empty body, so nothing is written. VictoriaMetrics and InfluxDB 1.8 answer
        204. InfluxDB 2 and Cloud check the token (401), the org and bucket (404) and the write
        permission (403) before they read the body, and only then answer 400 "writing requires
        points": a 400 from InfluxDB (its headers or its JSON error) means the settings work.
        An answer that does not come from InfluxDB (a web server's 200 page, its 404, a login
        redirect) raises `InfluxWrongServerError`; otherwise this raises as `write` does.
        `GET /health` would check none of token, org and bucket, and a test point would stay in
        the user's data.
        """
        await self._post(b"", self._headers, check=True)

    async def _post(self, body: bytes, headers: dict[str, str], *, check: bool) -> None:
        try:
            async with (
                asyncio.timeout(self._timeout),
                self._session.post(
                    self._url,
                    params=self._params,
                    data=body,
                    headers=headers,
                    allow_redirects=False,
                ) as response,
            ):
                status = response.status
                if status == NO_CONTENT:
                    return
                text = (await response.content.read(MAX_ERROR_BODY)).decode(errors="replace")
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
                influx = _is_influx_answer(response.headers, text)
        except TimeoutError as err:
            raise InfluxRetryableError(
                f"{self._url} did not answer within {self._timeout:g} s"
            ) from err
        except aiohttp.ClientError as err:
            raise InfluxRetryableError(f"{self._url} failed: {err!r}") from err
        message = _message(text)
        if check and status == 400 and influx:  # noqa: PLR2004
            return
        if 200 <= status < 300 or (check and not influx and not _retryable(status)):  # noqa: PLR2004
            raise InfluxWrongServerError(
                f"{self._url} answered HTTP {status}, not as InfluxDB's write API does "
                f"(204 No Content){f': {message[:100]}' if message else ''}"
            )
        raise _error(status, message, retry_after)


def _retryable(status: int) -> bool:
    """A status that says "try again later" (timeout, rate limit, server error)."""
    return status in {408, 429} or status >= 500  # noqa: PLR2004


def _error(status: int, message: str, retry_after: float | None) -> InfluxError:
    """Map a non-2xx status to the exception the drainer acts on."""
    if status in {401, 403}:
        return InfluxAuthError(f"HTTP {status}: {message}")
    if status == 404:  # noqa: PLR2004
        return InfluxNotFoundError(f"HTTP {status}: {message}")
    if _retryable(status) or status < 400:  # noqa: PLR2004
        return InfluxRetryableError(f"HTTP {status}: {message}", retry_after)
    return InfluxRejectedError(status, message)
