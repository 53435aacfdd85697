"""Shared fixtures: real SQLite files in temp folders, a real PostgreSQL when one is reachable."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import keyring
import pytest
from keyring.backend import KeyringBackend

from pnae_desktop.catalogue.loader import shipped_catalogues
from pnae_desktop.store.database import open_store

IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture(scope="session")
def catalogue():
    return shipped_catalogues().default


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "pnae.sqlite"


@pytest.fixture
def sqlite_store(db_path):
    store = open_store(db_path)
    yield store
    store.close()


def _pg_url() -> str | None:
    return os.environ.get("PNAE_TEST_PG_URL")


def _reset_pg(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as con:
        con.execute(text("DROP SCHEMA public CASCADE"))
        con.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture
def pg_url():
    """An empty PostgreSQL database; skipped locally when none is reachable, never in CI."""
    url = _pg_url()
    reason = None
    if not url:
        reason = "PostgreSQL absent : définir PNAE_TEST_PG_URL (voir .ci/start-postgres)"
    else:
        try:
            _reset_pg(url)
        except Exception as exc:  # noqa: BLE001 - any failure to reach the server means skip/fail
            reason = f"PostgreSQL injoignable à {url} : {exc.__class__.__name__}"
    if reason:
        if IN_CI:
            pytest.fail(reason + " (jamais ignoré en CI)")
        pytest.skip(reason)
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store(request, tmp_path):
    """The same test on a SQLite file and on a real PostgreSQL server."""
    if request.param == "sqlite":
        store = open_store(tmp_path / "pnae.sqlite")
    else:
        store = open_store(url=request.getfixturevalue("pg_url"))
    yield store
    store.close()


# -- GUI tests: isolated settings, and modal dialogs answered so a test never hangs ---------------
# Qt is imported inside the helpers: the non-GUI tests never load it.


@pytest.fixture
def isolated_settings(tmp_path):
    """QSettings (window geometry, export folders…) in the test's own folder, and the app set up;
    GUI test modules use it with `pytestmark = pytest.mark.usefixtures("isolated_settings")`."""
    from PySide6.QtCore import QSettings

    from pnae_desktop.ui.app import create_application

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    create_application([])


def answer_next_dialog(callback) -> None:
    """Run `callback(dialog)` on the next modal dialog (message box, input dialog, file dialog,
    the app's own dialogs) once it is shown."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    def poll():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, poll)
            return
        callback(dialog)

    QTimer.singleShot(0, poll)


def answer_next_box(button=None) -> list[str]:
    """Click `button` (OK by default) on the next message box; its text lands in the returned list."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    messages: list[str] = []

    def answer():
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            messages.append(box.text())
            box.button(button or QMessageBox.StandardButton.Ok).click()
        else:
            QTimer.singleShot(20, answer)

    QTimer.singleShot(0, answer)
    return messages


class MessageWatchdog:
    """Answers every message box while it runs and records each text, so a test can never hang
    on one: OK on information and warnings; Yes on questions too when `answer_questions` is set
    (otherwise questions are left for the test to answer). `expect()` records that the test
    means to see some, for fixtures that fail a test on unexpected messages."""

    def __init__(self, answer_questions: bool = False):
        from PySide6.QtCore import QTimer

        self.messages: list[str] = []
        self.answer_questions = answer_questions
        self.expected = False
        self.timer = QTimer(interval=30)
        self.timer.timeout.connect(self._poll)
        self.timer.start()

    def expect(self) -> None:
        self.expected = True

    def _poll(self):
        from PySide6.QtWidgets import QApplication, QMessageBox

        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            return
        button = box.button(QMessageBox.StandardButton.Yes) if self.answer_questions else None
        button = button or box.button(QMessageBox.StandardButton.Ok)
        if button is not None:
            self.messages.append(box.text())
            button.click()

    def stop(self) -> None:
        self.timer.stop()


@pytest.fixture
def watchdog():
    """A running MessageWatchdog, stopped at the end of the test (never left to answer another's boxes)."""
    dog = MessageWatchdog()
    yield dog
    dog.stop()


# -- the hostile-input suite's counts (tests/test_hostile_inputs.py records one dict per case) ----

HOSTILE_RESULTS: list[dict] = []


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not HOSTILE_RESULTS:
        return
    tried = len(HOSTILE_RESULTS)
    refused = sum(r["refused_cleanly"] for r in HOSTILE_RESULTS)
    identical = sum(r["byte_identical"] for r in HOSTILE_RESULTS)
    tracebacks = sum(r["traceback"] for r in HOSTILE_RESULTS)
    terminalreporter.write_line(
        f"hostile inputs: {tried} tried, {refused} refused cleanly, {identical} store byte-identical, "
        f"{tracebacks} tracebacks"
    )
    pending = [r for r in HOSTILE_RESULTS if r.get("pending")]
    if pending:  # cases marked xfail until the other hardening work is merged
        terminalreporter.write_line(
            f"hostile inputs awaiting other fixes (xfail): {len(pending)} cases, "
            f"{sum(r['traceback'] for r in pending)} of the tracebacks"
        )


def demo_page(qtbot, db_path, catalogue, page: str, region: str | None = None):
    """The real window on a new store holding the demo PRAE (of `region`), showing `page`."""
    from pnae_desktop.services import demo  # GUI tests only: the other suites never open a window
    from pnae_desktop.ui.app import open_workspace
    from pnae_desktop.ui.main_window import MainWindow

    window = MainWindow(open_workspace(str(db_path), None, with_demo=False))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    args = (region,) if region else ()
    prae_id = demo.create_demo(window.workspace.store, catalogue, *args)
    window.refresh()
    window.open_prae(prae_id)
    window.go_to(page)
    return window


def open_window(qtbot, db_path):
    """The real window on the store at `db_path`, shown and active as on a desk (keyboard focus
    and widget shortcuts need it)."""
    from pnae_desktop.ui.app import open_workspace  # GUI tests only: the other suites never open a window
    from pnae_desktop.ui.main_window import MainWindow

    window = MainWindow(open_workspace(str(db_path), None, with_demo=False))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


@pytest.fixture
def office_window(qtbot, db_path, watchdog):
    """The real window on an empty store, shown and active as on a desk; no message box may
    have opened by the end of the test (a typo or a save never asks anything)."""
    window = open_window(qtbot, db_path)
    yield window
    assert not watchdog.messages
    window.close()


def new_window_prae(window, catalogue, actions=(1, 2), title="") -> int:
    """A new PRAE (Hauts-de-France, 2018-2020) with PNAE `actions`, shown on the dashboard."""
    from pnae_desktop.domain.entities import NewPrae
    from pnae_desktop.services import praes

    prae_id = praes.create_prae(
        window.workspace.store,
        catalogue,
        NewPrae(region_code="32", start_year=2018, end_year=2020, pnae_actions=actions, title=title),
    )
    window.refresh()
    return prae_id


def type_in(qtbot, view, text):
    """The first key opens the cell editor (as in a spreadsheet), the rest goes into it."""
    from PySide6.QtWidgets import QApplication, QLineEdit

    qtbot.keyClick(view, text[0])
    field = QApplication.focusWidget()
    assert isinstance(field, QLineEdit)
    qtbot.keyClicks(field, text[1:])
    return field


def stored_action(window, prae_id):
    """The PRAE's first action as stored."""
    from pnae_desktop.services import praes

    return praes.get_prae(window.workspace.store, prae_id).actions[0]


@pytest.fixture
def office_budget(office_window, catalogue):
    """The Budget page of a new one-action PRAE with a 1 000 € 2018 travel charge."""
    from pnae_desktop.services import budget

    office_window.open_prae(new_window_prae(office_window, catalogue, actions=(2,)))
    office_window.go_to("budget")
    page = office_window.page("budget")
    budget.set_charge_cells(
        page.store,
        [budget.ChargeCell(page.action_id(), "62", "Déplacements", 2018, budget.ChargeValue(amount_cents=1000_00))],
    )
    page.refresh()
    return page


@pytest.fixture
def two_action_window(qtbot, db_path, catalogue):
    """The real window showing a new PRAE with PNAE actions 1 and 2."""
    from pnae_desktop.domain.entities import NewPrae
    from pnae_desktop.services import praes
    from pnae_desktop.ui.app import open_workspace  # GUI tests only: the other suites never open a window
    from pnae_desktop.ui.main_window import MainWindow

    window = MainWindow(open_workspace(str(db_path), None, with_demo=False))
    qtbot.addWidget(window)
    window.show()
    prae_id = praes.create_prae(window.workspace.store, catalogue, NewPrae("32", 2018, 2020, (1, 2)))
    window.open_prae(prae_id)
    yield window
    window.close()


def travel_cell(action_id: int, cents: int):
    """The action's 2018 travel charge (account 62) at `cents`."""
    from pnae_desktop.services import budget

    return budget.ChargeCell(action_id, "62", "Déplacements", 2018, budget.ChargeValue(amount_cents=cents))


def stored_travel(window, action_id: int) -> int | None:
    """The cents of the action's first charge line, as stored."""
    from pnae_desktop.services import budget

    plan = budget.load_budget(window.workspace.store, window.current_prae_id)
    return next((c.amount_cents for c in plan.charges if c.action_id == action_id), None)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    """A store made by `pnae-desktop demo` once per test module (copy it before writing)."""
    from pnae_desktop.cli.main import main  # the CLI, as a user makes the demo store

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    assert main(["demo", "--db", str(path)]) == 0
    return path


def demo_material(folder: Path, db_name: str, *, edit_financing: bool = False) -> Path:
    """A demo store in `folder`, its `.prae` package (prae.prae), its workbook (budget.xlsx) and a
    copy of it edited as a funder would (edited.xlsx: a charge, and optionally a financing line)."""
    import openpyxl

    from pnae_desktop.exports.workbook.layout import BY_ACTION
    from pnae_desktop.services.demo import create_demo
    from pnae_desktop.services.exports import write_budget_workbook
    from pnae_desktop.services.package import export_package

    travel = "Déplacements, missions et réceptions"
    store = open_store(folder / db_name)
    create_demo(store, shipped_catalogues().default)
    export_package(store, 1, folder / "prae.prae", app_version="test")
    write_budget_workbook(store, 1, folder / "budget.xlsx", app_version="test")
    store.close()
    wb = openpyxl.load_workbook(folder / "budget.xlsx")
    ws = wb[BY_ACTION]
    rows = {v: r for r, (v,) in enumerate(ws.iter_rows(min_col=1, max_col=1, values_only=True), 1) if v}
    cols = {v: c for c, v in enumerate(next(ws.iter_rows(min_row=1, max_row=1, values_only=True)), 1) if v}
    charge = next(k for k in rows if isinstance(k, str) and k.startswith("C|") and k.endswith(f"|62|{travel}"))
    ws.cell(rows[charge], cols["MONTANT|2019"]).value = 2_600
    if edit_financing:
        financing = next(k for k in rows if isinstance(k, str) and k.startswith("F|"))
        ws.cell(rows[financing], cols["MONTANT|2019"]).value = 1_234
    wb.save(folder / "edited.xlsx")
    return folder


# After every test has run and the summary is printed, leave without the interpreter's final
# garbage collection: PySide6 can abort there ("none_dealloc: deallocating None", seen once after
# 1415 passed tests), which would turn a green run into exit code 134.
_EXIT_STATUS: dict[str, int] = {}


def pytest_sessionfinish(session, exitstatus):
    _EXIT_STATUS["status"] = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    if "status" in _EXIT_STATUS and not hasattr(config, "workerinput"):
        import sys  # the last step of the run: flush what pytest printed, then leave at once

        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_EXIT_STATUS["status"])


# An in-memory credential store for the team-store tests (the Windows Credential Manager,
# macOS Keychain or Secret Service cannot be exercised here).
class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self):
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def set_password(self, service, username, password):
        self.passwords[(service, username)] = password

    def get_password(self, service, username):
        return self.passwords.get((service, username))

    def delete_password(self, service, username):
        self.passwords.pop((service, username), None)


@pytest.fixture
def memory_keyring():
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)
