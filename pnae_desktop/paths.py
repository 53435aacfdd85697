"""Where things live: shipped data (the `pnae_desktop.resources` and `.forms` packages) and user
data (platformdirs)."""

from __future__ import annotations

import errno
import importlib
import os
from pathlib import Path

APP_DIR_NAME = "PNAE Desktop"
APP_AUTHOR = "PNAE Desktop"


def _package_folder(name: str) -> Path:
    # The folder of a data package, found through its __init__.py: pyproject's package-dir maps
    # resources/ and forms/ into the package for a checkout, a wheel and the bundle alike, and
    # this avoids importing importlib.resources (~5 ms) on the start-up path.
    file = importlib.import_module(name).__file__
    if file is None:
        raise RuntimeError(f"{name} has no __init__.py: the installation is incomplete")
    return Path(file).parent


def resources() -> Path:
    """The shipped `resources/` folder, wherever the package is installed or bundled."""
    return _package_folder("pnae_desktop.resources")


def forms() -> Path:
    """The shipped Qt Designer forms folder."""
    return _package_folder("pnae_desktop.forms")


def user_data_dir() -> Path:
    import platformdirs  # start-up: only when no store path is given

    return Path(platformdirs.user_data_dir(APP_DIR_NAME, APP_AUTHOR, roaming=True))


def default_store_path() -> Path:
    return user_data_dir() / "pnae.sqlite"


def make_private_dirs(folder: Path | str) -> None:
    """Create `folder` and its missing parents, each 0700 on POSIX whatever the umask (the user's
    data is personal: names, e-mails, phones), like `mkdir(parents=True, exist_ok=True)`.
    Existing folders are left as they are; a file in the way raises NotADirectoryError."""
    missing = []
    current = Path(folder)
    while not current.exists() and current != current.parent:
        missing.append(current)
        current = current.parent
    for path in reversed(missing):
        try:
            path.mkdir(mode=0o700)
        except FileExistsError:
            continue  # made meanwhile by another process
        if os.name == "posix":
            os.chmod(path, 0o700)
    if not Path(folder).is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "n'est pas un dossier", str(folder))
