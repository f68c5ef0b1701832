"""
CloudWatch heartbeat ("master alarm") of a cellar: a blocking boto3 client, no Home Assistant.

`Heartbeat.send` puts one `PANEL_READ` datapoint (namespace `CELLAR/INFO`, dimension
`CELLAR_NAME`) per good poll cycle; `Heartbeat.create_alarm` creates the CloudWatch alarm that
fires when the datapoints stop (missing data counts as breaching). Call the methods in an executor.
`LEAST_PRIVILEGE_POLICY` is the IAM policy of the AWS user the heartbeat runs as. Every error
derives from `HeartbeatError` (`errors`): `HeartbeatUnavailableError` is transient,
`HeartbeatAuthError` is not.

The client (and boto3 with it) is imported on first use of its names: the errors and the policy
load without it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .errors import HeartbeatAuthError, HeartbeatError, HeartbeatUnavailableError
from .policy import DEFAULT_NAMESPACE, LEAST_PRIVILEGE_POLICY, least_privilege_policy

if TYPE_CHECKING:
    from .client import (
        AUTH_ERROR_CODES,
        CALL_DEADLINE,
        DIMENSION,
        MAX_CLOCK_SKEW,
        METRIC_NAME,
        CloudWatchSettings,
        Heartbeat,
    )

_CLIENT = frozenset(
    {
        "AUTH_ERROR_CODES",
        "CALL_DEADLINE",
        "DIMENSION",
        "MAX_CLOCK_SKEW",
        "METRIC_NAME",
        "CloudWatchSettings",
        "Heartbeat",
    }
)


def __getattr__(name: str) -> Any:
    """The client's names, imported when first asked for."""
    if name in _CLIENT:
        return getattr(importlib.import_module(f"{__name__}.client"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AUTH_ERROR_CODES",
    "CALL_DEADLINE",
    "DEFAULT_NAMESPACE",
    "DIMENSION",
    "LEAST_PRIVILEGE_POLICY",
    "MAX_CLOCK_SKEW",
    "METRIC_NAME",
    "CloudWatchSettings",
    "Heartbeat",
    "HeartbeatAuthError",
    "HeartbeatError",
    "HeartbeatUnavailableError",
    "least_privilege_policy",
]
