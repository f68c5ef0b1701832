"""An entered batch beside the production Sheet, and the gravity in the InfluxDB readings."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import ServiceValidationError
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.cellar_brewpi.const import DOMAIN
from scripts.stand_ins.google_sheets import FakeGoogle
from scripts.victoria_metrics import VictoriaMetrics
from tests.fermenters.test_batches import TILT, a_tilt
from tests.ha import AddServices, add_entry, influx_options, sheet_options


async def _batch_step(hass: HomeAssistant, panel: MockConfigEntry, slot: int) -> dict[str, Any]:
    result = await hass.config_entries.options.async_init(panel.entry_id)
    assert "batch_vessel" in result["menu_options"]
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "batch_vessel"}
    )
    return await hass.config_entries.options.async_configure(
        result["flow_id"], {"number": str(slot)}
    )


async def test_the_sheet_s_batch_wins_and_the_form_says_so(
    hass: HomeAssistant,
    add_services: AddServices,
    google: FakeGoogle,
    account: dict[str, Any],
    panel_entry: MockConfigEntry,
) -> None:
    await add_services(sheet=sheet_options(account))
    panel = await add_entry(hass, panel_entry)
    await a_tilt(hass)

    # FV 10/1 is in the Sheet (row 2, Hazy): only its gravity sensor is set here.
    form = await _batch_step(hass, panel, 1)
    assert form["step_id"] == "sheet_batch"
    assert form["description_placeholders"] == {"name": "FV 10/1", "row": "2", "beer": "Hazy"}
    assert [str(key) for key in form["data_schema"].schema] == ["gravity_sensor"]
    result = await hass.config_entries.options.async_configure(
        form["flow_id"], {"gravity_sensor": TILT}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert hass.states.get("sensor.fv_10_1_beer").attributes["source"] == "sheet"
    # The Sheet's OG (15.1, in °Plato) with the Tilt's 1.052.
    assert float(hass.states.get("sensor.fv_10_1_apparent_attenuation").state) == pytest.approx(
        15.6, abs=0.3
    )
    with pytest.raises(ServiceValidationError) as raised:
        await hass.services.async_call(
            DOMAIN, "set_batch", {"entity_id": "climate.fv_10_1", "beer": "Pils"}, blocking=True
        )
    assert raised.value.translation_key == "batch_from_sheet"
    assert "comes from the production Sheet (row 2: Hazy)" in str(raised.value)
    assert hass.states.get("sensor.fv_10_1_beer").state == "Hazy"

    # FV 10/3 has no row: a batch entered there is its batch.
    form = await _batch_step(hass, panel, 3)
    assert form["step_id"] == "batch"
    await hass.config_entries.options.async_configure(
        form["flow_id"], {"beer": "Kölsch", "batch_number": "93"}
    )
    await hass.async_block_till_done()
    beer = hass.states.get("sensor.fv_10_3_beer")
    assert (beer.state, beer.attributes["source"]) == ("Kölsch", "entered")


async def test_gravity_goes_with_the_readings(
    hass: HomeAssistant,
    add_services: AddServices,
    victoria: VictoriaMetrics,
    panel_entry: MockConfigEntry,
    config_entry: MockConfigEntry,
) -> None:
    """Fermentrack's `gravity` column on a chamber's points; one more field on a vessel's."""
    await victoria.start()
    await add_services(influxdb=influx_options(victoria.url))
    await a_tilt(hass, 1.044)
    await add_entry(hass, config_entry)
    panel = await add_entry(hass, panel_entry)
    for thermostat in ("climate.brewpi_fermenter1", "climate.fv_10_2"):
        await hass.services.async_call(
            DOMAIN,
            "link_gravity_sensor",
            {"entity_id": thermostat, "gravity_sensor": TILT},
            blocking=True,
        )
    await hass.services.async_call(
        DOMAIN,
        "set_batch",
        {"entity_id": "climate.fv_10_2", "beer": "Pils", "batch_number": "88"},
        blocking=True,
    )
    await config_entry.runtime_data.async_refresh()
    await panel.runtime_data.async_refresh()
    await hass.async_block_till_done()

    async def exported(name: str) -> list[dict[str, Any]]:
        for _ in range(200):
            if series := await victoria.export(f'{{__name__="{name}"}}'):
                return series
            await asyncio.sleep(0.05)
        raise AssertionError(f"no {name} arrived")

    (chamber,) = await exported("brewpi_gravity")
    assert chamber["metric"]["device"] == "fermenter1"
    assert set(chamber["values"]) == {1.044}
    (vessel,) = await exported("cellar_panel_read_gravity")
    assert vessel["metric"] == vessel["metric"] | {"vessel": "FV 10/2", "batch_number": "88"}
    assert set(vessel["values"]) == {1.044}
    # The old schema's fields stay as they were.
    temps = await exported("cellar_panel_read_temp")
    assert len({series["metric"]["vessel"] for series in temps}) == 8
