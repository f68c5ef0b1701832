"""
The config flow's Fermentrack steps: upload, pick, import (with a progress), summary.

The uploaded files are copied into a folder of their own while the flow lasts (Home Assistant
deletes an upload once its step is done) and removed with the flow.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

import probatio as vol
from homeassistant.components.file_upload import process_uploaded_file
from homeassistant.config_entries import ConfigFlow, ConfigFlowResult
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.selector import (
    FileSelector,
    FileSelectorConfig,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
)

from ..fermentrack_backup import BackupDamagedError, BackupError, BackupVersionError
from .importer import Choice, FermentrackImport, Summary, Upload
from .survey import Survey, survey

STEP = "fermentrack"
CONF_BACKUP = "backup"
CONF_DATA_FOLDER = "data_folder"
PICKS = ("controllers", "profiles", "beers")


def _keep(hass: HomeAssistant, backup: str, data_folder: str | None) -> Upload:
    """Copy the uploads into a folder of their own (blocking)."""
    folder = Path(tempfile.mkdtemp(prefix="cellar_brewpi_fermentrack_"))
    kept: list[Path] = []
    for number, file_id in enumerate((backup, data_folder)):
        if file_id is None:
            continue
        with process_uploaded_file(hass, file_id) as path:
            target = folder / f"{number}-{path.name}"
            shutil.copyfile(path, target)
            kept.append(target)
    return Upload(kept[0], kept[1] if len(kept) > 1 else None)


def _options(pairs: list[tuple[str, str]]) -> SelectSelector:
    return SelectSelector(
        SelectSelectorConfig(
            options=[SelectOptionDict(value=key, label=label) for key, label in pairs],
            multiple=True,
            mode=SelectSelectorMode.LIST,
        )
    )


class FermentrackFlow(ConfigFlow):
    """Import a Fermentrack installation: what it holds first, then what the brewer picks."""

    MENU: ClassVar[tuple[str, ...]] = (STEP,)

    _upload: Upload | None
    _survey: Survey | None
    _choice: Choice | None
    _task: asyncio.Task[Summary] | None

    async def async_step_fermentrack(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Upload the backup (or `db.sqlite3` and a zip of `data/`); it is read off the loop."""
        errors: dict[str, str] = {}
        error = ""
        if user_input is not None:
            try:
                self._upload = upload = await self.hass.async_add_executor_job(
                    _keep, self.hass, user_input[CONF_BACKUP], user_input.get(CONF_DATA_FOLDER)
                )
                self._survey = await self.hass.async_add_executor_job(
                    survey, upload.backup, upload.data_zip
                )
            except BackupVersionError as err:
                errors["base"], error = "backup_version", str(err)
            except BackupDamagedError as err:
                errors["base"], error = "backup_damaged", str(err)
            except BackupError as err:
                errors["base"], error = "not_a_backup", str(err)
            else:
                return await self.async_step_fermentrack_pick()
        schema = vol.Schema(
            {
                vol.Required(CONF_BACKUP): FileSelector(
                    FileSelectorConfig(accept=".xz,.sqlite3,.db")
                ),
                vol.Optional(CONF_DATA_FOLDER): FileSelector(FileSelectorConfig(accept=".zip")),
            }
        )
        return self.async_show_form(
            step_id=STEP,
            data_schema=schema,
            errors=errors,
            description_placeholders={"error": error},
        )

    async def async_step_fermentrack_pick(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show what the installation holds; pick what to import (everything, to start)."""
        assert self._survey is not None  # noqa: S101 - the upload step made it
        inventory = self._survey.inventory
        if user_input is not None:
            self._choice = Choice(*(set(user_input.get(pick, [])) for pick in PICKS))
            return await self.async_step_fermentrack_import()
        beers = []
        for beer in inventory.beers:
            span = self._survey.logs.get(beer.key)
            controller = inventory.controller(beer.controller)
            on = controller.name if controller else "its controller was deleted"
            log = (
                f"{span.first:%Y-%m-%d} to {span.last:%Y-%m-%d}, {span.rows:,} rows"
                if span and span.first and span.last
                else "no log"
            )
            beers.append((beer.key, f"{beer.name} ({on}; {log})"))
        found = {
            "controllers": [(c.key, f"{c.name} ({c.how})") for c in inventory.controllers],
            "profiles": [(p.key, f"{p.name} ({len(p.points)} points)") for p in inventory.profiles],
            "beers": beers,
        }
        schema = vol.Schema(
            {
                vol.Optional(pick, default=[key for key, _ in pairs]): _options(pairs)
                for pick, pairs in found.items()
                if pairs
            }
        )
        sensors = [
            f"{s.name} ({s.sensor_type}"
            + (f", on {c.name}" if (c := inventory.controller(s.controller)) else "")
            + ")"
            for s in inventory.gravity_sensors
        ]
        return self.async_show_form(
            step_id="fermentrack_pick",
            data_schema=schema,
            description_placeholders={
                "version": inventory.version,
                "gravity_sensors": ", ".join(sensors) or "none",
                "skipped": "\n".join(f"- {what}: {why}" for what, why in inventory.skipped)
                or "- nothing",
            },
        )

    async def async_step_fermentrack_import(
        self,
        user_input: dict[str, Any] | None = None,  # noqa: ARG002
    ) -> ConfigFlowResult:
        """Import (a progress while it runs)."""
        assert self._survey is not None  # noqa: S101 - the upload step made them
        assert self._upload is not None  # noqa: S101
        if self._task is None:
            importer = FermentrackImport(self.hass, self._upload, self._survey)
            self._task = self.hass.async_create_task(importer.async_run(self._choice or Choice()))
        if not self._task.done():
            return self.async_show_progress(
                step_id="fermentrack_import",
                progress_action="fermentrack_importing",
                progress_task=self._task,
            )
        return self.async_show_progress_done(next_step_id="fermentrack_done")

    async def async_step_fermentrack_done(
        self,
        user_input: dict[str, Any] | None = None,  # noqa: ARG002
    ) -> ConfigFlowResult:
        """The summary: what was imported, what was skipped and why."""
        assert self._task is not None  # noqa: S101
        return self.async_abort(
            reason="fermentrack_imported",
            description_placeholders={"summary": self._task.result().text()},
        )

    @callback
    def async_remove(self) -> None:
        """The flow is done: remove the kept uploads."""
        if self._upload is not None:
            folder = self._upload.backup.parent
            self.hass.async_add_executor_job(partial(shutil.rmtree, folder, ignore_errors=True))
