#!/usr/bin/env bash
# Screenshots of the integration's thermostat cards for the README, from a real Home Assistant
# (the develop toolchain, HA 2026.11) running against the emulators:
#   docs/vessel-thermostat.png   an Alpha glycol cellar panel vessel (FV 10/1), in °F
#   docs/chamber-thermostat.png  a BrewPi controller's fermentation chamber
#
#   scripts/screenshot.sh                  both
#   scripts/screenshot.sh vessel           only the one(s) named (vessel, chamber)
#
# Needs root like the toolchain does. Installs Debian's chromium when missing, and playwright-core
# (npm) into ${XDG_CACHE_HOME:-~/.cache}/cellar-brewpi-screenshot, outside the repository.
# scripts/screenshot_setup.py starts the emulators and a throw-away Home Assistant with a logged-in
# user and a dashboard of the cards; this script then photographs each card with headless
# Chromium. Everything it starts is stopped at the end. Not part of scripts/test.
set -euo pipefail
source "$(dirname "$0")/_toolchain.sh"

views=("$@")
if [ "${#views[@]}" = 0 ]; then views=(vessel chamber); fi
for view in "${views[@]}"; do
  case "$view" in
  vessel | chamber) ;;
  *)
    echo "usage: scripts/screenshot.sh [vessel] [chamber]" >&2
    exit 2
    ;;
  esac
done

prepare
ensure_venv dev requirements_dev.txt

CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  log "Installing chromium"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
NODE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/cellar-brewpi-screenshot"
if [ ! -f "$NODE_DIR/node_modules/playwright-core/package.json" ]; then
  log "Installing playwright-core into $NODE_DIR"
  mkdir -p "$NODE_DIR"
  [ -f "$NODE_DIR/package.json" ] || echo '{"private": true}' >"$NODE_DIR/package.json"
  timeout 600 npm install --prefix "$NODE_DIR" --no-audit --no-fund --silent playwright-core@1
fi

# A work folder the toolchain sees too: under the root's /tmp when it runs in the chroot.
if use_chroot; then
  work="$(mktemp -d "$ROOT/tmp/cellar-screenshot.XXXXXX")"
  inner="${work#"$ROOT"}"
else
  work="$(mktemp -d)"
  inner="$work"
fi
setup_pid=""
cleanup() {
  local status=$?
  touch "$work/done" # tells screenshot_setup.py to stop Home Assistant and the emulators
  if [ -n "$setup_pid" ]; then wait "$setup_pid" || true; fi
  if [ "$status" = 0 ]; then
    rm -rf "$work"
  else
    echo "Logs kept in $work (setup.log, hass.log)" >&2
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "Starting the emulators and Home Assistant"
in_root dev timeout 900 python -m scripts.screenshot_setup --workdir "$inner" --lifetime 600 \
  >"$work/setup.log" 2>&1 &
setup_pid=$!
for _ in $(seq 1 240); do
  if [ -f "$work/session.json" ]; then break; fi
  if ! kill -0 "$setup_pid" 2>/dev/null; then
    cat "$work/setup.log" >&2
    exit 1
  fi
  sleep 1
done
if [ ! -f "$work/session.json" ]; then
  echo "Home Assistant was not ready in time" >&2
  exit 1
fi
cat "$work/setup.log" >&2

# The browser script lives beside its node_modules so that `import 'playwright-core'` resolves.
cat >"$NODE_DIR/screenshot.mjs" <<'EOF'
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';

const [sessionFile, outDir, chromiumPath, ...views] = process.argv.slice(2);
const session = JSON.parse(readFileSync(sessionFile, 'utf8'));
const browser = await chromium.launch({
  executablePath: chromiumPath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const context = await browser.newContext({
    viewport: { width: 440, height: 800 }, deviceScaleFactor: 1, colorScheme: 'light',
    locale: 'en-US', timezoneId: 'UTC',
  });
  // Logged in the way the frontend remembers a login.
  await context.addInitScript((tokens) => {
    localStorage.setItem('hassTokens', JSON.stringify(tokens));
  }, session.tokens);
  const page = await context.newPage();
  page.setDefaultTimeout(60000);
  for (const view of views) {
    await page.goto(`${session.url}/${session.dashboard}/${view}`);
    const card = page.locator('hui-thermostat-card ha-card');
    await card.waitFor({ state: 'visible' });
    await page.locator('hui-thermostat-card ha-state-control-climate-temperature').waitFor();
    await page.waitForTimeout(2000); // the dial's animation and fonts
    // The card with the page's margin around it, but none of the toolbar above it.
    const box = await card.boundingBox();
    const header = await page.locator('hui-root .header').boundingBox().catch(() => null);
    const pad = 8;
    const top = Math.max(box.y - pad, header ? header.y + header.height : 0);
    const path = `${outDir}/${view}-thermostat.png`;
    await page.screenshot({
      path,
      clip: { x: box.x - pad, y: top, width: box.width + 2 * pad,
        height: box.y + box.height + pad - top },
    });
    console.log(`wrote ${path} (${Math.round(box.width)}x${Math.round(box.height)} card)`);
  }
} finally {
  await browser.close();
}
EOF

mkdir -p "$REPO/docs"
log "Taking the screenshots: ${views[*]}"
timeout 300 node "$NODE_DIR/screenshot.mjs" "$work/session.json" "$REPO/docs" "$CHROMIUM" \
  "${views[@]}"
