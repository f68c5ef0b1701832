"""
The heartbeat when CloudWatch misbehaves: no endpoint, a blackhole, throttling, server and
authentication errors answered at the HTTP boundary by a tiny loopback server, and the error
classification. Every call must end in one of the two errors, bounded in time, without the secret.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import time
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from botocore.exceptions import (
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    ReadTimeoutError,
)

from custom_components.cellar_brewpi.heartbeat import (
    HeartbeatAuthError,
    HeartbeatError,
    HeartbeatUnavailableError,
)
from custom_components.cellar_brewpi.heartbeat.client import (
    AUTH_ERROR_CODES,
    CALL_DEADLINE,
    CloudWatchSettings,
    Heartbeat,
    _DeadlineExceededError,
    _redact,
)
from tests.heartbeat.moto_support import REGION, SECRET

BOUND = 20.0
"""Every failing call must end well within this (the library's own deadline is 15 s)."""


def settings_for(**kwargs: str | None) -> CloudWatchSettings:
    values = {
        "region": REGION,
        "access_key_id": "AKIAHEARTBEATTEST001",
        "secret_access_key": SECRET,
        "endpoint_url": None,
    } | kwargs
    return CloudWatchSettings(**values)  # type: ignore[arg-type]


def assert_no_secret(error: BaseException) -> None:
    """Neither the error, nor its repr, nor the whole chained traceback shows the secret."""
    assert SECRET not in str(error)
    assert SECRET not in repr(error)
    assert SECRET not in "".join(traceback.format_exception(error))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_settings_repr_hides_the_secret() -> None:
    settings = settings_for(endpoint_url="http://127.0.0.1:1")
    assert SECRET not in repr(settings)
    assert SECRET not in str(settings)
    assert "AKIAHEARTBEATTEST001" in repr(settings)
    heartbeat = Heartbeat(settings, "Main cellar")
    assert heartbeat.cellar_name == "Main cellar"
    assert heartbeat.settings is settings
    assert SECRET not in repr(heartbeat)
    assert repr(heartbeat) == (
        "Heartbeat(namespace='CELLAR/INFO', cellar_name='Main cellar', region='eu-west-1')"
    )


def test_closed_port_is_a_heartbeat_error(socket_enabled: None) -> None:
    heartbeat = Heartbeat(
        settings_for(endpoint_url=f"http://127.0.0.1:{free_port()}"), "Main cellar"
    )
    start = time.monotonic()
    with pytest.raises(HeartbeatUnavailableError) as caught:
        heartbeat.send(datetime.now(UTC))
    elapsed = time.monotonic() - start
    heartbeat.close()
    assert elapsed < BOUND
    assert caught.value.code == "EndpointConnectionError"
    assert isinstance(caught.value.__cause__, EndpointConnectionError)
    assert_no_secret(caught.value)


def test_blackhole_is_bounded(socket_enabled: None) -> None:
    """The server accepts the connection (kernel backlog) but never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        port = listener.getsockname()[1]
        heartbeat = Heartbeat(settings_for(endpoint_url=f"http://127.0.0.1:{port}"), "Main cellar")
        start = time.monotonic()
        with pytest.raises(HeartbeatUnavailableError) as caught:
            heartbeat.check()
        elapsed = time.monotonic() - start
        heartbeat.close()
    assert elapsed < CALL_DEADLINE < BOUND
    # One 5 s read timeout; the retry could have ended after the deadline, so it was skipped.
    assert caught.value.code == "ReadTimeoutError"
    assert "not retried" in str(caught.value)
    assert isinstance(caught.value.__cause__, _DeadlineExceededError)
    assert_no_secret(caught.value)


@dataclass
class FakeCloudWatch:
    """Answers every request with one canned CloudWatch (awsJson1_0) response; records them."""

    status: int
    body: dict[str, str] | bytes
    headers: dict[str, str] = field(default_factory=dict)
    requests: list[bytes] = field(default_factory=list)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = re.search(rb"(?i)content-length: *(\d+)", head)
        await reader.readexactly(int(length.group(1)) if length else 0)
        self.requests.append(head)
        body = self.body if isinstance(self.body, bytes) else json.dumps(self.body).encode()
        headers = {
            "Content-Type": "application/x-amz-json-1.0",
            "x-amzn-requestid": "fake-request",
            "Content-Length": str(len(body)),
            "Connection": "close",
        } | self.headers
        lines = [f"HTTP/1.1 {self.status} Fake", *(f"{k}: {v}" for k, v in headers.items())]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await writer.drain()
        writer.close()
        await writer.wait_closed()


type Serve = Callable[[FakeCloudWatch], Awaitable[str]]


@pytest.fixture
async def serve(socket_enabled: None) -> AsyncIterator[Serve]:
    """`await serve(fake)` serves `fake` on loopback and returns its endpoint URL."""
    servers: list[asyncio.Server] = []

    async def start(fake: FakeCloudWatch) -> str:
        server = await asyncio.start_server(fake.handle, "127.0.0.1", 0)
        servers.append(server)
        return f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"

    yield start
    for server in servers:
        server.close()
        await server.wait_closed()


async def call_in_executor(heartbeat: Heartbeat, method: str) -> None:
    """Call a blocking method the way the integration does: in the loop's executor."""
    await asyncio.get_running_loop().run_in_executor(None, getattr(heartbeat, method))


@pytest.mark.parametrize(
    ("status", "body", "headers", "expected_code"),
    [
        (
            400,
            {"__type": "com.amazon.coral.availability#ThrottlingException", "message": "Rate"},
            {"x-amzn-query-error": "Throttling;Sender"},
            "Throttling",
        ),
        (500, {"__type": "InternalFailure", "message": "oops"}, {}, "InternalFailure"),
        (503, {}, {}, "503"),
    ],
    ids=["throttled", "internal-error", "unavailable"],
)
async def test_retryable_errors_are_retried_twice(
    serve: Serve,
    status: int,
    body: dict[str, str],
    headers: dict[str, str],
    expected_code: str,
) -> None:
    fake = FakeCloudWatch(status, body, headers)
    heartbeat = Heartbeat(settings_for(endpoint_url=await serve(fake)), "Main cellar")
    start = time.monotonic()
    with pytest.raises(HeartbeatUnavailableError) as caught:
        await call_in_executor(heartbeat, "check")
    assert time.monotonic() - start < BOUND
    heartbeat.close()
    assert caught.value.code == expected_code
    assert len(fake.requests) == 3  # botocore's max_attempts=2 means 2 retries: no retry storm
    assert_no_secret(caught.value)


async def test_garbage_answer_is_a_heartbeat_error(serve: Serve) -> None:
    """A proxy's non-UTF-8 error page makes botocore's parser raise UnicodeDecodeError."""
    fake = FakeCloudWatch(502, b"\xff\xfe<html>bad gateway</html>")
    heartbeat = Heartbeat(settings_for(endpoint_url=await serve(fake)), "Main cellar")
    with pytest.raises(HeartbeatUnavailableError) as caught:
        await call_in_executor(heartbeat, "check")
    heartbeat.close()
    assert caught.value.code == "UnicodeDecodeError"
    assert len(fake.requests) == 1
    assert_no_secret(caught.value)


@pytest.mark.parametrize(
    ("status", "body", "headers", "expected_code"),
    [
        (
            403,
            {
                "__type": "com.amazon.coral.service#UnrecognizedClientException",
                "message": "The security token included in the request is invalid.",
            },
            {"x-amzn-query-error": "InvalidClientTokenId;Sender"},
            "InvalidClientTokenId",
        ),
        (
            400,
            {"__type": "ExpiredTokenException", "message": "expired"},
            {},
            "ExpiredTokenException",
        ),
        # A server echoing the secret back must not leak it through our message.
        (
            403,
            {"__type": "SignatureDoesNotMatch", "message": f"bad {SECRET}"},
            {},
            "SignatureDoesNotMatch",
        ),
        (401, {}, {}, "401"),
    ],
    ids=["invalid-token", "expired", "echoed-secret", "bare-401"],
)
async def test_rejected_credentials_are_an_auth_error(
    serve: Serve, status: int, body: dict[str, str], headers: dict[str, str], expected_code: str
) -> None:
    fake = FakeCloudWatch(status, body, headers)
    heartbeat = Heartbeat(settings_for(endpoint_url=await serve(fake)), "Main cellar")
    with pytest.raises(HeartbeatAuthError) as caught:
        await call_in_executor(heartbeat, "check")
    heartbeat.close()
    assert caught.value.code == expected_code
    assert len(fake.requests) == 1  # never retried
    assert SECRET not in str(caught.value)
    assert SECRET not in repr(caught.value)
    if SECRET in str(body):
        assert str(caught.value).endswith("bad **REDACTED**")


async def test_create_alarm_errors_are_translated(serve: Serve) -> None:
    fake = FakeCloudWatch(400, {"__type": "LimitExceeded", "message": "too many alarms"})
    heartbeat = Heartbeat(settings_for(endpoint_url=await serve(fake)), "Main cellar")
    with pytest.raises(
        HeartbeatUnavailableError, match="PutMetricAlarm failed: LimitExceeded"
    ) as caught:
        await call_in_executor(heartbeat, "create_alarm")
    heartbeat.close()
    assert caught.value.code == "LimitExceeded"
    assert len(fake.requests) == 1


def test_missing_credentials_are_an_auth_error() -> None:
    for settings in (
        settings_for(access_key_id=""),
        settings_for(secret_access_key=""),
    ):
        with pytest.raises(HeartbeatAuthError) as caught:
            Heartbeat(settings, "Main cellar").check()
        assert caught.value.code == "MissingCredentials"


@pytest.mark.parametrize(
    ("kwargs", "expected_code"),
    [
        ({"region": "not a region!"}, "InvalidRegionError"),
        ({"endpoint_url": "not a url"}, "ValueError"),
    ],
)
def test_bad_settings_are_a_heartbeat_error(kwargs: dict[str, str], expected_code: str) -> None:
    heartbeat = Heartbeat(settings_for(**kwargs), "Main cellar")
    with pytest.raises(HeartbeatUnavailableError) as caught:
        heartbeat.check()
    assert caught.value.code == expected_code
    assert caught.value.args[0].startswith("CloudWatch client setup failed")
    assert_no_secret(caught.value)
    heartbeat.close()


def test_empty_cellar_name_is_refused() -> None:
    with pytest.raises(ValueError, match="cellar name"):
        Heartbeat(settings_for(), "  ")


def client_error(code: str, message: str = "", status: int = 400) -> ClientError:
    return ClientError(
        {
            "Error": {"Code": code, "Message": message},
            "ResponseMetadata": {"HTTPStatusCode": status},
        },
        "PutMetricData",
    )


@pytest.mark.parametrize("code", sorted(AUTH_ERROR_CODES))
def test_auth_codes(code: str) -> None:
    error = Heartbeat(settings_for(), "c")._translate(client_error(code), "PutMetricData")
    assert isinstance(error, HeartbeatAuthError)
    assert error.code == code


def test_translation() -> None:
    heartbeat = Heartbeat(settings_for(), "c")
    translate = heartbeat._translate

    error = translate(client_error("Throttling", "Rate exceeded"), "PutMetricData")
    assert type(error) is HeartbeatUnavailableError
    assert str(error) == "CloudWatch PutMetricData failed: Throttling: Rate exceeded"

    # A query-protocol XML error in a CBOR response (what moto's auth layer sends).
    xml = (
        '<?xml version="1.0"?><ErrorResponse><Errors><Error><Code>AccessDenied</Code>'
        "<Message>User: x is not authorized</Message></Error></Errors></ErrorResponse>"
    )
    error = translate(client_error("403", xml, 403), "PutMetricData")
    assert type(error) is HeartbeatAuthError
    assert error.code == "AccessDenied"
    assert str(error) == "CloudWatch PutMetricData failed: AccessDenied: User: x is not authorized"

    error = translate(client_error("Forbidden", "", 403), "PutMetricData")
    assert type(error) is HeartbeatAuthError

    error = translate(ClientError({}, "PutMetricData"), "PutMetricData")
    assert type(error) is HeartbeatUnavailableError
    assert error.code == "Unknown"

    error = translate(client_error("X", f"{SECRET} " + "long " * 100), "PutMetricData")
    assert SECRET not in str(error)
    assert len(str(error)) <= 300
    assert str(error).endswith("…")

    assert _redact("one  two\n three", "") == "one two three"

    error = translate(NoCredentialsError(), "PutMetricData")
    assert type(error) is HeartbeatAuthError
    assert error.code == "NoCredentialsError"

    error = translate(ReadTimeoutError(endpoint_url="http://x"), "PutMetricData")
    assert type(error) is HeartbeatUnavailableError
    assert error.code == "ReadTimeoutError"


def test_every_error_is_a_heartbeat_error_and_auth_is_not_transient() -> None:
    assert issubclass(HeartbeatAuthError, HeartbeatError)
    assert issubclass(HeartbeatUnavailableError, HeartbeatError)
    assert not issubclass(HeartbeatAuthError, HeartbeatUnavailableError)
    assert not issubclass(HeartbeatUnavailableError, HeartbeatAuthError)
    error = HeartbeatUnavailableError("x", code="Throttling")
    assert (str(error), error.code) == ("x", "Throttling")
