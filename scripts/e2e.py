"""End-to-end: a real `hass` process (HA 2026.11.0) loads the integration against the emulator.

Run by scripts/test in the develop toolchain. It writes a throw-away config folder with one entry
for an emulated controller, starts Home Assistant, waits until the controller's entities exist and
its data arrived, stops HA, and fails when the log holds any warning, error or deprecation notice
from the integration (beyond HA's standard notice that a custom integration is loaded).
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


def _start_emulator() -> tuple[subprocess.Popen[str], int]:
    emulator = subprocess.Popen(
        [sys.executable, "-m", "scripts.emulators.brewpi", "--port", "0", "--speedup", "1"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert emulator.stdout is not None  # noqa: S101 - set by PIPE
    line = emulator.stdout.readline()
    match = re.search(r"tcp 127\.0\.0\.1:(\d+)", line)
    if match is None:
        emulator.kill()
        sys.exit(f"e2e: the emulator did not start: {line!r}")
    return emulator, int(match.group(1))


def _write_config(config: Path, port: int) -> None:
    (config / ".storage").mkdir(parents=True)
    (config / "configuration.yaml").write_text(
        "homeassistant:\n  name: e2e\nlogger:\n  default: warning\n  logs:\n"
        "    custom_components.cellar_brewpi: debug\n"
        "    homeassistant.helpers.entity_registry: info\n"
    )
    entry = {
        "entry_id": "01E2ECELLARBREWPI000000000",
        "version": 1,
        "minor_version": 1,
        "domain": "cellar_brewpi",
        "title": "BrewPi e2e",
        "data": {"connection_type": "network", "host": "127.0.0.1", "port": port},
        "options": {},
        "pref_disable_new_entities": False,
        "pref_disable_polling": False,
        "source": "user",
        "unique_id": "e2e",
        "disabled_by": None,
        "discovery_keys": {},
        "subentries": [],
        "created_at": "2026-11-21T00:00:00+00:00",
        "modified_at": "2026-11-21T00:00:00+00:00",
    }
    storage = {
        "version": 1,
        "minor_version": 5,
        "key": "core.config_entries",
        "data": {"entries": [entry]},
    }
    (config / ".storage" / "core.config_entries").write_text(json.dumps(storage))


def main() -> int:
    """Run the check; 0 when HA 2026.11 loads the integration cleanly."""
    emulator, port = _start_emulator()
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp)
        _write_config(config, port)
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
            "success: True",
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
    loaded = all(w in text for w in wanted)
    print(f"e2e: Home Assistant {ha_version}; integration loaded: {loaded} ({elapsed:.1f} s)")
    for line in ours:
        print(f"e2e: {line}")
    if not loaded:
        print(text[-4000:])
    return 0 if loaded and not ours else 1


if __name__ == "__main__":
    sys.exit(main())
