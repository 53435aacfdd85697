"""« Recevoir un PRAE… » in the real window with a package carrying signed versions: they come
with it, byte for byte; a package whose signed PDF was changed is refused in French, naming the
version, and the store keeps no PRAE from it."""

from __future__ import annotations

import pytest
from test_package_versions import members, rezip
from versions_material import make_material

from pnae_desktop.services import marking, package, praes, versions
from pnae_desktop.store.database import open_store
from pnae_desktop.ui.app import open_workspace
from pnae_desktop.ui.main_window import MainWindow

pytestmark = pytest.mark.usefixtures("isolated_settings")


@pytest.fixture(scope="module")
def signed_package(tmp_path_factory, catalogue):
    folder = tmp_path_factory.mktemp("guipkg")
    material = make_material(folder, catalogue)
    store = open_store(material.store_copy(folder))
    try:
        pdf = material.sign(material.convention, "Signature_ARML")
        marking.mark_signed(store, material.prae_id, pdf, catalogue=catalogue, marked_by="Marie")
        out = package.export_package(store, material.prae_id, folder / "signe.prae", app_version="test")
    finally:
        store.close()
    return out, pdf


def test_received_package_brings_its_versions_and_a_tampered_one_is_refused(qtbot, tmp_path, watchdog, signed_package):
    out, pdf = signed_package
    window = MainWindow(open_workspace(str(tmp_path / "pnae.sqlite"), None, with_demo=False))
    qtbot.addWidget(window)
    window.show()
    content = members(out)
    content["version-1.pdf"] = content["version-1.pdf"].replace(b"/Type", b"/Type ", 1)  # one byte more
    bad = rezip(tmp_path, content, "altere.prae")
    assert window.import_package(str(bad)) is None
    qtbot.waitUntil(lambda: bool(watchdog.messages))
    message = watchdog.messages[0]
    assert "versions.json, version n° 1 (version-1.pdf) : le PDF signé ne correspond pas" in message
    assert "Rien n'a été importé" in message
    assert praes.list_praes(window.workspace.store) == []
    prae_id = window.import_package(str(out))
    assert prae_id is not None
    (version,) = versions.list_versions(window.workspace.store, prae_id)
    assert version.marked_by == "Marie" and versions.version_pdf(window.workspace.store, version.id) == pdf
    window.close()
