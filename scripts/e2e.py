"""End-to-end: a real `hass` process (HA 2026.11.0) loads the integration against the emulators.

Run by scripts/test in the develop toolchain. It writes a throw-away config folder with one entry
for an emulated controller, one for an emulated Alpha panel, the cellar services and the
fermentation profiles (one profile), and a profile run on the controller's chamber stored as the
runner stores it right after a start, 4 days ago: Home Assistant was down since, and the run is
now in the middle of its ramp. It starts Home Assistant, waits until the entities exist, their
data arrived and the run went on at the ramp's temperature for now (the chamber took it), kills
Home Assistant with SIGKILL, starts it again on the same folder and waits until the run goes on
again (the chamber has the target already), then stops it. It fails when either log holds any
warning, error or deprecation notice from the integration (beyond HA's standard notice that a
custom integration is loaded).

Both blueprints of the repository (blueprints/automation/cellar_brewpi/) are copied where Home
Assistant keeps imported ones, with an automation made from each: the master alarm's and the
problem sensors' of two vessels, to a phone's notify action and escalating to another (both
command_line notify stand-ins: nothing leaves the machine). Each automation has to initialize
its trigger, and the logs must hold no warning or error about a blueprint, an automation or the
notify stand-ins.
"""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from homeassistant.const import __version__ as ha_version

from custom_components.cellar_brewpi.profiles import Run, Unit, plain, text

STARTUP_TIMEOUT = 90.0
STANDARD_NOTICE = "We found a custom integration cellar_brewpi which has not been tested"
BLUEPRINTS = Path(__file__).parent.parent / "blueprints" / "automation" / "cellar_brewpi"
AUTOMATIONS = {"master_alarm": "Cellar master alarm to a phone", "vessel_alarm": "Vessel alarms"}
# The blueprints' and the stand-ins' loggers: any warning or error of theirs fails the check.
AUTOMATION_LOGGERS = re.compile(
    r"homeassistant\.(components\.(automation|blueprint|script|notify|command_line)|helpers\.script)"
    r"|[Bb]lueprint"
)
CHAMBER = "climate.brewpi_e2e"
ALE = text.read(
    "Ale", "hold 18 C for 3d\nramp to 21 C over 2d\nhold 21 C for 2d\nramp to 2 C over 12h\n"
)
STARTED = datetime.now(UTC) - timedelta(days=4)
# On day 4 the ale is half way up its ramp (Fermentrack's rounding to 0.1).
RAMP_TARGET = Run.start(ALE, STARTED).position(datetime.now(UTC), Unit.CELSIUS).target


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
    entry_id: str, title: str, unique_id: str | None, data: dict[str, object]
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


def _write_automations(config: Path) -> None:
    """The blueprints where HA keeps imported ones; an automation from each; notify stand-ins."""
    shutil.copytree(BLUEPRINTS, config / "blueprints" / "automation" / "cellar_brewpi")
    notified = config / "notified.txt"
    escalation = {"escalation_action": "notify.on_call", "escalation_delay": {"minutes": 10}}
    automations = [
        {
            "id": "e2e_master_alarm",
            "alias": AUTOMATIONS["master_alarm"],
            "use_blueprint": {
                "path": "cellar_brewpi/master_alarm.yaml",
                "input": {
                    "master_alarm": "binary_sensor.cellar_e2e_master_alarm",
                    "phone": "e2e-phone",  # a device id; its action: notify.mobile_app_<name>
                    **escalation,
                },
            },
        },
        {
            "id": "e2e_vessel_alarm",
            "alias": AUTOMATIONS["vessel_alarm"],
            "use_blueprint": {
                "path": "cellar_brewpi/vessel_alarm.yaml",
                "input": {
                    "alarms": [
                        "binary_sensor.fv_10_1_off_target",
                        "binary_sensor.fv_10_2_probe_lost",
                    ],
                    "phone": "e2e-phone",
                    **escalation,
                },
            },
        },
    ]
    # JSON is YAML: what HA's automation editor writes, without a YAML library here.
    (config / "automations.yaml").write_text(json.dumps(automations, indent=2))
    stand_ins = [
        {"notify": {"name": name, "command": f"cat >> {notified}"}}
        for name in ("mobile_app_e2e_phone", "on_call")
    ]
    (config / "command_line.yaml").write_text(json.dumps(stand_ins, indent=2))


def _write_config(config: Path, brewpi_port: int, panel_port: int) -> None:
    (config / ".storage").mkdir(parents=True)
    (config / "configuration.yaml").write_text(
        "homeassistant:\n  name: e2e\nlogger:\n  default: warning\n  logs:\n"
        "    custom_components.cellar_brewpi: debug\n"
        "    homeassistant.helpers.entity_registry: info\n"
        "    homeassistant.components.automation: info\n"
        "automation: !include automations.yaml\n"
        "command_line: !include command_line.yaml\n"
    )
    _write_automations(config)
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
        config_entry_record(
            "01E2ECELLARPROFILES000000",
            "Fermentation profiles",
            None,
            {"kind": "fermentation_profiles"},
        )
        | {
            "subentries": [
                {
                    "data": plain.to_dict(ALE),
                    "subentry_id": "01E2EPROFILEALE0000000000",
                    "subentry_type": "profile",
                    "title": ALE.name,
                    "unique_id": None,
                }
            ]
        },
    ]
    storage = {
        "version": 1,
        "minor_version": 5,
        "key": "core.config_entries",
        "data": {"entries": entries},
    }
    (config / ".storage" / "core.config_entries").write_text(json.dumps(storage))
    # Stored as the runner stores it right after a start (no step ended yet), 4 days ago.
    run = Run.start(ALE, STARTED)
    runs = {
        "version": 1,
        "minor_version": 1,
        "key": "cellar_brewpi.profile_runs",
        "data": {"runs": {CHAMBER: run.to_dict()}},
    }
    (config / ".storage" / "cellar_brewpi.profile_runs").write_text(json.dumps(runs))


def _run_hass(config: Path, name: str, wanted: tuple[str, ...], *, kill: bool) -> tuple[bool, str]:
    """Start hass on `config` until its log holds `wanted`; stop it (SIGKILL with `kill`)."""
    log_path = config / f"{name}.log"
    with log_path.open("w") as log:
        hass = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "homeassistant", "--config", str(config)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    started = time.monotonic()
    try:
        while time.monotonic() - started < STARTUP_TIMEOUT:
            text = log_path.read_text()
            if all(w in text for w in wanted) or hass.poll() is not None:
                break
            time.sleep(0.5)
        elapsed = time.monotonic() - started
    finally:
        hass.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        hass.wait(timeout=60)
    text = log_path.read_text()
    loaded = all(w in text for w in wanted) and "(success: False)" not in text
    how = "then killed (SIGKILL)" if kill else "then stopped"
    print(f"e2e: {name}: Home Assistant {ha_version}; loaded: {loaded} ({elapsed:.1f} s), {how}")
    if not loaded:
        missing = [w for w in wanted if w not in text]
        print(f"e2e: {name}: missing {missing}\n{text[-4000:]}")
    return loaded, text


def main() -> int:
    """Run the check; 0 when HA 2026.11 loads the integration cleanly, twice."""
    brewpi, brewpi_port = start_emulator("brewpi", "--speedup", "1")
    panel, panel_port = start_emulator("alpha_panel", "--speedup", "1")
    going_on = f"Profile Ale on {CHAMBER} goes on at step 2: target {RAMP_TARGET}"
    wanted = (
        "Registered new climate.cellar_brewpi entity",
        "Finished fetching BrewPi e2e data in",
        "Finished fetching Alpha panel e2e data in",
        "entity: binary_sensor.fv_10_1_glycol_valve",
        "entity: binary_sensor.cellar_e2e_master_alarm",
        going_on,
        f"Profile Ale: {CHAMBER} took {RAMP_TARGET}",  # the chamber confirmed it (debug)
        *(f"Initialized trigger {alias}" for alias in AUTOMATIONS.values()),
    )
    # After the restart the entities exist already: what is fetched, the run going on, and the
    # chamber found with the target (it took it before the kill).
    again_wanted = (
        *wanted[1:3],
        going_on,
        f"Profile Ale: {CHAMBER} has {RAMP_TARGET} already",
        *wanted[-len(AUTOMATIONS) :],
    )
    try:
        with tempfile.TemporaryDirectory() as tmp:
            config = Path(tmp)
            _write_config(config, brewpi_port, panel_port)
            first, first_log = _run_hass(config, "start", wanted, kill=True)
            again, again_log = _run_hass(config, "after SIGKILL", again_wanted, kill=False)
    finally:
        for emulator in (brewpi, panel):
            emulator.terminate()
            emulator.wait(timeout=10)
    missed = "while Home Assistant was not running, step 1 at"
    ours = [
        line
        for line in (first_log + again_log).splitlines()
        if re.search(r"WARNING|ERROR|CRITICAL|[Dd]eprecat", line)
        and ("cellar_brewpi" in line or AUTOMATION_LOGGERS.search(line))
        and STANDARD_NOTICE not in line
    ]
    print(
        f"e2e: the stored run went on at the ramp's {RAMP_TARGET} °C, the missed step logged: "
        f"{missed in first_log}"
    )
    for line in ours:
        print(f"e2e: {line}")
    return 0 if first and again and missed in first_log and not ours else 1


if __name__ == "__main__":
    sys.exit(main())
