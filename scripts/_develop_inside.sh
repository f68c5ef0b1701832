#!/usr/bin/env bash
# Runs inside the toolchain (see scripts/develop): the emulators and the stand-ins for the cellar
# services in the background, then Home Assistant. They all stop with it.
set -euo pipefail
export PYTHONPATH="$PWD" # the repository root: HA's loader imports custom_components from here
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; }
trap cleanup EXIT INT TERM

# wait_port PORT PID WHAT LOG: wait (at most 30 s, while PID runs) until 127.0.0.1:PORT listens.
wait_port() {
  local i
  for ((i = 0; i < 300; i++)); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    if ! kill -0 "$2" 2>/dev/null; then break; fi
    sleep 0.1
  done
  echo "warning: $3 does not answer on port $1; see $4" >&2
}

python -m scripts.emulators.brewpi --host 127.0.0.1 --port "$BREWPI_PORT" --pty --speedup 60 \
  >config/brewpi-emulator.log 2>&1 &
pids+=($!)
python -m scripts.emulators.alpha_panel --host 127.0.0.1 --port "$PANEL_PORT" --slots 9 --speedup 60 \
  >config/alpha-panel-emulator.log 2>&1 &
pids+=($!)

# InfluxDB: VictoriaMetrics takes InfluxDB 2's write API (it ignores the token, org and bucket).
/usr/bin/victoria-metrics -httpListenAddr="127.0.0.1:$VICTORIA_PORT" \
  -storageDataPath=config/victoria-metrics -retentionPeriod=1y >config/victoria-metrics.log 2>&1 &
pids+=($!)
# CloudWatch: moto_server, authentication off (any access key), data in memory.
env -u INITIAL_NO_AUTH_ACTION_COUNT moto_server -H 127.0.0.1 -p "$MOTO_PORT" \
  >config/moto-server.log 2>&1 &
pids+=($!)
# Google: the token endpoint and the Sheets API, with a service-account key for them (kept in
# config/ across runs). Home Assistant's Sheets API requests are rerouted to it by
# scripts/dev_site/sitecustomize.py (CELLAR_SHEETS_API_URL below).
sheet_key=config/google-sheets-key.json
sheet_id=1CellarBrewPiDevelopmentSheet0123456789abcd
sheet_tab=Production
python -m scripts.stand_ins.google_sheets --host 127.0.0.1 --port "$SHEETS_PORT" \
  --key-file "$sheet_key" --sheet-id "$sheet_id" --tab "$sheet_tab" >config/google-sheets.log 2>&1 &
pids+=($!)

wait_port "$BREWPI_PORT" "${pids[0]}" "the BrewPi emulator" config/brewpi-emulator.log
wait_port "$PANEL_PORT" "${pids[1]}" "the Alpha panel emulator" config/alpha-panel-emulator.log
wait_port "$VICTORIA_PORT" "${pids[2]}" VictoriaMetrics config/victoria-metrics.log
wait_port "$MOTO_PORT" "${pids[3]}" moto_server config/moto-server.log
wait_port "$SHEETS_PORT" "${pids[4]}" "the Google Sheets stand-in" config/google-sheets.log
for ((i = 0; i < 30; i++)); do # it names its PTY just after it listens
  grep -q /dev/pts/ config/brewpi-emulator.log && break
  kill -0 "${pids[0]}" 2>/dev/null || break
  sleep 0.1
done
pty="$(grep -o '/dev/pts/[0-9]*' config/brewpi-emulator.log | head -n1 || true)"
# A Fermentrack backup to move from, written by Fermentrack's rules: its WiFi controller is the
# emulated one (at its cached address), its serial one is not plugged in here.
PYTHONPATH="$PWD" python -m scripts.fermentrack_backups --sample config/fermentrack-sample.tar.xz \
  --port "$BREWPI_PORT" >/dev/null

cat <<INFO

  Home Assistant: http://127.0.0.1:8123 (first start: create the owner account)
  Add the emulated controller: Settings > Devices & services > Add integration > Cellar BrewPi
    - WiFi:        host 127.0.0.1, port ${BREWPI_PORT}
    - USB serial:  ${pty:-(see config/brewpi-emulator.log)}
  Add the emulated Alpha cellar panel: Add integration > Cellar BrewPi > Alpha glycol cellar panel
    - host 127.0.0.1, port ${PANEL_PORT}
  The emulated chamber and vessels run 60x faster than real time.

  Add the fermentation profiles: Add integration > Cellar BrewPi > Fermentation profiles, then on
  its entry Add profile > Type its steps, e.g. name Ale, steps (one a line):
      hold 18 C for 10m
      ramp to 21 C over 20m
      hold 21 C for 10m
  (minutes for days: the emulators run 60x, Home Assistant's clock does not), and choose it on
  the chamber's or a vessel's Profile select.

  Move from Fermentrack: Add integration > Cellar BrewPi > Move from Fermentrack, and upload
    ${REPO_ON_HOST:-$PWD}/config/fermentrack-sample.tar.xz (a backup of two controllers, the WiFi one
    the emulated controller at its cached address, a profile and three beers with their logs; add
    the cellar services with InfluxDB first for the logs to go there)

  Add the cellar services: Add integration > Cellar BrewPi > Cellar services (any cellar name),
  then Settings > Devices & services > Cellar BrewPi > Cellar ... > Configure, and add each part:
    - InfluxDB recording (VictoriaMetrics):
        URL http://127.0.0.1:${VICTORIA_PORT}, token dev, organization cellar, bucket cellar
        (any token, organization and bucket); what landed:
        http://127.0.0.1:${VICTORIA_PORT}/api/v1/label/__name__/values, /api/v1/query?query=NAME
    - CloudWatch heartbeat (moto_server):
        region us-east-1, access key ID testing, secret access key testing (any keys),
        namespace CELLAR/INFO (the default), endpoint URL http://127.0.0.1:${MOTO_PORT}
        what arrived: http://127.0.0.1:${MOTO_PORT}/moto-api/
    - Production Sheet (a stand-in for Google's token endpoint and Sheets API):
        service account key: paste the whole content of ${REPO_ON_HOST:-$PWD}/${sheet_key}
        spreadsheet ID ${sheet_id}, tab ${sheet_tab}
        (a batch for each of the panel's default vessels, FV 10/1 ... BT 10/1)
  Logs: config/brewpi-emulator.log, config/alpha-panel-emulator.log, config/victoria-metrics.log,
        config/moto-server.log, config/google-sheets.log

INFO
CELLAR_SHEETS_API_URL="http://127.0.0.1:$SHEETS_PORT" PYTHONPATH="$PWD/scripts/dev_site:$PWD" \
  hass --config "$PWD/config" --debug
