"""
The profile actions: start, stop, pause, resume, next step, on any `climate` entity.

A start is checked before anything is written: the profile exists, every temperature of it is
within the thermostat's limits (the message names the step), the thermostat can turn control off
if the profile does, and a hold ended by gravity has a gravity sensor (and the original gravity
for an attenuation). On a chamber or vessel, these default to its linked gravity sensor and its
batch's OG.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import probatio as vol
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey

from ..const import CONF_KIND, DOMAIN, KIND_PROFILES, SUBENTRY_PROFILE
from ..fermenters import fermenter_of, get_book
from ..profiles import Hold, Profile, ProfileError, Run, Unit, fermentrack, plain, remix, text
from .runner import get_runner
from .targets import Target

ATTR_PROFILE = "profile"
ATTR_STEP = "step"
ATTR_ELAPSED = "elapsed"
ATTR_GRAVITY_SENSOR = "gravity_sensor"
ATTR_ORIGINAL_GRAVITY = "original_gravity"

SERVICE_START = "start_profile"
SERVICE_STOP = "stop_profile"
SERVICE_PAUSE = "pause_profile"
SERVICE_RESUME = "resume_profile"
SERVICE_NEXT_STEP = "next_step"
SERVICE_EXPORT = "export_profile"
ATTR_FORMAT = "format"
EXPORT_FORMATS = ("fermentrack", "remix", "yaml", "json", "steps")

_THERMOSTAT = {vol.Required(ATTR_ENTITY_ID): cv.entity_domain("climate")}
START_SCHEMA = vol.Schema(
    {
        **_THERMOSTAT,
        vol.Required(ATTR_PROFILE): cv.string,
        vol.Optional(ATTR_STEP): vol.All(vol.Coerce(int), vol.Range(min=1)),
        vol.Optional(ATTR_ELAPSED): cv.time_period,
        vol.Optional(ATTR_GRAVITY_SENSOR): cv.entity_id,
        vol.Optional(ATTR_ORIGINAL_GRAVITY): vol.All(vol.Coerce(float), vol.Range(1.0, 1.2)),
    }
)


EXPORT_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_PROFILE): cv.string,
        vol.Required(ATTR_FORMAT, default="fermentrack"): vol.In(EXPORT_FORMATS),
    }
)


def profiles_entry(hass: HomeAssistant) -> ConfigEntry | None:
    """The entry that holds the profiles, if it was added."""
    return next(
        (
            e
            for e in hass.config_entries.async_entries(DOMAIN)
            if e.data.get(CONF_KIND) == KIND_PROFILES
        ),
        None,
    )


_PARSED: HassKey[dict[str, tuple[Any, Profile | None]]] = HassKey(f"{DOMAIN}_parsed_profiles")


def profiles_by_name(hass: HomeAssistant) -> dict[str, Profile]:
    """Every profile, by its name (each parsed once, again when its subentry changed)."""
    entry = profiles_entry(hass)
    parsed = hass.data.setdefault(_PARSED, {})
    found: dict[str, Profile] = {}
    for subentry_id, subentry in entry.subentries.items() if entry else ():
        if subentry.subentry_type != SUBENTRY_PROFILE:
            continue
        data, profile = parsed.get(subentry_id, (None, None))
        if data is not subentry.data:
            try:
                profile = plain.from_dict(subentry.data)
            except ProfileError:
                profile = None
            parsed[subentry_id] = (subentry.data, profile)
        if profile is not None:
            found[subentry.title] = profile
    return found


def _invalid(key: str, **placeholders: Any) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={k: str(v) for k, v in placeholders.items()},
    )


def check(target: Target, profile: Profile, data: dict[str, Any]) -> None:
    """Refuse a profile the thermostat cannot run, naming the step."""
    name = target.entity_id
    if not target.exists:
        raise _invalid("no_thermostat", thermostat=name)
    unit, limits = target.unit, target.limits
    for number, step in enumerate(profile.steps, 1):
        if step.temperature is None:
            if not target.can_turn_off:
                raise _invalid("profile_cannot_turn_off", thermostat=name, step=number)
            continue
        value = round(step.temperature.to(unit), 2)
        if limits is not None and not limits[0] - 1e-6 <= value <= limits[1] + 1e-6:
            raise _invalid(
                "profile_out_of_range",
                thermostat=name,
                step=number,
                temperature=f"{value:g} °{unit}",
                low=f"{limits[0]:g}",
                high=f"{limits[1]:g} °{unit}",
            )
        if isinstance(step, Hold) and step.gravity:
            if ATTR_GRAVITY_SENSOR not in data:
                raise _invalid("profile_needs_gravity", step=number)
            if step.gravity.attenuation is not None and ATTR_ORIGINAL_GRAVITY not in data:
                raise _invalid("profile_needs_original_gravity", step=number)
    if (step := data.get(ATTR_STEP, 1)) > len(profile.steps):
        raise _invalid("no_such_step", step=step, steps=len(profile.steps))


def _from_the_batch(hass: HomeAssistant, entity_id: str) -> dict[str, Any]:
    """A chamber's or vessel's linked gravity sensor and its batch's OG (a start may omit them)."""
    if (fermenter := fermenter_of(hass, entity_id)) is None:
        return {}
    book = get_book(hass)
    batch, _ = book.batch(fermenter)
    found = {
        ATTR_GRAVITY_SENSOR: book.gravity_sensor(fermenter.key),
        ATTR_ORIGINAL_GRAVITY: batch.original_gravity if batch else None,
    }
    return {key: value for key, value in found.items() if value is not None}


async def async_start(
    hass: HomeAssistant, entity_id: str, name: str, data: dict[str, Any] | None = None
) -> None:
    """Start the profile called `name` on the thermostat (`data`: the action's options)."""
    data = {**_from_the_batch(hass, entity_id), **(data or {})}
    profile = profiles_by_name(hass).get(name)
    if profile is None:
        raise _invalid("unknown_profile", profile=name)
    runner = get_runner(hass)
    target = Target(hass, entity_id, runner.context)
    check(target, profile, data)
    run = Run.start(
        profile,
        dt_util.utcnow(),
        step=data.get(ATTR_STEP, 1) - 1,
        elapsed=data.get(ATTR_ELAPSED, timedelta(0)),
        original_gravity=data.get(ATTR_ORIGINAL_GRAVITY),
        gravity_source=data.get(ATTR_GRAVITY_SENSOR),
    )
    await runner.async_start(entity_id, run)


async def _async_start(call: ServiceCall) -> None:
    await async_start(call.hass, call.data[ATTR_ENTITY_ID], call.data[ATTR_PROFILE], call.data)


def _running(call: ServiceCall) -> str:
    entity_id: str = call.data[ATTR_ENTITY_ID]
    if entity_id not in get_runner(call.hass).runs:
        raise _invalid("no_profile_running", thermostat=entity_id)
    return entity_id


async def _async_stop(call: ServiceCall) -> None:
    await get_runner(call.hass).async_stop(_running(call))


async def _async_pause(call: ServiceCall) -> None:
    await get_runner(call.hass).async_pause(_running(call))


async def _async_resume(call: ServiceCall) -> None:
    await get_runner(call.hass).async_resume(_running(call))


async def _async_next_step(call: ServiceCall) -> None:
    await get_runner(call.hass).async_next_step(_running(call))


def export(hass: HomeAssistant, profile: Profile, kind: str) -> str:
    """The profile as text in one of `EXPORT_FORMATS`."""
    if kind == "remix":
        unit = Unit(hass.config.units.temperature_unit.removeprefix("°"))
        return remix.write(profile, dt_util.now().replace(tzinfo=None, microsecond=0), unit)
    writers = {
        "fermentrack": fermentrack.write,
        "yaml": plain.write_yaml,
        "json": plain.write_json,
        "steps": text.write,
    }
    try:
        return writers[kind](profile)
    except ProfileError as err:
        raise _invalid("not_exportable", profile=profile.name, reason=err.reason) from err


async def _async_export(call: ServiceCall) -> ServiceResponse:
    name = call.data[ATTR_PROFILE]
    profile = profiles_by_name(call.hass).get(name)
    if profile is None:
        raise _invalid("unknown_profile", profile=name)
    return {
        "profile": name,
        "format": call.data[ATTR_FORMAT],
        "text": export(call.hass, profile, call.data[ATTR_FORMAT]),
    }


def async_setup_profile_actions(hass: HomeAssistant) -> None:
    """Register the profile actions."""
    hass.services.async_register(DOMAIN, SERVICE_START, _async_start, schema=START_SCHEMA)
    hass.services.async_register(
        DOMAIN,
        SERVICE_EXPORT,
        _async_export,
        schema=EXPORT_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
    for service, handler in (
        (SERVICE_STOP, _async_stop),
        (SERVICE_PAUSE, _async_pause),
        (SERVICE_RESUME, _async_resume),
        (SERVICE_NEXT_STEP, _async_next_step),
    ):
        hass.services.async_register(DOMAIN, service, handler, schema=vol.Schema(_THERMOSTAT))
