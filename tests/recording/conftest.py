"""Fixtures of the recording tests: a real VictoriaMetrics and small fake InfluxDB servers."""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
import subprocess
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

VICTORIA_METRICS = "/usr/bin/victoria-metrics"

type Key = tuple[str, tuple[tuple[str, str], ...], int]
"""A sample's identity in VictoriaMetrics: metric name, sorted labels, timestamp in ms."""


async def eventually(predicate: Callable[[], bool], *, interval: float = 0.005) -> None:
    """Wait (up to 20 s) until `predicate()` holds: for state that has no event of its own."""
    async with asyncio.timeout(20):
        while not predicate():  # noqa: ASYNC110
            await asyncio.sleep(interval)


def free_port() -> int:
    """A loopback port nobody listens on (for now)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class VictoriaMetrics:
    """A VictoriaMetrics process on loopback: the InfluxDB v2 write API and an export."""

    def __init__(self, session: aiohttp.ClientSession, data_dir: Path) -> None:
        self.session = session
        self.data_dir = data_dir
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603, ASYNC220
            [
                VICTORIA_METRICS,
                f"-httpListenAddr=127.0.0.1:{self.port}",
                f"-storageDataPath={self.data_dir}",
                "-retentionPeriod=100y",
                "-loggerLevel=ERROR",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        async with asyncio.timeout(20):
            while True:
                try:
                    async with self.session.get(f"{self.url}/health") as response:
                        if response.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)
            self.process = None

    async def export(self, match: str = '{__name__=~".+"}') -> list[dict[str, Any]]:
        """Every series with its raw samples (duplicates included: VM keeps them)."""
        async with self.session.get(f"{self.url}/internal/force_flush") as response:
            assert response.status == 200
        async with self.session.get(
            f"{self.url}/api/v1/export", params={"match[]": match}
        ) as response:
            assert response.status == 200
            text = await response.text()
        return [json.loads(line) for line in text.splitlines() if line.strip()]

    async def samples(self, match: str = '{__name__=~".+"}') -> Counter[Key]:
        """How many times each (metric, labels, timestamp) landed."""
        counts: Counter[Key] = Counter()
        for series in await self.export(match):
            metric = dict(series["metric"])
            name = metric.pop("__name__")
            labels = tuple(sorted(metric.items()))
            for stamp in series["timestamps"]:
                counts[name, labels, stamp] += 1
        return counts


@pytest.fixture
async def session(socket_enabled: None) -> AsyncIterator[aiohttp.ClientSession]:
    """A client session; the test plugin limits its sockets to loopback."""
    async with aiohttp.ClientSession() as client_session:
        yield client_session


@pytest.fixture
def victoria(session: aiohttp.ClientSession, tmp_path: Path) -> Iterator[VictoriaMetrics]:
    """A VictoriaMetrics on a reserved free port, not started yet (`await victoria.start()`)."""
    server = VictoriaMetrics(session, tmp_path / "victoria")
    yield server
    server.stop()
    shutil.rmtree(server.data_dir, ignore_errors=True)


@dataclass
class FakeInflux:
    """A loopback `/api/v2/write` whose answers the test decides; it records every request."""

    respond: Callable[[list[str]], Awaitable[web.StreamResponse | None]] | None = None
    requests: list[dict[str, Any]] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()  # aiohttp undoes Content-Encoding: gzip
        lines = [line for line in body.decode().split("\n") if line]
        self.requests.append(
            {
                "headers": dict(request.headers),
                "query": dict(request.query),
                "lines": lines,
                "raw_length": request.content_length,
            }
        )
        if self.respond is not None:
            response = await self.respond(lines)
            if response is not None:
                return response
        self.accepted.extend(lines)
        return web.Response(status=204)


@pytest.fixture
async def fake_influx(socket_enabled: None) -> AsyncIterator[FakeInflux]:
    """A fake InfluxDB on loopback; it accepts everything until `respond` says otherwise."""
    fake = FakeInflux()
    app = web.Application()
    app.router.add_post("/api/v2/write", fake.handle)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server = site._server
    assert server is not None
    fake.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
    yield fake
    await runner.cleanup()
