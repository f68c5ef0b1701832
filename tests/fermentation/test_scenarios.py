"""
The issue's scenarios, in Home Assistant against the emulators over TCP and HTTP.

A fortnight's profile driven by the clock on a BrewPi chamber and on a panel vessel; a restart of
Home Assistant in the middle of a ramp (a second Home Assistant from the first one's storage); the
controller offline for a day; holds ended by a gravity sensor; a core `generic_thermostat`; a
setpoint changed by hand. The expected targets come from `profiles.position` on the run's clock
(Home Assistant left out) and from hand-computed values.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant import loader
from homeassistant.components.climate import DOMAIN as CLIMATE_DOMAIN
from homeassistant.components.climate import SERVICE_SET_TEMPERATURE
from homeassistant.const import ATTR_ENTITY_ID, ATTR_TEMPERATURE, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import frame
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_test_home_assistant,
)

from custom_components.cellar_brewpi.const import (
    CONF_CONNECTION_TYPE,
    CONF_KIND,
    CONNECTION_NETWORK,
    DOMAIN,
    KIND_BREWPI,
    KIND_PROFILES,
)
from custom_components.cellar_brewpi.fermentation.runner import STORE_KEY, get_runner
from custom_components.cellar_brewpi.profiles import Profile, Unit, position, text
from scripts.emulators.alpha_panel import AlphaPanelEmulator
from scripts.emulators.brewpi import BrewPiEmulator
from tests.fermentation.conftest import (
    ALE,
    GRAVITY,
    LAGER,
    profile_subentry,
    settle,
    start_profile,
    tick,
)
from tests.ha import Advance

CHAMBER = "climate.brewpi_fermenter1"
CHAMBER_STEP = "sensor.brewpi_fermenter1_profile_step"
SELECT = "select.brewpi_fermenter1_profile"
VESSEL = "climate.fv_10_1"
VESSEL_ADDRESS = 117  # slot 1's write register
TILT = "sensor.tilt_gravity"
ESP = "climate.esp_chamber"
PROFILES_LOGGER = "custom_components.cellar_brewpi.fermentation"  # the runner and its runs

# Fourteen days, with a fast ramp (0.1 °C every 10 s) to hold the runner to one write in 30 s.
FORTNIGHT = text.read(
    "Fortnight",
    """
    hold 18 C for 4d
    ramp to 21 C over 3d
    hold 21 C for 2d
    ramp to 18 C over 5m
    hold 18 C for 2d23h55m
    ramp to 4 C over 2d
    """,
)
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


@pytest.fixture
def profiles_entry() -> MockConfigEntry:
    """The profiles entry of the conftest, with the fortnight added."""
    return _profiles_entry()


def _profiles_entry() -> MockConfigEntry:
    return MockConfigEntry(
        domain=DOMAIN,
        title="Fermentation profiles",
        data={CONF_KIND: KIND_PROFILES},
        subentries_data=[profile_subentry(p) for p in (ALE, LAGER, GRAVITY, FORTNIGHT)],
    )


def _expected(profile: Profile, clock: timedelta, unit: Unit = Unit.CELSIUS) -> float | None:
    """The target on the run's clock, Home Assistant left out."""
    return position(profile, clock, unit).target


async def _until(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, condition: Callable[[], bool]
) -> None:
    """`advance` for any Home Assistant: a second at a time until `condition` holds."""
    for _ in range(60):
        if condition():
            return
        await tick(hass, freezer, timedelta(seconds=1))
    assert condition()


def _attribute(hass: HomeAssistant, entity_id: str, name: str) -> Any:
    state = hass.states.get(entity_id)
    return None if state is None else state.attributes.get(name)


def _beer_sets(emulator: BrewPiEmulator) -> list[tuple[str, float]]:
    """The `j` writes the controller got: (mode, beer setting)."""
    pattern = re.compile(r'j\{mode:"(\w)",beerSet:(-?[\d.]+)\}')
    matches = (pattern.fullmatch(command) for command in emulator.commands_received)
    return [(m[1], float(m[2])) for m in matches if m]


def _panel_writes(emulator: AlphaPanelEmulator) -> list[float]:
    """The setpoints written to the vessel in slot 1, °F."""
    pattern = re.compile(rf"\d+o3a{VESSEL_ADDRESS}t2v(-?\d+)")
    matches = (pattern.fullmatch(write) for write in emulator.writes)
    return [int(m[1]) / 10 for m in matches if m]


# --- 1. a fortnight on the clock ------------------------------------------------------------------


async def test_fortnight_on_a_chamber(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    brewpi_emulator: BrewPiEmulator,
    loaded_profiles: MockConfigEntry,
    loaded_entry: MockConfigEntry,
    advance: Advance,
) -> None:
    """Targets on the clock; a `j` only when the target changed, never two within 30 s."""
    started = dt_util.utcnow()
    hass.states.async_set(TILT, "1.050")  # a Tilt that reports every 5 s in the fast ramp
    await start_profile(hass, CHAMBER, "Fortnight", gravity_sensor=TILT)
    assert brewpi_emulator.mode == "p"
    assert brewpi_emulator.beer_set == 18.0
    assert _beer_sets(brewpi_emulator) == [("p", 18.0)]

    def clock() -> timedelta:
        return dt_util.utcnow() - started

    def at(moment: timedelta) -> timedelta:
        return moment - clock()

    # A hold over two days: the link drops and comes back, nothing is written.
    await tick(hass, freezer, at(2 * DAY))
    await advance(lambda: hass.states.get(CHAMBER).state != STATE_UNAVAILABLE)
    assert _beer_sets(brewpi_emulator) == [("p", 18.0)]

    # Up the ramp (18 to 21 °C over days 4 to 7).
    for moment, by_hand in ((5 * DAY + 12 * HOUR, 19.5), (6 * DAY, 20.0), (8 * DAY, 21.0)):
        await tick(hass, freezer, at(moment))
        expected = _expected(FORTNIGHT, clock())
        assert expected == by_hand
        await advance(lambda e=expected: _attribute(hass, CHAMBER, ATTR_TEMPERATURE) == e)
        assert brewpi_emulator.beer_set == by_hand
    assert _beer_sets(brewpi_emulator) == [("p", v) for v in (18.0, 19.5, 20.0, 21.0)]

    # The fast ramp (21 to 18 °C in 5 minutes, 0.1 °C every 10 s), a second at a time, with a
    # gravity reading every 5 s that makes the runner work the target out between its ticks.
    await tick(hass, freezer, at(9 * DAY - timedelta(seconds=60)))
    await advance(lambda: hass.states.get(CHAMBER).state != STATE_UNAVAILABLE)
    before = len(_beer_sets(brewpi_emulator))
    written: list[tuple[timedelta, float]] = []
    for second in range(7 * 60):
        if second % 5 == 0:
            hass.states.async_set(TILT, f"{1.030 - second / 100_000:.5f}")
        await tick(hass, freezer, timedelta(seconds=1))
        writes = _beer_sets(brewpi_emulator)[before + len(written) :]
        assert len(writes) <= 1
        if writes:
            assert writes[0] == ("p", _expected(FORTNIGHT, clock()))
            written.append((clock(), writes[0][1]))
    gaps = [b[0] - a[0] for a, b in pairwise(written)]
    assert gaps
    assert min(gaps) >= timedelta(seconds=30)
    assert len(written) >= 10  # about one in 30 s over the 5 minutes
    values = [v for _, v in written]
    assert all(a != b for a, b in pairwise(values))
    assert values[-1] == 18.0
    assert brewpi_emulator.beer_set == 18.0

    # Down the last ramp (18 to 4 °C over days 12 to 14), then beer constant at 4 °C.
    count = len(_beer_sets(brewpi_emulator))
    for moment, by_hand in ((11 * DAY, 18.0), (13 * DAY, 11.0), (13 * DAY + 12 * HOUR, 7.5)):
        await tick(hass, freezer, at(moment))
        expected = _expected(FORTNIGHT, clock())
        assert expected == by_hand
        await advance(lambda e=expected: brewpi_emulator.beer_set == e)
    # The jump past the end may drop the link (its watchdog) before the last write goes out, as
    # the loop's timers fall: the run then ends once the chamber is back and has taken it. Its
    # mode alone is no sign of the end: the runner may still wait for the reply.
    await tick(hass, freezer, at(14 * DAY + HOUR))
    await advance(lambda: CHAMBER not in get_runner(hass).runs)
    assert CHAMBER not in get_runner(hass).runs
    assert (brewpi_emulator.mode, brewpi_emulator.beer_set) == ("b", 4.0)
    assert _beer_sets(brewpi_emulator)[count:] == [("p", 11.0), ("p", 7.5), ("b", 4.0)]


async def test_fortnight_on_a_vessel(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    panel_emulator: AlphaPanelEmulator,
    loaded_profiles: MockConfigEntry,
    loaded_panel: MockConfigEntry,
) -> None:
    """In °F, rounded to the vessel's 1 °F: the panel is written only when that changes."""
    started = dt_util.utcnow()
    shown_before = panel_emulator.vessels[1].set_point
    await start_profile(hass, VESSEL, "Fortnight")
    assert _attribute(hass, VESSEL, "preset_mode") == "beer_profile"
    expected_writes = [] if shown_before == 64 else [64.0]  # 18 °C is 64.4 °F
    assert _panel_writes(panel_emulator) == expected_writes
    last = 64

    # Every hour up the first ramp (64.4 to 69.8 °F, 0.075 °F an hour), a minute at a time down
    # the fast one, every hour down the last one (64.4 to 39.2 °F); days in the holds.
    moments = [timedelta(days=d) for d in (1, 2, 3, 4)]
    moments += [4 * DAY + n * HOUR for n in range(1, 73)]
    moments += [timedelta(days=8), 9 * DAY - timedelta(seconds=30)]
    moments += [9 * DAY + timedelta(seconds=s) for s in range(30, 331, 30)]
    moments += [timedelta(days=d) for d in (10, 11, 12)]
    moments += [12 * DAY + n * HOUR for n in range(1, 48)]
    unchanged = 0
    for moment in moments:
        await tick(hass, freezer, moment - (dt_util.utcnow() - started))
        exact = _expected(FORTNIGHT, dt_util.utcnow() - started, Unit.FAHRENHEIT)
        assert exact is not None
        rounded = math.floor(exact + 0.5)  # a half step up, as the runner rounds
        if rounded != last:
            expected_writes.append(float(rounded))
            last = rounded
        else:
            unchanged += 1
        assert _panel_writes(panel_emulator) == expected_writes, moment
        assert panel_emulator.vessels[1].set_point == rounded
        assert _attribute(hass, VESSEL, ATTR_TEMPERATURE) == rounded
        assert _attribute(hass, VESSEL, "preset_mode") == "beer_profile"
    assert unchanged > 50  # the target moved by 0.1 °F many times without a write
    assert expected_writes[-1] == 40.0  # 39.6 °F at the last hour of the ramp
    assert {65.0, 69.0, 70.0} <= set(expected_writes)

    # The end: 39.2 °F held on the panel's own, the preset gone.
    await tick(hass, freezer, 14 * DAY + HOUR - (dt_util.utcnow() - started))
    assert _panel_writes(panel_emulator) == [*expected_writes, 39.0]
    assert _attribute(hass, VESSEL, "preset_mode") is None
    assert VESSEL not in get_runner(hass).runs


# --- 2. a restart in the middle of a ramp --------------------------------------------------------


def _brewpi_entry(emulator: BrewPiEmulator) -> MockConfigEntry:
    """An entry like the `config_entry` fixture's, for a Home Assistant of the test's own."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="BrewPi fermenter1",
        unique_id="fermenter1",
        data={
            CONF_KIND: KIND_BREWPI,
            CONF_CONNECTION_TYPE: CONNECTION_NETWORK,
            "host": "127.0.0.1",
            "port": emulator.port,
        },
    )


async def test_a_restart_in_the_middle_of_a_ramp(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    brewpi_emulator: BrewPiEmulator,
    profiles_entry: MockConfigEntry,
    config_entry: MockConfigEntry,
    advance: Advance,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A first Home Assistant runs the ale up its first ramp and stops; days later a second one
    starts from its storage, in the middle of the last ramp: the target for now at once."""
    caplog.set_level(logging.INFO, logger=PROFILES_LOGGER)
    started = dt_util.utcnow()
    async with async_test_home_assistant(config_dir=hass.config.config_dir) as first:
        first.data.pop(loader.DATA_CUSTOM_COMPONENTS)  # the repository's custom_components
        frame.async_setup(first)
        entry = _brewpi_entry(brewpi_emulator)
        for added in (_profiles_entry(), entry):
            added.add_to_hass(first)
        assert await first.config_entries.async_setup(entry.entry_id)  # every entry of it
        await settle(first)
        await start_profile(first, CHAMBER, "Ale")
        assert brewpi_emulator.beer_set == 18.0
        # Day 4: half way up the ramp to 21 °C (days 3 to 5).
        await tick(first, freezer, 4 * DAY)
        await _until(first, freezer, lambda: _attribute(first, CHAMBER, ATTR_TEMPERATURE) == 19.5)
        assert brewpi_emulator.mode == "p"
        # Stopped as Home Assistant stops (its entries unloaded first, as the test plugin does).
        for loaded in first.config_entries.async_entries():
            await first.config_entries.async_unload(loaded.entry_id)
        await first.async_stop()
    frame.async_setup(hass)

    # What the first one's runner stored: the start and the end of the first step.
    stored = hass_storage[STORE_KEY]["data"]["runs"][CHAMBER]
    assert datetime.fromisoformat(stored["started_at"]) == started
    assert stored["ended"] == [3 * 86400]
    assert stored["paused_at"] is None

    # Home Assistant was down for 3 days 4 h 10 min: the hold at 21 °C ended while it was, and
    # the ramp to 2 °C (days 7 to 7.5) is 15000 s in: 21 - 19 * 15000 / 43200 = 14.40.
    freezer.tick(7 * DAY + timedelta(hours=4, minutes=10) - (dt_util.utcnow() - started))
    commands = len(brewpi_emulator.commands_received)
    caplog.clear()
    profiles_entry.add_to_hass(hass)
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await settle(hass)
    clock = dt_util.utcnow() - started
    assert _expected(ALE, clock) == 14.4
    assert _attribute(hass, CHAMBER, ATTR_TEMPERATURE) == 14.4
    assert brewpi_emulator.beer_set == 14.4
    assert brewpi_emulator.mode == "p"
    # Written once, at once: no step before it on the way, no wait for a tick.
    new = brewpi_emulator.commands_received[commands:]
    assert [c for c in new if c.startswith("j")] == ['j{mode:"p",beerSet:14.4}']
    assert hass.states.get(CHAMBER_STEP).state == "Cool to 2 °C over the next 12 hours"
    assert hass.states.get(CHAMBER_STEP).attributes["step"] == 4

    def local(moment: timedelta) -> str:
        return f"{dt_util.as_local(started + moment):%Y-%m-%d %H:%M}"

    messages = [r.getMessage() for r in caplog.records if r.name.startswith(PROFILES_LOGGER)]
    assert (
        f"Profile Ale on {CHAMBER}: while Home Assistant was not running, "
        f"step 2 at {local(5 * DAY)}, step 3 at {local(7 * DAY)} ended"
    ) in messages
    assert f"Profile Ale on {CHAMBER} goes on at step 4: target 14.4" in messages

    # And on down the ramp, on the run's clock: an hour later 21 - 19 * 18600 / 43200 = 12.82.
    await tick(hass, freezer, HOUR)
    assert _expected(ALE, clock + HOUR) == 12.8
    await advance(lambda: _attribute(hass, CHAMBER, ATTR_TEMPERATURE) == 12.8)
    assert brewpi_emulator.beer_set == 12.8


# --- 3. the controller offline for a day ---------------------------------------------------------


async def test_the_controller_offline_for_a_day(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    brewpi_emulator: BrewPiEmulator,
    loaded_profiles: MockConfigEntry,
    loaded_entry: MockConfigEntry,
) -> None:
    """The run's clock goes on without the controller; back, it gets the target for now."""
    # Half a day into the ramp to 21 °C (days 4 to 7 of the fortnight): 18.5 °C.
    await start_profile(hass, CHAMBER, "Fortnight", step=2, elapsed="12:00:00")
    started = get_runner(hass).runs[CHAMBER].run.started_at
    assert dt_util.utcnow() - started == 4 * DAY + 12 * HOUR
    assert brewpi_emulator.beer_set == 18.5

    port = brewpi_emulator.port
    await brewpi_emulator.stop()
    await tick(hass, freezer, DAY)
    assert hass.states.get(CHAMBER).state == STATE_UNAVAILABLE
    for _ in range(3):  # an hour of retries against nothing
        await tick(hass, freezer, timedelta(minutes=20))
    run = get_runner(hass).runs[CHAMBER].run
    assert not run.paused
    assert run.clock(dt_util.utcnow()) == 5 * DAY + 13 * HOUR  # its clock kept going
    assert brewpi_emulator.beer_set == 18.5  # what it had

    await brewpi_emulator.start_tcp(port=port)
    commands = len(brewpi_emulator.commands_received)
    for _ in range(90):  # a second at a time until it is back (its reconnect backoff, <= 60 s)
        await tick(hass, freezer, timedelta(seconds=1))
        if hass.states.get(CHAMBER).state != STATE_UNAVAILABLE:
            break
    # In the same turn it came back in, without waiting for a tick: 18 + 3 * 37 / 72 = 19.54.
    expected = _expected(FORTNIGHT, dt_util.utcnow() - started)
    assert expected == 19.5
    assert _attribute(hass, CHAMBER, ATTR_TEMPERATURE) == 19.5
    assert brewpi_emulator.beer_set == 19.5
    new = brewpi_emulator.commands_received[commands:]
    assert [c for c in new if c.startswith("j")] == ['j{mode:"p",beerSet:19.5}']


async def test_the_controller_offline_as_the_profile_ends(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    brewpi_emulator: BrewPiEmulator,
    loaded_profiles: MockConfigEntry,
    loaded_entry: MockConfigEntry,
) -> None:
    """The profile ends while the controller is away: back, it gets the last temperature in
    beer constant (not left in mode p on what the ramp last gave it)."""
    # An hour before the end of the ale's last ramp (21 to 2 °C over 12 h): 21 - 19 * 11/12.
    await start_profile(hass, CHAMBER, "Ale", step=4, elapsed="11:00:00")
    assert brewpi_emulator.beer_set == 3.6
    port = brewpi_emulator.port
    await brewpi_emulator.stop()
    await tick(hass, freezer, DAY)
    assert hass.states.get(CHAMBER).state == STATE_UNAVAILABLE
    await brewpi_emulator.start_tcp(port=port)
    for _ in range(90):
        await tick(hass, freezer, timedelta(seconds=1))
        if hass.states.get(CHAMBER).state != STATE_UNAVAILABLE:
            break
    assert brewpi_emulator.mode == "b"
    assert brewpi_emulator.beer_set == 2.0
    assert CHAMBER not in get_runner(hass).runs
    assert hass.states.get(SELECT).state == "none"


# --- 4. holds ended by a gravity sensor ----------------------------------------------------------


async def test_gravity_ends_the_holds(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    brewpi_emulator: BrewPiEmulator,
    loaded_profiles: MockConfigEntry,
    loaded_entry: MockConfigEntry,
    advance: Advance,
) -> None:
    """`for 10d or gravity 1.012` ends at 1.012; `for 2d and stable 1@24` needs both."""
    steps = async_capture_events(hass, f"{DOMAIN}_profile_step")
    hass.states.async_set(TILT, "1.050")
    await start_profile(hass, CHAMBER, "Gravity ale", gravity_sensor=TILT, original_gravity=1.050)
    started = dt_util.utcnow()
    assert brewpi_emulator.beer_set == 18.0

    def step() -> int:
        return hass.states.get(CHAMBER_STEP).attributes["step"]

    async def read(moment: timedelta, gravity: str) -> None:
        """At `moment` of the run the Tilt reads `gravity` (the same value: reported again)."""
        await tick(hass, freezer, moment - (dt_util.utcnow() - started))
        await advance(lambda: hass.states.get(CHAMBER).state != STATE_UNAVAILABLE)
        hass.states.async_set(TILT, gravity)
        await settle(hass)

    for moment, gravity in ((2 * DAY, "1.030"), (4 * DAY, "1.013")):
        await read(moment, gravity)
        assert step() == 1
    assert steps == []

    # 1.012 on day 5: the first hold ends at once, 5 days before its 10.
    await read(5 * DAY, "1.012")
    assert step() == 2
    assert [e.data["step"] for e in steps] == [2]
    assert steps[0].data["description"] == (
        "Hold 21 °C for 2 days, and then until the gravity has moved at most 1 point(s) in 24 hours"
    )
    assert brewpi_emulator.beer_set == 21.0
    assert _attribute(hass, CHAMBER, ATTR_TEMPERATURE) == 21.0

    # Stable for a day, but the 2 days have not run: it holds.
    await read(5 * DAY + 12 * HOUR, "1.012")
    await read(6 * DAY, "1.012")
    assert step() == 2
    # Falling again; the 2 days run out on day 7 with 3 points over the last 24 h: it holds.
    await read(6 * DAY + 12 * HOUR, "1.010")
    await read(7 * DAY, "1.008")
    await tick(hass, freezer, timedelta(minutes=2))
    assert step() == 2
    await read(7 * DAY + 12 * HOUR, "1.008")  # 1.010 at the start of the window, 2 points
    await tick(hass, freezer, timedelta(minutes=2))
    assert step() == 2
    assert len(steps) == 1
    # 1.008 for 24 h on day 8: stable, and past the 2 days: the hold ends (within a tick).
    await read(8 * DAY, "1.008")
    await advance(lambda: step() == 3)
    assert [e.data["step"] for e in steps] == [2, 3]
    await advance(lambda: brewpi_emulator.beer_set == 2.0)
    assert brewpi_emulator.mode == "p"


# --- 5. Home Assistant's own generic_thermostat --------------------------------------------------


@pytest.fixture
async def esp_chamber(hass: HomeAssistant) -> None:
    """A generic_thermostat heating with an input_boolean on a sensor's reading (19 °C); set up
    before the profiles (the climate component takes its platforms' config once)."""
    assert await async_setup_component(hass, "homeassistant", {})  # it switches with turn_on/off
    assert await async_setup_component(hass, "input_boolean", {"input_boolean": {"heater": {}}})
    hass.states.async_set("sensor.chamber_temperature", "19.0", {"unit_of_measurement": "°C"})
    assert await async_setup_component(
        hass,
        CLIMATE_DOMAIN,
        {
            CLIMATE_DOMAIN: [
                {
                    "platform": "generic_thermostat",
                    "name": "ESP chamber",
                    "heater": "input_boolean.heater",
                    "target_sensor": "sensor.chamber_temperature",
                    "min_temp": 0,
                    "max_temp": 30,
                    "target_temp": 20,
                    "initial_hvac_mode": "heat",
                    "precision": 0.1,
                    "target_temp_step": 0.1,
                }
            ]
        },
    )
    await hass.async_block_till_done()


async def test_a_generic_thermostat_follows_the_profile(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    esp_chamber: None,
    loaded_profiles: MockConfigEntry,
) -> None:
    """Its target follows the ale through the climate actions; its heater acts on it."""
    calls = async_capture_events(hass, "call_service")
    started = dt_util.utcnow()
    await start_profile(hass, ESP, "Ale")
    assert _attribute(hass, ESP, ATTR_TEMPERATURE) == 18.0
    assert hass.states.get("input_boolean.heater").state == "off"  # 19 °C, set to 18
    # Day 1 (the hold), day 4 (half way up to 21 °C), day 6 (the hold at 21 °C), day 7 + 2 h
    # (a sixth of the way down to 2 °C: 21 - 19 / 6 = 17.83).
    for moment, by_hand in (
        (DAY, 18.0),
        (4 * DAY, 19.5),
        (6 * DAY, 21.0),
        (7 * DAY + 2 * HOUR, 17.8),
    ):
        await tick(hass, freezer, moment - (dt_util.utcnow() - started))
        assert _expected(ALE, dt_util.utcnow() - started) == by_hand
        assert _attribute(hass, ESP, ATTR_TEMPERATURE) == by_hand
        heating = "on" if by_hand > 19.0 else "off"
        assert hass.states.get("input_boolean.heater").state == heating
    # Past the end: 2 °C held, the run forgotten.
    await tick(hass, freezer, 8 * DAY - (dt_util.utcnow() - started))
    assert _attribute(hass, ESP, ATTR_TEMPERATURE) == 2.0
    assert ESP not in get_runner(hass).runs
    set_temperature = [
        call.data["service_data"][ATTR_TEMPERATURE]
        for call in calls
        if call.data["domain"] == CLIMATE_DOMAIN and call.data["service"] == SERVICE_SET_TEMPERATURE
    ]
    assert set_temperature == [18.0, 19.5, 21.0, 17.8, 2.0]  # only when it changed


# --- 6. a setpoint changed by hand ----------------------------------------------------------------


async def test_a_setpoint_changed_by_hand_pauses_the_run(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    panel_emulator: AlphaPanelEmulator,
    loaded_profiles: MockConfigEntry,
    loaded_panel: MockConfigEntry,
) -> None:
    """climate.set_temperature on the vessel while a profile runs: paused, with a repair issue."""
    paused = async_capture_events(hass, f"{DOMAIN}_profile_paused")
    await start_profile(hass, VESSEL, "Fortnight", step=2, elapsed="12:00:00")  # 18.5 °C: 65.3 °F
    assert panel_emulator.vessels[1].set_point == 65.0
    await hass.services.async_call(
        CLIMATE_DOMAIN,
        SERVICE_SET_TEMPERATURE,
        {ATTR_ENTITY_ID: VESSEL, ATTR_TEMPERATURE: 50},
        blocking=True,
    )
    await settle(hass)
    assert panel_emulator.vessels[1].set_point == 50.0
    run = get_runner(hass).runs[VESSEL].run
    assert run.paused
    assert run.pause_reason == "its setpoint was changed to 50 by hand"
    assert [e.data["reason"] for e in paused] == [run.pause_reason]
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"profile_paused_{VESSEL}")
    assert issue is not None
    assert issue.translation_key == "profile_paused"
    assert issue.translation_placeholders["reason"] == run.pause_reason
    assert issue.translation_placeholders["profile"] == "Fortnight"

    # A day on: the run's clock stands still and the panel keeps the brewer's setpoint.
    writes = len(_panel_writes(panel_emulator))
    await tick(hass, freezer, DAY)
    assert panel_emulator.vessels[1].set_point == 50.0
    assert len(_panel_writes(panel_emulator)) == writes
    assert get_runner(hass).runs[VESSEL].run.clock(dt_util.utcnow()) == 4 * DAY + 12 * HOUR

    # Resumed: the issue goes, the profile's target (still 18.5 °C) is back.
    await hass.services.async_call(
        DOMAIN, "resume_profile", {ATTR_ENTITY_ID: VESSEL}, blocking=True
    )
    await settle(hass)
    assert ir.async_get(hass).async_get_issue(DOMAIN, f"profile_paused_{VESSEL}") is None
    assert panel_emulator.vessels[1].set_point == 65.0


async def test_a_run_stopped_while_the_controller_is_away(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    brewpi_emulator: BrewPiEmulator,
    loaded_profiles: MockConfigEntry,
    loaded_entry: MockConfigEntry,
) -> None:
    """Stopped while the controller is unreachable: back, it holds the target in beer constant
    (not left in mode p, as if a profile still ran)."""
    await start_profile(hass, CHAMBER, "Ale")
    assert (brewpi_emulator.mode, brewpi_emulator.beer_set) == ("p", 18.0)
    port = brewpi_emulator.port
    await brewpi_emulator.stop()
    await tick(hass, freezer, timedelta(minutes=10))
    assert hass.states.get(CHAMBER).state == STATE_UNAVAILABLE
    await hass.services.async_call(DOMAIN, "stop_profile", {"entity_id": CHAMBER}, blocking=True)
    assert CHAMBER not in get_runner(hass).runs
    assert get_runner(hass).following  # no run, but a chamber to release
    await brewpi_emulator.start_tcp(port=port)
    for _ in range(90):
        await tick(hass, freezer, timedelta(seconds=1))
        if brewpi_emulator.mode == "b":
            break
    assert (brewpi_emulator.mode, brewpi_emulator.beer_set) == ("b", 18.0)
    assert not get_runner(hass).following
