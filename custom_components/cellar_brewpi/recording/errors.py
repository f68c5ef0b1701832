"""
The recording library's errors: every one derives from `RecordingError`.

Writing to InfluxDB (`InfluxError`):
- `InfluxRetryableError` is transient (429, 408, 5xx, 3xx, connection errors, timeouts): try
  again later, after its `retry_after` when the server sent one. The drainer does so by itself.
- `InfluxWrongServerError` (an `InfluxRetryableError`) is retried the same way, points kept, but
  it does not go away by itself: the URL is not InfluxDB's write API (a web server's 200 page).
- `InfluxAuthError` (401/403: new credentials needed) and `InfluxNotFoundError` (404: the org or
  bucket does not exist) are not transient.
- `InfluxRejectedError` (another 4xx) is not transient for the request that got it: the drainer
  bisects a batch the server rejected for its points (400, 413, 422) down to the rejected lines
  and dead-letters them; for any other 4xx it keeps the points and retries with backoff.

The durable queue never raises for disk errors (it degrades to memory). Its own errors:
- `QueueClosedError` (also a `RuntimeError`): the queue was used after `close()`, a bug.
- `CorruptDatabaseError`: the file failed SQLite's quick check; handled inside the queue (the
  file is moved aside), never raised to callers.
"""

from __future__ import annotations


class RecordingError(Exception):
    """Base class of this library's errors."""


class InfluxError(RecordingError):
    """Writing to InfluxDB failed."""


class InfluxAuthError(InfluxError):
    """The token was refused (HTTP 401 or 403): needs reauthentication."""


class InfluxNotFoundError(InfluxError):
    """The org or bucket does not exist (HTTP 404)."""


class InfluxRetryableError(InfluxError):
    """A temporary failure (429, 5xx, connection error, timeout): try again later."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        """Carry the server's `Retry-After` in seconds, when it sent one."""
        super().__init__(message)
        self.retry_after = retry_after


class InfluxWrongServerError(InfluxRetryableError):
    """
    The URL does not answer as InfluxDB's write API (for example any web server's 200 page).

    InfluxDB (1.8, 2, 3 and Cloud) and VictoriaMetrics answer an accepted write with 204 No
    Content; anything else stored nothing. The points stay queued and are retried with backoff.
    """


class InfluxRejectedError(InfluxError):
    """The server refused the request for another 4xx reason (e.g. 400: a malformed point)."""

    def __init__(self, status: int, message: str) -> None:
        """Carry the HTTP status and the server's message."""
        super().__init__(f"HTTP {status}: {message}")
        self.status = status
        self.message = message


class QueueClosedError(RecordingError, RuntimeError):
    """The queue was used after `close()`."""


class CorruptDatabaseError(RecordingError):
    """The queue file is damaged (a failed quick check)."""
