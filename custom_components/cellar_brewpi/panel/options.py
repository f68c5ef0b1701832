"""Options of an Alpha panel: its vessel table, setpoint limits and step, polling, alarms."""

from __future__ import annotations

from typing import Any, override

import probatio as vol
from homeassistant.config_entries import ConfigFlowResult, OptionsFlowWithReload
from homeassistant.helpers.selector import (
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
)

from ..alarm_options import alarm_input, alarm_schema, alarm_suggestions
from ..alpha_panel import (
    ADDRESS_BASE,
    DEFAULT_PAGES,
    DEFAULT_SLOTS,
    UI_SET_POINT_MAX_F,
    UI_SET_POINT_MIN_F,
)
from ..const import (
    CONF_ADDRESS,
    CONF_ALARMS,
    CONF_AREA,
    CONF_LABEL,
    CONF_MAX_SET_POINT,
    CONF_MIN_SET_POINT,
    CONF_NUMBER,
    CONF_PAGES,
    CONF_POLL_INTERVAL,
    CONF_POSITION,
    CONF_SET_POINT_STEP,
    CONF_VESSELS,
    DEFAULT_AREA,
    DEFAULT_POLL_INTERVAL,
    DEFAULT_SET_POINT_STEP,
)
from ..fermenters.book import Fermenter
from ..fermenters.form import BatchOptions
from ..selectors import POLL_INTERVAL, number_box
from .coordinator import slot_to_option
from .entity import vessel_identifier

DEFAULT_PANEL_OPTIONS: dict[str, Any] = {
    CONF_VESSELS: [slot_to_option(slot) for slot in DEFAULT_SLOTS],
    CONF_MIN_SET_POINT: UI_SET_POINT_MIN_F,
    CONF_MAX_SET_POINT: UI_SET_POINT_MAX_F,
    CONF_SET_POINT_STEP: DEFAULT_SET_POINT_STEP,
    CONF_POLL_INTERVAL: DEFAULT_POLL_INTERVAL,
    CONF_PAGES: len(DEFAULT_PAGES),
}
CONF_SLOTS = "slots"


# The panel library refuses setpoints below 0 °F: a lower limit would let a write fail unhandled.
TEMPERATURE_SELECTOR = number_box(0, 212, 0.1, "°F")
STEP_SELECTOR = SelectSelector(
    SelectSelectorConfig(options=["0.1", "0.5", "1"], mode=SelectSelectorMode.DROPDOWN)
)


def vessel_errors(vessel: dict[str, Any], others: list[dict[str, Any]]) -> dict[str, str]:
    """What is wrong with a vessel's row given the other rows (field -> error key)."""
    errors: dict[str, str] = {}
    if not vessel[CONF_LABEL]:
        errors[CONF_LABEL] = "label_required"
    elif any(o[CONF_LABEL] == vessel[CONF_LABEL] for o in others):
        errors[CONF_LABEL] = "label_taken"
    if any(o[CONF_NUMBER] == vessel[CONF_NUMBER] for o in others):
        errors[CONF_NUMBER] = "slot_taken"
    if any(o[CONF_ADDRESS] == vessel[CONF_ADDRESS] for o in others):
        errors[CONF_ADDRESS] = "address_taken"
    # Each slot reads three values (temperature, setpoint, valve) from its position on.
    if any(abs(o[CONF_POSITION] - vessel[CONF_POSITION]) < 3 for o in others):  # noqa: PLR2004
        errors[CONF_POSITION] = "position_overlaps"
    return errors


class PanelOptionsFlow(BatchOptions, OptionsFlowWithReload):
    """
    A menu of what to change: settings, alarms, vessels, a vessel's batch.

    Every change but a batch reloads the panel (a batch goes to the batch book).
    """

    def __init__(self) -> None:
        """No vessel chosen yet."""
        self._number: int | None = None

    @property
    def _vessels(self) -> list[dict[str, Any]]:
        return list(
            self.config_entry.options.get(CONF_VESSELS, DEFAULT_PANEL_OPTIONS[CONF_VESSELS])
        )

    def _save(self, **changes: Any) -> ConfigFlowResult:
        return self.async_create_entry(data={**self.config_entry.options, **changes})

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:  # noqa: ARG002
        """Choose what to change."""
        options = ["settings", "alarms", "add_vessel"]
        if self._vessels:
            options += ["edit_vessel", "remove_vessels", "batch_vessel"]
        return self.async_show_menu(step_id="init", menu_options=options)

    async def async_step_settings(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Setpoint limits and step, poll interval, number of pages."""
        errors: dict[str, str] = {}
        options = {**DEFAULT_PANEL_OPTIONS, **self.config_entry.options}
        if user_input is not None:
            low = float(user_input[CONF_MIN_SET_POINT])
            high = float(user_input[CONF_MAX_SET_POINT])
            if low >= high:
                errors[CONF_MAX_SET_POINT] = "limits_inverted"
            else:
                return self._save(
                    **{
                        CONF_MIN_SET_POINT: low,
                        CONF_MAX_SET_POINT: high,
                        CONF_SET_POINT_STEP: float(user_input[CONF_SET_POINT_STEP]),
                        CONF_POLL_INTERVAL: int(user_input[CONF_POLL_INTERVAL]),
                        CONF_PAGES: int(user_input[CONF_PAGES]),
                        CONF_AREA: str(user_input.get(CONF_AREA, "")).strip(),
                    }
                )
        schema = vol.Schema(
            {
                vol.Required(CONF_MIN_SET_POINT): TEMPERATURE_SELECTOR,
                vol.Required(CONF_MAX_SET_POINT): TEMPERATURE_SELECTOR,
                vol.Required(CONF_SET_POINT_STEP): STEP_SELECTOR,
                vol.Required(CONF_POLL_INTERVAL): POLL_INTERVAL,
                vol.Required(CONF_PAGES): number_box(1, 9, 1),
                vol.Optional(CONF_AREA): TextSelector(),
            }
        )
        suggested = {
            CONF_AREA: DEFAULT_AREA,
            **options,
            CONF_SET_POINT_STEP: f"{options[CONF_SET_POINT_STEP]:g}",
        }
        return self.async_show_form(
            step_id="settings",
            data_schema=self.add_suggested_values_to_schema(schema, user_input or suggested),
            errors=errors,
        )

    async def async_step_alarms(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """The vessels' alarm thresholds (degrees in °F, the panel's unit)."""
        errors: dict[str, str] = {}
        options = self.config_entry.options
        if user_input is not None:
            poll = options.get(CONF_POLL_INTERVAL, DEFAULT_POLL_INTERVAL)
            alarms, errors = alarm_input(user_input, poll)
            if not errors:
                return self._save(**{CONF_ALARMS: alarms})
        suggested = alarm_suggestions("F", options.get(CONF_ALARMS))
        return self.async_show_form(
            step_id="alarms",
            data_schema=self.add_suggested_values_to_schema(
                vol.Schema(alarm_schema("F")), user_input or suggested
            ),
            errors=errors,
        )

    async def async_step_add_vessel(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """A new vessel: its slot number, label, write address and position in the values."""
        vessels = self._vessels
        if user_input is not None:
            vessel = self._vessel(user_input)
            if not (errors := vessel_errors(vessel, vessels)):
                return self._save(**{CONF_VESSELS: [*vessels, vessel]})
        else:
            number = max((v[CONF_NUMBER] for v in vessels), default=0) + 1
            user_input = {
                CONF_NUMBER: number,
                CONF_LABEL: "",
                CONF_ADDRESS: ADDRESS_BASE + number,
                CONF_POSITION: 3 * (number - 1),
            }
            errors = {}
        return self.async_show_form(
            step_id="add_vessel",
            data_schema=self.add_suggested_values_to_schema(
                self._vessel_schema(number=True), user_input
            ),
            errors=errors,
        )

    async def async_step_edit_vessel(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Choose the vessel to edit."""
        if user_input is not None:
            self._number = int(user_input[CONF_NUMBER])
            return await self.async_step_vessel()
        schema = vol.Schema({vol.Required(CONF_NUMBER): self._vessel_selector(multiple=False)})
        return self.async_show_form(step_id="edit_vessel", data_schema=schema)

    async def async_step_vessel(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Edit the chosen vessel's label, address and position."""
        vessels = self._vessels
        current = next(v for v in vessels if v[CONF_NUMBER] == self._number)
        others = [v for v in vessels if v is not current]
        errors: dict[str, str] = {}
        if user_input is not None:
            vessel = self._vessel({**user_input, CONF_NUMBER: self._number})
            if not (errors := vessel_errors(vessel, others)):
                return self._save(
                    **{CONF_VESSELS: [vessel if v is current else v for v in vessels]}
                )
        return self.async_show_form(
            step_id="vessel",
            data_schema=self.add_suggested_values_to_schema(
                self._vessel_schema(number=False), user_input or current
            ),
            description_placeholders={"label": current[CONF_LABEL]},
            errors=errors,
        )

    async def async_step_batch_vessel(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Choose the vessel whose batch to enter."""
        if user_input is not None:
            self._number = int(user_input[CONF_NUMBER])
            return await self.async_step_batch()
        schema = vol.Schema({vol.Required(CONF_NUMBER): self._vessel_selector(multiple=False)})
        return self.async_show_form(step_id="batch_vessel", data_schema=schema)

    @override
    def _fermenter(self) -> Fermenter:
        vessel = next(v for v in self._vessels if v[CONF_NUMBER] == self._number)
        return Fermenter(
            vessel_identifier(self.config_entry, vessel[CONF_NUMBER])[1], vessel[CONF_LABEL]
        )

    async def async_step_remove_vessels(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Remove vessels; their devices and entities go with them."""
        if user_input is not None:
            removed = {int(n) for n in user_input[CONF_SLOTS]}
            return self._save(
                **{CONF_VESSELS: [v for v in self._vessels if v[CONF_NUMBER] not in removed]}
            )
        schema = vol.Schema({vol.Required(CONF_SLOTS): self._vessel_selector(multiple=True)})
        return self.async_show_form(step_id="remove_vessels", data_schema=schema)

    def _vessel_selector(self, *, multiple: bool) -> SelectSelector:
        return SelectSelector(
            SelectSelectorConfig(
                options=[
                    SelectOptionDict(value=str(v[CONF_NUMBER]), label=v[CONF_LABEL])
                    for v in self._vessels
                ],
                multiple=multiple,
                mode=SelectSelectorMode.LIST,
            )
        )

    @staticmethod
    def _vessel_schema(*, number: bool) -> vol.Schema:
        fields: dict[Any, Any] = {}
        if number:
            fields[vol.Required(CONF_NUMBER)] = number_box(1, 999, 1)
        fields[vol.Required(CONF_LABEL)] = TextSelector()
        fields[vol.Required(CONF_ADDRESS)] = number_box(1, 65535, 1)
        fields[vol.Required(CONF_POSITION)] = number_box(0, 9999, 1)
        return vol.Schema(fields)

    @staticmethod
    def _vessel(user_input: dict[str, Any]) -> dict[str, Any]:
        return {
            CONF_NUMBER: int(user_input[CONF_NUMBER]),
            CONF_LABEL: str(user_input[CONF_LABEL]).strip(),
            CONF_ADDRESS: int(user_input[CONF_ADDRESS]),
            CONF_POSITION: int(user_input[CONF_POSITION]),
        }
