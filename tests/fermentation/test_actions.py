"""The profile actions and the select, on a BrewPi chamber (emulator) and a generic_thermostat."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import EVENT_STATE_CHANGED, EVENT_STATE_REPORTED
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.cellar_brewpi.const import CONF_KIND, DOMAIN, KIND_PROFILES
from custom_components.cellar_brewpi.fermentation.runner import DATA_RUNNER
from custom_components.cellar_brewpi.profiles import text
from scripts.emulators.brewpi import BrewPiEmulator
from tests.fermentation.conftest import ALE, GRAVITY, LAGER, profile_subentry, tick
from tests.ha import Advance, issue_ids

CHAMBER = "climate.brewpi_fermenter1"
CHAMBER_SELECT = "select.brewpi_fermenter1_profile"
CHAMBER_STEP = "sensor.brewpi_fermenter1_profile_step"
ESP = "climate.esp_chamber"
ESP_STEP = "sensor.esp_chamber_profile_step"  # only with its thermostat subentry
VESSEL = "climate.fv_10_1"

HOT = text.read("Hot", "hold 20 C for 1d\nhold 40 C for 1d\n")
OFF = text.read("Off", "hold 60 F for 1d\noff for 1d\nhold 50 F\n")
ATTENUATION = text.read("Attenuation", "hold 18 C for 10d or attenuation 75%\n")
SHORT = text.read("Short", "hold 19 C for 1h\nramp to 21 C over 1h\n")


@pytest.fixture
def profiles_entry() -> MockConfigEntry:
    """The profiles entry with the conftest's profiles and a few the checks need."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="Fermentation profiles",
        data={CONF_KIND: KIND_PROFILES},
        subentries_data=[
            profile_subentry(p) for p in (ALE, LAGER, GRAVITY, HOT, OFF, ATTENUATION, SHORT)
        ],
    )


async def _call(hass: HomeAssistant, service: str, entity_id: str, **data: Any) -> None:
    await hass.services.async_call(DOMAIN, service, {"entity_id": entity_id, **data}, blocking=True)
    await hass.async_block_till_done()


def _state_listeners(hass: HomeAssistant) -> tuple[int, int]:
    """How many listen to state changes and to states reported again."""
    listeners = hass.bus.async_listeners()
    return listeners.get(EVENT_STATE_CHANGED, 0), listeners.get(EVENT_STATE_REPORTED, 0)


def _target(hass: HomeAssistant, entity_id: str) -> float | None:
    return hass.states.get(entity_id).attributes.get("temperature")


def _next_change(hass: HomeAssistant, thermostat: str) -> datetime | None:
    object_id = thermostat.split(".", 1)[1]
    state = hass.states.get(f"sensor.{object_id}_profile_next_change").state
    return None if state == "unknown" else datetime.fromisoformat(state)


def _now() -> datetime:
    return dt_util.utcnow().replace(microsecond=0)


async def _add_thermostat(hass: HomeAssistant, entry: MockConfigEntry, entity_id: str) -> None:
    """Give another integration's thermostat its profile entities (the subentry flow)."""
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "thermostat"), context={"source": "user"}
    )
    await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"thermostat": entity_id}
    )
    await hass.async_block_till_done()
    assert hass.states.get(ESP_STEP) is not None


# --- Starting ------------------------------------------------------------------------------------


async def test_start_on_the_chamber(
    hass: HomeAssistant,
    brewpi_emulator: BrewPiEmulator,
    loaded_profiles: MockConfigEntry,
    loaded_entry: MockConfigEntry,
) -> None:
    await _call(hass, "start_profile", CHAMBER, profile="Lager")
    assert brewpi_emulator.mode == "p"
    assert _target(hass, CHAMBER) == 10.0
    assert hass.states.get(CHAMBER_SELECT).state == "Lager"
    assert hass.states.get(CHAMBER_STEP).state == "Hold 10 °C for 7 days"
    attributes = hass.states.get(CHAMBER_STEP).attributes
    assert attributes["step"] == 1
    assert attributes["steps"] == 4
    assert attributes["paused"] is False

    # Part-way: at step 3, a day into it.
    await _call(hass, "start_profile", CHAMBER, profile="Lager", step=3, elapsed={"days": 1})
    assert brewpi_emulator.mode == "p"
    assert _target(hass, CHAMBER) == 14.0
    assert hass.states.get(CHAMBER_STEP).attributes["step"] == 3
    assert _next_change(hass, CHAMBER) == _now() + timedelta(days=2)


async def test_the_generic_thermostat_follows_the_profile(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    generic_thermostat: str,
    loaded_profiles: MockConfigEntry,
) -> None:
    await _add_thermostat(hass, loaded_profiles, generic_thermostat)
    await _call(hass, "start_profile", ESP, profile="Ale")
    assert _target(hass, ESP) == 18.0
    assert hass.states.get(ESP).state == "heat"
    assert hass.states.get("select.esp_chamber_profile").state == "Ale"
    assert float(hass.states.get("sensor.esp_chamber_profile_target").state) == 18.0

    # A day into the ramp (day 4): half way to 21.
    await tick(hass, freezer, timedelta(days=4))
    assert _target(hass, ESP) == 19.5
    assert hass.states.get(ESP_STEP).state == "Heat to 21 °C over the next 2 days"
    assert float(hass.states.get("sensor.esp_chamber_profile_progress").state) == pytest.approx(
        100 * 4 / 7.5, abs=0.1
    )
    # An hour on: 0.0625 degree more, rounded to its step of 0.1 (19.6).
    await tick(hass, freezer, timedelta(hours=1))
    assert _target(hass, ESP) == 19.6
    assert ESP in hass.data[DATA_RUNNER].runs


@pytest.mark.parametrize(
    ("thermostat", "profile", "options", "key", "placeholders"),
    [
        pytest.param(CHAMBER, "Nope", {}, "unknown_profile", {"profile": "Nope"}, id="unknown"),
        pytest.param(
            CHAMBER,
            "Hot",
            {},
            "profile_out_of_range",
            {
                "thermostat": CHAMBER,
                "step": "2",
                "temperature": "40 °C",
                "low": "1",
                "high": "30 °C",
            },
            id="out-of-range",
        ),
        pytest.param(
            CHAMBER, "Gravity ale", {}, "profile_needs_gravity", {"step": "1"}, id="no-gravity"
        ),
        pytest.param(
            CHAMBER,
            "Attenuation",
            {"gravity_sensor": "sensor.tilt_gravity"},
            "profile_needs_original_gravity",
            {"step": "1"},
            id="no-original-gravity",
        ),
        pytest.param(
            CHAMBER, "Ale", {"step": 5}, "no_such_step", {"step": "5", "steps": "4"}, id="step"
        ),
        pytest.param(
            "climate.nowhere", "Ale", {}, "no_thermostat", {"thermostat": "climate.nowhere"}
        ),
    ],
)
async def test_a_start_the_chamber_cannot_run_is_refused(
    hass: HomeAssistant,
    brewpi_emulator: BrewPiEmulator,
    loaded_profiles: MockConfigEntry,
    loaded_entry: MockConfigEntry,
    thermostat: str,
    profile: str,
    options: dict[str, Any],
    key: str,
    placeholders: dict[str, str],
) -> None:
    mode = brewpi_emulator.mode
    with pytest.raises(ServiceValidationError) as caught:
        await _call(hass, "start_profile", thermostat, profile=profile, **options)
    assert caught.value.translation_domain == DOMAIN
    assert caught.value.translation_key == key
    assert caught.value.translation_placeholders == placeholders
    assert hass.data[DATA_RUNNER].runs == {}
    assert brewpi_emulator.mode == mode
    assert hass.states.get(CHAMBER_SELECT).state == "none"


async def test_a_chamber_s_batch_gives_the_start_its_gravity(
    hass: HomeAssistant, loaded_profiles: MockConfigEntry, loaded_entry: MockConfigEntry
) -> None:
    """The chamber's linked gravity sensor and its batch's OG: nothing to give the start."""
    hass.states.async_set("sensor.tilt_gravity", "1.030")
    await _call(hass, "set_batch", CHAMBER, beer="Ale", original_gravity=1.056)
    await _call(hass, "link_gravity_sensor", CHAMBER, gravity_sensor="sensor.tilt_gravity")
    await _call(hass, "start_profile", CHAMBER, profile="Attenuation")
    run = hass.data[DATA_RUNNER].runs[CHAMBER].run
    assert run.gravity_source == "sensor.tilt_gravity"
    assert run.history.original_gravity == pytest.approx(1.056)


async def test_the_message_names_the_step_out_of_range(
    hass: HomeAssistant, loaded_profiles: MockConfigEntry, loaded_entry: MockConfigEntry
) -> None:
    with pytest.raises(ServiceValidationError) as caught:
        await _call(hass, "start_profile", CHAMBER, profile="Hot")
    assert str(caught.value) == (
        "Step 2 of the profile asks climate.brewpi_fermenter1 for 40 °C,"
        " outside its range of 1 to 30 °C"
    )


async def test_a_vessel_cannot_turn_control_off(
    hass: HomeAssistant, loaded_profiles: MockConfigEntry, loaded_panel: MockConfigEntry
) -> None:
    with pytest.raises(ServiceValidationError) as caught:
        await _call(hass, "start_profile", VESSEL, profile="Off")
    assert caught.value.translation_key == "profile_cannot_turn_off"
    assert caught.value.translation_placeholders == {"thermostat": VESSEL, "step": "2"}
    assert hass.data[DATA_RUNNER].runs == {}


async def test_a_generic_thermostat_turns_control_off_and_back_on(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    generic_thermostat: str,
    loaded_profiles: MockConfigEntry,
) -> None:
    await _call(hass, "start_profile", generic_thermostat, profile="Off")
    assert _target(hass, ESP) == 15.6  # 60 °F in the unit system's °C, to its step
    assert hass.states.get(ESP).state == "heat"

    await tick(hass, freezer, timedelta(days=1, minutes=1))
    assert hass.states.get(ESP).state == "off"
    assert ESP in hass.data[DATA_RUNNER].runs  # turned off by the run: no pause
    assert hass.data[DATA_RUNNER].runs[ESP].run.paused is False

    await tick(hass, freezer, timedelta(days=1))
    assert hass.states.get(ESP).state == "heat"  # back in the mode it had
    assert _target(hass, ESP) == 10.0
    assert hass.data[DATA_RUNNER].runs[ESP].run.paused is False


@pytest.mark.parametrize(
    "service", ["stop_profile", "pause_profile", "resume_profile", "next_step"]
)
async def test_nothing_to_act_on_without_a_run(
    hass: HomeAssistant,
    generic_thermostat: str,
    loaded_profiles: MockConfigEntry,
    service: str,
) -> None:
    with pytest.raises(ServiceValidationError) as caught:
        await _call(hass, service, generic_thermostat)
    assert caught.value.translation_key == "no_profile_running"
    assert caught.value.translation_placeholders == {"thermostat": ESP}
    assert str(caught.value) == "No profile runs on climate.esp_chamber"


# --- Pausing, resuming, the next step, the end ---------------------------------------------------


async def test_the_clock_stands_still_while_paused(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    generic_thermostat: str,
    loaded_profiles: MockConfigEntry,
) -> None:
    await _add_thermostat(hass, loaded_profiles, generic_thermostat)
    started = dt_util.utcnow()
    paused_events = async_capture_events(hass, "cellar_brewpi_profile_paused")
    await _call(hass, "start_profile", ESP, profile="Ale")
    first_change = (started + timedelta(days=3)).replace(microsecond=0)
    assert _next_change(hass, ESP) == first_change

    await tick(hass, freezer, timedelta(days=1))
    assert _next_change(hass, ESP) == first_change
    await _call(hass, "pause_profile", ESP)
    assert paused_events[-1].data == {"entity_id": ESP, "profile": "Ale", "reason": None}
    attributes = hass.states.get(ESP_STEP).attributes
    assert attributes["paused"] is True
    assert attributes["pause_reason"] is None
    assert _next_change(hass, ESP) is None  # unknown while paused
    assert issue_ids(hass) == set()  # paused by the action: nothing to repair

    # Five hours paused, past where step 1 would have ended without the pause.
    for _ in range(5):
        await tick(hass, freezer, timedelta(hours=1))
    assert _target(hass, ESP) == 18.0
    await _call(hass, "resume_profile", ESP)
    assert hass.states.get(ESP_STEP).attributes["paused"] is False
    assert _next_change(hass, ESP) == first_change + timedelta(hours=5)

    # Two days on (three days of the run's clock less an hour): still the first step.
    await tick(hass, freezer, timedelta(days=2) - timedelta(minutes=1))
    assert hass.states.get(ESP_STEP).attributes["step"] == 1
    assert _target(hass, ESP) == 18.0
    await tick(hass, freezer, timedelta(minutes=2))
    assert hass.states.get(ESP_STEP).attributes["step"] == 2


async def test_pause_and_resume_on_the_chamber(
    hass: HomeAssistant,
    brewpi_emulator: BrewPiEmulator,
    loaded_profiles: MockConfigEntry,
    loaded_entry: MockConfigEntry,
) -> None:
    await _call(hass, "start_profile", CHAMBER, profile="Ale")
    assert brewpi_emulator.mode == "p"
    await _call(hass, "pause_profile", CHAMBER)
    assert brewpi_emulator.mode == "b"  # it holds the target on its own
    assert _target(hass, CHAMBER) == 18.0
    assert hass.states.get(CHAMBER_SELECT).state == "Ale"
    assert hass.states.get(CHAMBER_STEP).attributes["paused"] is True
    await _call(hass, "resume_profile", CHAMBER)
    assert brewpi_emulator.mode == "p"
    assert _target(hass, CHAMBER) == 18.0
    assert hass.data[DATA_RUNNER].runs[CHAMBER].run.paused is False


async def test_next_step_tells_the_step(
    hass: HomeAssistant,
    brewpi_emulator: BrewPiEmulator,
    loaded_profiles: MockConfigEntry,
    loaded_entry: MockConfigEntry,
) -> None:
    steps = async_capture_events(hass, "cellar_brewpi_profile_step")
    await _call(hass, "start_profile", CHAMBER, profile="Ale")
    assert steps == []
    await _call(hass, "next_step", CHAMBER)
    assert [e.data for e in steps] == [
        {
            "entity_id": CHAMBER,
            "profile": "Ale",
            "step": 2,
            "steps": 4,
            "description": "Heat to 21 °C over the next 2 days",
        }
    ]
    assert hass.states.get(CHAMBER_STEP).state == "Heat to 21 °C over the next 2 days"
    assert hass.states.get(CHAMBER_STEP).attributes["step"] == 2
    assert _target(hass, CHAMBER) == 18.0  # the ramp starts where the hold ended
    assert brewpi_emulator.mode == "p"


async def test_a_profile_ends(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    generic_thermostat: str,
    loaded_profiles: MockConfigEntry,
) -> None:
    await _add_thermostat(hass, loaded_profiles, generic_thermostat)
    steps = async_capture_events(hass, "cellar_brewpi_profile_step")
    finished = async_capture_events(hass, "cellar_brewpi_profile_finished")
    runner, idle = hass.data[DATA_RUNNER], _state_listeners(hass)
    assert not runner.following  # no run: no timer, no listener
    await _call(hass, "start_profile", ESP, profile="Short")
    assert _target(hass, ESP) == 19.0
    assert runner.following
    assert _state_listeners(hass) == (idle[0] + 1, idle[1] + 1)

    await tick(hass, freezer, timedelta(hours=1, seconds=1))
    assert [(e.data["step"], e.data["description"]) for e in steps] == [
        (2, "Heat to 21 °C over the next 1 hour")
    ]
    assert finished == []
    await tick(hass, freezer, timedelta(minutes=30))
    assert _target(hass, ESP) == 20.0

    await tick(hass, freezer, timedelta(minutes=30))
    assert [e.data for e in finished] == [{"entity_id": ESP, "profile": "Short"}]
    assert len(steps) == 1
    assert hass.data[DATA_RUNNER].runs == {}
    assert not runner.following
    assert _state_listeners(hass) == idle
    assert _target(hass, ESP) == 21.0  # the last temperature, held on its own
    assert hass.states.get("select.esp_chamber_profile").state == "none"
    assert hass.states.get(ESP_STEP).state == "unknown"


async def test_stop_leaves_the_thermostat_where_it_is(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    generic_thermostat: str,
    loaded_profiles: MockConfigEntry,
) -> None:
    await _call(hass, "start_profile", ESP, profile="Ale", elapsed={"days": 4})
    assert _target(hass, ESP) == 19.5
    await _call(hass, "stop_profile", ESP)
    assert hass.data[DATA_RUNNER].runs == {}
    assert not hass.data[DATA_RUNNER].following
    await tick(hass, freezer, timedelta(days=1))
    assert _target(hass, ESP) == 19.5


# --- The select ----------------------------------------------------------------------------------


async def test_the_select_starts_and_stops(
    hass: HomeAssistant,
    brewpi_emulator: BrewPiEmulator,
    loaded_profiles: MockConfigEntry,
    loaded_entry: MockConfigEntry,
) -> None:
    async def select(option: str) -> None:
        await hass.services.async_call(
            "select",
            "select_option",
            {"entity_id": CHAMBER_SELECT, "option": option},
            blocking=True,
        )
        await hass.async_block_till_done()

    assert hass.states.get(CHAMBER_SELECT).attributes["options"] == [
        "none",
        "Ale",
        "Attenuation",
        "Gravity ale",
        "Hot",
        "Lager",
        "Off",
        "Short",
    ]
    await select("none")  # nothing running: nothing to stop
    assert hass.data[DATA_RUNNER].runs == {}

    await select("Lager")
    assert hass.states.get(CHAMBER_SELECT).state == "Lager"
    assert brewpi_emulator.mode == "p"
    assert _target(hass, CHAMBER) == 10.0
    assert hass.data[DATA_RUNNER].runs[CHAMBER].run.profile == LAGER

    await select("none")
    assert hass.states.get(CHAMBER_SELECT).state == "none"
    assert hass.data[DATA_RUNNER].runs == {}
    assert brewpi_emulator.mode == "b"
    assert _target(hass, CHAMBER) == 10.0
    assert hass.states.get(CHAMBER).attributes["preset_mode"] == "beer_constant"

    # A profile the chamber cannot run is refused as the action refuses it.
    with pytest.raises(ServiceValidationError) as caught:
        await select("Hot")
    assert caught.value.translation_key == "profile_out_of_range"
    assert hass.states.get(CHAMBER_SELECT).state == "none"


# --- A setpoint changed by hand ------------------------------------------------------------------


def _issue_placeholders(hass: HomeAssistant, thermostat: str) -> dict[str, str]:
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"profile_paused_{thermostat}")
    assert issue is not None
    return dict(issue.translation_placeholders or {})


async def test_the_chamber_set_by_hand_pauses_the_run(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    brewpi_emulator: BrewPiEmulator,
    loaded_profiles: MockConfigEntry,
    loaded_entry: MockConfigEntry,
    advance: Advance,
) -> None:
    paused_events = async_capture_events(hass, "cellar_brewpi_profile_paused")
    await _call(hass, "start_profile", CHAMBER, profile="Ale", elapsed={"days": 4})
    assert _target(hass, CHAMBER) == 19.5
    assert issue_ids(hass) == set()

    await hass.services.async_call(
        "climate", "set_temperature", {"entity_id": CHAMBER, "temperature": 15}, blocking=True
    )
    await hass.async_block_till_done()
    reason = "its mode was changed on the thermostat"
    assert brewpi_emulator.mode == "b"
    assert issue_ids(hass) == {f"profile_paused_{CHAMBER}"}
    assert _issue_placeholders(hass, CHAMBER) == {
        "thermostat": "BrewPi fermenter1",
        "entity_id": CHAMBER,
        "profile": "Ale",
        "reason": reason,
    }
    assert paused_events[-1].data == {"entity_id": CHAMBER, "profile": "Ale", "reason": reason}
    attributes = hass.states.get(CHAMBER_STEP).attributes
    assert attributes["paused"] is True
    assert attributes["pause_reason"] == reason
    assert hass.states.get(CHAMBER_SELECT).state == "Ale"

    # Paused, the run leaves the chamber alone.
    writes = [c for c in brewpi_emulator.commands_received if c.startswith("j")]
    for _ in range(4):
        await tick(hass, freezer, timedelta(seconds=30))
    assert [c for c in brewpi_emulator.commands_received if c.startswith("j")] == writes
    assert _target(hass, CHAMBER) == 15.0

    await _call(hass, "resume_profile", CHAMBER)
    await advance(lambda: brewpi_emulator.mode == "p")
    assert issue_ids(hass) == set()
    assert _target(hass, CHAMBER) == 19.5
    assert hass.states.get(CHAMBER_STEP).attributes["paused"] is False
    assert hass.states.get(CHAMBER_STEP).attributes["pause_reason"] is None


@pytest.mark.parametrize(
    ("service", "data", "reason"),
    [
        ("set_temperature", {"temperature": 22}, "its setpoint was changed to 22 by hand"),
        ("set_hvac_mode", {"hvac_mode": "off"}, "it was turned off by hand"),
    ],
)
async def test_the_generic_thermostat_set_by_hand_pauses_the_run(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    generic_thermostat: str,
    loaded_profiles: MockConfigEntry,
    service: str,
    data: dict[str, Any],
    reason: str,
) -> None:
    await _add_thermostat(hass, loaded_profiles, generic_thermostat)
    await _call(hass, "start_profile", ESP, profile="Ale")
    assert _target(hass, ESP) == 18.0
    # A reading that makes it heat: the thermostat's own state changes are not a hand's.
    hass.states.async_set("sensor.chamber_temperature", "17.0", {"unit_of_measurement": "°C"})
    await hass.async_block_till_done()
    assert issue_ids(hass) == set()

    await hass.services.async_call("climate", service, {"entity_id": ESP, **data}, blocking=True)
    await hass.async_block_till_done()
    assert issue_ids(hass) == {f"profile_paused_{ESP}"}
    assert _issue_placeholders(hass, ESP)["reason"] == reason
    assert _issue_placeholders(hass, ESP)["thermostat"] == "ESP chamber"
    attributes = hass.states.get(ESP_STEP).attributes
    assert attributes["paused"] is True
    assert attributes["pause_reason"] == reason
    state = hass.states.get(ESP)
    for _ in range(4):
        await tick(hass, freezer, timedelta(seconds=30))
    assert hass.states.get(ESP).state == state.state
    assert _target(hass, ESP) == state.attributes["temperature"]

    await _call(hass, "resume_profile", ESP)
    assert issue_ids(hass) == set()
    assert _target(hass, ESP) == 18.0
    assert hass.states.get(ESP).state == "heat"
    assert hass.states.get(ESP_STEP).attributes["paused"] is False


async def test_after_a_resume_a_hand_is_still_noticed(
    hass: HomeAssistant, generic_thermostat: str, loaded_profiles: MockConfigEntry
) -> None:
    await _call(hass, "start_profile", ESP, profile="Ale")
    await _call(hass, "pause_profile", ESP)
    await _call(hass, "resume_profile", ESP)
    assert _target(hass, ESP) == 18.0
    await hass.services.async_call(
        "climate", "set_hvac_mode", {"entity_id": ESP, "hvac_mode": "off"}, blocking=True
    )
    await hass.async_block_till_done()
    assert issue_ids(hass) == {f"profile_paused_{ESP}"}
    assert hass.data[DATA_RUNNER].runs[ESP].run.pause_reason == "it was turned off by hand"
