"""
CloudWatch heartbeat ("master alarm") of a cellar: a blocking boto3 client, no Home Assistant.

`Heartbeat.send` puts one `PANEL_READ` datapoint (namespace `CELLAR/INFO`, dimension
`CELLAR_NAME`) per good poll cycle; `Heartbeat.create_alarm` creates the CloudWatch alarm that
fires when the datapoints stop (missing data counts as breaching). Call the methods in an executor.
`LEAST_PRIVILEGE_POLICY` is the IAM policy of the AWS user the heartbeat runs as. Every error
derives from `HeartbeatError` (`errors`): `HeartbeatUnavailableError` is transient,
`HeartbeatAuthError` is not.

`Heartbeat` is in `client`, which imports boto3; this package does not, so the errors and the
policy load without it.
"""

from __future__ import annotations

from .errors import HeartbeatAuthError, HeartbeatError, HeartbeatUnavailableError
from .policy import DEFAULT_NAMESPACE, LEAST_PRIVILEGE_POLICY, least_privilege_policy

__all__ = [
    "DEFAULT_NAMESPACE",
    "LEAST_PRIVILEGE_POLICY",
    "HeartbeatAuthError",
    "HeartbeatError",
    "HeartbeatUnavailableError",
    "least_privilege_policy",
]
