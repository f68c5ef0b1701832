"""
Nothing lost at start-up or reload: every reading taken while Home Assistant runs is recorded.

Home Assistant sets config entries up in any order, and reloads the services entry after every
options change. Here the entries load in each order, the services reload while the devices poll,
and VictoriaMetrics must hold every reading exactly once, the first panel reads with their batch.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import datetime
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.cellar_brewpi.const import DOMAIN
from scripts.stand_ins.google_sheets import FakeGoogle
from scripts.victoria_metrics import Key, VictoriaMetrics
from tests.ha import influx_options, services_entry, sheet_options, until

PANEL_SAMPLES = 8 * 4 + 2  # slots 1-8: 4 fields; the unused slot 9: valve_open, days_in_vessel
CONTROLLER_SAMPLES = 7


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _stamps(samples: Counter[Key], name: str, **labels: str) -> list[int]:
    wanted = tuple(sorted(labels.items()))
    return sorted(stamp for (metric, tags, stamp) in samples if (metric, tags) == (name, wanted))


@pytest.mark.parametrize("services_at", [0, 1, 2], ids=["first", "between", "last"])
async def test_every_order_and_a_reload_lose_nothing(
    hass: HomeAssistant,
    victoria: VictoriaMetrics,
    google: FakeGoogle,
    account: dict[str, Any],
    panel_entry: MockConfigEntry,
    config_entry: MockConfigEntry,
    services_at: int,
) -> None:
    await victoria.start()
    services = services_entry(
        {"influxdb": influx_options(victoria.url), "sheet": sheet_options(account)}
    )
    order = [panel_entry, config_entry]
    order.insert(services_at, services)
    # As at a start of Home Assistant: every entry is there, then they load one after another.
    assert await async_setup_component(hass, DOMAIN, {})  # the domain, before its entries
    for entry in order:
        entry.add_to_hass(hass)
    for entry in order:
        assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    panel, controller = panel_entry.runtime_data, config_entry.runtime_data
    panel_reads = [panel.data.read_at]
    controller_reads = [controller.data.read_at]

    async def poll() -> None:
        await asyncio.gather(panel.async_refresh(), controller.async_refresh())
        panel_reads.append(panel.data.read_at)
        controller_reads.append(controller.data.read_at)

    await poll()
    # The services reload (an options change) while both devices read.
    await asyncio.gather(hass.config_entries.async_reload(services.entry_id), poll())
    await hass.async_block_till_done()
    await poll()
    assert len(set(panel_reads)) == len(set(controller_reads)) == 4

    total = 4 * (PANEL_SAMPLES + CONTROLLER_SAMPLES)

    async def arrived() -> Counter[Key]:
        async with asyncio.timeout(15):
            while sum((samples := await victoria.samples()).values()) < total:  # noqa: ASYNC110
                await asyncio.sleep(0.05)
        return samples

    samples = await arrived()
    await until(lambda: services.runtime_data.recording.stats.queued == 0)
    assert sum(samples.values()) == total
    assert set(samples.values()) == {1}  # exactly once
    # Every read, the first ones included, with its own time and the vessel's batch.
    slot1 = {"slot": "1", "vessel": "FV 10/1", "batch_number": "90"}
    assert _stamps(samples, "cellar_panel_read_temp", **slot1) == [_ms(t) for t in panel_reads]
    device = {"device": "fermenter1", "temp_format": "C"}
    assert _stamps(samples, "brewpi_beer_temp", **device) == [_ms(t) for t in controller_reads]
