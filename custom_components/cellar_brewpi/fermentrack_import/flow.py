"""
The config flow's Fermentrack steps: upload, pick, import (with a progress), summary.

The uploaded files are copied into a folder of their own while the flow lasts (Home Assistant
deletes an upload once its step is done) and removed with the flow.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import tempfile
import time
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

_LOGGER = logging.getLogger(__name__)
STEP = "fermentrack"
CONF_BACKUP = "backup"
CONF_DATA_FOLDER = "data_folder"
PICKS = ("controllers", "profiles", "beers")


def _keep(hass: HomeAssistant, backup: str, data_folder: str | None) -> Upload:
    """Copy the uploads into a folder of their own (blocking); none left behind on an error."""
    folder = Path(tempfile.mkdtemp(prefix=UPLOADS))
    kept: list[Path] = []
    try:
        for name, file_id in (("backup", backup), ("data.zip", data_folder)):
            if file_id is None:
                continue
            with process_uploaded_file(hass, file_id) as path:
                shutil.copyfile(path, folder / name)
                kept.append(folder / name)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return Upload(kept[0], kept[1] if len(kept) > 1 else None)


UPLOADS = "cellar_brewpi_fermentrack_"
STALE = 6 * 3600


def sweep_uploads() -> None:
    """Remove the uploads of flows Home Assistant never ended (stopped mid-flow; blocking)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{UPLOADS}*"):
        with contextlib.suppress(OSError):
            if time.time() - folder.stat().st_mtime > STALE:
                shutil.rmtree(folder, ignore_errors=True)


def _forget(upload: Upload | None) -> None:
    """Remove the kept uploads (blocking)."""
    if upload is not None:
        shutil.rmtree(upload.backup.parent, ignore_errors=True)


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
            except ValueError:  # the upload is gone (a step sent again): upload it again
                errors["base"], error = "upload_again", ""
            except (OSError, TypeError, KeyError, IndexError, AttributeError) as err:
                _LOGGER.warning("Reading the Fermentrack upload failed: %r", err)
                errors["base"], error = "backup_damaged", str(err) or type(err).__name__
            else:
                return await self.async_step_fermentrack_pick()
            await self.hass.async_add_executor_job(_forget, self._upload)  # nothing to keep
            self._upload = None
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
        schema = self.add_suggested_values_to_schema(
            vol.Schema(
                {vol.Optional(pick): _options(pairs) for pick, pairs in found.items() if pairs}
            ),
            {pick: [key for key, _ in pairs] for pick, pairs in found.items()},
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
            self._task = self.hass.async_create_task(
                self._async_import(importer, self._choice or Choice())
            )
        if not self._task.done():
            # A closed dialog cancels the progress task: the import itself goes on to its end.
            return self.async_show_progress(
                step_id="fermentrack_import",
                progress_action="fermentrack_importing",
                progress_task=self.hass.async_create_task(self._async_wait(self._task)),
            )
        return self.async_show_progress_done(next_step_id="fermentrack_done")

    async def async_step_fermentrack_done(
        self,
        user_input: dict[str, Any] | None = None,  # noqa: ARG002
    ) -> ConfigFlowResult:
        """The summary: what was imported, what was skipped and why."""
        assert self._task is not None  # noqa: S101
        if (error := self._task.exception()) is not None:
            return self.async_abort(
                reason="fermentrack_failed", description_placeholders={"error": str(error)}
            )
        return self.async_abort(
            reason="fermentrack_imported",
            description_placeholders={"summary": self._task.result().text()},
        )

    async def _async_import(self, importer: FermentrackImport, choice: Choice) -> Summary:
        """The import; the kept uploads go with its end."""
        try:
            return await importer.async_run(choice)
        finally:
            await self.hass.async_add_executor_job(_forget, self._upload)

    @staticmethod
    async def _async_wait(task: asyncio.Task[Summary]) -> None:
        """Wait for the import; cancelling this wait leaves the import running."""
        await asyncio.wait([task])

    @callback
    def async_remove(self) -> None:
        """The flow is done: remove the kept uploads (an import removes them as it ends)."""
        if self._task is None and self._upload is not None:
            self.hass.async_add_executor_job(_forget, self._upload)
