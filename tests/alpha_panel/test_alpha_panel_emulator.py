"""The Alpha panel emulator itself: its cellar model, its HTTP surface and its command line."""

from __future__ import annotations

import asyncio
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import aiohttp
import pytest

from custom_components.cellar_brewpi.alpha_panel import parse_values
from scripts.emulators.alpha_panel import AlphaPanelEmulator, CellarModel, Vessel, default_label

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
async def session(socket_enabled: None) -> AsyncIterator[aiohttp.ClientSession]:
    """A client session; real sockets, which the test plugin limits to loopback."""
    async with aiohttp.ClientSession() as client_session:
        yield client_session


@pytest.fixture
async def emulator(socket_enabled: None) -> AsyncIterator[AlphaPanelEmulator]:
    panel = AlphaPanelEmulator(speedup=0.0, seed=3)
    await panel.start("127.0.0.1", 0)
    yield panel
    await panel.stop()


def vessel(**kwargs: float | bool) -> Vessel:
    fields: dict[str, float | bool] = {"temperature": 50.0, "set_point": 50.0} | kwargs
    return Vessel(slot=1, label="FV 10/1", **fields)  # type: ignore[arg-type]


# --- model ----------------------------------------------------------------------------------


def test_valve_opens_above_the_deadband_and_closes_at_the_set_point() -> None:
    model = CellarModel(deadband=1.0)
    tank = vessel(set_point=50.0)
    states = []
    for temperature in (50.5, 51.2, 50.4, 50.0, 50.9):
        tank.temperature = temperature
        model.step(tank, 0.0)
        states.append(tank.valve_open)
    assert states == [False, True, True, False, False]


def test_glycol_cools_a_warm_tank_to_its_set_point() -> None:
    emulator = AlphaPanelEmulator(1, speedup=0.0, sentinel_slots=set())
    tank = emulator.vessels[1]
    tank.temperature, tank.set_point, tank.heat_rate = 68.0, 34.0, 0.0
    emulator.advance(3600)
    assert tank.valve_open is True
    assert tank.temperature < 68.0
    emulator.advance(3 * 24 * 3600)
    # Held between the set point and the deadband, with the valve cycling.
    assert 33.5 <= tank.temperature <= 35.2


def test_fermentation_heat_warms_a_tank_and_decays() -> None:
    model = CellarModel(room_temperature=60.0)
    tank = vessel(temperature=60.0, set_point=80.0, heat_rate=2.0, age_hours=0.0)
    for _ in range(60):
        model.step(tank, 1 / 60)
    first_hour = tank.temperature - 60.0
    assert first_hour > 1.5
    tank.age_hours = 24 * 7
    start = tank.temperature
    for _ in range(60):
        model.step(tank, 1 / 60)
    assert tank.temperature - start < first_hour / 5


def test_the_room_warms_an_idle_tank() -> None:
    model = CellarModel(room_temperature=68.0)
    tank = vessel(temperature=40.0, set_point=80.0)
    model.step(tank, 1.0)
    assert 40.0 < tank.temperature < 68.0


def test_sentinel_vessels_never_change() -> None:
    emulator = AlphaPanelEmulator(9, speedup=0.0, seed=1)
    assert emulator.vessels[9].values() == ("1000", "0", "0")
    before = emulator.vessels[9].temperature
    emulator.advance(48 * 3600)
    assert emulator.vessels[9].temperature == before


async def test_model_runs_under_speedup() -> None:
    emulator = AlphaPanelEmulator(2, speedup=36_000.0, seed=5, sentinel_slots=set())
    tank = emulator.vessels[1]
    tank.temperature, tank.set_point, tank.heat_rate = 68.0, 34.0, 0.0
    await asyncio.sleep(0.1)  # one simulated hour
    assert emulator.vessels[1].temperature < 67.0


def test_same_seed_same_cellar() -> None:
    first = AlphaPanelEmulator(9, speedup=0.0, seed=11).vessels
    second = AlphaPanelEmulator(9, speedup=0.0, seed=11).vessels
    assert [v.values() for v in first.values()] == [v.values() for v in second.values()]


def test_labels_and_page_split() -> None:
    assert [default_label(n) for n in (1, 8, 9, 10, 32)] == [
        "FV 10/1",
        "Walk-In",
        "BT 10/1",
        "FV 30/1",
        "FV 30/23",
    ]
    nine = AlphaPanelEmulator(9, speedup=0.0)
    assert (nine.slots_per_page, nine.page_count) == (5, 2)
    assert [len(nine.page_values(page)) for page in (1, 2)] == [15, 12]
    wide = AlphaPanelEmulator(32, speedup=0.0, slots_per_page=16)
    assert [len(wide.page_values(page)) for page in (1, 2)] == [48, 48]
    with pytest.raises(ValueError, match="at least one slot"):
        AlphaPanelEmulator(0)


# --- HTTP -----------------------------------------------------------------------------------


async def test_page_looks_like_the_panel(
    session: aiohttp.ClientSession, emulator: AlphaPanelEmulator
) -> None:
    url = f"http://127.0.0.1:{emulator.port}/001.html"
    async with session.get(url) as response:
        assert response.status == 200
        text = await response.text()
    # The old service's own recipe: second literal <Script>, the `var V =` line, quoted strings.
    block = text.split("<Script>")[2].split("</Script>")[0]
    line = next(ln.strip() for ln in block.splitlines() if ln.strip().startswith("var V ="))
    assert re.findall(r'"(.*?)"', line) == emulator.page_values(1)
    assert parse_values(text) == emulator.page_values(1)


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/000.html", 404),
        ("/003.html", 404),
        ("/submit.html", 400),
        ("/submit.html?dummy=1o4a117t2v340", 400),
        ("/submit.html?dummy=1o3a999t2v340", 400),
        ("/submit.html?dummy=1o3a125t2v340", 200),
    ],
)
async def test_requests_it_refuses(
    session: aiohttp.ClientSession, emulator: AlphaPanelEmulator, path: str, status: int
) -> None:
    async with session.get(f"http://127.0.0.1:{emulator.port}{path}") as response:
        assert response.status == status


async def test_stop_cuts_slow_answers_short(session: aiohttp.ClientSession) -> None:
    emulator = AlphaPanelEmulator(speedup=0.0)
    port = await emulator.start("127.0.0.1", 0)
    emulator.faults.slow_seconds = 30.0
    request = asyncio.create_task(session.get(f"http://127.0.0.1:{port}/001.html"))
    async with asyncio.timeout(1):
        while not emulator.requests:  # noqa: ASYNC110 - polling the emulator's request log
            await asyncio.sleep(0.005)
    async with asyncio.timeout(5):
        await emulator.stop()
    async with asyncio.timeout(5):
        response = await request
    response.release()
    assert response.status == 200


# --- command line ---------------------------------------------------------------------------


async def test_cli_prints_its_address_and_serves(session: aiohttp.ClientSession) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "scripts.emulators.alpha_panel",
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--slots",
        "4",
        "--speedup",
        "60",
        cwd=REPO,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        async with asyncio.timeout(15):
            line = (await process.stdout.readline()).decode()
        match = re.fullmatch(r"Alpha panel emulator listening on http://127\.0\.0\.1:(\d+)\n", line)
        assert match is not None, line
        async with session.get(f"http://127.0.0.1:{match[1]}/001.html") as response:
            assert len(parse_values(await response.text())) == 6
    finally:
        process.terminate()
        async with asyncio.timeout(10):
            returncode = await process.wait()
    assert returncode == 0
