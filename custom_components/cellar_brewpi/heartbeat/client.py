"""
The CloudWatch heartbeat ("master alarm") client: blocking boto3 calls, made from an executor.

One `PutMetricData` per good poll cycle keeps the `PANEL_READ` metric at 1 per minute; a CloudWatch
alarm with `TreatMissingData=breaching` fires when it stops (see `Heartbeat.create_alarm`).

Every call is bounded: 5 s connect and read timeouts, at most 2 retries (botocore's `standard`
mode, with jittered back-off) and none that could end after `CALL_DEADLINE` seconds. Heartbeats
carry the current time only: they are never replayed from a backlog, because a replay would
paint over the outage the alarm is for.
"""

from __future__ import annotations

import math
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from boto3.session import Session  # type: ignore[import-untyped]
from botocore import xform_name  # type: ignore[import-untyped]
from botocore.config import Config  # type: ignore[import-untyped]
from botocore.exceptions import (  # type: ignore[import-untyped]
    BotoCoreError,
    ClientError,
    NoCredentialsError,
    PartialCredentialsError,
)

from .errors import HeartbeatAuthError, HeartbeatUnavailableError
from .policy import DEFAULT_NAMESPACE

METRIC_NAME: Final = "PANEL_READ"
DIMENSION: Final = "CELLAR_NAME"
UNIT: Final = "Count"

CONNECT_TIMEOUT: Final = 5.0
"""Seconds to open the connection, per attempt."""

READ_TIMEOUT: Final = 5.0
"""Seconds to wait on each socket read, per attempt."""

MAX_RETRIES: Final = 2
"""Retries per call in botocore's `standard` mode: its `max_attempts` key counts retries only."""

CALL_DEADLINE: Final = 15.0
"""A retry is only started if it would end, at worst, within this many seconds of the call."""

MAX_CLOCK_SKEW: Final = timedelta(seconds=60)
"""A heartbeat's timestamp must be this close to the current time: heartbeats are never replayed."""

ALARM_PERIOD: Final = 60
"""Seconds per alarm evaluation period."""

MAX_ALARM_MINUTES: Final = 1440
"""CloudWatch limits an alarm's evaluation range (periods x period) to one day."""

AUTH_ERROR_CODES: Final = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "AuthFailure",
        "ExpiredToken",
        "ExpiredTokenException",
        "IncompleteSignature",
        "InvalidAccessKeyId",
        "InvalidClientTokenId",
        "InvalidSignatureException",
        "MissingAuthenticationToken",
        "NotAuthorized",
        "SignatureDoesNotMatch",
        "UnauthorizedOperation",
        "UnrecognizedClientException",
    }
)
"""AWS error codes that mean the credentials or the IAM policy are wrong (any HTTP 401/403 too)."""

_DEADLINE_KEY: Final = "cellar_heartbeat_deadline"
_FAILURE_KEY: Final = "cellar_heartbeat_failure"
_MAX_MESSAGE: Final = 300
_REDACTED: Final = "**REDACTED**"
_XML_CODE: Final = re.compile(r"<Code>([^<]{1,100})</Code>")
_XML_MESSAGE: Final = re.compile(r"<Message>([^<]*)</Message>")


@dataclass(frozen=True, slots=True)
class CloudWatchSettings:
    """Where and as whom to send heartbeats. `repr` leaves the secret access key out."""

    region: str
    access_key_id: str
    secret_access_key: str = field(repr=False)
    namespace: str = DEFAULT_NAMESPACE
    endpoint_url: str | None = None
    """A non-AWS endpoint (moto in tests); `None` uses the region's CloudWatch endpoint."""


class _DeadlineExceededError(Exception):
    """A retry was skipped because it could have ended after `CALL_DEADLINE`."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _enforce_deadline(request: Any, **_kwargs: Any) -> None:
    """
    Bound a call, retries included, by `CALL_DEADLINE` (a botocore `request-created` handler).

    botocore builds (and signs) a new request for each attempt, after the retry back-off, and the
    call's context dict is shared by its attempts: the first attempt sets the deadline there, and
    a later attempt that could end after it is refused with the previous attempt's failure.
    """
    context: dict[str, Any] = request.context
    now = time.monotonic()
    attempt = context.get("retries", {}).get("attempt", 1)
    if attempt <= 1 or _DEADLINE_KEY not in context:
        context[_DEADLINE_KEY] = now + CALL_DEADLINE
        return
    if now + CONNECT_TIMEOUT + READ_TIMEOUT > context[_DEADLINE_KEY]:
        code, message = context.get(_FAILURE_KEY, ("Timeout", ""))
        raise _DeadlineExceededError(
            code, f"{message} (not retried: the call could last more than {CALL_DEADLINE:.0f} s)"
        )


def _remember_failure(
    request_dict: Any, response: Any = None, caught_exception: Any = None, **_kwargs: Any
) -> None:
    """Note why an attempt failed, for `_enforce_deadline` (a botocore `needs-retry` handler)."""
    if caught_exception is not None:
        failure = (type(caught_exception).__name__, str(caught_exception))
    elif response is not None and "Error" in response[1]:
        error = response[1]["Error"]
        failure = (str(error.get("Code") or "Unknown"), str(error.get("Message") or ""))
    else:
        return
    request_dict["context"][_FAILURE_KEY] = failure


def _redact(text: str, secret: str) -> str:
    """Return `text` without `secret`, on one line and at most `_MAX_MESSAGE` characters long."""
    if secret:
        text = text.replace(secret, _REDACTED)
    text = " ".join(text.split())
    if len(text) > _MAX_MESSAGE:
        text = text[: _MAX_MESSAGE - 1] + "…"
    return text


def _client_error_details(err: Any) -> tuple[str, str, int | None]:
    """Return the AWS error code, message and HTTP status of a botocore `ClientError`."""
    response: dict[str, Any] = err.response
    error: dict[str, Any] = response.get("Error") or {}
    code = str(error.get("Code") or "Unknown")
    message = str(error.get("Message") or "")
    status = (response.get("ResponseMetadata") or {}).get("HTTPStatusCode")
    # A gateway (or moto's auth layer) can answer a JSON/CBOR request with a query-protocol XML
    # error: botocore then reports the HTTP status as the code and the XML as the message.
    if (xml_code := _XML_CODE.search(message)) is not None:
        xml_message = _XML_MESSAGE.search(message)
        code = xml_code.group(1)
        message = xml_message.group(1) if xml_message is not None else ""
    return code, message, status if isinstance(status, int) else None


def _check_timestamp(timestamp: datetime) -> datetime:
    """Return `timestamp` in UTC; raise if it is naive or not the current time."""
    if timestamp.tzinfo is None or timestamp.utcoffset() is None:
        raise ValueError("the heartbeat timestamp must be timezone-aware")
    timestamp = timestamp.astimezone(UTC)
    skew = abs(datetime.now(UTC) - timestamp)
    if skew > MAX_CLOCK_SKEW:
        raise HeartbeatUnavailableError(
            f"not sent: the heartbeat timestamp is {skew.total_seconds():.0f} s away from the "
            "current time, and heartbeats are never replayed",
            code="StaleTimestamp",
        )
    return timestamp


class Heartbeat:
    """
    Sends one cellar's heartbeat to CloudWatch and creates its alarm.

    Every method but the constructor blocks: call them in an executor. The boto3 client is made
    once, by the first call that needs it (botocore reads its model files then). At most one
    `PutMetricData` is in flight: a `send` or `check` made while another one runs is refused with
    `HeartbeatUnavailableError` (code `InFlight`) instead of queueing behind it.
    """

    def __init__(self, settings: CloudWatchSettings, cellar_name: str) -> None:
        """Prepare the heartbeat of `cellar_name` (the `CELLAR_NAME` dimension); no I/O."""
        if not cellar_name or not cellar_name.strip():
            raise ValueError("the cellar name must not be empty")
        self._settings = settings
        self._cellar_name = cellar_name
        self._client: Any = None
        self._client_lock = threading.Lock()
        self._put_lock = threading.Lock()
        self._closed = False

    def __repr__(self) -> str:
        """Describe the heartbeat without its credentials."""
        return (
            f"Heartbeat(namespace={self._settings.namespace!r}, "
            f"cellar_name={self._cellar_name!r}, region={self._settings.region!r})"
        )

    @property
    def settings(self) -> CloudWatchSettings:
        """The CloudWatch settings."""
        return self._settings

    @property
    def cellar_name(self) -> str:
        """The value of the `CELLAR_NAME` dimension."""
        return self._cellar_name

    @property
    def alarm_name(self) -> str:
        """The name of the alarm `create_alarm` creates or updates."""
        return f"{self._settings.namespace} {self._cellar_name} master alarm"

    def send(self, now: datetime, *, value: float = 1.0) -> None:
        """
        Send one heartbeat datapoint (`PANEL_READ` = `value`, 1 by default) timestamped `now`.

        `now` must be timezone-aware and the current time (within `MAX_CLOCK_SKEW`); otherwise
        nothing is sent: a heartbeat is never replayed after an outage. Call it once per cycle in
        which fresh readings were acquired, and skip it (or send 0) when they were not.
        """
        self._put(now, value)

    def check(self) -> None:
        """
        Check the settings live, for a config flow: send one datapoint of value 0 now.

        It exercises exactly what `send` needs (the same namespace, metric and dimension, and the
        only permission the least-privilege policy must keep), but 0 adds nothing to the alarm's
        Sum, so a check made during an outage cannot flip the alarm back to OK.
        """
        self._put(datetime.now(UTC), 0.0)

    def create_alarm(self, *, minutes: int = 5, sns_topic_arn: str | None = None) -> str:
        """
        Create (or update, same name) the alarm that fires after `minutes` without a heartbeat.

        Sum of `PANEL_READ` per 60 s period, `minutes` of `minutes` periods below 1, missing data
        counts as breaching (the default, `missing`, would turn a stopped heartbeat into
        INSUFFICIENT_DATA rather than ALARM). With `sns_topic_arn`, the topic gets both the ALARM
        and the OK notifications. Needs `cloudwatch:PutMetricAlarm`. Returns the alarm name.
        """
        if not 1 <= minutes <= MAX_ALARM_MINUTES:
            raise ValueError(f"minutes must be between 1 and {MAX_ALARM_MINUTES}")
        name = self.alarm_name
        actions: dict[str, Any] = {}
        if sns_topic_arn:
            actions = {"AlarmActions": [sns_topic_arn], "OKActions": [sns_topic_arn]}
        self._call(
            "PutMetricAlarm",
            AlarmName=name,
            AlarmDescription=(
                f"No {METRIC_NAME} heartbeat from the cellar {self._cellar_name!r} for {minutes} "
                "minutes: Home Assistant, its network or its power is down, or no controller "
                "could be read."
            ),
            Namespace=self._settings.namespace,
            MetricName=METRIC_NAME,
            Dimensions=[{"Name": DIMENSION, "Value": self._cellar_name}],
            Statistic="Sum",
            Period=ALARM_PERIOD,
            EvaluationPeriods=minutes,
            DatapointsToAlarm=minutes,
            Threshold=1.0,
            ComparisonOperator="LessThanThreshold",
            TreatMissingData="breaching",
            **actions,
        )
        return name

    def close(self) -> None:
        """Release the client's connections; the heartbeat cannot be used afterwards."""
        with self._client_lock:
            self._closed = True
            client, self._client = self._client, None
        if client is not None:
            client.close()

    def _put(self, timestamp: datetime, value: float) -> None:
        """Send one datapoint, unless another one is in flight."""
        if not math.isfinite(value) or value < 0:
            raise ValueError("the heartbeat value must be a finite number >= 0")
        timestamp = _check_timestamp(timestamp)
        if not self._put_lock.acquire(blocking=False):
            raise HeartbeatUnavailableError(
                "not sent: the previous heartbeat is still in flight", code="InFlight"
            )
        try:
            self._call(
                "PutMetricData",
                Namespace=self._settings.namespace,
                MetricData=[
                    {
                        "MetricName": METRIC_NAME,
                        "Dimensions": [{"Name": DIMENSION, "Value": self._cellar_name}],
                        "Timestamp": timestamp,
                        "Value": float(value),
                        "Unit": UNIT,
                    }
                ],
            )
        finally:
            self._put_lock.release()

    def _call(self, operation: str, **params: Any) -> None:
        """Call the CloudWatch `operation`, translating every failure into our two errors."""
        client = self._get_client()
        method = getattr(client, xform_name(operation))
        try:
            method(**params)
        except Exception as err:
            # Not only botocore's errors: its parsers can raise others (e.g. UnicodeDecodeError
            # on a proxy's non-UTF-8 error page), and callers rely on getting one of our two.
            raise self._translate(err, operation) from err

    def _get_client(self) -> Any:
        """Return the boto3 CloudWatch client, made on first use."""
        with self._client_lock:
            if self._closed:
                raise HeartbeatUnavailableError("the heartbeat is closed", code="Closed")
            if self._client is None:
                self._client = self._create_client()
            return self._client

    def _create_client(self) -> Any:
        settings = self._settings
        if not settings.access_key_id or not settings.secret_access_key:
            raise HeartbeatAuthError(
                "the AWS access key ID and secret access key are required",
                code="MissingCredentials",
            )
        config = Config(
            connect_timeout=CONNECT_TIMEOUT,
            read_timeout=READ_TIMEOUT,
            retries={"mode": "standard", "max_attempts": MAX_RETRIES},
        )
        try:
            session = Session(
                aws_access_key_id=settings.access_key_id,
                aws_secret_access_key=settings.secret_access_key,
                region_name=settings.region,
            )
            client = session.client("cloudwatch", endpoint_url=settings.endpoint_url, config=config)
        except (BotoCoreError, ValueError) as err:
            # ValueError: botocore's check of the endpoint URL.
            raise self._translate(err, "client setup") from err
        client.meta.events.register("request-created.cloudwatch", _enforce_deadline)
        client.meta.events.register("needs-retry.cloudwatch", _remember_failure)
        return client

    def _translate(
        self, err: Exception, operation: str
    ) -> HeartbeatAuthError | HeartbeatUnavailableError:
        """Return our error for a botocore error, its message free of the secret."""
        secret = self._settings.secret_access_key
        if isinstance(err, ClientError):
            code, message, status = _client_error_details(err)
            text = _redact(f"CloudWatch {operation} failed: {code}: {message}", secret)
            if code in AUTH_ERROR_CODES or status in {401, 403}:
                return HeartbeatAuthError(text, code=code)
            return HeartbeatUnavailableError(text, code=code)
        if isinstance(err, NoCredentialsError | PartialCredentialsError):
            return HeartbeatAuthError(
                _redact(f"CloudWatch {operation} failed: {err}", secret), code=type(err).__name__
            )
        if isinstance(err, _DeadlineExceededError):
            # Only retryable failures get here, so never an authentication error.
            text = _redact(f"CloudWatch {operation} failed: {err.code}: {err}", secret)
            return HeartbeatUnavailableError(text, code=err.code)
        return HeartbeatUnavailableError(
            _redact(f"CloudWatch {operation} failed: {type(err).__name__}: {err}", secret),
            code=type(err).__name__,
        )
