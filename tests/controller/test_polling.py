"""A poll asks only for what is used: the display while one of its lines is enabled, the constants
after a connect (the controller pushes them after every write it takes); and writes only the
states that changed."""

from __future__ import annotations

from typing import Any

from homeassistant.components.climate import DOMAIN as CLIMATE_DOMAIN
from homeassistant.components.climate import SERVICE_SET_TEMPERATURE
from homeassistant.const import (
    ATTR_ENTITY_ID,
    ATTR_TEMPERATURE,
    EVENT_STATE_CHANGED,
    EVENT_STATE_REPORTED,
    STATE_UNAVAILABLE,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.cellar_brewpi.controller.coordinator import BrewPiCoordinator
from scripts.emulators.brewpi import BrewPiEmulator
from tests.ha import Advance

CLIMATE = "climate.brewpi_fermenter1"
LCD_LINE = "sensor.brewpi_fermenter1_lcd_line_1"
POLLS = 3


def asked(emulator: BrewPiEmulator, command: str) -> int:
    """How often the controller was sent this one-letter request."""
    return emulator.commands_received.count(command)


async def poll(coordinator: BrewPiCoordinator, times: int = POLLS) -> None:
    for _ in range(times):
        await coordinator.async_refresh()
        assert coordinator.last_update_success


async def test_a_poll_asks_for_temperatures_and_settings_only(
    loaded_entry: MockConfigEntry, brewpi_emulator: BrewPiEmulator
) -> None:
    """The display lines are disabled by default; the constants were read at the connect."""
    assert asked(brewpi_emulator, "c") == 1
    before = {command: asked(brewpi_emulator, command) for command in "tsl"}
    await poll(loaded_entry.runtime_data)
    assert asked(brewpi_emulator, "t") == before["t"] + POLLS
    assert asked(brewpi_emulator, "s") == before["s"] + POLLS
    assert asked(brewpi_emulator, "l") == before["l"] == 0
    assert asked(brewpi_emulator, "c") == 1


async def test_display_is_read_while_a_line_is_enabled(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    brewpi_emulator: BrewPiEmulator,
    entity_registry: er.EntityRegistry,
) -> None:
    entity_registry.async_update_entity(LCD_LINE, disabled_by=None)
    assert await hass.config_entries.async_reload(loaded_entry.entry_id)
    await hass.async_block_till_done()
    coordinator: BrewPiCoordinator = loaded_entry.runtime_data
    assert hass.states.get(LCD_LINE).state == brewpi_emulator.lcd_lines()[0].rstrip()
    read = asked(brewpi_emulator, "l")
    assert read >= 1
    await poll(coordinator)
    assert asked(brewpi_emulator, "l") == read + POLLS

    # Disabled again: the line is removed at once and the display is no longer read.
    entity_registry.async_update_entity(LCD_LINE, disabled_by=er.RegistryEntryDisabler.USER)
    await hass.async_block_till_done()
    assert hass.states.get(LCD_LINE) is None
    read = asked(brewpi_emulator, "l")
    await poll(coordinator)
    assert asked(brewpi_emulator, "l") == read


async def test_constants_come_from_the_controllers_reply_to_a_write(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, brewpi_emulator: BrewPiEmulator
) -> None:
    """Limits changed on the controller show with the `C:` it sends after the next write."""
    brewpi_emulator.cc["tempSetMax"] = 26.0
    await poll(loaded_entry.runtime_data)
    assert hass.states.get(CLIMATE).attributes["max_temp"] == 30  # nothing asked, nothing seen
    await hass.services.async_call(
        CLIMATE_DOMAIN,
        SERVICE_SET_TEMPERATURE,
        {ATTR_ENTITY_ID: CLIMATE, ATTR_TEMPERATURE: 19.0},
        blocking=True,
    )
    await hass.async_block_till_done()
    assert hass.states.get(CLIMATE).attributes["max_temp"] == 26
    await poll(loaded_entry.runtime_data)
    assert hass.states.get(CLIMATE).attributes["max_temp"] == 26
    assert asked(brewpi_emulator, "c") == 1


async def test_constants_are_read_again_after_a_reconnect(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    brewpi_emulator: BrewPiEmulator,
    advance: Advance,
) -> None:
    """The controller may have been changed, or replaced, while the link was down."""
    brewpi_emulator.cc["tempSetMax"] = 25.0
    brewpi_emulator.drop_clients()
    await advance(lambda: hass.states.get(CLIMATE).state == STATE_UNAVAILABLE)
    await advance(lambda: hass.states.get(CLIMATE).state != STATE_UNAVAILABLE)
    assert asked(brewpi_emulator, "c") == 2
    assert hass.states.get(CLIMATE).attributes["max_temp"] == 25
    await poll(loaded_entry.runtime_data)
    assert asked(brewpi_emulator, "c") == 2


async def test_a_poll_writes_only_the_states_that_changed(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, brewpi_emulator: BrewPiEmulator
) -> None:
    """Nothing changed, nothing written; a new room temperature writes that sensor alone."""
    written: list[str] = []

    @callback
    def note(data: dict[str, Any]) -> bool:  # an event filter: every write passes through it
        written.append(data["entity_id"])
        return False

    for event_type in (EVENT_STATE_CHANGED, EVENT_STATE_REPORTED):
        hass.bus.async_listen(event_type, callback(lambda _event: None), event_filter=note)
    coordinator: BrewPiCoordinator = loaded_entry.runtime_data
    await poll(coordinator)
    await hass.async_block_till_done()
    assert written == []

    brewpi_emulator.chamber.room_base += 2.0
    brewpi_emulator.chamber.room_temp += 2.0
    await poll(coordinator, 1)
    await hass.async_block_till_done()
    assert written == ["sensor.brewpi_fermenter1_room_temperature"]

    # Unavailable: every entity is written (the link sensor too: it stays available, turns off),
    # but the profile and batch entities: they show the profile run and the batch, which go on.
    written.clear()
    coordinator.async_set_update_error(RuntimeError("a failed poll"))
    await hass.async_block_till_done()
    batch = ("_beer", "_batch_number", "_days_in_vessel", "_apparent_attenuation", "_abv")
    assert sorted(written) == sorted(
        e for e in hass.states.async_entity_ids() if "profile" not in e and not e.endswith(batch)
    )
    assert hass.states.get(CLIMATE).state == STATE_UNAVAILABLE
