"""The least-privilege IAM policy of the heartbeat's AWS user."""

from __future__ import annotations

from typing import Any, Final

DEFAULT_NAMESPACE: Final = "CELLAR/INFO"


def least_privilege_policy(namespace: str = DEFAULT_NAMESPACE) -> dict[str, Any]:
    """
    Return the IAM policy document (JSON-ready) for a heartbeat publishing to `namespace`.

    - `cloudwatch:PutMetricData`, only into `namespace` (the `cloudwatch:namespace` condition key;
      PutMetricData has no resource-level permissions, hence `"Resource": "*"`). This is all that
      `Heartbeat.send` and `Heartbeat.check` need.
    - `cloudwatch:PutMetricAlarm`, only for `Heartbeat.create_alarm`. Remove this statement once
      the alarm exists: the heartbeat keeps working with the first statement alone.
    """
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "SendCellarHeartbeat",
                "Effect": "Allow",
                "Action": "cloudwatch:PutMetricData",
                "Resource": "*",
                "Condition": {"StringEquals": {"cloudwatch:namespace": namespace}},
            },
            {
                "Sid": "CreateMasterAlarmRemoveAfterwards",
                "Effect": "Allow",
                "Action": "cloudwatch:PutMetricAlarm",
                "Resource": "*",
            },
        ],
    }


LEAST_PRIVILEGE_POLICY: Final = least_privilege_policy()
"""The policy for the default namespace `CELLAR/INFO` (see `least_privilege_policy`)."""
