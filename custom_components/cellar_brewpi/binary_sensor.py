"""Binary sensors: links, glycol valves, the master alarm (each kind adds its own: `kinds`)."""

from homeassistant.const import Platform

from .kinds import platform_setup

PARALLEL_UPDATES = 0

async_setup_entry = platform_setup(Platform.BINARY_SENSOR)
