"""Fixtures of the recording tests: a real VictoriaMetrics and small fake InfluxDB servers."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from scripts.victoria_metrics import VictoriaMetrics


async def eventually(predicate: Callable[[], bool], *, interval: float = 0.005) -> None:
    """Wait (up to 20 s) until `predicate()` holds: for state that has no event of its own."""
    async with asyncio.timeout(20):
        while not predicate():  # noqa: ASYNC110
            await asyncio.sleep(interval)


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
        return web.Response(status=204)  # how InfluxDB's write API answers a stored write


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
