"""The profiles entry and its subentries (profiles, other thermostats), through HA's flows."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from homeassistant.config_entries import SOURCE_RECONFIGURE, SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.cellar_brewpi.config_flow import CellarBrewPiConfigFlow
from custom_components.cellar_brewpi.const import CONF_KIND, DOMAIN, KIND_PROFILES
from custom_components.cellar_brewpi.fermentation.runner import DATA_RUNNER
from custom_components.cellar_brewpi.profiles import (
    Combine,
    Gravity,
    Hold,
    Profile,
    Ramp,
    Temperature,
    Unit,
    plain,
    text,
)
from tests.fermentation.conftest import ALE, ESP_CHAMBER
from tests.profiles.reference import to_export

D = timedelta(days=1)
H = timedelta(hours=1)
CHAMBER = "climate.brewpi_fermenter1"
SELECT = "select.brewpi_fermenter1_profile"


def _c(value: float) -> Temperature:
    return Temperature(value, Unit.CELSIUS)


def _f(value: float) -> Temperature:
    return Temperature(value, Unit.FAHRENHEIT)


def _suggested(result: Any) -> dict[str, Any]:
    """The values a form shows filled in."""
    return {
        str(key): (key.description or {}).get("suggested_value")
        for key in result["data_schema"].schema
    }


def _subentry(entry: MockConfigEntry, title: str) -> Any:
    return next(s for s in entry.subentries.values() if s.title == title)


async def _profile_step(hass: HomeAssistant, entry: MockConfigEntry, step: str) -> str:
    """Open the Add profile menu and pick `step`; the flow's id."""
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "profile"), context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.MENU
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"next_step_id": step}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == step
    return result["flow_id"]


async def _configure(hass: HomeAssistant, flow_id: str, data: dict[str, Any]) -> Any:
    result = await hass.config_entries.subentries.async_configure(flow_id, data)
    await hass.async_block_till_done()
    return result


# --- The profiles entry --------------------------------------------------------------------------


async def test_the_profiles_entry_is_added_from_the_menu_once(hass: HomeAssistant) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.MENU
    assert "fermentation_profiles" in result["menu_options"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "fermentation_profiles"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "fermentation_profiles"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Fermentation profiles"
    assert result["data"] == {CONF_KIND: KIND_PROFILES}
    entry = result["result"]
    assert entry.state.value == "loaded"
    assert entry.subentries == {}

    # A second one is refused as soon as it is chosen.
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "fermentation_profiles"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert [e.entry_id for e in hass.config_entries.async_entries(DOMAIN)] == [entry.entry_id]


async def test_the_profiles_entry_has_nothing_to_reconfigure_and_no_options(
    hass: HomeAssistant, loaded_profiles: MockConfigEntry, loaded_entry: MockConfigEntry
) -> None:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_RECONFIGURE, "entry_id": loaded_profiles.entry_id}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "nothing_to_reconfigure"

    assert CellarBrewPiConfigFlow.async_supports_options_flow(loaded_profiles) is False
    assert loaded_profiles.supports_options is False
    assert CellarBrewPiConfigFlow.async_supports_options_flow(loaded_entry) is True
    assert loaded_entry.supports_options is True
    result = await hass.config_entries.options.async_init(loaded_entry.entry_id)
    assert result["type"] is FlowResultType.MENU
    hass.config_entries.options.async_abort(result["flow_id"])

    assert loaded_profiles.supported_subentry_types.keys() == {"profile", "thermostat"}
    assert loaded_entry.supported_subentry_types == {}


# --- Writing a profile ---------------------------------------------------------------------------


async def test_a_written_profile_is_a_subentry(
    hass: HomeAssistant, loaded_profiles: MockConfigEntry
) -> None:
    flow_id = await _profile_step(hass, loaded_profiles, "write")
    result = await _configure(
        hass,
        flow_id,
        {
            "name": "  Pale ale ",
            "steps": "hold 19 C for 4d   # pitch\nramp to 22 C over 1d\n\n"
            "hold 22 C for 2d or gravity 1.010 and stable 1@24\nhold 3 C\n",
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Pale ale"
    expected = Profile(
        "Pale ale",
        (
            Hold(_c(19), 4 * D),
            Ramp(_c(22), D),
            Hold(_c(22), 2 * D, Gravity(at_most=1.010, stable_points=1, stable_hours=24)),
            Hold(_c(3), None),
        ),
    )
    assert result["data"] == plain.to_dict(expected)
    subentry = _subentry(loaded_profiles, "Pale ale")
    assert subentry.subentry_type == "profile"
    assert dict(subentry.data) == plain.to_dict(expected)
    assert plain.from_dict(subentry.data) == expected


@pytest.mark.parametrize(
    ("name", "steps", "problem"),
    [
        (
            "Ale 2",
            "hold 18 C for 3d\nramp 21 C in 2d\n",
            "line 2: 'ramp 21 C in 2d' is not a step like",
        ),
        (
            "Ale 2",
            "hold 18 C for 3d\n\nhold 20 C\nramp to 21 C over 2d\n",
            "line 3: step 2: only the last step may have no duration",
        ),
        ("Ale 2", "hold 18 C for soon\n", "line 1: 'soon' is not a duration"),
        ("Ale 2", "ramp to 18 C over 1d\n", "line 1: step 1: a profile starts with a hold"),
        ("Ale 2", "# nothing but a comment\n", "a profile needs at least one step"),
        ("   ", "hold 18 C for 3d\n", "a profile needs a name"),
    ],
)
async def test_invalid_steps_are_shown_with_their_line(
    hass: HomeAssistant, loaded_profiles: MockConfigEntry, name: str, steps: str, problem: str
) -> None:
    before = set(loaded_profiles.subentries)
    flow_id = await _profile_step(hass, loaded_profiles, "write")
    result = await _configure(hass, flow_id, {"name": name, "steps": steps})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "write"
    assert result["errors"] == {"base": "invalid_profile"}
    assert problem in result["description_placeholders"]["problem"]
    assert _suggested(result) == {"name": name, "steps": steps}  # what was typed stays
    assert set(loaded_profiles.subentries) == before

    # Corrected in the same form, it is added.
    result = await _configure(hass, flow_id, {"name": "Ale 2", "steps": "hold 18 C for 3d\n"})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == plain.to_dict(Profile("Ale 2", (Hold(_c(18), 3 * D),)))


async def test_a_name_taken_is_refused(
    hass: HomeAssistant, loaded_profiles: MockConfigEntry
) -> None:
    flow_id = await _profile_step(hass, loaded_profiles, "write")
    result = await _configure(hass, flow_id, {"name": "Lager", "steps": "hold 12 C for 9d"})
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"name": "name_taken"}
    assert [s.title for s in loaded_profiles.subentries.values()].count("Lager") == 1


# --- Importing a profile -------------------------------------------------------------------------

FERMENTRACK = to_export(
    "Ale with diacetyl rest",
    [(3 * D, 18.0, "C"), (5 * D, 21.0, "C"), (7 * D, 21.0, "C"), (7 * D + 12 * H, 2.0, "C")],
)
REMIX = (
    "date,temperature,days,Remix ale\n"
    "2026-01-01T14:00:00,64,0\n"
    "2026-01-04T14:00:00,64,3\n"
    "2026-01-06T14:00:00,68,5\n"
    "2026-01-07T14:00:00,,6\n"
)
YAML = """\
name: Yaml lager
steps:
  - {type: hold, temperature: 10, unit: C, duration: 7d}
  - {type: ramp, temperature: 14, unit: C, duration: 2d}
  - {type: hold, temperature: 14, unit: C, duration: 3d, combine: and,
     gravity: {attenuation: 75}}
  - {type: hold, temperature: null, duration: 1d}
"""
JSON = json.dumps(
    {
        "name": "Json kölsch",
        "steps": [
            {"type": "hold", "temperature": 59, "unit": "F", "duration": "5d"},
            {"type": "ramp", "temperature": 35, "unit": "F", "duration": "1d12h"},
        ],
    },
    indent=2,
    ensure_ascii=False,
)


@pytest.mark.parametrize(
    ("source", "unit", "name", "expected"),
    [
        pytest.param(
            FERMENTRACK,
            "F",  # the table says its units: the unit is for a Remix CSV only
            "",
            Profile(
                "Ale with diacetyl rest",
                (
                    Hold(_c(18), 3 * D),
                    Ramp(_c(21), 2 * D),
                    Hold(_c(21), 2 * D),
                    Ramp(_c(2), 12 * H),
                ),
            ),
            id="fermentrack",
        ),
        pytest.param(
            REMIX,
            "F",
            "",
            Profile(
                "Remix ale",
                (
                    Hold(_f(64), timedelta(0)),
                    Hold(_f(64), 3 * D),
                    Ramp(_f(68), 2 * D),
                    Hold(None, D),
                ),
            ),
            id="remix-in-F",
        ),
        pytest.param(
            REMIX.replace(",Remix ale", ""),
            "C",
            "Named here",
            Profile(
                "Named here",
                (
                    Hold(_c(64), timedelta(0)),
                    Hold(_c(64), 3 * D),
                    Ramp(_c(68), 2 * D),
                    Hold(None, D),
                ),
            ),
            id="remix-unnamed-in-C",
        ),
        pytest.param(
            YAML,
            "C",
            "",
            Profile(
                "Yaml lager",
                (
                    Hold(_c(10), 7 * D),
                    Ramp(_c(14), 2 * D),
                    Hold(_c(14), 3 * D, Gravity(attenuation=75), Combine.BOTH),
                    Hold(None, D),
                ),
            ),
            id="yaml",
        ),
        pytest.param(
            JSON,
            "C",
            "",
            Profile("Json kölsch", (Hold(_f(59), 5 * D), Ramp(_f(35), D + 12 * H))),
            id="json",
        ),
        pytest.param(
            JSON,
            "C",
            " Renamed ",
            Profile("Renamed", (Hold(_f(59), 5 * D), Ramp(_f(35), D + 12 * H))),
            id="json-renamed",
        ),
    ],
)
async def test_an_imported_profile_is_a_subentry(
    hass: HomeAssistant,
    loaded_profiles: MockConfigEntry,
    source: str,
    unit: str,
    name: str,
    expected: Profile,
) -> None:
    flow_id = await _profile_step(hass, loaded_profiles, "import")
    result = await _configure(hass, flow_id, {"source": source, "name": name, "unit": unit})
    assert result["type"] is FlowResultType.CREATE_ENTRY, result.get("description_placeholders")
    assert result["title"] == expected.name
    assert result["data"] == plain.to_dict(expected)
    assert plain.from_dict(_subentry(loaded_profiles, expected.name).data) == expected


async def test_the_import_form_offers_the_unit_of_the_unit_system(
    hass: HomeAssistant, loaded_profiles: MockConfigEntry
) -> None:
    flow_id = await _profile_step(hass, loaded_profiles, "import")
    result = await hass.config_entries.subentries.async_configure(flow_id, None)
    assert result["data_schema"]({"source": REMIX})["unit"] == "C"

    # Without a unit, a Remix CSV is read in it.
    result = await _configure(hass, flow_id, {"source": REMIX})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert plain.from_dict(result["data"]).steps[1] == Hold(_c(64), 3 * D)


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        pytest.param(
            FERMENTRACK.replace("| 5d ", "| 5x "),
            "line 6: '| 5x",
            id="fermentrack-bad-row",
        ),
        pytest.param(
            FERMENTRACK.rstrip().rsplit("\r\n", 1)[0],
            "the table has no closing row of =====",
            id="fermentrack-unclosed",
        ),
        pytest.param(
            REMIX.replace("2026-01-04T14:00:00", "the fourth"),
            "line 3: 'the fourth' is not a date",
            id="remix-bad-date",
        ),
        pytest.param(
            REMIX.replace(",68,", ",warm,"),
            "line 4: 'warm' is not a temperature",
            id="remix-bad-temperature",
        ),
        pytest.param(
            YAML.replace("duration: 2d}", "duration: 2d"),
            "line 5: not valid YAML or JSON",
            id="yaml-syntax",
        ),
        pytest.param(
            YAML.replace("type: ramp", "type: jump"),
            "step 2: the type 'jump' is neither hold nor ramp",
            id="yaml-bad-step",
        ),
        pytest.param(
            JSON.replace('"5d"', '"5 days"'),
            "step 1: '5 days' is not a duration",
            id="json-bad-duration",
        ),
        pytest.param(
            "hold 18 C for 3d\n",
            "steps typed one a line need a name",
            id="steps-without-a-name",
        ),
    ],
)
async def test_a_malformed_import_is_shown_with_its_line(
    hass: HomeAssistant, loaded_profiles: MockConfigEntry, source: str, problem: str
) -> None:
    before = set(loaded_profiles.subentries)
    flow_id = await _profile_step(hass, loaded_profiles, "import")
    result = await _configure(hass, flow_id, {"source": source, "unit": "C"})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "import"
    assert result["errors"] == {"base": "invalid_profile"}
    assert problem in result["description_placeholders"]["problem"]
    assert set(loaded_profiles.subentries) == before


async def test_an_import_under_a_name_taken_is_refused(
    hass: HomeAssistant, loaded_profiles: MockConfigEntry
) -> None:
    flow_id = await _profile_step(hass, loaded_profiles, "import")
    result = await _configure(hass, flow_id, {"source": YAML, "name": "Ale", "unit": "C"})
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"name": "name_taken"}


# --- Copying a profile ---------------------------------------------------------------------------


async def test_copy_is_offered_only_once_there_are_profiles(hass: HomeAssistant) -> None:
    entry = MockConfigEntry(
        domain=DOMAIN, title="Fermentation profiles", data={CONF_KIND: KIND_PROFILES}
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "profile"), context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == ["write", "import"]
    hass.config_entries.subentries.async_abort(result["flow_id"])

    flow_id = await _profile_step(hass, entry, "write")
    await _configure(hass, flow_id, {"name": "First", "steps": "hold 18 C for 3d"})
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "profile"), context={"source": SOURCE_USER}
    )
    assert result["menu_options"] == ["write", "import", "copy"]


async def test_a_copy_under_a_new_name(
    hass: HomeAssistant, loaded_profiles: MockConfigEntry
) -> None:
    flow_id = await _profile_step(hass, loaded_profiles, "copy")
    result = await hass.config_entries.subentries.async_configure(flow_id, None)
    schema = result["data_schema"].schema
    selector = next(v for k, v in schema.items() if str(k) == "profile")
    assert selector.config["options"] == ["Ale", "Gravity ale", "Lager"]

    result = await _configure(hass, flow_id, {"profile": "Ale", "name": "   "})
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"name": "name_required"}
    result = await _configure(hass, flow_id, {"profile": "Ale", "name": "Lager"})
    assert result["errors"] == {"name": "name_taken"}
    result = await _configure(hass, flow_id, {"profile": "Ale", "name": " Ale, again "})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Ale, again"
    assert result["data"] == plain.to_dict(Profile("Ale, again", ALE.steps))
    assert dict(_subentry(loaded_profiles, "Ale").data) == plain.to_dict(ALE)


# --- Editing a profile ---------------------------------------------------------------------------


async def _reconfigure(hass: HomeAssistant, entry: MockConfigEntry, title: str) -> Any:
    return await hass.config_entries.subentries.async_init(
        (entry.entry_id, "profile"),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": _subentry(entry, title).subentry_id},
    )


async def test_editing_a_profile_shows_its_steps_and_saves_the_change(
    hass: HomeAssistant, loaded_profiles: MockConfigEntry
) -> None:
    subentry_id = _subentry(loaded_profiles, "Ale").subentry_id
    result = await _reconfigure(hass, loaded_profiles, "Ale")
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    assert _suggested(result) == {
        "name": "Ale",
        "steps": "hold 18 C for 3d\nramp to 21 C over 2d\nhold 21 C for 2d\nramp to 2 C over 12h\n",
    }
    assert text.read("Ale", _suggested(result)["steps"]) == ALE

    flow_id = result["flow_id"]
    result = await _configure(hass, flow_id, {"name": "Ale", "steps": "hold 18 C for 3d\nramp"})
    assert result["errors"] == {"base": "invalid_profile"}
    assert "line 2: 'ramp' is not a step" in result["description_placeholders"]["problem"]
    result = await _configure(hass, flow_id, {"name": "Lager", "steps": "hold 18 C for 3d"})
    assert result["errors"] == {"name": "name_taken"}

    # Its own name is not taken by itself.
    result = await _configure(hass, flow_id, {"name": "Ale", "steps": "hold 17 C for 4d\n"})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert loaded_profiles.subentries[subentry_id].title == "Ale"
    edited = Profile("Ale", (Hold(_c(17), 4 * D),))
    assert dict(loaded_profiles.subentries[subentry_id].data) == plain.to_dict(edited)

    result = await _reconfigure(hass, loaded_profiles, "Ale")
    assert _suggested(result)["steps"] == "hold 17 C for 4d\n"
    result = await _configure(
        hass, result["flow_id"], {"name": "Best bitter", "steps": "hold 19 C for 5d\n"}
    )
    assert result["reason"] == "reconfigure_successful"
    assert loaded_profiles.subentries[subentry_id].title == "Best bitter"
    assert dict(loaded_profiles.subentries[subentry_id].data) == plain.to_dict(
        Profile("Best bitter", (Hold(_c(19), 5 * D),))
    )


async def test_a_run_under_way_keeps_its_own_copy(
    hass: HomeAssistant, loaded_profiles: MockConfigEntry, loaded_entry: MockConfigEntry
) -> None:
    await hass.services.async_call(
        DOMAIN, "start_profile", {"entity_id": CHAMBER, "profile": "Ale"}, blocking=True
    )
    await hass.async_block_till_done()
    assert hass.states.get(CHAMBER).attributes["temperature"] == 18.0

    result = await _reconfigure(hass, loaded_profiles, "Ale")
    result = await _configure(
        hass, result["flow_id"], {"name": "Ale v2", "steps": "hold 16 C for 1d\nhold 20 C\n"}
    )
    assert result["reason"] == "reconfigure_successful"

    run = hass.data[DATA_RUNNER].runs[CHAMBER].run
    assert run.profile == ALE
    assert hass.states.get(CHAMBER).attributes["temperature"] == 18.0
    select = hass.states.get(SELECT)
    assert select.state == "Ale"
    assert select.attributes["options"] == ["none", "Ale v2", "Gravity ale", "Lager", "Ale"]
    assert plain.from_dict(_subentry(loaded_profiles, "Ale v2").data).steps[0] == Hold(_c(16), D)


# --- Another integration's thermostat ------------------------------------------------------------


async def test_another_integrations_thermostat_gets_its_profile_entities(
    hass: HomeAssistant, generic_thermostat: str, loaded_profiles: MockConfigEntry
) -> None:
    result = await hass.config_entries.subentries.async_init(
        (loaded_profiles.entry_id, "thermostat"), context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    result = await _configure(hass, result["flow_id"], {"thermostat": generic_thermostat})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "ESP chamber"
    assert result["data"] == {"thermostat": ESP_CHAMBER}
    await hass.async_block_till_done()
    subentry = _subentry(loaded_profiles, "ESP chamber")
    assert subentry.subentry_type == "thermostat"
    assert subentry.unique_id == ESP_CHAMBER

    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, f"profiles-{ESP_CHAMBER}"), loaded_profiles.entry_id
    )
    assert device is not None
    assert device.name == "ESP chamber"
    assert device.model == "Profiles of a thermostat"
    entities = er.async_entries_for_device(er.async_get(hass), device.id)
    assert sorted(e.entity_id for e in entities) == [
        "select.esp_chamber_profile",
        "sensor.esp_chamber_profile_next_change",
        "sensor.esp_chamber_profile_progress",
        "sensor.esp_chamber_profile_step",
        "sensor.esp_chamber_profile_target",
    ]
    assert {e.config_subentry_id for e in entities} == {subentry.subentry_id}
    assert {e.config_entry_id for e in entities} == {loaded_profiles.entry_id}

    select = hass.states.get("select.esp_chamber_profile")
    assert select.state == "none"
    assert select.attributes["options"] == ["none", "Ale", "Gravity ale", "Lager"]
    for key in ("target", "step", "progress", "next_change"):
        assert hass.states.get(f"sensor.esp_chamber_profile_{key}").state == "unknown"

    # A profile added now is on its select at once.
    flow_id = await _profile_step(hass, loaded_profiles, "write")
    await _configure(hass, flow_id, {"name": "Mead", "steps": "hold 16 C for 30d"})
    assert hass.states.get("select.esp_chamber_profile").attributes["options"] == [
        "none",
        "Ale",
        "Gravity ale",
        "Lager",
        "Mead",
    ]

    # Twice is once.
    result = await hass.config_entries.subentries.async_init(
        (loaded_profiles.entry_id, "thermostat"), context={"source": SOURCE_USER}
    )
    result = await _configure(hass, result["flow_id"], {"thermostat": generic_thermostat})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    thermostats = [
        s for s in loaded_profiles.subentries.values() if s.subentry_type == "thermostat"
    ]
    assert len(thermostats) == 1
