"""Errors raised by the CloudWatch heartbeat client. Their messages never contain the secret."""

from __future__ import annotations


class HeartbeatAuthError(Exception):
    """
    AWS rejected the credentials, or the IAM policy does not allow the call.

    Retrying does not help: new credentials or a corrected policy are needed (in Home Assistant, a
    reauthentication). `code` is the AWS error code, e.g. `InvalidClientTokenId`,
    `SignatureDoesNotMatch` or `AccessDenied`.
    """

    def __init__(self, message: str, *, code: str | None = None) -> None:
        """Create the error; `message` must already be free of secrets."""
        super().__init__(message)
        self.code = code


class HeartbeatError(Exception):
    """
    A heartbeat call failed for any other reason; the next call may succeed.

    Examples: the endpoint is unreachable, a timeout, throttling, a server error, another heartbeat
    still in flight, or a timestamp too far from the current time. `code` is the AWS error code or
    the botocore exception's name, e.g. `Throttling`, `EndpointConnectionError` or
    `ReadTimeoutError`; or `InFlight`, `StaleTimestamp` or `Closed` for calls refused locally.
    """

    def __init__(self, message: str, *, code: str | None = None) -> None:
        """Create the error; `message` must already be free of secrets."""
        super().__init__(message)
        self.code = code
