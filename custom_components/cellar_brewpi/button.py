"""Buttons: a controller's reboot button (each kind adds its own: `kinds`)."""

from homeassistant.const import Platform

from .kinds import platform_setup

PARALLEL_UPDATES = 1  # one command at a time per entity platform: the links are serial

async_setup_entry = platform_setup(Platform.BUTTON)
