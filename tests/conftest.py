"""Shared fixtures. Importing the integration here, at collection time, makes the repository's
`custom_components` package win over the test plugin's own (see the phacc import-order pitfall)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from custom_components.cellar_brewpi.const import DOMAIN
from scripts.emulators.brewpi import BrewPiEmulator

# Fixtures of the local servers, shared with the integration tests.
from tests.batches.conftest import service_account  # noqa: F401
from tests.recording.conftest import fake_influx  # noqa: F401

assert DOMAIN == "cellar_brewpi"


@pytest.fixture
async def brewpi_emulator(
    request: pytest.FixtureRequest, socket_enabled: None
) -> AsyncIterator[BrewPiEmulator]:
    """A BrewPi emulator on loopback TCP whose chamber is frozen in time (deterministic).

    It speaks today's BrewPi-ESP firmware, or the generation a test gives by indirect
    parametrization (`firmware=` of the emulator). The HA test plugin blocks creating sockets;
    `socket_enabled` lifts that, and connections stay limited to 127.0.0.1.
    """
    emulator = BrewPiEmulator(firmware=getattr(request, "param", "esp"), speedup=0.0, seed=7)
    await emulator.start_tcp()
    yield emulator
    await emulator.stop()
