"""End-to-end: a real `hass` process (HA 2026.11.0) loads the integration against the emulators.

Run by scripts/test in the develop toolchain. It writes a throw-away config folder with one entry
for an emulated controller and one for an emulated Alpha panel, starts Home Assistant, waits
until their entities exist and their data arrived, stops HA, and fails when the log holds any
warning, error or deprecation notice from the integration (beyond HA's standard notice that a
custom integration is loaded).
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from homeassistant.const import __version__ as ha_version

STARTUP_TIMEOUT = 90.0
STANDARD_NOTICE = "We found a custom integration cellar_brewpi which has not been tested"


def start_emulator(module: str, *args: str) -> tuple[subprocess.Popen[str], int]:
    """Start `python -m scripts.emulators.MODULE --port 0 ARGS`; return it and its port."""
    emulator = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", f"scripts.emulators.{module}", "--port", "0", *args],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert emulator.stdout is not None  # noqa: S101 - set by PIPE
    line = emulator.stdout.readline()
    match = re.search(r"127\.0\.0\.1:(\d+)", line)
    if match is None:
        emulator.kill()
        sys.exit(f"the {module} emulator did not start: {line!r}")
    return emulator, int(match.group(1))


def config_entry_record(
    entry_id: str, title: str, unique_id: str, data: dict[str, object]
) -> dict[str, object]:
    return {
        "entry_id": entry_id,
        "version": 1,
        "minor_version": 1,
        "domain": "cellar_brewpi",
        "title": title,
        "data": data,
        "options": {},
        "pref_disable_new_entities": False,
        "pref_disable_polling": False,
        "source": "user",
        "unique_id": unique_id,
        "disabled_by": None,
        "discovery_keys": {},
        "subentries": [],
        "created_at": "2026-11-21T00:00:00+00:00",
        "modified_at": "2026-11-21T00:00:00+00:00",
    }


def _write_config(config: Path, brewpi_port: int, panel_port: int) -> None:
    (config / ".storage").mkdir(parents=True)
    (config / "configuration.yaml").write_text(
        "homeassistant:\n  name: e2e\nlogger:\n  default: warning\n  logs:\n"
        "    custom_components.cellar_brewpi: debug\n"
        "    homeassistant.helpers.entity_registry: info\n"
    )
    entries = [
        config_entry_record(
            "01E2ECELLARBREWPI000000000",
            "BrewPi e2e",
            "e2e",
            {
                "kind": "brewpi",
                "connection_type": "network",
                "host": "127.0.0.1",
                "port": brewpi_port,
            },
        ),
        config_entry_record(
            "01E2ECELLARALPHAPANEL0000",
            "Alpha panel e2e",
            "alpha_panel-e2e",
            {"kind": "alpha_panel", "host": "127.0.0.1", "port": panel_port},
        ),
        config_entry_record(
            "01E2ECELLARSERVICES000000",
            "Cellar e2e",
            "cellar_services-e2e",
            {"kind": "cellar_services", "cellar_name": "e2e"},
        ),
    ]
    storage = {
        "version": 1,
        "minor_version": 5,
        "key": "core.config_entries",
        "data": {"entries": entries},
    }
    (config / ".storage" / "core.config_entries").write_text(json.dumps(storage))


def main() -> int:
    """Run the check; 0 when HA 2026.11 loads the integration cleanly."""
    brewpi, brewpi_port = start_emulator("brewpi", "--speedup", "1")
    panel, panel_port = start_emulator("alpha_panel", "--speedup", "1")
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp)
        _write_config(config, brewpi_port, panel_port)
        log_path = config / "hass.log"
        with log_path.open("w") as log:
            hass = subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "homeassistant", "--config", str(config)],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        started = time.monotonic()
        wanted = (
            "Registered new climate.cellar_brewpi entity",
            "Finished fetching BrewPi e2e data in",
            "Finished fetching Alpha panel e2e data in",
            "entity: binary_sensor.fv_10_1_glycol_valve",
            "entity: binary_sensor.cellar_e2e_master_alarm",
        )
        try:
            while time.monotonic() - started < STARTUP_TIMEOUT:
                text = log_path.read_text()
                if all(w in text for w in wanted) or hass.poll() is not None:
                    break
                time.sleep(0.5)
            elapsed = time.monotonic() - started
        finally:
            hass.send_signal(signal.SIGTERM)
            hass.wait(timeout=60)
            for emulator in (brewpi, panel):
                emulator.terminate()
                emulator.wait(timeout=10)
        text = log_path.read_text()
    ours = [
        line
        for line in text.splitlines()
        if re.search(r"WARNING|ERROR|CRITICAL|[Dd]eprecat", line)
        and "cellar_brewpi" in line
        and STANDARD_NOTICE not in line
    ]
    loaded = all(w in text for w in wanted) and "(success: False)" not in text
    print(f"e2e: Home Assistant {ha_version}; integration loaded: {loaded} ({elapsed:.1f} s)")
    for line in ours:
        print(f"e2e: {line}")
    if not loaded:
        print(text[-4000:])
    return 0 if loaded and not ours else 1


if __name__ == "__main__":
    sys.exit(main())
