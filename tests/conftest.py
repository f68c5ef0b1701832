"""Shared fixtures. Importing the integration here, at collection time, makes the repository's
`custom_components` package win over the test plugin's own (see the phacc import-order pitfall)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.util import dt as dt_util

from custom_components.cellar_brewpi.const import DOMAIN
from scripts.emulators.brewpi import BrewPiEmulator

# Fixtures of the local servers, shared with the integration tests.
from tests.batches.conftest import service_account  # noqa: F401
from tests.recording.conftest import fake_influx  # noqa: F401

assert DOMAIN == "cellar_brewpi"

GRID_PHASE = timedelta(seconds=1)
"""How far past a whole hour the frozen clock starts."""


@pytest.fixture
def freezer(freezer: FrozenDateTimeFactory) -> FrozenDateTimeFactory:
    """The test plugin's frozen clock, started GRID_PHASE past the next whole hour.

    The polls fall on the multiples of their interval of the loop's clock (`polling.py`), and
    with the clock frozen the loop's clock is the frozen one. Frozen wherever the real clock
    was, the first poll after a set-up would fall anywhere within an interval, run to run;
    from a whole hour, it falls the same way in every run for every interval that divides an
    hour (the integration's defaults do).
    """
    hour = dt_util.utcnow().replace(minute=0, second=0, microsecond=0)
    freezer.move_to(hour + timedelta(hours=1) + GRID_PHASE)
    return freezer


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
