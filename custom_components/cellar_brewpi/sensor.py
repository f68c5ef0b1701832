"""Sensors: a controller's, a vessel's, the cellar's (each kind adds its own: `kinds`)."""

from homeassistant.const import Platform

from .kinds import platform_setup

PARALLEL_UPDATES = 0

async_setup_entry = platform_setup(Platform.SENSOR)
