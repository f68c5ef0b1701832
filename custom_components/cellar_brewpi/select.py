"""The select platform: each thermostat's profile."""

from homeassistant.const import Platform

from .kinds import platform_setup

PARALLEL_UPDATES = 1
async_setup_entry = platform_setup(Platform.SELECT)
