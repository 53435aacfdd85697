"""Where things live: shipped data (through importlib.resources) and user data (platformdirs)."""

from __future__ import annotations

import importlib.resources
from importlib.resources.abc import Traversable
from pathlib import Path

APP_DIR_NAME = "PNAE Desktop"
APP_AUTHOR = "PNAE Desktop"


def resources() -> Traversable:
    """The shipped `resources/` folder, wherever the package is installed or bundled."""
    return importlib.resources.files("pnae_desktop.resources")


def forms() -> Traversable:
    """The shipped Qt Designer forms folder."""
    return importlib.resources.files("pnae_desktop.forms")


def user_data_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_DIR_NAME, APP_AUTHOR, roaming=True))


def default_store_path() -> Path:
    return user_data_dir() / "pnae.sqlite"
