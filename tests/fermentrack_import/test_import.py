"""Moving from Fermentrack: the flow end to end, on backups written by Fermentrack's rules."""

from __future__ import annotations

import asyncio
import json
import tarfile
import tempfile
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.cellar_brewpi.const import CONF_KIND, DOMAIN, KIND_BREWPI, KIND_PROFILES
from custom_components.cellar_brewpi.controller import link
from custom_components.cellar_brewpi.fermenters import get_book
from custom_components.cellar_brewpi.hub import device_tag
from scripts.emulators.brewpi import BrewPiEmulator
from scripts.fermentrack_backups import sample, write_backup
from scripts.victoria_metrics import VictoriaMetrics, free_port
from tests.ha import AddServices, influx_options, until

START = datetime(2024, 3, 1, tzinfo=UTC)
IMPORTED_BEFORE = int(datetime(2025, 1, 1, tzinfo=UTC).timestamp() * 1000)
ROWS = 3100  # three broken rows among them (one every 1,000)


@pytest.fixture
async def serial_controller(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[str]:
    """The garage controller on a PTY, in a /dev/serial/by-id of its own with its serial number."""
    emulator = BrewPiEmulator(speedup=0.0, seed=5)
    pty = await emulator.start_pty()
    by_id = tmp_path / "by-id"
    by_id.mkdir()
    link_path = by_id / "usb-FTDI_FT232R_USB_UART_A9XYZ-if00-port0"
    link_path.symlink_to(pty)
    monkeypatch.setattr(link, "SERIAL_BY_ID", by_id)
    yield str(link_path)
    await emulator.stop()


def installation(port: int) -> Any:
    inst = sample(START, ROWS)
    # Its host does not answer (nothing listens on 127.0.0.2): its cached address does.
    inst.controllers[0].host = "127.0.0.2"
    inst.controllers[0].port = port
    return inst


async def upload(hass: HomeAssistant, client: ClientSessionGenerator, path: Path) -> str:
    """Upload a file as the file selector does; its id."""
    http = await client()
    with path.open("rb") as file:
        response = await http.post("/api/file_upload", data={"file": file})
    assert response.status == 200, await response.text()
    return str((await response.json())["file_id"])


async def start_flow(hass: HomeAssistant) -> dict[str, Any]:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert "fermentrack" in result["menu_options"]
    return await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "fermentrack"}
    )


async def run_import(
    hass: HomeAssistant,
    flow: dict[str, Any],
    files: dict[str, str],
    pick: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Upload, look at what was found, import; the pick step and the summary."""
    found = await hass.config_entries.flow.async_configure(flow["flow_id"], files)
    assert found["type"] is FlowResultType.FORM, found.get("errors")
    assert found["step_id"] == "fermentrack_pick"
    picked = {  # everything, as the form suggests
        str(key): key.description["suggested_value"]
        for key in found["data_schema"].schema
        if key.description and "suggested_value" in key.description
    }
    result = await hass.config_entries.flow.async_configure(
        found["flow_id"], {**picked, **(pick or {})}
    )
    while result["type"] is FlowResultType.SHOW_PROGRESS:
        await hass.async_block_till_done()
        result = await hass.config_entries.flow.async_configure(result["flow_id"])
    if result["type"] is FlowResultType.SHOW_PROGRESS_DONE:
        result = await hass.config_entries.flow.async_configure(result["flow_id"])
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "fermentrack_imported"
    return found, result


@pytest.mark.parametrize("version", ["2.0.0", "1.0.0"])
async def test_a_backup_in_one_step(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    brewpi_emulator: BrewPiEmulator,
    serial_controller: str,
    add_services: AddServices,
    victoria: VictoriaMetrics,
    tmp_path: Path,
    version: str,
) -> None:
    await victoria.start()
    await async_setup_component(hass, "http", {})
    await add_services(influxdb=influx_options(victoria.url))
    backup = write_backup(installation(brewpi_emulator.port), tmp_path / "b.tar.xz", version)
    flow = await start_flow(hass)
    file_id = await upload(hass, hass_client, backup)
    found, done = await run_import(hass, flow, {"backup": file_id})

    # What was found, before anything was imported.
    placeholders = found["description_placeholders"]
    assert placeholders["version"] == version
    assert "Red Tilt (tilt, on fermenter1)" in placeholders["gravity_sensors"]
    assert "Smart one: a Smart Profile" in placeholders["skipped"]
    beers = _labels(found, "beers")
    assert beers == [
        "Hazy IPA (fermenter1; 2024-03-01 to 2024-03-02, 3,102 rows)",  # 2 broken have a date
        "Old Stout (its controller was deleted; 2024-01-01 to 2024-01-01, 1,550 rows)",
        "Lager unit change (garage; 2024-01-31 to 2024-02-01, 3,100 rows)",
    ]
    assert _labels(found, "controllers") == [
        f"fermenter1 (WiFi 127.0.0.2:{brewpi_emulator.port})",
        "garage (serial A9XYZ)",
    ]

    summary = done["description_placeholders"]["summary"]
    # Its host did not answer: it was reached at its cached address.
    assert (
        f"- controller fermenter1 (WiFi 127.0.0.2:{brewpi_emulator.port}), reached at 127.0.0.1"
        in summary
    )
    entries = {
        e.title: e
        for e in hass.config_entries.async_entries(DOMAIN)
        if e.data.get(CONF_KIND, KIND_BREWPI) == KIND_BREWPI
    }
    assert set(entries) == {"BrewPi fermenter1", "BrewPi garage"}, summary
    assert entries["BrewPi fermenter1"].data["host"] == "127.0.0.1"
    assert entries["BrewPi garage"].data["serial_port"] == serial_controller
    # Nothing started controlling: the chamber shows what the emulator does.
    profiles = next(
        e
        for e in hass.config_entries.async_entries(DOMAIN)
        if e.data.get(CONF_KIND) == KIND_PROFILES
    )
    assert [s.title for s in profiles.subentries.values()] == ["Ale mixed units"]
    book = get_book(hass)
    # The active beer is the chamber's batch; the deleted controller's beer has no chamber.
    chamber = book.entered(str(entries["BrewPi fermenter1"].unique_id))
    assert chamber is not None
    assert chamber.beer == "Hazy IPA"
    past = {p["batch"]["beer"]: p["fermenter"] for p in book.past}
    assert past == {"Old Stout": None, "Lager unit change": str(entries["BrewPi garage"].unique_id)}
    assert (
        "3 rows of the log of beer Hazy IPA: they do not parse (lines 1002, 2003, 3004)" in summary
    )

    # Every row in VictoriaMetrics exactly once, in the live readings' measurement and columns.
    tags = {
        "fermenter1": device_tag(entries["BrewPi fermenter1"]),
        "garage": device_tag(entries["BrewPi garage"]),
    }
    await _check_recorded(victoria, tags)

    # Again: nothing twice.
    flow = await start_flow(hass)
    file_id = await upload(hass, hass_client, backup)
    _, again = await run_import(hass, flow, {"backup": file_id})
    summary = again["description_placeholders"]["summary"]
    assert "- nothing new" in summary
    assert "already in Home Assistant" in summary
    assert (
        len(
            [
                e
                for e in hass.config_entries.async_entries(DOMAIN)
                if e.data.get(CONF_KIND, KIND_BREWPI) == KIND_BREWPI
            ]
        )
        == 2
    )
    assert len(profiles.subentries) == 1
    assert len(book.past) == 2
    assert get_book(hass).imported.keys() == {f"fermentrack:{k}" for k in _values(found, "beers")}


async def _check_recorded(victoria: VictoriaMetrics, tags: dict[str, str]) -> None:
    """Every row of the three logs in VictoriaMetrics exactly once, as the live readings are."""
    beer = await _until(victoria, "brewpi_beer_temp", ROWS * 2 + ROWS // 2)
    assert {device: len(times) for device, times in beer.items()} == {
        tags["fermenter1"]: ROWS,
        "fermentrack": ROWS // 2,  # its controller is gone
        tags["garage"]: ROWS,
    }
    assert all(len(set(times)) == len(times) for times in beer.values())
    assert min(beer[tags["fermenter1"]]) == int(START.timestamp() * 1000)
    # A 0 that stands for "no reading" is left out: every 97th row has no room temperature.
    room = await _samples(victoria, "brewpi_room_temp")
    assert len(room[tags["fermenter1"]]) == ROWS - len(range(0, ROWS, 97))
    # The unit changed in the middle: each row in its own unit, its temp_format tag says which.
    garage = tags["garage"]
    units = await victoria.export(f'{{__name__="brewpi_beer_temp",device="{garage}"}}')
    assert sorted(
        (s["metric"]["temp_format"], len([t for t in s["timestamps"] if t < IMPORTED_BEFORE]))
        for s in units
    ) == [("C", ROWS // 2), ("F", ROWS // 2)]
    gravity = await _samples(victoria, "brewpi_gravity")
    assert len(gravity[tags["fermenter1"]]) == ROWS


async def _until(victoria: VictoriaMetrics, name: str, count: int) -> dict[str, list[int]]:
    """The samples of a metric, once there are `count` (the drain is real I/O)."""
    for _ in range(400):
        found = await _samples(victoria, name)
        if sum(len(times) for times in found.values()) >= count:
            return found
        await asyncio.sleep(0.05)
    return found


async def _samples(victoria: VictoriaMetrics, name: str) -> dict[str, list[int]]:
    """The timestamps of a metric's imported samples (not today's live readings), by device."""
    found: dict[str, list[int]] = {}
    for series in await victoria.export(f'{{__name__="{name}"}}'):
        times = [t for t in series["timestamps"] if t < IMPORTED_BEFORE]
        found.setdefault(series["metric"]["device"], []).extend(times)
    return found


def _uploads() -> set[Path]:
    """The folders kept uploads are in."""
    return set(Path(tempfile.gettempdir()).glob("cellar_brewpi_fermentrack_*"))


def _values(form: dict[str, Any], field: str) -> list[str]:
    for key, selector in form["data_schema"].schema.items():
        if str(key) == field:
            return [o["value"] for o in selector.config["options"]]
    raise AssertionError(field)


def _labels(form: dict[str, Any], field: str) -> list[str]:
    for key, selector in form["data_schema"].schema.items():
        if str(key) == field:
            return [o["label"] for o in selector.config["options"]]
    raise AssertionError(field)


@pytest.mark.parametrize(
    ("damage", "error"),
    [
        ("truncated", "backup_damaged"),
        ("version", "backup_version"),
        ("text", "not_a_backup"),
        ("no data", "not_a_backup"),
    ],
)
async def test_a_file_that_is_not_a_good_backup(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    tmp_path: Path,
    damage: str,
    error: str,
) -> None:
    """A clear error on the upload step; nothing is created."""
    others = _uploads()
    await async_setup_component(hass, "http", {})
    path = write_backup(sample(START, 3000), tmp_path / "b.tar.xz")
    if damage == "truncated":
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    elif damage == "version":
        data = tmp_path / "fermentrack_data.json"
        data.write_text(json.dumps({"file_version": "3.0.0"}))
        with tarfile.open(path, "w:xz") as archive:
            archive.add(data, arcname="fermentrack_data.json")
    elif damage == "text":
        path.write_text("log_time,beer_temp\n")
    else:
        with tarfile.open(path, "w:xz") as archive:
            archive.add(tmp_path, arcname="data")
    flow = await start_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {"backup": await upload(hass, hass_client, path)}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": error}
    assert result["description_placeholders"]["error"]
    assert hass.config_entries.async_entries(DOMAIN) == []
    assert _uploads() <= others  # nothing kept of a file that cannot be imported


async def test_a_controller_not_reachable_now_is_listed(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, tmp_path: Path
) -> None:
    await async_setup_component(hass, "http", {})
    inst = installation(free_port())  # nothing listens there
    flow = await start_flow(hass)
    backup = write_backup(inst, tmp_path / "b.tar.xz")
    _, done = await run_import(hass, flow, {"backup": await upload(hass, hass_client, backup)})
    summary = done["description_placeholders"]["summary"]
    assert "controller fermenter1" in summary
    assert "not reachable now" in summary
    assert "garage (serial A9XYZ): no serial port here has its USB serial number" in summary
    assert [e.title for e in hass.config_entries.async_entries(DOMAIN)] == ["Fermentation profiles"]


async def test_a_closed_dialog_leaves_the_import_running(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    brewpi_emulator: BrewPiEmulator,
    tmp_path: Path,
) -> None:
    """Closing the progress dialog does not cut the import short (nor leave its files)."""
    others = _uploads()  # /tmp is shared with whatever else runs here
    await async_setup_component(hass, "http", {})
    backup = write_backup(installation(brewpi_emulator.port), tmp_path / "b.tar.xz")
    flow = await start_flow(hass)
    found = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {"backup": await upload(hass, hass_client, backup)}
    )
    (upload_folder,) = _uploads() - others
    result = await hass.config_entries.flow.async_configure(
        found["flow_id"], {"controllers": ["7d3f5b2a-0000-4000-8000-000000000001"]}
    )
    assert result["type"] is FlowResultType.SHOW_PROGRESS
    hass.config_entries.flow.async_abort(result["flow_id"])
    await hass.async_block_till_done()
    await hass.async_block_till_done()  # the uploads go once the import is done
    assert [e.title for e in hass.config_entries.async_entries(DOMAIN)] == ["BrewPi fermenter1"]
    assert upload_folder not in _uploads()

    # The same upload sent again is gone: the form asks for the file again.
    flow = await start_flow(hass)
    file_id = await upload(hass, hass_client, backup)
    result = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {"backup": uuid.uuid4().hex}
    )
    assert result["errors"] == {"base": "upload_again"}
    found = await hass.config_entries.flow.async_configure(flow["flow_id"], {"backup": file_id})
    assert found["step_id"] == "fermentrack_pick"
    # Closed at the pick: its uploads go with it (in the executor, in the background).
    hass.config_entries.flow.async_abort(found["flow_id"])
    await until(lambda: _uploads() <= others)


async def test_nothing_picked_imports_nothing(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, tmp_path: Path
) -> None:
    """Every box unticked (the form then sends no list at all): nothing is imported, and on a
    Home Assistant where the integration has no entry yet nothing fails either."""
    await async_setup_component(hass, "http", {})
    backup = write_backup(sample(START, 1000), tmp_path / "b.tar.xz")
    flow = await start_flow(hass)
    found = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {"backup": await upload(hass, hass_client, backup)}
    )
    result = await hass.config_entries.flow.async_configure(found["flow_id"], {})
    while result["type"] is not FlowResultType.ABORT:
        await hass.async_block_till_done()
        result = await hass.config_entries.flow.async_configure(result["flow_id"])
    assert result["description_placeholders"]["summary"].startswith("- nothing new")
    assert hass.config_entries.async_entries(DOMAIN) == []
    assert get_book(hass).imported == {}
