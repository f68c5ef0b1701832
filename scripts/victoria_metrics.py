"""A VictoriaMetrics process on loopback: the InfluxDB v2 write API for tests and benchmarks.

Debian's `victoria-metrics` (installed by the scripts) takes `/api/v2/write`, stores each field as
the metric `<measurement>_<field>` with the tags as labels, and shows what landed at
`/api/v1/export`. It keeps re-sent samples, so duplicates are visible.
"""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import time
from collections import Counter
from pathlib import Path
from typing import Any

import aiohttp

VICTORIA_METRICS = "/usr/bin/victoria-metrics"

# (metric, sorted labels, timestamp in ms): one sample as exported.
type Key = tuple[str, tuple[tuple[str, str], ...], int]


def free_port() -> int:
    """A loopback port nobody listens on (for now)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class VictoriaMetrics:
    """One VictoriaMetrics process; it can be stopped and started again on the same port."""

    def __init__(self, session: aiohttp.ClientSession, data_dir: Path) -> None:
        """Reserve a port; nothing runs until `start`."""
        self.session = session
        self.data_dir = data_dir
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The base URL (the InfluxDB 2 write API is at /api/v2/write)."""
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> float:
        """Start it and wait for `/health`; return the seconds that took."""
        started = time.perf_counter()
        self.process = subprocess.Popen(  # noqa: S603, ASYNC220 - a fixed binary, started once
            [
                VICTORIA_METRICS,
                f"-httpListenAddr=127.0.0.1:{self.port}",
                f"-storageDataPath={self.data_dir}",
                "-retentionPeriod=100y",
                "-loggerLevel=ERROR",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        async with asyncio.timeout(20):
            while True:
                try:
                    async with self.session.get(f"{self.url}/health") as response:
                        if response.status == 200:
                            return time.perf_counter() - started
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.02)

    def stop(self) -> None:
        """Stop it (SIGTERM: it flushes and exits)."""
        if self.process is None:
            return
        process, self.process = self.process, None
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    async def export(self, match: str = '{__name__=~".+"}') -> list[dict[str, Any]]:
        """Every series with its raw samples (duplicates included)."""
        async with self.session.get(f"{self.url}/internal/force_flush") as response:
            response.raise_for_status()
        async with self.session.get(
            f"{self.url}/api/v1/export", params={"match[]": match}
        ) as response:
            response.raise_for_status()
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
