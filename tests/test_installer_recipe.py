"""Fast checks of the installer recipe (installer/): nothing is built, nothing needs PyInstaller,
Inno Setup or Pillow. The real proof is `bash installer/build.sh DIR && bash installer/smoke-test.sh DIR`."""

from __future__ import annotations

import ast
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
INSTALLER = ROOT / "installer"
ISS = INSTALLER / "pnae-desktop.iss"
SPEC = INSTALLER / "pnae-desktop.spec"
ICON_DIR = INSTALLER / "icon"


def iss_sections() -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = None
    for raw in ISS.read_text(encoding="utf-8-sig").splitlines():
        line = raw.strip()
        if not line or line.startswith(";"):
            continue
        match = re.fullmatch(r"\[(\w+)\]", line)
        if match:
            current = match.group(1)
            sections.setdefault(current, [])
        elif current:
            sections[current].append(line)
    return sections


def setup_directives() -> dict[str, str]:
    return dict(line.split("=", 1) for line in iss_sections()["Setup"] if "=" in line)


def test_iss_installs_per_user_without_admin_rights():
    setup = setup_directives()
    assert setup["PrivilegesRequired"] == "lowest"
    assert "PrivilegesRequiredOverridesAllowed" not in setup  # no way to escalate to a machine install
    assert setup["DefaultDirName"] == r"{autopf}\{#AppName}"
    assert re.fullmatch(r"\{\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}", setup["AppId"])
    assert setup["AppVersion"] == "{#AppVersion}"
    assert setup["SetupIconFile"] == r"icon\pnae-desktop.ico"
    assert "ChangesAssociations" in setup


def test_iss_is_in_french():
    languages = iss_sections()["Languages"]
    assert languages == ['Name: "french"; MessagesFile: "compiler:Languages\\French.isl"']


def test_iss_associates_prae_files_per_user_with_the_gui():
    registry = iss_sections()["Registry"]
    assert all(line.startswith('Root: HKCU; Subkey: "Software\\Classes\\') for line in registry)
    assert any('Subkey: "Software\\Classes\\.prae"' in line and 'ValueData: "{#ProgId}"' in line for line in registry)
    command = [line for line in registry if "shell\\open\\command" in line]
    assert len(command) == 1
    assert 'ValueData: """{app}\\{#AppExeName}"" ""%1"""' in command[0]
    assert '#define AppExeName "PNAE Desktop.exe"' in ISS.read_text(encoding="utf-8-sig")


def test_iss_start_menu_entry_and_optional_desktop_shortcut():
    sections = iss_sections()
    icons = sections["Icons"]
    assert any(line.startswith('Name: "{autoprograms}\\') for line in icons)
    desktop = [line for line in icons if line.startswith('Name: "{autodesktop}\\')]
    assert desktop and all("Tasks: desktopicon" in line for line in desktop)
    task = [line for line in sections["Tasks"] if line.startswith('Name: "desktopicon"')]
    assert task and "Flags: unchecked" in task[0]


def test_iss_uninstall_keeps_user_data():
    sections = iss_sections()
    assert "UninstallDelete" not in sections  # never deletes the user's AppData folder
    assert "ne seront pas supprimées" in " ".join(sections["Messages"])
    assert "conservées" in ISS.read_text(encoding="utf-8-sig")


def test_spec_is_python_and_finds_the_repository_from_its_own_location():
    source = SPEC.read_text(encoding="utf-8")
    ast.parse(source)
    assert "SPECPATH" in source
    assert "getcwd" not in source and "Path.cwd" not in source


def test_spec_bundles_data_where_importlib_resources_looks():
    source = SPEC.read_text(encoding="utf-8")
    for mapping in (
        '"resources", "pnae_desktop/resources"',
        '"forms", "pnae_desktop/forms"',
        '"pnae_desktop/store/migrations"',
    ):
        assert mapping in source
    assert '{".py", ".mako"}' in source


def test_spec_excludes_unused_qt_modules_and_has_two_executables():
    source = SPEC.read_text(encoding="utf-8")
    tree = ast.parse(source)
    qt_excludes = next(
        ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "QT_EXCLUDES"
    )
    for module in (
        "QtWebEngineCore",
        "QtWebEngineWidgets",
        "QtQml",
        "QtQuick",
        "QtNetwork",
        "QtMultimedia",
        "QtSql",
        "QtTest",
        "QtPdf",
        "QtCharts",
        "Qt3DCore",
    ):
        assert module in qt_excludes
    for needed in ("QtCore", "QtGui", "QtWidgets", "QtUiTools"):
        assert needed not in qt_excludes
    assert 'GUI_NAME = "PNAE Desktop"' in source and 'CLI_NAME = "pnae-desktop-cli"' in source
    assert "console=False" in source and "console=True" in source
    assert 'KEEP_TRANSLATIONS = {"qtbase_fr.qm"}' in source


def spec_python_excludes() -> list[str]:
    """The non-Qt part of EXCLUDES = [PySide6.… for QT_EXCLUDES] + [literal list]."""
    tree = ast.parse(SPEC.read_text(encoding="utf-8"))
    node = next(
        n.value for n in tree.body if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "EXCLUDES"
    )
    assert isinstance(node, ast.BinOp) and isinstance(node.right, ast.List)
    return ast.literal_eval(node.right)


def test_spec_never_excludes_a_runtime_dependency():
    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    import_names = {"pyside6-essentials": "PySide6", "pyyaml": "yaml", "pillow": "PIL"}
    excluded = {name.lower() for name in spec_python_excludes()}  # submodules may go, packages may not
    for requirement in project["dependencies"]:
        dist = re.match(r"[A-Za-z0-9_.-]+", requirement).group(0).lower()
        module = import_names.get(dist, dist.replace("-", "_"))
        assert module.lower() not in excluded, f"{dist} is a runtime dependency but the spec excludes it"


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", data[16:24])


def ico_sizes(path: Path) -> list[int]:
    data = path.read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1), "not an .ico"
    sizes = []
    for i in range(count):
        width, height = data[6 + 16 * i], data[7 + 16 * i]
        assert width == height
        sizes.append(width or 256)
    return sorted(sizes)


def test_icon_files_exist_with_the_expected_sizes():
    assert (ICON_DIR / "pnae-desktop.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        assert png_size(ICON_DIR / f"pnae-desktop-{size}.png") == (size, size)
    assert ico_sizes(ICON_DIR / "pnae-desktop.ico") == [16, 24, 32, 48, 64, 128, 256]
    total = sum(p.stat().st_size for p in ICON_DIR.iterdir())
    assert total < 200_000  # commit-sized


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
@pytest.mark.parametrize("script", ["build.sh", "smoke-test.sh"])
def test_shell_scripts_parse(script):
    subprocess.run(["bash", "-n", str(INSTALLER / script)], check=True)


def test_smoke_test_has_the_export_hooks_ready():
    text = (INSTALLER / "smoke-test.sh").read_text(encoding="utf-8")
    assert "export convention" in text and "export budget" in text
    assert "qpdf --check" in text and "openpyxl" in text


def test_linux_bundle_takes_session_libraries_from_the_system_but_keeps_qt_and_xcb_utilities():
    tree = ast.parse(SPEC.read_text(encoding="utf-8"))
    call = next(
        node.value
        for node in tree.body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "LINUX_SESSION_LIBS"
    )
    pattern = re.compile("".join(ast.literal_eval(arg) for arg in call.args))
    for system in (
        "libX11.so.6",
        "libsystemd.so.0",
        "libglib-2.0.so.0",
        "libfontconfig.so.1",
        "libgcrypt.so.20",
        "libdbus-1.so.3",
        "libfreetype.so.6",
        "libzstd.so.1",
    ):
        assert pattern.match(system), system
    for bundled in (
        "libQt6Core.so.6",
        "libQt6DBus.so.6",
        "libxcb-cursor.so.0",
        "libxkbcommon.so.0",
        "libicudata.so.73",
        "libpython3.11.so.1.0",
        "libcrypto.so.3",
        "libsqlite3.so.0",
        "libstdc++.so.6",
        "libffi.so.8",
        "libmdb.so.1",
    ):
        assert not pattern.match(bundled), bundled


def test_the_console_twin_is_a_windows_executable_and_a_link_elsewhere():
    source = SPEC.read_text(encoding="utf-8")
    windows_branch = source[source.index("if is_win:\n    executables.append(EXE(") :]
    assert "name=CLI_NAME" in windows_branch and "console=True" in windows_branch
    assert "os.symlink(GUI_NAME, os.path.join(DISTPATH, BUNDLE_NAME, CLI_NAME))" in source
