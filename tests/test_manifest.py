"""The manifest as hassfest and Home Assistant's docs define it, and what loading the integration
imports: no cloud library until its part of the cellar services is configured."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import custom_components.cellar_brewpi as integration

PACKAGE = Path(integration.__file__).parent
MANIFEST = json.loads((PACKAGE / "manifest.json").read_text())

CLOUD_LIBRARIES = (
    "boto3",
    "botocore",
    "gspread",
    "google.auth",
    "google.oauth2",
    "influxdb_client",
)
"""The integration loads none of these before their part of the cellar services is configured."""


def run_python(script: str) -> str:
    """What a script prints in a fresh interpreter of the tests' Python, run from the repository."""
    return subprocess.run(  # noqa: S603 - the tests' own interpreter and script
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=PACKAGE.parent.parent,
        timeout=120,
    ).stdout


def requirement_modules() -> dict[str, list[str]]:
    """Each requirement's distribution, with the top-level modules it installs."""
    distributions = importlib.metadata.packages_distributions()
    names = [re.split(r"[<>=!~\[ ]", requirement)[0] for requirement in MANIFEST["requirements"]]
    return {
        name: sorted(module for module, dists in distributions.items() if name in dists)
        for name in names
    }


def test_keys_are_in_hassfest_order() -> None:
    keys = list(MANIFEST)
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:])
    assert MANIFEST["domain"] == PACKAGE.name


def test_iot_class_is_local_polling() -> None:
    # Controllers and panels are read by coordinators on an interval; what a controller pushes
    # between polls is shown at once, but the poll is what keeps the entities current.
    assert MANIFEST["iot_class"] == "local_polling"


def test_loggers_name_the_requirements_loggers() -> None:
    """Every requirement's package is among the loggers; every logger is a module installed."""
    loggers = MANIFEST["loggers"]
    assert loggers == sorted(loggers)
    for name, modules in requirement_modules().items():
        assert modules, f"{name} is not installed"
        assert any(
            logger == module or logger.startswith(f"{module}.")
            for logger in loggers
            for module in modules
        ), f"no logger of {name} ({modules}) in {loggers}"
    for logger in loggers:
        assert importlib.util.find_spec(logger) is not None, logger
    assert not any(logger.startswith("custom_components") for logger in loggers)


def test_loading_the_integration_imports_no_cloud_library() -> None:
    """Every module of the integration but the two cloud clients, in a fresh interpreter.

    Home Assistant's own `http` loads boto3 and botocore (through hass_nabucasa), so what counts
    is what the integration adds to what its platforms' components have loaded already.
    """
    script = f"""
import importlib, pkgutil, sys
libraries = {CLOUD_LIBRARIES!r}
def cloud():
    return {{m for m in sys.modules if any(m == l or m.startswith(l + ".") for l in libraries)}}
for component in ("http", "binary_sensor", "button", "climate", "sensor", "diagnostics", "repairs"):
    importlib.import_module("homeassistant.components." + component)
before = cloud()
import custom_components.cellar_brewpi as package
clients = {{"custom_components.cellar_brewpi.heartbeat.client",
            "custom_components.cellar_brewpi.batches.client"}}
names = [m.name for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")]
for name in names:
    if name not in clients:
        importlib.import_module(name)
print(len(names), sorted(cloud() - before), sorted({{m.split(".")[0] for m in before}}))
"""
    count, added, home_assistants = run_python(script).strip().split(" ", 2)
    assert int(count) > 60  # every module was found and imported
    assert added == "[]", added
    assert "gspread" not in home_assistants
    assert "influxdb_client" not in home_assistants


def test_each_cloud_client_imports_its_library() -> None:
    """The counter-check: the two clients do import what the test above says is absent."""
    script = """
import sys
import custom_components.cellar_brewpi.heartbeat.client
import custom_components.cellar_brewpi.batches.client
print("boto3" in sys.modules, "gspread" in sys.modules)
"""
    assert run_python(script).split() == ["True", "True"]
