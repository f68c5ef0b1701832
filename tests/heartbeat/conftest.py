"""Fixtures of the heartbeat tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.heartbeat.moto_support import MotoServer, start_moto_server, stop_moto_server


@pytest.fixture(scope="module")
def moto_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoServer]:
    """A moto_server on loopback, one per test module (a subprocess: no thread is left behind)."""
    process, server = start_moto_server(tmp_path_factory.mktemp("moto") / "moto_server.log")
    yield server
    stop_moto_server(process)
