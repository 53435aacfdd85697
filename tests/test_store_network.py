"""A SQLite store on a network folder is recognised (injected mount tables and drive types, as
Linux's /proc/mounts and Windows' GetDriveTypeW answer), and the warning gives the steps."""

from __future__ import annotations

from pathlib import Path

import pytest

from pnae_desktop.store import network

MOUNTS = """\
/dev/sda1 / ext4 rw,relatime 0 0
proc /proc proc rw 0 0
//nas/equipe /mnt/equipe cifs rw,vers=3.0 0 0
//nas/arml\\040partage /mnt/arml\\040partage smb3 rw 0 0
srv:/exports/pnae /srv/pnae nfs4 rw 0 0
srv:/old /mnt/old nfs rw 0 0
/dev/sdb1 /mnt/equipe/local ext4 rw 0 0
"""


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/mnt/equipe/pnae.sqlite", True),
        ("/mnt/arml partage/PRAE/pnae.sqlite", True),
        ("/srv/pnae/pnae.sqlite", True),
        ("/mnt/old/a/b/pnae.sqlite", True),
        ("/mnt/equipe/local/pnae.sqlite", False),  # a local disk mounted inside the share
        ("/mnt/equipement/pnae.sqlite", False),  # a prefix of the name is not the mount
        ("/home/claire/pnae.sqlite", False),
    ],
)
def test_linux_mount_types(path, expected):
    assert network.is_network_path(path, platform="linux", read_mounts=lambda: MOUNTS) is expected


@pytest.mark.parametrize(
    ("path", "drive", "expected"),
    [
        (r"\\serveur\partage\pnae.sqlite", 3, True),
        ("//serveur/partage/pnae.sqlite", 3, True),
        (r"Z:\PRAE\pnae.sqlite", network.DRIVE_REMOTE, True),
        (r"C:\Users\claire\pnae.sqlite", 3, False),
    ],
)
def test_windows_unc_paths_and_network_drives(path, drive, expected):
    asked: list[str] = []

    def drive_type(root: str) -> int:
        asked.append(root)
        return drive

    assert network.is_network_path(path, platform="win32", drive_type=drive_type) is expected
    if not path.startswith(("\\\\", "//")):
        assert asked == [path[:2] + "\\"]


def test_a_failing_probe_is_not_a_network_folder():
    def broken(_root: str) -> int:
        raise OSError("no")

    assert not network.is_network_path(r"Z:\pnae.sqlite", platform="win32", drive_type=broken)
    assert not network.is_network_path("/mnt/equipe/pnae.sqlite", platform="linux", read_mounts=lambda: "")


def test_the_warning_names_the_file_and_the_steps(tmp_path: Path):
    message = network.network_warning("/mnt/equipe/pnae.sqlite", platform="linux", read_mounts=lambda: MOUNTS)
    assert message is not None
    assert "« /mnt/equipe/pnae.sqlite » est dans un dossier réseau" in message
    assert "Se connecter à une base d'équipe" in message and "README" in message
    assert network.network_warning(tmp_path / "pnae.sqlite", platform="linux", read_mounts=lambda: MOUNTS) is None
