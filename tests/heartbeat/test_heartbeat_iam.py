"""
The heartbeat against moto_server with IAM authentication on: real signatures, real keys, and the
least-privilege policy attached to the heartbeat's user.
"""

from __future__ import annotations

import json
import traceback
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from botocore.exceptions import ClientError

from custom_components.cellar_brewpi.heartbeat import (
    LEAST_PRIVILEGE_POLICY,
    HeartbeatAuthError,
    least_privilege_policy,
)
from custom_components.cellar_brewpi.heartbeat.client import CloudWatchSettings, Heartbeat
from tests.heartbeat.moto_support import REGION, SECRET, MotoServer


@dataclass(frozen=True)
class Key:
    access_key_id: str
    secret_access_key: str


@dataclass(frozen=True)
class Users:
    heartbeat: Key
    """Has the least-privilege policy."""
    nobody: Key
    """Has no policy at all."""


def moto_policy(policy: dict) -> dict:
    """
    Return `policy` as moto must see it.

    AWS IAM names CloudWatch's actions `cloudwatch:*`, but moto checks them as
    `monitoring:*` (the endpoint prefix), so the policy's actions are renamed for moto. moto also
    skips the `cloudwatch:namespace` condition (it has no value for it), so that is not tested.
    """
    return json.loads(json.dumps(policy).replace('"cloudwatch:Put', '"monitoring:Put'))


@pytest.fixture(scope="module")
def users_cache() -> dict[str, Users]:
    return {}


@pytest.fixture
def users(moto_server: MotoServer, users_cache: dict[str, Users], socket_enabled: None) -> Users:
    """Create the IAM users, then turn moto's authentication on (once per module)."""
    if "users" not in users_cache:
        iam = moto_server.client("iam")
        keys = {}
        for name in ("heartbeat", "nobody"):
            iam.create_user(UserName=name)
            key = iam.create_access_key(UserName=name)["AccessKey"]
            keys[name] = Key(key["AccessKeyId"], key["SecretAccessKey"])
        iam.put_user_policy(
            UserName="heartbeat",
            PolicyName="cellar-heartbeat",
            PolicyDocument=json.dumps(moto_policy(LEAST_PRIVILEGE_POLICY)),
        )
        iam.close()
        request = urllib.request.Request(  # noqa: S310 - the loopback moto_server
            f"{moto_server.endpoint}/moto-api/reset-auth",
            data=b"0",  # authenticate every request from now on
            headers={"Content-Type": "text/plain"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            assert response.status == 200
        users_cache["users"] = Users(keys["heartbeat"], keys["nobody"])
    return users_cache["users"]


def heartbeat_for(moto_server: MotoServer, key: Key) -> Heartbeat:
    settings = CloudWatchSettings(
        region=REGION,
        access_key_id=key.access_key_id,
        secret_access_key=key.secret_access_key,
        endpoint_url=moto_server.endpoint,
    )
    return Heartbeat(settings, "Main cellar")


def test_policy_document() -> None:
    statements = {s["Action"]: s for s in LEAST_PRIVILEGE_POLICY["Statement"]}
    assert set(statements) == {"cloudwatch:PutMetricData", "cloudwatch:PutMetricAlarm"}
    assert statements["cloudwatch:PutMetricData"]["Condition"] == {
        "StringEquals": {"cloudwatch:namespace": "CELLAR/INFO"}
    }
    assert all(s["Effect"] == "Allow" for s in statements.values())
    assert "Remove" in statements["cloudwatch:PutMetricAlarm"]["Sid"]
    other = least_privilege_policy("CELLAR/TEST")
    assert other["Statement"][0]["Condition"]["StringEquals"]["cloudwatch:namespace"] == (
        "CELLAR/TEST"
    )
    assert json.loads(json.dumps(LEAST_PRIVILEGE_POLICY)) == LEAST_PRIVILEGE_POLICY


def test_least_privilege_user_can_do_everything_the_heartbeat_does(
    moto_server: MotoServer, users: Users
) -> None:
    heartbeat = heartbeat_for(moto_server, users.heartbeat)
    heartbeat.check()
    heartbeat.send(datetime.now(UTC))
    assert heartbeat.create_alarm() == "CELLAR/INFO Main cellar master alarm"
    heartbeat.close()


def test_least_privilege_user_can_do_nothing_else(moto_server: MotoServer, users: Users) -> None:
    cloudwatch = moto_server.client(
        "cloudwatch", users.heartbeat.access_key_id, users.heartbeat.secret_access_key
    )
    with pytest.raises(ClientError, match="AccessDenied"):
        cloudwatch.list_metrics()
    cloudwatch.close()


def test_user_without_permission(moto_server: MotoServer, users: Users) -> None:
    heartbeat = heartbeat_for(moto_server, users.nobody)
    with pytest.raises(HeartbeatAuthError, match="AccessDenied") as caught:
        heartbeat.send(datetime.now(UTC))
    assert caught.value.code == "AccessDenied"
    with pytest.raises(HeartbeatAuthError, match="PutMetricAlarm failed: AccessDenied"):
        heartbeat.create_alarm()
    heartbeat.close()


def test_unknown_access_key(moto_server: MotoServer, users: Users) -> None:
    heartbeat = heartbeat_for(moto_server, Key("AKIAUNKNOWNKEY000000", SECRET))
    with pytest.raises(HeartbeatAuthError) as caught:
        heartbeat.check()
    heartbeat.close()
    assert caught.value.code == "InvalidClientTokenId"
    assert SECRET not in "".join(traceback.format_exception(caught.value))


def test_wrong_secret(moto_server: MotoServer, users: Users) -> None:
    heartbeat = heartbeat_for(moto_server, Key(users.heartbeat.access_key_id, SECRET))
    with pytest.raises(HeartbeatAuthError) as caught:
        heartbeat.send(datetime.now(UTC))
    heartbeat.close()
    assert caught.value.code == "SignatureDoesNotMatch"
    assert SECRET not in str(caught.value)
    assert SECRET not in repr(caught.value)
    assert SECRET not in "".join(traceback.format_exception(caught.value))
