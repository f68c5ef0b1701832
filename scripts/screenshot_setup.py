"""Home Assistant with the emulators and a logged-in user, for scripts/screenshot.sh.

Runs in the develop toolchain (`python -m scripts.screenshot_setup --workdir DIR --views ...`). It
starts the BrewPi and Alpha panel emulators (60x time), writes a throw-away config folder under DIR
(entries as in scripts/e2e.py, onboarding marked done, a user, US units so the vessels show in °F),
starts `hass` on a free port, logs in, waits until the thermostats have readings, lowers FV 10/1's
setpoint through the integration so its valve opens (the card then shows cooling), saves a
dashboard with one view per picture and writes DIR/session.json: the URL, the frontend's tokens
and the views. It then keeps everything running until DIR/done appears (or --lifetime runs out),
and stops Home Assistant and the emulators.

Only for the views asked for:
- `profile`: a second BrewPi emulator ("Ale chamber", so the `chamber` picture stays as it is),
  the fermentation profiles entry with a fast demo profile (minutes for days), started on that
  chamber through the REST API as soon as it has readings; session.json says when, and the
  browser waits until the history graph has a few minutes of planned against actual.
- `cellar`: the cellar services entry with its production Sheet part, served by the local Google
  stand-in as scripts/develop does (so each vessel has its beer, batch and days in vessel). The
  view is written to DIR/cellar-dashboard.yaml too, as a whole dashboard to paste.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import yaml
from homeassistant.components.http.config import HTTP_STORAGE_SCHEMA
from homeassistant.util import slugify

from custom_components.cellar_brewpi.alpha_panel.models import DEFAULT_LABELS
from custom_components.cellar_brewpi.profiles import plain, text
from scripts.e2e import config_entry_record, start_emulator
from scripts.fermentrack_backups import sample, write_backup

USERNAME = "cellar"
PASSWORD = "cellar-screenshot"  # noqa: S105 - a throw-away user of a throw-away instance
STARTUP_TIMEOUT = 120.0
VESSEL_LABEL = "FV 10/1"
CHAMBER_TITLE = "BrewPi"
PROFILE_CHAMBER_TITLE = "Ale chamber"
DASHBOARD = "cellar-screenshot"
CELLAR_DASHBOARD = "cellar-page"
"""The cellar page's own dashboard, as docs/cellar-dashboard.yaml makes it (its only view)."""
VIEWS = ("vessel", "chamber", "profile", "cellar", "fermentrack")
FERMENTRACK_BACKUP = "fermentrack.tar.xz"
REPO = Path(__file__).resolve().parent.parent
STUBS = {
    # HA 2026.11 always sets up assist_satellite, whose import needs these two; they have no wheel
    # for Python 3.14 and need a C++ compiler to build. The frontend's service list imports it, so
    # without them the frontend never finishes loading. Never called here: stubs will do.
    "pymicro_vad.py": "class MicroVad:\n    pass\n",
    "pyspeex_noise.py": "class AudioProcessor:\n    pass\n",
}
# The README's ale with minutes for days, so that a few minutes of real time show a curve.
DEMO_PROFILE = text.read(
    "Ale (demo: minutes for days)",
    "hold 18 C for 2m\nramp to 21 C over 5m\nhold 21 C for 2m\nramp to 16 C over 4m\n",
)
PROFILE_WAIT = 600.0
"""Seconds from the start of the profile to its picture (--profile-wait): into the last ramp."""
SHEET_ID = "1CellarBrewPiScreenshotSheet0123456789abcd"
SHEET_TAB = "Production"
ALARMS = ("wrong_direction", "off_target", "cooling_failure", "probe_lost")
"""The per-vessel alarm binary sensors' keys: on the cellar view for those that exist."""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _storage(key: str, data: object, version: int = 1, minor: int = 1) -> str:
    return json.dumps({"version": version, "minor_version": minor, "key": key, "data": data})


def _brewpi_entry(entry_id: str, title: str, port: int) -> dict[str, object]:
    data = {"kind": "brewpi", "connection_type": "network", "host": "127.0.0.1", "port": port}
    return config_entry_record(entry_id, title, slugify(title), data)


def _write_config(
    config: Path,
    http_port: int,
    ports: dict[str, int],
    sheet_account: dict[str, Any] | None,
) -> None:
    storage = config / ".storage"
    storage.mkdir(parents=True)
    (config / "configuration.yaml").write_text(
        "homeassistant:\n  name: Cellar\n  unit_system: us_customary\n  time_zone: UTC\n"
        "  country: US\n  language: en\n"
        "frontend:\nconfig:\nhistory:\n"
        "logger:\n  default: warning\n"
    )
    entries = [_brewpi_entry("01SCREENSHOTBREWPI0000000", CHAMBER_TITLE, ports["brewpi"])]
    if "ale" in ports:
        ale = _brewpi_entry("01SCREENSHOTALECHAMBER000", PROFILE_CHAMBER_TITLE, ports["ale"])
        entries.append(ale)
        profile_entry = config_entry_record(
            "01SCREENSHOTPROFILES00000",
            "Fermentation profiles",
            None,
            {"kind": "fermentation_profiles"},
        )
        profile_entry["subentries"] = [
            {
                "data": plain.to_dict(DEMO_PROFILE),
                "subentry_id": "01SCREENSHOTPROFILEDEMO00",
                "subentry_type": "profile",
                "title": DEMO_PROFILE.name,
                "unique_id": None,
            }
        ]
        entries.append(profile_entry)
    if sheet_account is not None:
        # Before the panel, as the tests do: its vessels find their batches at once.
        services = config_entry_record(
            "01SCREENSHOTSERVICES00000",
            "Cellar Main",
            "cellar_services-screenshot",
            {"kind": "cellar_services", "cellar_name": "Main"},
        )
        services["options"] = {
            "sheet": {
                "service_account": sheet_account,
                "sheet_id": SHEET_ID,
                "tab": SHEET_TAB,
                "sync_interval": 10,
            }
        }
        entries.append(services)
    entries.append(
        config_entry_record(
            "01SCREENSHOTALPHAPANEL000",
            "Alpha panel",
            "alpha_panel-screenshot",
            {"kind": "alpha_panel", "host": "127.0.0.1", "port": ports["panel"]},
        )
    )
    (storage / "core.config_entries").write_text(
        _storage("core.config_entries", {"entries": entries}, minor=5)
    )
    # The HTTP settings live in storage (YAML would be migrated as a trial, with a dialog asking
    # to confirm it): the stable config, on 127.0.0.1 and a free port.
    stable = HTTP_STORAGE_SCHEMA({"server_host": "127.0.0.1", "server_port": http_port})
    stable |= {"created_at": "2026-11-21T00:00:00+00:00", "error": None, "error_message": None}
    http = {"stable": stable, "pending": None, "yaml_migration_done": True}
    (storage / "http").write_text(_storage("http", http, version=3))
    done = ["user", "core_config", "analytics", "integration"]
    (storage / "onboarding").write_text(_storage("onboarding", {"done": done}, version=4))
    subprocess.run(  # noqa: S603 - our own interpreter
        [
            sys.executable,
            "-m",
            "homeassistant",
            "--script",
            "auth",
            "--config",
            str(config),
            "add",
            USERNAME,
            PASSWORD,
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _start_sheet_stand_in(workdir: Path) -> tuple[subprocess.Popen[str], int, dict[str, Any]]:
    """The Google stand-in with a batch in each default vessel; its port and the key it made."""
    port = _free_port()
    key_file = workdir / "google-sheets-key.json"
    stand_in = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [
            sys.executable,
            "-m",
            "scripts.stand_ins.google_sheets",
            "--port",
            str(port),
            "--key-file",
            str(key_file),
            "--sheet-id",
            SHEET_ID,
            "--tab",
            SHEET_TAB,
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert stand_in.stdout is not None  # noqa: S101 - set by PIPE
    line = stand_in.stdout.readline()  # printed once it listens, after writing the key
    if "Google stand-in on" not in line:
        stand_in.kill()
        sys.exit(f"screenshot: the Google Sheets stand-in did not start: {line!r}")
    return stand_in, port, json.loads(key_file.read_text())


async def _login(session: aiohttp.ClientSession, url: str) -> dict[str, Any]:
    """The login flow the frontend runs, then the token exchange."""
    client_id = f"{url}/"
    async with session.post(
        f"{url}/auth/login_flow",
        json={
            "client_id": client_id,
            "handler": ["homeassistant", None],
            "redirect_uri": f"{url}/?auth_callback=1",
        },
    ) as resp:
        resp.raise_for_status()
        flow = await resp.json()
    async with session.post(
        f"{url}/auth/login_flow/{flow['flow_id']}",
        json={"client_id": client_id, "username": USERNAME, "password": PASSWORD},
    ) as resp:
        resp.raise_for_status()
        result = await resp.json()
    if result.get("type") != "create_entry":
        sys.exit(f"screenshot: login failed: {result}")
    async with session.post(
        f"{url}/auth/token",
        data={"grant_type": "authorization_code", "code": result["result"], "client_id": client_id},
    ) as resp:
        resp.raise_for_status()
        tokens: dict[str, Any] = await resp.json()
    tokens["clientId"] = client_id
    tokens["hassUrl"] = url
    tokens["expires"] = int(time.time() * 1000) + int(tokens["expires_in"]) * 1000
    return tokens


async def _states(session: aiohttp.ClientSession, url: str, token: str) -> list[dict[str, Any]]:
    async with session.get(
        f"{url}/api/states", headers={"Authorization": f"Bearer {token}"}
    ) as resp:
        resp.raise_for_status()
        states: list[dict[str, Any]] = await resp.json()
    return states


async def _wait_for_thermostats(
    session: aiohttp.ClientSession, url: str, token: str, names: tuple[str, ...], deadline: float
) -> dict[str, dict[str, Any]]:
    """The climate states of the thermostats with these friendly names, once all have readings."""
    while True:
        states = await _states(session, url, token)
        climates = {
            s["attributes"].get("friendly_name"): s
            for s in states
            if s["entity_id"].startswith("climate.")
            and s["attributes"].get("current_temperature") is not None
            and s["attributes"].get("hvac_action") is not None
        }
        if all(name in climates for name in names):
            return {name: climates[name] for name in names}
        if time.monotonic() > deadline:
            found = [s["entity_id"] for s in states if s["entity_id"].startswith("climate.")]
            sys.exit(f"screenshot: thermostats without readings in time: {found}")
        await asyncio.sleep(1)


async def _start_profile(
    session: aiohttp.ClientSession, url: str, token: str, entity_id: str
) -> None:
    """Start the demo profile on the chamber, as an automation would."""
    async with session.post(
        f"{url}/api/services/cellar_brewpi/start_profile",
        headers={"Authorization": f"Bearer {token}"},
        json={"entity_id": entity_id, "profile": DEMO_PROFILE.name},
    ) as resp:
        if resp.status != 200:
            sys.exit(f"screenshot: start_profile failed: {resp.status} {await resp.text()}")


async def _make_vessel_cool(
    session: aiohttp.ClientSession, url: str, token: str, vessel: dict[str, Any], deadline: float
) -> None:
    """Lower the vessel's setpoint below its temperature, through the integration, so the card
    shows the valve open (cooling); the emulator opens it above setpoint + 1 °F."""
    headers = {"Authorization": f"Bearer {token}"}
    entity_id = vessel["entity_id"]
    attributes = vessel["attributes"]
    if attributes["hvac_action"] == "cooling":
        return
    target = max(round(attributes["current_temperature"]) - 3, attributes["min_temp"])
    async with session.post(
        f"{url}/api/services/climate/set_temperature",
        headers=headers,
        json={"entity_id": entity_id, "temperature": target},
    ) as resp:
        resp.raise_for_status()
    while time.monotonic() < deadline:
        await asyncio.sleep(2)
        async with session.post(
            f"{url}/api/services/homeassistant/update_entity",
            headers=headers,
            json={"entity_id": entity_id},
        ) as resp:
            resp.raise_for_status()
        async with session.get(f"{url}/api/states/{entity_id}", headers=headers) as resp:
            resp.raise_for_status()
            if (await resp.json())["attributes"].get("hvac_action") == "cooling":
                return
    print(f"screenshot: {entity_id} is not cooling; taking it as it is", flush=True)


def _thermostat_view(name: str, entity_id: str) -> dict[str, Any]:
    return {"title": name, "path": name, "cards": [{"type": "thermostat", "entity": entity_id}]}


def _profile_view(climate: str, wait: float) -> dict[str, Any]:
    """The chamber's card, its profile entities and planned against actual, one above another;
    the history from just before the start of the profile to the picture, `wait` s after it."""
    device = climate.removeprefix("climate.")
    rows = (
        ("select", "profile", "Profile"),
        ("sensor", "profile_step", "Step"),
        ("sensor", "profile_target", "Target"),
        ("sensor", "profile_progress", "Progress"),
        ("sensor", "profile_next_change", "Next change"),
    )
    return {
        "title": "Profile",
        "path": "profile",
        "cards": [
            {
                "type": "vertical-stack",
                "cards": [
                    {
                        "type": "thermostat",
                        "entity": climate,
                        "features": [{"type": "climate-preset-modes", "style": "dropdown"}],
                    },
                    {
                        "type": "entities",
                        "title": "Fermentation profile",
                        "entities": [
                            {"entity": f"{domain}.{device}_{key}", "name": name}
                            for domain, key, name in rows
                        ],
                    },
                    {
                        "type": "history-graph",
                        "title": "Planned against actual",
                        "hours_to_show": math.ceil((wait + 60) / 36) / 100,
                        # The plan drawn last, over the chamber's setting (30 s steps of it).
                        "entities": [
                            {
                                "entity": f"sensor.{device}_beer_temperature",
                                "name": "Beer (actual)",
                                "color": "orange",
                            },
                            {
                                "entity": f"sensor.{device}_beer_setting",
                                "name": "Chamber's setting",
                                "color": "grey",
                            },
                            {
                                "entity": f"sensor.{device}_profile_target",
                                "name": "Profile (planned)",
                                "color": "blue",
                            },
                        ],
                    },
                ],
            }
        ],
    }


def _cellar_view(labels: list[str], entity_ids: set[str]) -> dict[str, Any]:
    """One section per vessel: its name and valve, its thermostat, its batch; a sections view is
    one column on a phone and three on a desktop."""
    sections = []
    for label in labels:
        vessel = slugify(label)
        badges: list[dict[str, Any]] = [
            {
                "type": "entity",
                "entity": f"binary_sensor.{vessel}_glycol_valve",
                "show_state": True,
                "show_icon": True,
                "color": "blue",
            }
        ]
        alarms = [
            f"binary_sensor.{vessel}_{key}"
            for key in ALARMS
            if f"binary_sensor.{vessel}_{key}" in entity_ids
        ]
        badges += [
            {
                "type": "entity",
                "entity": alarm,
                "show_state": False,
                "show_icon": True,
                "color": "red",
                "visibility": [{"condition": "state", "entity": alarm, "state": "on"}],
            }
            for alarm in alarms
        ]
        cards: list[dict[str, Any]] = [
            {"type": "heading", "heading": label, "heading_style": "title", "badges": badges},
            {"type": "thermostat", "entity": f"climate.{vessel}"},
            *(
                {
                    "type": "tile",
                    "entity": f"sensor.{vessel}_{key}",
                    "name": name,
                    "vertical": True,
                    "grid_options": {"columns": 4, "rows": 2},
                }
                for key, name in (
                    ("beer", "Beer"),
                    ("batch_number", "Batch"),
                    ("days_in_vessel", "Days in vessel"),
                )
            ),
        ]
        sections.append({"type": "grid", "cards": cards})
    return {
        "title": "Cellar",
        "path": "cellar",
        "type": "sections",
        "max_columns": 3,
        "sections": sections,
    }


def _cellar_dashboard(view: dict[str, Any]) -> dict[str, Any]:
    return {"title": "Cellar", "views": [view]}


def _write_cellar_yaml(path: Path, dashboard: dict[str, Any]) -> None:
    header = (
        "# The cellar page: one section per vessel of an Alpha panel's default slot table (its\n"
        "# name and glycol valve, its thermostat, its beer, batch and days in vessel from the\n"
        "# production Sheet); one column on a phone, three on a desktop. Settings > Dashboards >\n"
        "# Add dashboard > New dashboard from scratch, then its pencil > three dots > Raw\n"
        "# configuration editor, and paste this. Made by scripts/screenshot.sh cellar.\n"
    )
    path.write_text(header + yaml.safe_dump(dashboard, sort_keys=False, allow_unicode=True))


async def _save_dashboards(
    session: aiohttp.ClientSession, url: str, token: str, dashboards: dict[str, dict[str, Any]]
) -> None:
    """Dashboards at /URL_PATH with these configs (the last one in the sidebar)."""
    commands: list[dict[str, Any]] = []
    for number, (url_path, config) in enumerate(dashboards.items()):
        commands += [
            {
                "type": "lovelace/dashboards/create",
                "url_path": url_path,
                "title": config["title"],
                "mode": "storage",
                "show_in_sidebar": number == len(dashboards) - 1,
                "require_admin": False,
            },
            {"type": "lovelace/config/save", "url_path": url_path, "config": config},
        ]
    # Home Assistant's own repair about a Core installation would badge Settings in the sidebar.
    ignore = {"domain": "homeassistant", "issue_id": "deprecated_method", "ignore": True}
    optional = {"type": "repairs/ignore_issue", **ignore}
    async with session.ws_connect(f"{url}/api/websocket") as ws:
        await ws.receive_json()  # auth_required
        await ws.send_json({"type": "auth", "access_token": token})
        if (reply := await ws.receive_json())["type"] != "auth_ok":
            sys.exit(f"screenshot: websocket auth failed: {reply}")
        for number, command in enumerate([*commands, optional], start=1):
            await ws.send_json({"id": number, **command})
            reply = await ws.receive_json()
            if not reply.get("success") and command is not optional:
                sys.exit(f"screenshot: {command['type']} failed: {reply}")


async def _prepare(url: str, workdir: Path, views: list[str], profile_wait: float) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    async with aiohttp.ClientSession() as session:
        while True:
            with contextlib.suppress(aiohttp.ClientError):
                async with session.get(f"{url}/manifest.json") as resp:
                    if resp.status == 200:
                        break
            if time.monotonic() > deadline:
                sys.exit("screenshot: Home Assistant did not start in time")
            await asyncio.sleep(1)
        tokens = await _login(session, url)
        token = tokens["access_token"]
        names: tuple[str, ...] = (VESSEL_LABEL, CHAMBER_TITLE)
        if "profile" in views:
            names += (PROFILE_CHAMBER_TITLE,)
        found = await _wait_for_thermostats(session, url, token, names, deadline)
        vessel, chamber = found[VESSEL_LABEL], found[CHAMBER_TITLE]
        session_data: dict[str, Any] = {"url": url, "tokens": tokens}
        profile_chamber = ""
        if "profile" in views:
            profile_chamber = found[PROFILE_CHAMBER_TITLE]["entity_id"]
            await _start_profile(session, url, token, profile_chamber)
            session_data["profile"] = {
                "thermostat": profile_chamber,
                "started": int(time.time() * 1000),
                "wait": int(profile_wait * 1000),
            }
            print(f"screenshot: {DEMO_PROFILE.name} started on {profile_chamber}", flush=True)
        await _make_vessel_cool(session, url, token, vessel, min(deadline, time.monotonic() + 30))
        dashboard_views = [
            _thermostat_view("vessel", vessel["entity_id"]),
            _thermostat_view("chamber", chamber["entity_id"]),
        ]
        if "profile" in views:
            dashboard_views.append(_profile_view(profile_chamber, profile_wait))
        dashboards: dict[str, dict[str, Any]] = {
            DASHBOARD: {"title": "Screenshots", "views": dashboard_views}
        }
        if "cellar" in views:
            entity_ids = {s["entity_id"] for s in await _states(session, url, token)}
            cellar = _cellar_view(list(DEFAULT_LABELS.values()), entity_ids)
            missing = sorted(
                entity
                for section in cellar["sections"]
                for card in section["cards"]
                if (entity := card.get("entity")) and entity not in entity_ids
            )
            if missing:
                print(f"screenshot: the cellar view names missing entities: {missing}", flush=True)
            dashboards[CELLAR_DASHBOARD] = _cellar_dashboard(cellar)
            _write_cellar_yaml(workdir / "cellar-dashboard.yaml", dashboards[CELLAR_DASHBOARD])
        await _save_dashboards(session, url, token, dashboards)
    session_data["views"] = {
        view["path"]: f"{url_path}/{view['path']}"
        for url_path, dashboard in dashboards.items()
        for view in dashboard["views"]
    }
    (workdir / "session.json").write_text(json.dumps(session_data))
    print(f"screenshot: Home Assistant ready at {url}: {session_data['views']}", flush=True)


def _start_services(
    workdir: Path, views: list[str], seed: int, processes: list[subprocess.Popen[str]]
) -> tuple[dict[str, str], dict[str, int], dict[str, Any] | None]:
    """Start the emulators (and the Google stand-in for `cellar`), adding each to `processes`;
    return Home Assistant's environment, the emulators' ports and the stand-in's key."""
    options = ["--seed", str(seed), "--speedup", "60"]
    brewpi, brewpi_port = start_emulator("brewpi", *options)
    processes.append(brewpi)
    panel, panel_port = start_emulator("alpha_panel", "--slots", "9", *options)
    processes.append(panel)
    ports = {"brewpi": brewpi_port, "panel": panel_port}
    if "profile" in views:
        profile_brewpi, ports["ale"] = start_emulator("brewpi", *options)
        processes.append(profile_brewpi)
    if "fermentrack" in views:
        moved, ports["fermentrack"] = start_emulator("brewpi", *options)
        processes.append(moved)
        _write_fermentrack_backup(workdir / FERMENTRACK_BACKUP, ports["fermentrack"])
    env = {**os.environ, "PYTHONPATH": str(workdir / "stubs")}
    sheet_account = None
    if "cellar" in views:
        stand_in, sheet_port, sheet_account = _start_sheet_stand_in(workdir)
        processes.append(stand_in)
        # As scripts/develop does: Home Assistant's Sheets API requests go to the stand-in.
        env["PYTHONPATH"] += f"{os.pathsep}{REPO / 'scripts' / 'dev_site'}{os.pathsep}{REPO}"
        env["CELLAR_SHEETS_API_URL"] = f"http://127.0.0.1:{sheet_port}"
    return env, ports, sheet_account


def _write_fermentrack_backup(path: Path, port: int) -> None:
    """A Fermentrack backup to import: its WiFi controller is the emulator (at its cached
    address), its serial one is not plugged in here; three weeks of beer logs."""
    installation = sample(datetime.now(UTC) - timedelta(days=21), 3 * 2880)
    wifi = installation.controllers[0]
    wifi.name, wifi.host, wifi.host_ip, wifi.port = (
        "fermenter2",
        "fermenter2.local",
        "127.0.0.1",
        port,
    )
    write_backup(installation, path)


def main() -> int:
    """Start everything, hand over session.json, stop everything when told or timed out."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--lifetime", type=float, default=600.0, help="seconds before stopping")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--views", nargs="*", choices=VIEWS, default=["vessel", "chamber"])
    parser.add_argument(
        "--profile-wait", type=float, default=PROFILE_WAIT, help="seconds of profile history"
    )
    args = parser.parse_args()
    workdir: Path = args.workdir
    views: list[str] = args.views
    started = time.monotonic()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    processes: list[subprocess.Popen[str]] = []
    try:
        env, ports, sheet_account = _start_services(workdir, views, args.seed, processes)
        http_port = _free_port()
        config = workdir / "config"
        _write_config(config, http_port, ports, sheet_account)
        stubs = workdir / "stubs"
        stubs.mkdir()
        for name, stub in STUBS.items():
            (stubs / name).write_text(stub)
        with (workdir / "hass.log").open("w") as log:
            hass = subprocess.Popen(  # noqa: S603 - our own interpreter
                [sys.executable, "-m", "homeassistant", "--config", str(config), "--skip-pip"],
                stdout=log,
                stderr=subprocess.STDOUT,
                text=True,
                env=env,
            )
        processes.insert(0, hass)
        url = f"http://127.0.0.1:{http_port}"
        asyncio.run(_prepare(url, workdir, views, args.profile_wait))
        while not (workdir / "done").exists():
            if time.monotonic() - started > args.lifetime:
                print("screenshot: lifetime over, stopping", flush=True)
                return 1
            if hass.poll() is not None:
                print("screenshot: Home Assistant exited early", flush=True)
                return 1
            time.sleep(0.5)
        return 0
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


if __name__ == "__main__":
    sys.exit(main())
