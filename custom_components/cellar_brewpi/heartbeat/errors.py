"""
Errors raised by the CloudWatch heartbeat client: every one derives from `HeartbeatError`.

Their messages never contain the secret. `code` is the AWS error code or the botocore
exception's name, or one of ours for calls refused locally.

- `HeartbeatUnavailableError` is transient: the next call may succeed (catch it for "try later").
- `HeartbeatAuthError` is not: new credentials or a corrected IAM policy are needed.

Arguments that can never be sent (a naive timestamp, a negative value, an empty cellar name, an
alarm range CloudWatch refuses) raise `ValueError` before anything is sent.
"""

from __future__ import annotations


class HeartbeatError(Exception):
    """Base class of the heartbeat's errors; `code` says what failed."""

    def __init__(self, message: str, *, code: str | None = None) -> None:
        """Create the error; `message` must already be free of secrets."""
        super().__init__(message)
        self.code = code


class HeartbeatAuthError(HeartbeatError):
    """
    AWS rejected the credentials, or the IAM policy does not allow the call.

    Retrying does not help: new credentials or a corrected policy are needed (in Home Assistant, a
    reauthentication). `code` is the AWS error code, e.g. `InvalidClientTokenId`,
    `SignatureDoesNotMatch` or `AccessDenied`.
    """


class HeartbeatUnavailableError(HeartbeatError):
    """
    A heartbeat call failed for any other reason; the next call may succeed (transient).

    Examples: the endpoint is unreachable, a timeout, throttling, a server error, another heartbeat
    still in flight, or a timestamp too far from the current time. `code` is the AWS error code or
    the botocore exception's name, e.g. `Throttling`, `EndpointConnectionError` or
    `ReadTimeoutError`; or `InFlight`, `StaleTimestamp` or `Closed` (the heartbeat was closed) for
    calls refused locally.
    """
