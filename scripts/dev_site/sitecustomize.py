"""
Development only: scripts/develop puts this folder on Home Assistant's PYTHONPATH.

When `CELLAR_SHEETS_API_URL` is set (for example `http://127.0.0.1:8090`), the Sheets API requests
of this process (to https://sheets.googleapis.com) go to that local stand-in instead: see
`reroute_sheets_api` in scripts/stand_ins/google_sheets.py. Without it, nothing happens.

Python imports the first `sitecustomize` on its path, so this one hides Debian's (which only
installs apport's exception hook, when apport is installed).
"""

from __future__ import annotations

import os
import sys

if url := os.environ.get("CELLAR_SHEETS_API_URL"):
    try:
        from scripts.stand_ins.google_sheets import reroute_sheets_api
    except ImportError as err:
        print(f"sitecustomize: Sheets API requests are not rerouted: {err}", file=sys.stderr)
    else:
        reroute_sheets_api(url)
        print(f"sitecustomize: Sheets API requests go to {url}", file=sys.stderr)
