"""Load the recording library as a top-level package, without Home Assistant or the integration."""

from __future__ import annotations

from pathlib import Path

RECORDING_DIR = Path(__file__).parents[2] / "custom_components/cellar_brewpi/recording"

LOAD_RECORDING = f"""
import importlib.util, sys
spec = importlib.util.spec_from_file_location(
    "recording", {str(RECORDING_DIR / "__init__.py")!r},
    submodule_search_locations=[{str(RECORDING_DIR)!r}],
)
recording = importlib.util.module_from_spec(spec)
sys.modules["recording"] = recording
spec.loader.exec_module(recording)
"""
"""Python source that imports the library as `recording` (for a child process's `-c`)."""
