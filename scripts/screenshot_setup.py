"""Home Assistant with the emulators and a logged-in user, for scripts/screenshot.sh.

Runs in the develop toolchain (`python -m scripts.screenshot_setup --workdir DIR`). It starts the
BrewPi and Alpha panel emulators (60x time), writes a throw-away config folder under DIR (entries
as in scripts/e2e.py, onboarding marked done, a user, US units so the vessels show in °F), starts
`hass` on a free port, logs in, waits until the thermostats have readings, lowers FV 10/1's
setpoint through the integration so its valve opens (the card then shows cooling), saves a
dashboard with one view per thermostat card and writes DIR/session.json: the URL, the frontend's
tokens and the views. It then keeps everything running until DIR/done appears (or --lifetime
runs out), and stops Home Assistant and the emulators.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
from homeassistant.components.http.config import HTTP_STORAGE_SCHEMA

from scripts.e2e import config_entry_record, start_emulator

USERNAME = "cellar"
PASSWORD = "cellar-screenshot"  # noqa: S105 - a throw-away user of a throw-away instance
STARTUP_TIMEOUT = 120.0
VESSEL_LABEL = "FV 10/1"
DASHBOARD = "cellar-screenshot"
STUBS = {
    # HA 2026.11 always sets up assist_satellite, whose import needs these two; they have no wheel
    # for Python 3.14 and need a C++ compiler to build. The frontend's service list imports it, so
    # without them the frontend never finishes loading. Never called here: stubs will do.
    "pymicro_vad.py": "class MicroVad:\n    pass\n",
    "pyspeex_noise.py": "class AudioProcessor:\n    pass\n",
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _storage(key: str, data: object, version: int = 1, minor: int = 1) -> str:
    return json.dumps({"version": version, "minor_version": minor, "key": key, "data": data})


def _write_config(config: Path, http_port: int, brewpi_port: int, panel_port: int) -> None:
    storage = config / ".storage"
    storage.mkdir(parents=True)
    (config / "configuration.yaml").write_text(
        "homeassistant:\n  name: Cellar\n  unit_system: us_customary\n  time_zone: UTC\n"
        "  country: US\n  language: en\n"
        "frontend:\nconfig:\n"
        "logger:\n  default: warning\n"
    )
    entries = [
        config_entry_record(
            "01SCREENSHOTBREWPI0000000",
            "BrewPi",
            "screenshot",
            {
                "kind": "brewpi",
                "connection_type": "network",
                "host": "127.0.0.1",
                "port": brewpi_port,
            },
        ),
        config_entry_record(
            "01SCREENSHOTALPHAPANEL000",
            "Alpha panel",
            "alpha_panel-screenshot",
            {"kind": "alpha_panel", "host": "127.0.0.1", "port": panel_port},
        ),
    ]
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


async def _wait_for_thermostats(
    session: aiohttp.ClientSession, url: str, token: str, deadline: float
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The vessel's and the chamber's climate states, once both have readings."""
    headers = {"Authorization": f"Bearer {token}"}
    while True:
        async with session.get(f"{url}/api/states", headers=headers) as resp:
            resp.raise_for_status()
            states: list[dict[str, Any]] = await resp.json()
        climates = [
            s
            for s in states
            if s["entity_id"].startswith("climate.")
            and s["attributes"].get("current_temperature") is not None
            and s["attributes"].get("hvac_action") is not None
        ]
        vessel = next(
            (s for s in climates if s["attributes"].get("friendly_name") == VESSEL_LABEL), None
        )
        chamber = next((s for s in climates if "heat_cool" in s["attributes"]["hvac_modes"]), None)
        if vessel is not None and chamber is not None:
            return vessel, chamber
        if time.monotonic() > deadline:
            names = [s["entity_id"] for s in states if s["entity_id"].startswith("climate.")]
            sys.exit(f"screenshot: thermostats without readings in time: {names}")
        await asyncio.sleep(1)


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


async def _save_dashboard(
    session: aiohttp.ClientSession, url: str, token: str, views: dict[str, str]
) -> None:
    """A dashboard at /DASHBOARD with one view per thermostat card."""
    config = {
        "title": "Cellar",
        "views": [
            {
                "title": name,
                "path": name,
                "cards": [{"type": "thermostat", "entity": entity_id}],
            }
            for name, entity_id in views.items()
        ],
    }
    commands: list[dict[str, Any]] = [
        {
            "type": "lovelace/dashboards/create",
            "url_path": DASHBOARD,
            "title": "Cellar",
            "mode": "storage",
            "show_in_sidebar": True,
            "require_admin": False,
        },
        {"type": "lovelace/config/save", "url_path": DASHBOARD, "config": config},
    ]
    async with session.ws_connect(f"{url}/api/websocket") as ws:
        await ws.receive_json()  # auth_required
        await ws.send_json({"type": "auth", "access_token": token})
        if (reply := await ws.receive_json())["type"] != "auth_ok":
            sys.exit(f"screenshot: websocket auth failed: {reply}")
        for number, command in enumerate(commands, start=1):
            await ws.send_json({"id": number, **command})
            if not (reply := await ws.receive_json()).get("success"):
                sys.exit(f"screenshot: {command['type']} failed: {reply}")


async def _prepare(url: str, workdir: Path) -> None:
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
        vessel, chamber = await _wait_for_thermostats(
            session, url, tokens["access_token"], deadline
        )
        await _make_vessel_cool(
            session, url, tokens["access_token"], vessel, min(deadline, time.monotonic() + 30)
        )
        views = {"vessel": vessel["entity_id"], "chamber": chamber["entity_id"]}
        await _save_dashboard(session, url, tokens["access_token"], views)
    session_file = workdir / "session.json"
    session_file.write_text(
        json.dumps({"url": url, "dashboard": DASHBOARD, "tokens": tokens, "views": views})
    )
    print(f"screenshot: Home Assistant ready at {url}: {views}", flush=True)


def main() -> int:
    """Start everything, hand over session.json, stop everything when told or timed out."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--lifetime", type=float, default=600.0, help="seconds before stopping")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    workdir: Path = args.workdir
    started = time.monotonic()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    processes: list[subprocess.Popen[str]] = []
    try:
        seed = ["--seed", str(args.seed), "--speedup", "60"]
        brewpi, brewpi_port = start_emulator("brewpi", *seed)
        processes.append(brewpi)
        panel, panel_port = start_emulator("alpha_panel", "--slots", "9", *seed)
        processes.append(panel)
        http_port = _free_port()
        config = workdir / "config"
        _write_config(config, http_port, brewpi_port, panel_port)
        stubs = workdir / "stubs"
        stubs.mkdir()
        for name, text in STUBS.items():
            (stubs / name).write_text(text)
        with (workdir / "hass.log").open("w") as log:
            hass = subprocess.Popen(  # noqa: S603 - our own interpreter
                [sys.executable, "-m", "homeassistant", "--config", str(config), "--skip-pip"],
                stdout=log,
                stderr=subprocess.STDOUT,
                text=True,
                env={**os.environ, "PYTHONPATH": str(stubs)},
            )
        processes.insert(0, hass)
        asyncio.run(_prepare(f"http://127.0.0.1:{http_port}", workdir))
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
