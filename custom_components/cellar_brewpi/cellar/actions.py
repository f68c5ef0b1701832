"""Actions: create the CloudWatch master alarm of the cellar."""

from __future__ import annotations

import probatio as vol
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import config_validation as cv

from ..const import (
    CONF_CELLAR_NAME,
    CONF_CLOUDWATCH,
    CONF_KIND,
    CONF_SNS_TOPIC_ARN,
    DOMAIN,
    KIND_CELLAR_SERVICES,
)
from .forms import async_create_alarm

SERVICE_CREATE_MASTER_ALARM = "create_master_alarm"


async def _async_create_master_alarm(call: ServiceCall) -> None:
    hass = call.hass
    entry = next(
        (
            e
            for e in hass.config_entries.async_loaded_entries(DOMAIN)
            if e.data.get(CONF_KIND) == KIND_CELLAR_SERVICES
        ),
        None,
    )
    if entry is None or CONF_CLOUDWATCH not in entry.options:
        raise ServiceValidationError(translation_domain=DOMAIN, translation_key="no_cloudwatch")
    error = await async_create_alarm(
        hass, entry.options, entry.data[CONF_CELLAR_NAME], call.data.get(CONF_SNS_TOPIC_ARN)
    )
    if error is not None:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="alarm_not_created",
            translation_placeholders={"error": error},
        )


def async_setup_actions(hass: HomeAssistant) -> None:
    """Register the integration's actions (once, not per entry)."""
    hass.services.async_register(
        DOMAIN,
        SERVICE_CREATE_MASTER_ALARM,
        _async_create_master_alarm,
        schema=vol.Schema({vol.Optional(CONF_SNS_TOPIC_ARN): cv.string}),
    )
