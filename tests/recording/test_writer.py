"""The InfluxDB writer and the drainer: fake servers for status codes, VictoriaMetrics for data."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from custom_components.cellar_brewpi.recording import (
    CorruptDatabaseError,
    Drainer,
    DurableQueue,
    InfluxAuthError,
    InfluxError,
    InfluxNotFoundError,
    InfluxRejectedError,
    InfluxRetryableError,
    InfluxWriter,
    InfluxWrongServerError,
    QueueClosedError,
    Reading,
    RecordingError,
    time_ns,
    to_line,
)
from custom_components.cellar_brewpi.recording.writer import MAX_RETRY_AFTER, parse_retry_after
from scripts.victoria_metrics import Key, VictoriaMetrics, free_port
from tests.recording.conftest import FakeInflux, eventually

START = datetime(2026, 1, 1, tzinfo=UTC)


def lines(count: int, prefix: str = "load", start: int = 0) -> list[str]:
    return [
        f"{prefix},series=s{i % 7} v={i}i {1_700_000_000_000_000_000 + i * 1_000_000_000}"
        for i in range(start, start + count)
    ]


def writer_for(session: aiohttp.ClientSession, url: str, **kwargs: Any) -> InfluxWriter:
    kwargs.setdefault("timeout", 5.0)
    return InfluxWriter(session, url, "secret-token", "my org", "cellar", **kwargs)


def drainer_for(queue: DurableQueue, writer: InfluxWriter, **kwargs: Any) -> Drainer:
    return Drainer(queue, writer, asyncio.to_thread, **kwargs)


def json_error(status: int, message: str, **headers: str) -> web.Response:
    return web.json_response(
        {"code": "invalid", "message": message}, status=status, headers=headers
    )


def cycle_lines(cycle: int, controllers: int = 10) -> list[str]:
    """One poll cycle in the cellar's schema: 9 panel slots and `controllers` controllers."""
    stamp = time_ns(START + timedelta(seconds=60 * cycle))
    readings = [
        Reading(
            "cellar_panel_read",
            {"slot": str(number), "vessel": f"FV 10/{number}", "batch_number": "1234"},
            {
                "temp": 60 + number + (cycle % 10) / 10,
                "set_point": 60.0 + number,
                "valve_open": (cycle + number) % 2,
                "days_in_vessel": cycle // 1440,
            },
            stamp,
        )
        for number in range(1, 10)
    ]
    readings += [
        Reading(
            "brewpi",
            {"device": f"brewpi {index}", "temp_format": "F"},
            {
                "beer_temp": 67 + index / 10,
                "beer_set": 68.0,
                "fridge_temp": 60.0 + cycle % 5,
                "fridge_set": 59.5,
                "room_temp": 70.25,
                "state": 4,
                "mode": "b",
            },
            stamp,
        )
        for index in range(controllers)
    ]
    return [to_line(reading) for reading in readings]


FIELDS_PER_CYCLE = 9 * 4 + 10 * 7  # samples per cycle in VictoriaMetrics: one per field


def assert_exactly_once(samples: dict[Key, int], expected_keys: int) -> None:
    assert len(samples) == expected_keys
    duplicated = {key: count for key, count in samples.items() if count != 1}
    assert not duplicated


@pytest.fixture
def queue(tmp_path: Path) -> Any:
    durable = DurableQueue(tmp_path / "recording.db")
    yield durable
    durable.close()


# --- the writer ------------------------------------------------------------------------------


async def test_write_posts_gzip_line_protocol(
    session: aiohttp.ClientSession, fake_influx: FakeInflux
) -> None:
    writer = writer_for(session, fake_influx.url + "/")
    assert writer.url == f"{fake_influx.url}/api/v2/write"
    await writer.write([])
    assert fake_influx.requests == []
    batch = lines(500)
    await writer.write(batch)
    (request,) = fake_influx.requests
    assert request["lines"] == batch
    assert request["query"] == {"org": "my org", "bucket": "cellar", "precision": "ns"}
    assert request["headers"]["Authorization"] == "Token secret-token"
    assert request["headers"]["Content-Encoding"] == "gzip"
    assert request["raw_length"] < len("\n".join(batch)) / 5
    # no token (VictoriaMetrics without auth): no Authorization header
    await InfluxWriter(session, fake_influx.url, "", "o", "b").write(batch[:1])
    assert "Authorization" not in fake_influx.requests[-1]["headers"]


def http_date(seconds: float) -> str:
    return format_datetime(datetime.now(UTC) + timedelta(seconds=seconds), usegmt=True)


@pytest.mark.parametrize(
    ("make_response", "error", "check"),
    [
        (lambda: json_error(401, "unauthorized access"), InfluxAuthError, None),
        (lambda: json_error(403, "insufficient permissions"), InfluxAuthError, None),
        (lambda: json_error(404, 'bucket "cellar" not found'), InfluxNotFoundError, None),
        (
            lambda: web.Response(status=429, headers={"Retry-After": "7"}),
            InfluxRetryableError,
            lambda err: err.retry_after == 7.0,
        ),
        (
            lambda: web.Response(status=503, headers={"Retry-After": http_date(30)}),
            InfluxRetryableError,
            lambda err: 25 < err.retry_after <= 30,
        ),
        (lambda: web.Response(status=502), InfluxRetryableError, lambda e: e.retry_after is None),
        (lambda: web.Response(status=408), InfluxRetryableError, None),
        (
            lambda: web.Response(status=301, headers={"Location": "https://elsewhere/"}),
            InfluxRetryableError,
            None,
        ),
        (
            lambda: json_error(400, "unable to parse 'x': missing fields"),
            InfluxRejectedError,
            lambda err: (err.status, err.message) == (400, "unable to parse 'x': missing fields"),
        ),
        (
            lambda: web.json_response({"error": "no message key"}, status=422),
            InfluxRejectedError,
            lambda err: (err.status, err.message) == (422, '{"error": "no message key"}'),
        ),
        (
            lambda: web.Response(status=405, text="method not allowed"),
            InfluxRejectedError,
            lambda err: (err.status, err.message) == (405, "method not allowed"),
        ),
    ],
)
async def test_write_maps_statuses(
    session: aiohttp.ClientSession,
    fake_influx: FakeInflux,
    make_response: Callable[[], web.Response],
    error: type[Exception],
    check: Callable[[Any], bool] | None,
) -> None:
    async def respond(_: list[str]) -> web.Response:
        return make_response()

    fake_influx.respond = respond
    with pytest.raises(error) as caught:
        await writer_for(session, fake_influx.url).write(lines(3))
    assert check is None or check(caught.value)
    assert "secret-token" not in str(caught.value)


async def test_write_connection_refused_and_timeout(
    session: aiohttp.ClientSession, fake_influx: FakeInflux
) -> None:
    with pytest.raises(InfluxRetryableError, match="failed"):
        await writer_for(session, f"http://127.0.0.1:{free_port()}").write(lines(1))
    release = asyncio.Event()

    async def hang(_: list[str]) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(5):
                await release.wait()

    fake_influx.respond = hang
    with pytest.raises(InfluxRetryableError, match=r"did not answer within 0\.2 s"):
        await writer_for(session, fake_influx.url, timeout=0.2).write(lines(1))
    release.set()


def test_parse_retry_after() -> None:
    now = datetime(2026, 1, 1, 12, tzinfo=UTC)
    assert parse_retry_after(None) is None
    assert parse_retry_after("") is None
    assert parse_retry_after(" 5 ") == 5.0
    assert parse_retry_after("1.5") == 1.5
    assert parse_retry_after("-3") == 0.0
    assert parse_retry_after("nan") is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("99999999") == MAX_RETRY_AFTER
    assert parse_retry_after("Thu, 01 Jan 2026 12:00:42 GMT", now) == 42.0
    assert parse_retry_after("Thu, 01 Jan 2026 11:00:00 GMT", now) == 0.0
    assert parse_retry_after("Thu, 01 Jan 2026 12:00:10", now) == 10.0  # no zone: UTC


async def test_check(session: aiohttp.ClientSession, fake_influx: FakeInflux) -> None:
    writer = writer_for(session, fake_influx.url)
    await writer.check()  # 204 (VictoriaMetrics answers an empty write so)
    assert fake_influx.requests[-1]["lines"] == []
    assert "Content-Encoding" not in fake_influx.requests[-1]["headers"]
    answers = iter(
        [
            json_error(400, "writing requires points"),  # InfluxDB 2: token/org/bucket fine
            json_error(401, "unauthorized access"),
            json_error(404, 'organization name "my org" not found'),
            web.Response(status=503),
        ]
    )

    async def respond(_: list[str]) -> web.Response:
        return next(answers)

    fake_influx.respond = respond
    await writer.check()
    with pytest.raises(InfluxAuthError):
        await writer.check()
    with pytest.raises(InfluxNotFoundError, match="organization"):
        await writer.check()
    with pytest.raises(InfluxRetryableError):
        await writer.check()


@pytest.mark.parametrize(
    "make_response",
    [
        lambda: web.Response(status=200, text="<html>any web server</html>"),
        lambda: web.Response(status=201),
        lambda: web.Response(status=404, text="404: Not Found"),
        lambda: web.Response(status=401, text="login required"),
        lambda: web.Response(status=400, text="bad request"),
        lambda: web.Response(status=302, headers={"Location": "/login"}),
    ],
    ids=["200", "201", "404-plain", "401-plain", "400-plain", "redirect"],
)
async def test_check_refuses_what_is_not_influxdb(
    session: aiohttp.ClientSession,
    fake_influx: FakeInflux,
    make_response: Callable[[], web.Response],
) -> None:
    """A web server that is not InfluxDB's write API is named as such, never "bucket not found"."""

    async def respond(_: list[str]) -> web.Response:
        return make_response()

    fake_influx.respond = respond
    with pytest.raises(InfluxWrongServerError, match="not as InfluxDB's write API"):
        await writer_for(session, fake_influx.url).check()


async def test_check_accepts_influxdb_answers_by_their_headers(
    session: aiohttp.ClientSession, fake_influx: FakeInflux
) -> None:
    """InfluxDB's 400 to an empty write counts, known by its headers; its 404 is the bucket."""
    answers = iter(
        [
            web.Response(status=400, text="no points", headers={"X-Influxdb-Build": "OSS"}),
            web.Response(status=404, text="nope", headers={"X-Influxdb-Version": "v2.7.12"}),
        ]
    )

    async def respond(_: list[str]) -> web.Response:
        return next(answers)

    fake_influx.respond = respond
    writer = writer_for(session, fake_influx.url)
    await writer.check()
    with pytest.raises(InfluxNotFoundError):
        await writer.check()


async def test_a_write_counts_only_when_answered_204(
    session: aiohttp.ClientSession, fake_influx: FakeInflux, queue: DurableQueue
) -> None:
    """A server answering 200 to everything stores nothing: the points stay queued."""

    async def respond(_: list[str]) -> web.Response:
        return web.Response(status=200, text="OK")

    fake_influx.respond = respond
    writer = writer_for(session, fake_influx.url)
    with pytest.raises(InfluxWrongServerError):
        await writer.write(lines(3))
    queue.enqueue(lines(10))
    drainer = drainer_for(queue, writer)
    result = await drainer.drain_once()
    assert isinstance(result.error, InfluxWrongServerError)
    assert result.written == 0
    assert result.backoff == 1.0
    assert drainer.last_success is None
    assert queue.stats().queued == 10
    fake_influx.respond = None  # now it answers 204
    assert (await drainer.drain_once()).written == 10
    assert queue.stats().queued == 0


async def test_backoff_is_capped_so_the_drain_restarts_promptly(
    session: aiohttp.ClientSession, fake_influx: FakeInflux, queue: DurableQueue
) -> None:
    """Down for 12 attempts: the waits grow to 20 s and stay there, so the drain starts at most
    20 s after the server is back (the target is 30 s), with one request per wait meanwhile."""
    down = 12

    async def respond(_: list[str]) -> web.Response | None:
        nonlocal down
        if down:
            down -= 1
            return web.Response(status=503)
        return None

    fake_influx.respond = respond
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        await asyncio.sleep(0)

    drainer = drainer_for(queue, writer_for(session, fake_influx.url), sleep=sleep)
    queue.enqueue(lines(5))
    task = asyncio.create_task(drainer.run(asyncio.Event()))
    await eventually(lambda: queue.stats().queued == 0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert waits == [1.0, 2.0, 4.0, 8.0, 16.0, 20.0, 20.0, 20.0, 20.0, 20.0, 20.0, 20.0]
    assert len(fake_influx.requests) == 13


# --- the drainer against fake servers --------------------------------------------------------


async def test_rejected_points_are_isolated_and_dead_lettered(
    session: aiohttp.ClientSession, fake_influx: FakeInflux, queue: DurableQueue
) -> None:
    batch = lines(100)
    batch[37] = "load,series=BAD v=1i 1"
    batch[80] = "load,series=BAD v=2i 2"
    queue.enqueue(batch)

    async def respond(request_lines: list[str]) -> web.Response | None:
        bad = [line for line in request_lines if "BAD" in line]
        if bad:
            return json_error(400, f"unable to parse '{bad[0]}': invalid field format")
        return None

    fake_influx.respond = respond
    drainer = drainer_for(queue, writer_for(session, fake_influx.url))
    result = await drainer.drain_once()
    assert (result.written, result.dead_lettered, result.backoff) == (98, 2, None)
    assert sorted(fake_influx.accepted) == sorted(set(batch) - {batch[37], batch[80]})
    assert len(fake_influx.requests) <= 2 * 2 * math.ceil(math.log2(100)) + 1
    stats = queue.stats()
    assert (stats.queued, stats.dead_letters) == (0, 2)
    assert [(line, status) for line, _, status, _ in queue.dead_letters()] == [
        (batch[80], 400),
        (batch[37], 400),
    ]
    assert queue.dead_letters()[1][1] == f"unable to parse '{batch[37]}': invalid field format"
    assert drainer.consecutive_failures == 0


async def test_too_large_batches_are_split_not_dead_lettered(
    session: aiohttp.ClientSession, fake_influx: FakeInflux, queue: DurableQueue
) -> None:
    async def respond(request_lines: list[str]) -> web.Response | None:
        return json_error(413, "request too large") if len(request_lines) > 10 else None

    fake_influx.respond = respond
    batch = lines(95)
    queue.enqueue(batch)
    result = await drainer_for(queue, writer_for(session, fake_influx.url)).drain_once()
    assert (result.written, result.dead_lettered) == (95, 0)
    assert fake_influx.accepted == batch  # oldest first, each once


async def test_retryable_error_during_bisection_loses_nothing(
    session: aiohttp.ClientSession, fake_influx: FakeInflux, queue: DurableQueue
) -> None:
    batch = lines(64)
    batch[50] = "load,series=BAD v=1i 1"
    queue.enqueue(batch)
    calls = 0

    async def respond(request_lines: list[str]) -> web.Response | None:
        nonlocal calls
        calls += 1
        if calls == 4:
            return web.Response(status=503)
        if any("BAD" in line for line in request_lines):
            return json_error(400, "bad")
        return None

    fake_influx.respond = respond
    drainer = drainer_for(queue, writer_for(session, fake_influx.url))
    first = await drainer.drain_once()
    assert first.backoff == 1.0
    assert isinstance(first.error, InfluxRetryableError)
    assert first.written == len(fake_influx.accepted) > 0  # acked as they were accepted
    assert queue.stats().queued == 64 - len(fake_influx.accepted)
    second = await drainer.drain_once()
    assert second.backoff is None
    assert sorted(fake_influx.accepted) == sorted(set(batch) - {batch[50]})
    assert len(fake_influx.accepted) == 63
    assert queue.stats().dead_letters == 1


async def test_backoff_doubles_caps_and_resets(
    session: aiohttp.ClientSession, fake_influx: FakeInflux, queue: DurableQueue
) -> None:
    failures = 5

    async def respond(_: list[str]) -> web.Response | None:
        nonlocal failures
        if failures:
            failures -= 1
            return web.Response(status=503)
        return None

    fake_influx.respond = respond
    drainer = drainer_for(
        queue, writer_for(session, fake_influx.url), initial_backoff=1.0, max_backoff=4.0
    )
    queue.enqueue(lines(3))
    backoffs = [(await drainer.drain_once()).backoff for _ in range(6)]
    assert backoffs == [1.0, 2.0, 4.0, 4.0, 4.0, None]
    assert drainer.consecutive_failures == 0
    assert drainer.last_success is not None
    failures = 1
    queue.enqueue(lines(3, start=3))
    assert (await drainer.drain_once()).backoff == 1.0  # reset by the success
    assert drainer.consecutive_failures == 1
    assert drainer.last_error is not None
    assert (await drainer.drain_once()).written == 3
    assert fake_influx.accepted == lines(6)


async def test_run_honours_retry_after(
    session: aiohttp.ClientSession, fake_influx: FakeInflux, queue: DurableQueue
) -> None:
    limited = 2

    async def respond(_: list[str]) -> web.Response | None:
        nonlocal limited
        if limited:
            limited -= 1
            return web.Response(status=429, headers={"Retry-After": "7"})
        return None

    fake_influx.respond = respond
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        await asyncio.sleep(0)

    drainer = drainer_for(queue, writer_for(session, fake_influx.url), batch_size=10, sleep=sleep)
    queue.enqueue(lines(25))
    wake = asyncio.Event()
    task = asyncio.create_task(drainer.run(wake))
    await eventually(lambda: len(fake_influx.accepted) == 25)
    queue.enqueue(lines(5, start=25))  # new points: the poller sets the event
    wake.set()
    await eventually(lambda: len(fake_influx.accepted) == 30 and queue.stats().queued == 0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert waits == [7.0, 7.0]
    assert fake_influx.accepted == lines(30)
    assert queue.stats().queued == 0


@pytest.mark.parametrize(
    ("status", "error"),
    [(401, InfluxAuthError), (403, InfluxAuthError), (404, InfluxNotFoundError)],
)
async def test_auth_and_not_found_raise_and_keep_points(
    session: aiohttp.ClientSession,
    fake_influx: FakeInflux,
    queue: DurableQueue,
    status: int,
    error: type[Exception],
) -> None:
    async def respond(_: list[str]) -> web.Response:
        return json_error(status, "no")

    fake_influx.respond = respond
    queue.enqueue(lines(10))
    drainer = drainer_for(queue, writer_for(session, fake_influx.url))
    with pytest.raises(error):
        await drainer.drain_once()
    assert drainer.consecutive_failures == 1
    with pytest.raises(error):
        await drainer.run(asyncio.Event())  # the loop ends: the caller starts reauth / repair
    stats = queue.stats()
    assert (stats.queued, stats.dead_letters) == (10, 0)


async def test_request_level_4xx_keeps_points(
    session: aiohttp.ClientSession, fake_influx: FakeInflux, queue: DurableQueue
) -> None:
    async def respond(_: list[str]) -> web.Response:
        return web.Response(status=405)

    fake_influx.respond = respond
    queue.enqueue(lines(10))
    result = await drainer_for(queue, writer_for(session, fake_influx.url)).drain_once()
    assert result.backoff == 1.0
    assert isinstance(result.error, InfluxRejectedError)
    assert len(fake_influx.requests) == 1  # no bisection: it is not about the points
    assert (queue.stats().queued, queue.stats().dead_letters) == (10, 0)


# --- against VictoriaMetrics -------------------------------------------------------------------


async def test_victoria_accepts_and_keeps_duplicates(
    session: aiohttp.ClientSession, victoria: VictoriaMetrics
) -> None:
    """The export shows every re-sent sample, so the exactly-once checks below mean something."""
    await victoria.start()
    writer = writer_for(session, victoria.url)
    await writer.check()
    await writer.write(lines(1))
    await writer.write(lines(1))
    assert list((await victoria.samples()).values()) == [2]


async def test_drain_to_victoria_exactly_once(
    session: aiohttp.ClientSession, victoria: VictoriaMetrics, queue: DurableQueue
) -> None:
    await victoria.start()
    for cycle in range(5):
        queue.enqueue(cycle_lines(cycle))
    result = await drainer_for(queue, writer_for(session, victoria.url)).drain_once()
    assert (result.written, result.backoff) == (5 * 19, None)
    samples = await victoria.samples()
    assert_exactly_once(samples, 5 * FIELDS_PER_CYCLE)
    stamp = int((START + timedelta(seconds=120)).timestamp() * 1000)
    slot1 = (("batch_number", "1234"), ("slot", "1"), ("vessel", "FV 10/1"))
    assert ("cellar_panel_read_temp", slot1, stamp) in samples
    controller = (("device", "brewpi 3"), ("temp_format", "F"))
    series = await victoria.export('{__name__="brewpi_beer_temp",device="brewpi 3"}')
    assert [s["metric"] for s in series] == [{"__name__": "brewpi_beer_temp", **dict(controller)}]
    assert series[0]["values"] == [67.3] * 5
    assert queue.stats().queued == 0


async def test_24h_outage_then_recovery(
    session: aiohttp.ClientSession,
    victoria: VictoriaMetrics,
    queue: DurableQueue,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """24 h at 60 s polling, 10 controllers and 9 vessels, with the server down: 27,360 points."""
    cycles = 1440
    drainer = drainer_for(queue, writer_for(session, victoria.url))  # nothing listens yet
    with caplog.at_level(logging.INFO, logger="custom_components.cellar_brewpi.recording"):
        for cycle in range(cycles):
            queue.enqueue(cycle_lines(cycle))
            if cycle % 360 == 0:
                result = await drainer.drain_once()
                assert result.backoff is not None
                assert result.written == 0
        assert queue.stats().queued == cycles * 19 == 27_360
        assert queue.stats().oldest_time_ns == int(START.timestamp()) * 10**9
        await victoria.start()
        result = await drainer.drain_once()
    assert (result.written, result.dead_lettered, result.backoff) == (27_360, 0, None)
    assert_exactly_once(await victoria.samples(), cycles * FIELDS_PER_CYCLE)
    assert queue.stats().queued == 0
    records = [r for r in caplog.records if r.name.endswith(".recording.drainer")]
    assert [r.levelno for r in records if r.levelno >= logging.INFO] == [
        logging.WARNING,  # once, at the start of the outage
        logging.INFO,  # once, at recovery
    ]


async def test_cancel_mid_drain_then_restart(
    session: aiohttp.ClientSession, victoria: VictoriaMetrics, tmp_path: Path
) -> None:
    """Stop the drain task part-way (and reopen the queue as after a restart): nothing lost."""
    await victoria.start()
    path = tmp_path / "restart.db"
    queue = DurableQueue(path)
    total = 20_000
    for start in range(0, total, 1000):
        queue.enqueue(lines(1000, start=start))
    writer = writer_for(session, victoria.url)
    drainer = drainer_for(queue, writer, batch_size=500)
    task = asyncio.create_task(drainer.run(asyncio.Event()))
    await eventually(lambda: queue.stats().queued <= total - 6000, interval=0.001)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await drainer.async_stop()  # as the unload does: the write in flight finishes and is deleted
    left = queue.stats().queued
    assert 0 < left < total
    queue.close()

    queue = DurableQueue(path)  # the restart
    assert queue.stats().queued == left
    result = await drainer_for(queue, writer, batch_size=500).drain_once()
    assert result.backoff is None
    assert queue.stats().queued == 0
    queue.close()
    samples = await victoria.samples()
    assert len(samples) == total  # every point, none lost
    assert set(samples.values()) == {1}  # and none sent twice: the cancel did not split a write
    assert result.written + (total - left) == total


async def test_rejected_line_against_victoria(
    session: aiohttp.ClientSession, victoria: VictoriaMetrics, queue: DurableQueue
) -> None:
    await victoria.start()
    batch = lines(200)
    batch[123] = "load,series=broken v= 1700000000000000000"
    queue.enqueue(batch)
    result = await drainer_for(queue, writer_for(session, victoria.url)).drain_once()
    assert (result.written, result.dead_lettered) == (199, 1)
    assert_exactly_once(await victoria.samples(), 199)
    ((line, reason, status, _),) = queue.dead_letters()
    assert (line, status) == (batch[123], 400)
    assert "cannot parse field value" in reason


async def test_full_queue_drops_oldest_and_the_rest_arrives(
    session: aiohttp.ClientSession, victoria: VictoriaMetrics, tmp_path: Path
) -> None:
    one_cycle = sum(len(line) + 32 for line in cycle_lines(0))
    queue = DurableQueue(tmp_path / "small.db", max_bytes=one_cycle * 100 + one_cycle // 2)
    for cycle in range(300):
        queue.enqueue(cycle_lines(cycle))
    stats = queue.stats()
    assert stats.queued <= 101 * 19
    assert stats.dropped == 300 * 19 - stats.queued
    assert stats.oldest_time_ns is not None
    kept_from = (stats.oldest_time_ns - int(START.timestamp()) * 10**9) // (60 * 10**9)
    await victoria.start()
    result = await drainer_for(queue, writer_for(session, victoria.url)).drain_once()
    assert result.written == stats.queued
    samples = await victoria.samples()
    assert all(count == 1 for count in samples.values())
    oldest = min(stamp for _, _, stamp in samples)
    assert oldest == (int(START.timestamp()) + 60 * kept_from) * 1000
    assert max(stamp for _, _, stamp in samples) == (int(START.timestamp()) + 60 * 299) * 1000
    queue.close()
    assert json.dumps(stats.dropped)


def test_every_error_is_a_recording_error() -> None:
    for error in (
        InfluxAuthError,
        InfluxNotFoundError,
        InfluxRejectedError,
        InfluxRetryableError,
        InfluxWrongServerError,
    ):
        assert issubclass(error, InfluxError)
    for error in (InfluxError, QueueClosedError, CorruptDatabaseError):
        assert issubclass(error, RecordingError)
    assert issubclass(InfluxWrongServerError, InfluxRetryableError)
    assert issubclass(QueueClosedError, RuntimeError)
