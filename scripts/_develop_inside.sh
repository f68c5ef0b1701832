#!/usr/bin/env bash
# Runs inside the toolchain (see scripts/develop): emulators in the background, then Home Assistant.
set -euo pipefail
export PYTHONPATH="$PWD" # the repository root: HA's loader imports custom_components from here
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; }
trap cleanup EXIT INT TERM

python -m scripts.emulators.brewpi --host 127.0.0.1 --port "$BREWPI_PORT" --pty --speedup 60 \
  >config/brewpi-emulator.log 2>&1 &
pids+=($!)
python -m scripts.emulators.alpha_panel --host 127.0.0.1 --port "$PANEL_PORT" --slots 9 --speedup 60 \
  >config/alpha-panel-emulator.log 2>&1 &
pids+=($!)
sleep 1
pty="$(grep -o '/dev/pts/[0-9]*' config/brewpi-emulator.log | head -n1 || true)"

cat <<INFO

  Home Assistant: http://127.0.0.1:8123 (first start: create the owner account)
  Add the emulated controller: Settings > Devices & services > Add integration > Cellar BrewPi
    - WiFi:        host 127.0.0.1, port ${BREWPI_PORT}
    - USB serial:  ${pty:-(see config/brewpi-emulator.log)}
  Add the emulated Alpha cellar panel: Add integration > Cellar BrewPi > Alpha glycol cellar panel
    - host 127.0.0.1, port ${PANEL_PORT}
  The emulated chamber and vessels run 60x faster than real time.
  Emulator logs: config/brewpi-emulator.log, config/alpha-panel-emulator.log

INFO
hass --config "$PWD/config" --debug
