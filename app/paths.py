"""Where the daemon keeps its data. Standard library only: the CLI imports it."""
from __future__ import annotations

import os
from pathlib import Path


def default_data_dir() -> Path:
    """$XDG_DATA_HOME/keyrx, or /var/lib/keyrx when running as root."""
    if os.geteuid() == 0:
        return Path("/var/lib/keyrx")
    xdg = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(xdg) / "keyrx"
