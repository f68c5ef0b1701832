"""Constants of the Cellar BrewPi integration."""

from __future__ import annotations

from typing import Final

DOMAIN: Final = "cellar_brewpi"

CONF_CONNECTION_TYPE: Final = "connection_type"
CONNECTION_NETWORK: Final = "network"
CONNECTION_SERIAL: Final = "serial"
CONF_SERIAL_PORT: Final = "serial_port"
CONF_POLL_INTERVAL: Final = "poll_interval"

DEFAULT_PORT: Final = 23
DEFAULT_POLL_INTERVAL: Final = 60  # seconds
MIN_POLL_INTERVAL: Final = 10
MAX_POLL_INTERVAL: Final = 3600
# No T: message for this many poll intervals counts as a dead link (as brewpi-script does).
STALE_POLL_INTERVALS: Final = 3
# How long one request may wait for its reply.
REQUEST_TIMEOUT = 5.0

PRESET_BEER_CONSTANT: Final = "beer_constant"
PRESET_FRIDGE_CONSTANT: Final = "fridge_constant"
PRESET_BEER_PROFILE: Final = "beer_profile"
