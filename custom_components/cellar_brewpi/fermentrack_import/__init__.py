"""
Moving from Fermentrack in one step.

A config flow takes a Fermentrack backup (or an old installation's database and data folder),
shows what it holds, and imports what the brewer picks.

`flow` has the steps, `survey` reads what the upload holds, `importer` does the import and
`history` turns a beer's log into points and statistics. The reading itself is the HA-free
`fermentrack_backup` library.
"""

from __future__ import annotations

from .flow import FermentrackFlow, sweep_uploads

__all__ = ["FermentrackFlow", "sweep_uploads"]
