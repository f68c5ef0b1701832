"""The export_profile action: each format, read back as the profile it came from."""

from __future__ import annotations

from datetime import datetime

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.cellar_brewpi.const import CONF_KIND, DOMAIN, KIND_PROFILES
from custom_components.cellar_brewpi.profiles import Unit, fermentrack, plain, remix, text

from .conftest import ALE, GRAVITY, profile_subentry

OFF = text.read("Rest", "hold 18 C for 1d\noff for 1d\nhold 18 C for 1d\n")


async def _export(hass: HomeAssistant, profile: str, kind: str) -> dict[str, str]:
    response = await hass.services.async_call(
        DOMAIN,
        "export_profile",
        {"profile": profile, "format": kind},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    return response  # type: ignore[return-value]


@pytest.fixture
async def profiles(hass: HomeAssistant) -> MockConfigEntry:
    """The ale, the gravity ale and a profile with control off."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={CONF_KIND: KIND_PROFILES},
        subentries_data=[profile_subentry(p) for p in (ALE, GRAVITY, OFF)],
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def test_every_format_reads_back(hass: HomeAssistant, profiles: MockConfigEntry) -> None:
    table = (await _export(hass, "Ale", "fermentrack"))["text"]
    assert table.startswith("=" * 36 + "\r\n| Ale")
    assert fermentrack.read(table) == ALE
    assert plain.read((await _export(hass, "Ale", "yaml"))["text"]) == ALE
    assert plain.read((await _export(hass, "Ale", "json"))["text"]) == ALE
    assert text.read("Ale", (await _export(hass, "Ale", "steps"))["text"]) == ALE
    # A Remix CSV starts now, in the unit system's unit (metric here): the same schedule.
    csv = (await _export(hass, "Ale", "remix"))["text"]
    assert csv.splitlines()[0] == "date,temperature,days,Ale"
    again = remix.read(csv, Unit.CELSIUS)
    start = datetime(2026, 1, 1)  # noqa: DTZ001 - Remix's dates are local, naive
    assert remix.write(again, start, Unit.CELSIUS) == remix.write(ALE, start, Unit.CELSIUS)
    # Gravity conditions have no place in Fermentrack's table: the durations are kept.
    assert "| 10d" in (await _export(hass, "Gravity ale", "fermentrack"))["text"]


async def test_what_a_format_cannot_hold_is_refused(
    hass: HomeAssistant, profiles: MockConfigEntry
) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await _export(hass, "Rest", "fermentrack")
    assert err.value.translation_key == "not_exportable"
    assert "cannot turn control off" in err.value.translation_placeholders["reason"]
    with pytest.raises(ServiceValidationError) as err:
        await _export(hass, "Stout", "yaml")
    assert err.value.translation_key == "unknown_profile"
