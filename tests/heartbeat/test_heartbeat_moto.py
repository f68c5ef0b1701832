"""The heartbeat against a real moto_server (CloudWatch and SNS) on loopback."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from custom_components.cellar_brewpi.heartbeat import HeartbeatUnavailableError
from custom_components.cellar_brewpi.heartbeat.client import (
    DIMENSION,
    METRIC_NAME,
    CloudWatchSettings,
    Heartbeat,
)
from tests.heartbeat.moto_support import REGION, SECRET, MotoServer

NAMESPACE = "CELLAR/INFO"


@pytest.fixture
def settings(moto_server: MotoServer, socket_enabled: None) -> CloudWatchSettings:
    return CloudWatchSettings(
        region=REGION,
        access_key_id="AKIAHEARTBEATTEST001",
        secret_access_key=SECRET,
        endpoint_url=moto_server.endpoint,
    )


@pytest.fixture
def make_heartbeat(settings: CloudWatchSettings) -> Iterator[Callable[..., Heartbeat]]:
    """`make_heartbeat(cellar_name)`; every heartbeat made is closed after the test."""
    made: list[Heartbeat] = []

    def make(cellar_name: str, cw_settings: CloudWatchSettings = settings) -> Heartbeat:
        heartbeat = Heartbeat(cw_settings, cellar_name)
        made.append(heartbeat)
        return heartbeat

    yield make
    for heartbeat in made:
        heartbeat.close()


def statistics(moto_server: MotoServer, cellar_name: str) -> list[dict]:
    cloudwatch = moto_server.client("cloudwatch")
    now = datetime.now(UTC)
    response = cloudwatch.get_metric_statistics(
        Namespace=NAMESPACE,
        MetricName=METRIC_NAME,
        Dimensions=[{"Name": DIMENSION, "Value": cellar_name}],
        StartTime=now - timedelta(minutes=10),
        EndTime=now + timedelta(minutes=10),
        Period=60,
        Statistics=["Sum", "SampleCount"],
    )
    cloudwatch.close()
    return response["Datapoints"]


def test_send_puts_one_datapoint(moto_server: MotoServer, make_heartbeat) -> None:
    heartbeat = make_heartbeat("Main cellar")
    now = datetime.now(UTC)
    heartbeat.send(now)

    cloudwatch = moto_server.client("cloudwatch")
    metrics = cloudwatch.list_metrics(Namespace=NAMESPACE, MetricName=METRIC_NAME)["Metrics"]
    cloudwatch.close()
    assert {
        "Namespace": NAMESPACE,
        "MetricName": METRIC_NAME,
        "Dimensions": [{"Name": DIMENSION, "Value": "Main cellar"}],
    } in metrics

    (datapoint,) = statistics(moto_server, "Main cellar")
    assert datapoint["Sum"] == 1.0
    assert datapoint["SampleCount"] == 1.0
    assert datapoint["Unit"] == "Count"
    assert abs(datapoint["Timestamp"] - now) < timedelta(seconds=5)


def test_send_converts_the_timestamp_to_utc(moto_server: MotoServer, make_heartbeat) -> None:
    heartbeat = make_heartbeat("Offset cellar")
    now = datetime.now(UTC)
    heartbeat.send(now.astimezone(ZoneInfo("America/Chicago")))
    (datapoint,) = statistics(moto_server, "Offset cellar")
    assert abs(datapoint["Timestamp"] - now) < timedelta(seconds=5)


def test_sends_reuse_one_client(moto_server: MotoServer, make_heartbeat) -> None:
    heartbeat = make_heartbeat("Reused cellar")
    assert heartbeat._client is None  # nothing happens before the first call
    heartbeat.send(datetime.now(UTC))
    client = heartbeat._client
    heartbeat.send(datetime.now(UTC), value=2.0)
    assert heartbeat._client is client
    (datapoint,) = statistics(moto_server, "Reused cellar")
    assert datapoint["Sum"] == 3.0
    assert datapoint["SampleCount"] == 2.0


def test_check_sends_a_zero_datapoint(moto_server: MotoServer, make_heartbeat) -> None:
    """The live check proves the same call works but adds nothing to the alarm's Sum."""
    heartbeat = make_heartbeat("Checked cellar")
    heartbeat.check()
    (datapoint,) = statistics(moto_server, "Checked cellar")
    assert datapoint["Sum"] == 0.0
    assert datapoint["SampleCount"] == 1.0


def test_create_alarm(moto_server: MotoServer, make_heartbeat) -> None:
    sns = moto_server.client("sns")
    topic_arn = sns.create_topic(Name="cellar-alarms")["TopicArn"]
    sns.close()
    heartbeat = make_heartbeat("Main cellar")

    name = heartbeat.create_alarm(sns_topic_arn=topic_arn)

    assert name == "CELLAR/INFO Main cellar master alarm" == heartbeat.alarm_name
    cloudwatch = moto_server.client("cloudwatch")
    (alarm,) = cloudwatch.describe_alarms(AlarmNames=[name])["MetricAlarms"]
    cloudwatch.close()
    assert alarm["Namespace"] == NAMESPACE
    assert alarm["MetricName"] == METRIC_NAME
    assert alarm["Dimensions"] == [{"Name": DIMENSION, "Value": "Main cellar"}]
    assert alarm["Statistic"] == "Sum"
    assert alarm["Period"] == 60
    assert alarm["EvaluationPeriods"] == 5
    assert alarm["DatapointsToAlarm"] == 5
    assert alarm["Threshold"] == 1.0
    assert alarm["ComparisonOperator"] == "LessThanThreshold"
    assert alarm["TreatMissingData"] == "breaching"
    assert alarm["AlarmActions"] == [topic_arn]
    assert alarm["OKActions"] == [topic_arn]
    assert "Unit" not in alarm  # any unit matches


def test_create_alarm_again_updates_it(moto_server: MotoServer, make_heartbeat) -> None:
    heartbeat = make_heartbeat("Second cellar")
    heartbeat.create_alarm(sns_topic_arn="arn:aws:sns:eu-west-1:123456789012:old")
    name = heartbeat.create_alarm(minutes=10)

    cloudwatch = moto_server.client("cloudwatch")
    alarms = cloudwatch.describe_alarms(AlarmNamePrefix="CELLAR/INFO Second")["MetricAlarms"]
    cloudwatch.close()
    assert [alarm["AlarmName"] for alarm in alarms] == [name]
    assert alarms[0]["EvaluationPeriods"] == alarms[0]["DatapointsToAlarm"] == 10
    assert alarms[0]["TreatMissingData"] == "breaching"
    assert not alarms[0]["AlarmActions"]
    assert not alarms[0]["OKActions"]


@pytest.mark.parametrize("minutes", [0, -1, 1441])
def test_create_alarm_rejects_bad_minutes(make_heartbeat, minutes: int) -> None:
    with pytest.raises(ValueError, match="minutes"):
        make_heartbeat("Main cellar").create_alarm(minutes=minutes)


def test_stale_or_future_timestamp_is_never_sent(moto_server: MotoServer, make_heartbeat) -> None:
    heartbeat = make_heartbeat("Replayed cellar")
    for timestamp in (
        datetime.now(UTC) - timedelta(minutes=5),
        datetime.now(UTC) + timedelta(minutes=5),
    ):
        with pytest.raises(HeartbeatUnavailableError, match="never replayed") as caught:
            heartbeat.send(timestamp)
        assert caught.value.code == "StaleTimestamp"
    assert heartbeat._client is None
    with pytest.raises(ValueError, match="timezone-aware"):
        heartbeat.send(datetime.now())  # noqa: DTZ005 - the point of the test
    assert statistics(moto_server, "Replayed cellar") == []


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -1.0])
def test_send_rejects_bad_values(make_heartbeat, value: float) -> None:
    with pytest.raises(ValueError, match="finite"):
        make_heartbeat("Main cellar").send(datetime.now(UTC), value=value)


def test_one_put_in_flight(moto_server: MotoServer, make_heartbeat) -> None:
    heartbeat = make_heartbeat("Busy cellar")
    with heartbeat._put_lock:  # as if another executor thread were sending
        with pytest.raises(HeartbeatUnavailableError, match="in flight") as caught:
            heartbeat.send(datetime.now(UTC))
        assert caught.value.code == "InFlight"
        with pytest.raises(HeartbeatUnavailableError, match="in flight"):
            heartbeat.check()
    heartbeat.send(datetime.now(UTC))
    (datapoint,) = statistics(moto_server, "Busy cellar")
    assert datapoint["SampleCount"] == 1.0


def test_concurrent_first_calls_make_one_client(make_heartbeat) -> None:
    heartbeat = make_heartbeat("Concurrent cellar")
    clients = []
    barrier = threading.Barrier(4)

    def get() -> None:
        barrier.wait()
        clients.append(heartbeat._get_client())

    threads = [threading.Thread(target=get) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(clients) == 4
    assert all(client is clients[0] for client in clients)


def test_close(make_heartbeat) -> None:
    heartbeat = make_heartbeat("Closed cellar")
    heartbeat.send(datetime.now(UTC))
    heartbeat.close()
    heartbeat.close()
    with pytest.raises(HeartbeatUnavailableError, match="closed") as caught:
        heartbeat.send(datetime.now(UTC))
    assert caught.value.code == "Closed"
    Heartbeat(heartbeat.settings, "Never used").close()


def test_other_namespace(moto_server: MotoServer, settings: CloudWatchSettings) -> None:
    heartbeat = Heartbeat(
        CloudWatchSettings(
            region=REGION,
            access_key_id=settings.access_key_id,
            secret_access_key=SECRET,
            namespace="CELLAR/TEST",
            endpoint_url=moto_server.endpoint,
        ),
        "Main cellar",
    )
    heartbeat.send(datetime.now(UTC))
    assert heartbeat.create_alarm() == "CELLAR/TEST Main cellar master alarm"
    heartbeat.close()
    cloudwatch = moto_server.client("cloudwatch")
    metrics = cloudwatch.list_metrics(Namespace="CELLAR/TEST")["Metrics"]
    cloudwatch.close()
    assert [metric["MetricName"] for metric in metrics] == [METRIC_NAME]


def test_the_secret_stays_out_of_debug_logs(
    make_heartbeat, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    heartbeat = make_heartbeat("Logged cellar")
    heartbeat.send(datetime.now(UTC))
    heartbeat.create_alarm()
    assert any(record.name.startswith("botocore") for record in caplog.records)
    assert SECRET not in caplog.text
    assert SECRET not in repr(heartbeat)
