#!/usr/bin/env bash
# Screenshots of the integration for the README, from a real Home Assistant (the develop
# toolchain, HA 2026.11) running against the emulators:
#   vessel   docs/vessel-thermostat.png   an Alpha glycol cellar panel vessel (FV 10/1), in °F
#   chamber  docs/chamber-thermostat.png  a BrewPi controller's fermentation chamber
#   profile  docs/profile-dashboard.png   a chamber running a fermentation profile: its card, the
#            profile's entities and a history graph of planned against actual; the profile is a
#            demo with minutes for days, photographed 10 minutes after its start
#   cellar   docs/cellar-phone.png, docs/cellar-desktop.png  the cellar page, a section per vessel
#            (thermostat, beer, batch, days in vessel from the Sheet stand-in), one column on a
#            phone and three on a desktop; and docs/cellar-dashboard.yaml, that dashboard to paste
#
#   scripts/screenshot.sh                  vessel and chamber (under a minute once set up)
#   scripts/screenshot.sh vessel profile   only the ones named (with profile: about 11 minutes)
#   PROFILE_WAIT=120 scripts/screenshot.sh profile   the profile's picture 2 minutes after its start
#
# Needs root like the toolchain does. Installs Debian's chromium when missing, and playwright-core
# (npm) into ${XDG_CACHE_HOME:-~/.cache}/cellar-brewpi-screenshot, outside the repository.
# scripts/screenshot_setup.py starts the emulators and a throw-away Home Assistant with a logged-in
# user and a dashboard of the views; this script then photographs them with headless Chromium.
# Everything it starts is stopped at the end. Not part of scripts/test.
set -euo pipefail
source "$(dirname "$0")/_toolchain.sh"

views=("$@")
if [ "${#views[@]}" = 0 ]; then views=(vessel chamber); fi
lifetime=600 # seconds Home Assistant runs at most (and the browser takes at most)
for view in "${views[@]}"; do
  case "$view" in
  vessel | chamber | cellar | fermentrack) ;;
  profile) lifetime=$((900 + ${PROFILE_WAIT:-600})) ;; # its picture waits for the history
  *)
    echo "usage: scripts/screenshot.sh [vessel] [chamber] [profile] [cellar] [fermentrack]" >&2
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
in_root dev timeout $((lifetime + 300)) python -m scripts.screenshot_setup --workdir "$inner" \
  --lifetime "$lifetime" --views "${views[@]}" --profile-wait "${PROFILE_WAIT:-600}" \
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
import { dirname, join } from 'node:path';

const [sessionFile, outDir, chromiumPath, ...views] = process.argv.slice(2);
const session = JSON.parse(readFileSync(sessionFile, 'utf8'));
const browser = await chromium.launch({
  executablePath: chromiumPath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

// A view of the dashboard, logged in the way the frontend remembers a login.
async function open(view, width, height) {
  const context = await browser.newContext({
    viewport: { width, height }, deviceScaleFactor: 1, colorScheme: 'light',
    locale: 'en-US', timezoneId: 'UTC',
  });
  await context.addInitScript((tokens) => {
    localStorage.setItem('hassTokens', JSON.stringify(tokens));
  }, session.tokens);
  const page = await context.newPage();
  page.setDefaultTimeout(60000);
  await page.goto(`${session.url}/${session.views[view]}`);
  return page;
}

async function thermostatsDrawn(page) {
  await page.locator('hui-thermostat-card ha-card').first().waitFor({ state: 'visible' });
  await page.locator('hui-thermostat-card ha-state-control-climate-temperature').first().waitFor();
  await page.waitForTimeout(2000); // the dial's animation and fonts
}

// The element with the page's margin around it, but none of the toolbar above it.
async function shoot(page, element, path) {
  const box = await element.boundingBox();
  const header = await page.locator('hui-root .header').boundingBox().catch(() => null);
  const pad = 8;
  const top = Math.max(box.y - pad, header ? header.y + header.height : 0);
  await page.screenshot({
    path,
    clip: { x: box.x - pad, y: top, width: box.width + 2 * pad,
      height: box.y + box.height + pad - top },
  });
  console.log(`wrote ${path} (${Math.round(box.width)}x${Math.round(box.height)})`);
}

async function thermostat(view) {
  const page = await open(view, 440, 800);
  await thermostatsDrawn(page);
  await shoot(page, page.locator('hui-thermostat-card ha-card'), `${outDir}/${view}-thermostat.png`);
  await page.context().close();
}

async function profile() {
  const wait = session.profile.started + session.profile.wait - Date.now();
  if (wait > 0) {
    console.log(`waiting ${Math.round(wait / 1000)} s for the profile's history`);
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
  const page = await open('profile', 500, 1600);
  await thermostatsDrawn(page);
  await page.locator('hui-history-graph-card ha-chart-base').first().waitFor({ state: 'visible' });
  await page.waitForTimeout(4000); // the chart's data and animation
  await shoot(page, page.locator('hui-vertical-stack-card'), `${outDir}/profile-dashboard.png`);
  await page.context().close();
}

async function cellar() {
  for (const [name, width, height] of [['phone', 400, 860], ['desktop', 1400, 900]]) {
    const page = await open('cellar', width, height);
    await thermostatsDrawn(page);
    await page.waitForTimeout(2000);
    const path = `${outDir}/cellar-${name}.png`;
    await page.screenshot({ path });
    console.log(`wrote ${path} (${width}x${height})`);
    await page.context().close();
  }
}

// Move from Fermentrack: the add-integration dialog, the backup uploaded, what it holds, the summary.
async function fermentrack() {
  const page = await open('chamber', 900, 1200);
  await thermostatsDrawn(page);
  await page.goto(`${session.url}/config/integrations/dashboard/add?domain=cellar_brewpi`);
  await page.getByRole('button', { name: 'OK' }).click(); // "Do you want to set up …?"
  await page.getByText('Move from Fermentrack').click();
  const backup = join(dirname(sessionFile), 'fermentrack.tar.xz');
  await page.locator('ha-file-upload input[type=file]').first().setInputFiles(backup);
  await page.getByText('fermentrack.tar.xz').first().waitFor();
  await page.waitForTimeout(1000);
  await page.getByRole('button', { name: /^(next|submit)$/i }).click();
  await page.getByText('What the Fermentrack installation holds').waitFor();
  await page.waitForTimeout(1500);
  await page.screenshot({ path: `${outDir}/fermentrack-found.png` });
  console.log(`wrote ${outDir}/fermentrack-found.png`);
  await page.getByRole('button', { name: /^(next|submit)$/i }).click();
  await page.getByText('Imported from Fermentrack').first().waitFor({ timeout: 180000 });
  await page.waitForTimeout(1500);
  await page.screenshot({ path: `${outDir}/fermentrack-summary.png` });
  console.log(`wrote ${outDir}/fermentrack-summary.png`);
  await page.context().close();
}

try {
  // The profile's picture last: the others are taken while its history grows.
  for (const view of [...views.filter((v) => v !== 'profile'), ...views.filter((v) => v === 'profile')]) {
    if (view === 'profile') await profile();
    else if (view === 'cellar') await cellar();
    else if (view === 'fermentrack') await fermentrack();
    else await thermostat(view);
  }
} finally {
  await browser.close();
}
EOF

mkdir -p "$REPO/docs"
log "Taking the screenshots: ${views[*]}"
timeout "$lifetime" node "$NODE_DIR/screenshot.mjs" "$work/session.json" "$REPO/docs" "$CHROMIUM" \
  "${views[@]}"
if [ -f "$work/cellar-dashboard.yaml" ]; then
  cp "$work/cellar-dashboard.yaml" "$REPO/docs/cellar-dashboard.yaml"
  echo "wrote $REPO/docs/cellar-dashboard.yaml" >&2
fi
